"""The grid (rooms × slots): moves, swaps, the tray, pins, undo, restoring an older grid and
accepting a proposed one. Every change goes through `_write_grid`: it checks the version the
organiser saw, refuses hard conflicts, and records the grid before and after as a `GridChange`."""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions_app import grid, scheduling
from sessions_app.actions.base import (
    ActionRefused,
)
from sessions_app.actions.feeds import _bump_schedule_sequence
from sessions_app.models import (
    Event,
    GridChange,
    Participant,
    Placement,
    Room,
    Session,
    SessionChange,
    Slot,
)
from sessions_app.prepared import PreparedModels


class StaleGrid(ActionRefused):
    """The change was made on an older grid than the one in the database."""


class NothingToDo(ActionRefused):
    """The change would leave the grid as it is; nothing is recorded."""


# compiled once (prepared.py): every change of the grid starts here, under load many a second
LOCKED_EVENT = PreparedModels(
    lambda event_id: Event.objects.select_for_update().filter(pk=event_id)
)


def _locked_event(event: Event, version: int) -> Event:
    """The event row, locked for the rest of the transaction: grid changes of one event go
    one at a time, and each must be made on the current version."""
    if not transaction.get_connection().in_atomic_block:  # as the ORM refuses it
        raise transaction.TransactionManagementError("select_for_update outside a transaction")
    found = LOCKED_EVENT.instances(event.pk)
    if not found:
        raise Event.DoesNotExist
    locked = found[0]
    if locked.grid_version != version:
        raise StaleGrid(
            _("Someone else changed the grid just now. Here is the fresh grid; try again.")
        )
    return locked


def _session_names(ids) -> dict[int, str]:
    return dict(Session.objects.filter(pk__in=list(ids)).values_list("id", "title"))


def describe_conflict(conflict: scheduling.Conflict) -> str:
    """A broken hard rule, in words for organisers (names, not ids)."""
    titles = _session_names(conflict.sessions)
    first = titles.get(conflict.sessions[0], "?")
    if conflict.rule == scheduling.Rule.HOST_BUSY:
        hosts = ", ".join(
            Participant.objects.filter(pk__in=conflict.hosts).values_list("name", flat=True)
        )
        others = " / ".join(f"“{titles[s]}”" for s in conflict.sessions)
        return _("%(hosts)s would host two sessions at once: %(sessions)s.") % {
            "hosts": hosts,
            "sessions": others,
        }
    if conflict.rule == scheduling.Rule.UNAVAILABLE:
        slot = Slot.objects.select_related("event").get(pk=conflict.slot)
        return _("The hosts of “%(session)s” cannot do %(slot)s.") % {
            "session": first,
            "slot": slot,
        }
    if conflict.rule == scheduling.Rule.NOT_A_SESSION_SLOT:
        return _("Sessions go in session slots, not in breaks or plenaries.")
    if conflict.rule == scheduling.Rule.WITHDRAWN:
        return _("“%(session)s” was withdrawn.") % {"session": first}
    if conflict.rule == scheduling.Rule.CELL_TAKEN:
        return _("Two sessions cannot share a room at the same time.")
    if conflict.rule == scheduling.Rule.PLACED_TWICE:
        return _("“%(session)s” cannot be in two places at once.") % {"session": first}
    return _("That move breaks a rule of the grid (%(rule)s).") % {"rule": conflict.rule}


def _check_rows(event: Event, rows: list[list], moved: set[int]) -> scheduling.Problem:
    """Refuse a grid whose moved sessions break a hard rule (conflicts that were already there
    elsewhere, e.g. from an imported file, do not block other moves). Returns the event as the
    scheduler sees it, read under the event's lock, with the pins of `rows`."""
    problem = grid.problem_for(event, rows=rows)
    known = {s.id for s in problem.sessions}
    for row in rows:
        if row[0] not in known:
            raise ActionRefused(_("That session is not on this event's board."))
    for conflict in scheduling.conflicts(problem, grid.placements_of(rows)):
        if conflict.rule == scheduling.Rule.PIN_MOVED:
            continue  # organisers may move a pinned session by hand; the pin moves along
        if moved & set(conflict.sessions):
            raise ActionRefused(describe_conflict(conflict))
    return problem


