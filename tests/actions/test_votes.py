"""The votes in actions/votes.py: casting and retracting one, the dot budget, what is left of it."""

import pytest
from django.utils import translation

from sessions_app import actions
from sessions_app.actions import ActionRefused
from sessions_app.models import Event, Session, Vote
from tests.factories import (
    make_event,
    make_participant,
    make_session,
    make_vote,
)

# ---- cast_vote / retract_vote -----------------------------------------------------------------


@pytest.mark.django_db
def test_cast_vote_adds_one_vote(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event)

    added = actions.cast_vote(participant=voter, session=session)

    assert added is True
    assert list(Vote.objects.values_list("participant", "session")) == [(voter.pk, session.pk)]


@pytest.mark.django_db
def test_cast_vote_twice_is_one_vote(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event)
    actions.cast_vote(participant=voter, session=session)

    added = actions.cast_vote(participant=voter, session=session)

    assert added is False
    assert Vote.objects.count() == 1


@pytest.mark.django_db
def test_retract_vote_removes_it(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event)
    make_vote(voter, session)

    removed = actions.retract_vote(participant=voter, session=session)

    assert (removed, Vote.objects.count()) == (True, 0)


@pytest.mark.django_db
def test_retract_vote_without_a_vote_changes_nothing(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event)

    removed = actions.retract_vote(participant=voter, session=session)

    assert (removed, Vote.objects.count()) == (False, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "phase", [Event.Phase.PROPOSALS, Event.Phase.PUBLISHED, Event.Phase.ARCHIVED]
)
def test_cast_vote_is_refused_when_voting_is_not_open(phase):
    event = make_event(phase=phase)
    voter, session = make_participant(event), make_session(event)

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.cast_vote(participant=voter, session=session)

    assert str(refusal.value) == "Voting is not open."
    assert Vote.objects.count() == 0


@pytest.mark.django_db
def test_retract_vote_is_refused_when_voting_is_not_open(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event)
    make_vote(voter, session)
    voting_event.phase = Event.Phase.PUBLISHED
    voting_event.save()

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.retract_vote(participant=voter, session=session)

    assert str(refusal.value) == "Voting is not open."
    assert Vote.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [{"status": Session.Status.WITHDRAWN}, {"hidden": True}], ids=["withdrawn", "hidden"]
)
def test_cast_vote_is_refused_for_a_session_off_the_board(voting_event, state):
    voter, session = make_participant(voting_event), make_session(voting_event, **state)

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.cast_vote(participant=voter, session=session)

    assert str(refusal.value) == "This session was withdrawn."
    assert Vote.objects.count() == 0


@pytest.mark.django_db
def test_cast_vote_is_refused_for_another_events_session(voting_event):
    voter = make_participant(voting_event)
    elsewhere = make_session(make_event(phase=Event.Phase.VOTING))

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.cast_vote(participant=voter, session=elsewhere)

    assert str(refusal.value) == "This session belongs to another event."
    assert Vote.objects.count() == 0


@pytest.mark.django_db
def test_retract_vote_is_refused_for_another_events_session(voting_event):
    other_event = make_event(phase=Event.Phase.VOTING)
    voter, elsewhere = make_participant(voting_event), make_session(other_event)
    make_vote(make_participant(other_event), elsewhere)

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.retract_vote(participant=voter, session=elsewhere)

    assert str(refusal.value) == "This session belongs to another event."
    assert Vote.objects.count() == 1


@pytest.mark.django_db
def test_cast_vote_beyond_the_dot_budget_is_refused_naming_the_budget():
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=3)
    voter = make_participant(event)
    sessions = [make_session(event) for _ in range(4)]
    for session in sessions[:3]:
        actions.cast_vote(participant=voter, session=session)

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.cast_vote(participant=voter, session=sessions[3])

    assert str(refusal.value) == (
        "You have used all 3 votes. Take one back from another session first."
    )
    assert sorted(voter.votes.values_list("session_id", flat=True)) == [s.pk for s in sessions[:3]]


@pytest.mark.django_db
def test_cast_vote_with_a_budget_of_one_says_so_in_the_singular():
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=1)
    voter = make_participant(event)
    first, second = make_session(event), make_session(event)
    actions.cast_vote(participant=voter, session=first)

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.cast_vote(participant=voter, session=second)

    assert str(refusal.value) == (
        "You have used your 1 vote. Take it back from another session first."
    )
    assert Vote.objects.count() == 1


@pytest.mark.django_db
def test_cast_vote_again_for_a_voted_session_is_no_refusal_when_the_budget_is_used():
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=1)
    voter, session = make_participant(event), make_session(event)
    actions.cast_vote(participant=voter, session=session)

    added = actions.cast_vote(participant=voter, session=session)

    assert (added, Vote.objects.count()) == (False, 1)


