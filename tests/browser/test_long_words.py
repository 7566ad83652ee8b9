"""Long words never break a phone's page (issue 15): every text a person can type holds a word
or a web address wider than the screen, and every page that shows those texts fits 390 px
without scrolling sideways, with the long word on screen (wrapped, not cut off).

The event is built by `long_world`: the event's name, venue, description, introduction and
conclusion (and their history); rooms, slot labels (of sessions and of a break), themes and
their syntheses; people's names, organisations and addresses; session titles, descriptions and
reports (Markdown with a heading, a table of long words, a code block and bare links); slides'
titles and links' titles and addresses; the grid's history; the pitch round (running while
voting, with its results after). Each holds the Dutch compound `WORD` and most a long address
(`URL`), with nothing to break at. Its slots run around the time of the test, so the beamer's
now & next shows sessions and a break.

The pages are the sweep of tests/browser/test_fits.py (every URL pattern of the public,
participant and organiser namespaces, arguments filled in by the access matrix; `MORE` adds a
query that shows more, e.g. the grid editor with a session chosen), so a page added tomorrow is
covered here too. Each page is opened at 390 px by a visitor who is not signed in, a
participant who hosts the long session and an organiser: its own audience must get it, the
others look too where they may (they see more: vote buttons, edit links, the organiser's box).
Dutch first, in two phases of the day (voting open; after the event, grid and report
published); then a smaller English repeat (after the event, each page by its audience only).

For each page and visitor (`check`):
- nothing to scroll sideways (`overflow`; a failure names what sticks out);
- the long word is on screen: a shown text holds it (pages of `NO_USER_TEXT` show none);
- no line of it is wider than the screen, also inside a box of its own that scrolls (a room's
  name that does not wrap in the grid editor's scrolling table is as hard to read as one that
  widens the page), except where a line is cut off with "…" on purpose (the beamer);
- wrapping anywhere has not gone too far: the page's own short words (a button, a column's
  heading) are not broken in the middle, as they are in a cell squeezed to a letter's width.

The counter-check breaks the stylesheet on purpose, four ways, and shows that each check then
fails where a person would see it: nothing wraps (the sessions page is wider than the phone),
this issue's rules taken out (a session's Markdown widens the page; the grid editor's room
names are lines wider than the screen), everything wraps anywhere (the grid history's button
is broken letter by letter), the texts hidden (none is on screen).

A screenshot of each page goes to test-artifacts/<test>/ (the `steps` fixture).
"""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from itertools import product
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Route as Handled
from pytest_django.live_server_helper import LiveServer

from sessions_app import actions
from sessions_app.models import (
    Attachment,
    Event,
    HostLink,
    Participant,
    PitchRound,
    Slot,
    TextRevision,
)
from tests.browser.conftest import ENGLISH, PHONE, Steps, overflow
from tests.browser.test_fits import PAGE_ROUTES, STICKING_OUT, not_a_page, prepare
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_sign_in_link,
    make_theme,
    make_vote,
)
from tests.reliability.test_access_matrix import Route, path_for

pytestmark = pytest.mark.django_db(transaction=True)

# Nothing to break at: a Dutch compound and a web address without a space, a hyphen or a
# dash; at 390 px each is wider than the screen in any font size the pages use.
WORD = "Opvoedingsondersteuningsprofessionaliseringstrajectbegeleiding"
URL = (
    "https://www.example.org/een/heel/lange/adres/zonder/spaties/"
    "opvoedingsondersteuningsprofessionaliseringstrajectbegeleiding/"
    "verslag_van_de_gemeenteraadsvergadering_over_de_burgerbegroting.html"
)
ENGLISH_WORD = "Supercalifragilisticexpialidocious" * 2
ENGLISH_URL = URL.replace(
    "een/heel/lange/adres/zonder/spaties", "a/very/long/address/without/spaces"
)
EMAIL_DOMAIN = "gemeentelijkeopvoedingsondersteuningsdienstvanhetarrondissement.example.org"
assert max(len(WORD), len(ENGLISH_WORD)) >= 60 and " " not in WORD + URL + ENGLISH_WORD


def fit(text: str, length: int) -> str:
    """`text` cut to a field's maximum length."""
    return text[:length]