def _write_grid(
    event: Event,
    rows: list[list],
    *,
    kind: str,
    summary: str,
    by: Participant | None,
    cancelled: frozenset[int] = frozenset(),
    before: list[list] | None = None,
) -> GridChange:
    """Make the event's placements equal to `rows`, bump the version, record the change (and,
    once the grid is published, each session's new place for the people it concerns;
    `cancelled`: sessions that leave the grid because they were withdrawn; `before`: the grid
    as the caller read it under the lock, if it did)."""
    if before is None:
        before = grid.snapshot(event)
    old = {row[0]: row for row in before}
    new = {row[0]: row for row in rows}
    changed = [s for s in old if old[s] != new.get(s)]
    _bump_schedule_sequence(old, new)  # subscribed calendar apps see the session moved
    # delete first, then insert: SQLite checks the cell index row by row (no deferral)
    Placement.objects.filter(session_id__in=changed).delete()
    Placement.objects.bulk_create(
        Placement(session_id=s, room_id=r, slot_id=t, pinned=bool(p))
        for s, r, t, p in rows
        if old.get(s) != [s, r, t, p]
    )
    placed, unplaced = set(new) - set(old), set(old) - set(new)
    Session.objects.filter(pk__in=placed, status=Session.Status.PROPOSED).update(
        status=Session.Status.SCHEDULED
    )
    Session.objects.filter(pk__in=unplaced, status=Session.Status.SCHEDULED).update(
        status=Session.Status.PROPOSED
    )
    # the new version has a moment too: the feeds' Last-Modified is read from the rows
    Event.objects.filter(pk=event.pk).update(
        grid_version=F("grid_version") + 1, updated_at=timezone.now()
    )
    ((event.grid_version, event.phase),) = grid.GRID_STATE.rows(event.pk)
    if event.grid_published:
        _record_session_changes(event, old, new, cancelled)
    return GridChange.objects.create(
        event=event,
        version=event.grid_version,
        kind=kind,
        by=by,
        summary=summary[:500],
        before=before,
        after=sorted(rows),
    )


def _record_session_changes(
    event: Event, old: dict[int, list], new: dict[int, list], cancelled: frozenset[int]
) -> None:
    """One SessionChange per session whose room or time changed (a pin alone is no change),
    with the places as the people concerned read them: room names and start times."""
    moved = [
        s
        for s in set(old) | set(new)
        if (old.get(s) or [0, 0, 0])[1:3] != (new.get(s) or [0, 0, 0])[1:3]
    ]
    if not moved:
        return
    rooms = dict(grid.ROOM_NAMES.rows(event.pk))  # the event's few rooms and slots, compiled
    starts = dict(grid.SLOT_STARTS.rows(event.pk))
    Kind = SessionChange.Kind
    changes = []
    for session_id in sorted(moved):
        before, after = old.get(session_id), new.get(session_id)
        if before and after:
            kind = Kind.MOVED
        elif after:
            kind = Kind.PLACED
        else:
            kind = Kind.CANCELLED if session_id in cancelled else Kind.UNPLACED
        changes.append(
            SessionChange(
                event=event,
                session_id=session_id,
                grid_version=event.grid_version,
                kind=kind,
                from_room=rooms.get(before[1], "") if before else "",
                from_start=starts.get(before[2]) if before else None,
                to_room=rooms.get(after[1], "") if after else "",
                to_start=starts.get(after[2]) if after else None,
            )
        )
    SessionChange.objects.bulk_create(changes)


