"""The overflow sweep (issue 14): every page a person sees, with the longest names the forms
allow, fits a phone (390 px), a laptop (1366 px) and a big screen (1920 px) without scrolling
sideways.

The event is Dutch (the default language) and everything in it is as long as its field lets
it be: a 200-character event name and session title, a 60-letter word without a space to
break at, long names of people, organisations, rooms, themes, slots and slides.

The pages are not a hand-made list: every URL pattern of the public, participant and organiser
namespaces is tried (the walk of tests/reliability/test_access_matrix.py, which fills in the
URL's arguments too), so a new page is swept the day it is added. Feeds, files, fragments and
POST-only actions are left out by name (`NOT_A_PAGE`, `NOT_PAGES`, `answers_get`), and a
test without a browser checks that each of those really answers no page, so the list cannot
hide one; every other pattern must answer a page (nothing is skipped). Public pages are opened by a visitor who is not signed in, participant pages
by the host of the long session, organiser pages by an organiser; each page in two phases of
the day (voting open, and after the event with the grid and the report published).

A screenshot of each page at each width goes to test-artifacts/fits/. A failure names the
elements that stick out on the right, to find the rule to fix.
"""

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from sessions_app import actions
from sessions_app.models import Attachment, Event, HostLink, Participant, PitchRound, Slot
from tests.browser.conftest import WIDTHS, overflow
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_sign_in_link,
    make_slot,
    make_theme,
    make_vote,
)
from tests.reliability.test_access_matrix import APP_ROUTES, Route, path_for
from tests.sample_files import cover_picture_bytes

pytestmark = pytest.mark.django_db(transaction=True)

# A 60-letter Dutch word: nothing to break it at but `overflow-wrap: anywhere`.
WORD = "Gemeenteraadsvergaderingsverslagendigitaliseringsprojectgroep"[:60]
assert len(WORD) == 60 and " " not in WORD


def as_long_as(text: str, length: int) -> str:
    """`text` with the long word in it, lengthened with Dutch words to exactly `length`."""
    filler = " over open data, inspraak en burgerbegrotingen in kleine gemeenten"
    text = f"{text} {WORD}"
    while len(text) < length:
        text += filler
    return text[:length].rstrip() + "x" * (length - len(text[:length].rstrip()))


EVENT_NAME = as_long_as("Open Overheidscamp", 200)
TITLE = as_long_as("Wat de gemeenteraad beslist, als open data", 200)
OTHER_TITLE = as_long_as("Eenvoudige brieven", 200)
HOST = as_long_as("Maria-Magdalena Van den Broeck", 150)
CO_HOST = as_long_as("Jan-Willem D'Hondt", 150)
ORGANISER = as_long_as("Olga Organisator", 150)
ORGANISATION = as_long_as("Intergemeentelijk samenwerkingsverband", 150)
ROOMS = [as_long_as(f"Zaal {n}", 100) for n in range(1, 4)]
THEME = as_long_as("Thema", 150)
SLIDES = as_long_as("Dia's", 200)
BREAK = as_long_as("Middagpauze", 100)
VENUE = as_long_as("Provinciehuis", 200)
TEXT = f"## Samenvatting\n\n{WORD}{WORD} en https://example.org/{WORD}/{WORD}\n\n- {TITLE}"

PHASES = ["voting", "published"]
HOST_TOKEN = "host-link-lange-namen"
# files, feeds and checks; ".js" and ".webmanifest": the service worker and the app's manifests
NOT_PAGES = (".svg", ".pdf", ".ics", ".xml", ".json", ".csv", "version", "healthz", ".js")
NOT_PAGES += (".webmanifest",)
# (pattern, phase or None for both) -> why its GET answers no page to its visitor
NOT_A_PAGE = {
    ("public:attachment", None): "a file: the slides themselves",
    ("public:event-report-file", None): "a file: the report's PDF or ZIP",
    ("public:event-report-cover", None): "a picture: the event's cover or logo on the report",
    ("public:changes-atom", None): "an Atom feed: the grid's change log for feed readers",
    ("organiser:report-progress", None): "a fragment the report page polls (htmx)",
    ("public:event-report", "voting"): "404 until the organisers publish the report",
    ("participant:propose", "published"): "proposing is over: a redirect to the event",
    ("participant:edit-session", "published"): "a proposal is not edited once it is on the grid",
    ("organiser:pitch-beamer", "published"): "no pitch round after publication: a redirect",
    ("participant:host-link", None): "a redirect to the session's slides and report (swept)",
}


