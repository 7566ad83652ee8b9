"""What the room sees on the beamer and what a phone does with it, in Dutch first (issue 14):
the join QR code on the poster and on the pitch beamer is decoded from a screenshot and
followed on a phone; the pitch clock is read from the screen twice and must go down; a
200-character title leaves the host, the clock and the next pitches on a 1280×720 and a
1920×1080 screen; now & next fills a 1080p screen and its QR code leads to the grid."""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from sessions_app import actions, pitching
from sessions_app.models import Event, Participant, Slot
from tests.browser.conftest import (
    DESKTOP,
    ENGLISH,
    PHONE,
    in_viewport,
    overflow,
    read_qr,
    seconds_shown,
)
from tests.factories import make_event, make_participant, make_placement, make_room, make_session

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_BEAMER = {"width": 1280, "height": 720}
ON_A_PHONE = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
LONG_TITLE = (
    "Hoe begeleiden we kwetsbare gezinnen met jonge kinderen in armoede naar de juiste zorg, "
    "zonder dat ze onderweg afhaken tussen wachtlijsten, formulieren en doorverwijzingen?"
)[:200].ljust(200, "!")
LONG_HOST = "Marie-Françoise Vandenbroucke-Van der Elst-De Coninck de Merckem"


@pytest.fixture
def event() -> Event:
    event = make_event(slug="beamer-camp", name="Beamer Camp", phase=Event.Phase.PROPOSALS)
    make_session(event, [make_participant(event, name="Hanne Host")], title="Opvoeden in armoede")
    make_session(event, [make_participant(event, name="Vic Vader")], title="Vaders in beeld")
    return event


@pytest.fixture
def organiser(event: Event) -> Participant:
    return make_participant(event, name="Mo Moderator", role=Participant.Role.ORGANISER)


@pytest.fixture
def open_page(
    browser: Browser, browser_context_args: dict[str, Any], sign_in: Callable
) -> Iterator[Callable[..., Page]]:
    """`open_page(user, path, size, **context)`: a page of its own browser (a phone, the
    beamer), signed in as `user` unless None; in Dutch unless `context` says otherwise."""
    opened: list[BrowserContext] = []

    def open_page(user, path: str, size: dict[str, int], **context: Any) -> Page:
        browser_context = browser.new_context(**(browser_context_args | context), viewport=size)
        opened.append(browser_context)
        if user is not None:
            sign_in(browser_context, user)
        page = browser_context.new_page()
        page.goto(path)
        return page

    yield open_page
    for browser_context in opened:
        browser_context.close()


def follow_on_a_phone(open_page: Callable[..., Page], url: str, **context: Any) -> Page:
    """What a visitor's phone shows after scanning: not signed in, 390 px wide."""
    phone = open_page(None, url, PHONE, is_mobile=True, has_touch=True, **context)
    assert overflow(phone) == 0
    return phone


# ---- the join QR code -------------------------------------------------------------------------


def test_the_poster_qr_code_takes_a_phone_to_the_join_page(event, organiser, open_page, steps):
    poster = open_page(organiser.user, f"/{event.slug}/organise/poster/", DESKTOP)
    expect(poster.get_by_role("heading", name="Doe mee aan Beamer Camp")).to_be_visible()
    steps(poster, "poster")

    scanned = read_qr(poster.locator(".poster-qr"))

    assert re.search(rf"/{event.slug}/join/\?code={event.join_code}$", scanned), scanned
    phone = follow_on_a_phone(open_page, scanned)
    expect(phone.get_by_role("heading", name="Doe mee aan Beamer Camp")).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "nl")
    steps(phone, "phone-join-page")


def test_the_pitch_beamer_qr_code_takes_a_phone_to_the_join_page(
    event, organiser, open_page, steps
):
    beamer = open_page(organiser.user, f"/{event.slug}/organise/pitch/beamer/", SMALL_BEAMER)
    expect(beamer.get_by_text("Doe mee en stem")).to_be_visible()
    steps(beamer, "beamer")

    scanned = read_qr(beamer.locator(".pitch-join img"))

    phone = follow_on_a_phone(open_page, scanned)
    expect(phone).to_have_url(re.compile(rf"/{event.slug}/join/\?code={event.join_code}$"))
    expect(phone.get_by_role("heading", name="Doe mee aan Beamer Camp")).to_be_visible()
    steps(phone, "phone-join-page")


# ---- the pitch clock --------------------------------------------------------------------------


def assert_counts_down(clock: Locator, limit: int) -> None:
    first = seconds_shown(clock)
    assert 0 < first <= limit
    expect(clock).not_to_have_text(clock.inner_text(), timeout=3000)  # the next second
    assert seconds_shown(clock) < first


def test_the_pitch_clock_counts_down_in_dutch(event, organiser, open_page, steps):
    moderator = open_page(organiser.user, f"/{event.slug}/organise/pitch/", SMALL_BEAMER)
    moderator.get_by_role("button", name="Pitchronde starten").click()
    expect(moderator.locator(".pitch-now")).to_contain_text("Opvoeden in armoede")
    beamer = open_page(organiser.user, f"/{event.slug}/organise/pitch/beamer/", DESKTOP)

    assert_counts_down(moderator.locator(".pitch-clock"), 30)
    assert_counts_down(beamer.locator(".pitch-clock"), 30)
    steps(moderator, "moderator-clock")
    steps(beamer, "beamer-clock")

    # a new pitch starts a new clock, from its full time
    moderator.locator("body").press("ArrowRight")
    expect(moderator.locator(".pitch-now")).to_contain_text("Vaders in beeld")
    expect(beamer.locator(".pitch-title")).to_have_text("Vaders in beeld")
    assert_counts_down(beamer.locator(".pitch-clock"), 30)


