"""The database guards of migration 0002, on SQLite and PostgreSQL alike: rows that join two
things of an event join things of the same event, the dot-voting budget holds, sessions go in
session slots. Every write here goes straight through the ORM, past the actions and forms, and
every refusal is an IntegrityError whose message starts with the rule's name."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from sessions_app.models import Event, Host, Placement, Session, Slot, Vote
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

pytestmark = pytest.mark.django_db


def refused_by(rule: str, write) -> None:
    """`write()` fails with an IntegrityError that names `rule` and leaves nothing behind."""
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        write()

    assert str(refusal.value).split(":")[0] == rule


@pytest.fixture
def other_event() -> Event:
    return make_event(name="Other Camp")


# ---- votes --------------------------------------------------------------------------------


def test_a_vote_for_a_session_of_another_event_is_refused(event, participant, other_event):
    foreign = make_session(other_event)

    refused_by(
        "vote_same_event", lambda: Vote.objects.create(participant=participant, session=foreign)
    )

    assert Vote.objects.count() == 0


def test_moving_a_vote_to_a_session_of_another_event_is_refused(event, participant, other_event):
    vote = make_vote(participant, make_session(event))
    vote.session = make_session(other_event)

    refused_by("vote_same_event", vote.save)

    assert Vote.objects.get().session.event == event


def test_a_vote_is_cast_only_while_voting_is_open():
    for phase in [Event.Phase.PROPOSALS, Event.Phase.PUBLISHED, Event.Phase.ARCHIVED]:
        event = make_event(phase=phase)
        voter, session = make_participant(event), make_session(event)

        refused_by(
            "vote_phase",
            lambda v=voter, s=session: Vote.objects.create(participant=v, session=s),
        )

    assert Vote.objects.count() == 0


def test_votes_of_a_closed_event_stay_and_go_with_their_session():
    event = make_event(phase=Event.Phase.VOTING)
    voter, session = make_participant(event), make_session(event)
    Vote.objects.create(participant=voter, session=session)
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.ARCHIVED)

    assert voter.votes.count() == 1
    session.delete()
    assert Vote.objects.count() == 0


def test_the_dot_voting_budget_holds_in_the_database():
    event = make_event(votes_per_participant=2, phase=Event.Phase.VOTING)
    voter = make_participant(event)
    first, second, third = (make_session(event) for _ in range(3))
    make_vote(voter, first)
    make_vote(voter, second)

    refused_by("vote_budget", lambda: Vote.objects.create(participant=voter, session=third))

    assert sorted(voter.votes.values_list("session", flat=True)) == [first.pk, second.pk]


def test_without_a_budget_a_participant_votes_for_as_many_sessions_as_they_like(event, participant):
    sessions = [make_session(event) for _ in range(12)]

    for session in sessions:
        make_vote(participant, session)

    assert participant.votes.count() == 12


def test_the_budget_counts_per_participant():
    event = make_event(votes_per_participant=1)
    ann, ben = make_participant(event), make_participant(event)
    session = make_session(event)

    make_vote(ann, session)
    make_vote(ben, session)

    assert session.votes.count() == 2


# ---- hosts --------------------------------------------------------------------------------


def test_a_host_from_another_event_is_refused(event, other_event):
    session = make_session(event)
    stranger = make_participant(other_event)

    refused_by(
        "host_same_event", lambda: Host.objects.create(session=session, participant=stranger)
    )

    assert Host.objects.count() == 0


# ---- placements ---------------------------------------------------------------------------


@pytest.fixture
def session(event) -> Session:
    return make_session(event)


def test_a_placement_in_a_room_of_another_event_is_refused(event, session, other_event):
    room, slot = make_room(other_event), make_slot(event)

    refused_by(
        "placement_same_event",
        lambda: Placement.objects.create(session=session, room=room, slot=slot),
    )

    assert Placement.objects.count() == 0


def test_a_placement_in_a_slot_of_another_event_is_refused(event, session, other_event):
    room, slot = make_room(event), make_slot(other_event)

    refused_by(
        "placement_same_event",
        lambda: Placement.objects.create(session=session, room=room, slot=slot),
    )

    assert Placement.objects.count() == 0


def test_moving_a_placement_to_a_room_of_another_event_is_refused(event, session, other_event):
    placement = make_placement(session, make_room(event), make_slot(event))
    placement.room = make_room(other_event)

    refused_by("placement_same_event", placement.save)

    assert Placement.objects.get().room.event == event


@pytest.mark.parametrize("kind", [Slot.Kind.BREAK, Slot.Kind.PLENARY])
def test_a_placement_outside_a_session_slot_is_refused(event, session, kind):
    room, slot = make_room(event), make_slot(event, kind=kind)

    refused_by(
        "placement_session_slot",
        lambda: Placement.objects.create(session=session, room=room, slot=slot),
    )

    assert Placement.objects.count() == 0


@pytest.mark.parametrize("kind", [Slot.Kind.BREAK, Slot.Kind.PLENARY])
def test_a_slot_that_holds_a_session_cannot_become_a_break(event, session, kind):
    slot = make_slot(event)
    make_placement(session, make_room(event), slot)
    slot.kind = kind

    refused_by("placement_session_slot", slot.save)

    assert Slot.objects.get().kind == Slot.Kind.SESSIONS


def test_an_empty_slot_can_become_a_break(event):
    slot = make_slot(event)
    slot.kind = Slot.Kind.BREAK

    slot.save()

    assert Slot.objects.get().kind == Slot.Kind.BREAK


# ---- themes and unavailable slots ---------------------------------------------------------


def test_a_theme_of_another_event_is_refused(event, session, other_event):
    foreign = make_theme(other_event)

    refused_by("theme_same_event", lambda: session.themes.add(foreign))

    assert list(session.themes.all()) == []


def test_an_unavailable_slot_of_another_event_is_refused(event, session, other_event):
    foreign = make_slot(other_event)

    refused_by("unavailable_same_event", lambda: session.unavailable_slots.add(foreign))

    assert list(session.unavailable_slots.all()) == []


def test_themes_and_slots_of_the_same_event_are_fine(event, session):
    theme, slot = make_theme(event), make_slot(event)

    session.themes.add(theme)
    session.unavailable_slots.add(slot)

    assert (list(session.themes.all()), list(session.unavailable_slots.all())) == ([theme], [slot])


# ---- reserved slugs (a validator, not a database guard) -----------------------------------


@pytest.mark.parametrize("slug", ["join", "signin", "admin", "Accounts"])
def test_an_event_cannot_take_a_reserved_slug(slug):
    event = Event(slug=slug, name="Sneaky", date="2026-06-13")

    with pytest.raises(ValidationError) as refusal, translation.override("en"):
        event.full_clean()

    with translation.override("en"):
        assert refusal.value.message_dict == {
            "slug": [f"“{slug}” is reserved; choose another short name."]
        }