def long_world(phase: str, word: str, url: str, language: str, slug: str) -> SimpleNamespace:
    """An event in `phase` whose every user-typed text holds `word` and (where it fits) `url`."""
    markdown = (
        f"## {word}\n\n{word}{word} en {url}\n\n<{url}>\n\n"
        f"| {word} | {url} | {word} |\n|---|---|---|\n| {word}{word} | {word} | {url} |\n\n"
        f"    {url}{word}\n\n`{word}{word}`\n\n- {word}\n- [{url}]({url})\n"
    )
    event = make_event(
        slug=slug,
        date=timezone.localdate(),  # today, with a session on now: the beamer's now & next
        name=fit(f"{word} {url}", 200),
        venue=fit(f"{word} {url}", 200),
        language=language,
        phase=Event.Phase.VOTING,
        description=markdown,
        introduction=markdown,
        conclusion=markdown,
    )
    person = lambda name, **kw: make_participant(  # noqa: E731
        event, fit(f"{name}{word} {url}", 150), organisation=fit(f"{word} {url}", 150), **kw
    )
    organiser = person("O", role=Participant.Role.ORGANISER, email=f"o{word}@{EMAIL_DOMAIN}")
    host = person("H", email=f"{word}@{EMAIL_DOMAIN}".lower())
    co_host = person("C", email=f"c{word}@{EMAIL_DOMAIN}")
    voter = person("V", email=f"v{word}@{EMAIL_DOMAIN}")
    now = timezone.now()

    def slot(start: int, end: int, **fields: Any) -> Slot:  # minutes from now
        return Slot.objects.create(
            event=event,
            start=now + timedelta(minutes=start),
            end=now + timedelta(minutes=end),
            **fields,
        )

    rooms = [make_room(event, name=fit(f"{n}{word} {url}", 100), capacity=30) for n in range(3)]
    slots = [
        slot(-20, 25, label=fit(f"{word} {url}", 100)),
        slot(25, 30, kind=Slot.Kind.BREAK, label=fit(f"{word}{url}", 100)),
        slot(30, 75, label=fit(f"{url}", 100)),
    ]
    theme = make_theme(event, name=fit(f"{word} {url}", 150), synthesis=markdown)
    make_theme(event, name=fit(f"{word}{word}{url}", 150), synthesis=markdown)
    session = make_session(
        event, [host, co_host], title=fit(f"{word} {url}", 200), description=markdown, held=True
    )
    other = make_session(
        event, [co_host], title=fit(f"{url} {word}", 200), description=markdown, held=True
    )
    third = make_session(event, [host], title=fit(f"{word}{word}{word}", 200), held=True)
    for s in (session, other, third):
        s.themes.add(theme)
        make_vote(voter, s)
    make_session(
        event, [co_host], title=fit(f"{url}{word}", 200), description=markdown, hidden=True
    )
    attachment = Attachment(
        session=session,
        kind=Attachment.Kind.SLIDES,
        title=fit(f"{word} {url}", 200),
        content_type="application/pdf",
    )
    attachment.file.save(f"{word}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    attachment.size = attachment.file.size
    attachment.save()
    Attachment.objects.create(
        session=session, kind=Attachment.Kind.LINK, title=fit(f"{word}{word}", 200), url=url
    )
    actions.save_report(session=session, text=markdown, based_on=None, by=host)
    for subject, _twice in product(TextRevision.Subject.values, range(2)):  # the texts' history
        TextRevision.objects.create(
            event=event,
            subject=subject,
            theme=theme if subject == TextRevision.Subject.SYNTHESIS else None,
            session=session if subject == TextRevision.Subject.SESSION_DESCRIPTION else None,
            text=markdown,
            author=organiser,
        )
    make_sign_in_link(voter, "sign-in-token-lange-woorden")
    HostLink.objects.create(
        session=session, participant=host, token_hash=HostLink.hash(HOST_TOKEN), sent_to=host.email
    )
    if phase == "voting":  # the long session is being pitched: moderator, beamer and phones
        PitchRound.objects.create(
            event=event,
            state=PitchRound.State.RUNNING,
            current=session,
            current_since=timezone.now(),
            started_at=timezone.now(),
        )
    if phase == "published":
        make_placement(session, rooms[0], slots[0])
        make_placement(other, rooms[2], slots[2])
        for room in (rooms[1], rooms[0]):  # two changes in the grid's history
            event.refresh_from_db()
            actions.move_session(
                event=event, session=third, cell=(room, slots[2]), version=event.grid_version,
                by=organiser,
            )  # fmt: skip
        PitchRound.objects.create(event=event, state=PitchRound.State.ENDED)  # its results
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
        sign_in_token="sign-in-token-lange-woorden",
    )
    return SimpleNamespace(a=side, b=side)


HOST_TOKEN = "host-link-lange-woorden"

