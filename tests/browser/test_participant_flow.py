"""A participant's evening in a real browser, in Dutch (the event's and the browser's
language): join with the code from the beamer, propose a session, find it on the board and vote
in place; dot voting, input kept after an error, without JavaScript and with the keyboard alone;
the join-and-propose flow once more in English. Every test runs on a phone-sized and on a desktop
viewport.

People find buttons and links by what they read, so the tests do too: by their Dutch names
(`get_by_role(..., name=...)`), and they check the Dutch a person reads after each step."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant, Session, Slot, Vote
from tests.factories import make_event, make_participant, make_session, make_slot, make_theme

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "oocamp-2026"
CODE = "KMP234"
SCREENS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
TITLE = "Vaders bereiken in de opvoedingswinkel"
DESCRIPTION = "Hoe bereiken we **vaders**?\n\n- ervaringen\n- ideeën"

NewPage = Callable[..., Page]


@pytest.fixture
def voting_event() -> Event:
    """A Dutch event in the voting phase, with themes, a morning of slots and two proposals."""
    event = make_event(
        slug=SLUG,
        name="Open Overheid Camp 2026",
        language=Event.Language.DUTCH,
        phase=Event.Phase.VOTING,
        join_code=CODE,
        venue="Gent",
    )
    for name in ["Open data", "Participatie", "Digitale toegankelijkheid"]:
        make_theme(event, name=name)
    make_slot(event, "10:00", "10:45")
    make_slot(event, "11:00", "11:45")
    make_slot(event, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch")
    host = make_participant(event, name="Griet Gastvrouw", organisation="Stad Gent")
    make_session(event, [host], title="Open data in de gemeenteraad")
    make_session(event, [host], title="Burgerbegroting in dertig minuten", kind="presentation")
    return event


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def new_page(new_context: CreateContextCallback, screen: str) -> NewPage:
    """`new_page(**context_args)`: a page in a fresh browser context (its own cookies, so its
    own person) of the test's screen size."""

    def new_page(**context_args: Any) -> Page:
        return new_context(**SCREENS[screen], **context_args).new_page()

    return new_page


@pytest.fixture
def shoot(artifacts_dir: Path, screen: str, request: pytest.FixtureRequest) -> Callable:
    """`shoot(page, step)`: a full-page screenshot in test-artifacts/, after checking that the
    page does not scroll sideways (what breaks first on a phone)."""
    test = request.node.originalname.removeprefix("test_")

    def shoot(page: Page, step: str) -> None:
        width = SCREENS[screen]["viewport"]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") == width, step
        page.screenshot(path=artifacts_dir / f"flow-{test}-{screen}-{step}.png", full_page=True)

    return shoot


def tap(locator: Locator) -> None:
    """A tap on a touch screen, a click elsewhere."""
    if locator.page.evaluate("matchMedia('(pointer: coarse)').matches"):
        locator.tap()
    else:
        locator.click()


def card(page: Page, title: str) -> Locator:
    return page.locator(".session-card").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def vote_count(scope: Locator) -> int:
    """The number in "3 stemmen"."""
    return int(scope.locator(".vote-count").inner_text().split()[0])


