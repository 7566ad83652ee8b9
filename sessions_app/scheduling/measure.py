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
    CELL_CLOSED = "cell_closed"
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
    """Every hard rule the grid breaks (rules 1-5, a closed cell counting as no cell at all;
    with `complete`, also rule 6: no session waits while a cell it could take stands empty)."""
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
        if p.cell in problem.closed:
            found.append(Conflict(Rule.CELL_CLOSED, (p.session,), p.slot, p.room))
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
    for (together, slot), hosts in sorted(busy.items()):
        found.append(Conflict(Rule.HOST_BUSY, together, slot, hosts=tuple(sorted(hosts))))
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
    taken = {p.cell for p in placements} | problem.closed
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


class Grid:
    """A grid being looked at or edited: `lost` kept per slot, so the cost of a move is found
    from the two slots it touches instead of from the whole grid (fast on 20 rooms × 16 slots
    and 300 sessions)."""

    def __init__(self, problem: Problem, placements: Iterable[Placement]) -> None:
        self.problem = problem
        self.placed: dict[int, Placement] = {p.session: p for p in placements}
        self.by_cell: dict[tuple[int, int], int] = {p.cell: p.session for p in self.placed.values()}
        self.wanted: dict[int, Counter[int]] = defaultdict(Counter)
        for p in self.placed.values():
            if not problem.session(p.session).withdrawn:
                self.wanted[p.slot].update(problem.wanted_by(p.session))

    def lost(self) -> Lost:
        return lost(self.problem, self.placed.values())

    def _slot_clashes(self, counts: Counter[int]) -> int:
        return sum(count - 1 for count in counts.values() if count > 1)

    def _overflow(self, session_id: int, room_id: int | None) -> int:
        if room_id is None:
            return 0
        votes = len(self.problem.voters(session_id))
        return max(0, votes - self.problem.room(room_id).capacity)

    def move_effect(self, session_id: int, cell: tuple[int, int] | None) -> Lost:
        """How `lost` changes if the session goes to `cell` (None: back to the tray). A session
        already in that cell swaps to the moved one's old cell (or to the tray)."""
        problem = self.problem
        if problem.session(session_id).withdrawn:
            return Lost(0, 0, 0)
        source = self.placed.get(session_id)
        source_cell = source.cell if source else None
        if source_cell == cell:
            return Lost(0, 0, 0)
        other = self.by_cell.get(cell) if cell else None
        # (session, from cell, to cell) for each session that moves
        moves = [(session_id, source_cell, cell)]
        if other is not None and other != session_id:
            moves.append((other, cell, source_cell))
        slots = {c[1] for _s, a, b in moves for c in (a, b) if c}
        before_clashes = sum(self._slot_clashes(self.wanted[slot]) for slot in slots)
        after_counts = {slot: Counter(self.wanted[slot]) for slot in slots}
        unplaced = overflow = 0
        for moved, old, new in moves:
            if problem.session(moved).withdrawn:
                continue  # counts for nothing, wherever it is
            wanted = problem.wanted_by(moved)
            voters = len(problem.voters(moved))
            if old:
                after_counts[old[1]].subtract(wanted)
            if new:
                after_counts[new[1]].update(wanted)
            unplaced += (voters if new is None else 0) - (voters if old is None else 0)
            overflow += self._overflow(moved, new[0] if new else None) - self._overflow(
                moved, old[0] if old else None
            )
        after_clashes = sum(self._slot_clashes(counts) for counts in after_counts.values())
        return Lost(unplaced, after_clashes - before_clashes, overflow)

    def shared_voters(self, a: int, b: int) -> float:
        """The share of the smaller audience that wants both sessions (0 to 1)."""
        wanted_a, wanted_b = self.problem.voters(a), self.problem.voters(b)
        smaller = min(len(wanted_a), len(wanted_b))
        return len(wanted_a & wanted_b) / smaller if smaller else 0.0