# What a page shows of the long texts, measured in the browser: which of `tokens` a shown text
# holds, and the lines of those texts that are wider than the screen (none may be), with the
# element they are in. A line cut off with "…" on purpose (text-overflow: ellipsis, the
# beamer's "next" list) and visually hidden text (a 1 px box for screen readers) do not count.
# And the other side of wrapping anywhere: the page's own short words (a button's "Terug naar
# dit rooster", a column's "Slides": up to 20 letters between spaces, hyphens and slashes, not
# in a web address) are never broken over two lines, as they are when a cell is squeezed to a
# letter's width (words a heading hyphenates, `hyphens: auto`, are fine).
LONG_TEXT = r"""(tokens) => {
    const width = document.documentElement.clientWidth;
    const shown = new Set();
    const wide = [];
    const broken = [];
    const cut = (e) => {
        for (let a = e; a && a !== document.body; a = a.parentElement) {
            const style = getComputedStyle(a);
            if (style.textOverflow === 'ellipsis' && style.overflowX !== 'visible') return true;
            const box = a.getBoundingClientRect();
            if (style.overflowX !== 'visible' && (box.width <= 1 || box.height <= 1)) return true;
        }
        return false;
    };
    const name = (e) => e.tagName.toLowerCase()
        + (typeof e.className === 'string' && e.className
           ? '.' + e.className.trim().split(/ +/).join('.') : '');
    const rects = (range) => [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!node.data.trim() || !element.checkVisibility({opacityProperty: true,
                                                         visibilityProperty: true})) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const lines = rects(range);
        if (!lines.length || cut(element)) continue;
        const held = tokens.filter((t) => node.data.toLowerCase().includes(t.toLowerCase()));
        if (held.length) {
            held.forEach((t) => shown.add(t));
            const widest = Math.max(...lines.map((r) => r.width));
            if (widest > width + 1) wide.push(name(element) + ' in ' + name(element.parentElement)
                                              + ' (' + Math.round(widest) + ' px)');
            continue;
        }
        if (lines.length < 2 || getComputedStyle(element).hyphens === 'auto'
            || node.data.includes('://')) continue;  // an address breaks anywhere
        for (const word of node.data.matchAll(/[^\s\/\u002d\u2010-\u2014]+/g)) {
            if (word[0].length < 2 || word[0].length > 20) continue;
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            const tops = new Set(rects(range).map((r) => Math.round(r.top)));
            if (tops.size > 1) broken.push(word[0] + ' in ' + name(element));
        }
    }
    return {shown: [...shown], wide: wide.slice(0, 5), broken: broken.slice(0, 5)};
}"""


# What is folded away is opened before looking: earlier versions of a text, hidden sessions.
OPEN_DETAILS = "document.querySelectorAll('details').forEach((d) => { d.open = true; })"

VISITORS = ("signed-out", "participant", "organiser")
# Pages that show nothing anyone typed (no event of theirs): they must fit, and the check below
# makes sure they indeed show no long word (a page that starts to do so leaves this list).
NO_USER_TEXT = {
    "public:join-with-code": "typing an event's code: no event yet",
    "public:sign-in-request": "asking for a sign-in link: no event",
    "organiser:create-event": "a new event: an empty form",
}


def visitor(who: str, world: SimpleNamespace) -> Participant | None:
    """A visitor who is not signed in, a participant who hosts the long session, an organiser."""
    return {"signed-out": None, "participant": world.a.host, "organiser": world.a.organiser}[who]


def audience(route: Route) -> str:
    """Who a page is made for: the visitor who must get it (the others open it if they may)."""
    namespace = route.key.split(":")[0]
    return {"public": "signed-out", "participant": "participant", "organiser": "organiser"}[
        namespace
    ]


@pytest.fixture
def browsers(
    browser: Browser, live_server: LiveServer, sign_in: Callable[[BrowserContext, Any], None]
) -> Iterator[Callable[[Participant | None, dict[str, str]], Page]]:
    """`browsers(person, locale)`: a phone's browser signed in as `person` (None: signed out),
    one per person, kept for the whole test."""
    contexts: dict[Any, Page] = {}

    def open_page(person: Participant | None, locale: dict[str, str]) -> Page:
        key = person.pk if person else None
        if key not in contexts:
            context = browser.new_context(base_url=live_server.url, viewport=PHONE, **locale)
            if person is not None:
                sign_in(context, person.user)
            contexts[key] = context.new_page()
        return contexts[key]

    yield open_page
    for page in contexts.values():
        page.context.close()


