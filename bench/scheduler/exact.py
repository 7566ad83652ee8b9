"""The best grid OR-Tools CP-SAT finds in a given time, with its lower bound (bench only: the
app never imports this; install with `pip install -e .[bench]`).

The model is exact for `lost` and every hard rule of shared/scheduling.md, rule 6 included:

- y[s, t]: movable session s in slot t (only slots its hosts can do and where no pinned session
  has one of its hosts); at most one slot each; at most the free cells of a slot; a host at
  most once per slot.
- rooms: within a slot only the capacities matter, so sessions that could overflow somewhere
  take a room *size* z[s, t, c] (at most as many as there are free rooms of that size); the
  others fit anywhere. Overflow = sum z * max(0, votes - c).
- clashes: per person who wants two sessions or more and per slot, an integer
  k[p, t] >= (sessions p wants in t) - 1; the redundant sum over slots
  sum_t k[p, t] >= (placed sessions p wants) - slots strengthens the bound.
- rule 6: full[t] may be 1 only if slot t is full; for every session s and slot t it could
  have, placed[s] + full[t] + (a session sharing a host with s in t) >= 1.

The grid is read back from y, with rooms by sorted matching (optimal within a slot), and its
`lost` recomputed by `measure.lost`; `measure.conflicts(..., complete=True)` must be empty."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from sessions_app.scheduling import Placement, Problem, conflicts, lost


@dataclass(frozen=True)
class Exact:
    placements: tuple[Placement, ...]
    lost: int | None  # None: no grid found in the time
    bound: int
    status: str
    elapsed: float


def solve(
    problem: Problem,
    *,
    time_limit: float,
    workers: int = 2,
    hint: list[Placement] | None = None,
    min_placed: int = 0,
    seed: int = 0,
) -> Exact:
    """`min_placed`: place at least this many sessions, pins included (the planner never
    leaves a session out to make room for others; rule 6 alone would let it, through busy
    hosts, so a fair comparison asks the same of the exact solver)."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    slots = problem.slots
    pins = [p for p in problem.pinned if not problem.session(p.session).withdrawn]
    pinned_ids = {p.session for p in pins}
    active = [s for s in problem.sessions if not s.withdrawn]
    movable = [s for s in active if s.id not in pinned_ids]
    pinned_cells = {p.cell for p in pins}
    pinned_hosts: dict[int, set[int]] = defaultdict(set)
    pinned_wanted: dict[int, Counter[int]] = defaultdict(Counter)
    for p in pins:
        pinned_hosts[p.slot] |= problem.session(p.session).hosts
        pinned_wanted[p.slot].update(problem.wanted_by(p.session))
    free_rooms = {
        t: sorted(
            (r for r in problem.rooms if (r.id, t) not in pinned_cells),
            key=lambda r: (-r.capacity, r.id),
        )
        for t in slots
    }
    votes = {s.id: len(problem.voters(s.id)) for s in active}

    y: dict[tuple[int, int], cp_model.IntVar] = {}
    allowed: dict[int, list[int]] = {}
    for s in movable:
        allowed[s.id] = [
            t
            for t in slots
            if t not in s.unavailable and not (s.hosts & pinned_hosts[t]) and free_rooms[t]
        ]
        for t in allowed[s.id]:
            y[s.id, t] = model.new_bool_var(f"y{s.id}_{t}")
    placed = {}
    for s in movable:
        placed[s.id] = model.new_bool_var(f"placed{s.id}")
        model.add(sum(y[s.id, t] for t in allowed[s.id]) == placed[s.id])
    by_slot: dict[int, list[int]] = defaultdict(list)
    for s_id, t in y:
        by_slot[t].append(s_id)
    for t in slots:
        model.add(sum(y[s, t] for s in by_slot[t]) <= len(free_rooms[t]))
    model.add(sum(placed.values()) + len(pins) >= min_placed)
    by_host: dict[int, list[int]] = defaultdict(list)
    for s in movable:
        for h in s.hosts:
            by_host[h].append(s.id)
    for hosted in by_host.values():
        if len(hosted) > 1:
            for t in slots:
                terms = [y[s, t] for s in hosted if (s, t) in y]
                if len(terms) > 1:
                    model.add_at_most_one(terms)

    objective = []
    constant = sum(votes[s.id] for s in movable)
    objective += [-votes[s.id] * placed[s.id] for s in movable]
    constant += sum(max(0, votes[p.session] - problem.room(p.room).capacity) for p in pins)
    # overflow through room sizes
    z_vars: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for t in slots:
        sizes = Counter(r.capacity for r in free_rooms[t])
        smallest = min(sizes) if sizes else 0
        at_size: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for s_id in by_slot[t]:
            if votes[s_id] <= smallest:
                continue
            choices = []
            for c in sizes:
                z = model.new_bool_var(f"z{s_id}_{t}_{c}")
                z_vars[s_id, t, c] = z
                choices.append(z)
                at_size[c].append(z)
                if votes[s_id] > c:
                    objective.append((votes[s_id] - c) * z)
            model.add(sum(choices) == y[s_id, t])
        for c, zs in at_size.items():
            model.add(sum(zs) <= sizes[c])
    # clashes
    k_vars: list[tuple[cp_model.IntVar, int, list[int], int]] = []
    wanted_by_person: dict[int, list[int]] = defaultdict(list)
    for s in movable:
        for person in problem.wanted_by(s.id):
            wanted_by_person[person].append(s.id)
    pinned_count = Counter()
    for t in slots:
        for person, count in pinned_wanted[t].items():
            pinned_count[person] += 1
            if count > 1:
                constant += count - 1 if person not in wanted_by_person else 0
    for person, sessions in wanted_by_person.items():
        if len(sessions) + pinned_count[person] < 2:
            continue
        per_slot = []
        for t in slots:
            terms = [y[s, t] for s in sessions if (s, t) in y]
            fixed = pinned_wanted[t][person]
            if len(terms) + fixed < 2:
                continue
            k = model.new_int_var(0, len(terms) + fixed - 1, f"k{person}_{t}")
            k_vars.append((k, t, [s for s in sessions if (s, t) in y], fixed))
            model.add(k >= sum(terms) + fixed - 1)
            per_slot.append(k)
            objective.append(k)
        if per_slot:  # sum over slots of max(0, n - 1) >= (sum of n) - slots
            fixed_total = sum(pinned_wanted[t][person] for t in slots)
            model.add(sum(per_slot) >= sum(placed[s] for s in sessions) + fixed_total - len(slots))
    # rule 6
    full = {}
    for t in slots:
        full[t] = model.new_bool_var(f"full{t}")
        model.add(sum(y[s, t] for s in by_slot[t]) >= len(free_rooms[t])).only_enforce_if(full[t])
    mates = {s.id: {m for h in s.hosts for m in by_host[h]} - {s.id} for s in movable}
    for s in movable:
        for t in allowed[s.id]:
            blockers = [y[m, t] for m in sorted(mates[s.id]) if (m, t) in y]
            model.add_bool_or([placed[s.id], full[t], *blockers])

    model.minimize(sum(objective) + constant)
    if hint:
        _add_hint(model, hint, y, placed, z_vars, k_vars, full, free_rooms, votes)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    elapsed = time.perf_counter() - started
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Exact((), None, int(solver.best_objective_bound), name, elapsed)
    placements = [Placement(p.session, p.room, p.slot, True) for p in pins]
    for t in slots:
        chosen = sorted(
            (s for s in by_slot[t] if solver.value(y[s, t])), key=lambda s: (-votes[s], s)
        )
        placements += [
            Placement(s, room.id, t) for s, room in zip(chosen, free_rooms[t], strict=False)
        ]
    found = lost(problem, placements)
    broken = conflicts(problem, placements, complete=True)
    if broken:
        raise AssertionError(f"the exact model let a broken grid through: {broken[:3]}")
    if found.total != round(solver.objective_value):
        raise AssertionError(f"model lost {solver.objective_value} != measured {found}")
    bound = int(-(-solver.best_objective_bound // 1))  # ceiling: lost is an integer
    return Exact(tuple(placements), found.total, bound, name, elapsed)


def _add_hint(model, hint, y, placed, z_vars, k_vars, full, free_rooms, votes) -> None:
    """A complete hint (every variable) from a valid grid, so CP-SAT starts from it."""
    slot_of = {p.session: p.slot for p in hint if not p.pinned}
    for (s, t), var in y.items():
        model.add_hint(var, slot_of.get(s) == t)
    for s, var in placed.items():
        model.add_hint(var, s in slot_of)
    members: dict[int, list[int]] = defaultdict(list)
    for s, t in slot_of.items():
        members[t].append(s)
    capacity = {}
    for t, sessions in members.items():
        ranked = sorted(sessions, key=lambda s: (-votes[s], s))
        for s, room in zip(ranked, free_rooms[t], strict=False):
            capacity[s] = room.capacity
    for (s, t, c), var in z_vars.items():
        model.add_hint(var, slot_of.get(s) == t and capacity[s] == c)
    for var, t, sessions, fixed in k_vars:
        model.add_hint(var, max(0, sum(slot_of.get(s) == t for s in sessions) + fixed - 1))
    for t, var in full.items():
        model.add_hint(var, len(members[t]) >= len(free_rooms[t]))
