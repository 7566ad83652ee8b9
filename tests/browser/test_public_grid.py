"""The public grid in a real browser, in Dutch (the default language; the move that reaches an
open grid is also checked in English): the demo's day reads as one page on a laptop and a big
screen (every room and the last slot, no box of its own to scroll) and as a by-time list on a
phone; it follows a move without a reload; 20 rooms scroll sideways in their box only; the
print stylesheet puts 20 rooms × 16 slots on one A3 page, and the beamer page fits the screen."""

import time
from datetime import timedelta
from pathlib import Path

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, Response, Route, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app import actions
from sessions_app.actions import import_event
from sessions_app.event_file import load_event_file
from sessions_app.models import Event
from tests.browser.conftest import DESKTOP as BIG_SCREEN
from tests.browser.conftest import LAPTOP, in_viewport, inject_axe, overflow
from tests.factories import make_event
from tests.views.public.test_grid import build_grid
from tests.views.public.test_grid import published as published_in_english

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
BEAMER = {"viewport": {"width": 1920, "height": 1080}}
LONG_TITLE = "Open data voor kleinere gemeenten: waar beginnen we"
DEMO = Path(__file__).resolve().parents[2] / "demo" / "oocamp-2012.zip"
DEMO_ROOMS = [
    "Grote Zaal",
    "Bovenzaal",
    "Zaal Dansaert",
    "Zaal Graanmarkt",
    "Vergaderzaal Zenne",
    "Leeshoek",
]


def grid_path(event: Event) -> str:
    return reverse("public:grid", args=[event.slug])


def published(**kw) -> Event:
    """A published event in the default language (Dutch)."""
    return make_event(phase=Event.Phase.PUBLISHED, **kw)


def demo() -> Event:
    """The demo event (OOcamp 2012: 6 rooms, 9 session slots, 50 sessions in the grid)."""
    with load_event_file(DEMO) as event_file:
        return import_event(event_file)


SCROLL_BOXES = """() => [...document.querySelectorAll("body *")].filter((el) => {
    const style = getComputedStyle(el);
    const y = /auto|scroll/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    const x = /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    return x || y;
}).map((el) => el.tagName + (el.id ? "#" + el.id : "") + "." + el.className)"""
"""Every element that has a scrollbar of its own (content hidden in a box)."""


@pytest.mark.parametrize("screen", [LAPTOP, BIG_SCREEN], ids=["1366", "1920"])
def test_demo_grid_reads_as_one_page(browser: Browser, live_server, steps, screen) -> None:
    """The day of the demo on a laptop and a big screen: every room side by side, the afternoon
    and the last slot reached by scrolling the page, no box of its own that hides a part."""
    event = demo()
    context = browser.new_context(base_url=live_server.url, viewport=screen, locale="nl-BE")
    page = context.new_page()
    page.goto(grid_path(event))
    expect(page.get_by_role("heading", name="Rooster", exact=True)).to_be_visible()
    steps(page, f"rooster-{screen['width']}", full_page=False)

    assert overflow(page) == 0
    assert page.evaluate(SCROLL_BOXES) == []
    rooms = page.locator(".timetable thead th")
    expect(rooms).to_have_text(["Tijd", *DEMO_ROOMS])
    for room in rooms.all():
        assert in_viewport(page, room), room.inner_text()  # the last room too, without scrolling
    last_slot = page.locator(".timetable tbody tr").last
    expect(last_slot.locator("th")).to_have_text("18:25–18:45")
    last_session = page.locator(".timetable tbody tr:has(td a)").last.locator("td a").last
    expect(last_session).to_have_text("Ouders als ervaringsdeskundigen in de werking")
    assert not in_viewport(page, last_session)  # below the fold: the page scrolls, not a box
    last_session.scroll_into_view_if_needed()
    assert in_viewport(page, last_session)
    assert page.evaluate("window.scrollY") > 0
    steps(page, f"namiddag-{screen['width']}", full_page=False)
    context.close()


def test_demo_grid_on_a_phone_lists_every_room_by_slot(browser: Browser, live_server, steps):
    event = demo()
    context = browser.new_context(base_url=live_server.url, locale="nl-BE", **PHONE)
    page = context.new_page()
    page.goto(grid_path(event))

    assert overflow(page) == 0
    assert page.evaluate(SCROLL_BOXES) == []
    first = page.locator(".timetable tbody tr").nth(1)  # 10:00, after the opening
    expect(first.locator("th")).to_have_text("10:00–10:45")
    expect(first.locator(".timetable-room")).to_have_text(DEMO_ROOMS)
    for room in first.locator(".timetable-room").all():
        room.scroll_into_view_if_needed()
        assert in_viewport(page, room), room.inner_text()
    steps(page, "telefoon-10-uur")
    context.close()