@dataclasses.dataclass(frozen=True)
class Moved:
    """A move made: the change recorded, and the event as the scheduler sees it after the move
    (read once, under the lock, to check the move; the editor measures the new grid with it
    instead of reading it again)."""

    change: GridChange
    problem: scheduling.Problem

    @property
    def summary(self) -> str:
        return self.change.summary


@transaction.atomic
def move_session(
    *,
    event: Event,
    session: Session,
    cell: tuple[Room, Slot] | None,
    version: int,
    by: Participant | None,
) -> Moved:
    """Put a session in a cell (None: back to the tray). A session already in that cell
    swaps to the moved one's old cell, or to the tray."""
    _locked_event(event, version)
    before = grid.snapshot(event)
    rows = {row[0]: row for row in before}
    source = rows.pop(session.pk, None)
    target = None if cell is None else [cell[0].pk, cell[1].pk]
    if (source[1:3] if source else None) == target:
        raise NothingToDo(_("“%(session)s” is there already.") % {"session": session.title})
    moved = {session.pk}
    if cell is None:
        summary = _("“%(session)s” back to the tray") % {"session": session.title}
        kind = GridChange.Kind.UNPLACE
    else:
        room, slot = cell
        if room.event_id != event.pk or slot.event_id != event.pk:
            raise ActionRefused(_("That cell is not in this event's grid."))
        pinned = bool(source[3]) if source else False
        occupant = next((r for r in rows.values() if r[1:3] == [room.pk, slot.pk]), None)
        if occupant is not None:
            del rows[occupant[0]]
            moved.add(occupant[0])
            if source:
                rows[occupant[0]] = [occupant[0], source[1], source[2], occupant[3]]
        rows[session.pk] = [session.pk, room.pk, slot.pk, pinned]
        kind = GridChange.Kind.MOVE
        summary = _("“%(session)s” to %(room)s, %(slot)s") % {
            "session": session.title,
            "room": room.name,
            "slot": slot,
        }
        if occupant is not None:
            other = _session_names([occupant[0]]).get(occupant[0], "?")
            summary += " " + _("(swapped with “%(other)s”)") % {"other": other}
    new_rows = list(rows.values())
    problem = _check_rows(event, new_rows, moved)
    change = _write_grid(event, new_rows, kind=kind, summary=summary, by=by, before=before)
    return Moved(change, problem)


@transaction.atomic
def set_pinned(
    *, event: Event, session: Session, pinned: bool, version: int, by: Participant | None
) -> GridChange:
    _locked_event(event, version)
    rows = grid.snapshot(event)
    if not any(row[0] == session.pk for row in rows):
        raise ActionRefused(_("Only a session in the grid can be pinned."))
    rows = [[s, r, t, pinned if s == session.pk else p] for s, r, t, p in rows]
    template = _("“%(session)s” pinned") if pinned else _("“%(session)s” unpinned")
    return _write_grid(
        event, rows, kind=GridChange.Kind.PIN, summary=template % {"session": session.title}, by=by
    )


def _usable_rows(event: Event, rows: list[list]) -> list[list]:
    """Rows of an earlier grid that still make sense: sessions, rooms and slots that exist,
    sessions not withdrawn since."""
    sessions = set(event.sessions.visible().values_list("id", flat=True))
    rooms = set(event.rooms.values_list("id", flat=True))
    slots = set(event.slots.for_sessions().values_list("id", flat=True))
    return [row for row in rows if row[0] in sessions and row[1] in rooms and row[2] in slots]


@transaction.atomic
def undo_grid_change(*, event: Event, version: int, by: Participant | None) -> GridChange:
    """Undo the most recent change that is not undone yet (undo again for the one before)."""
    _locked_event(event, version)
    last = (
        event.grid_changes.exclude(kind=GridChange.Kind.UNDO)
        .filter(undone=False)
        .order_by("-version")
        .first()
    )
    if last is None:
        raise ActionRefused(_("There is nothing to undo."))
    rows = _usable_rows(event, last.before)
    change = _write_grid(
        event,
        rows,
        kind=GridChange.Kind.UNDO,
        summary=_("Undone: %(change)s") % {"change": last.summary},
        by=by,
    )
    last.undone = True
    last.save(update_fields=["undone"])
    return change


