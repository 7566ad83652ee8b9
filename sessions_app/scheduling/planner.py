"""The automatic scheduler: votes in, a grid with a low `lost` out (shared/scheduling.md).

How it works, and why (the figures are in bench/scheduler/results.md):

- **Rooms follow from slots.** Within a slot, hosts and unavailability do not depend on the
  room, so once the sessions of a slot are chosen the best rooms are known: the most voted
  session gets the biggest free room, the next one the next, and so on (matching sorted votes to
  sorted capacities minimises `sum(max(0, votes - capacity))`). The search therefore only
  decides which slot each session gets (or none) — a much smaller space than cells.
- **Clashes are counted with bit sets.** Each person who wants two sessions or more is a bit;
  a session is the set of people who want it (voters and hosts), a Python int. The clashes of a
  slot are `sum(|wanted|) - |union of wanted|`, so the cost of moving or swapping a session is a
  few ANDs, ORs and `int.bit_count()` calls on cached per-slot unions, whatever the number of
  votes. Overflow changes are found from cached prefix sums over the slot's sorted votes.
- **Greedy start, then simulated annealing, then a descent.** The start is the better of two
  greedy grids (most voted first, each into the slot that costs least now; and the plain
  baseline of greedy.py, so the plan places as many sessions as it, for no more `lost`).
  Annealing then tries random moves (to a free cell), swaps (two sessions trade slots) and
  exchanges (a waiting session takes the place of a placed one: when there are more sessions
  than cells, or of the one session of its host in that slot), accepting a worse grid with a
  probability that falls as the temperature cools; a final descent tries every move and swap
  until none helps. Swapping whole slots is not tried: the cost of a slot does not depend on
  when it is. Chains of swaps between two slots (Kernighan-Lin) were tried in the descent and
  found nothing more, and an exact re-split of every two slots little (1-3 on 5 of 40 runs);
  OR-Tools CP-SAT, given minutes, finds worse grids from scratch than this does in a second
  (bench/scheduler/README.md).
- **Two temperature schedules.** The *cool* one starts at a tenth of a typical worsening and
  ends where a worsening by 1 is still accepted 1 time in 7.4: it improves the greedy start
  instead of scrambling it first, and spends its iterations where grids still change (the hot
  one wandered above the greedy start for its first third and froze for its last). It is the
  default, twice at 3/4 of the budget each, unless a session waits beside a free cell (its
  host busy there): which of a host's sessions wait is then a choice the cool schedule keeps
  from the greedy start (on the "adversarial" benchmark it keeps the session everybody wants
  placed: 830-860, where 812 is known), so such events, and re-plans, keep the *hot* one (from
  accepting a typical worsening 1 time in 5 to accepting a worsening by 1 once in 1,000), with
  the whole budget per run.
- **Every grid it visits is valid.** A move that would break a hard rule, including rule 6 (no
  session waits while a cell it could take is free), is never made, so the result needs no
  repair. No move changes the number of sessions placed: rule 6 alone would let a planner leave
  a session out to gain elsewhere, by keeping its host busy in every slot with a free cell;
  this one keeps every session the greedy start could place ("leaving it out to make room
  elsewhere is not the scheduler's call").
- **Deterministic.** The random choices come from `random.Random(seed)` and the run is bounded
  by a number of iterations derived from the size of the problem (`budget_for`), so the same
  problem and seed give the same grid. The time limit is a safety stop: if the budget will not
  fit in it, the cooling is compressed to end in time; such a run is marked `complete=False`
  and may differ from a run on a faster machine.

Pure Python, no Django (tests/scheduling/test_purity.py)."""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from sessions_app.scheduling.greedy import greedy
from sessions_app.scheduling.measure import Conflict, Lost, conflicts
from sessions_app.scheduling.measure import lost as measure_lost
from sessions_app.scheduling.model import Placement, Problem, Room

Progress = Callable[[float, Lost], None]
"""Called now and then during a run with the share of the work done (0 to 1) and the best
`lost` so far, and once at the end with 1.0."""

_START = 0.2  # the hot schedule starts where a typical worsening move is accepted this often
_END = 0.001  # and ends where a worsening by 1 is
_COOL_START = 0.1  # the cool schedule starts at this share of a typical worsening
_COOL_END = 0.5  # and ends at this temperature (a worsening by 1 is accepted 1 time in 7.4)
COOL_SHARE = 0.75  # of the default budget, per run of the cool schedule
DEFAULT_TIME_LIMIT = 30.0  # seconds; the iteration budget normally ends a run long before
DEFAULT_RESTARTS = 2  # independent runs, the best kept
SINGLE_RUN_FROM = 400_000  # a budget this big gets one run by default (seeds spread < 0.2 %)
MAX_BUDGET = 700_000  # iterations; about 6 s for 300 sessions in 16 slots
RESTART_STRIDE = 7919  # run k of seed s draws from Random(s * 7919 + k): no two runs share one


class Reason(StrEnum):
    """Why a session is left out of the grid."""

    UNAVAILABLE = "unavailable"  # its hosts cannot do any session slot
    GRID_FULL = "grid_full"  # every slot it could have is full
    HOSTS_BUSY = "hosts_busy"  # where cells are free, one of its hosts runs another session


@dataclass(frozen=True, slots=True)
class Waiting:
    """A session the plan leaves out, and why."""

    session: int
    reason: Reason


