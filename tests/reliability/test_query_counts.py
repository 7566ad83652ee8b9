"""Row 22 of the reliability plan: the main pages make the same number of queries for 1, 3 and
30 sessions (no N+1), with a host, a vote, a theme and a place in the grid for each session.
The pages' own tests fix the exact numbers; this one only asks that they do not grow."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.models import Event, Participant
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
    make_vote,
)

PAGES = [
    ("public:event", "anonymous"),
    ("public:grid", "anonymous"),
    ("public:now", "anonymous"),
    ("participant:proposals", "participant"),
    ("participant:my-page", "participant"),
    ("organiser:grid", "organiser"),
    ("organiser:dashboard", "organiser"),
    ("organiser:material", "organiser"),
    ("public:event-report", "organiser"),
    ("public:schedule-json", "anonymous"),
]


def queries_for(n: int, name: str, who: str) -> tuple[int, int]:
    event = make_event(slug=f"n-plus-one-{n}", language="en", phase=Event.Phase.PUBLISHED)
    organiser = make_participant(event, "Olga", role=Participant.Role.ORGANISER)
    participant = make_participant(event, "Piet")
    theme = make_theme(event)
    rooms = [make_room(event) for _ in range(6)]
    slots = [make_slot(event, f"{9 + k:02}:00", f"{9 + k:02}:45") for k in range(5)]
    for k in range(n):
        session = make_session(event, [make_participant(event)])
        session.themes.add(theme)
        make_placement(session, rooms[k % 6], slots[k // 6])
        make_vote(participant, session)
    client = Client()
    if who != "anonymous":
        client.force_login((organiser if who == "organiser" else participant).user)
    url = reverse(name, args=[event.slug])
    client.get(url)  # warm caches that are filled once per process (the grid's state, say)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_queries_do_not_grow_with_the_sessions(name: str, who: str) -> None:
    seen = {n: queries_for(n, name, who) for n in (1, 3, 30)}
    print(f"{name}: queries for 1/3/30 sessions = {[seen[n][1] for n in (1, 3, 30)]}")
    assert {status for status, _count in seen.values()} == {200}
    assert seen[1][1] == seen[3][1] == seen[30][1], seen