def test_grid_shows_a_move_within_10_seconds_without_reload(page: Page) -> None:
    """With the production settings: a poll every 5 s, the version cached for 2 s. The English
    pass of this file: an event in English."""
    event = published_in_english()
    built = build_grid(event, rooms=3, slots=4)
    versions: list[int] = []

    def record(response: Response) -> None:
        if response.url.endswith(reverse("public:grid-version", args=[event.slug])):
            versions.append(response.status)

    page.on("response", record)
    page.goto(grid_path(event))
    first_cell = page.locator("#grid tbody tr").first.locator("td").first
    expect(first_cell.locator("a")).to_have_text("Session 0")
    page.evaluate("window.notReloaded = true")

    actions.move_session(
        event=event,
        session=built.sessions[0],
        cell=(built.rooms[2], built.slots[0]),  # swaps with Session 2
        version=event.grid_version,
        by=None,
    )
    moved_at = time.monotonic()

    expect(first_cell.locator("a")).to_have_text("Session 2", timeout=10_000)
    seen_after = time.monotonic() - moved_at
    expect(page.locator("#grid tbody tr").first.locator("td").nth(2).locator("a")).to_have_text(
        "Session 0"
    )
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#grid").get_attribute("data-version") == "2-published"
    expect(page.locator(".live-status")).to_have_text("The grid has changed; you see the new one.")
    assert seen_after < 10
    assert versions, "the page asked for the version"


def test_grid_unchanged_is_checked_with_empty_304s(page: Page, settings) -> None:
    settings.OOCAMP_LIVE_POLL_SECONDS = 0.3
    event = published()
    build_grid(event, rooms=2, slots=4)
    answers: list[tuple[str | None, str | None]] = []
    version = reverse("public:grid-version", args=[event.slug])

    def record(response: Response) -> None:
        # the page sees the cached 200; on the wire it was a 304 without a body
        if response.url.endswith(version):
            sent = response.request.header_value("if-none-match")
            answers.append((sent, response.header_value("content-length")))

    page.on("response", record)

    page.goto(grid_path(event))
    for _ in range(3):
        if len(answers) >= 3:
            break
        page.wait_for_event("response", lambda r: r.url.endswith(version), timeout=5_000)

    assert answers[0] == (None, "11")  # "1-published"
    assert len(answers) >= 3
    assert set(answers[1:]) == {('"1-published"', "0")}, answers


def test_grid_before_publication_reloads_itself_once_published(page: Page, settings) -> None:
    settings.OOCAMP_LIVE_POLL_SECONDS = 0.5
    settings.OOCAMP_GRID_STATE_SECONDS = 0
    event = make_event(phase=Event.Phase.VOTING)
    build_grid(event, rooms=2, slots=4)
    page.goto(grid_path(event))
    expect(page.locator("#grid-waiting")).to_have_text(
        "De organisatoren hebben het rooster nog niet gepubliceerd. "
        "Deze pagina toont het zodra ze dat doen."
    )

    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED)

    expect(page.locator("#grid a").first).to_have_text("Session 0", timeout=5_000)


def test_grid_on_a_phone_is_a_by_time_list_without_sideways_scroll(
    browser: Browser, live_server, steps
) -> None:
    event = published()
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=50 * 7 + 10)
    build_grid(event, rooms=20, slots=16, start=start, title=LONG_TITLE)  # the 8th slot runs now
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()

    page.goto(grid_path(event))

    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths == [390, 390]
    expect(page.locator(".timetable thead")).to_be_hidden()
    current = page.locator(".timetable tr.now")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("aria-current", "time")
    expect(current.locator("th")).to_have_attribute("data-now", "nu")  # not by colour alone
    expect(current.locator("td").first.locator(".timetable-room")).to_have_text("Room 1")
    expect(current.locator("td").first.locator("a")).to_have_text(f"{LONG_TITLE} 120")
    expect(current).to_be_in_viewport()
    steps(page, "telefoon-nu", full_page=False)
    context.close()


def test_grid_of_20_rooms_scrolls_sideways_in_its_box_only(
    browser: Browser, live_server, steps
) -> None:
    """More rooms than a screen holds: the grid's box scrolls sideways (never up and down: the
    page does that), the times stay on the left, the page itself never scrolls sideways."""
    event = published()
    build_grid(event, rooms=20, slots=16, title=LONG_TITLE)
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    page.goto(grid_path(event))
    steps(page, "20-zalen", full_page=False)
    region = page.locator("#grid")

    sizes = region.evaluate(
        "el => [el.scrollWidth > el.clientWidth, el.scrollHeight - el.clientHeight]"
    )
    assert sizes == [True, 0]
    region.evaluate("el => el.scrollTo(el.scrollWidth, 0)")

    assert overflow(page) == 0
    box = region.bounding_box()
    hour = page.locator(".timetable tbody th").last.bounding_box()
    assert abs(hour["x"] - box["x"]) < 3  # the times stay on the left
    last_room = page.locator(".timetable thead th").last
    expect(last_room).to_have_text("Room 20")
    assert in_viewport(page, last_room)
    assert last_room.bounding_box()["width"] > 150  # a readable column, not a sliver
    steps(page, "20-zalen-rechts", full_page=False)
    context.close()