def not_a_page(key: str, phase: str) -> str | None:
    return NOT_A_PAGE.get((key, phase)) or NOT_A_PAGE.get((key, None))


def answers_get(route: Route) -> bool:
    """False for a view behind `require_POST` (or another `require_http_methods` without GET),
    found in the closures of its decorators, so that actions cost the sweep no browser."""
    view = route.pattern.callback
    while view is not None:
        methods = inspect.getclosurevars(view).nonlocals.get("request_method_list")
        if methods is not None:
            return "GET" in methods
        view = getattr(view, "__wrapped__", None)
    return True


PAGE_ROUTES = [
    r
    for r in APP_ROUTES
    if r.key.split(":")[0] in {"public", "participant", "organiser"}
    and not r.route.endswith(NOT_PAGES)
    and "media/" not in r.route
    and answers_get(r)
]
# Pages that issue 14 names: the walk must keep finding them (a broken walk fails here).
NAMED = {
    "public:home", "public:event", "public:join", "public:proposals", "public:session",
    "public:grid", "public:now", "public:feeds", "public:event-report",
    "participant:propose", "participant:my-page", "participant:edit-session",
    "participant:slides", "participant:report",
    "organiser:dashboard", "organiser:edit-event", "organiser:frame", "organiser:grid",
    "organiser:propose-grid", "organiser:history", "organiser:pitch", "organiser:themes",
    "organiser:theme-synthesis", "organiser:assign-themes", "organiser:material",
    "organiser:team", "organiser:poster",
}  # fmt: skip
NAMED = {n.replace("public:proposals", "participant:proposals") for n in NAMED}


def test_the_walk_finds_every_page_the_issue_names() -> None:
    assert NAMED - {r.key for r in PAGE_ROUTES} == set()


def long_event(phase: str) -> SimpleNamespace:
    """An event whose every name is as long as its field allows, in `phase`."""
    event = make_event(
        slug="lange-namen",
        name=EVENT_NAME,
        venue=VENUE,
        language="nl",
        phase=Event.Phase.VOTING,
        description=TEXT,
        introduction=TEXT,
        conclusion=TEXT,
    )
    organiser = make_participant(
        event, ORGANISER, role=Participant.Role.ORGANISER, organisation=ORGANISATION
    )
    host = make_participant(
        event, HOST, organisation=ORGANISATION, email=f"{WORD.lower()}@example.org"
    )
    co_host = make_participant(event, CO_HOST, organisation=ORGANISATION)
    voter = make_participant(event, as_long_as("Vera Stemmer", 150), organisation=ORGANISATION)
    rooms = [make_room(event, name=name, capacity=30 + n) for n, name in enumerate(ROOMS)]
    slots = [
        make_slot(event, "10:00", "10:45"),
        make_slot(event, "10:45", "11:15", kind=Slot.Kind.BREAK, label=BREAK),
        make_slot(event, "11:15", "12:00"),
    ]
    theme = make_theme(event, name=THEME, synthesis=TEXT)
    session = make_session(
        event, [host, co_host], title=TITLE, description=TEXT, held=True, report=TEXT
    )
    other = make_session(event, [co_host], title=OTHER_TITLE, description=TEXT, held=True)
    session.themes.add(theme)
    for s in (session, other):
        make_vote(voter, s)
    attachment = Attachment(
        session=session, kind=Attachment.Kind.SLIDES, title=SLIDES, content_type="application/pdf"
    )
    attachment.file.save(f"{WORD}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    attachment.size = attachment.file.size
    attachment.save()
    actions.save_report(session=session, text=TEXT, based_on=None, by=host)
    make_sign_in_link(host, "sign-in-token-lange-namen")
    HostLink.objects.create(
        session=session, participant=host, token_hash=HostLink.hash(HOST_TOKEN), sent_to="x@y.be"
    )
    if phase == "voting":
        PitchRound.objects.create(event=event)  # the moderator's page and the beamer
    if phase == "published":
        # the report's cover picture (very wide) and the slides' first page (tall), as shown
        event.cover.save("cover.png", ContentFile(cover_picture_bytes(size=(2400, 300))))
        thumbnail = cover_picture_bytes(size=(480, 680))
        attachment.thumbnail.save("thumbnail.png", ContentFile(thumbnail), save=True)
        make_placement(session, rooms[0], slots[0])
        make_placement(other, rooms[2], slots[2])
        Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED, report_published=True)
        event.refresh_from_db()
    side = SimpleNamespace(
        event=event,
        organiser=organiser,
        host=host,
        participant=voter,
        session=session,
        room=rooms[0],
        theme=theme,
        attachment=attachment,
        host_token=HOST_TOKEN,
        sign_in_token="sign-in-token-lange-namen",
    )
    return SimpleNamespace(a=side, b=side)


