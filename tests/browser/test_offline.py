"""When the venue's wifi dies (issue 21), in Chromium and in Dutch, on the demo's day (OOcamp
2012: 50 sessions): after one visit online, the grid, My day, now & next and a session's page
open with the connection gone (Playwright's `set_offline`), under a banner "Offline — stand
van 14:02" that says when they were fetched; back online the page is fetched again and the
banner goes away. What the phone keeps stays under 2 MB and holds no organiser page, signing
out leaves nothing behind, and the app is installable: its manifest, its icons, a service
worker that looks after the page. A connection that hangs shows the kept page after a few
seconds; one visit to the event keeps its main pages, and a page never kept shows OOcamp's
offline page; a second person on the phone never gets the first one's pages."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from sessions_app import offline
from sessions_app.actions import import_event
from sessions_app.event_file import load_event_file
from sessions_app.models import Event, Participant
from tests.browser.conftest import ENGLISH
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.service_worker]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DEMO = Path(__file__).resolve().parents[2] / "demo" / "oocamp-2012.zip"
BRUSSELS = ZoneInfo("Europe/Brussels")
PAGES = "oocamp-pages-v1"

KEPT = """async () => {
    const found = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            const response = await cache.match(request, { ignoreVary: true });
            const bytes = (await response.arrayBuffer()).byteLength;
            found.push({ cache: name, url: new URL(request.url).pathname, bytes });
        }
    }
    return found;
}"""
"""Everything the phone keeps for this site (Cache Storage), with the size of each answer."""


def demo() -> Event:
    with load_event_file(DEMO) as event_file:
        return import_event(event_file)


def kept(page: Page) -> list[dict]:
    return page.evaluate(KEPT)


def wait_until_kept(page: Page, path: str) -> None:
    """The service worker says it kept the page open at `path`, and the files it needs (the
    first visit is kept once the worker runs)."""
    assert page.evaluate("location.pathname") == path
    expect(page.locator("html[data-offline-kept]")).to_have_count(1)


def times_around(moment: datetime) -> set[str]:
    """The minute shown for a page fetched at `moment` (a minute may turn meanwhile)."""
    local = moment.astimezone(BRUSSELS)
    return {(local + timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}


def host_of_the_demo(event: Event) -> Participant:
    """A participant of the demo who hosts a session (and organises nothing)."""
    hosts = Participant.objects.filter(
        event=event, hostings__isnull=False, role=Participant.Role.PARTICIPANT
    )
    return hosts.order_by("pk").distinct().first()


def test_the_day_reads_offline_with_a_banner(new_context, sign_in: Callable, steps) -> None:
    event = demo()
    host = host_of_the_demo(event)
    title = host.hostings.select_related("session").first().session.title
    context = new_context(**PHONE)
    sign_in(context, host.user)
    page = context.new_page()
    grid = reverse("public:grid", args=[event.slug])
    my_day = reverse("participant:my-page", args=[event.slug])
    session = reverse("public:session", args=[event.slug, host.hostings.first().session_id])
    now = reverse("public:now", args=[event.slug])
    proposals = reverse("participant:proposals", args=[event.slug])

    fetched = datetime.now(BRUSSELS)
    for path in (grid, my_day, session, proposals, now):
        page.goto(path)
        expect(page.locator("[data-offline-banner]")).to_be_hidden()
        wait_until_kept(page, path)
    steps(page, "online: now and next, no banner", full_page=False)

    context.set_offline(True)
    banner = page.get_by_role("status").filter(has_text="Offline")
    page.goto(grid)
    expect(banner).to_be_visible()
    shown = re.fullmatch(r"Offline — stand van (\d\d:\d\d)", banner.inner_text())
    assert shown, banner.inner_text()
    assert shown.group(1) in times_around(fetched)
    expect(page.locator("#grid").get_by_text(title).first).to_be_visible()
    # its stylesheet came from what was kept too: the banner is dark, the page laid out
    assert banner.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(27, 31, 36)"
    steps(page, "offline: the grid with its banner", full_page=False)

    page.goto(my_day)
    expect(banner).to_be_visible()
    expect(page.get_by_text(title).first).to_be_visible()
    steps(page, "offline: my day", full_page=False)

    page.goto(session)
    expect(banner).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.reload()
    expect(banner).to_be_visible()
    steps(page, "offline: a session's page", full_page=False)

    page.goto(proposals)
    expect(banner).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_be_visible()

    page.goto(now)
    expect(banner).to_be_visible()
    steps(page, "offline: now and next", full_page=False)

    # a page of the event that was never opened: OOcamp's offline page, with the kept ones
    elsewhere = context.new_page()
    elsewhere.goto(reverse("public:feeds", args=[event.slug]))
    expect(
        elsewhere.get_by_role("heading", name="Deze pagina staat niet op je telefoon")
    ).to_be_visible()
    expect(elsewhere.locator(f".offline-pages a[href='{session}']")).to_have_count(1)
    # outside any event nothing was kept: the browser's own error
    with pytest.raises(Exception, match="ERR_FAILED|ERR_INTERNET_DISCONNECTED"):
        elsewhere.goto(reverse("public:join-with-code"))
    elsewhere.close()

    refused: list[str] = []  # what the page asks to know the server is back is answered
    page.on("response", lambda r: refused.append(r.url) if r.status == 405 else None)
    context.set_offline(False)  # back: the page is fetched again, the banner goes
    expect(banner).to_be_hidden(timeout=20_000)
    expect(page.locator("html[data-offline-at]")).to_have_count(0)
    assert refused == []
    page.goto(grid)
    expect(banner).to_be_hidden()
    steps(page, "back online: the grid without the banner", full_page=False)


def test_back_online_a_live_grid_fetches_itself_again(new_context, steps) -> None:
    event = demo()
    context = new_context(**PHONE)
    page = context.new_page()
    grid = reverse("public:grid", args=[event.slug])
    page.goto(grid)
    wait_until_kept(page, grid)
    context.set_offline(True)
    page.reload()
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_be_visible()
    # live.js's version check reaches the server again: the grid comes from the network
    context.set_offline(False)
    expect(banner).to_be_hidden(timeout=20_000)
    expect(page.locator("#grid")).to_be_visible()


def test_the_banner_speaks_the_pages_language(browser: Browser, base_url: str) -> None:
    event = make_event(slug="open-camp", language="en", phase=Event.Phase.PUBLISHED)
    make_placement(make_session(event, title="Open data"), make_room(event), make_slot(event))
    context = browser.new_context(base_url=base_url, **PHONE, **ENGLISH)
    page = context.new_page()
    session = reverse("public:session", args=[event.slug, event.sessions.get().pk])
    page.goto(session)
    wait_until_kept(page, session)
    context.set_offline(True)
    page.reload()
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_have_text(re.compile(r"^Offline — as of \d\d:\d\d$"))
    expect(page.get_by_role("heading", name="Open data")).to_be_visible()
    context.close()


def test_the_cache_stays_small_and_keeps_no_organiser_page(
    new_context, sign_in: Callable, steps
) -> None:
    event = demo()
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    context = new_context(**PHONE)
    sign_in(context, organiser.user)
    page = context.new_page()
    visits = [
        reverse("public:event", args=[event.slug]),
        reverse("public:grid", args=[event.slug]),
        reverse("public:now", args=[event.slug]),
        reverse("participant:my-page", args=[event.slug]),
        reverse("participant:proposals", args=[event.slug]),
    ] + [
        reverse("public:session", args=[event.slug, pk])
        for pk in event.sessions.order_by("pk").values_list("pk", flat=True)[:50]
    ]
    organiser_pages = [
        reverse("organiser:dashboard", args=[event.slug]),
        reverse("organiser:grid", args=[event.slug]),
        reverse("organiser:material", args=[event.slug]),
    ]
    for path in visits[:2]:
        page.goto(path)
        wait_until_kept(page, path)
    for path in organiser_pages:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
    steps(page, "the organiser's grid editor, online")
    for path in visits[2:]:
        page.goto(path)
    wait_until_kept(page, visits[-1])

    found = kept(page)
    urls = [entry["url"] for entry in found]
    total = sum(entry["bytes"] for entry in found)
    print(f"kept: {len(found)} answers, {total} bytes")  # the figure for the report
    assert total < 2 * 1024 * 1024, total
    assert not [url for url in urls if "/organise/" in url], urls
    assert not [url for url in urls if url.startswith(("/admin/", "/accounts/", "/signin/"))]
    pages = [entry["url"] for entry in found if entry["cache"] == PAGES]
    assert visits[-1] in pages  # the newest are kept, the oldest went first
    assert all(url.startswith(f"/{event.slug}/") for url in pages), pages
    assert [url for url in urls if url.endswith(".css")], "the stylesheet is kept"


def test_signing_out_leaves_nothing_behind(new_context, sign_in: Callable, steps) -> None:
    event = demo()
    host = host_of_the_demo(event)
    host.email = "host@example.org"  # can come back: "Sign out" signs out at once
    host.save(update_fields=["email"])
    context = new_context(**PHONE)
    sign_in(context, host.user)
    page = context.new_page()
    my_day = reverse("participant:my-page", args=[event.slug])
    page.goto(my_day)
    wait_until_kept(page, my_day)
    assert [entry for entry in kept(page) if entry["url"] == my_day], kept(page)

    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("link", name="Aanmelden")).to_be_visible()
    steps(page, "signed out")
    assert [entry for entry in kept(page) if entry["cache"] == PAGES] == []
    assert not [entry for entry in kept(page) if not entry["url"].startswith("/static/")]
    context.set_offline(True)
    with pytest.raises(Exception, match="ERR_FAILED|ERR_INTERNET_DISCONNECTED"):
        page.goto(my_day)


def test_the_app_is_installable(new_context, live_server) -> None:
    event = demo()
    context = new_context(**PHONE)
    page = context.new_page()
    page.goto(reverse("public:event", args=[event.slug]))
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href == f"/{event.slug}/manifest.webmanifest"
    manifest = context.request.get(href)
    assert manifest.ok
    assert manifest.headers["content-type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == f"/{event.slug}/"
    assert data["display"] == "standalone"
    assert data["theme_color"] and data["background_color"]
    sizes = set()
    for icon in data["icons"]:
        answer = context.request.get(icon["src"])
        assert answer.ok, icon
        assert answer.headers["content-type"] == "image/png"
        width, height = page.evaluate(
            """async (src) => {
                const image = await createImageBitmap(await (await fetch(src)).blob());
                return [image.width, image.height];
            }""",
            icon["src"],
        )
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes

    # a service worker with a fetch handler looks after the page, and start_url opens offline
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    # Chromium's own checks, those Lighthouse reports: the manifest parses, nothing stops install
    cdp = context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert parsed["url"].endswith(href) and parsed["errors"] == [], parsed["errors"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # a test's browser context is a private window, where Chromium installs nothing
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    wait_until_kept(page, data["start_url"])
    context.set_offline(True)
    page.goto(data["start_url"])
    expect(page.locator("[data-offline-banner]")).to_be_visible()


FETCHED_AT = """async (path) => {
    const kept = await caches.match(path, { cacheName: "oocamp-pages-v1", ignoreVary: true });
    return kept ? Number(kept.headers.get("OOcamp-Fetched-At")) : 0;
}"""
"""When the phone fetched the copy it kept of the page at `path` (0: it kept none)."""


def test_a_connection_that_hangs_shows_the_kept_page(new_context, steps) -> None:
    """The venue's access point neither answers nor fails: the kept grid is shown after a few
    seconds, and the network's late answer is kept for next time, not swapped in."""
    event = demo()
    title = event.sessions.filter(placement__isnull=False).order_by("pk").first().title
    context = new_context(**PHONE)
    page = context.new_page()
    grid = reverse("public:grid", args=[event.slug])
    page.goto(grid)
    wait_until_kept(page, grid)
    before = page.evaluate(FETCHED_AT, grid)
    assert before

    # every request for the grid (the worker's included: Chromium routes a service worker's
    # requests through the context) is held: it neither answers nor fails
    held = []
    context.route(f"**{grid}", lambda route: held.append(route))
    page.goto(grid)
    banner = page.get_by_role("status").filter(has_text="Offline")
    expect(banner).to_be_visible(timeout=15_000)
    expect(page.locator("#grid").get_by_text(title).first).to_be_visible()
    assert re.fullmatch(r"Offline — stand van \d\d:\d\d", banner.inner_text())
    assert [route for route in held if route.request.service_worker], "the worker asked"
    steps(page, "a hanging connection: the kept grid with its banner", full_page=False)

    # the network answers after all: what it answered is kept, the page stays as it was
    for route in [route for route in held if route.request.method == "GET"]:
        route.continue_()
    page.wait_for_function(f"({FETCHED_AT})({grid!r}).then((at) => at > {before})")
    expect(page.locator("html[data-offline-at]")).to_have_count(1)
    expect(banner).to_be_visible()
    steps(page, "the late answer is kept, the page unchanged", full_page=False)
    context.unroute(f"**{grid}")