def test_the_pitch_clock_counts_down_in_english(event, organiser, open_page):
    event.language = "en"
    event.save(update_fields=["language"])
    actions.start_pitch_round(event=event, version=0)
    beamer = open_page(organiser.user, f"/{event.slug}/organise/pitch/beamer/", DESKTOP, **ENGLISH)
    expect(beamer.get_by_text("Now pitching")).to_be_visible()

    assert_counts_down(beamer.locator(".pitch-clock"), 30)


# ---- everything on one screen -----------------------------------------------------------------


@pytest.mark.parametrize("size", [SMALL_BEAMER, DESKTOP], ids=["1280x720", "1920x1080"])
def test_a_200_character_title_leaves_host_clock_and_next_pitches_on_the_beamer(
    event, organiser, open_page, steps, size
):
    first = make_session(event, [make_participant(event, name=LONG_HOST)], title=LONG_TITLE)
    # the long one is first in the queue, and a long one is among the next two
    event.sessions.exclude(pk=first.pk).update(created_at=timezone.now() + timedelta(minutes=1))
    event.sessions.filter(title="Vaders in beeld").update(title=LONG_TITLE[::-1])
    first.created_at = timezone.now() - timedelta(minutes=1)
    first.save(update_fields=["created_at"])
    actions.start_pitch_round(event=event, version=0)
    assert pitching.queue(event).current == first and len(LONG_TITLE) == 200

    beamer = open_page(organiser.user, f"/{event.slug}/organise/pitch/beamer/", size)
    expect(beamer.locator(".pitch-title")).to_contain_text(LONG_TITLE[:40])
    steps(beamer, f"beamer-{size['width']}", full_page=False)

    shown = {
        "title": beamer.locator(".pitch-title"),
        "host": beamer.locator(".pitch-hosts"),
        "clock": beamer.locator(".pitch-clock"),
        "next pitches": beamer.locator(".pitch-next"),
        "QR code": beamer.locator(".pitch-join img"),
    }
    off = [name for name, locator in shown.items() if not in_viewport(beamer, locator)]
    assert not off, f"off the {size['width']}×{size['height']} screen: {', '.join(off)}"
    expect(shown["host"]).to_contain_text("Marie-Françoise")
    expect(beamer.locator(".pitch-next li")).to_have_count(2)
    assert overflow(beamer) == 0
    assert seconds_shown(shown["clock"]) > 0
    # the title is shrunk, not cut to a word: it still reads in type the back row can see
    size_px = float(shown["title"].evaluate("el => getComputedStyle(el).fontSize")[:-2])
    assert size_px >= 0.035 * size["height"]


# ---- now & next -------------------------------------------------------------------------------


@pytest.fixture
def published_day() -> Event:
    """A published grid of four rooms with a session on in each now and one next."""
    now = timezone.now()
    event = make_event(
        slug="nu-camp", name="Nu Camp", phase=Event.Phase.PUBLISHED, date=timezone.localdate()
    )
    this = Slot.objects.create(
        event=event, start=now - timedelta(minutes=20), end=now + timedelta(minutes=25)
    )
    after = Slot.objects.create(
        event=event, start=now + timedelta(minutes=30), end=now + timedelta(minutes=75)
    )
    for n, room_name in enumerate(["Aula", "Zaal B", "Zaal C", "Keuken"]):
        room = make_room(event, name=room_name, capacity=30)
        host = make_participant(event, name=f"Begeleider {n}")
        make_placement(make_session(event, [host], title=f"Sessie nu in {room_name}"), room, this)
        make_placement(make_session(event, [host], title=f"Straks in {room_name}"), room, after)
    return event


def test_now_and_next_fills_a_1080p_beamer_and_its_qr_code_leads_to_the_grid(
    published_day, open_page, steps
):
    beamer = open_page(None, f"/{published_day.slug}/now/", DESKTOP)
    rooms = beamer.locator(".now-room")
    expect(rooms).to_have_count(4)
    expect(rooms.first).to_contain_text("Sessie nu in Aula")
    expect(beamer.locator(".now-label").first).to_have_text(re.compile("^nu$", re.I))
    steps(beamer, "now-and-next-1080p", full_page=False)

    # it fills the screen, and nothing is below it
    grid = beamer.locator(".now-rooms").bounding_box()
    assert grid and grid["width"] >= 0.7 * DESKTOP["width"]
    assert grid["y"] + grid["height"] >= 0.9 * DESKTOP["height"]
    assert beamer.evaluate("document.documentElement.scrollHeight") <= DESKTOP["height"]
    assert overflow(beamer) == 0
    # in type the back of the room reads: at least 3.3 % of the screen's height
    title = beamer.locator(".now-session").first
    assert float(title.evaluate("el => getComputedStyle(el).fontSize")[:-2]) >= 36
    qr = beamer.locator(".now-qr-code")
    assert in_viewport(beamer, qr)

    scanned = read_qr(qr)

    assert scanned.endswith(f"/{published_day.slug}/grid/"), scanned
    phone = follow_on_a_phone(open_page, scanned)
    expect(phone.get_by_role("heading", name="Rooster", exact=True)).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Sessie nu in Keuken")
    steps(phone, "phone-grid")
