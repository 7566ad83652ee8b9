"""An organiser sets up an event in a real browser: sign in with a password, create the event,
add rooms and slots (an overlap is refused with its message), open voting with one click and
take it back. On a phone and on a desktop; the phone never scrolls sideways. Each step leaves a
screenshot in test-artifacts/."""

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant, Slot

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
PASSWORD = "correct horse battery staple"


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def organiser_page(new_context: CreateContextCallback, screen: str) -> Page:
    """A browser of the test's screen size, signed in through the login form by someone who
    organised last year's camp."""
    user = get_user_model().objects.create_user(username="olga", password=PASSWORD)
    last_year = Event.objects.create(
        slug="camp-2025", name="Camp 2025", date=datetime.date(2025, 9, 20), language="en"
    )
    Participant.objects.create(
        event=last_year, user=user, name="Olga Organiser", role=Participant.Role.ORGANISER
    )
    page = new_context(**SCREENS[screen]).new_page()
    page.goto("/accounts/login/?next=/organise/new/")
    page.locator("#id_username").fill("olga")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/organise/new/$"))
    return page


@pytest.fixture
def shoot(artifacts_dir: Path, screen: str) -> Callable[[Page, str], None]:
    """`shoot(page, step)`: check that the page does not scroll sideways, then save a full-page
    screenshot."""

    def shoot(page: Page, step: str) -> None:
        width = SCREENS[screen]["viewport"]["width"]
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths == [width, width], step
        page.screenshot(path=artifacts_dir / f"organiser-setup-{screen}-{step}.png", full_page=True)

    return shoot


def fill_row(page: Page, prefix: str, **values: str) -> None:
    for name, value in values.items():
        field = page.locator(f"#id_{prefix}-{name}")
        if name == "kind":
            field.select_option(value)
        else:
            field.fill(value)


def test_an_organiser_sets_up_an_event_and_opens_voting(
    organiser_page: Page, shoot: Callable[[Page, str], None]
) -> None:
    page = organiser_page
    shoot(page, "1-new-event")

    page.locator("#id_name").fill("Barcamp 2026")
    page.locator("#id_date").fill("2026-09-19")
    page.locator("#id_venue").fill("Gent")
    page.locator("input[name=language][value=en]").check()
    page.locator("input[name=voting][value=dots]").check()
    page.locator("#id_votes").fill("3")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/barcamp-2026/organise/$"))
    event = Event.objects.get(slug="barcamp-2026")
    assert (event.votes_per_participant, event.phase) == (3, Event.Phase.PROPOSALS)
    expect(page.locator(".phase-current")).to_have_text("Proposals open")
    shoot(page, "2-dashboard")

    page.get_by_role("link", name="Rooms and slots").click()
    expect(page).to_have_url(re.compile(r"/barcamp-2026/organise/frame/$"))
    shoot(page, "3-empty-frame")
    fill_row(page, "rooms-0", name="Zaal A", capacity="30")
    fill_row(page, "rooms-1", name="Zaal B", capacity="12")
    fill_row(page, "slots-0", start_time="10:00", end_time="10:45")
    fill_row(page, "slots-1", start_time="10:45", end_time="11:00", kind="break", label="Coffee")
    fill_row(page, "slots-2", start_time="11:00", end_time="11:45")
    page.locator(".frame-actions button[type=submit]").click()

    expect(page.locator(".message-success")).to_have_count(1)
    assert list(event.rooms.values_list("name", "capacity")) == [("Zaal A", 30), ("Zaal B", 12)]
    assert [(f"{event.local(s.start):%H:%M}", s.kind) for s in event.slots.order_by("start")] == [
        ("10:00", "sessions"),
        ("10:45", "break"),
        ("11:00", "sessions"),
    ]
    expect(page.locator("#id_slots-1-label")).to_have_value("Coffee")
    shoot(page, "4-frame")

    fill_row(page, "slots-3", start_time="11:30", end_time="12:15")
    page.locator(".frame-actions button[type=submit]").click()

    expect(page.locator(".formset-errors")).to_have_text(
        "The slot 11:00–11:45 overlaps the slot 11:30–12:15."
    )
    expect(page.locator("#id_slots-3-start_time")).to_have_value("11:30")  # nothing lost
    assert Slot.objects.filter(event=event).count() == 3
    shoot(page, "5-overlap-refused")

    page.get_by_role("link", name="Organiser dashboard").click()
    page.get_by_role("button", name=re.compile("Open voting")).click()

    expect(page.locator(".phase-current")).to_have_text("Voting open")
    expect(page.locator(".message-success")).to_have_text(
        "Voting opens: participants can vote; proposing stays open."
    )
    event.refresh_from_db()
    assert event.phase == Event.Phase.VOTING
    shoot(page, "6-voting")

    page.get_by_role("button", name=re.compile("Back to proposals")).click()

    expect(page.locator(".phase-current")).to_have_text("Proposals open")
    event.refresh_from_db()
    assert event.phase == Event.Phase.PROPOSALS
    page.wait_for_load_state("networkidle")  # no request may reach the server after the test
