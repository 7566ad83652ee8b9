"""What a participant follows, read for the pages that show it: the "I'll go" buttons, My day,
and the changes to their sessions they have not seen yet.

The public grid is rendered once per version for everyone (live.py), so it cannot say who
follows what. It carries a hole per session instead (`hole(pk)`, like the CSRF hole), and
`fill_grid` puts this visitor's button (and the change they have not seen) into each hole with
one string pass: the expensive part stays cached, the personal part costs two small queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sessions_app.models import (
    Event,
    Follow,
    Host,
    Participant,
    Session,
    SessionChange,
    SessionQuerySet,
)

HOLE_RE = re.compile("\x00follow-(\\d+)\x00")


def hole(pk: int) -> str:
    """Where a session's personal part goes in the shared grid."""
    return f"\x00follow-{pk}\x00"


def followed_ids(participant: Participant) -> set[int]:
    """The sessions the participant follows (one query)."""
    return set(Follow.objects.filter(participant=participant).values_list("session_id", flat=True))


def my_sessions(event: Event, participant: Participant) -> SessionQuerySet:
    """The sessions the participant follows or hosts, each with `followed` and `hosted`, and
    the latest change they have not seen yet (`change_kind`, `change_room`, `change_start`):
    what My day and the grid's personal part read, in one query."""
    followed = Follow.objects.filter(participant=participant).values("session_id")
    hosted = Host.objects.filter(participant=participant).values("session_id")
    latest = SessionChange.objects.filter(
        session=OuterRef("pk"), grid_version__gt=participant.changes_seen_version
    ).order_by("-grid_version")
    return event.sessions.filter(Q(pk__in=followed) | Q(pk__in=hosted)).annotate(
        followed=Exists(followed.filter(session_id=OuterRef("pk"))),
        hosted=Exists(hosted.filter(session_id=OuterRef("pk"))),
        change_kind=Subquery(latest.values("kind")[:1]),
        change_room=Subquery(latest.values("to_room")[:1]),
        change_start=Subquery(latest.values("to_start")[:1]),
    )


def with_changes(event: Event, sessions) -> list[Session]:
    """The sessions of `my_sessions` as a list, each with its `change` as people read it ("" if
    none) and pointing at the event already loaded."""
    rows = list(sessions)
    for session in rows:
        session.event = event
        session.change = change_text(
            event, session.change_kind, session.change_room or "", session.change_start
        )
    return rows


class Personal(NamedTuple):
    followed: set[int]  # the sessions they follow
    own: set[int]  # the sessions they follow or host: their day on the grid
    changed: list[Session]  # of those, the ones that changed since they last looked


def personal(event: Event, participant: Participant) -> Personal:
    """What the grid shows of this participant (one query)."""
    rows = with_changes(event, my_sessions(event, participant).order_by("title"))
    followed = {s.pk for s in rows if s.followed}
    return Personal(followed, {s.pk for s in rows}, [s for s in rows if s.change])


def change_text(event: Event, kind: str | None, room: str = "", start=None) -> str:
    """What changed, as people read it: "moved to Zaal Zenne, 14:05", "cancelled"."""
    when = f"{timezone.localtime(start, event.tz):%H:%M}" if start is not None else ""
    if kind == SessionChange.Kind.CANCELLED:
        return _("cancelled")
    if kind == SessionChange.Kind.UNPLACED:
        return _("taken off the grid")
    if kind == SessionChange.Kind.PLACED:
        return _("now on the grid: %(room)s, %(time)s") % {"room": room, "time": when}
    if kind == SessionChange.Kind.MOVED:
        return _("moved to %(room)s, %(time)s") % {"room": room, "time": when}
    return ""


def fill_grid(
    html: str,
    event: Event,
    participant: Participant | None,
    followed: set[int] | None = None,
    changes: dict[int, str] | None = None,
) -> SafeString:
    """The shared grid with this visitor's parts in its holes: an "I'll go" button per session
    for a participant of a published grid (its state as they left it), nothing for others."""
    if participant is None or not event.grid_published:
        filled = HOLE_RE.sub("", html)
    else:
        filled = HOLE_RE.sub(_buttons(event, followed or set(), changes or {}), html)
    # the grid is our templates' output (escaped when rendered); the buttons are format_html's
    return mark_safe(filled)


def _buttons(
    event: Event, followed: set[int], changes: dict[int, str]
) -> Callable[[re.Match], str]:
    label = _("I'll go")
    path = reverse("participant:follow", args=[event.slug, 0])
    start, end = path.split("/0/", 1)

    def button(match: re.Match) -> str:
        pk = int(match[1])
        on = pk in followed
        note = ""
        if text := changes.get(pk):
            note = format_html('<strong class="change-note">{}</strong>', text)
        return format_html(
            '<span class="follow" id="follow-{pk}"><button form="follow-form" '
            'formaction="{start}/{pk}/{end}" name="follow" value="{value}" '
            'class="follow-button{cls}" aria-pressed="{pressed}">{check}{label}</button>{note}'
            "</span>",
            pk=pk,
            start=start,
            end=end,
            value="0" if on else "1",
            cls=" followed" if on else "",
            pressed="true" if on else "false",
            check="✓ " if on else "",
            label=label,
            note=note,
        )

    return button
