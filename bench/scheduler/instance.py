"""An event file (docs/event-format.md) as the scheduler's `Problem`, without Django: what
`sessions_app.grid.problem_for` reads from the database, read from the JSON instead. Keys become
ids by their position in their list (1, 2, ...)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sessions_app.scheduling import Placement, Problem, Room, Session


@dataclass(frozen=True)
class Instance:
    name: str
    problem: Problem
    votes: int

    @property
    def shape(self) -> str:
        p = self.problem
        active = sum(1 for s in p.sessions if not s.withdrawn)
        return f"{active}/{len(p.rooms)}/{len(p.slots)}/{self.votes}"


def problem_of(document: dict) -> Problem:
    def ids(items: list[dict]) -> dict[str, int]:
        return {item["key"]: n for n, item in enumerate(items, start=1)}

    room_ids, slot_ids = ids(document["rooms"]), ids(document["slots"])
    people, session_ids = ids(document["participants"]), ids(document["sessions"])
    rooms = tuple(Room(room_ids[r["key"]], r["capacity"]) for r in document["rooms"])
    session_slots = sorted(
        (s for s in document["slots"] if s["kind"] == "sessions"), key=lambda s: s["start"]
    )
    slots = tuple(slot_ids[s["key"]] for s in session_slots)
    sessions = tuple(
        Session(
            session_ids[s["key"]],
            hosts=frozenset(people[h] for h in s["hosts"]),
            unavailable=frozenset(slot_ids[k] for k in s.get("unavailable_slots", [])),
            withdrawn=s.get("status") == "withdrawn",
        )
        for s in document["sessions"]
    )
    votes: dict[int, set[int]] = defaultdict(set)
    for vote in document["votes"]:
        votes[session_ids[vote["session"]]].add(people[vote["participant"]])
    pinned = tuple(
        Placement(session_ids[p["session"]], room_ids[p["room"]], slot_ids[p["slot"]], True)
        for p in document.get("placements", [])
        if p.get("pinned")
    )
    return Problem(
        rooms=rooms,
        slots=slots,
        sessions=sessions,
        votes={k: frozenset(v) for k, v in votes.items()},
        pinned=pinned,
    )


def instance_of(name: str, document: dict) -> Instance:
    return Instance(name, problem_of(document), len(document["votes"]))