@dataclass(frozen=True, slots=True)
class Stability:
    """What moving a session of the current grid costs, in `lost` units (a re-plan, replan.py).

    `current`: where the sessions were (a session absent from it costs nothing wherever it goes).
    A session that leaves the slot it had (for another slot, or out of the grid) costs
    `time_cost`; one that stays in its slot but changes room costs `room_cost`. The search
    decides slots with the room cost counted only where the old room is gone (closed or taken
    by a pin); rooms are then matched per slot exactly (`_assign_rooms`)."""

    current: tuple[Placement, ...]
    time_cost: float
    room_cost: float


@dataclass(frozen=True, slots=True)
class Plan:
    """The scheduler's answer.

    `placements`: the whole grid, pinned placements included (`pinned=True`), or nothing when
    the input is refused. `refused`: the hard rules the pinned placements break among
    themselves; a grid that keeps them cannot exist, so none is proposed. `waiting`: the
    sessions left out, each with its reason. `lost`: of `placements`, with its three parts.
    `complete` is False when the time limit cut the run short or made it cool faster than its
    iteration budget (such a run is not reproducible)."""

    placements: tuple[Placement, ...]
    lost: Lost
    refused: tuple[Conflict, ...] = ()
    waiting: tuple[Waiting, ...] = ()
    seed: int = 0
    iterations: int = 0
    budget: int = 0
    elapsed: float = 0.0
    complete: bool = True


def plan(
    problem: Problem,
    *,
    seed: int = 0,
    time_limit: float = DEFAULT_TIME_LIMIT,
    iterations: int | None = None,
    restarts: int | None = None,
    progress: Progress | None = None,
    stability: Stability | None = None,
) -> Plan:
    """A grid for `problem` that keeps its pinned placements and every hard rule, with a `lost`
    as low as the search finds. `iterations` overrides the budget derived from the size of the
    problem (`budget_for`); `time_limit` (seconds) stops the run early if it is reached first.
    The search runs `restarts` times from the greedy start with different random numbers and
    keeps the best grid: annealing sometimes settles in a worse valley, and a second run costs
    less than a doubled budget for the same quality (bench/scheduler/results.md). By default
    (`restarts=None`) that is `DEFAULT_RESTARTS` runs, or one for a budget of
    `SINGLE_RUN_FROM` iterations or more: on a large event the seeds spread less than 0.3 %,
    and one run keeps 300 sessions within 10 s of CPU. The cool schedule (see the module's
    docstring) gets `COOL_SHARE` of the default budget per run; an explicit `iterations` is
    kept as given.

    With `stability`, the search minimises `lost` plus the cost of moving the sessions of
    `stability.current`; the first run (and every other one) starts from that grid (its
    sessions kept where the rules allow, the others placed greedily), the second from the
    greedy grids as usual, which may place a session the current grid has no room for (its
    host busy wherever a cell is free); the run with the lowest total is kept."""
    started = time.perf_counter()
    refused = _refusals(problem)
    if refused:
        return Plan(
            placements=(),
            lost=measure_lost(problem, ()),
            refused=tuple(refused),
            seed=seed,
            elapsed=time.perf_counter() - started,
        )
    budget = budget_for(problem) if iterations is None else max(0, iterations)
    first = _start(problem, stability, 0)
    # the cool schedule keeps the greedy start's choice of which sessions wait beside a free
    # cell (their hosts busy there): where there is such a choice, the hot one, twice
    cool = stability is None and not first.waits_beside_free_cell()
    if cool and iterations is None:
        budget = int(budget * COOL_SHARE)
    if restarts is None:
        restarts = 1 if budget >= SINGLE_RUN_FROM else DEFAULT_RESTARTS
    restarts = max(1, restarts)
    best: _Search | None = None
    done, complete = 0, True
    for run in range(restarts):
        search = first if run == 0 else _start(problem, stability, run)
        search.cool = cool
        # each run has its share of the time left, and its own random numbers from `seed`
        now = time.perf_counter()
        deadline = now + (started + time_limit - now) / (restarts - run)
        iterations_done, finished = search.anneal(
            random.Random(seed * RESTART_STRIDE + run),
            budget,
            deadline=deadline,
            progress=_share(progress, run, restarts, best.lost() if best else None),
        )
        finished = search.descend(deadline=deadline) and finished
        search.restore_best()
        done, complete = done + iterations_done, complete and finished
        if best is None or search.cost < best.cost:
            best = search
    assert best is not None  # restarts is at least 1
    search = best
    placements = tuple(search.placements())
    found = search.lost()
    if stability is not None:  # rooms matched for stability may overflow more
        found = measure_lost(problem, placements)
    elif found != measure_lost(problem, placements):  # pragma: no cover - a bug, not an input
        raise AssertionError(f"the planner's lost {found} is not that of its grid")
    if progress is not None:
        progress(1.0, found)
    return Plan(
        placements=placements,
        lost=found,
        waiting=tuple(search.waiting()),
        seed=seed,
        iterations=done,
        budget=budget,
        elapsed=time.perf_counter() - started,
        complete=complete,
    )


def _start(problem: Problem, stability: Stability | None, run: int) -> _Search:
    """The start of run `run`: the greedy grids, or (every other run of a re-plan) the current
    grid with the other sessions placed greedily."""
    search = _Search(problem, stability)
    if stability is not None and run % 2 == 0:
        search.keep(stability.current)
        search.construct()
    else:
        search.construct()
        search.consider(greedy(problem))  # as many sessions as the baseline, and no worse
    return search


def _share(progress: Progress | None, run: int, runs: int, before: Lost | None) -> Progress | None:
    """The progress of one run as a share of the whole plan, with the best `lost` of all runs
    so far (`before`: the best of the earlier runs)."""
    if progress is None:
        return None

    def report(share: float, best: Lost) -> None:
        if before is not None and before.total <= best.total:
            best = before
        progress((run + share) / runs, best)

    return report


