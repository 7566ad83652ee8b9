"""The grid read from the database: as plain scheduling data (for `lost`, conflicts and the
planner) and as rows and cells for the pages. A fixed number of queries whatever its size. Also
what pages read beside it: a participant's own sessions (marked in the grid, their calendar),
sessions with their place pointing at the event already loaded, and for the editor once the
grid is out, who follows each session and the room swaps worth suggesting."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from sessions_app import scheduling
from sessions_app.models import (
    Event,
    Follow,
    Host,
    Participant,
    Placement,
    Room,
    Session,
    Slot,
    Vote,
)
from sessions_app.prepared import PreparedModels, PreparedRead

Row = list  # [session id, room id, slot id, pinned]: how a grid is stored in GridChange


# The grid as the scheduler reads it, compiled once (prepared.py): a move reads it under the
# event's lock, and the editor on every load.
SNAPSHOT = PreparedRead(
    lambda event_id: Placement.objects.filter(session__event_id=event_id).values_list(
        "session_id", "room_id", "slot_id", "pinned"
    )
)
ROOM_SEATS = PreparedRead(
    lambda event_id: (
        Room.objects.filter(event_id=event_id).order_by("order", "id").values_list("id", "capacity")
    )
)
SESSION_SLOTS = PreparedRead(
    lambda event_id: (
        Slot.objects.filter(event_id=event_id).for_sessions().order_by("start").values_list("id")
    )
)
HOSTS = PreparedRead(
    lambda event_id: Host.objects.filter(session__event_id=event_id).values_list(
        "session_id", "participant_id"
    )
)
UNAVAILABLE = PreparedRead(
    lambda event_id: Session.unavailable_slots.through.objects.filter(
        session__event_id=event_id
    ).values_list("session_id", "slot_id")
)
VOTERS = PreparedRead(
    lambda event_id: Vote.objects.filter(session__event_id=event_id).values_list(
        "session_id", "participant_id"
    )
)
SESSION_STATES = PreparedRead(
    lambda event_id: (
        Session.objects.filter(event_id=event_id)
        .order_by("id")
        .values_list("id", "status", "hidden")
    )
)

FOLLOWERS = PreparedRead(
    lambda event_id: (
        Follow.objects.filter(session__event_id=event_id)
        .order_by()
        .values_list("session_id", "participant_id")
    )
)
HOST_NAMES = PreparedRead(
    lambda event_id: Host.objects.filter(session__event_id=event_id).values_list(
        "session_id", "participant__name"
    )
)

# The editor's rooms, slots and sessions as model instances, compiled once (a load reads them all)
ROOM_ROWS = PreparedModels(
    lambda event_id: Room.objects.filter(event_id=event_id).order_by("order", "id")
)
SLOT_ROWS = PreparedModels(
    lambda event_id: Slot.objects.filter(event_id=event_id).order_by("start")
)
SESSIONS_BY_VOTES = PreparedModels(
    lambda event_id: Session.objects.filter(event_id=event_id).visible().by_votes()
)

# What a move reads beside the placements, compiled: it holds the event's lock meanwhile, and
# every other organiser's move waits for it (issue 20). The places as people read them (the
# changes they are told of) and the version after the write.
ROOM_NAMES = PreparedRead(
    lambda event_id: Room.objects.filter(event_id=event_id).values_list("id", "name")
)
SLOT_STARTS = PreparedRead(
    lambda event_id: Slot.objects.filter(event_id=event_id).values_list("id", "start")
)
GRID_STATE = PreparedRead(
    lambda event_id: Event.objects.filter(pk=event_id).values_list("grid_version", "phase")
)


def host_names_of(event: Event) -> dict[int, list[str]]:
    """The hosts' names per session id, in the hosts' own order (`names_by_session`)."""
    names: dict[int, list[str]] = defaultdict(list)
    for session_id, name in HOST_NAMES.rows(event.pk):
        names[session_id].append(name)
    return names


def snapshot(event: Event) -> list[Row]:
    return sorted([list(row) for row in SNAPSHOT.rows(event.pk)])


def problem_for(event: Event, *, rows: list[Row] | None = None) -> scheduling.Problem:
    """The event as the scheduler sees it (7 queries; 6 with `rows`, the grid to take the pins
    from, when the caller has it: a change checks the grid it is about to write)."""
    rooms = tuple(scheduling.Room(pk, capacity) for pk, capacity in ROOM_SEATS.rows(event.pk))
    slots = tuple(pk for (pk,) in SESSION_SLOTS.rows(event.pk))
    hosts: dict[int, set[int]] = defaultdict(set)
    for session_id, participant_id in HOSTS.rows(event.pk):
        hosts[session_id].add(participant_id)
    unavailable: dict[int, set[int]] = defaultdict(set)
    for session_id, slot_id in UNAVAILABLE.rows(event.pk):
        unavailable[session_id].add(slot_id)
    votes: dict[int, set[int]] = defaultdict(set)
    for session_id, participant_id in VOTERS.rows(event.pk):
        votes[session_id].add(participant_id)
    sessions = tuple(
        scheduling.Session(
            pk,
            hosts=frozenset(hosts[pk]),
            unavailable=frozenset(unavailable[pk]),
            withdrawn=not Session.shown(status, hidden),
        )
        for pk, status, hidden in SESSION_STATES.rows(event.pk)
    )
    if rows is None:
        rows = snapshot(event)
    pinned = tuple(scheduling.Placement(s, r, t, True) for s, r, t, pin in rows if pin)
    return scheduling.Problem(
        rooms=rooms,
        slots=slots,
        sessions=sessions,
        votes={k: frozenset(v) for k, v in votes.items()},
        pinned=pinned,
    )


def placements_of(rows: list[Row]) -> list[scheduling.Placement]:
    return [scheduling.Placement(s, r, t, bool(p)) for s, r, t, p in rows]


@dataclass(frozen=True)
class Choice:
    """What placing the chosen session in one cell would do."""

    effect: str  # "+3 clashes, −12 overflow"
    blocked: str = ""  # why the grid's rules refuse it, if they do
    chosen: bool = False  # the chosen session is in this cell
    told: int | None = None  # once published: the people told of the move (both, in a swap)


@dataclass
class Cell:
    room: Room
    slot: Slot
    session: Session | None = None
    pinned: bool = False
    overflow: int = 0  # votes beyond the room's seats
    shares: list[tuple[Session, int]] = field(default_factory=list)  # (other session, percent)
    choice: Choice | None = None  # the grid editor, while a session is chosen to place
    follows: int | None = None  # the grid editor, once published: people who said "I'll go"

    @property
    def crowded(self) -> bool:
        """More people follow the session than the room seats."""
        return self.follows is not None and self.follows > self.room.capacity

    @property
    def key(self) -> str:
        return f"{self.slot.pk}-{self.room.pk}"


@dataclass
class GridRow:
    slot: Slot
    cells: list[Cell]  # empty for plenary and break rows

    @property
    def spans_all(self) -> bool:
        return self.slot.kind != Slot.Kind.SESSIONS


@dataclass
class GridView:
    event: Event
    rooms: list[Room]
    rows: list[GridRow]
    tray: list[Session]
    version: int
    sessions: dict[int, Session]
    measured: scheduling.Grid | None = None  # with `warnings`: lost and move effects
    host_names: dict[int, list[str]] | None = None  # with `host_names`: per session id

    def now_and_next(self, moment: datetime) -> tuple[GridRow | None, GridRow | None]:
        now = next((r for r in self.rows if r.slot.start <= moment < r.slot.end), None)
        upcoming = [r for r in self.rows if r.slot.start > moment]
        return now, (upcoming[0] if upcoming else None)


SHARED_VOTERS_WARNING = 0.4  # two parallel sessions sharing this much of their audience


def grid_view(
    event: Event,
    *,
    with_tray: bool = False,
    warnings: bool = False,
    problem: scheduling.Problem | None = None,
    only_slots: set[int] | None = None,
    host_names: bool = False,
) -> GridView:
    """Rooms, rows of cells and (for the editor) the tray, with vote counts and hosts.
    `problem`: with `warnings`, the event as the scheduler sees it when the caller read it
    already (a move does, to check itself), so it is not read twice. `only_slots`: the rows of
    these slots only (what a move changed), measured against the whole grid. `host_names`:
    each session's hosts as their names only (`view.host_names`, read as values), not as
    prefetched hostings with their participants: the editor needs no more, and at 20 × 16 the
    prefetch cost more than the editor's whole HTML."""
    if host_names:  # the editor: its frame (a few rows) and sessions read compiled
        rooms = ROOM_ROWS.objects(event)
        slots = SLOT_ROWS.objects(event)
        if only_slots is None:
            sessions = {s.pk: s for s in SESSIONS_BY_VOTES.objects(event)}
        else:  # the slots a move changed, with their sessions only (a few of hundreds at most)
            slots = [slot for slot in slots if slot.pk in only_slots]
            in_them = event.sessions.visible().by_votes().filter(placement__slot__in=only_slots)
            sessions = {s.pk: s for s in in_them}
    else:
        rooms = list(event.rooms.order_by("order", "id"))
        slots_qs = event.slots.order_by("start").select_related("event")
        sessions_qs = event.sessions.visible().by_votes()
        if not host_names:
            sessions_qs = sessions_qs.prefetch_related(
                Prefetch("hostings", queryset=Host.objects.select_related("participant"))
            )
        if only_slots is not None:
            slots_qs = slots_qs.filter(pk__in=only_slots)
            sessions_qs = sessions_qs.filter(placement__slot__in=only_slots)
        slots = list(slots_qs)
        sessions = {s.pk: s for s in sessions_qs}
    # the whole event's (compiled, as values) also for a few slots: the cells ask for theirs
    names = host_names_of(event) if host_names else None
    stored = snapshot(event)
    placements = {p.cell: p for p in placements_of(stored)}  # plain data, read fast
    if warnings and problem is None:
        problem = problem_for(event, rows=stored)  # the placements read once
    measured = None
    if warnings and problem is not None:
        measured = scheduling.Grid(problem, placements.values())
    rows = []
    for slot in slots:
        cells = []
        if slot.kind == Slot.Kind.SESSIONS:
            for room in rooms:
                cell = Cell(room=room, slot=slot)
                placement = placements.get((room.pk, slot.pk))
                if placement and placement.session in sessions:
                    cell.session = sessions[placement.session]
                    cell.pinned = placement.pinned
                    cell.overflow = max(0, cell.session.vote_count - room.capacity)
                cells.append(cell)
            if measured:
                _add_shared_voters(cells, measured)
        rows.append(GridRow(slot=slot, cells=cells))
    placed = {p.session for p in placements.values()}
    tray = [s for s in sessions.values() if s.pk not in placed] if with_tray else []
    return GridView(event, rooms, rows, tray, event.grid_version, sessions, measured, names)


