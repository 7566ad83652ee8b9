"""The public pages in a real browser, in Dutch first (the default language; the browser asks
for Dutch): navigation, language, htmx/CSRF plumbing, keyboard use, landmarks and a phone's
and a laptop's width; one test repeats the page in English. Each test makes its own data; the
live server sees it because the tests run in transactional mode."""

import datetime
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import BrowserContext, Page, Response, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant
from tests.browser.conftest import LAPTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

FORM_CONTROLS = "button, input:not([type=hidden]), select, textarea"
ANY_TEXT = re.compile(r"\S")


def make_event(**overrides: object) -> Event:
    fields = {
        "slug": "oocamp-2012",
        "name": "OOcamp 2012",
        "date": datetime.date(2012, 6, 8),
        "language": Event.Language.DUTCH,
        "venue": "Brussel",
        "description": "**Welkom** op OOcamp.",
    }
    return Event.objects.create(**(fields | overrides))


def make_participant(event: Event, name: str = "An Peeters") -> Participant:
    user = get_user_model().objects.create_user(username=name.lower().replace(" ", "."))
    return Participant.objects.create(event=event, user=user, name=name)


def page_and_viewport_widths(page: Page) -> list[int]:
    """[page width, layout viewport width]. On a phone (`is_mobile`) Chromium widens the layout
    viewport to fit content that overflows, so both are compared with the width asked for."""
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_home_event_link_opens_event_page(page: Page) -> None:
    event = make_event()
    make_participant(event)
    page.goto("/")

    page.get_by_role("link", name="OOcamp 2012").click()

    expect(page).to_have_url(re.compile(r"/oocamp-2012/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("OOcamp 2012")
    expect(page.locator(".prose strong")).to_have_text("Welkom")
    expect(page.locator(".counts dd").first).to_have_text("1")


def test_event_page_dutch_event_defaults_to_dutch(page: Page) -> None:
    make_event()

    page.goto("/oocamp-2012/")

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.locator(".meta time")).to_have_text("8 juni 2012")  # Django's own nl formats


def test_event_page_dutch_event_shows_dutch_words(page: Page) -> None:
    make_event()

    page.goto("/oocamp-2012/")

    expect(page.locator(".counts dt").first).to_have_text("Deelnemers")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    expect(page.get_by_role("link", name="Aanmelden")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("OOcamp begeleidt een barcamp")


def test_event_page_english_event_shows_english_words(page: Page) -> None:
    """The English pass: an English event reads in English, also for a Dutch browser."""
    make_event(language=Event.Language.ENGLISH, description="**Welcome** to OOcamp.")
    page.goto("/oocamp-2012/")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".counts dt").first).to_have_text("Participants")
    expect(page.locator(".meta time")).to_have_text("June 8, 2012")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Nederlands")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()


def test_language_switch_reloads_same_page_and_sticks(page: Page) -> None:
    make_event()
    page.goto("/oocamp-2012/")

    page.get_by_role("button", name="English").click()

    expect(page).to_have_url(re.compile(r"/oocamp-2012/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("OOcamp 2012")
    page.get_by_role("link", name="OOcamp", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/oocamp-2012/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Nederlands")).to_be_visible()


def test_pages_load_assets_from_live_server_only(page: Page, external_requests: list[str]) -> None:
    make_event()
    assets: dict[str, int] = {}

    def record(response: Response) -> None:
        if response.request.resource_type in {"stylesheet", "script", "font", "image"}:
            # the first load counts; the second page may revalidate it (304 Not Modified)
            assets.setdefault(urlsplit(response.url).path, response.status)

    page.on("response", record)

    # home and the event's page have no htmx; the sessions page has (its filters)
    for path in ["/", "/oocamp-2012/", "/oocamp-2012/proposals/"]:
        page.goto(path, wait_until="networkidle")

    assert external_requests == []
    assert set(assets.values()) == {200}, assets
    assert "/static/css/app.css" in assets
    assert "/static/js/app.js" in assets
    assert any(path.startswith("/static/django_htmx/htmx") for path in assets), assets


def test_htmx_sends_csrf_token_from_body(page: Page, context: BrowserContext, sign_in) -> None:
    sign_in(context, make_participant(make_event()).user)  # signed out, a page has no token
    page.goto("/oocamp-2012/proposals/")  # a page with htmx (the event's own page has none)
    headers = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")
    hidden_token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")

    with page.expect_response(re.compile(r"/i18n/setlang/$")) as response_info:
        page.evaluate(
            """url => htmx.ajax("POST", url, {
                source: document.body, swap: "none", values: {language: "en", next: "/"},
            })""",
            "/i18n/setlang/",
        )

    assert page.evaluate("typeof window.htmx") == "object"
    assert list(headers) == ["X-CSRFToken"]
    assert headers["X-CSRFToken"] == hidden_token  # masked like the form's; the cookie is not
    request = response_info.value.request
    assert request.header_value("x-csrftoken") == hidden_token
    assert response_info.value.status == 302  # a rejected token would be 403
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    assert cookies["django_language"] == "en"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_visitor_switches_language_without_a_cookie_first(
    browser, live_server, javascript: bool
) -> None:
    make_event()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/oocamp-2012/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert context.cookies() == []  # a page without a form sets none: proxies may keep it

    page.get_by_role("button", name="English").click()

    expect(page).to_have_url(re.compile(r"/oocamp-2012/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert [cookie["name"] for cookie in context.cookies()] == ["django_language"]
    context.close()


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page: Page) -> None:
    make_event()
    page.goto("/oocamp-2012/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Naar de inhoud")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.get_by_role("main")).to_be_focused()


@pytest.mark.parametrize("path", ["/", "/oocamp-2012/"])
def test_page_has_landmarks_and_named_controls(page: Page, path: str) -> None:
    make_event()

    page.goto(path)

    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    controls = page.locator(FORM_CONTROLS)
    assert controls.count() > 0
    for control in controls.all():
        expect(control).to_have_accessible_name(ANY_TEXT)


@pytest.mark.parametrize("width", [320, PHONE["width"]])
@pytest.mark.parametrize("path", ["/", "/oocamp-2012/"])
def test_mobile_page_has_no_horizontal_scroll(
    new_context: CreateContextCallback, path: str, width: int
) -> None:
    make_event(
        name="Softwareontwikkelaarsdag 2012",
        description=(
            "**Welkom** op OOcamp. Praktische informatie: "
            "<https://www.example.org/barcamps/oocamp-2012/praktische-informatie-en-routebeschrijving>"
        ),
    )
    make_event(
        slug="lange-naam", name="Internationale Objectgeoriënteerde Ontwikkelaarsbijeenkomst"
    )
    viewport = {"width": width, "height": PHONE["height"]}
    page = new_context(viewport=viewport, is_mobile=True, has_touch=True).new_page()

    page.goto(path)

    assert page_and_viewport_widths(page) == [width, width]


def test_event_page_screenshots_mobile_and_desktop(
    new_context: CreateContextCallback, artifacts_dir: Path
) -> None:
    event = make_event()
    make_participant(event)

    for label, viewport in {"mobile": PHONE, "desktop": LAPTOP}.items():
        page = new_context(viewport=viewport, is_mobile=label == "mobile").new_page()
        page.goto("/oocamp-2012/")
        path = artifacts_dir / f"event-{label}.png"
        page.screenshot(path=path, full_page=True)

        assert path.stat().st_size > 0
        assert page_and_viewport_widths(page) == [viewport["width"], viewport["width"]]
