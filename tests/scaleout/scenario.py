"""The Django side of the scale-out test: run by `manage.py shell` against the test's own
database (the test itself only speaks HTTP), so the app processes see exactly these rows.

`setup()` makes two small events and prints what the test needs as one JSON line after
MARK; `check()` prints the votes and the hard-rule conflicts of both grids the same way."""

import json

from sessions_app import scheduling
from sessions_app.grid import placements_of, problem_for, snapshot
from sessions_app.models import Event, Participant, Vote
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_signed_in_session,
    make_slot,
)

MARK = "SCALEOUT-JSON "
LIVE, SHOWN = "scale-camp", "scale-grid"
VOTERS = 120
SESSIONS = 30


def setup() -> None:
    live = make_event(name="Scale camp", slug=LIVE, phase=Event.Phase.VOTING)
    rooms = [make_room(live, capacity=40) for _ in range(3)]
    slots = [make_slot(live, f"{h}:00", f"{h}:45") for h in (10, 11, 13, 14)]
    organiser = make_participant(live, name="Olga Organiser", role=Participant.Role.ORGANISER)
    voters = [make_participant(live) for _ in range(VOTERS)]
    sessions = [make_session(live, hosts=[voters[i]]) for i in range(SESSIONS)]
    cells = [(room, slot) for slot in slots for room in rooms]
    for session, (room, slot) in zip(sessions[:8], cells, strict=False):
        make_placement(session, room, slot)

    shown = make_event(name="Scale grid", slug=SHOWN, phase=Event.Phase.PUBLISHED)
    shown_rooms = [make_room(shown, capacity=40) for _ in range(2)]
    shown_slots = [make_slot(shown, f"{h}:00", f"{h}:45") for h in (10, 11, 13)]
    make_participant(
        shown, name="Olga Organiser", role=Participant.Role.ORGANISER, user=organiser.user
    )
    hosts = [make_participant(shown) for _ in range(4)]
    shown_sessions = [make_session(shown, hosts=[host]) for host in hosts]
    shown_cells = [(room, slot) for slot in shown_slots for room in shown_rooms]
    for session, (room, slot) in zip(shown_sessions, shown_cells, strict=False):
        make_placement(session, room, slot)

    print(
        MARK
        + json.dumps(
            {
                "join_code": live.join_code,
                "organiser": make_signed_in_session(organiser.user, code_given=True),
                "voters": [make_signed_in_session(voter.user) for voter in voters],
                "voter_ids": [voter.pk for voter in voters],
                "sessions": [session.pk for session in sessions],
                "shown": {
                    "sessions": [session.pk for session in shown_sessions],
                    "free_cell": [shown_cells[-1][0].pk, shown_cells[-1][1].pk],
                    "version": Event.objects.get(pk=shown.pk).grid_version,
                },
            }
        )
    )


def check() -> None:
    """What the database holds after the run: every vote, and the rules each grid breaks."""
    result: dict = {
        "votes": list(
            Vote.objects.filter(session__event__slug=LIVE).values_list(
                "participant_id", "session_id"
            )
        )
    }
    for event in Event.objects.filter(slug__in=[LIVE, SHOWN]):
        found = scheduling.conflicts(problem_for(event), placements_of(snapshot(event)))
        result[event.slug] = {"conflicts": [repr(c) for c in found], "version": event.grid_version}
    print(MARK + json.dumps(result))