def test_the_days_pages_open_offline_after_one_visit_to_the_event(
    new_context, sign_in: Callable, steps
) -> None:
    """A participant who only opened the event's page can open the grid, My page, now & next
    and Sessions offline; a page never kept shows OOcamp's offline page with the kept ones."""
    event = demo()
    host = host_of_the_demo(event)
    hosted = host.hostings.select_related("session").first().session
    context = new_context(**PHONE)
    sign_in(context, host.user)
    page = context.new_page()
    home = reverse("public:event", args=[event.slug])
    grid = reverse("public:grid", args=[event.slug])
    my_day = reverse("participant:my-page", args=[event.slug])
    now = reverse("public:now", args=[event.slug])
    proposals = reverse("participant:proposals", args=[event.slug])
    page.goto(home)
    wait_until_kept(page, home)
    steps(page, "online: only the event's page was opened", full_page=False)

    context.set_offline(True)
    banner = page.get_by_role("status").filter(has_text="Offline")
    page.goto(grid)
    expect(banner).to_be_visible()
    expect(page.locator("#grid").get_by_text(hosted.title).first).to_be_visible()
    steps(page, "offline: the grid, never opened", full_page=False)
    page.goto(my_day)
    expect(banner).to_be_visible()
    expect(page.get_by_text(hosted.title).first).to_be_visible()
    steps(page, "offline: my page, never opened", full_page=False)
    page.goto(now)
    expect(banner).to_be_visible()
    page.goto(proposals)
    expect(banner).to_be_visible()
    expect(page.get_by_role("heading", name=hosted.title)).to_be_visible()

    # a page of the event that was never kept: OOcamp's offline page, in Dutch, with the kept
    page.goto(reverse("public:session", args=[event.slug, hosted.pk]))
    expect(
        page.get_by_role("heading", name="Deze pagina staat niet op je telefoon")
    ).to_be_visible()
    expect(banner).to_be_visible()
    links = page.locator(".offline-pages a")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert {home, grid, my_day, now, proposals} <= hrefs, hrefs
    assert not [href for href in hrefs if "/offline/" in href], hrefs
    expect(links.filter(has_text="Rooster")).to_have_count(1)
    steps(page, "offline: a page never kept, and the pages that were", full_page=False)
    links.filter(has_text="Rooster").click()
    expect(page).to_have_url(re.compile(f"{grid}$"))
    expect(page.locator("#grid").get_by_text(hosted.title).first).to_be_visible()


