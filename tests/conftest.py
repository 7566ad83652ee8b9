import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

from sessions_app.actions import import_event
from sessions_app.event_file import load_event_file
from sessions_app.models import Event, Participant
from tests.factories import make_event, make_participant

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "oocamp-2012.zip"
# the event of `event` and of its variants
CAMP = {"name": "Open Overheid Camp", "slug": "oocamp-2026"}

# every test checks that only actions (and jobs, migrations, test code) write: write_guard.py
pytest_plugins = ["tests.write_guard"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` only run when the default database is PostgreSQL."""
    if django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered grids, live-state tokens and sign-in counters live in the cache: every test
    starts and ends without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def uncached_live_state(settings):
    """Feeds and grids read the event at most every 2 s (sessions_app/live.py): not within a
    test, which changes it and asks again at once."""
    settings.OOCAMP_GRID_STATE_SECONDS = 0


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code called outside a request (actions, commands) speaks the default language, Dutch;
    tests read English there unless they ask otherwise. Requests pick their own language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_password_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def browser_contexts_closed(monkeypatch: pytest.MonkeyPatch):
    """Every browser context a test opens with `browser.new_context` is closed when the test
    ends, whatever the test did with it. Set up before the test's own fixtures, this is torn
    down after them (pytest-playwright's `context`, the screenshot steps). The browser lives
    for the whole run: a page left open kept polling the live server from a grid or now &
    next page (static/js/live.js) through every later test, and at the end of the worker's run
    its connection kept the test database from being dropped ("being accessed by other users",
    at the teardown of whichever test ran last on that worker)."""
    opened: list[tuple[Browser, BrowserContext]] = []
    new_context = Browser.new_context

    def tracked(self: Browser, **options: Any) -> BrowserContext:
        context = new_context(self, **options)
        opened.append((self, context))
        return context

    monkeypatch.setattr(Browser, "new_context", tracked)
    yield
    for browser, context in opened:
        if context in browser.contexts:  # not closed by the fixture that made it
            with contextlib.suppress(PlaywrightError):  # the browser went with it
                context.close()


@pytest.fixture(autouse=True)
def service_workers_blocked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every browser context a test opens (tests/browser, and the few elsewhere that drive
    Chromium) blocks service workers, as Playwright advises where requests are routed, unless
    the test is marked `service_worker` (the offline tests). The app's worker (static/js/sw.js)
    installs itself on the first page, then fetches the event's pages in the background while
    the test acts, and sits between the page and `page.route`: a test of something else would
    depend on its timing. What the worker does, and that pages behave the same with it, is what
    the marked tests check."""
    if request.node.get_closest_marker("service_worker"):
        return
    new_context = Browser.new_context

    def blocking(self: Browser, **options: Any) -> BrowserContext:
        options.setdefault("service_workers", "block")
        return new_context(self, **options)

    monkeypatch.setattr(Browser, "new_context", blocking)


@pytest.fixture
def event(db) -> Event:
    return make_event(**CAMP)


# ---- the event a module's pages need ------------------------------------------------------
# `organiser`, `participant` and many modules' own fixtures are made in `event`, so a module
# whose pages need another kind of event points `event` at one of these variants:
#
#     @pytest.fixture
#     def event(english_event: Event) -> Event:
#         return english_event
#
# (a test that asked for the variant instead would get `organiser` in another event).


@pytest.fixture
def event_with_join_code(db) -> Event:
    """The conftest event (in Dutch, the default language) with a known join code, K7P2QX."""
    return make_event(**CAMP, join_code="K7P2QX")


@pytest.fixture
def archived_event(db) -> Event:
    """The conftest event (in Dutch, the default language), over: themes and syntheses time."""
    return make_event(**CAMP, phase=Event.Phase.ARCHIVED)


@pytest.fixture
def english_event(db) -> Event:
    """The conftest event, in English (the default language is Dutch)."""
    return make_event(**CAMP, language="en")


@pytest.fixture
def english_event_with_join_code(db) -> Event:
    """The conftest event, in English and with a known join code, K7P2QX."""
    return make_event(**CAMP, language="en", join_code="K7P2QX")


@pytest.fixture
def english_voting_event(db) -> Event:
    """The conftest event, in English, in the voting phase (proposing is open too)."""
    return make_event(**CAMP, language="en", phase=Event.Phase.VOTING)


@pytest.fixture
def published_event(db) -> Event:
    """The conftest event (in Dutch), its grid published: following sessions, being told."""
    return make_event(**CAMP, phase=Event.Phase.PUBLISHED)


@pytest.fixture
def english_published_event(db) -> Event:
    """The conftest event, in English, its grid published (the day is running or over)."""
    return make_event(**CAMP, language="en", phase=Event.Phase.PUBLISHED)


@pytest.fixture
def english_archived_event(db) -> Event:
    """The conftest event, in English, over: material, reports and syntheses time."""
    return make_event(**CAMP, language="en", phase=Event.Phase.ARCHIVED)


@pytest.fixture
def voting_event(db) -> Event:
    """An event in the voting phase, beside (not instead of) `event`."""
    return make_event(phase=Event.Phase.VOTING)


@pytest.fixture
def organiser(event: Event) -> Participant:
    return make_participant(event, name="Olga Organiser", role=Participant.Role.ORGANISER)


@pytest.fixture
def participant(event: Event) -> Participant:
    return make_participant(event, name="Piet Participant")


@pytest.fixture
def run_tasks(db, monkeypatch) -> Callable[[], None]:
    """Run the background tasks queued so far, as `manage.py db_worker` would, then return.

    The worker's `close_old_connections()` would drop the connection inside the test's
    transaction on PostgreSQL (autocommit differs from the settings'), so it is left out."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", interval=0)

    return run


@pytest.fixture
def demo() -> Event:
    """The demo event (OOcamp 2012, in Dutch: 6 rooms, 9 session slots, 50 sessions placed)."""
    with load_event_file(DEMO_FILE) as event_file:
        return import_event(event_file)