# Pages that show more of the long texts with a query: the grid editor with a session chosen
# (the bar that says what is being placed, the cells' "place here" buttons), the sessions page
# searched for the long word.
MORE = {
    "organiser:grid": lambda world: f"?select={world.a.session.pk}",
    "participant:proposals": lambda world: f"?q={world.a.session.title[:40]}",
}


def more_of(route: Route, url: str, world: SimpleNamespace) -> list[str]:
    query = MORE.get(route.key)
    return [url + query(world)] if query else []


def check(page: Page, tokens: list[str], *, user_text: bool = True) -> list[str]:
    """What is wrong with the page on the screen: sideways scrolling, the long words not shown
    (or shown on a page of `NO_USER_TEXT`), lines wider than the screen, short words broken."""
    problems = []
    if extra := overflow(page):
        culprits = page.evaluate(STICKING_OUT, page.viewport_size["width"])  # type: ignore[index]
        problems.append(f"{extra} px too wide, {culprits}")
    seen = page.evaluate(LONG_TEXT, tokens)
    if user_text and not seen["shown"]:
        problems.append("none of the long words is on screen")
    if not user_text and seen["shown"]:
        problems.append(f"shows {seen['shown']}: take it out of NO_USER_TEXT")
    if seen["wide"]:
        problems.append(f"lines wider than the screen: {seen['wide']}")
    if seen["broken"]:
        problems.append(f"short words broken over lines: {seen['broken']}")
    return problems


def sweep(
    world: SimpleNamespace,
    phase: str,
    tokens: list[str],
    locale: dict[str, str],
    browsers: Callable[[Participant | None, dict[str, str]], Page],
    steps: Steps,
    everyone: bool = True,
) -> tuple[list[str], Counter[str]]:
    """Every page of the sweep at 390 px, by each visitor who may open it (`everyone`: else
    only by its own audience): what is wrong where, and how many pages each visitor saw."""
    failures: list[str] = []
    opened: Counter[str] = Counter()
    for route in PAGE_ROUTES:
        if not_a_page(route.key, phase):
            continue
        base = path_for(route, world)  # type: ignore[arg-type]
        for url, who in product([base, *more_of(route, base, world)], VISITORS):
            own = who == audience(route)
            if not (own or everyone):
                continue
            person = visitor(who, world)
            page = browsers(person, locale)
            if own:
                client = Client()
                if person is not None:
                    client.force_login(person.user)
                prepare(route, url, client, page)
            shown = page.goto(url)
            is_page = (
                shown is not None
                and shown.status == 200
                and shown.request.redirected_from is None
                and shown.headers.get("content-type", "").startswith("text/html")
            )
            if own:  # the page's own audience must get it
                assert is_page, (
                    f"GET {url} as {who} answers {shown and shown.status} at {page.url}: if it "
                    "is no page, say why in test_fits.NOT_A_PAGE"
                )
            elif not is_page:
                continue  # not this visitor's page (a redirect to sign in, a 403)
            opened[who] += 1
            page.evaluate(OPEN_DETAILS)
            steps(page, f"{phase}-{who}-{route.key}{'-query' if url != base else ''}")
            where = f"{route.key} ({phase}, {who}) {url}"
            for problem in check(page, tokens, user_text=route.key not in NO_USER_TEXT):
                failures.append(f"{where}: {problem}")
    return failures, opened


DUTCH = {"locale": "nl-BE", "timezone_id": "Europe/Brussels"}


@pytest.mark.parametrize("phase", ["voting", "published"])
def test_long_dutch_words_wrap_on_every_page_at_390_px(
    phase: str, browsers, steps: Steps, media_root
) -> None:
    world = long_world(phase, WORD, URL, "nl", "lange-woorden")

    failures, opened = sweep(world, phase, [WORD, URL[:60]], DUTCH, browsers, steps)

    print(f"\n{phase}: {sum(opened.values())} pages at 390 px, by {dict(opened)}")
    assert opened.keys() == set(VISITORS)
    assert failures == [], "\n".join(failures)


def test_long_english_words_wrap_on_every_page_at_390_px(browsers, steps: Steps, media_root):
    """The repeat in English (an English event, a browser that asks for English), each page
    by its own audience only, after the event: other words, other widths of labels."""
    world = long_world("published", ENGLISH_WORD, ENGLISH_URL, "en", "long-words")

    failures, opened = sweep(
        world, "published", [ENGLISH_WORD, ENGLISH_URL[:60]], ENGLISH, browsers, steps,
        everyone=False,
    )  # fmt: skip

    print(f"\nEnglish: {sum(opened.values())} pages at 390 px, by {dict(opened)}")
    assert page_language(browsers(world.a.organiser, ENGLISH)) == "en"
    assert failures == [], "\n".join(failures)


