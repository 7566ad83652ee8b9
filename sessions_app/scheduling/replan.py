"""Re-plan the rest of the day: what has started stays, what people planned around moves only
when it pays.

The organiser's editor and `manage.py autoschedule --now` call `replan` with the event as a
`Problem`, the current (published) grid, the slots that have started and the disruptions; it
answers with a proposal, the moves it makes and `lost` before and after. Nothing is written:
accepting the proposal is the caller's (one grid change, one undo).

- **Frozen slots** (the running slot and earlier ones, `frozen`) keep exactly their placements,
  pinned or not; a free cell there stays free (nobody can join a session that has begun). Only
  a cancelled session leaves them (rule 5 holds on the whole grid).
- **The open slots** are planned as a problem of their own (`remaining`): the sessions placed in
  a frozen slot are done and drop out; every other session is a candidate (those on the current
  grid, the unplaced ones, the newly proposed ones). Their pins stay unless a disruption makes
  them impossible: then the pin is released and the session moves like any other. `lost` splits
  exactly between frozen and open slots (clashes are counted per slot), so the plan of the open
  slots is the plan of the whole grid with the frozen part fixed.
- **Disruptions** are hard rules: a room closed from a slot on removes its cells from the open
  slots; a host absent from a slot on makes those slots unavailable to their sessions (so a
  session moves earlier if an open slot is earlier, else out); a cancelled session is
  withdrawn. Times are the caller's to turn into slots: a room closed at 13:00 is closed from
  the first slot that ends after 13:00.
- **Stability**: each session of the current grid in an open slot that leaves its slot (for
  another one, or out of the grid) costs `move_cost` in `lost` units; one that only changes
  room in its slot costs half of that: its people need not change their plans for the hour,
  only walk elsewhere, and the grid on the wall stays right about when. With `move_cost` 0 the
  proposal is exactly `plan(remaining(...))` for the same seed (stability ignored); with a very
  large one (more than the whole `lost`) only the sessions a disruption moves, move. The named
  settings (`SETTINGS`) were chosen from bench/replan/results.md."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sessions_app.scheduling.measure import Conflict, Lost, Rule, conflicts
from sessions_app.scheduling.measure import lost as measure_lost
from sessions_app.scheduling.model import Cell, Placement, Problem
from sessions_app.scheduling.planner import (
    DEFAULT_TIME_LIMIT,
    Plan,
    Progress,
    Stability,
    Waiting,
    plan,
)

ROOM_SHARE = 0.5  # a room change in the same slot costs this share of a time change


class Setting(StrEnum):
    """The choices the organiser is offered, each a move cost (`SETTINGS`)."""

    FEWEST_CHANGES = "fewest_changes"
    BALANCED = "balanced"
    LEAST_LOST = "least_lost"


SETTINGS: Mapping[Setting, float] = {
    # A move must win back this many person-sessions (bench/replan/results.md, at lunch on
    # OOcamp-sized events). 30, about a session's audience (the people a move disturbs): only
    # what a disruption forces moved in every case measured. 8, a quarter of that: 0.7-4 % more
    # lost than a full re-plan for a third of its moves or fewer. 1, any real gain: the full
    # re-plan's lost within 0.3 % with a third to three quarters of its moves. (0 would
    # reshuffle the afternoon's times for nothing: slot order does not change lost.)
    Setting.FEWEST_CHANGES: 30.0,
    Setting.BALANCED: 8.0,
    Setting.LEAST_LOST: 1.0,
}


@dataclass(frozen=True)
class Disruptions:
    """What happened since the grid was published, in slot ids (each from that slot on, in the
    order of `Problem.slots`)."""

    closed_rooms: Mapping[int, int] = field(default_factory=dict)  # room id -> first slot
    absent_hosts: Mapping[int, int] = field(default_factory=dict)  # participant id -> first slot
    cancelled: frozenset[int] = frozenset()  # session ids


class Change(StrEnum):
    ROOM = "room"  # same slot, another room
    TIME = "time"  # another slot
    OUT = "out"  # left the grid
    IN = "in"  # was not on the grid, now is


@dataclass(frozen=True, slots=True)
class Move:
    """A session whose cell changes: `source` on the current grid, `target` in the proposal
    (None: not in the grid). `forced`: a disruption left it no choice to stay."""

    session: int
    source: Cell | None
    target: Cell | None
    forced: bool = False

    @property
    def change(self) -> Change:
        if self.source is None:
            return Change.IN
        if self.target is None:
            return Change.OUT
        return Change.ROOM if self.source[1] == self.target[1] else Change.TIME


@dataclass(frozen=True)
class Replan:
    """The proposal: the whole grid (`placements`, frozen slots included), the moves from the
    current grid, `lost` of the current grid and of the proposal (both measured on the event
    as it is now: cancelled sessions count for nothing), what the disruptions break in the
    current grid (`broken`), and the stability cost paid (`move_cost` per session that changes
    slot or leaves, half that per room change). `refused` as in `Plan` (pins that cannot all
    stay): then `placements` is the current grid and nothing moves."""

    placements: tuple[Placement, ...]
    moves: tuple[Move, ...]
    before: Lost
    after: Lost
    broken: tuple[Conflict, ...]
    move_cost: float
    stability_cost: float
    plan: Plan
    remaining: Problem  # the open slots as a problem of their own
    frozen: tuple[Placement, ...]
    refused: tuple[Conflict, ...] = ()
    waiting: tuple[Waiting, ...] = ()

    @property
    def moved(self) -> int:
        """Sessions of the current grid whose place changed (room, time or out)."""
        return sum(1 for m in self.moves if m.source is not None)


def disrupted(problem: Problem, disruptions: Disruptions, open_slots: Collection[int]) -> Problem:
    """The event with the disruptions as hard rules in the open slots: closed cells, the slots
    an absent host misses made unavailable to their sessions, cancelled sessions withdrawn."""
    position = {slot: n for n, slot in enumerate(problem.slots)}

    def from_on(first: int) -> set[int]:
        start = position.get(first)
        if start is None:
            raise ValueError(f"slot {first} is not a session slot of the problem")
        return {slot for slot in problem.slots[start:] if slot in open_slots}

    rooms = {room.id for room in problem.rooms}
    closed = set(problem.closed)
    for room, first in disruptions.closed_rooms.items():
        if room not in rooms:
            raise ValueError(f"room {room} is not a room of the problem")
        closed |= {(room, slot) for slot in from_on(first)}
    away = {host: from_on(first) for host, first in disruptions.absent_hosts.items()}
    sessions = []
    for session in problem.sessions:
        missed = set().union(*(away[h] for h in session.hosts if h in away))
        withdrawn = session.withdrawn or session.id in disruptions.cancelled
        if missed or withdrawn != session.withdrawn:
            session = replace(
                session, unavailable=session.unavailable | missed, withdrawn=withdrawn
            )
        sessions.append(session)
    return Problem(
        rooms=problem.rooms,
        slots=problem.slots,
        sessions=tuple(sessions),
        votes=problem.votes,
        pinned=problem.pinned,
        closed=frozenset(closed),
    )


def breaks(
    problem: Problem,
    current: Iterable[Placement],
    *,
    frozen: Collection[int] = (),
    disruptions: Disruptions | None = None,
) -> tuple[Conflict, ...]:
    """What the disruptions break in the current grid's open slots (a session in a closed room,
    a session whose host is gone, a cancelled one still placed), without planning anything:
    what the editor shows before it offers the re-plan."""
    open_slots = _open(problem, frozenset(frozen))
    event = disrupted(problem, disruptions or Disruptions(), open_slots)
    return _breaks(event, [p for p in current if p.slot in open_slots])


def _breaks(event: Problem, placements: list[Placement]) -> tuple[Conflict, ...]:
    return tuple(c for c in conflicts(event, placements) if c.rule != Rule.PIN_MOVED)


def remaining(
    problem: Problem,
    current: Iterable[Placement],
    frozen: Collection[int],
    disruptions: Disruptions | None = None,
) -> Problem:
    """The open slots as a problem of their own: the sessions not held in a frozen slot, the
    pins of the current grid (and of `problem`) in open slots that the disruptions leave
    possible, the closed cells. Its plan is the plain re-plan of the rest of the day."""
    event = disrupted(problem, disruptions or Disruptions(), _open(problem, frozen))
    return _remaining(event, list(current), frozen)


def _open(problem: Problem, frozen: Collection[int]) -> tuple[int, ...]:
    return tuple(slot for slot in problem.slots if slot not in frozen)


def _remaining(event: Problem, current: list[Placement], frozen: Collection[int]) -> Problem:
    held = {p.session for p in current if p.slot in frozen}
    open_slots = _open(event, frozen)
    pins: dict[int, Placement] = {}
    for p in [*current, *event.pinned]:
        if p.pinned and p.slot in open_slots and p.session not in pins:
            pins[p.session] = Placement(p.session, p.room, p.slot, True)
    kept = tuple(
        p
        for p in pins.values()
        if not _forced(event, p) and p.session not in held and p.session in event.session_ids
    )
    return Problem(
        rooms=event.rooms,
        slots=open_slots,
        sessions=tuple(s for s in event.sessions if s.id not in held),
        votes=event.votes,
        pinned=kept,
        closed=frozenset(c for c in event.closed if c[1] in open_slots),
    )


def _forced(event: Problem, p: Placement) -> bool:
    """Whether a disruption (or withdrawal) makes the placement impossible where it is."""
    if p.session not in event.session_ids:
        return True
    session = event.session(p.session)
    return session.withdrawn or p.slot in session.unavailable or p.cell in event.closed


def replan(
    problem: Problem,
    current: Iterable[Placement],
    *,
    frozen: Collection[int] = (),
    move_cost: float = 0.0,
    disruptions: Disruptions | None = None,
    seed: int = 0,
    time_limit: float = DEFAULT_TIME_LIMIT,
    iterations: int | None = None,
    restarts: int | None = None,
    progress: Progress | None = None,
) -> Replan:
    """A proposal for the rest of the day (see the module's docstring). `problem`: the event as
    `grid.problem_for` reads it (new sessions included); `current`: the grid as published;
    `frozen`: the slot ids that have started; `move_cost`: `lost` units per moved session of
    the current grid (0: ignore stability; see `SETTINGS`). Deterministic for the same input
    and seed, like `plan`."""
    if move_cost < 0 or move_cost != move_cost:  # NaN too
        raise ValueError("the move cost must be 0 or more")
    current = list(current)
    frozen = frozenset(frozen)
    open_slots = _open(problem, frozen)
    event = disrupted(problem, disruptions or Disruptions(), open_slots)
    rest = _remaining(event, current, frozen)
    kept_frozen = tuple(
        p for p in current if p.slot in frozen and not event.session(p.session).withdrawn
    )
    broken = _breaks(event, [p for p in current if p.slot in open_slots])
    in_open = [
        p for p in current if p.slot in open_slots and not event.session(p.session).withdrawn
    ]
    before = measure_lost(event, current)
    stability = None
    if move_cost > 0:
        stability = Stability(tuple(in_open), move_cost, move_cost * ROOM_SHARE)
    result = plan(
        rest,
        seed=seed,
        time_limit=time_limit,
        iterations=iterations,
        restarts=restarts,
        progress=progress,
        stability=stability,
    )
    if result.refused:
        return Replan(
            placements=tuple(current),
            moves=(),
            before=before,
            after=before,
            broken=broken,
            move_cost=move_cost,
            stability_cost=0.0,
            plan=result,
            remaining=rest,
            frozen=kept_frozen,
            refused=result.refused,
        )
    placements = kept_frozen + result.placements
    moves = _moves(event, current, placements)
    return Replan(
        placements=placements,
        moves=moves,
        before=before,
        after=measure_lost(event, placements),
        broken=broken,
        move_cost=move_cost,
        stability_cost=sum(
            move_cost * (ROOM_SHARE if m.change == Change.ROOM else 1)
            for m in moves
            if m.source is not None
            and m.source[1] in open_slots
            and not event.session(m.session).withdrawn
        ),
        plan=result,
        remaining=rest,
        frozen=kept_frozen,
        waiting=result.waiting,
    )


def _moves(
    event: Problem, current: list[Placement], proposal: tuple[Placement, ...]
) -> tuple[Move, ...]:
    """Every session whose cell differs between the current grid and the proposal (a
    cancelled one leaves the grid, forced), in the order of the proposal's slots, then rooms."""
    before = {p.session: p for p in current}
    after = {p.session: p for p in proposal}
    order = {slot: n for n, slot in enumerate(event.slots)}
    found = []
    for session in sorted(set(before) | set(after)):
        old, new = before.get(session), after.get(session)
        source = old.cell if old else None
        target = new.cell if new else None
        if source == target:
            continue
        forced = old is not None and _forced(event, old)
        found.append(Move(session, source, target, forced))

    def where(move: Move) -> tuple[int, int, int]:
        cell = move.source or move.target
        assert cell is not None
        return (order.get(cell[1], -1), cell[0], move.session)

    return tuple(sorted(found, key=where))
