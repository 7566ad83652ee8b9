"""Following sessions on the day, in a real browser and in Dutch: a newcomer who joins after
the grid is out follows two sessions at the same time on their phone, My day asks them to
choose one and one tap keeps it; a follower's phone, open on My day, shows a move of what
they follow within 10 s without a reload, highlighted and read out; and the same with the move
made by an organiser in the grid editor, who reads how many followers it tells first."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from sessions_app import actions
from sessions_app.models import Event, Follow, Participant
from tests.browser.test_accessibility import assert_accessible
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CODE = "KMP234"


def day() -> dict:
    event = make_event(slug="buurtcamp", phase=Event.Phase.PUBLISHED, join_code=CODE)
    zenne, dijle = make_room(event, name="Zaal Zenne"), make_room(event, name="Zaal Dijle")
    ten, two = make_slot(event, "10:00", "10:45"), make_slot(event, "14:05", "14:50")
    host = make_participant(event, "Hanne")
    buurtwerk = make_session(event, title="Buurtwerk in de stad", hosts=[host])
    open_data = make_session(event, title="Open data voor iedereen", hosts=[host])
    make_placement(buurtwerk, zenne, ten)
    make_placement(open_data, dijle, ten)
    event.refresh_from_db()
    return {
        "event": event,
        "buurtwerk": buurtwerk,
        "open_data": open_data,
        "zenne": zenne,
        "two": two,
    }


def test_a_newcomer_follows_two_sessions_at_once_and_keeps_one(
    browser: Browser, base_url: str, steps, axe_source: str
) -> None:
    world = day()
    event = world["event"]
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()

    page.goto(reverse("public:grid", args=[event.slug]))
    page.get_by_role("link", name="Doe mee om sessies te volgen").click()
    page.get_by_label("Deelnamecode").fill(CODE)
    page.get_by_label("Je naam").fill("Nieuwe Nele")
    page.get_by_role("button", name="Doe mee", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{event.slug}/grid/$"))
    steps(page, "joined, back on the grid")

    for title in ("Buurtwerk in de stad", "Open data voor iedereen"):
        cell = page.locator("#grid td").filter(has_text=title)
        cell.get_by_role("button", name="Ik ga").click()
        expect(cell.get_by_role("button", name="Ik ga")).to_have_attribute("aria-pressed", "true")
        expect(cell.get_by_text("1 gaat")).to_be_visible()
    steps(page, "two sessions at ten followed")
    page.reload()  # the grid from the cache, with this newcomer's buttons put in
    expect(page.locator("#grid [aria-pressed=true]")).to_have_count(2)
    assert_accessible(page, axe_source)  # without the welcome, whose list axe objects to

    page.goto(reverse("participant:my-page", args=[event.slug]))
    expect(page.get_by_text("Kies er één")).to_be_visible()
    # each slot starts with its time; a list number before it ("1. 10:00") only puzzles
    marker = page.locator(".my-day > li").first.evaluate("li => getComputedStyle(li).listStyleType")
    assert marker == "none"
    steps(page, "my day asks to choose one")
    assert_accessible(page, axe_source)
    chosen = page.locator(".my-day .my-day-session").filter(has_text="Open data voor iedereen")
    chosen.get_by_role("button", name="Hou deze").click()

    expect(page.get_by_text("Kies er één")).to_have_count(0)
    expect(page.locator(".my-day")).to_contain_text("Open data voor iedereen")
    expect(page.locator(".my-day")).not_to_contain_text("Buurtwerk in de stad")
    steps(page, "one kept")
    assert list(Follow.objects.values_list("session__title", flat=True)) == [
        "Open data voor iedereen"
    ]
    context.close()


def test_a_followers_phone_shows_a_move_within_10_seconds_without_reload(
    browser: Browser, base_url: str, sign_in, steps
) -> None:
    world = day()
    event = world["event"]
    follower = make_participant(event, "Fien")
    actions.follow_session(participant=follower, session=world["buurtwerk"])
    context = browser.new_context(base_url=base_url, **PHONE)
    sign_in(context, follower.user)
    page = context.new_page()
    page.goto(reverse("participant:my-page", args=[event.slug]))
    expect(page.locator(".my-day")).to_contain_text("Buurtwerk in de stad")
    page.evaluate("window.notReloaded = true")
    steps(page, "my day before the move")

    event.refresh_from_db()
    actions.move_session(
        event=event,
        session=world["buurtwerk"],
        cell=(world["zenne"], world["two"]),
        version=event.grid_version,
        by=None,
    )

    note = page.locator("#my-live .changes").get_by_text("verplaatst naar Zaal Zenne, 14:05")
    expect(note).to_be_visible(timeout=10_000)
    expect(page.locator(".live-status")).to_contain_text("verplaatst naar Zaal Zenne, 14:05")
    assert page.evaluate("window.notReloaded") is True
    steps(page, "the move highlighted")

    page.get_by_role("button", name="Gezien").click()
    expect(page.locator("#my-live .changes")).to_have_count(0)
    context.close()


def test_an_organiser_moves_a_followed_session_and_the_followers_phone_says_so(
    browser: Browser, base_url: str, sign_in, steps
) -> None:
    """Both sides at once, as on the day: the organiser in the grid editor reads how many
    followers a move tells before placing it, and the follower's phone, open on My day, shows
    the move within 10 s without a reload."""
    world = day()
    event = world["event"]
    organiser = make_participant(event, "Olga", role=Participant.Role.ORGANISER)
    follower = make_participant(event, "Fien")
    actions.follow_session(participant=follower, session=world["buurtwerk"])

    phone = browser.new_context(base_url=base_url, **PHONE)
    sign_in(phone, follower.user)
    my_day = phone.new_page()
    my_day.goto(reverse("participant:my-page", args=[event.slug]))
    expect(my_day.locator(".my-day")).to_contain_text("Buurtwerk in de stad")
    my_day.evaluate("window.notReloaded = true")

    laptop = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
    sign_in(laptop, organiser.user)
    editor = laptop.new_page()
    editor.goto(reverse("organiser:grid", args=[event.slug]))
    buurtwerk = editor.locator(f'#grid [data-session="{world["buurtwerk"].pk}"]')
    buurtwerk.get_by_role("link", name="Kies").click()
    expect(editor.locator("#selection-told")).to_contain_text(
        "1 volger krijgt bericht van deze wijziging."
    )
    target = editor.locator(f"#cell-{world['two'].pk}-{world['zenne'].pk}")
    steps(editor, "organiser reads who the move tells")

    target.get_by_role("button", name="Hier plaatsen").click()
    expect(target).to_contain_text("Buurtwerk in de stad")
    steps(editor, "organiser placed it")

    note = my_day.locator("#my-live .changes").get_by_text("verplaatst naar Zaal Zenne, 14:05")
    expect(note).to_be_visible(timeout=10_000)
    assert my_day.evaluate("window.notReloaded") is True
    steps(my_day, "followers phone shows the move")
    laptop.close()
    phone.close()
