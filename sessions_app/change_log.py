"""The public change log of the published grid: which session moved, came onto the grid, left
it or was cancelled, and when, in the words people read ("“Vaders bereiken” moved from Zaal A
(11:00) to Zaal Zenne (14:05)"). The page and the Atom feed both read it.

The rows are the grid write path's `SessionChange`s; they exist only for changes made while
the grid was published, and the log shows none while it is not (an event taken back to
voting has no public grid to have changed). A session hidden as spam leaves no trace here,
as it leaves none on its own page (`access.get_session`); a cancelled session stays, since
its cancellation is news to whoever planned to go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sessions_app.models import Event, SessionChange

Kind = SessionChange.Kind


def load(event: Event, *, limit: int | None = None) -> list[SessionChange]:
    """The event's changes, newest first (with their sessions): one query, none at all before
    publication."""
    if not event.grid_published:
        return []
    rows = (
        event.session_changes.filter(session__hidden=False)
        .select_related("session")
        .order_by("-created_at", "-grid_version", "-pk")
    )
    return list(rows[:limit] if limit else rows)


def _when(event: Event, moment: datetime | None, other: datetime | None) -> str:
    """A start time as people read it at the event: "14:05", with the day ("di 8 dec 14:05")
    when the other time of the change is on another day."""
    if moment is None:
        return ""
    local = event.local(moment)
    if other is not None and event.local(other).date() != local.date():
        return date_format(local, "D j M H:i")
    return date_format(local, "H:i")


def _template(change: SessionChange) -> str:
    """The sentence for this kind of change, with {title}, {from_room}, {from_time},
    {to_room} and {to_time} to fill in (in the language active now)."""
    if change.kind == Kind.MOVED:
        if change.from_room == change.to_room:
            return _("“{title}” moved from {from_time} to {to_time} ({to_room})")
        if change.from_start == change.to_start:
            return _("“{title}” moved from {from_room} to {to_room} ({to_time})")
        return _("“{title}” moved from {from_room} ({from_time}) to {to_room} ({to_time})")
    if change.kind == Kind.PLACED:
        return _("“{title}” added to the grid: {to_room} ({to_time})")
    if change.kind == Kind.CANCELLED:
        return _("“{title}” cancelled (was {from_room}, {from_time})")
    return _("“{title}” taken off the grid (was {from_room}, {from_time})")


def _places(event: Event, change: SessionChange) -> dict[str, str]:
    return {
        "from_room": change.from_room,
        "from_time": _when(event, change.from_start, change.to_start),
        "to_room": change.to_room,
        "to_time": _when(event, change.to_start, change.from_start),
    }


def sentence(event: Event, change: SessionChange) -> str:
    """The change as plain text (for a feed's entry)."""
    return _template(change).format(title=change.session.title, **_places(event, change))


def sentence_html(event: Event, change: SessionChange, url: str) -> SafeString:
    """The change as HTML for the page, the session's title a link to its page (every value
    escaped; the sentence itself comes from our catalogue)."""
    title = format_html('<a href="{}">{}</a>', url, change.session.title)
    return format_html(_template(change), title=title, **_places(event, change))


@dataclass(frozen=True)
class Line:
    at: datetime  # when the change was made, at the event
    change: SessionChange
    html: SafeString


@dataclass(frozen=True)
class Day:
    day: date
    lines: list[Line]


def by_day(event: Event, changes: list[SessionChange], url_of) -> list[Day]:
    """The changes (newest first) grouped by the day they were made on at the event;
    `url_of(change)` is the address of the change's session."""
    days: list[Day] = []
    for change in changes:
        at = event.local(change.created_at)
        line = Line(at, change, sentence_html(event, change, url_of(change)))
        if days and days[-1].day == at.date():
            days[-1].lines.append(line)
        else:
            days.append(Day(at.date(), [line]))
    return days
