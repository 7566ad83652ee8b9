"""axe-core (the npm package pinned in tests/browser/package-lock.json) on every page of a
participant's path, as a visitor and as a participant, on a phone and a desktop: no violation
of impact "serious" or "critical" (contrast, names, labels, landmarks...), and no duplicate id.
In Dutch first (the demo's and the default language: the pages say lang="nl" and the tests
find their controls by their Dutch names); one test repeats a participant's pages in English."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import BrowserContext, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app import actions
from sessions_app.models import Event, Participant, Session, Slot
from tests.browser.conftest import LAPTOP, PHONE, inject_axe
from tests.factories import (
    make_event,
    make_participant,
    make_session,
    make_slot,
    make_theme,
    make_vote,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "oocamp-2026"
CODE = "KMP234"
SCREENS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": LAPTOP},
}
BLOCKING = {"serious", "critical"}

SignIn = Callable[[BrowserContext, AbstractBaseUser], None]


@pytest.fixture
def voting_event() -> Event:
    """A Dutch event in the voting phase with dot voting, themes, slots, and a board with
    sessions of every kind (voted for, hosted, neither)."""
    event = make_event(
        slug=SLUG,
        name="Open Overheid Camp 2026",
        language=Event.Language.DUTCH,
        phase=Event.Phase.VOTING,
        join_code=CODE,
        venue="Gent",
        description="**Welkom** in Gent.",
        votes_per_participant=3,
    )
    themes = [make_theme(event, name=name) for name in ["Open data", "Participatie"]]
    make_slot(event, "10:00", "10:45")
    make_slot(event, "11:00", "11:45")
    make_slot(event, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch")
    host = make_participant(event, name="Griet Gastvrouw", organisation="Stad Gent")
    me = make_participant(event, name="An Peeters")
    mine = make_session(
        event, [me], title="Vaders bereiken", kind="presentation", description="Met **vaders**."
    )
    mine.themes.set(themes[1:])
    liked = make_session(event, [host], title="Open data in de gemeenteraad")
    liked.themes.set(themes)
    make_session(event, [host, me], title="Toegankelijke formulieren", kind="demo")
    make_vote(me, liked)
    make_vote(host, liked)
    return event


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def visitor(new_context: CreateContextCallback, screen: str) -> Page:
    return new_context(**SCREENS[screen]).new_page()


@pytest.fixture
def participant_page(
    new_context: CreateContextCallback, screen: str, sign_in: SignIn, voting_event: Event
) -> Page:
    """A page signed in as An Peeters, who hosts a session and voted for another."""
    context = new_context(**SCREENS[screen])
    sign_in(context, Participant.objects.get(event=voting_event, name="An Peeters").user)
    return context.new_page()


def serious_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    inject_axe(page, axe_source)  # CSP-safe (issue 8)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(
            f"    {node['target']}: {node['failureSummary']}" for node in violation["nodes"]
        )
    return "\n".join(lines)


def duplicate_ids(page: Page) -> list[str]:
    """axe files a duplicated id that ARIA points at under "incomplete" (to review), not under
    "violations", and no longer checks other duplicates; a label or aria-describedby that
    points at the wrong element is a real fault, so the test looks for itself."""
    return page.evaluate(
        """() => {
            const ids = [...document.querySelectorAll("[id]")].map(el => el.id);
            return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
        }"""
    )


def assert_accessible(page: Page, axe_source: str) -> None:
    violations = serious_violations(page, axe_source)
    assert violations == [], f"{page.url}\n{describe(violations)}"
    assert duplicate_ids(page) == [], page.url


def session_path(title: str) -> str:
    return Session.objects.get(title=title).get_absolute_url()


@pytest.mark.parametrize("path", ["/", "/join/", f"/{SLUG}/", f"/{SLUG}/join/?code={CODE}"])
def test_pages_for_visitors_have_no_serious_violations(
    voting_event: Event, visitor: Page, axe_source: str, path: str
) -> None:
    visitor.goto(path)

    assert_accessible(visitor, axe_source)


def test_event_join_page_without_code_has_no_serious_violations(
    voting_event: Event, visitor: Page, axe_source: str
) -> None:
    visitor.goto(f"/{SLUG}/join/")
    expect(visitor.locator("#id_code")).to_be_visible()

    assert_accessible(visitor, axe_source)


def test_session_page_for_visitor_has_no_serious_violations(
    voting_event: Event, visitor: Page, axe_source: str
) -> None:
    visitor.goto(session_path("Vaders bereiken"))

    assert_accessible(visitor, axe_source)


@pytest.mark.parametrize(
    "path", [f"/{SLUG}/", f"/{SLUG}/propose/", f"/{SLUG}/proposals/", f"/{SLUG}/me/"]
)
def test_pages_for_participants_have_no_serious_violations(
    participant_page: Page, axe_source: str, path: str
) -> None:
    participant_page.goto(path)
    expect(participant_page).to_have_url(re.compile(rf"{re.escape(path)}$"))  # not sent to join
    expect(participant_page.locator("html")).to_have_attribute("lang", "nl")
    expect(participant_page.get_by_role("button", name="Afmelden")).to_be_visible()

    assert_accessible(participant_page, axe_source)


@pytest.mark.parametrize(
    "path", [f"/{SLUG}/", f"/{SLUG}/propose/", f"/{SLUG}/proposals/", f"/{SLUG}/me/"]
)
def test_pages_in_english_have_no_serious_violations(
    participant_page: Page, axe_source: str, voting_event: Event, path: str
) -> None:
    """The English pass: the same event in English reads in English, as accessible."""
    voting_event.language = Event.Language.ENGLISH
    voting_event.save(update_fields=["language"])
    participant_page.goto(path)
    expect(participant_page.locator("html")).to_have_attribute("lang", "en")
    expect(participant_page.get_by_role("button", name="Sign out")).to_be_visible()

    assert_accessible(participant_page, axe_source)


def test_board_with_cards_and_vote_buttons_has_no_serious_violations(
    participant_page: Page, axe_source: str
) -> None:
    participant_page.goto(f"/{SLUG}/proposals/")
    expect(participant_page.locator(".session-card")).to_have_count(3)
    expect(participant_page.locator("button.vote-button")).to_have_count(3)
    expect(participant_page.locator("button.vote-button.voted")).to_have_count(1)

    assert_accessible(participant_page, axe_source)


def test_session_pages_for_host_and_voter_have_no_serious_violations(
    participant_page: Page, axe_source: str
) -> None:
    for title in ["Vaders bereiken", "Open data in de gemeenteraad"]:
        participant_page.goto(session_path(title))
        expect(participant_page.locator("button.vote-button")).to_have_count(1)

        assert_accessible(participant_page, axe_source)


def test_proposal_form_with_errors_has_no_serious_violations(
    participant_page: Page, axe_source: str
) -> None:
    participant_page.goto(f"/{SLUG}/propose/")
    participant_page.get_by_label("Beschrijving").fill("Zonder **titel**.")
    expect(participant_page.locator("#preview .prose strong")).to_have_text("titel")
    participant_page.get_by_role("button", name="Voorstellen", exact=True).click()
    expect(participant_page.locator(".form-errors")).to_be_visible()
    expect(participant_page.get_by_label("Titel")).to_have_attribute("aria-invalid", "true")

    assert_accessible(participant_page, axe_source)


def test_refused_vote_message_has_no_serious_violations(
    participant_page: Page, axe_source: str, voting_event: Event
) -> None:
    voting_event.votes_per_participant = 1
    voting_event.save(update_fields=["votes_per_participant"])
    participant_page.goto(f"/{SLUG}/proposals/")
    participant_page.locator("button.vote-button:not(.voted)").first.click()
    expect(participant_page.get_by_role("alert")).to_be_visible()

    assert_accessible(participant_page, axe_source)


def test_pitch_round_pages_have_no_serious_violations(
    new_context: CreateContextCallback,
    screen: str,
    sign_in: SignIn,
    voting_event: Event,
    participant_page: Page,
    axe_source: str,
) -> None:
    """The moderator's page and the beamer (organiser), and the phone's "now pitching" box with
    its vote button beside the same card in the list (no duplicate ids)."""
    organiser = make_participant(voting_event, name="Mo", role=Participant.Role.ORGANISER)
    actions.start_pitch_round(event=voting_event, version=0)
    context = new_context(**SCREENS[screen])
    sign_in(context, organiser.user)
    page = context.new_page()
    for path in [f"/{SLUG}/organise/pitch/", f"/{SLUG}/organise/pitch/beamer/"]:
        page.goto(path)
        assert_accessible(page, axe_source)
    participant_page.goto(f"/{SLUG}/proposals/")
    expect(participant_page.locator("#pitch-now .vote-button")).to_be_visible()
    assert_accessible(participant_page, axe_source)
