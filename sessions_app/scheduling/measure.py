"""What a grid costs (`lost`) and which hard rules it breaks (shared/scheduling.md).

One implementation serves the organisers' editor and the automatic scheduler."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sessions_app.scheduling.model import Placement, Problem


@dataclass(frozen=True, slots=True)
class Lost:
    """Person-sessions the grid takes away; lower is better, 0 is perfect."""

    unplaced: int
    clashes: int
    overflow: int

    @property
    def total(self) -> int:
        return self.unplaced + self.clashes + self.overflow

    def __sub__(self, other: Lost) -> Lost:
        return Lost(
            self.unplaced - other.unplaced,
            self.clashes - other.clashes,
            self.overflow - other.overflow,
        )


def lost(problem: Problem, placements: Iterable[Placement]) -> Lost:
    """`unplaced + clashes + overflow` of a grid, following shared/scheduling.md: withdrawn
    sessions count for nothing; a person wants the sessions they voted for or host (once);
    overflow counts votes only."""
    placed = {p.session: p for p in placements}
    unplaced = clashes = overflow = 0
    wanted_in_slot: dict[int, Counter[int]] = defaultdict(Counter)  # slot -> person -> count
    for session in problem.sessions:
        if session.withdrawn:
            continue
        placement = placed.get(session.id)
        if placement is None:
            unplaced += len(problem.voters(session.id))
            continue
        wanted_in_slot[placement.slot].update(problem.wanted_by(session.id))
        overflow += max(0, len(problem.voters(session.id)) - problem.room(placement.room).capacity)
    for counts in wanted_in_slot.values():
        clashes += sum(count - 1 for count in counts.values() if count > 1)
    return Lost(unplaced, clashes, overflow)


class Rule(StrEnum):
    CELL_TAKEN = "cell_taken"
    PLACED_TWICE = "placed_twice"
    NOT_A_SESSION_SLOT = "not_a_session_slot"
    UNKNOWN_ROOM = "unknown_room"
    HOST_BUSY = "host_busy"
    UNAVAILABLE = "unavailable"
    WITHDRAWN = "withdrawn"
    PIN_MOVED = "pin_moved"
    LEFT_WAITING = "left_waiting"


@dataclass(frozen=True, slots=True)
class Conflict:
    """A broken hard rule: which rule, which sessions, where."""

    rule: Rule
    sessions: tuple[int, ...]
    slot: int | None = None
    room: int | None = None
    hosts: tuple[int, ...] = ()


def conflicts(
    problem: Problem, placements: Iterable[Placement], *, complete: bool = False
) -> list[Conflict]:
    """Every hard rule the grid breaks (rules 1-5; with `complete`, also rule 6: no session
    waits while a cell it could take stands empty)."""
    placements = list(placements)
    found: list[Conflict] = []
    slots = set(problem.slots)
    rooms = {room.id for room in problem.rooms}
    by_cell: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_session: dict[int, list[Placement]] = defaultdict(list)
    hosts_in_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    for p in placements:
        by_cell[p.cell].append(p.session)
        by_session[p.session].append(p)
        session = problem.session(p.session)
        if p.slot not in slots:
            found.append(Conflict(Rule.NOT_A_SESSION_SLOT, (p.session,), p.slot, p.room))
        if p.room not in rooms:
            found.append(Conflict(Rule.UNKNOWN_ROOM, (p.session,), p.slot, p.room))
        if session.withdrawn:
            found.append(Conflict(Rule.WITHDRAWN, (p.session,), p.slot, p.room))
        if p.slot in session.unavailable:
            found.append(Conflict(Rule.UNAVAILABLE, (p.session,), p.slot, p.room))
        for host in session.hosts:
            hosts_in_slot[host, p.slot].append(p.session)
    for (room, slot), sessions in by_cell.items():
        if len(sessions) > 1:
            found.append(Conflict(Rule.CELL_TAKEN, tuple(sorted(sessions)), slot, room))
    for session_id, where in by_session.items():
        if len(where) > 1:
            found.append(Conflict(Rule.PLACED_TWICE, (session_id,)))
    busy: dict[tuple[tuple[int, ...], int], set[int]] = defaultdict(set)
    for (host, slot), sessions in hosts_in_slot.items():
        if len(sessions) > 1:
            busy[tuple(sorted(sessions)), slot].add(host)
    for (sessions, slot), hosts in sorted(busy.items()):
        found.append(Conflict(Rule.HOST_BUSY, sessions, slot, hosts=tuple(sorted(hosts))))
    placed = {p.session: p for p in placements}
    for pin in problem.pinned:
        if placed.get(pin.session) is None or placed[pin.session].cell != pin.cell:
            found.append(Conflict(Rule.PIN_MOVED, (pin.session,), pin.slot, pin.room))
    if complete:
        found += _left_waiting(problem, placements)
    return found


def can_take(problem: Problem, placements: Iterable[Placement], session_id: int, slot: int) -> bool:
    """Whether the session could go in `slot` given the others: not unavailable, no host busy."""
    session = problem.session(session_id)
    if slot in session.unavailable or session.withdrawn:
        return False
    return not any(
        p.slot == slot
        and p.session != session_id
        and session.hosts & problem.session(p.session).hosts
        for p in placements
    )


def _left_waiting(problem: Problem, placements: list[Placement]) -> list[Conflict]:
    taken = {p.cell for p in placements}
    placed = {p.session for p in placements}
    free = [(r.id, s) for s in problem.slots for r in problem.rooms if (r.id, s) not in taken]
    found = []
    for session in problem.sessions:
        if session.withdrawn or session.id in placed:
            continue
        for room, slot in free:
            if can_take(problem, placements, session.id, slot):
                found.append(Conflict(Rule.LEFT_WAITING, (session.id,), slot, room))
                break
    return found
