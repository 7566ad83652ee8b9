"""A proposal sent twice from a phone, in Dutch: Back after proposing and "Voorstellen" again,
or a double tap on the button, makes one session; the second send leads to it with "Je had dit
voorstel al ingediend — hier kan je het bewerken." and its "Wijzigen" button."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import BrowserContext, Page, Route, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant, Session
from tests.browser.conftest import PHONE, Steps
from tests.factories import make_event, make_participant

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Vaders bereiken in de opvoedingswinkel"
ALREADY = "Je had dit voorstel al ingediend — hier kan je het bewerken."


@pytest.fixture
def phone(
    new_context: CreateContextCallback,
    sign_in: Callable[[BrowserContext, AbstractBaseUser], None],
) -> tuple[Page, Participant]:
    """A phone, in Dutch, of a participant of a Dutch event where proposing is open."""
    event = make_event(
        slug="oocamp-2026",
        name="Open Overheid Camp 2026",
        language=Event.Language.DUTCH,
        phase=Event.Phase.VOTING,
    )
    participant = make_participant(event, name="Ann Deelnemer")
    # without the service worker, as every browser test not marked otherwise (conftest.py):
    # behind it, Playwright reports the lost POST's answer as the page it redirects to
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(context, participant.user)
    return context.new_page(), participant


def fill_in_proposal(page: Page) -> None:
    page.goto("/oocamp-2026/propose/")
    expect(page.get_by_role("heading", name="Stel een sessie voor")).to_be_visible()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Beschrijving").fill("Hoe bereiken we **vaders**?")


def sessions_of(participant: Participant) -> list[str]:
    return list(Session.objects.filter(event=participant.event).values_list("title", flat=True))


def test_back_and_propose_again_makes_one_session_and_offers_to_change_it(
    phone: tuple[Page, Any], steps: Steps
) -> None:
    page, participant = phone
    fill_in_proposal(page)
    steps(page, "form filled in")

    page.get_by_role("button", name="Voorstellen", exact=True).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("Je sessie is voorgesteld. Dank je wel!")).to_be_visible()
    steps(page, "proposed")
    page.go_back()
    expect(page.get_by_label("Titel")).to_have_value(TITLE)
    steps(page, "back on the form")
    page.get_by_role("button", name="Voorstellen", exact=True).click()

    expect(page.get_by_text(ALREADY)).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    steps(page, "already proposed")
    assert sessions_of(participant) == [TITLE]
    page.get_by_role("link", name="Wijzigen").click()
    expect(page.get_by_role("heading", name="Wijzig je sessie")).to_be_visible()
    expect(page.get_by_label("Titel")).to_have_value(TITLE)


def test_a_second_tap_while_the_first_answer_is_lost_makes_one_session(
    phone: tuple[Page, Any], steps: Steps
) -> None:
    """On a quick double click Chromium itself sends the form once; on a bad network the first
    tap reaches the server but its answer never comes back, the page stays as it was, and the
    person taps again. The first answer is held back here (the server made the session; the
    phone gets "204 No Content" and stays on the form) so that the second tap is sent."""
    page, participant = phone
    fill_in_proposal(page)
    taps: list[int] = []

    def first_answer_lost(route: Route) -> None:
        if taps:
            route.continue_()
        else:  # the server gets and answers it; the answer is lost on the way
            taps.append(route.fetch(max_redirects=0).status)
            route.fulfill(status=204)

    page.route("**/oocamp-2026/propose/", first_answer_lost)
    button = page.get_by_role("button", name="Voorstellen", exact=True)
    with page.expect_response(lambda response: response.status == 204):
        button.click()
    expect(page.get_by_label("Titel")).to_have_value(TITLE)
    steps(page, "first tap, no answer")
    # the proposal's own POST: the live Markdown preview posts too, and answers 200
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/oocamp-2026/propose/")
    ) as second:
        button.click()

    expect(page.get_by_text(ALREADY)).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    steps(page, "second tap")
    assert (taps, second.value.status) == ([302], 302)
    assert sessions_of(participant) == [TITLE]
