"""Data for the load suite, made inside the server's database by
`manage.py shell -c "from tests.load.seed import seed; seed('out.json')"`.

- "load-votes": voting open, 30 sessions, VOTERS participants, each signed in already (a
  session row made here, its key handed to locust): no sign-in traffic in the figures.
- "load-live": a published grid of 6 rooms x 6 slots holding 24 sessions, 10 organisers signed
  in likewise; everyone else looks at it anonymously, as the public does."""

import json

from django.conf import settings

from sessions_app.models import Event, Participant
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_signed_in_session,
    make_slot,
)

VOTERS = 250  # 200 for the vote load (row 1), 50 for the restarts (row 16)
ORGANISERS = 10


def seed(out: str) -> None:
    votes = make_event(slug="load-votes", name="Load votes", phase=Event.Phase.VOTING)
    sessions = [make_session(votes, title=f"Voted session {n}") for n in range(30)]
    voters = [make_participant(votes, f"Voter {n}") for n in range(VOTERS)]

    live = make_event(slug="load-live", name="Load live", phase=Event.Phase.PUBLISHED)
    rooms = [make_room(live, name=f"Room {n}") for n in range(6)]
    slots = [make_slot(live, f"{9 + n:02}:00", f"{9 + n:02}:45") for n in range(6)]
    grid_sessions = [make_session(live, title=f"Live session {n}") for n in range(24)]
    for n, session in enumerate(grid_sessions):
        make_placement(session, rooms[n % 6], slots[n // 6])
    organisers = [
        make_participant(live, f"Organiser {n}", role=Participant.Role.ORGANISER)
        for n in range(ORGANISERS)
    ]
    data = {
        "votes": {
            "slug": votes.slug,
            "sessions": [s.pk for s in sessions],
            "voters": [make_signed_in_session(p.user) for p in voters],
            "participants": [p.pk for p in voters],
        },
        "live": {
            "slug": live.slug,
            "event": live.pk,
            "rooms": [r.pk for r in rooms],
            "slots": [s.pk for s in slots],
            "sessions": [s.pk for s in grid_sessions],
            "organisers": [make_signed_in_session(p.user, code_given=True) for p in organisers],
        },
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }
    with open(out, "w") as f:
        json.dump(data, f)
