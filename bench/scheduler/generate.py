"""Seeded barcamp instances in the event-file format (docs/event-format.md).

Realistic by construction: session popularity is skewed (a log-normal draw), each participant
cares about one to three themes and spends most votes there (so votes cluster and sessions of a
theme share their audience), there is one big room and several small ones, and the most popular
sessions draw more voters than the big room seats. The adversarial knobs add hosts with many
sessions, sessions with many unavailable slots (one with all of them), pins, sessions nobody
votes for and a session everybody wants.

    python bench/scheduler/generate.py oocamp --seed 1 > oocamp.json
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Spec:
    name: str
    sessions: int
    rooms: int
    slots: int
    participants: int
    votes: int  # about this many in all
    seed: int = 1
    themes: int = 8
    spread: float = 0.9  # sigma of the log-normal popularity
    unavailable: float = 0.15  # share of sessions whose hosts miss a slot or two
    max_unavailable: int = 2
    busy_hosts: int = 0  # participants hosting `busy_sessions` sessions each
    busy_sessions: int = 0
    pins: int = 0
    zero_votes: int = 0  # sessions nobody votes for
    everyone: int = 0  # sessions everybody votes for
    unavailable_everywhere: int = 0  # sessions whose hosts can do no slot at all
    withdrawn: int = 0

    @property
    def cells(self) -> int:
        return self.rooms * self.slots


SPECS = {
    "small": Spec("small", sessions=18, rooms=4, slots=5, participants=50, votes=300),
    "oocamp": Spec("oocamp", sessions=50, rooms=6, slots=9, participants=150, votes=1500),
    "oocamp-b": Spec(
        "oocamp-b", sessions=52, rooms=6, slots=9, participants=150, votes=1500, seed=2
    ),
    "tight": Spec("tight", sessions=64, rooms=6, slots=9, participants=150, votes=1700, seed=3),
    "adversarial": Spec(
        "adversarial",
        sessions=56,
        rooms=6,
        slots=9,
        participants=150,
        votes=1500,
        seed=4,
        unavailable=0.4,
        max_unavailable=6,
        busy_hosts=3,
        busy_sessions=6,
        pins=6,
        zero_votes=6,
        everyone=1,
        unavailable_everywhere=1,
        withdrawn=2,
    ),
    "large": Spec(
        "large", sessions=300, rooms=20, slots=16, participants=3000, votes=60000, seed=5
    ),
}
QUICK = ("small", "oocamp", "tight", "adversarial")


def generate(spec: Spec) -> dict:
    """The event file of one instance (deterministic for the spec and its seed)."""
    rng = random.Random(f"{spec.name}/{spec.seed}")
    per_room = spec.participants / spec.rooms
    capacities = [max(10, round(3 * per_room))] + sorted(
        (max(8, round(per_room * rng.uniform(0.5, 1.4))) for _ in range(spec.rooms - 1)),
        reverse=True,
    )
    rooms = [
        {"key": f"r{i + 1}", "name": f"Room {i + 1}", "capacity": c}
        for i, c in enumerate(capacities)
    ]
    slots = _slots(spec.slots)
    session_slots = [s["key"] for s in slots if s["kind"] == "sessions"]
    people = [f"p{i + 1}" for i in range(spec.participants)]
    participants = [
        {"key": key, "name": f"Participant {i + 1}", "email": None, "role": "participant"}
        for i, key in enumerate(people)
    ]
    participants[0]["role"] = "organiser"
    themes = [f"t{i + 1}" for i in range(spec.themes)]

    # hosts: most host one session, a few host two or three (and the busy ones many)
    busy = people[: spec.busy_hosts]
    hosting: list[list[str]] = []
    for i in range(spec.sessions):
        if i < spec.busy_hosts * spec.busy_sessions:
            hosts = [busy[i % spec.busy_hosts]]
        else:
            hosts = [people[int(len(people) * rng.random() ** 1.6)]]
            if rng.random() < 0.2:
                hosts.append(rng.choice(people))
        hosting.append(sorted(set(hosts), key=people.index))

    sessions = []
    popularity = []
    for i in range(spec.sessions):
        unavailable: list[str] = []
        if i < spec.unavailable_everywhere:
            unavailable = list(session_slots)
        elif rng.random() < spec.unavailable:
            count = rng.randint(1, min(spec.max_unavailable, len(session_slots) - 1))
            unavailable = sorted(rng.sample(session_slots, count), key=session_slots.index)
        status = "withdrawn" if spec.sessions - i <= spec.withdrawn else "proposed"
        sessions.append(
            {
                "key": f"x{i + 1}",
                "title": f"Session {i + 1}",
                "kind": rng.choice(["discussion", "presentation", "demo"]),
                "hosts": hosting[i],
                "themes": [rng.choice(themes)],
                "unavailable_slots": unavailable,
                "status": status,
            }
        )
        popularity.append(math.exp(rng.gauss(0, spec.spread)))
    # the zero-vote and everybody's sessions are taken among the ordinary ones
    ordinary = range(spec.unavailable_everywhere, spec.sessions - spec.withdrawn)
    picked = rng.sample(ordinary, spec.zero_votes + spec.everyone)
    nobody, everybody = set(picked[: spec.zero_votes]), picked[spec.zero_votes :]

    votes = []
    mean = spec.votes / spec.participants - len(everybody)
    for person in people:
        interests = set(rng.sample(themes, rng.choice([1, 1, 2, 2, 3])))
        want = max(1, min(spec.sessions, round(rng.lognormvariate(math.log(mean), 0.45))))
        keys = []
        for i, session in enumerate(sessions):
            if i in nobody or i in everybody:
                continue
            weight = popularity[i] * (6.0 if session["themes"][0] in interests else 0.4)
            keys.append((rng.random() ** (1 / weight), i))  # weighted sampling, no repeats
        chosen = [i for _key, i in sorted(keys, reverse=True)[:want]] + everybody
        votes += [{"participant": person, "session": f"x{i + 1}"} for i in sorted(chosen)]

    placements = _pins(rng, spec, sessions, rooms, session_slots)
    return {
        "format": "oocamp-event/1",
        "exported_at": "2026-01-01T00:00:00Z",
        "event": {
            "slug": f"bench-{spec.name}-{spec.seed}",
            "name": f"Bench {spec.name} (seed {spec.seed})",
            "date": "2026-06-13",
            "timezone": "Europe/Brussels",
            "language": "en",
            "votes_per_participant": None,
            "phase": "voting",
        },
        "rooms": rooms,
        "slots": slots,
        "participants": participants,
        "themes": [{"key": t, "name": f"Theme {t[1:]}"} for t in themes],
        "sessions": sessions,
        "votes": votes,
        "placements": placements,
    }


def _slots(count: int) -> list[dict]:
    """An opening plenary, `count` session slots of 45 minutes with a lunch after the third,
    and a closing plenary."""
    moment = datetime(2026, 6, 13, 9, 0)
    slots = []

    def add(kind: str, minutes: int, label: str = "") -> None:
        nonlocal moment
        end = moment + timedelta(minutes=minutes)
        slot = {
            "key": f"s{len(slots) + 1}",
            "start": moment.isoformat(timespec="minutes"),
            "end": end.isoformat(timespec="minutes"),
            "kind": kind,
        }
        if label:
            slot["label"] = label
        slots.append(slot)
        moment = end + timedelta(minutes=5 if kind == "sessions" else 0)

    add("plenary", 30, "Opening")
    for i in range(count):
        add("sessions", 45)
        if i == 2:
            add("break", 45, "Lunch")
    add("plenary", 20, "Closing")
    return slots


def _pins(rng, spec: Spec, sessions, rooms, session_slots) -> list[dict]:
    """`spec.pins` valid pins on random sessions (the most voted one among them, in a small
    room: an organiser's whim the scheduler must live with)."""
    placements = []
    taken: set[tuple[str, str]] = set()
    busy: set[tuple[str, str]] = set()
    candidates = [s for s in sessions if s["status"] != "withdrawn"]
    for session in rng.sample(candidates, min(spec.pins, len(candidates))):
        options = [
            (room["key"], slot)
            for slot in session_slots
            for room in rooms
            if slot not in session["unavailable_slots"]
            and (room["key"], slot) not in taken
            and not any((host, slot) in busy for host in session["hosts"])
        ]
        if not options:
            continue
        room, slot = rng.choice(options)
        taken.add((room, slot))
        busy.update((host, slot) for host in session["hosts"])
        placements.append({"session": session["key"], "room": room, "slot": slot, "pinned": True})
    return placements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(SPECS))
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    spec = SPECS[args.name]
    if args.seed is not None:
        spec = replace(spec, seed=args.seed)
    json.dump(generate(spec), sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