def budget_for(problem: Problem) -> int:
    """The default number of annealing iterations: enough for the moves and swaps of every
    session to be tried many times over, growing a little faster than the number of sessions
    (about 160,000 for 50 sessions in 9 slots, 0.5 s; capped at `MAX_BUDGET`, which 300
    sessions in 16 slots reach, about 6 s: bench/scheduler/results.md; a million found no
    better grid there: 46,886 against 46,878 with seed 1)."""
    sessions = sum(1 for s in problem.sessions if not s.withdrawn)
    slots = max(1, len(problem.slots))
    return min(MAX_BUDGET, max(5_000, int(270 * sessions * slots**0.5 * max(1, sessions) ** 0.35)))


def _refusals(problem: Problem) -> list[Conflict]:
    """The hard rules the pinned placements break among themselves (a host pinned twice in one
    slot, two pins in one cell, a pin in an unavailable slot, a withdrawn session pinned...)."""
    known = {s.id for s in problem.sessions}
    unknown = sorted(p.session for p in problem.pinned if p.session not in known)
    if unknown:
        raise ValueError(f"pinned sessions that are not in the problem: {unknown}")
    return conflicts(problem, problem.pinned)


def _excess(votes: int, capacity: int) -> int:
    return votes - capacity if votes > capacity else 0


