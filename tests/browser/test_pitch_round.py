"""The pitch round in a real browser, with three contexts: the moderator's laptop, the beamer
it drives and a participant's phone. Proposals made during the round join the queue; the pitch
advances on the beamer and on the phone within 2 s; votes cast during a pitch count; at the end
propose → accept and publish, and the phone shows the grid.

The delays are measured from the moment the moderator's own page shows the step (the step is
then in the database) and printed; `expect(..., timeout=2000)` is the promise."""

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant, Placement, Vote
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
    event = make_event(slug=SLUG, name="Pitch Camp", language="en", phase=Event.Phase.PROPOSALS)
    hanne = make_participant(event, name="Hanne Host")
    make_session(event, [hanne], title=FIRST)
    make_session(event, [make_participant(event, name="Vic Vader")], title=SECOND)
    make_room(event, name="Aula", capacity=40)
    make_room(event, name="Zaal B", capacity=12)
    make_slot(event, "10:00", "10:45")
    make_slot(event, "11:00", "11:45")
    return event


@pytest.fixture
def open_page(new_context: CreateContextCallback, sign_in: Callable) -> Callable[..., Page]:
    def open_page(user, path: str, screen: dict[str, Any]) -> Page:
        context = new_context(**screen)
        sign_in(context, user)
        page = context.new_page()
        page.goto(path)
        return page

    return open_page


@pytest.fixture
def shoot(artifacts_dir: Path) -> Callable[[Page, str], None]:
    def shoot(page: Page, step: str) -> None:
        page.screenshot(path=artifacts_dir / f"pitch-{step}.png", full_page=True)

    return shoot


def follows(
    target: Locator, text: str, since: float, delays: list[float], within: int = PROMISE_MS
) -> None:
    expect(target).to_contain_text(text, timeout=within)
    delays.append(time.monotonic() - since)


def test_a_pitch_round_on_laptop_beamer_and_phone(event, open_page, shoot, capsys):
    organiser = make_participant(event, name="Mo Moderator", role=Participant.Role.ORGANISER)
    pia = make_participant(event, name="Pia Phone")
    moderator = open_page(organiser.user, f"/{SLUG}/organise/pitch/", LAPTOP)
    beamer = open_page(organiser.user, f"/{SLUG}/organise/pitch/beamer/", BEAMER)
    phone = open_page(pia.user, f"/{SLUG}/proposals/", PHONE)
    delays: list[float] = []

    expect(moderator.get_by_text("2 proposals are waiting to be pitched.")).to_be_visible()
    moderator.get_by_role("button", name="Start the pitch round").click()
    now = moderator.locator(".pitch-now")
    expect(now).to_contain_text(FIRST)
    started = time.monotonic()
    follows(beamer.locator(".pitch-title"), FIRST, started, delays)
    # the phone's page was open before the round: it asks every 2 s until the round runs
    follows(phone.locator("#pitch-now"), FIRST, started, delays, within=3000)
    expect(beamer.locator(".pitch-clock")).to_have_text(re.compile(r"^0:[0-3]\d$"))
    shoot(beamer, "1-beamer")

    # Pia votes while listening; the list's copy of the card follows
    pitch_card = phone.locator("#pitch-now")
    pitch_card.get_by_role("button", name=re.compile("Vote")).tap()
    expect(pitch_card.locator("button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    first_in_list = phone.locator("#proposal-list .session-card").filter(has_text=FIRST)
    expect(first_in_list.locator("button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    shoot(phone, "2-phone-voted")

    # someone proposes on their phone during the round: it joins the end of the queue
    late = make_participant(event, name="Lotte Laat")
    late_phone = open_page(late.user, f"/{SLUG}/propose/", PHONE)
    late_phone.get_by_label("Title").fill(LATE)
    late_phone.locator(".proposal-form button.primary").click()
    expect(late_phone.get_by_role("heading", name=LATE)).to_be_visible()
    proposed = time.monotonic()
    follows(moderator.locator("#pitch-upcoming"), LATE, proposed, delays)
    expect(moderator.locator("#pitch-upcoming li").last).to_contain_text(LATE)
    shoot(moderator, "3-moderator-queue")

    # the moderator moves on with the keyboard
    moderator.locator("body").press("ArrowRight")
    expect(now).to_contain_text(SECOND)
    moved = time.monotonic()
    follows(beamer.locator(".pitch-title"), SECOND, moved, delays)
    # the title, not the whole card: the card already says "Next: <SECOND>" before it moves on
    follows(phone.locator("#pitch-now .pitch-title"), SECOND, moved, delays)
    phone.locator("#pitch-now").get_by_role("button", name=re.compile("Vote")).tap()
    expect(phone.locator("#pitch-now button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))

    moderator.locator("body").press("ArrowRight")
    expect(now).to_contain_text(LATE)
    follows(beamer.locator(".pitch-title"), LATE, time.monotonic(), delays)

    moderator.locator("body").press("e")  # end of the round
    expect(moderator.get_by_role("heading", name="The round is over: the votes")).to_be_visible()
    assert Vote.objects.filter(participant=pia).count() == 2
    shoot(moderator, "4-votes")

    moderator.get_by_role("button", name="Propose the grid from these votes").click()
    moderator.get_by_role("button", name="Accept and publish").click()
    expect(
        moderator.get_by_text("Proposed grid accepted and published", exact=True)
    ).to_be_visible()
    published = time.monotonic()

    expect(phone).to_have_url(re.compile(rf"/{SLUG}/grid/$"), timeout=PROMISE_MS + 1000)
    delays.append(time.monotonic() - published)
    placed = Placement.objects.filter(session__event=event).select_related("session")
    assert {p.session.title for p in placed} == {FIRST, SECOND, LATE}
    for title in (FIRST, SECOND, LATE):
        expect(phone.locator("main")).to_contain_text(title)
    expect(beamer).to_have_url(re.compile(rf"/{SLUG}/now/$"), timeout=PROMISE_MS + 1000)
    shoot(phone, "5-phone-grid")

    with capsys.disabled():
        print(f"\npitch round: followed in {', '.join(f'{d:.2f}' for d in delays)} s")
