"""The pitch round in a real browser, in Dutch (the default language), with three contexts: the
moderator's laptop, the beamer it drives and a participant's phone. The clock goes down on the
screen; proposals made during the round join the queue; the pitch advances on the beamer and on
the phone within 2 s; votes cast during a pitch count; a skipped pitch goes back in the queue;
ending the round with pitches waiting asks first (a dialog with JavaScript, a section of the
page without); at the end propose → accept and publish, and the phone shows the grid. A
shorter flow repeats the round in English.

The delays are measured from the moment the moderator's own page shows the step (the step is
then in the database) and printed; `expect(..., timeout=2000)` is the promise."""

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from sessions_app.models import Event, Participant, PitchRound, Placement, Vote
from tests.browser.conftest import ENGLISH, seconds_shown
from tests.factories import make_event, make_participant, make_room, make_session, make_slot

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "pitch-camp"
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
BEAMER = {"viewport": {"width": 1920, "height": 1080}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PROMISE_MS = 2000  # the pitch shows on the beamer and the phones within 2 s
FIRST, SECOND = "Opvoeden in armoede", "Vaders in beeld"
LATE = "Kwetsbare gezinnen bereiken"


@pytest.fixture
def event() -> Event:
    event = make_event(slug=SLUG, name="Pitch Camp", phase=Event.Phase.PROPOSALS)  # in Dutch
    hanne = make_participant(event, name="Hanne Host")
    make_session(event, [hanne], title=FIRST)
    make_session(event, [make_participant(event, name="Vic Vader")], title=SECOND)
    make_room(event, name="Aula", capacity=40)
    make_room(event, name="Zaal B", capacity=12)
    make_slot(event, "10:00", "10:45")
    make_slot(event, "11:00", "11:45")
    return event


@pytest.fixture
def open_page(
    browser: Browser, browser_context_args: dict[str, Any], sign_in: Callable
) -> Iterator[Callable[..., Page]]:
    """`open_page(user, path, screen)`: a page of its own browser, signed in as `user`, in
    Dutch unless `screen` asks for another locale (`ENGLISH`)."""
    opened: list[BrowserContext] = []

    def open_page(user, path: str, screen: dict[str, Any]) -> Page:
        context = browser.new_context(**(browser_context_args | screen))
        opened.append(context)
        sign_in(context, user)
        page = context.new_page()
        page.goto(path)
        return page

    yield open_page
    for context in opened:
        context.close()


def follows(
    target: Locator, text: str, since: float, delays: list[float], within: int = PROMISE_MS
) -> None:
    expect(target).to_contain_text(text, timeout=within)
    delays.append(time.monotonic() - since)


def counts_down(clock: Locator) -> None:
    first = seconds_shown(clock)
    expect(clock).not_to_have_text(clock.inner_text(), timeout=3000)  # the next second
    assert 0 < seconds_shown(clock) < first


def test_a_pitch_round_on_laptop_beamer_and_phone(event, open_page, steps, capsys):
    organiser = make_participant(event, name="Mo Moderator", role=Participant.Role.ORGANISER)
    pia = make_participant(event, name="Pia Phone")
    moderator = open_page(organiser.user, f"/{SLUG}/organise/pitch/", LAPTOP)
    beamer = open_page(organiser.user, f"/{SLUG}/organise/pitch/beamer/", BEAMER)
    phone = open_page(pia.user, f"/{SLUG}/proposals/", PHONE)
    delays: list[float] = []

    expect(moderator.get_by_text("2 voorstellen wachten op hun pitch.")).to_be_visible()
    steps(moderator, "moderator-ready")
    moderator.get_by_role("button", name="Pitchronde starten").click()
    now = moderator.locator(".pitch-now")
    expect(now).to_contain_text(FIRST)
    started = time.monotonic()
    follows(beamer.locator(".pitch-title"), FIRST, started, delays)
    # the phone's page was open before the round: it asks every 2 s until the round runs
    follows(phone.locator("#pitch-now"), FIRST, started, delays, within=3000)
    expect(beamer.get_by_text("Nu aan de beurt")).to_be_visible()
    counts_down(beamer.locator(".pitch-clock"))  # read twice from the screen: it goes down
    counts_down(now.locator(".pitch-clock"))
    steps(beamer, "beamer-first-pitch")

    # Pia votes while listening; the list's copy of the card follows
    pitch_card = phone.locator("#pitch-now")
    pitch_card.get_by_role("button", name=re.compile(r"^\+1 Stem")).tap()
    expect(pitch_card.locator("button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    expect(pitch_card.locator("button.vote-button")).to_contain_text("Gestemd")
    first_in_list = phone.locator("#proposal-list .session-card").filter(has_text=FIRST)
    expect(first_in_list.locator("button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    steps(phone, "phone-voted")

    # someone proposes on their phone during the round: it joins the end of the queue
    late = make_participant(event, name="Lotte Laat")
    late_phone = open_page(late.user, f"/{SLUG}/propose/", PHONE)
    late_phone.get_by_label("Titel").fill(LATE)
    late_phone.locator(".proposal-form button.primary").click()
    expect(late_phone.get_by_role("heading", name=LATE)).to_be_visible()
    proposed = time.monotonic()
    follows(moderator.locator("#pitch-upcoming"), LATE, proposed, delays)
    expect(moderator.locator("#pitch-upcoming li").last).to_contain_text(LATE)
    steps(moderator, "moderator-queue")

    # the host of the first pitch stepped out: skipped with S, and the next one is on
    moderator.locator("body").press("s")
    expect(now).to_contain_text(SECOND)
    moved = time.monotonic()
    follows(beamer.locator(".pitch-title"), SECOND, moved, delays)
    # the title, not the whole card: the card already says "Next: <SECOND>" before it moves on
    follows(phone.locator("#pitch-now .pitch-title"), SECOND, moved, delays)
    phone.locator("#pitch-now").get_by_role("button", name=re.compile(r"^\+1 Stem")).tap()
    expect(phone.locator("#pitch-now button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    skipped = moderator.locator("#pitch-skipped li")
    expect(skipped).to_have_count(1)
    expect(skipped).to_contain_text(FIRST)
    steps(moderator, "moderator-skipped")

    # she is back: her pitch goes back in the queue, next in line
    skipped.get_by_role("button", name=re.compile("^Terug in de wachtrij")).click()
    expect(moderator.get_by_text("Terug in de wachtrij.", exact=True)).to_be_visible()
    expect(moderator.locator("#pitch-skipped")).to_have_count(0)
    expect(moderator.locator("#pitch-upcoming li").first).to_contain_text(FIRST)
    follows(beamer.locator(".pitch-next li").first, FIRST, time.monotonic(), delays)
    expect(now).to_contain_text(SECOND)  # the pitch on now goes on
    steps(moderator, "moderator-back-in-the-queue")

    moderator.locator("body").press("ArrowRight")
    expect(now.locator(".pitch-title")).to_have_text(FIRST)
    follows(beamer.locator(".pitch-title"), FIRST, time.monotonic(), delays)

    # E while the late proposal still waits: the moderator is asked, and says no
    asked: list[str] = []
    moderator.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    moderator.locator("body").press("e")
    assert asked == ["1 pitch wacht nog. Toch de ronde beëindigen?"]
    expect(now.locator(".pitch-title")).to_have_text(FIRST)
    assert PitchRound.objects.get(event=event).state == PitchRound.State.RUNNING

    moderator.locator("body").press("ArrowRight")
    expect(now).to_contain_text(LATE)
    follows(beamer.locator(".pitch-title"), LATE, time.monotonic(), delays)

    moderator.locator("body").press("e")  # nobody waits any more: no question
    expect(moderator.get_by_role("heading", name="De ronde is voorbij: de stemmen")).to_be_visible()
    assert Vote.objects.filter(participant=pia).count() == 2
    steps(moderator, "moderator-votes")

    moderator.get_by_role("button", name="Stel met deze stemmen een rooster voor").click()
    moderator.get_by_role("button", name="Aanvaarden en publiceren").click()
    expect(
        moderator.get_by_text("Voorgesteld rooster aanvaard en gepubliceerd", exact=True)
    ).to_be_visible()
    published = time.monotonic()

    expect(phone).to_have_url(re.compile(rf"/{SLUG}/grid/$"), timeout=PROMISE_MS + 1000)
    delays.append(time.monotonic() - published)
    placed = Placement.objects.filter(session__event=event).select_related("session")
    assert {p.session.title for p in placed} == {FIRST, SECOND, LATE}
    for title in (FIRST, SECOND, LATE):
        expect(phone.locator("main")).to_contain_text(title)
    expect(beamer).to_have_url(re.compile(rf"/{SLUG}/now/$"), timeout=PROMISE_MS + 1000)
    steps(phone, "phone-grid")
    steps(beamer, "beamer-now-and-next")

    with capsys.disabled():
        print(f"\npitch round: followed in {', '.join(f'{d:.2f}' for d in delays)} s")


def test_without_javascript_ending_the_round_asks_on_the_page(event, open_page, steps):
    organiser = make_participant(event, name="Mo Moderator", role=Participant.Role.ORGANISER)
    moderator = open_page(
        organiser.user, f"/{SLUG}/organise/pitch/", LAPTOP | {"java_script_enabled": False}
    )
    moderator.get_by_role("button", name="Pitchronde starten").click()
    expect(moderator.locator(".pitch-now")).to_contain_text(FIRST)

    moderator.get_by_role("button", name="Ronde beëindigen").click()

    question = moderator.get_by_role("alertdialog")
    expect(question).to_contain_text("1 pitch wacht nog. Toch de ronde beëindigen?")
    steps(moderator, "asked-without-javascript")
    assert PitchRound.objects.get(event=event).state == PitchRound.State.RUNNING
    question.get_by_role("button", name="Ronde toch beëindigen").click()
    expect(moderator.get_by_role("heading", name="De ronde is voorbij: de stemmen")).to_be_visible()


def test_a_pitch_round_in_english(event, open_page, steps):
    event.language = "en"
    event.save(update_fields=["language"])
    organiser = make_participant(event, name="Mo Moderator", role=Participant.Role.ORGANISER)
    moderator = open_page(organiser.user, f"/{SLUG}/organise/pitch/", LAPTOP | ENGLISH)
    beamer = open_page(organiser.user, f"/{SLUG}/organise/pitch/beamer/", BEAMER | ENGLISH)

    expect(moderator.get_by_text("2 proposals are waiting to be pitched.")).to_be_visible()
    moderator.get_by_role("button", name="Start the pitch round").click()
    expect(moderator.locator(".pitch-now")).to_contain_text(FIRST)
    expect(beamer.locator(".pitch-title")).to_have_text(FIRST, timeout=PROMISE_MS)
    expect(beamer.get_by_text("Now pitching")).to_be_visible()
    counts_down(beamer.locator(".pitch-clock"))
    steps(beamer, "beamer-in-english")

    asked: list[str] = []
    moderator.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    moderator.get_by_role("button", name="End the round").click()

    expect(moderator.get_by_role("heading", name="The round is over: the votes")).to_be_visible()
    assert asked == ["1 pitch is still waiting. End the round anyway?"]
    expect(beamer.locator(".pitch-title")).to_have_text(
        "Thank you! The grid is being made from your votes.", timeout=PROMISE_MS
    )
    steps(moderator, "votes-in-english")