@transaction.atomic
def restore_grid(
    *, event: Event, change: GridChange, version: int, by: Participant | None
) -> GridChange:
    """Go back to the grid as it was right after `change`."""
    _locked_event(event, version)
    rows = _usable_rows(event, change.after)
    moment = timezone.localtime(change.created_at, event.tz)
    return _write_grid(
        event,
        rows,
        kind=GridChange.Kind.RESTORE,
        summary=_("Back to the grid of %(time)s") % {"time": moment.strftime("%H:%M:%S")},
        by=by,
    )


@transaction.atomic
def accept_grid(
    *, event: Event, rows: list[list], version: int, by: Participant | None, summary: str
) -> GridChange:
    """Make a proposed grid the live one (checked like any other change)."""
    _locked_event(event, version)
    rows = _usable_rows(event, rows)
    _check_rows(event, rows, {row[0] for row in rows})
    return _write_grid(event, rows, kind=GridChange.Kind.PROPOSAL, summary=summary, by=by)


@transaction.atomic
def accept_and_publish_grid(
    *, event: Event, rows: list[list], version: int, by: Participant | None
) -> GridChange:
    """Make a proposed grid the live one and publish it (the end of the pitch round), in one
    transaction: both happen or neither."""
    # here, not at the top: the frame's actions touch the grid, so frame.py imports this module
    from sessions_app.actions.frame import set_phase

    done = accept_grid(
        event=event,
        rows=rows,
        version=version,
        by=by,
        summary=_("Proposed grid accepted and published"),
    )
    set_phase(event=event, phase=Event.Phase.PUBLISHED)
    return done


def touch_grid(event: Event) -> None:
    """Something shown in the grid changed (a title, the hosts, a room's name): grids on
    screens reload, and the feeds' Last-Modified (read from `updated_at`) moves on."""
    Event.objects.filter(pk=event.pk).update(
        grid_version=F("grid_version") + 1, updated_at=timezone.now()
    )


@transaction.atomic
def accept_replan(
    *,
    event: Event,
    rows: list[list],
    version: int,
    by: Participant | None,
    summary: str,
    cancelled: frozenset[int] = frozenset(),
) -> GridChange:
    """Make a re-plan of the rest of the day the live grid: one grid change with all
    its moves, so one undo takes it back, and each moved session's followers and hosts are told
    (`_write_grid` records a SessionChange per moved session once the grid is published).
    `cancelled`: sessions the organiser cancelled with it; they are withdrawn (their followers
    read "cancelled") and leave the grid. Refused when the grid changed since the proposal."""
    _locked_event(event, version)
    current = grid.snapshot(event)
    gone = set(
        event.sessions.filter(pk__in=cancelled)
        .exclude(status=Session.Status.WITHDRAWN)
        .values_list("id", flat=True)
    )
    if gone:
        event.sessions.filter(pk__in=gone).update(
            status=Session.Status.WITHDRAWN, updated_at=timezone.now()
        )
    rows = _usable_rows(event, [row for row in rows if row[0] not in cancelled])
    old = {row[0]: row for row in current}
    new = {row[0]: row for row in rows}
    moved = {s for s in set(old) | set(new) if old.get(s) != new.get(s)}
    if not moved:
        raise NothingToDo(_("The re-plan moves nothing: the grid stays as it is."))
    _check_rows(event, rows, moved)
    return _write_grid(
        event,
        rows,
        kind=GridChange.Kind.PROPOSAL,
        summary=summary,
        by=by,
        cancelled=frozenset(gone),
    )
