"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright cannot download its own browser on this machine, so `browser_type_launch_args`
points it at Debian's Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium). Without that
executable the tests skip, except in CI (`CI` set), where a missing browser is a failure.
The accessibility tests need axe-core from npm (`npm ci --prefix tests/browser`), likewise.

The tests look the way a person looks, in Dutch first (the demo's and the default language):
the browser asks for Dutch, `read_qr` decodes a QR code from a screenshot with a real decoder
(zxing-cpp), `assert_fits` checks a page for horizontal overflow at a phone's, a laptop's and a
big screen's width, and `steps` keeps a screenshot of each step in test-artifacts/ (CI keeps
that folder as an artifact).
"""

import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from PIL import Image
from playwright.sync_api import BrowserContext, Locator, Page, Request, expect
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
AXE_PATH = HERE / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in tests/browser carries the `browser` marker (`-m "not browser"` skips them)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.access(CHROMIUM_PATH, os.X_OK):
        message = (
            f"Chromium not found at {CHROMIUM_PATH}: install it with `apt-get install chromium` "
            "or point CHROMIUM_PATH at a Chromium binary."
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Relative URLs (`page.goto("/")`) go to the live server.

    Overriding this also keeps pytest-playwright's own fallback `base_url` from running: it is a
    session-scoped instance method, which pytest 9 deprecates with a warning (an error here)."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """The browser asks for Dutch, as the phones of a Flemish barcamp do; a test in English
    picks English with the language switch or on an English event (`ENGLISH`)."""
    return {**browser_context_args, "locale": "nl-BE", "timezone_id": "Europe/Brussels"}


ENGLISH = {"locale": "en-GB", "timezone_id": "Europe/Brussels"}
"""`browser.new_context(**ENGLISH)`: a browser that asks for English."""

# The widths a page must fit: a phone, a laptop, a big screen (issue 14).
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
DESKTOP = {"width": 1920, "height": 1080}
WIDTHS = (PHONE, LAPTOP, DESKTOP)


@pytest.fixture
def external_requests(page: Page, live_server: LiveServer) -> Iterator[list[str]]:
    """URLs of every request the page sends anywhere but the live server (CDNs, web fonts,
    analytics). Tests assert that the list stays empty."""
    own = urlsplit(live_server.url).netloc
    seen: list[str] = []

    def record(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in {"data", "blob", "about"} and parts.netloc != own:
            seen.append(request.url)

    page.on("request", record)
    yield seen
    page.remove_listener("request", record)


@pytest.fixture
def artifacts_dir(pytestconfig: pytest.Config) -> Path:
    """test-artifacts/ at the repository root (git-ignored): screenshots worth looking at."""
    path = pytestconfig.rootpath / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


class Steps:
    """`steps(page, "joined")`: a full-page screenshot named after the test and the step,
    numbered in the order taken, in test-artifacts/<test>/ (kept by CI as an artifact)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: list[Path] = []

    def __call__(self, page: Page, step: str, *, full_page: bool = True) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{len(self.taken) + 1:02d}-{_slug(step)}.png"
        page.screenshot(path=path, full_page=full_page)
        self.taken.append(path)
        return path


@pytest.fixture
def steps(artifacts_dir: Path, request: pytest.FixtureRequest) -> Steps:
    return Steps(artifacts_dir / _slug(request.node.name))


def read_qr(target: Page | Locator) -> str:
    """What a phone's camera reads from the QR code on the screen: a screenshot of `target`
    (a page or one element of it) decoded by zxing-cpp. Fails when the screen shows none."""
    import zxingcpp

    _wait_for_pictures(target)
    image = Image.open(io.BytesIO(_screenshot(target))).convert("L")
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert found, "no QR code can be read from what the screen shows"
    return found[0].text


# every <img> in the element (or the element itself), decoded; a broken one does not hold it up
_DECODED = """element => Promise.all(
    (element.tagName === "IMG" ? [element] : [...element.querySelectorAll("img")])
        .map(image => image.decode().catch(() => null)))"""


def _wait_for_pictures(target: Page | Locator) -> None:
    """Until the pictures in `target` are drawn: an <img> with its width and height set is
    visible before its picture has arrived (CI once read a blank poster QR code that way)."""
    if isinstance(target, Page):
        target.locator("body").evaluate(_DECODED)
    else:
        target.evaluate(_DECODED)


def _screenshot(target: Page | Locator) -> bytes:
    """A screenshot of `target`, taken again when a live page swapped the element for its fresh
    copy meanwhile (the beamer's region is replaced when the round's state changes): a camera
    sees the new one."""
    for attempt in range(3):
        try:
            return target.screenshot()
        except PlaywrightError as error:
            if "not attached to the DOM" not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: nothing to scroll sideways).
    Chromium widens the layout viewport to fit content that overflows, so the document is
    compared with the width asked for."""
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    asked = page.viewport_size["width"] if page.viewport_size else inner_width
    return max(0, scroll_width - min(inner_width, asked))


def assert_fits(page: Page, url: str, widths: tuple[dict[str, int], ...] = WIDTHS) -> None:
    """`url` opened at a phone's, a laptop's and a big screen's width has nothing to scroll
    sideways (long titles and names must wrap or shrink, not push the page wider)."""
    for size in widths:
        page.set_viewport_size(size)
        page.goto(url)
        assert overflow(page) == 0, f"{url} overflows by {overflow(page)} px at {size['width']} px"


def seconds_shown(clock: Locator) -> int:
    """The pitch clock as it reads now ("0:28"), in seconds; it must show a time, not "Tijd!"."""
    expect(clock).to_have_text(re.compile(r"^\d+:\d\d$"))
    minutes, seconds = clock.inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def in_viewport(page: Page, locator: Locator) -> bool:
    """The element is shown whole inside the window, without scrolling."""
    box = locator.bounding_box()
    size = page.viewport_size
    assert size is not None
    return bool(
        box
        and box["width"] > 0
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"] + 0.5
        and box["y"] + box["height"] <= size["height"] + 0.5
    )


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's browser bundle, installed from the npm registry at the version that
    tests/browser/package-lock.json pins. Missing: a failure in CI, a skip elsewhere."""
    if not AXE_PATH.is_file():
        message = (
            f"axe-core not found at {AXE_PATH}: install it with `npm ci --prefix tests/browser`."
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def sign_in(live_server: LiveServer) -> Callable[[BrowserContext, AbstractBaseUser], None]:
    """`sign_in(context, user)`: the browser context is signed in as `user`, through a session
    made by Django's test client, without going through a form."""

    def sign_in(context: BrowserContext, user: AbstractBaseUser) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return sign_in


def inject_axe(page: Page, source: str) -> None:
    """Load axe-core into `page` under the strict Content-Security-Policy (script-src 'self',
    issue 8): served from a same-origin URL that only this page's route answers, since an
    inline `add_script_tag(content=...)` is blocked like any inline script."""
    url = page.evaluate("location.origin") + "/__test-axe-core__.js"
    page.route(url, lambda route: route.fulfill(content_type="text/javascript", body=source))
    page.add_script_tag(url=url)
    page.unroute(url)
