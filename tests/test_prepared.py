"""A prepared read (sessions_app/prepared.py) answers what its queryset answers, for whichever
event it is given, in one query, with the queryset built and compiled once per thread."""

import threading
from datetime import datetime

import pytest
from django.db import connection
from django.db.models import QuerySet

from sessions_app import grid, grid_html
from sessions_app.models import Follow, Placement, Session, Slot
from sessions_app.prepared import PreparedModels, PreparedRead
from tests.factories import make_event, make_participant, make_session, make_vote
from tests.views.public.test_grid import build_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_events():
    first, second = make_event(), make_event()
    build_grid(first, rooms=3, slots=4)
    build_grid(second, rooms=2, slots=5, minutes=30)
    withdrawn = Session.objects.filter(event=second).first()
    withdrawn.status = Session.Status.WITHDRAWN
    withdrawn.hidden = True
    withdrawn.save()  # visible() leaves it out
    withdrawn.unavailable_slots.add(Slot.objects.filter(event=second).first())
    Placement.objects.filter(session__event=first).update(pinned=True)
    for event in (first, second):
        follower = make_participant(event, name="Follower")
        for session in Session.objects.filter(event=event)[:2]:
            Follow.objects.create(participant=follower, session=session)
    return first, second


READS = {
    "grid: rooms": grid_html.ROOMS,
    "grid: slots": grid_html.SLOTS,
    "grid: hosts": grid.HOST_NAMES,
    "grid: placed": grid_html.PLACED,
    "problem: snapshot": grid.SNAPSHOT,
    "problem: seats": grid.ROOM_SEATS,
    "problem: slots": grid.SESSION_SLOTS,
    "problem: hosts": grid.HOSTS,
    "editor: followers": grid.FOLLOWERS,
    "problem: unavailable": grid.UNAVAILABLE,
    "problem: voters": grid.VOTERS,
    "problem: sessions": grid.SESSION_STATES,
    "move: room names": grid.ROOM_NAMES,
    "move: slot starts": grid.SLOT_STARTS,
    "move: version and phase": grid.GRID_STATE,
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_the_grid_s_reads_answer_what_their_querysets_answer(
    read, two_events, django_assert_num_queries
):
    for event in two_events:
        expected = list(read.build(event.pk))
        with django_assert_num_queries(1):
            rows = read.rows(event.pk)

        assert rows == expected
        # both events have rows of each kind, but only the second an unavailable slot
        assert rows or (read is grid.UNAVAILABLE and event == two_events[0])


def test_booleans_come_back_as_booleans(two_events):
    pins = [pinned for *_, pinned in grid.SNAPSHOT.rows(two_events[0].pk)]
    hidden = [hidden for _, _, hidden in grid.SESSION_STATES.rows(two_events[1].pk)]

    assert pins and all(pinned is True for pinned in pins)  # SQLite's are 1 until converted
    assert sorted(hidden) == [False] * (len(hidden) - 1) + [True]
    assert all(type(value) is bool for value in hidden)


def test_dates_come_back_as_the_orm_gives_them(two_events):
    event = two_events[1]

    rows = grid_html.SLOTS.rows(event.pk)

    starts = [start for _, _, _, start, _ in rows]
    assert all(isinstance(start, datetime) and start.tzinfo is not None for start in starts)
    assert starts == list(
        Slot.objects.filter(event=event).order_by("start").values_list("start", flat=True)
    )


@pytest.mark.django_db(transaction=True)  # the other thread reads with its own connection
def test_the_queryset_is_built_once_per_thread(two_events):
    built = []

    def build(event_id: int) -> QuerySet:
        built.append(event_id)
        return Session.objects.filter(event_id=event_id).order_by("id").values_list("id", "title")

    def orm(event) -> list:
        return list(Session.objects.filter(event=event).order_by("id").values_list("id", "title"))

    read = PreparedRead(build)
    first, second = two_events

    assert read.rows(first.pk) == orm(first)
    assert read.rows(second.pk) == orm(second)
    assert len(built) == 1

    seen = []

    def elsewhere() -> None:
        try:
            seen.append(read.rows(second.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()

    assert seen == [orm(second)]
    assert len(built) == 2  # compiled again there: a compiler holds its thread's connection
    assert read.rows(first.pk) == orm(first)
    assert len(built) == 2


def test_an_annotation_named_first_comes_first(two_events):
    event = two_events[0]
    voter = make_participant(event, name="Voter X")
    session = make_session(event, hosts=[voter], title="Named first")
    make_vote(voter, session)

    def build(event_id: int) -> QuerySet:
        return (
            Session.objects.filter(event_id=event_id)
            .with_vote_count()
            .order_by("id")
            .values_list("vote_count", "title", "id")
        )

    rows = PreparedRead(build).rows(event.pk)

    assert rows == list(build(event.pk))
    assert rows[-1] == (1, "Named first", session.pk)


def test_a_read_that_does_not_depend_on_the_event_is_refused():
    read = PreparedRead(lambda event_id: Session.objects.values_list("id"))

    with pytest.raises(ValueError, match="event's id"):
        read.rows(1)


MODELS = {
    "editor: rooms": grid.ROOM_ROWS,
    "editor: slots": grid.SLOT_ROWS,
    "editor: sessions by votes": grid.SESSIONS_BY_VOTES,
}


@pytest.mark.parametrize("read", MODELS.values(), ids=MODELS.keys())
def test_the_editor_s_model_reads_build_what_the_orm_builds(
    read, two_events, django_assert_num_queries
):
    def fields(instance) -> dict:
        values = {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.fields}
        return values | {"vote_count": getattr(instance, "vote_count", None)}

    for event in two_events:
        expected = [fields(instance) for instance in read.build(event.pk)]
        with django_assert_num_queries(1):
            found = read.objects(event)
            assert all(instance.event is event for instance in found)  # no query per row
            assert [fields(instance) for instance in found] == expected

        assert expected
        assert all(not instance._state.adding for instance in found)  # saved rows, as loaded


def test_a_model_read_with_select_related_is_refused():
    read = PreparedModels(
        lambda event_id: Slot.objects.filter(event_id=event_id).select_related("event")
    )

    with pytest.raises(ValueError, match="select_related"):
        read.objects(make_event())


def test_a_text_key_reads_the_event_of_that_slug(two_events, django_assert_num_queries):
    from django.http import Http404

    from sessions_app.access import EVENT_BY_SLUG, event_by_slug

    def fields(instance) -> dict:
        return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.fields}

    for event in two_events:
        with django_assert_num_queries(1):
            (found,) = EVENT_BY_SLUG.instances(event.slug)
        assert fields(found) == fields(type(event).objects.get(slug=event.slug))
        assert event_by_slug(event.slug).pk == event.pk
    assert EVENT_BY_SLUG.instances("no-such-event") == []
    with pytest.raises(Http404):
        event_by_slug("no-such-event")


def test_a_person_s_participations_are_read_in_one_query(two_events, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from sessions_app.access import PARTICIPATIONS, participant_for
    from sessions_app.models import Participant

    first, second = two_events
    here = make_participant(first, name="Both")
    there = make_participant(second, name="Both", user=here.user)
    make_participant(second, name="Someone else")

    with django_assert_num_queries(1):
        found = PARTICIPATIONS.instances(here.user.pk)
    assert [(p.pk, p.event_id, p.name) for p in found] == [
        (p.pk, p.event_id, p.name)
        for p in Participant.objects.filter(user=here.user).order_by("pk")
    ]

    request = RequestFactory().get("/")
    request.user = here.user
    assert participant_for(request, second).pk == there.pk
    assert participant_for(request, first).pk == here.pk
    nobody = RequestFactory().get("/")
    nobody.user = AnonymousUser()
    assert participant_for(nobody, first) is None