def _add_shared_voters(cells: list[Cell], measured: scheduling.Grid) -> None:
    filled = [(c, c.session) for c in cells if c.session]
    for i, (cell, session) in enumerate(filled):
        for other, other_session in filled[i + 1 :]:
            share = measured.shared_voters(session.pk, other_session.pk)
            if share >= SHARED_VOTERS_WARNING:
                percent = round(share * 100)
                cell.shares.append((other_session, percent))
                other.shares.append((session, percent))


def followers(event: Event) -> dict[int, frozenset[int]]:
    """Who follows each of the event's sessions, in one query whatever the number of sessions:
    the editor's live interest counts them, and a swap tells the followers of both sessions,
    each person once."""
    people: dict[int, set[int]] = defaultdict(set)
    for session_id, participant_id in FOLLOWERS.rows(event.pk):
        people[session_id].add(participant_id)
    return {session_id: frozenset(ids) for session_id, ids in people.items()}


def add_follows(view: GridView, follows: dict[int, frozenset[int]]) -> None:
    """Each placed session's cell counts its followers, to read against the room's seats."""
    for row in view.rows:
        for cell in row.cells:
            if cell.session is not None:
                cell.follows = len(follows.get(cell.session.pk, ()))


@dataclass(frozen=True)
class RoomSwap:
    """Two sessions at the same time that would both fit better in each other's room: the
    crowded one has more followers than its room seats, the roomy one's followers fit in the
    crowded one's smaller room."""

    crowded: Cell
    roomy: Cell