def join(page: Page, name: str, code: str = "kmp 234", *, then_propose: bool = False) -> None:
    """Type the code from the beamer (as people do: lower case, with a space), then a name;
    "Doe mee" leads to the event's page, "Doe mee en stel een sessie voor" to the proposal
    form."""
    page.goto("/join/")
    page.get_by_label("Deelnamecode").fill(code)
    page.get_by_role("button", name="Volgende").click()
    expect(page).to_have_url(re.compile(rf"/{SLUG}/join/\?code={CODE}$"))
    expect(page.locator("#id_code")).to_be_hidden()  # known code: not asked again
    page.get_by_label("Je naam").fill(name)
    if then_propose:
        page.get_by_role("button", name="Doe mee en stel een sessie voor").click()
        expect(page).to_have_url(re.compile(rf"/{SLUG}/propose/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Stel een sessie voor")
    else:
        page.get_by_role("button", name="Doe mee", exact=True).click()
        expect(page).to_have_url(re.compile(rf"/{SLUG}/$"))
        expect(page.get_by_role("link", name="Stem voor sessies")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(f"Welkom, {name}!")


def fill_proposal(page: Page, *, title: str = TITLE, kind: str = "presentation") -> None:
    page.locator("#id_title").fill(title)
    page.locator(f"input[name=kind][value={kind}]").check()
    page.locator("#id_description").fill(DESCRIPTION)
    page.get_by_role("checkbox", name="Participatie", exact=True).check()


def submit_proposal(page: Page) -> None:
    page.get_by_role("button", name="Voorstellen", exact=True).click()


def expect_session_page(page: Page, participant_name: str) -> Session:
    expect(page).to_have_url(re.compile(rf"/{SLUG}/sessions/\d+/(#main)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".kind")).to_have_class(re.compile(r"\bkind-presentation\b"))
    expect(page.locator(".prose strong")).to_have_text("vaders")
    expect(page.locator(".themes li")).to_have_text(["Participatie"])
    session = Session.objects.get(title=TITLE)
    assert [h.participant.name for h in session.hostings.all()] == [participant_name]
    assert urlsplit(page.url).path == session.get_absolute_url()
    return session


def test_join_propose_then_second_participant_finds_it_and_votes_in_place(
    voting_event: Event, new_page: NewPage, shoot: Callable
) -> None:
    page = new_page()

    join(page, "An Peeters", then_propose=True)  # straight on to the proposal form
    shoot(page, "1-joined")
    fill_proposal(page)
    expect(page.locator("#preview .prose strong")).to_have_text("vaders")  # live preview
    shoot(page, "2-proposal")
    submit_proposal(page)
    expect_session_page(page, "An Peeters")
    expect(page.locator(".messages")).to_contain_text("Je sessie is voorgesteld. Dank je wel!")
    shoot(page, "3-session")

    other = new_page()
    join(other, "Bart Claes")
    other.get_by_role("link", name="Stem voor sessies").click()
    expect(other.get_by_role("heading", level=1)).to_contain_text("Sessies")
    expect(other.locator("#proposal-list .session-card")).to_have_count(3)
    expect(other.locator("#votes-left")).to_be_hidden()  # unlimited votes: nothing to count
    other.locator("#id_q").fill("vaders")
    expect(other.locator("#proposal-list .session-card")).to_have_count(1)
    expect(other).to_have_url(re.compile(r"/proposals/\?q=vaders(&|$)"))  # htmx pushed the filter
    found = card(other, TITLE)
    button = found.locator("button.vote-button")
    url = other.url
    other.evaluate("window.notReloaded = true")
    assert vote_count(found) == 0

    tap(button)

    expect(button).to_have_class(re.compile(r"\bvoted\b"))
    expect(button).to_contain_text("Gestemd")
    expect(found.locator(".vote-count")).to_have_text("1 stem")
    assert other.url == url
    assert other.evaluate("window.notReloaded") is True
    assert Vote.objects.filter(session__title=TITLE, participant__name="Bart Claes").count() == 1
    shoot(other, "4-voted")

    tap(button)

    expect(button).not_to_have_class(re.compile(r"\bvoted\b"))
    expect(button).to_contain_text("Stem")
    expect(found.locator(".vote-count")).to_have_text("0 stemmen")
    assert other.url == url
    assert other.evaluate("window.notReloaded") is True
    assert Vote.objects.filter(session__title=TITLE).count() == 0


def test_dot_voting_counts_down_and_refuses_one_vote_too_many(
    voting_event: Event, new_page: NewPage, shoot: Callable
) -> None:
    voting_event.votes_per_participant = 2
    voting_event.save(update_fields=["votes_per_participant"])
    host = Participant.objects.get(name="Griet Gastvrouw")
    make_session(voting_event, [host], title="Toegankelijke formulieren", kind="demo")
    page = new_page()
    join(page, "Chris Dewulf")
    page.goto(f"/{SLUG}/proposals/")
    votes_left = page.locator("#votes-left")
    expect(votes_left).to_have_text(re.compile(r"\b2\b"))

    tap(card(page, "Open data in de gemeenteraad").locator("button.vote-button"))
    expect(votes_left).to_have_text(re.compile(r"\b1\b"))
    tap(card(page, "Toegankelijke formulieren").locator("button.vote-button"))
    expect(votes_left).to_have_text(re.compile(r"\b0\b"))
    third = card(page, "Burgerbegroting in dertig minuten")
    tap(third.locator("button.vote-button"))

    alert = third.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("2")  # "… alle 2 stemmen …"
    expect(third.locator("button.vote-button")).not_to_have_class(re.compile(r"\bvoted\b"))
    assert vote_count(third) == 0
    expect(votes_left).to_have_text(re.compile(r"\b0\b"))
    assert Vote.objects.filter(participant__name="Chris Dewulf").count() == 2
    assert Vote.objects.filter(session__title="Burgerbegroting in dertig minuten").count() == 0
    shoot(page, "refused")


def test_proposal_with_validation_error_keeps_what_was_typed(
    voting_event: Event, new_page: NewPage, shoot: Callable
) -> None:
    page = new_page()
    join(page, "Dirk Ensens")
    page.goto(f"/{SLUG}/propose/")
    fill_proposal(page, title="", kind="demo")

    submit_proposal(page)

    expect(page).to_have_url(re.compile(rf"/{SLUG}/propose/$"))
    expect(page.locator(".form-errors")).to_be_focused()  # app.js: errors are read out first
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-invalid .field-errors")).to_have_count(1)
    expect(page.locator("#id_title_error")).to_be_visible()  # read out with the field:
    expect(page.locator("#id_title")).to_have_attribute(
        "aria-describedby", re.compile("id_title_error")
    )
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    expect(page.locator("input[name=kind][value=demo]")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Participatie", exact=True)).to_be_checked()
    assert Session.objects.filter(event=voting_event).count() == 2
    shoot(page, "errors")


# what a person reads on the way, in the event's Dutch and after picking English
WORDING = {
    "nl": {
        "name": "Je naam",
        "join": "Doe mee en stel een sessie voor",
        "title": "Titel",
        "propose": "Voorstellen",
        "thanks": "Je sessie is voorgesteld. Dank je wel!",
    },
    "en": {
        "name": "Your name",
        "join": "Join and propose a session",
        "title": "Title",
        "propose": "Propose",
        "thanks": "Your session is proposed. Thank you!",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_join_and_propose_in_dutch_or_english(
    voting_event: Event, new_page: NewPage, shoot: Callable, language: str
) -> None:
    """The short English flow: the same steps after the language switch."""
    words = WORDING[language]
    page = new_page()  # the browser asks for Dutch; the event speaks Dutch
    page.goto(f"/{SLUG}/join/?code={CODE}")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    if language == "en":
        page.get_by_role("button", name="English", exact=True).click()
        expect(page).to_have_url(re.compile(rf"/{SLUG}/join/\?code={CODE}$"))

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("label[for=id_name]")).to_have_text(re.compile(rf"^{words['name']}\b"))
    page.get_by_label(words["name"]).fill("Els Francken")
    page.get_by_role("button", name=words["join"]).click()
    expect(page).to_have_url(re.compile(rf"/{SLUG}/propose/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("label[for=id_title]")).to_have_text(re.compile(rf"^{words['title']}\b"))
    shoot(page, f"propose-{language}")
    page.get_by_label(words["title"]).fill(TITLE)
    fill_proposal(page)
    page.get_by_role("button", name=words["propose"], exact=True).click()
    expect_session_page(page, "Els Francken")
    expect(page.locator(".messages")).to_contain_text(words["thanks"])
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_without_javascript_join_vote_and_propose_with_preview_button(
    voting_event: Event, new_page: NewPage, shoot: Callable
) -> None:
    page = new_page(java_script_enabled=False)

    join(page, "Fien Goossens")
    page.goto(f"/{SLUG}/proposals/")
    assert page.evaluate("typeof window.htmx") == "undefined"  # no script ran
    open_data = card(page, "Open data in de gemeenteraad")
    with page.expect_navigation():  # a plain POST, answered with a redirect back to the board
        tap(open_data.locator("button.vote-button"))
    expect(page).to_have_url(re.compile(rf"/{SLUG}/proposals/$"))
    expect(open_data.locator("button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    assert vote_count(open_data) == 1
    shoot(page, "1-voted")

    page.goto(f"/{SLUG}/propose/")
    fill_proposal(page)
    expect(page.locator("#preview .prose")).to_have_count(0)  # no live preview without JS
    page.get_by_role("button", name="Toon een voorbeeld").click()
    expect(page.locator("#preview .prose strong")).to_have_text("vaders")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    shoot(page, "2-preview")
    assert Session.objects.filter(title=TITLE).count() == 0
    submit_proposal(page)
    expect_session_page(page, "Fien Goossens")


def tab_to(page: Page, selector: str, limit: int = 40) -> Locator:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.locator(selector)
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def skip_to_main(page: Page) -> None:
    """From the top of a freshly loaded page: the skip link, then into the content."""
    page.keyboard.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def focus_ring(locator: Locator) -> dict[str, Any]:
    return locator.evaluate(
        """el => {
            const style = getComputedStyle(el);
            return {
                focusVisible: el.matches(":focus-visible"),
                outline: style.outlineStyle === "none" ? "none" : style.outlineWidth,
                boxShadow: style.boxShadow,
            };
        }"""
    )


def test_keyboard_only_join_propose_and_vote(
    voting_event: Event, new_page: NewPage, shoot: Callable
) -> None:
    page = new_page()
    page.goto("/join/")

    skip_to_main(page)
    page.keyboard.press("Tab")
    expect(page.locator("#id_code")).to_be_focused()
    page.keyboard.type("kmp234")
    page.keyboard.press("Enter")
    # the redirect keeps the "#main" of the skip link, so Tab starts inside the content
    page.wait_for_url(re.compile(rf"/{SLUG}/join/\?code={CODE}(#main)?$"))
    tab_to(page, "#id_name")
    page.keyboard.type("Gert Hermans")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/{SLUG}/(#main)?$"))
    tab_to(page, f"main a[href='/{SLUG}/propose/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/{SLUG}/propose/(#main)?$"))
    skip_to_main(page)
    page.keyboard.press("Tab")
    expect(page.locator("#id_title")).to_be_focused()
    page.keyboard.type(TITLE)
    page.keyboard.press("Tab")
    expect(page.locator("input[name=kind][value=discussion]")).to_be_focused()
    page.keyboard.press("ArrowDown")  # arrows move through a radio group
    expect(page.locator("input[name=kind][value=presentation]")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#id_description")).to_be_focused()
    page.keyboard.type(DESCRIPTION)
    expect(page.locator("#preview .prose strong")).to_have_text("vaders")
    tab_to(page, "input[name=themes]")
    page.keyboard.press("Tab")  # the second theme
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Participatie", exact=True)).to_be_checked()
    tab_to(page, ".proposal-form button.primary")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/{SLUG}/sessions/\d+/(#main)?$"))
    expect_session_page(page, "Gert Hermans")
    button = tab_to(page, "button.vote-button")

    ring = focus_ring(button)
    shoot(page, "vote-focused")
    page.keyboard.press("Enter")

    assert ring["focusVisible"] is True
    assert ring["outline"] not in {"none", "0px"} or ring["boxShadow"] != "none", ring
    expect(button).to_have_class(re.compile(r"\bvoted\b"))
    expect(page.locator(".vote-count")).to_have_text(re.compile(r"^1 "))
    expect(button).to_be_focused()  # the swapped-in button keeps the keyboard's place
    page.keyboard.press("Enter")
    expect(button).not_to_have_class(re.compile(r"\bvoted\b"))
    expect(page.locator(".vote-count")).to_have_text(re.compile(r"^0 "))
    assert Vote.objects.filter(participant__name="Gert Hermans").count() == 0
