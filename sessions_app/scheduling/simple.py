"""The simplest valid grid: pinned sessions stay, the others go by votes into free cells.

A stand-in until the real planner lands (same input, same output). Pure Python: it imports
nothing from Django. It never breaks a hard rule of shared/scheduling.md that it can keep:

1. one session per cell, only in session slots (cells come from `problem.rooms` × `slots`);
2. no host twice in a slot and 3. no session in an unavailable slot (`can_take`);
4. pinned placements are returned as they are (impossible pins are the caller's to refuse:
   `conflicts()` names them);
5. withdrawn sessions are left out;
6. a session is left unplaced only when no free cell can take it: sessions are placed one by
   one, and a session that finds no cell at its turn finds none later (cells only fill up and
   hosts only get busier).

Among the cells a session can take it picks the one that costs least: the clashes it adds in
that slot plus the voters that do not fit in the room; ties go to the earliest slot, then to
the smallest room that still seats everyone (so big rooms stay free for big sessions)."""

from __future__ import annotations

from collections import defaultdict

from sessions_app.scheduling.model import Placement, Problem


def simple_placement(problem: Problem) -> list[Placement]:
    """One placement per session that fits, pinned ones first; deterministic."""
    placements = [
        Placement(p.session, p.room, p.slot, True)
        for p in problem.pinned
        if not problem.session(p.session).withdrawn
    ]
    pinned = {p.session for p in placements}
    taken = {p.cell for p in placements}
    hosts_in_slot: dict[int, set[int]] = defaultdict(set)
    wanted_in_slot: dict[int, set[int]] = defaultdict(set)  # who wants something there already
    for p in placements:
        hosts_in_slot[p.slot] |= problem.session(p.session).hosts
        wanted_in_slot[p.slot] |= problem.wanted_by(p.session)
    order = sorted(
        (s for s in problem.sessions if not s.withdrawn and s.id not in pinned),
        key=lambda s: (-len(problem.voters(s.id)), s.id),
    )
    for session in order:
        votes = len(problem.voters(session.id))
        wanted = problem.wanted_by(session.id)
        best: tuple[tuple[int, int, int, int], int, int] | None = None
        for slot_index, slot in enumerate(problem.slots):
            if slot in session.unavailable or session.hosts & hosts_in_slot[slot]:
                continue
            clashes = len(wanted & wanted_in_slot[slot])
            for room in problem.rooms:
                if (room.id, slot) in taken:
                    continue
                overflow = max(0, votes - room.capacity)
                # among rooms that seat everyone, the smallest; otherwise the largest
                fit = room.capacity if overflow == 0 else -room.capacity
                key = (clashes + overflow, slot_index, fit, room.id)
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