def test_grid_prints_on_one_a3_page(browser: Browser, live_server, artifacts_dir: Path) -> None:
    event = published()
    build_grid(event, rooms=20, slots=16, title=LONG_TITLE)
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    page.goto(grid_path(event))

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)

    path = artifacts_dir / "grid-a3.pdf"
    path.write_bytes(pdf)
    document = pypdfium2.PdfDocument(pdf)
    width, height = document[0].get_size()
    document[0].render(scale=1).to_pil().save(artifacts_dir / "grid-a3.png")
    assert (len(document), round(width), round(height)) == (1, 1191, 842)  # A3 landscape, pt
    text = " ".join(document[0].get_textpage().get_text_range().split())
    assert "Room 19 Room 20" in text
    assert text.endswith(
        "beginnen we 279 Host 19, Host 39 DISCUSSIE 4 stemmen 21:30 – 22:15 Closing"
    )
    document.close()
    context.close()


def test_now_page_fits_a_beamer_with_20_rooms(
    browser: Browser, live_server, artifacts_dir: Path
) -> None:
    event = published()
    build_grid(
        event, rooms=20, slots=16, start=timezone.now() - timedelta(minutes=10), title=LONG_TITLE
    )
    context = browser.new_context(base_url=live_server.url, **BEAMER)
    page = context.new_page()

    page.goto(reverse("public:now", args=[event.slug]))

    expect(page.locator(".now-room")).to_have_count(20)
    expect(page.locator(".site-header")).to_be_hidden()
    sizes = page.evaluate("[document.documentElement.scrollHeight, window.innerHeight]")
    page.screenshot(path=artifacts_dir / "now-beamer.png")
    assert sizes[0] <= sizes[1], sizes
    context.close()


def test_now_page_follows_a_move(page: Page, settings) -> None:
    settings.OOCAMP_LIVE_POLL_SECONDS = 0.5
    settings.OOCAMP_GRID_STATE_SECONDS = 0
    event = published()
    built = build_grid(event, rooms=2, slots=4, start=timezone.now() - timedelta(minutes=10))
    page.goto(reverse("public:now", args=[event.slug]))
    expect(page.locator(".now-room h2")).to_have_text(["Room 1", "Room 2"])

    actions.move_session(
        event=event,
        session=built.sessions[0],
        cell=(built.rooms[1], built.slots[0]),  # swaps with Session 1
        version=event.grid_version,
        by=None,
    )

    expect(page.locator(".now-room").first.locator(".now-session").first).to_contain_text(
        "Session 1", timeout=5_000
    )


def test_grid_keeps_following_after_a_check_that_never_answers(
    new_context: CreateContextCallback, settings, steps
) -> None:
    """A venue's wifi drops a request half way: the page must not wait for it for ever (it
    did: one hung check stopped the polling, and the beamer stayed on its old grid)."""
    settings.OOCAMP_LIVE_POLL_SECONDS = 0.5
    settings.OOCAMP_GRID_STATE_SECONDS = 0
    event = published()
    built = build_grid(event, rooms=3, slots=4)
    page = new_context(service_workers="block").new_page()  # page.route sees every request
    version = reverse("public:grid-version", args=[event.slug])
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # never answered

    page.route(f"**{version}", hold_the_first)
    page.goto(grid_path(event))
    first_cell = page.locator("#grid tbody tr").first.locator("td").first
    expect(first_cell.locator("a")).to_have_text("Session 0")
    page.wait_for_event("request", lambda r: r.url.endswith(version), timeout=5_000)
    page.evaluate("window.notReloaded = true")
    steps(page, "a check hangs, the grid as it was")

    actions.move_session(
        event=event,
        session=built.sessions[0],
        cell=(built.rooms[2], built.slots[0]),  # swaps with Session 2
        version=event.grid_version,
        by=None,
    )

    # the held check gives up after 4 s (four polls, at least 4 s); the next one sees the move
    expect(first_cell.locator("a")).to_have_text("Session 2", timeout=10_000)
    assert len(held) == 1
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator(".live-status")).to_have_text(
        "Het rooster is gewijzigd; je ziet het nieuwe."
    )
    steps(page, "the move arrived without a reload")


def serious_violations(page: Page, axe_source: str) -> list[str]:
    inject_axe(page, axe_source)  # CSP-safe (issue 8)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("screen", [PHONE, DESKTOP, BEAMER], ids=["phone", "desktop", "beamer"])
def test_grid_pages_have_no_serious_accessibility_violations(
    browser: Browser, live_server, axe_source: str, sign_in, screen: dict, artifacts_dir: Path
) -> None:
    event = published()
    built = build_grid(event, rooms=6, slots=9, start=timezone.now() - timedelta(minutes=60))
    context = browser.new_context(base_url=live_server.url, locale="nl-BE", **screen)
    sign_in(context, built.hosts[0].user)
    page = context.new_page()
    name = "phone" if screen is PHONE else "desktop" if screen is DESKTOP else "beamer"
    now_path = reverse("public:now", args=[event.slug])

    found = {}
    pages = {"grid": grid_path(event), "my-day": grid_path(event) + "?mine=1", "now": now_path}
    for what, path in pages.items():
        page.goto(path)
        found[path] = serious_violations(page, axe_source)
        page.screenshot(path=artifacts_dir / f"grid-6x9-{what}-{name}.png")

    assert found == {path: [] for path in found}
    context.close()
