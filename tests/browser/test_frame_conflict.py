"""Two organisers open the rooms-and-slots page in their own browsers, in Dutch; both save. The
first is saved; the second sees the compare screen (409): what the first saved beside their own
changes, which stay in the form on top of the saved rooms; saving again keeps both. On a phone
(390 px) and a laptop (1366 px) with htmx, and on a laptop without JavaScript. Each step leaves
a screenshot in test-artifacts/."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from sessions_app.models import Event, Participant
from tests.browser.conftest import LAPTOP, PHONE, Steps, overflow
from tests.factories import make_event, make_participant, make_room, make_slot

pytestmark = pytest.mark.django_db(transaction=True)

SAVE = "Zalen en tijdsloten bewaren"
SAVED = "De zalen en tijdsloten zijn bewaard."
CONFLICT = "Iemand anders heeft de zalen en tijdsloten bewaard terwijl jij ze aanpaste"


@pytest.fixture(
    params=[(PHONE, True), (LAPTOP, True), (LAPTOP, False)],
    ids=["phone-390-htmx", "laptop-1366-htmx", "laptop-1366-no-javascript"],
)
def screen(request: pytest.FixtureRequest) -> tuple[dict[str, int], bool]:
    return request.param


def test_the_second_save_gets_the_compare_screen_and_keeps_both(
    browser: Browser,
    live_server: LiveServer,
    sign_in: Callable[[BrowserContext, AbstractBaseUser], None],
    steps: Steps,
    screen: tuple[dict[str, int], bool],
) -> None:
    size, javascript = screen
    event = make_event(name="Barcamp Gent", language="nl")
    make_room(event, name="Zaal A", capacity=30)
    make_room(event, name="Zaal B", capacity=20)
    make_slot(event, "10:00", "10:45")
    ann = make_participant(event, name="Ann", role=Participant.Role.ORGANISER)
    bob = make_participant(event, name="Bob", role=Participant.Role.ORGANISER)

    def open_as(person: Participant) -> Page:
        options: dict[str, Any] = {"base_url": live_server.url, "viewport": size}
        context = browser.new_context(**options, java_script_enabled=javascript)
        sign_in(context, person.user)
        page = context.new_page()
        page.goto(f"/{event.slug}/organise/frame/")
        expect(page.get_by_role("heading", name="Zalen en tijdsloten", level=1)).to_be_visible()
        return page

    ann_page, bob_page = open_as(ann), open_as(bob)
    steps(bob_page, "bob opens the rooms")

    ann_page.locator('input[name="rooms-0-name"]').fill("Aula")
    ann_page.get_by_role("button", name=SAVE).last.click()
    expect(ann_page.get_by_text(SAVED)).to_be_visible()
    steps(ann_page, "ann saved first")

    bob_page.locator('input[name="rooms-1-capacity"]').fill("45")
    bob_page.get_by_role("button", name=SAVE).last.click()
    compare = bob_page.locator(".frame-merge")
    expect(compare.get_by_role("heading", name=CONFLICT)).to_be_visible()
    theirs, yours = compare.locator(".merge-side").nth(0), compare.locator(".merge-side").nth(1)
    expect(theirs).to_contain_text("Aula · 30 plaatsen")
    expect(theirs).to_contain_text("Zaal B · 20 plaatsen")
    expect(yours).to_contain_text("Zaal B · 45 plaatsen (door jou gewijzigd)")
    # the form: Ann's saved name, Bob's own seats
    expect(bob_page.locator('input[name="rooms-0-name"]')).to_have_value("Aula")
    expect(bob_page.locator('input[name="rooms-1-capacity"]')).to_have_value("45")
    steps(bob_page, "bob sees the compare screen")
    assert overflow(bob_page) == 0
    event.refresh_from_db()
    assert list(event.rooms.order_by("order").values_list("name", "capacity")) == [
        ("Aula", 30),
        ("Zaal B", 20),
    ]

    bob_page.get_by_role("button", name=SAVE).last.click()
    expect(bob_page.get_by_text(SAVED)).to_be_visible()
    steps(bob_page, "bob saved again")
    assert list(event.rooms.order_by("order").values_list("name", "capacity")) == [
        ("Aula", 30),
        ("Zaal B", 45),
    ]
    assert Event.objects.get(pk=event.pk).frame_version == 2
    for page in (ann_page, bob_page):
        page.context.close()
