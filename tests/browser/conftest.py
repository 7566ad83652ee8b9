"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright cannot download its own browser on this machine, so `browser_type_launch_args`
points it at Debian's Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium). Without that
executable the tests skip, except in CI (`CI` set), where a missing browser is a failure.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request
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
