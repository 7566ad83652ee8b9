"""The live grid: cheap to ask "has it changed?", cheap to show to many.

- `grid_state(slug)` is the grid's state as one short token, its version and the event's
  phase, which open grids poll every few seconds; `event_for(slug)` is the event as the grid
  page needs it. Both are kept in Django's cache for `OOCAMP_GRID_STATE_SECONDS` (2 s): one
  indexed query per process and period, however many phones ask.
- `cached_grid(event, render)` keeps the rendered grid per event, version and language, so a
  grid is rendered once per change instead of once per visitor. The key holds the version read
  from the database with the event, so every process serves the new grid as soon as the
  version goes up: nothing needs to be deleted, and old entries expire by themselves.
- `cached_page(event, request, render, grid)` does the same for the whole page of a visitor who
  is not signed in (the page around the grid costs as much as the grid itself): it is rendered
  once with a hole where the CSRF token goes, and each visitor gets their own token put in
  (only if a form on it needs one: a visitor who is not signed in gets none, and no cookie).
  The page around the grid (its shell) is kept apart with a hole where the grid goes: it
  changes only when the event is saved, so after a change of the grid only the grid is
  rendered again.

Votes change without a new version while voting is open, so the grid is cached only once it
is published (voting is closed by then); before that only organisers see it, rendered fresh.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from sessions_app.models import Event, PitchRound, Session

GRID_CACHE_SECONDS = 24 * 60 * 60  # a version that is still current after a day is rendered again
# Only ever filled with the token of the visitor who gets the page, wherever it appears.
CSRF_HOLE = "\x00csrf-token\x00"
GRID_HOLE = "\x00grid\x00"  # where the grid goes in the page's shell


def state_seconds() -> float:
    return settings.OOCAMP_GRID_STATE_SECONDS


def poll_seconds() -> float:
    """How often an open grid asks whether it changed, give or take a fifth (a change shows
    within 1.2 × this plus `state_seconds()`: 8 s, under the 10 s promised)."""
    return settings.OOCAMP_LIVE_POLL_SECONDS


def state_token(event: Event) -> str:
    return f"{event.grid_version}-{event.phase}"


def event_for(slug: str) -> Event | None:
    """The event with this slug (None if there is none), at most `state_seconds()` old."""
    key = f"oocamp:event:{slug}"
    event = cache.get(key)
    if event is None:
        event = Event.objects.filter(slug=slug).first() or False  # remember "none", too
        cache.set(key, event, state_seconds())
    return event or None


def _cached_token(key: str, seconds: float, read: Callable[[], str | None]) -> str | None:
    """A state token from the cache, or `read()` from the database (None: no such event,
    remembered as "" so that asking again costs nothing either)."""
    token = cache.get(key)
    if token is None:
        token = read() or ""
        cache.set(key, token, seconds)
    return token or None


def grid_state(slug: str) -> str | None:
    """The token of the event with this slug (None if there is none), at most
    `state_seconds()` old. Kept apart from `event_for`, as a short string: it is read far
    more often than the event."""

    def read() -> str | None:
        row = Event.objects.filter(slug=slug).values_list("grid_version", "phase").first()
        return "{}-{}".format(*row) if row else None

    return _cached_token(f"oocamp:grid-state:{slug}", state_seconds(), read)


def pitch_seconds() -> float:
    """How long a pitch round's state is reused: the beamer and the phones ask every second and
    must show the next pitch within 2 s."""
    return settings.OOCAMP_PITCH_STATE_SECONDS


def pitch_state(slug: str) -> str | None:
    """The pitch round's state as one short token (None if there is no such event): the
    round's version and state, the event's phase, and the number and newest of the proposals
    (a proposal made on a phone joins the queue). Two queries per process every
    `pitch_seconds()`, however many phones ask."""

    def read() -> str | None:
        row = (
            Event.objects.filter(slug=slug)
            .values_list("pk", "phase", "pitch_round__version", "pitch_round__state")
            .first()
        )
        if row is None:
            return None
        pk, phase, version, state = row
        counted = (
            Session.objects.filter(event_id=pk).visible().aggregate(n=Count("id"), newest=Max("id"))
        )
        newest = counted["newest"] or 0
        return f"{_round_part(version or 0, state or 'none')}{phase}-{counted['n']}-{newest}"

    return _cached_token(f"oocamp:pitch-state:{slug}", pitch_seconds(), read)


def _round_part(version: int, state: str) -> str:
    return f"{version}-{state}-"


def pitch_state_for(pitch_round: PitchRound) -> str:
    """The state token if it still stands for `pitch_round` as the caller read it, else "".
    A step between reading the round and its state would show the old pitch under the new
    state until the step after; without a token, the page's next check fetches it again."""
    token = pitch_state(pitch_round.event.slug) or ""
    return token if token.startswith(_round_part(pitch_round.version, pitch_round.state)) else ""


def forget_pitch_state(slug: str) -> None:
    """After a moderator's step: the next question gets the new state at once."""
    cache.delete(f"oocamp:pitch-state:{slug}")


def grid_key(event: Event) -> str:
    created = int(event.created_at.timestamp() * 1_000_000)  # an id used again is another event
    language = translation.get_language()
    return f"oocamp:grid:{event.pk}:{created}:{event.grid_version}:{event.phase}:{language}"


def cached_grid(event: Event, render: Callable[[], str]) -> SafeString:
    """The grid's HTML from the cache, or from `render()` (then stored) on a miss."""
    if not event.grid_published:
        return mark_safe(render())  # template output: escaped by the template
    key = grid_key(event)
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, GRID_CACHE_SECONDS)
    return mark_safe(html)  # template output: escaped when it was rendered


# What a grid change writes on the event; every other field may be on the page around the grid.
GRID_CHANGE_FIELDS = frozenset({"grid_version", "updated_at"})


def shell_fingerprint(event: Event) -> str:
    """The event's fields the page around the grid may show (all but what a grid change
    writes), and the language, as a short hash: the shell is kept while they stay the same."""
    values = [
        (field.attname, getattr(event, field.attname))
        for field in event._meta.concrete_fields
        if field.attname not in GRID_CHANGE_FIELDS
    ]
    text = repr((values, translation.get_language()))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def cached_page(
    event: Event,
    request: HttpRequest,
    render: Callable[[str, str], str],
    grid: Callable[[], str],
) -> str:
    """The page of a published grid as every anonymous visitor sees it, with this visitor's
    CSRF token. `render(token, grid_html)` renders the page with `token` as the CSRF token and
    `grid_html` as the grid; `grid()` is the grid. The keys also hold when the event was last
    saved: its name is on the page. On a new version the shell (the page with a hole for the
    grid, the same from one version to the next) comes from the cache too, kept by the event's
    other fields (`shell_fingerprint`)."""
    updated = int(event.updated_at.timestamp() * 1_000_000)
    key = f"{grid_key(event)}:page:{updated}"
    html = cache.get(key)
    if html is None:
        shell_key = f"oocamp:grid-shell:{event.pk}:{shell_fingerprint(event)}"
        shell = cache.get(shell_key)
        if shell is None:
            shell = str(render(CSRF_HOLE, GRID_HOLE))
            cache.set(shell_key, shell, GRID_CACHE_SECONDS)
        html = shell.replace(GRID_HOLE, str(grid()), 1)
        cache.set(key, html, GRID_CACHE_SECONDS)
    if CSRF_HOLE not in html:  # no form needs a token (not signed in): no csrftoken cookie
        return html
    return html.replace(CSRF_HOLE, get_token(request))
