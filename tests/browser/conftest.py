"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright cannot download its own browser on this machine, so `browser_type_launch_args`
points it at Debian's Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium). Without that
executable the tests skip, except in CI (`CI` set), where a missing browser is a failure.
The accessibility tests need axe-core from npm (`npm ci --prefix tests/browser`), likewise.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from playwright.sync_api import BrowserContext, Page, Request
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
    """The browser asks for English, so a page that comes out in Dutch does so because of the
    event, not because of the browser."""
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/Brussels"}


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
