"""A vote whose answer is lost, on a phone, in Dutch: the page sends the same vote once more
(static/js/app.js), so a proxy's 502/503/504 or a cut connection never reaches the voter; the
form says "I vote for X" or "I take my vote back", so the second send cannot flip it back. Lost
twice, or answered with a server error, the button says "Er ging iets mis met deze knop; probeer
het opnieuw." and the vote is as it was. (nginx sends a vote to a second instance itself:
tests/scaleout.)"""

import re
from collections.abc import Callable
from urllib.parse import parse_qs

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant, Session, Vote
from tests.browser.conftest import PHONE
from tests.factories import make_event, make_participant, make_session

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "oocamp-2026"
TITLE = "Open data in de gemeenteraad"
LOST = "Er ging iets mis met deze knop; probeer het opnieuw."


def lose(how: str) -> Callable[[Route], None]:
    """How the first answer is lost: before the vote reached the app (the proxy's own 502,
    503 or 504), or after the app stored it (its answer replaced by a 502, or the connection
    cut while it came back)."""

    def handle(route: Route) -> None:
        if how.startswith("stored"):
            route.fetch(max_redirects=0)  # the app gets the vote and answers it
            if how.endswith("cut off"):
                route.abort("connectionreset")
                return
            how_now = "502"
        else:
            how_now = how
        route.fulfill(status=int(how_now), content_type="text/html", body="<h1>Bad Gateway</h1>")

    return handle


class Proxy:
    """The vote requests the page sends; the first `lost` of them lose their answer, later
    ones reach the app."""

    def __init__(self, page: Page, how: str, lost: int = 1) -> None:
        self.how, self.lost = how, lost
        self.sent: list[str] = []  # the `vote` field of each request
        page.route(f"**/{SLUG}/sessions/*/vote/", self.handle)

    def handle(self, route: Route) -> None:
        self.sent.append(parse_qs(route.request.post_data or "")["vote"][0])
        if len(self.sent) <= self.lost:
            lose(self.how)(route)
        else:
            route.continue_()


@pytest.fixture
def phone(
    new_context: CreateContextCallback,
    sign_in: Callable[[BrowserContext, AbstractBaseUser], None],
) -> tuple[Page, Participant, Session]:
    """A phone, in Dutch, of a participant of a Dutch event in the voting phase."""
    event = make_event(
        slug=SLUG, name="Open Overheid Camp 2026", language=Event.Language.DUTCH,
        phase=Event.Phase.VOTING,
    )  # fmt: skip
    host = make_participant(event, name="Griet Gastvrouw")
    session = make_session(event, [host], title=TITLE)
    voter = make_participant(event, name="Chris Dewulf")
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(context, voter.user)
    return context.new_page(), voter, session


def card(page: Page) -> Locator:
    return page.locator(".session-card").filter(
        has=page.get_by_role("heading", name=TITLE, exact=True)
    )


def votes(voter: Participant, session: Session) -> int:
    return Vote.objects.filter(participant=voter, session=session).count()


VOTED = re.compile(r"\bvoted\b")


@pytest.mark.parametrize(
    ("vote", "how"),
    [
        (True, "502"),
        (True, "503"),
        (True, "504"),
        (True, "stored, then 502"),
        (True, "stored, then cut off"),
        (False, "502"),
        (False, "stored, then 502"),
        (False, "stored, then cut off"),
    ],
)
def test_a_vote_whose_answer_is_lost_is_sent_once_more_and_counts_once(
    phone: tuple[Page, Participant, Session], vote: bool, how: str
) -> None:
    page, voter, session = phone
    if not vote:
        Vote.objects.create(participant=voter, session=session)
    proxy = Proxy(page, how)
    page.goto(f"/{SLUG}/proposals/")
    box = card(page)
    button = box.locator("button.vote-button")
    if vote:
        expect(button).not_to_have_class(VOTED)
    else:
        expect(button).to_have_class(VOTED)

    button.tap()

    if vote:
        expect(button).to_have_class(VOTED)
        expect(box.locator(".vote-count")).to_have_text("1 stem")
    else:
        expect(button).not_to_have_class(VOTED)
        expect(box.locator(".vote-count")).to_have_text("0 stemmen")
    expect(box.get_by_role("alert")).to_have_count(0)
    word = "1" if vote else "0"
    assert proxy.sent == [word, word]  # the same word twice, not a flip back
    assert votes(voter, session) == (1 if vote else 0)


@pytest.mark.parametrize(("how", "lost", "sent"), [("502", 2, 2), ("500", 1, 1)])
def test_a_vote_lost_twice_or_refused_by_an_error_says_so_and_changes_nothing(
    phone: tuple[Page, Participant, Session], how: str, lost: int, sent: int
) -> None:
    """Lost twice: two sends, then the message (no third). A server error (500) is an answer,
    not a lost one: one send, then the message."""
    page, voter, session = phone
    proxy = Proxy(page, how, lost=lost)
    page.goto(f"/{SLUG}/proposals/")
    box = card(page)
    button = box.locator("button.vote-button")

    button.tap()

    expect(box.get_by_role("alert")).to_have_text(LOST)
    assert len(proxy.sent) == sent
    expect(button).not_to_have_class(VOTED)
    expect(box.locator(".vote-count")).to_have_text("0 stemmen")
    assert votes(voter, session) == 0
    button.tap()  # tapping again, with the answers back, votes
    expect(button).to_have_class(VOTED)
    expect(box.get_by_role("alert")).to_have_count(0)
    assert votes(voter, session) == 1