@pytest.mark.django_db
def test_retract_vote_frees_one_dot():
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=2)
    voter = make_participant(event)
    first, second, third = make_session(event), make_session(event), make_session(event)
    actions.cast_vote(participant=voter, session=first)
    actions.cast_vote(participant=voter, session=second)

    actions.retract_vote(participant=voter, session=first)
    added = actions.cast_vote(participant=voter, session=third)

    assert added is True
    assert sorted(voter.votes.values_list("session_id", flat=True)) == [second.pk, third.pk]


# ---- tap_vote: the change and the button's state -------------------------------------------


def tap(voter, session, vote: bool = True):
    with translation.override("en"):
        return actions.tap_vote(participant=voter, session_id=session.pk, vote=vote)


@pytest.mark.django_db
def test_a_tap_adds_the_vote_and_counts_it_with_the_others(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event, title="Maps")
    make_vote(make_participant(voting_event), session)
    make_vote(voter, make_session(voting_event))

    tally = tap(voter, session)

    assert tally == actions.Tally("Maps", Session.Status.PROPOSED, 2, True, 2, None)
    assert voter.votes.filter(session=session).count() == 1


@pytest.mark.django_db
def test_a_second_tap_counts_the_vote_once(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event)
    tap(voter, session)

    tally = tap(voter, session)

    assert (tally.count, tally.mine, tally.used, tally.error) == (1, True, 1, None)
    assert Vote.objects.count() == 1


@pytest.mark.django_db
def test_a_tap_takes_the_vote_back_and_counts_without_it(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event)
    make_vote(voter, session)
    make_vote(make_participant(voting_event), session)

    tally = tap(voter, session, vote=False)

    assert (tally.count, tally.mine, tally.used, tally.error) == (1, False, 0, None)
    assert not voter.votes.exists()


@pytest.mark.django_db
def test_a_tap_on_a_withdrawn_session_is_refused_even_when_voted_before(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event)
    make_vote(voter, session)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.WITHDRAWN)

    tally = tap(voter, session)

    assert (tally.error, tally.count) == ("This session was withdrawn.", 1)


@pytest.mark.django_db
def test_a_tap_when_voting_closed_after_the_event_was_read_is_refused(voting_event):
    voter, session = make_participant(voting_event), make_session(voting_event)
    voter = type(voter).objects.select_related("event").get(pk=voter.pk)  # voting open here
    Event.objects.filter(pk=voting_event.pk).update(phase=Event.Phase.PROPOSALS)

    tally = tap(voter, session)

    assert (tally.error, tally.mine, Vote.objects.count()) == ("Voting is not open.", False, 0)


@pytest.mark.django_db
def test_a_tap_beyond_the_dot_budget_is_refused_and_a_repeated_one_is_not():
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=2)
    voter = make_participant(event)
    first, second, third = (make_session(event) for _ in range(3))
    tap(voter, first)
    tap(voter, second)

    refused, repeated = tap(voter, third), tap(voter, second)

    assert (refused.error, refused.mine, refused.used) == (
        "You have used all 2 votes. Take one back from another session first.",
        False,
        2,
    )
    assert (repeated.error, repeated.mine, repeated.used) == (None, True, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("hidden", [True, False], ids=["hidden", "other event"])
def test_a_tap_on_a_session_the_voter_cannot_see_finds_none(voting_event, hidden):
    voter = make_participant(voting_event)
    elsewhere = make_session(voting_event if hidden else make_event(phase=Event.Phase.VOTING))
    Session.objects.filter(pk=elsewhere.pk).update(hidden=hidden)

    assert (tap(voter, elsewhere), Vote.objects.count()) == (None, 0)


# ---- votes_left -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_votes_left_is_none_for_unlimited_voting(voting_event):
    voter = make_participant(voting_event)
    make_vote(voter, make_session(voting_event))

    assert actions.votes_left(voter) is None


@pytest.mark.django_db
def test_votes_left_counts_down_the_budget():
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=3)
    voter = make_participant(event)
    before = actions.votes_left(voter)

    make_vote(voter, make_session(event))

    assert (before, actions.votes_left(voter)) == (3, 2)


@pytest.mark.django_db
def test_votes_left_never_goes_below_zero_when_the_budget_is_lowered():
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=3)
    voter = make_participant(event)
    for _ in range(3):
        make_vote(voter, make_session(event))
    event.votes_per_participant = 1
    event.save()
    voter.refresh_from_db()

    assert actions.votes_left(voter) == 0
