"""An organiser sets up an event in a real browser, in Dutch (the default language): sign in with
a password, create the event, add rooms and slots (an overlap is refused with its message in
Dutch), open voting with one click and take it back. On a phone and on a desktop; the phone
never scrolls sideways. The same flow runs once in English on a desktop. Each step leaves a
screenshot in test-artifacts/."""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from sessions_app.models import Event, Participant, Slot
from tests.browser.conftest import ENGLISH, Steps, overflow

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
PASSWORD = "correct horse battery staple"


# What the organiser reads, in the language of the run (Dutch from the catalogue).
WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "sign in": "Aanmelden",
        "create": "Evenement aanmaken",
        "proposals open": "Voorstellen open",
        "rooms and slots": "Zalen en tijdsloten",
        "save frame": "Zalen en tijdsloten bewaren",
        "saved": "De zalen en tijdsloten zijn bewaard.",
        "overlap": "Het tijdslot 11:00–11:45 overlapt met het tijdslot 11:30–12:15.",
        "dashboard": "Overzicht voor organisatoren",
        "open voting": "Stemmen openen",
        "voting open": "Stemmen open",
        "voting opens": "Stemmen gaat open: deelnemers kunnen stemmen; voorstellen blijft open.",
        "back to proposals": "Terug naar voorstellen",
    },
    "en": {
        "sign in": "Sign in",
        "create": "Create the event",
        "proposals open": "Proposals open",
        "rooms and slots": "Rooms and slots",
        "save frame": "Save rooms and slots",
        "saved": "The rooms and slots are saved.",
        "overlap": "The slot 11:00–11:45 overlaps the slot 11:30–12:15.",
        "dashboard": "Organiser dashboard",
        "open voting": "Open voting",
        "voting open": "Voting open",
        "voting opens": "Voting opens: participants can vote; proposing stays open.",
        "back to proposals": "Back to proposals",
    },
}


@pytest.fixture(
    params=[("phone", "nl"), ("desktop", "nl"), ("desktop", "en")],
    ids=["phone-nl", "desktop-nl", "desktop-en"],
)
def run(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param


@pytest.fixture
def screen(run: tuple[str, str]) -> str:
    return run[0]


@pytest.fixture
def language(run: tuple[str, str]) -> str:
    return run[1]


@pytest.fixture
def organiser_page(browser: Browser, live_server: LiveServer, screen: str, language: str) -> Page:
    """A browser of the test's screen size and language, signed in through the login form by
    someone who organised last year's camp."""
    user = get_user_model().objects.create_user(username="olga", password=PASSWORD)
    last_year = Event.objects.create(
        slug="camp-2025", name="Camp 2025", date=datetime.date(2025, 9, 20), language="en"
    )
    Participant.objects.create(
        event=last_year, user=user, name="Olga Organiser", role=Participant.Role.ORGANISER
    )
    asks_for = ENGLISH if language == "en" else {"locale": "nl-BE"}
    context = browser.new_context(base_url=live_server.url, **asks_for, **SCREENS[screen])
    page = context.new_page()
    page.goto("/accounts/login/?next=/organise/new/")
    page.locator("#id_username").fill("olga")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=WORDS[language]["sign in"]).click()
    expect(page).to_have_url(re.compile(r"/organise/new/$"))
    return page


@pytest.fixture
def shoot(steps: Steps) -> Callable[[Page, str], None]:
    """`shoot(page, step)`: check that the page does not scroll sideways, then save a full-page
    screenshot."""

    def shoot(page: Page, step: str) -> None:
        assert overflow(page) == 0, step
        steps(page, step)

    return shoot


def fill_row(page: Page, prefix: str, **values: str) -> None:
    for name, value in values.items():
        field = page.locator(f"#id_{prefix}-{name}")
        if name == "kind":
            field.select_option(value)
        else:
            field.fill(value)


def test_an_organiser_sets_up_an_event_and_opens_voting(
    organiser_page: Page, shoot: Callable[[Page, str], None], language: str
) -> None:
    page = organiser_page
    words = WORDS[language]
    shoot(page, "new event")

    page.locator("#id_name").fill("Barcamp 2026")
    page.locator("#id_date").fill("2026-09-19")
    page.locator("#id_venue").fill("Gent")
    dutch = page.locator("input[name=language][value=nl]")
    expect(dutch).to_be_checked()  # Dutch is the default language
    page.locator(f"input[name=language][value={language}]").check()
    page.locator("input[name=voting][value=dots]").check()
    page.locator("#id_votes").fill("3")
    page.get_by_role("button", name=words["create"]).click()

    expect(page).to_have_url(re.compile(r"/barcamp-2026/organise/$"))
    event = Event.objects.get(slug="barcamp-2026")
    assert (event.votes_per_participant, event.phase) == (3, Event.Phase.PROPOSALS)
    assert event.language == language
    expect(page.locator(".phase-current")).to_have_text(words["proposals open"])
    shoot(page, "dashboard")

    page.get_by_role("link", name=words["rooms and slots"]).click()
    expect(page).to_have_url(re.compile(r"/barcamp-2026/organise/frame/$"))
    shoot(page, "empty frame")
    fill_row(page, "rooms-0", name="Zaal A", capacity="30")
    fill_row(page, "rooms-1", name="Zaal B", capacity="12")
    fill_row(page, "slots-0", start_time="10:00", end_time="10:45")
    fill_row(page, "slots-1", start_time="10:45", end_time="11:00", kind="break", label="Koffie")
    fill_row(page, "slots-2", start_time="11:00", end_time="11:45")
    page.locator(".frame-actions").get_by_role("button", name=words["save frame"]).click()

    expect(page.locator(".message-success")).to_have_text(words["saved"])
    assert list(event.rooms.values_list("name", "capacity")) == [("Zaal A", 30), ("Zaal B", 12)]
    assert [(f"{event.local(s.start):%H:%M}", s.kind) for s in event.slots.order_by("start")] == [
        ("10:00", "sessions"),
        ("10:45", "break"),
        ("11:00", "sessions"),
    ]
    expect(page.locator("#id_slots-1-label")).to_have_value("Koffie")
    expect(page.locator("#id_slots-0-start_time")).to_have_value("10:00")  # no locale's format
    shoot(page, "frame")

    fill_row(page, "slots-3", start_time="11:30", end_time="12:15")
    page.locator(".frame-actions").get_by_role("button", name=words["save frame"]).click()

    expect(page.locator(".formset-errors")).to_have_text(words["overlap"])
    expect(page.locator("#id_slots-3-start_time")).to_have_value("11:30")  # nothing lost
    assert Slot.objects.filter(event=event).count() == 3
    shoot(page, "overlap refused")

    page.get_by_role("link", name=words["dashboard"]).click()
    page.get_by_role("button", name=re.compile(words["open voting"])).click()

    expect(page.locator(".phase-current")).to_have_text(words["voting open"])
    expect(page.locator(".message-success")).to_have_text(words["voting opens"])
    event.refresh_from_db()
    assert event.phase == Event.Phase.VOTING
    shoot(page, "voting")

    page.get_by_role("button", name=re.compile(words["back to proposals"])).click()

    expect(page.locator(".phase-current")).to_have_text(words["proposals open"])
    event.refresh_from_db()
    assert event.phase == Event.Phase.PROPOSALS
    shoot(page, "back to proposals")
    page.wait_for_load_state("networkidle")  # no request may reach the server after the test
