"""Following sessions once the grid is out ("I'll go"), keeping one of two at the same time,
votes that become follows at publication, and the changes followers are told about."""

import pytest

from sessions_app import actions
from sessions_app.models import Event, Follow, SessionChange
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


@pytest.fixture
def event(published_event: Event) -> Event:
    return published_event


@pytest.fixture
def me(event):
    return make_participant(event, "Fien")


def follows_of(participant) -> set[str]:
    return set(
        Follow.objects.filter(participant=participant).values_list("session__title", flat=True)
    )


def test_following_twice_makes_one_follow(event, me):
    session = make_session(event, title="Buurtwerk")

    actions.follow_session(participant=me, session=session)
    actions.follow_session(participant=me, session=session)

    assert Follow.objects.filter(participant=me, session=session).count() == 1


def test_unfollowing_takes_the_follow_back_and_says_whether_there_was_one(event, me):
    session = make_session(event)
    actions.follow_session(participant=me, session=session)

    assert actions.unfollow_session(participant=me, session=session) is True
    assert actions.unfollow_session(participant=me, session=session) is False
    assert not Follow.objects.filter(participant=me).exists()


def test_keeping_one_drops_the_others_in_that_slot_only(event, me):
    room_a, room_b = make_room(event, name="Zaal Zenne"), make_room(event, name="Zaal Dijle")
    ten, eleven = make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")
    kept, dropped, later = (make_session(event, title=t) for t in ("Kept", "Dropped", "Later"))
    make_placement(kept, room_a, ten)
    make_placement(dropped, room_b, ten)
    make_placement(later, room_a, eleven)
    for session in (kept, dropped, later):
        actions.follow_session(participant=me, session=session)

    assert actions.keep_only(participant=me, session=kept) == 1

    assert follows_of(me) == {"Kept", "Later"}


@pytest.mark.parametrize("phase", [Event.Phase.PROPOSALS, Event.Phase.VOTING])
def test_following_is_refused_before_the_grid_is_published(phase):
    event = make_event(phase=phase)
    me = make_participant(event)

    with pytest.raises(actions.ActionRefused):
        actions.follow_session(participant=me, session=make_session(event))
    assert not Follow.objects.exists()


def test_following_another_events_session_is_refused(event, me):
    elsewhere = make_session(make_event(phase=Event.Phase.PUBLISHED))

    with pytest.raises(actions.ActionRefused):
        actions.follow_session(participant=me, session=elsewhere)


def test_following_a_hidden_session_is_refused(event, me):
    with pytest.raises(actions.ActionRefused):
        actions.follow_session(participant=me, session=make_session(event, hidden=True))


def test_votes_become_follows_at_publication_only_for_who_follows_nothing_yet():
    event = make_event(phase=Event.Phase.VOTING)
    voter, chooser = make_participant(event, "Voter"), make_participant(event, "Chooser")
    one, two = make_session(event, title="One"), make_session(event, title="Two")
    for participant in (voter, chooser):
        make_vote(participant, one)
        make_vote(participant, two)
    Follow.objects.create(participant=chooser, session=two)  # chose already

    actions.set_phase(event=event, phase=Event.Phase.PUBLISHED)

    assert follows_of(voter) == {"One", "Two"}
    assert follows_of(chooser) == {"Two"}


# ---- what followers are told ----------------------------------------------------------------


@pytest.fixture
def placed(event):
    zenne, dijle = make_room(event, name="Zaal Zenne"), make_room(event, name="Zaal Dijle")
    ten, two = make_slot(event, "10:00", "10:45"), make_slot(event, "14:05", "14:50")
    session = make_session(event, title="Buurtwerk", hosts=[make_participant(event)])
    make_placement(session, dijle, ten)
    event.refresh_from_db()
    return session, zenne, dijle, ten, two


def test_a_move_is_recorded_with_where_it_went(event, placed):
    session, zenne, _dijle, _ten, two = placed

    actions.move_session(
        event=event, session=session, cell=(zenne, two), version=event.grid_version, by=None
    )

    change = SessionChange.objects.get(session=session)
    assert (change.kind, change.from_room, change.to_room) == ("moved", "Zaal Dijle", "Zaal Zenne")
    assert change.to_start == two.start


def test_a_room_change_is_a_move(event, placed):
    session, zenne, _dijle, ten, _two = placed

    actions.move_session(
        event=event, session=session, cell=(zenne, ten), version=event.grid_version, by=None
    )

    assert SessionChange.objects.get(session=session).to_room == "Zaal Zenne"


def test_a_withdrawn_session_is_recorded_as_cancelled(event, placed):
    session = placed[0]

    actions.withdraw_session(session=session)

    assert SessionChange.objects.get(session=session).kind == "cancelled"


def test_a_pin_is_no_change(event, placed):
    session = placed[0]

    actions.set_pinned(
        event=event, session=session, pinned=True, version=event.grid_version, by=None
    )

    assert not SessionChange.objects.exists()


def test_nothing_is_recorded_before_publication(placed):
    session, zenne, _dijle, _ten, two = placed
    event = session.event
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.VOTING)
    event.refresh_from_db()

    actions.move_session(
        event=event, session=session, cell=(zenne, two), version=event.grid_version, by=None
    )

    assert not SessionChange.objects.exists()


def test_changes_seen_never_goes_back(event, me):
    actions.mark_changes_seen(participant=me, version=5)
    actions.mark_changes_seen(participant=me, version=3)

    me.refresh_from_db()
    assert me.changes_seen_version == 5
