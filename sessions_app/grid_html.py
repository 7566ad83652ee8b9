"""The public grid's table as HTML, written in Python.

The grid is rendered once per version and language (live.py) and then served from the cache,
but that one render is paid after every change by the first visitor of each process, and by an
organiser on every load before publication. In the template language a 20 × 16 grid took
~100 ms of CPU (hundreds of cells, each a dozen lookups, a loop and a plural, over model
instances); here it is a string join over values read as values (`table`). The template keeps
what is around the table (templates/public/grid.html, partial `grid`);
tests/views/public/test_grid_html.py holds the cells to the HTML the template used to write.

Everything from the database or a translation goes through `escape`, as the template's `{{ }}`
did; the vote count's plural is the template's `blocktranslate` message, not escaped, as there.
"""

from __future__ import annotations

from datetime import datetime
from html import escape  # what django.utils.html.escape calls, without its lazy-string check
from typing import NamedTuple

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from sessions_app.follows import hole
from sessions_app.grid import host_names_of
from sessions_app.models import Event, Room, Session, Slot
from sessions_app.prepared import PreparedRead

WIDE = 10  # more rooms than this: the table gets `timetable-wide`

EMPTY = '<td class="empty"></td>\n'


class TableSession(NamedTuple):
    """A placed session as the public grid shows it: plain values, no model instances."""

    pk: int
    title: str
    kind: str
    vote_count: int
    hosts: list[str]  # their names, in the order they were named


class TableRow(NamedTuple):
    kind: str  # a Slot.Kind
    label: str
    start: datetime
    end: datetime
    cells: list[TableSession | None]  # one per room; empty for plenary and break rows


class Table(NamedTuple):
    rooms: list[str]  # their names, in order
    rows: list[TableRow]


# The four reads of a grid, compiled once (prepared.py): through the ORM they cost more CPU
# than the grid's HTML.
ROOMS = PreparedRead(
    lambda event_id: (
        Room.objects.filter(event_id=event_id).order_by("order", "id").values_list("id", "name")
    )
)
SLOTS = PreparedRead(
    lambda event_id: (
        Slot.objects.filter(event_id=event_id)
        .order_by("start")
        .values_list("id", "kind", "label", "start", "end")
    )
)
PLACED = PreparedRead(
    lambda event_id: (
        Session.objects.filter(event_id=event_id)
        .visible()
        .filter(placement__isnull=False)
        .with_vote_count()
        .order_by()
        .values_list(
            "id", "title", "kind", "vote_count", "placement__room_id", "placement__slot_id"
        )
    )
)


def table(event: Event) -> Table:
    """The grid as the public page shows it, in 4 queries whatever its size, read as values
    (model instances for 260 sessions and their hosts cost more than the HTML)."""
    rooms = ROOMS.rows(event.pk)
    slots = SLOTS.rows(event.pk)
    hosts = host_names_of(event)  # in the hosts' own order
    placed = {
        (room_id, slot_id): TableSession(pk, title, kind, votes, hosts[pk])
        for pk, title, kind, votes, room_id, slot_id in PLACED.rows(event.pk)
    }
    rows = []
    for slot_id, kind, label, start, end in slots:
        cells: list[TableSession | None] = []
        if kind == Slot.Kind.SESSIONS:
            cells = [placed.get((room_id, slot_id)) for room_id, _ in rooms]
        rows.append(TableRow(kind, label, start, end, cells))
    return Table([name for _, name in rooms], rows)


class GridHtml(NamedTuple):
    head: SafeString  # a <th> per room
    body: SafeString  # a <tr> per slot
    wide: bool


def table_html(event: Event, table: Table, mine: set[int] | None = None) -> GridHtml:
    """The rooms and rows of `table`; with `mine`, only those sessions (and the rows for
    everyone). Each session carries its `follows.hole`, filled per visitor."""
    path = reverse("public:session", args=[event.slug, 0])
    before, _, after = path.rpartition("/0/")
    link = f'<a href="{escape(before)}/'
    link_end = f'/{escape(after)}">'
    kinds = {kind: escape(str(label)) for kind, label in Session.Kind.choices}
    slot_kinds = {kind: str(label) for kind, label in Slot.Kind.choices}
    votes: dict[int, str] = {}
    tz = event.tz
    colspan = len(table.rooms)
    out = []
    for row in table.rows:
        start = timezone.localtime(row.start, tz)
        end = timezone.localtime(row.end, tz)
        out.append(
            f'<tr class="slot-{escape(row.kind)}"><th scope="row">'
            f'<time datetime="{start.isoformat()}">{start:%H:%M}</time>–'
            f'<time datetime="{end.isoformat()}">{end:%H:%M}</time></th>\n'
        )
        if row.kind != Slot.Kind.SESSIONS:
            label = row.label or slot_kinds.get(row.kind, row.kind)
            out.append(f'<td colspan="{colspan}"><span>{escape(label)}</span></td>\n')
        for room, session in zip(table.rooms, row.cells, strict=False):
            if session is None or mine is not None and session.pk not in mine:
                out.append(EMPTY)
                continue
            kind = kinds.get(session.kind) or escape(session.kind)
            if (n := session.vote_count) not in votes:
                votes[n] = ngettext("%(n)s vote", "%(n)s votes", n) % {"n": n}
            out.append(
                f'<td><span class="timetable-room">{escape(room)}</span>'
                f"{link}{session.pk}{link_end}{escape(session.title)}</a>{hole(session.pk)} "
                f'<span class="hosts">{escape(", ".join(session.hosts))}</span> '
                f'<span class="kind kind-{escape(session.kind)}">{kind}</span> '
                f'<span class="votes">{votes[n]}</span></td>\n'
            )
        out.append("</tr>\n")
    head = "".join(f'<th scope="col">{escape(room)}</th>' for room in table.rooms)
    # every value above was escaped; the markup is ours
    return GridHtml(mark_safe(head), mark_safe("".join(out)), len(table.rooms) > WIDE)