def room_swaps(view: GridView) -> list[RoomSwap]:
    """The room swaps worth suggesting, from the follows already counted in the cells
    (`add_follows`). A session is in one suggestion at most; the most crowded first, each
    given the room that seats most of its followers (the smallest such room, so a bigger one
    stays free for another). Pinned sessions stay where an organiser fixed them."""
    swaps = []
    for row in view.rows:
        free = [c for c in row.cells if c.session and c.follows is not None and not c.pinned]
        crowded = sorted(
            (c for c in free if c.crowded),
            key=lambda c: (-(c.follows or 0) + c.room.capacity, c.room.capacity),
        )
        used: set[int] = set()
        for cell in crowded:
            if id(cell) in used:
                continue
            follows = cell.follows or 0
            roomy = [
                other
                for other in free
                if id(other) not in used
                and other.room.capacity > cell.room.capacity
                and (other.follows or 0) <= cell.room.capacity
            ]
            if not roomy:
                continue
            best = min(roomy, key=lambda o: (-min(o.room.capacity, follows), o.room.capacity))
            used |= {id(cell), id(best)}
            swaps.append(RoomSwap(crowded=cell, roomy=best))
    return swaps


def my_session_ids(participant: Participant) -> set[int]:
    """Sessions the participant hosts or voted for (one query)."""
    hosted = Host.objects.filter(participant=participant).order_by().values_list("session_id")
    voted = Vote.objects.filter(participant=participant).order_by().values_list("session_id")
    return {pk for (pk,) in hosted.union(voted)}


def with_event(sessions, event: Event) -> list[Session]:
    """The sessions as a list, each (and its slot) pointing at the event already loaded, so
    links and local times cost no query per row."""
    rows = list(sessions)
    for session in rows:
        session.event = event
        placement = getattr(session, "placement", None)
        if placement is not None:
            placement.slot.event = event
    return rows
