"""The strict Content-Security-Policy (django-csp 4; issue 8): on every HTML response, with no
'unsafe-inline' or 'unsafe-eval', and nothing on any page needs more: Chromium opens every page
of an event full of ordinary data, as an organiser and as a visitor, and fails on any CSP
violation (the `securitypolicyviolation` event and the console). htmx still works under it: a
vote is cast with the CSRF token carried only by `hx-headers` (row 18's browser check)."""

import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import ConsoleMessage, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Vote
from tests.security.world import PUBLIC, build_world, voting_pages

ROOT = Path(__file__).resolve().parents[2]

DEMO_TEXTS = [
    "Open Overheid Camp",
    "Gent, De Krook",
    "Open data in de **gemeenteraad**: wat werkt?",
    "Toegankelijke formulieren",
    "Vaders bereiken — met [een gids](https://example.org/gids)",
    "Zaal Groot",
    "Café / Bar",
    "Stad Gent",
    "An Peeters",
    "https://example.org/slides/1",
    "Participatie",
    "| a | b |\n|---|---|\n| 1 | 2 |",
]
EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def policy(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";") if p.strip()]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] if " " in p else "" for p in parts}


@pytest.mark.django_db
def test_every_html_page_carries_the_strict_policy() -> None:
    world = build_world(DEMO_TEXTS)
    organiser, visitor = Client(), Client()
    organiser.force_login(world.organiser.user)
    urls = [(organiser, url) for url in world.pages().values()]
    urls += [(visitor, url) for name, url in world.pages().items() if name in PUBLIC]
    urls += [(visitor, "/accounts/login/"), (visitor, "/signin/"), (visitor, "/join/")]
    urls += [(visitor, "/no-such-event/")]  # error pages too
    checked = 0
    for client, url in urls:
        response = client.get(url)
        header = response.headers.get("Content-Security-Policy", "")
        assert header, url
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, url
        directives = policy(header)
        for name, value in EXPECTED.items():
            assert directives.get(name) == value, (url, name, directives.get(name))
        assert "Content-Security-Policy-Report-Only" not in response.headers
        checked += 1
    print(f"\ncsp: {checked} HTML responses, every one with the strict policy, 0 unsafe-*")


def test_templates_have_no_inline_script_style_handler_or_js_url() -> None:
    """The CSP would block them; this says which template before a browser finds out. The PDF
    templates are exempt: WeasyPrint reads their <style>, no browser does."""
    pdf_only = {
        "organiser/paper/session_cards.html",
        "organiser/paper/door_signs.html",
    }
    offenders = []
    templates = sorted((ROOT / "templates").rglob("*.html"))
    for path in templates:
        name = path.relative_to(ROOT / "templates").as_posix()
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"))  # comments
        text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
        if name not in pdf_only and re.search(r"<style|\sstyle\s*=", text):
            offenders.append(f"{name}: inline style")
        for script in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in script:
                offenders.append(f"{name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{name}: on*= handler")
        if re.search(r"\s(data-)?hx-on", text):
            offenders.append(f"{name}: hx-on attribute (needs eval)")
        if "javascript:" in text.lower():
            offenders.append(f"{name}: javascript: URL")
    print(f"\ncsp: {len(templates)} templates scanned, {len(offenders)} inline scripts/styles")
    assert offenders == []


def test_htmx_keeps_its_indicator_styles_out_and_app_css_has_them() -> None:
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in base
    assert '"allowEval": false' in base
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert ".htmx-indicator" in css and ".htmx-request .htmx-indicator" in css


def collect(page: Page, seen: list[str]) -> Page:
    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            seen.append(message.text)

    page.on("console", console)
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_violates_the_policy_in_chromium(new_context: CreateContextCallback, sign_in):
    world = build_world(DEMO_TEXTS)
    console: list[str] = []
    organiser = new_context(viewport={"width": 1280, "height": 900})
    organiser.add_init_script(VIOLATIONS)
    sign_in(organiser, world.organiser.user)
    visitor = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    visitor.add_init_script(VIOLATIONS)
    as_organiser = collect(organiser.new_page(), console)
    as_visitor = collect(visitor.new_page(), console)
    violations: dict[str, list[str]] = {}
    views = 0

    def check(page: Page, label: str, url: str) -> None:
        nonlocal views
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        page.wait_for_timeout(200)
        found = page.evaluate("window.__csp")
        if found:
            violations[label] = found
        views += 1

    for name, url in world.pages().items():
        check(as_organiser, f"organiser {name}", url)
        if name in PUBLIC:
            check(as_visitor, f"visitor {name}", url)
    Event.objects.filter(pk=world.event.pk).update(phase=Event.Phase.VOTING)
    for name, url in voting_pages(world).items():
        check(as_organiser, f"organiser {name}", url)
    print(f"\ncsp: {views} page views in Chromium, {len(violations) + len(console)} violations")
    assert violations == {}
    assert console == []

    # the listener is known to see violations: our own header on a page with inline code
    header = Client().get("/").headers["Content-Security-Policy"]
    probe = f"{page_origin(as_visitor)}/csp-sensitivity-check/"
    as_visitor.route(
        probe,
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Content-Security-Policy": header},
            body='<!DOCTYPE html><p style="color:red">x</p><script>window.ran = 1</script>',
        ),
    )
    as_visitor.goto(probe)
    as_visitor.wait_for_timeout(100)
    seen = as_visitor.evaluate("window.__csp")
    assert any("script-src" in v for v in seen) and any("style-src" in v for v in seen), seen
    assert as_visitor.evaluate("window.ran") is None


def page_origin(page: Page) -> str:
    return page.evaluate("location.origin")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_htmx_vote_works_under_the_policy_with_the_token_from_hx_headers(
    new_context: CreateContextCallback, sign_in
) -> None:
    world = build_world(DEMO_TEXTS, phase=Event.Phase.VOTING)
    session = world.sessions[-1]
    assert not Vote.objects.filter(participant=world.participant, session=session).exists()
    context = new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(VIOLATIONS)
    sign_in(context, world.participant.user)
    page = context.new_page()
    console: list[str] = []
    collect(page, console)
    page.goto(f"/{world.event.slug}/proposals/")
    box = page.locator(f"#vote-{session.pk}")
    # only the header from <body hx-headers> may carry the token
    box.locator("input[name=csrfmiddlewaretoken]").evaluate("el => el.remove()")
    with page.expect_request(lambda r: r.method == "POST" and "/vote/" in r.url) as sent:
        box.get_by_role("button").click()
    request = sent.value
    assert request.headers.get("hx-request") == "true"
    assert request.headers.get("x-csrftoken")
    assert "csrfmiddlewaretoken" not in (request.post_data or "")
    expect(box.get_by_role("button")).to_contain_text("Voted")
    assert request.response().status == 200
    assert Vote.objects.filter(participant=world.participant, session=session).exists()
    assert page.evaluate("window.__csp") == [] and console == []
    print(
        "\ncsrf: htmx vote with the token only in hx-headers -> 200, vote stored, 0 CSP violations"
    )