def audience(route: Route, world: SimpleNamespace) -> Participant | None:
    namespace = route.key.split(":")[0]
    return {"public": None, "participant": world.a.host, "organiser": world.a.organiser}[namespace]


STICKING_OUT = """(width) => {
    const clipped = (e) => {
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return true;
        }
        return false;
    };
    const out = (e) => e.getBoundingClientRect().right > width + 1 && !clipped(e);
    return [...document.querySelectorAll('body *')]
        .filter((e) => out(e) && !(e.parentElement && out(e.parentElement)))
        .slice(0, 5)
        .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + (typeof e.className === 'string' && e.className
               ? '.' + e.className.trim().split(/ +/).join('.') : '')
            + ' in ' + e.parentElement.tagName.toLowerCase()
            + (typeof e.parentElement.className === 'string' && e.parentElement.className
               ? '.' + e.parentElement.className.trim().split(/ +/).join('.') : '')
            + ' (' + Math.round(e.getBoundingClientRect().right - width) + ' px)');
}"""


@pytest.fixture
def signed_in(
    browser: Browser, live_server: LiveServer, sign_in: Callable[[BrowserContext, Any], None]
) -> Iterator[Callable[[Participant | None], Page]]:
    contexts: list[BrowserContext] = []

    def open_page(person: Participant | None) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="nl-BE", timezone_id="Europe/Brussels"
        )
        contexts.append(context)
        if person is not None:
            sign_in(context, person.user)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def case(route: Route, phase: str) -> Any:
    return pytest.param(route, phase, id=f"{route.key}-{phase}")


def prepare(route: Route, url: str, client: Client, page: Page) -> None:
    """What a person does before the page exists: the info desk's print view shows the link
    an organiser made first (in each of the two browsers: the check's and the screenshots')."""
    if route.key == "organiser:desk-print":
        link = url.removesuffix("print/")
        client.post(link)
        page.goto(link)
        page.locator(f'form[action="{link}"] button').click()
        page.wait_for_url(f"**{link}")


def get(route: Route, world: SimpleNamespace) -> tuple[str, Client, Any]:
    person = audience(route, world)
    client = Client()
    if person is not None:
        client.force_login(person.user)
    return path_for(route, world), client, person  # type: ignore[arg-type]


def answer(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    if response.streaming:  # a file: read to the end, so the test client closes it
        b"".join(response.streaming_content)
    return response.status_code, response.get("Content-Type", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "phase"),
    [(key, p) for key, phase in NOT_A_PAGE for p in ([phase] if phase else PHASES)],
)
def test_what_the_sweep_leaves_out_answers_no_page(key: str, phase: str, media_root) -> None:
    (route,) = [r for r in APP_ROUTES if r.key == key]
    url, client, _person = get(route, long_event(phase))

    status, kind = answer(client, url)

    assert status != 200 or not kind.startswith("text/html"), (
        f"{key} ({phase}) is a page now: sweep it (remove it from NOT_A_PAGE)"
    )


@pytest.mark.parametrize(
    ("route", "phase"),
    [case(r, phase) for r in PAGE_ROUTES for phase in PHASES if not not_a_page(r.key, phase)],
)
def test_page_fits_a_phone_a_laptop_and_a_big_screen(
    route: Route, phase: str, signed_in, artifacts_dir: Path, media_root: Path
) -> None:
    world = long_event(phase)
    url, client, person = get(route, world)
    page = signed_in(person)
    prepare(route, url, client, page)
    status, kind = answer(client, url)
    assert (status, kind.split(";")[0]) == (200, "text/html"), (
        f"GET {url} answers {status} {kind}: if it is no page, say why in NOT_A_PAGE"
    )

    folder = artifacts_dir / "fits"
    folder.mkdir(exist_ok=True)
    wider: list[str] = []
    for size in WIDTHS:
        page.set_viewport_size(size)
        shown = page.goto(url)
        assert shown is not None and shown.status == 200, url
        name = f"{route.key.replace(':', '-')}-{phase}-{size['width']}.png"
        page.screenshot(path=folder / name, full_page=True)
        if extra := overflow(page):
            culprits = page.evaluate(STICKING_OUT, size["width"])
            wider.append(f"{size['width']} px: {extra} px too wide, {culprits}")
    assert wider == [], f"{url} scrolls sideways: " + "; ".join(wider)