def page_language(page: Page) -> str:
    return page.evaluate("document.documentElement.lang")


# ---- the counter-check: the checks fail when the page does not wrap ---------------------------

APP_CSS = "**/static/css/app*.css"
WRAPPING = re.compile(
    r"/\* ---- what people type never widens the page.*?/\* ---- end of what people type -* \*/",
    re.DOTALL,
)
NO_WRAP = (
    "*, *::before, *::after { overflow-wrap: normal !important; word-break: normal !important; }"
)
WRAP_ANYWHERE = "* { overflow-wrap: anywhere !important; }"
HIDDEN = "main, .site-header { visibility: hidden !important; }"


def restyle(page: Page, change: Callable[[str], str]) -> None:
    """The page's stylesheet as the server sends it, changed by `change` (until `unroute`)."""

    def fulfil(route: Handled) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=change(response.text()))

    page.unroute(APP_CSS)
    page.route(APP_CSS, fulfil)


def without_wrapping(css: str) -> str:
    stripped, found = WRAPPING.subn("", css)
    assert found == 1, "the stylesheet's wrapping section is not where the counter-check looks"
    return stripped


def test_the_checks_fail_on_a_page_that_does_not_wrap(browsers, steps: Steps, media_root) -> None:
    """The same checks as the sweep, on the same event, with the stylesheet broken on purpose
    in four ways: each is caught, on the page where a person would see it."""
    world = long_world("published", WORD, URL, "nl", "lange-woorden")
    tokens = [WORD, URL[:60]]
    slug, session = world.a.event.slug, world.a.session.pk
    sessions = reverse("participant:proposals", args=[slug])
    participant = browsers(world.a.host, DUTCH)
    organiser = browsers(world.a.organiser, DUTCH)
    participant.goto(sessions)
    assert check(participant, tokens) == []  # as the sweep sees it

    # 1. Nothing wraps (`overflow-wrap` and `word-break` reset): the sessions page is wider than
    # the phone, and its titles are lines wider than the screen.
    restyle(participant, lambda css: css + NO_WRAP)
    participant.goto(sessions)
    steps(participant, "sessions-without-wrapping")
    problems = check(participant, tokens)
    assert overflow(participant) > 0
    assert any("too wide" in p and "a in h3" in p for p in problems), problems  # the titles
    assert any(p.startswith("lines wider than the screen") for p in problems), problems

    # 2. This rules taken out of the stylesheet: a session's Markdown (a table, a code
    # block) widens its page; in the grid editor the page still fits, but a room's name is a
    # line wider than the screen inside the grid's own scrolling box, and the last change's
    # summary widens the page.
    restyle(organiser, without_wrapping)
    organiser.goto(reverse("public:session", args=[slug, session]))
    steps(organiser, "session-without-issue-15")
    problems = check(organiser, tokens)
    assert any("too wide" in p and "table in div.prose" in p for p in problems), problems
    organiser.goto(reverse("organiser:grid", args=[slug]))
    steps(organiser, "grid-editor-without-issue-15")
    problems = check(organiser, tokens)
    assert any("too wide" in p and "undo-form" in p for p in problems), problems
    assert any(p.startswith("lines wider than the screen") and "th in tr" in p for p in problems)

    # 3. Everything wraps anywhere: the history's table squeezes its button to a letter's width,
    # and "Terug naar dit rooster" is broken in the middle of its words.
    restyle(organiser, lambda css: css + WRAP_ANYWHERE)
    organiser.goto(reverse("organiser:history", args=[slug]))
    steps(organiser, "history-wrapping-anywhere")
    problems = check(organiser, tokens)
    assert any(p.startswith("short words broken") and "rooster" in p for p in problems), problems

    # 4. The long texts hidden: the page "fits", but shows none of them.
    restyle(participant, lambda css: css + HIDDEN)
    participant.goto(sessions)
    assert check(participant, tokens) == ["none of the long words is on screen"]

    # and the stylesheet as it is: every one of those pages passes again
    for page, url in [
        (participant, sessions),
        (organiser, reverse("public:session", args=[slug, session])),
        (organiser, reverse("organiser:grid", args=[slug])),
        (organiser, reverse("organiser:history", args=[slug])),
    ]:
        restyle(page, lambda css: css)  # fetched again (the browser's cache holds the changed one)
        page.goto(url)
        assert check(page, tokens) == [], url