class _Search:
    """The state of the search: the slot of each movable session, with per-slot caches that make
    the cost of a move O(1). Sessions and slots are numbered from 0 (`i`, `t`); -1 is no slot."""

    def __init__(self, problem: Problem, stability: Stability | None = None) -> None:
        self.problem = problem
        self.stability = stability
        slots = problem.slots
        self.slot_ids = slots
        slot_index = {slot: t for t, slot in enumerate(slots)}
        active = [s for s in problem.sessions if not s.withdrawn]
        self.pins = [p for p in problem.pinned if not problem.session(p.session).withdrawn]
        pinned_ids = {p.session for p in self.pins}
        movable = sorted((s for s in active if s.id not in pinned_ids), key=lambda s: s.id)
        self.sessions = movable
        n = self.n = len(movable)
        T = self.T = len(slots)

        # the people who want two sessions or more are the only ones who can clash
        wanted = {s.id: problem.wanted_by(s.id) for s in active}
        demand = Counter(person for people in wanted.values() for person in people)
        clashing = sorted(person for person, count in demand.items() if count > 1)
        bit = {person: b for b, person in enumerate(clashing)}
        width = (len(clashing) + 8) // 8

        def bits_of(session_id: int) -> int:
            mask = bytearray(width)
            for person in wanted[session_id]:
                b = bit.get(person)
                if b is not None:
                    mask[b >> 3] |= 1 << (b & 7)
            return int.from_bytes(mask, "little")

        self.bits = [bits_of(s.id) for s in movable]
        self.size = [b.bit_count() for b in self.bits]
        self.votes = [len(problem.voters(s.id)) for s in movable]

        # pinned placements: fixed rooms, fixed clashes and overflow, busy hosts
        pinned_cells = {p.cell for p in self.pins}
        self.base = [0] * T  # union of the people wanting a pinned session of the slot
        self.base_sum = [0] * T
        pinned_hosts: list[set[int]] = [set() for _ in range(T)]
        self.pinned_overflow = 0
        for p in self.pins:
            t = slot_index[p.slot]
            b = bits_of(p.session)
            self.base[t] |= b
            self.base_sum[t] += b.bit_count()
            pinned_hosts[t] |= problem.session(p.session).hosts
            self.pinned_overflow += _excess(
                len(problem.voters(p.session)), problem.room(p.room).capacity
            )
        self.rooms: list[list[Room]] = [
            sorted(
                (
                    r
                    for r in problem.rooms
                    if (r.id, slot) not in pinned_cells and (r.id, slot) not in problem.closed
                ),
                key=lambda r: (-r.capacity, r.id),
            )
            for slot in slots
        ]
        self.caps = [[r.capacity for r in rooms] + [0] for rooms in self.rooms]  # 0: sentinel
        self.cells = [len(rooms) for rooms in self.rooms]
        self.smallest = [caps[-2] if len(caps) > 1 else 0 for caps in self.caps]
        # the room one bigger (none for the first: it never moves up) and one smaller
        self.caps_up = [[1 << 62, *caps] for caps in self.caps]
        self.caps_down = [caps[1:] for caps in self.caps]
        self.zeros = [0] * (max(self.cells, default=0) + 2)

        self.allowed: list[list[int]] = []
        for s in movable:
            self.allowed.append(
                [
                    t
                    for t, slot in enumerate(slots)
                    if slot not in s.unavailable
                    and not (s.hosts & pinned_hosts[t])
                    and self.cells[t] > 0
                ]
            )
        self.allowed_set = [frozenset(a) for a in self.allowed]
        by_host: dict[int, list[int]] = defaultdict(list)
        for i, s in enumerate(movable):
            for host in s.hosts:
                by_host[host].append(i)
        self.mates: list[tuple[int, ...]] = [
            tuple(sorted({j for h in s.hosts for j in by_host[h]} - {i}))
            for i, s in enumerate(movable)
        ]
        self.placeable = [i for i in range(n) if self.allowed[i]]

        # stability: pen[i][t] is what having session i in slot t costs (t = -1: out, the last)
        self.pen: list[list[float]] | None = None
        self.origin: dict[int, tuple[int, int]] = {}  # i -> (slot index, room id) it had
        if stability is not None:
            index = {s.id: i for i, s in enumerate(movable)}
            self.pen = [[0.0] * (T + 1) for _ in range(n)]
            for p in stability.current:
                k = index.get(p.session)
                if k is None or p.slot not in slot_index or k in self.origin:
                    continue
                t = slot_index[p.slot]
                self.origin[k] = (t, p.room)
                row = self.pen[k] = [float(stability.time_cost)] * (T + 1)
                gone = p.cell in problem.closed or p.cell in pinned_cells
                row[t] = float(stability.room_cost) if gone else 0.0

        # the state
        self.slot_of = [-1] * n
        self.members: list[list[int]] = [[] for _ in range(T)]
        self.neg_votes: list[list[int]] = [[] for _ in range(T)]  # -votes, ascending
        self.union = list(self.base)
        self.union_count = [b.bit_count() for b in self.base]
        self.without = [0] * n  # union of the slot without the session
        # overflow of the first j sessions (most voted first) in their rooms, one room bigger,
        # one room smaller
        self.prefix: list[list[int]] = [self.zeros] * T
        self.up: list[list[int]] = [self.zeros] * T
        self.down: list[list[int]] = [self.zeros] * T
        self.clashes = [self.base_sum[t] - self.union_count[t] for t in range(T)]
        self.overflow = [0] * T
        # overflow changes found since the slot last changed: out votes * vote_base + in votes
        self.memo: list[dict[int, int]] = [{} for _ in range(T)]
        self.vote_base = max(self.votes, default=0) + 1
        self.waiting_set: list[int] = []  # placeable sessions without a slot
        self.unplaced_votes = sum(self.votes)
        self.cost: float = self._total()
        self.best_cost = self.cost
        self.best_slots = list(self.slot_of)
        self.best_lost = self.lost()
        self.cool = False  # which temperature schedule `anneal` follows (`_temperatures`)

    # ---- bookkeeping -------------------------------------------------------------------------

    def _rebuild(self, t: int) -> None:
        """Recompute the caches of slot `t` after its sessions changed: the hot path of an
        accepted change. (Plain loops: on CPython 3.11 they take fewer instructions here than
        `accumulate` and `map`; bench/scheduler/results.md.)"""
        members, bits, size = self.members[t], self.bits, self.size
        without = self.without
        union = self.base[t]
        total = self.base_sum[t]
        prefix = [union]
        keep = prefix.append
        for i in members:
            union |= bits[i]
            keep(union)
            total += size[i]
        suffix = 0
        j = len(members)
        for i in reversed(members):
            j -= 1
            without[i] = prefix[j] | suffix
            suffix |= bits[i]
        self.union[t] = union
        count = self.union_count[t] = union.bit_count()
        self.clashes[t] = total - count
        self.memo[t] = {}
        neg = self.neg_votes[t]
        if not neg or -neg[0] <= self.caps[t][len(neg)]:  # nobody overflows, wherever they shift
            self.prefix[t] = self.up[t] = self.down[t] = self.zeros
            self.overflow[t] = 0
            return
        # with n = -votes (ascending): the overflow of the first j sessions in their rooms
        # (own), each one room bigger (up: the first never moves up) and one smaller (down)
        own, up, down = [0], [0], [0]
        keep_own, keep_up, keep_down = own.append, up.append, down.append
        o = u = d = 0
        caps, bigger_caps, smaller_caps = self.caps[t], self.caps_up[t], self.caps_down[t]
        for n, c, bigger, smaller in zip(neg, caps, bigger_caps, smaller_caps, strict=False):
            if n + c < 0:
                o -= n + c
            keep_own(o)
            if n + bigger < 0:
                u -= n + bigger
            keep_up(u)
            if n + smaller < 0:
                d -= n + smaller
            keep_down(d)
        self.prefix[t], self.up[t], self.down[t] = own, up, down
        self.overflow[t] = o

    def _place(self, i: int, t: int) -> None:
        self.slot_of[i] = t
        self.members[t].append(i)
        insort(self.neg_votes[t], -self.votes[i])

    def _unplace(self, i: int) -> None:
        t = self.slot_of[i]
        self.slot_of[i] = -1
        self.members[t].remove(i)
        neg = self.neg_votes[t]
        del neg[bisect_left(neg, -self.votes[i])]

    def _total(self) -> float:
        lost = self.unplaced_votes + sum(self.clashes) + sum(self.overflow) + self.pinned_overflow
        if self.pen is None:
            return lost
        moved = 0.0  # a loop, not sum(): compiled by mypyc, sum() of floats is taken for an int
        for row, t in zip(self.pen, self.slot_of, strict=True):
            moved += row[t]
        return lost + moved

    # ---- what a change costs -----------------------------------------------------------------

    def _overflow_without(self, t: int, v: int) -> int:
        if not self.overflow[t]:
            return 0
        neg = self.neg_votes[t]
        j = bisect_left(neg, -v)
        return self.prefix[t][j] + self.up[t][len(neg)] - self.up[t][j + 1]

    def _overflow_with(self, t: int, v: int) -> int:
        if v <= self.smallest[t] and not self.overflow[t]:
            return 0  # the ones it pushes to smaller rooms have fewer votes still
        neg = self.neg_votes[t]
        p = bisect_left(neg, -v)
        down = self.down[t]
        return self.prefix[t][p] + _excess(v, self.caps[t][p]) + down[len(neg)] - down[p]

    def _overflow_replacing(self, t: int, out: int, v: int) -> int:
        """Overflow of slot `t` with a session of `out` votes replaced by one of `v` votes."""
        if v <= self.smallest[t] and not self.overflow[t]:
            return 0
        neg = self.neg_votes[t]
        k = len(neg)
        own, caps = self.prefix[t], self.caps[t]
        i = bisect_left(neg, -out)
        p = bisect_left(neg, -v)
        if p <= i:
            down = self.down[t]
            return own[p] + _excess(v, caps[p]) + down[i] - down[p] + own[k] - own[i + 1]
        up = self.up[t]
        return own[i] + up[p] - up[i + 1] + _excess(v, caps[p - 1]) + own[k] - own[p]

    def _relocate_delta(self, i: int, a: int, b: int) -> float:
        bits_i = self.bits[i]
        v = self.votes[i]
        delta: float = float((bits_i & self.union[b]).bit_count())
        delta += self._overflow_with(b, v) - self.overflow[b]
        if self.pen is not None:
            delta += self.pen[i][b] - self.pen[i][a]
        if a < 0:
            return delta - v
        delta += self.union_count[a] - self.without[i].bit_count() - self.size[i]
        return delta + self._overflow_without(a, v) - self.overflow[a]

    def _swap_delta(self, i: int, j: int, a: int, b: int) -> float:
        bits = self.bits
        vi, vj = self.votes[i], self.votes[j]
        pen = self.pen
        moving = 0.0 if pen is None else pen[i][b] - pen[i][a] + pen[j][a] - pen[j][b]
        return moving + (
            self.union_count[a]
            + self.union_count[b]
            - (self.without[i] | bits[j]).bit_count()
            - (self.without[j] | bits[i]).bit_count()
            + self._overflow_replacing(a, vi, vj)
            - self.overflow[a]
            + self._overflow_replacing(b, vj, vi)
            - self.overflow[b]
        )

    def _exchange_delta(self, u: int, i: int, a: int) -> float:
        """`u` (waiting) takes the slot of `i`, which waits."""
        vu, vi = self.votes[u], self.votes[i]
        pen = self.pen
        moving = 0.0 if pen is None else pen[u][a] - pen[u][-1] + pen[i][-1] - pen[i][a]
        return moving + (
            vi
            - vu
            + self.union_count[a]
            - (self.without[i] | self.bits[u]).bit_count()
            + self.size[u]
            - self.size[i]
            + self._overflow_replacing(a, vi, vu)
            - self.overflow[a]
        )

    # ---- what a change may do ----------------------------------------------------------------

    def _mate_in(self, i: int, t: int, moved: dict[int, int]) -> bool:
        """Whether a session sharing a host with `i` is in slot `t` (after the `moved` ones)."""
        slot_of = self.slot_of
        return any(moved.get(j, slot_of[j]) == t for j in self.mates[i])

    def _blocked(self, u: int, t: int, moved: dict[int, int]) -> bool:
        return t not in self.allowed_set[u] or self._mate_in(u, t, moved)

    def _keeps_rule_six(self, moved: dict[int, int], freed: Iterable[int]) -> bool:
        """After `moved` (session -> new slot, -1 for none): no waiting session can take a free
        cell in the slots in `freed` (whose cells or hosts changed), and a session that starts
        waiting can take no free cell anywhere."""
        free = [t for t in freed if t >= 0 and self._free_after(t, moved) > 0]
        if free:
            for u in self.waiting_set:
                if u not in moved and not all(self._blocked(u, t, moved) for t in free):
                    return False
        for i, t in moved.items():
            if t < 0:
                for s in self.allowed[i]:
                    if self._free_after(s, moved) > 0 and not self._mate_in(i, s, moved):
                        return False
        return True

    def _free_after(self, t: int, moved: dict[int, int]) -> int:
        free = self.cells[t] - len(self.members[t])
        for i, new in moved.items():
            old = self.slot_of[i]
            free += (old == t) - (new == t)
        return free

    # ---- building and searching --------------------------------------------------------------

    def construct(self) -> None:
        """Most voted first (then by id), each session into the slot that costs least now
        (then the earliest). Keeps rule 6: a session finding no slot finds none later."""
        order = sorted(self.placeable, key=lambda i: (-self.votes[i], self.sessions[i].id))
        for i in order:
            if self.slot_of[i] >= 0:
                continue  # kept from the current grid (`keep`)
            best: tuple[float, int] | None = None
            for t in self.allowed[i]:
                if len(self.members[t]) >= self.cells[t] or self._mate_in(i, t, {}):
                    continue
                delta = self._relocate_delta(i, -1, t)
                if best is None or delta < best[0]:
                    best = (delta, t)
            if best is None:
                continue
            self._place(i, best[1])
            self._rebuild(best[1])
            self.unplaced_votes -= self.votes[i]
        self.waiting_set = [i for i in self.placeable if self.slot_of[i] < 0]
        self.cost = self._total()
        self._keep_best()

    def keep(self, placements: Iterable[Placement]) -> None:
        """Start from another grid (before `construct` places the others): its sessions stay in
        their slots where the rules let them, those whose room is still there first, then the
        most voted. One whose slot is no longer allowed (a host absent) or full (its room closed)
        starts out of the grid."""
        index = {s.id: i for i, s in enumerate(self.sessions)}
        slot_index = {slot: t for t, slot in enumerate(self.slot_ids)}
        unusable = self.problem.closed | {p.cell for p in self.pins}
        order = sorted(
            (p for p in placements if p.session in index and p.slot in slot_index),
            key=lambda p: (p.cell in unusable, -self.votes[index[p.session]], p.session),
        )
        for p in order:
            i, t = index[p.session], slot_index[p.slot]
            if (
                self.slot_of[i] >= 0
                or t not in self.allowed_set[i]
                or len(self.members[t]) >= self.cells[t]
                or self._mate_in(i, t, {})
            ):
                continue
            self._place(i, t)
            self.unplaced_votes -= self.votes[i]
        for t in range(self.T):
            self._rebuild(t)

    def _keep_best(self) -> None:
        self.best_cost = self.cost
        self.best_slots = list(self.slot_of)
        self.best_lost = self.lost()

    def _propose(self, rand: Callable[[], float], i: int) -> tuple[int, int, int, int] | None:
        """A random change involving session `i`, as (kind, i, j, slot): see `_delta`."""
        allowed = self.allowed[i]
        b = allowed[int(rand() * len(allowed))]
        a = self.slot_of[i]
        if a == b:
            return None
        members = self.members[b]
        cell = int(rand() * self.cells[b])
        j = members[cell] if cell < len(members) else -1
        if a < 0:
            j = self._partner(i, b, j)
            return None if j < 0 else (2, i, j, b)
        if j < 0:
            return (0, i, -1, b)
        if a not in self.allowed_set[j]:
            return None
        return (1, i, j, b)

    def _partner(self, u: int, b: int, j: int) -> int:
        """Whom waiting `u` may replace in slot `b`: the one session there that shares a host
        with it if there is one (no other could make way), else `j` (-1: none)."""
        slot_of = self.slot_of
        busy = [m for m in self.mates[u] if slot_of[m] == b]
        if busy:
            return busy[0] if len(busy) == 1 else -1
        return j

    def _feasible(self, kind: int, i: int, j: int, b: int) -> bool:
        slot_of, mates = self.slot_of, self.mates
        a = slot_of[i]
        if kind == 0:
            if any(slot_of[m] == b for m in mates[i]):  # _mate_in without a dict: hot
                return False
            return not self.waiting_set or self._keeps_rule_six({i: b}, (a,))
        if kind == 1:  # i goes to b, j to a
            for m in mates[i]:
                if (a if m == j else slot_of[m]) == b:
                    return False
            for m in mates[j]:
                if (b if m == i else slot_of[m]) == a:
                    return False
            return not self.waiting_set or self._keeps_rule_six({i: b, j: a}, (a, b))
        moved = {i: b, j: -1}
        if self._mate_in(i, b, moved):
            return False
        return self._keeps_rule_six(moved, (b,))

    def _delta(self, kind: int, i: int, j: int, b: int) -> float:
        """What a change costs. Kinds: 0 = placed `i` moves to a free cell of slot `b`; 1 = `i`
        and `j` (in `b`) swap slots; 2 = waiting `i` takes the place of `j` (in `b`), which
        waits. None changes the number of sessions placed: the planner never leaves a session
        out to make room for others (shared/scheduling.md, rule 6)."""
        if kind == 0:
            return self._relocate_delta(i, self.slot_of[i], b)
        if kind == 1:
            return self._swap_delta(i, j, self.slot_of[i], b)
        return self._exchange_delta(i, j, b)

    def _apply(self, kind: int, i: int, j: int, b: int, delta: float) -> None:
        slot_of, members, neg_votes, votes = self.slot_of, self.members, self.neg_votes, self.votes
        a = slot_of[i]
        if kind == 0:  # _unplace(i), _place(i, b), inlined
            members[a].remove(i)
            neg = neg_votes[a]
            del neg[bisect_left(neg, -votes[i])]
            slot_of[i] = b
            members[b].append(i)
            insort(neg_votes[b], -votes[i])
            self._rebuild(a)
            self._rebuild(b)
        elif kind == 1:
            members[a].remove(i)
            members[b].remove(j)
            members[b].append(i)
            members[a].append(j)
            slot_of[i], slot_of[j] = b, a
            vi, vj = votes[i], votes[j]
            if vi != vj:
                neg = neg_votes[a]
                del neg[bisect_left(neg, -vi)]
                insort(neg, -vj)
                neg = neg_votes[b]
                del neg[bisect_left(neg, -vj)]
                insort(neg, -vi)
            self._rebuild(a)
            self._rebuild(b)
        else:
            self._unplace(j)
            self._place(i, b)
            self._rebuild(b)
            self.unplaced_votes += self.votes[j] - self.votes[i]
            self.waiting_set[self.waiting_set.index(i)] = j
        self.cost += delta

    def anneal(
        self,
        rng: random.Random,
        budget: int,
        *,
        deadline: float,
        progress: Progress | None,
    ) -> tuple[int, bool]:
        """Simulated annealing over `budget` iterations (fewer if the deadline comes first):
        returns the iterations done and whether the budget was reached."""
        placeable = self.placeable
        if not placeable or budget == 0:
            return 0, True
        start, end = self._temperatures(rng)
        ratio = (end / start) ** (1 / budget)
        temperature = start
        exp, rand = math.exp, rng.random
        # float factors: float * float is a specialised instruction, float * int is not
        count = float(len(placeable))
        # the hot loop reads these often: local names are faster than attributes
        allowed, allowed_set, cells = self.allowed, self.allowed_set, self.cells
        slot_of, members, bits, votes = self.slot_of, self.members, self.bits, self.votes
        without, union_count, overflow = self.without, self.union_count, self.overflow
        smallest, mates, waiting = self.smallest, self.mates, self.waiting_set
        widths = [float(len(options)) for options in allowed]
        cells_f = [float(c) for c in cells]
        negative = [-v for v in votes]
        neg_votes, caps, prefix = self.neg_votes, self.caps, self.prefix
        up, down, pen = self.up, self.down, self.pen
        memo, base = self.memo, self.vote_base
        # If the budget will not be done in time, the cooling is compressed to end by then
        # (with a tenth of the time left for the descent); such a run is not reproducible.
        # Iterations get much cheaper as fewer moves are accepted, so this is judged from the
        # recent ones, and only once half the time is gone.
        began = last = time.perf_counter()
        aim = began + 0.9 * (deadline - began)
        limit, compressed, pace = budget, False, 0.0  # pace: seconds per 512 iterations
        report_every = max(1, budget // 50)
        # one test per iteration: `check` is the next iteration that looks at the clock (every
        # 512th) or reports progress
        check = min(512, limit + 1, report_every if progress is not None else limit + 1)
        # a while loop, not `for done in range(...)`: compiled by mypyc, such a loop leaves
        # its variable one past the end (and `limit` may be lowered on the way)
        done = 0
        while done < limit:
            done += 1
            temperature *= ratio
            if done == check:
                if not done & 511:
                    now = time.perf_counter()
                    if now > deadline:
                        return done, False
                    pace = now - last if not pace else 0.8 * pace + 0.2 * (now - last)
                    last = now
                    fits = done + int((aim - now) / pace * 512) if pace else limit
                    if fits < limit and now - began > 0.5 * (deadline - began):
                        limit, compressed = max(fits, done + 1), True
                        ratio = (end / temperature) ** (1 / (limit - done))
                        report_every = max(1, limit // 50)
                if progress is not None and done % report_every == 0:
                    progress(done / limit, self.best_lost)
                check = min((done | 511) + 1, limit + 1)
                if progress is not None:
                    check = min(check, (done // report_every + 1) * report_every)
            i = placeable[int(rand() * count)]
            options = allowed[i]
            b = options[int(rand() * widths[i])]
            a = slot_of[i]
            if a == b:
                continue
            in_b = members[b]
            cell = int(rand() * cells_f[b])
            j = in_b[cell] if cell < len(in_b) else -1
            if a < 0:
                if mates[i]:
                    j = self._partner(i, b, j)
                if j < 0:
                    continue  # a waiting session cannot take a free cell (rule 6 holds)
                kind = 2
                delta = self._exchange_delta(i, j, b)
            elif j < 0:
                kind = 0
                delta = self._relocate_delta(i, a, b)
            elif a not in allowed_set[j]:
                continue
            else:
                kind = 1
                delta = float(
                    union_count[a]
                    + union_count[b]
                    - (without[i] | bits[j]).bit_count()
                    - (without[j] | bits[i]).bit_count()
                )
                vi, vj = votes[i], votes[j]
                if vi != vj:  # the same votes leave the overflow as it is
                    # _overflow_replacing inlined, twice (slot a gives vi for vj, b vj for
                    # vi), its answers kept until the slot changes
                    if overflow[a] or vj > smallest[a]:
                        seen = memo[a]
                        key = vi * base + vj
                        change = seen.get(key)
                        if change is None:
                            neg, own = neg_votes[a], prefix[a]
                            x = bisect_left(neg, negative[i])
                            p = bisect_left(neg, negative[j])
                            if p <= x:
                                c = caps[a][p]
                                steps = down[a]
                                change = own[p] + steps[x] - steps[p] + own[-1] - own[x + 1]
                            else:
                                c = caps[a][p - 1]
                                steps = up[a]
                                change = own[x] + steps[p] - steps[x + 1] + own[-1] - own[p]
                            if vj > c:
                                change += vj - c
                            change = seen[key] = change - overflow[a]
                        delta += change
                    if overflow[b] or vi > smallest[b]:
                        seen = memo[b]
                        key = vj * base + vi
                        change = seen.get(key)
                        if change is None:
                            neg, own = neg_votes[b], prefix[b]
                            x = bisect_left(neg, negative[j])
                            p = bisect_left(neg, negative[i])
                            if p <= x:
                                c = caps[b][p]
                                steps = down[b]
                                change = own[p] + steps[x] - steps[p] + own[-1] - own[x + 1]
                            else:
                                c = caps[b][p - 1]
                                steps = up[b]
                                change = own[x] + steps[p] - steps[x + 1] + own[-1] - own[p]
                            if vi > c:
                                change += vi - c
                            change = seen[key] = change - overflow[b]
                        delta += change
                if pen is not None:
                    delta += pen[i][b] - pen[i][a] + pen[j][a] - pen[j][b]
            if delta > 0 and rand() >= exp(-delta / temperature):
                continue
            if (mates[i] or kind == 2 or waiting or (j >= 0 and mates[j])) and not (
                self._feasible(kind, i, j, b)
            ):
                continue
            self._apply(kind, i, j, b, delta)
            if self.cost < self.best_cost:
                self._keep_best()
        return done, not compressed

    def _temperatures(self, rng: random.Random) -> tuple[float, float]:
        """Hot: start where a typical (median) worsening move is accepted with probability
        `_START`; end where a worsening by 1 is accepted with probability `_END`. Cool: start at
        `_COOL_START` of a typical worsening, end at `_COOL_END`."""
        rises = []
        for _ in range(200):
            i = self.placeable[int(rng.random() * len(self.placeable))]
            move = self._propose(rng.random, i)
            if move is not None:
                delta = self._delta(*move)
                if delta > 0:
                    rises.append(delta)
        rises.sort()
        typical = rises[len(rises) // 2] if rises else 1
        if self.cool:
            return max(_COOL_END, typical * _COOL_START), _COOL_END
        return max(1.0, typical / -math.log(_START)), 1 / -math.log(_END)

    def waits_beside_free_cell(self) -> bool:
        """Whether a session waits while a cell it could take is free (a host of it is busy in
        that slot): which of a host's sessions wait is then a choice of the search."""
        return any(
            len(self.members[t]) < self.cells[t] for u in self.waiting_set for t in self.allowed[u]
        )

    def descend(self, *, deadline: float) -> bool:
        """From the best grid found, make every improving move or swap until none is left (in a
        fixed order); False if the deadline stopped it. (Chains of swaps between two slots,
        Kernighan-Lin style, were tried here too: they found nothing the annealing had not.)"""
        self.restore_best()
        improved = True
        while improved:
            improved = False
            for i in self.placeable:
                if time.perf_counter() > deadline:
                    self._keep_if_better()
                    return False
                a = self.slot_of[i]
                for b in self.allowed[i]:
                    if b == a:
                        continue
                    candidates = [(1 if a >= 0 else 2, i, j, b) for j in self.members[b]]
                    if len(self.members[b]) < self.cells[b] and a >= 0:
                        candidates.append((0, i, -1, b))
                    for kind, _i, j, _b in candidates:
                        if kind == 1 and a not in self.allowed_set[j]:
                            continue
                        delta = self._delta(kind, i, j, b)
                        if delta < 0 and self._feasible(kind, i, j, b):
                            self._apply(kind, i, j, b, delta)
                            improved = True
                            break
                    if self.slot_of[i] != a:
                        break
        self._keep_if_better()
        return True

    def _keep_if_better(self) -> None:
        if self.cost < self.best_cost:
            self._keep_best()

    def _worth(self) -> tuple[int, float]:
        return (sum(1 for t in self.slot_of if t >= 0), -self.cost)

    def restore_best(self) -> None:
        if self.slot_of != self.best_slots:
            self._load(self.best_slots)

    def _load(self, slot_of: list[int]) -> None:
        for t in range(self.T):
            self.members[t] = []
            self.neg_votes[t] = []
        self.slot_of = [-1] * self.n
        for i, t in enumerate(slot_of):
            if t >= 0:
                self._place(i, t)
        for t in range(self.T):
            self._rebuild(t)
        self.unplaced_votes = sum(self.votes[i] for i in range(self.n) if self.slot_of[i] < 0)
        self.waiting_set = [i for i in self.placeable if self.slot_of[i] < 0]
        self.cost = self._total()

    def consider(self, placements: Iterable[Placement]) -> None:
        """Start from the slots of another valid grid (rooms are matched anew) if it places more
        sessions than the current one, or as many for a lower cost."""
        index = {s.id: i for i, s in enumerate(self.sessions)}
        slot_index = {slot: t for t, slot in enumerate(self.slot_ids)}
        slot_of = [-1] * self.n
        for p in placements:
            i = index.get(p.session)
            if i is not None:
                slot_of[i] = slot_index[p.slot]
        mine, worth = list(self.slot_of), self._worth()
        self._load(slot_of)
        if self._worth() <= worth:
            self._load(mine)
        self._keep_best()

    # ---- results -----------------------------------------------------------------------------

    def lost(self) -> Lost:
        return Lost(
            self.unplaced_votes,
            sum(self.clashes),
            sum(self.overflow) + self.pinned_overflow,
        )

    def placements(self) -> list[Placement]:
        found = [Placement(p.session, p.room, p.slot, True) for p in self.pins]
        for t, slot in enumerate(self.slot_ids):
            members = sorted(self.members[t], key=lambda i: (-self.votes[i], self.sessions[i].id))
            rooms = self.rooms[t]
            if self.stability is not None:
                rooms = self._assign_rooms(t, members)
            for i, room in zip(members, rooms, strict=False):
                found.append(Placement(self.sessions[i].id, room.id, slot))
        return found

    def _assign_rooms(self, t: int, members: list[int]) -> list[Room]:
        """The rooms of slot `t` for its `members` (most voted first) that cost the least
        overflow plus room changes (a session that had another room in this slot); among equals,
        the closest to the sorted matching (the most voted in the biggest room)."""
        assert self.stability is not None
        room_cost = self.stability.room_cost
        rooms = self.rooms[t]
        cost = []
        for rank, i in enumerate(members):
            origin = self.origin.get(i)
            row = []
            for place, room in enumerate(rooms):
                c = _excess(self.votes[i], room.capacity) + 1e-9 * (rank - place) ** 2
                if origin is not None and origin[0] == t and origin[1] != room.id:
                    c += room_cost
                row.append(c)
            cost.append(row)
        return [rooms[r] for r in _assignment(cost)]

    def waiting(self) -> list[Waiting]:
        found = []
        for i, session in enumerate(self.sessions):
            if self.slot_of[i] >= 0:
                continue
            if self.slot_ids and all(slot in session.unavailable for slot in self.slot_ids):
                reason = Reason.UNAVAILABLE
            elif all(
                len(self.members[t]) >= self.cells[t]
                for t, slot in enumerate(self.slot_ids)
                if slot not in session.unavailable
            ):
                reason = Reason.GRID_FULL
            else:
                reason = Reason.HOSTS_BUSY
            found.append(Waiting(session.id, reason))
        return found


def _assignment(cost: list[list[float]]) -> list[int]:
    """The column of each row that minimises the total cost, every column used at most once
    (rows <= columns): the Hungarian method with potentials, O(rows² · columns)."""
    n = len(cost)
    m = len(cost[0]) if n else 0
    inf = math.inf
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    owner, way = [0] * (m + 1), [0] * (m + 1)  # owner[j]: the row (1-based) in column j
    for row in range(1, n + 1):
        owner[0], j0 = row, 0
        least, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < least[j]:
                        least[j], way[j] = reduced, j0
                    if least[j] < delta:
                        delta, j1 = least[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    found = [-1] * n
    for j in range(1, m + 1):
        if owner[j]:
            found[owner[j] - 1] = j - 1
    return found
