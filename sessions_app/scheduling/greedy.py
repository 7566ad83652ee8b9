"""The plain greedy grid: the baseline the planner is measured against (bench/scheduler).

Pinned placements stay; the other sessions, most votes first (then by id), each take the cell
that adds the least `lost` at their turn (clashes in that slot plus voters that do not fit),
earliest slot first on ties, then the smallest room that seats everyone. It never looks back,
which is what the planner improves on. It keeps the hard rules of shared/scheduling.md (rule 6
because cells only fill up and hosts only get busier: a session that finds no cell at its turn
finds none later); impossible pins are the caller's to refuse (`conflicts()` names them)."""

from __future__ import annotations

from collections import defaultdict

from sessions_app.scheduling.model import Placement, Problem


def greedy(problem: Problem) -> list[Placement]:
    """One placement per session that fits, pinned ones first; deterministic."""
    placements = [
        Placement(p.session, p.room, p.slot, True)
        for p in problem.pinned
        if not problem.session(p.session).withdrawn
    ]
    pinned = {p.session for p in placements}
    taken = {p.cell for p in placements} | problem.closed
    hosts_in_slot: dict[int, set[int]] = defaultdict(set)
    wanted_in_slot: dict[int, set[int]] = defaultdict(set)
    for p in placements:
        hosts_in_slot[p.slot] |= problem.session(p.session).hosts
        wanted_in_slot[p.slot] |= problem.wanted_by(p.session)
    order = sorted(
        (s for s in problem.sessions if not s.withdrawn and s.id not in pinned),
        key=lambda s: (-len(problem.voters(s.id)), s.id),
    )
    rooms = sorted(problem.rooms, key=lambda room: (room.capacity, room.id))
    for session in order:
        votes = len(problem.voters(session.id))
        wanted = problem.wanted_by(session.id)
        best: tuple[tuple[int, int, int], int, int] | None = None
        for slot_index, slot in enumerate(problem.slots):
            if slot in session.unavailable or session.hosts & hosts_in_slot[slot]:
                continue
            clashes = len(wanted & wanted_in_slot[slot])
            for room_index, room in enumerate(rooms):
                if (room.id, slot) in taken:
                    continue
                overflow = max(0, votes - room.capacity)
                # rooms go smallest first: the first that seats everyone, else the largest
                fit = room_index if overflow == 0 else len(rooms) - room_index
                key = (clashes + overflow, slot_index, fit)
                if best is None or key < best[0]:
                    best = (key, room.id, slot)
        if best is None:
            continue
        _key, room_id, slot = best
        placements.append(Placement(session.id, room_id, slot))
        taken.add((room_id, slot))
        hosts_in_slot[slot] |= session.hosts
        wanted_in_slot[slot] |= wanted
    return placements