OWNERS = """async () => {
    const cache = await caches.open("oocamp-pages-v1");
    const owners = {};
    for (const request of await cache.keys()) {
        const kept = await cache.match(request, { ignoreVary: true });
        owners[new URL(request.url).pathname] = kept.headers.get("OOcamp-Person");
    }
    return owners;
}"""
"""For whom each kept page was rendered (sessions_app/offline.py, person_marker)."""


def test_another_person_on_the_same_phone_never_sees_the_first_ones_pages(
    new_context, sign_in: Callable, steps, live_server
) -> None:
    """A's sign-in expires (no sign-out) and B signs in on the same phone: offline, B never gets
    A's My page, but B's own."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    event = demo()
    hosts = list(
        Participant.objects.filter(
            event=event, hostings__isnull=False, role=Participant.Role.PARTICIPANT
        )
        .order_by("pk")
        .distinct()
    )
    b = hosts[0]
    b_title = b.hostings.select_related("session").first().session.title
    my_day = reverse("participant:my-page", args=[event.slug])
    client = Client()
    client.force_login(b.user)
    b_page = client.get(my_day).content.decode()
    a, a_title = next(
        (host, hosting.session.title)
        for host in hosts[1:]
        for hosting in host.hostings.select_related("session")
        if hosting.session.title not in b_page and b_title not in hosting.session.title
    )
    Session.objects.all().delete()

    context = new_context(**PHONE)
    sign_in(context, a.user)
    page = context.new_page()
    page.goto(my_day)
    wait_until_kept(page, my_day)
    expect(page.get_by_text(a_title).first).to_be_visible()
    steps(page, "A's page, online", full_page=False)

    # A's sign-in runs out on the server (no sign-out on the phone), B signs in on it
    Session.objects.all().delete()
    sign_in(context, b.user)
    grid = reverse("public:grid", args=[event.slug])
    page.goto(grid)
    wait_until_kept(page, grid)

    context.set_offline(True)
    page.goto(my_day)
    expect(page.get_by_role("status").filter(has_text="Offline")).to_be_visible()
    expect(page.get_by_text(b_title).first).to_be_visible()  # B's own, kept in the background
    expect(page.get_by_text(a_title)).to_have_count(0)
    steps(page, "offline: B gets B's page, never A's", full_page=False)
    owners = page.evaluate(OWNERS)
    assert offline.person_marker(b.user) in owners.values()
    assert offline.person_marker(a.user) not in owners.values(), owners
    context.close()
