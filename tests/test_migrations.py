"""Data migrations, run as their RunPython functions on today's models (django.apps.apps):
0008 gives the participants of events published before follows existed the follows that
publication gives (their votes), so My day shows what they voted for."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from sessions_app.models import Event, Follow, Participant
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_vote,
)

pytestmark = pytest.mark.django_db

votes_become_follows = importlib.import_module(
    "sessions_app.migrations.0008_votes_become_follows_in_published_events"
)


def migrate() -> None:
    schema_editor = SimpleNamespace(connection=connection)  # the function reads its alias only
    votes_become_follows.follow_votes_of_published_events(apps, schema_editor)


def my_day(participant: Participant) -> list[str]:
    client = Client(headers={"accept-language": "en"})
    client.force_login(participant.user)
    response = client.get(reverse("participant:my-page", args=[participant.event.slug]))
    return [session.title for session in response.context["day"]]


def follows_of(participant: Participant) -> list[str]:
    return sorted(
        Follow.objects.filter(participant=participant).values_list("session__title", flat=True)
    )


@pytest.mark.parametrize("phase", [Event.Phase.PUBLISHED, Event.Phase.ARCHIVED])
def test_0008_gives_voters_of_a_published_event_their_votes_as_follows(phase):
    event = make_event(slug="buurtcamp", language="en", phase=phase)
    room = make_room(event)
    ten, eleven = make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")
    buurtwerk = make_session(event, title="Buurtwerk", hosts=[make_participant(event)])
    open_data = make_session(event, title="Open data", hosts=[make_participant(event)])
    make_placement(buurtwerk, room, ten)
    make_placement(open_data, room, eleven)
    fien, hanne = make_participant(event, "Fien"), make_participant(event, "Hanne")
    for voter in (fien, hanne):
        make_vote(voter, buurtwerk)
        make_vote(voter, open_data)
    Follow.objects.create(participant=hanne, session=open_data)  # her own choice since
    voting = make_event(slug="later-camp", phase=Event.Phase.VOTING)
    early = make_participant(voting, "Jonas")
    make_vote(early, make_session(voting, title="Later", hosts=[make_participant(voting)]))

    migrate()

    assert my_day(fien) == ["Buurtwerk", "Open data"]
    assert follows_of(hanne) == ["Open data"]
    assert follows_of(early) == []  # voting still open: votes are votes


def test_0008_goes_back_without_changing_anything():
    (operation,) = votes_become_follows.Migration.operations

    assert operation.reversible
    assert operation.reverse_code is operation.noop
