"""The pitch round's steps (sessions_app/actions/pitch_round.py, read back through
sessions_app/pitching.py): the queue in the order proposed, a proposal made during the round
joining at the end, next / skip / back / restart / end, voting
opened by the start, and a step on a round that moved on meanwhile refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app import actions, pitching
from sessions_app.models import Event, PitchRound
from tests.factories import make_event, make_participant, make_session

pytestmark = pytest.mark.django_db

State = PitchRound.State


@pytest.fixture
def event() -> Event:
    event = make_event(phase=Event.Phase.PROPOSALS, language="en")
    host = make_participant(event, name="Hanne")
    for title in ["Opvoeden in armoede", "Buurtgerichte zorg", "Vaders in beeld"]:
        make_session(event, [host], title=title)
    return event


def titles(sessions) -> list[str]:
    return [s.title for s in sessions]


def version(event: Event) -> int:
    return actions.pitch_round_for(event).version


def test_starting_opens_voting_and_puts_the_first_proposal_on(event):
    pitch_round = actions.start_pitch_round(event=event, version=0)

    event.refresh_from_db()
    queue = pitching.queue(event)
    assert event.phase == Event.Phase.VOTING
    assert pitch_round.state == State.RUNNING and pitch_round.version == 1
    assert queue.current.title == "Opvoeden in armoede"
    assert titles(queue.upcoming) == ["Buurtgerichte zorg", "Vaders in beeld"]
    assert timezone.now() - pitch_round.current_since < timedelta(seconds=5)


def test_next_skip_and_back_walk_the_queue(event):
    actions.start_pitch_round(event=event, version=0)
    actions.next_pitch(event=event, version=1)
    actions.next_pitch(event=event, version=2, skip=True)  # the host of the second is not there

    queue = pitching.queue(event)
    assert queue.current.title == "Vaders in beeld"
    assert titles(queue.done) == ["Opvoeden in armoede"]
    assert titles(queue.skipped) == ["Buurtgerichte zorg"]

    actions.previous_pitch(event=event, version=3)
    queue = pitching.queue(event)
    assert queue.current.title == "Opvoeden in armoede"  # the last pitched one, again
    assert titles(queue.upcoming) == ["Vaders in beeld"]


def test_a_proposal_made_during_the_round_joins_at_the_end(event):
    actions.start_pitch_round(event=event, version=0)
    late = make_session(event, [make_participant(event)], title="Laat maar komen")

    queue = pitching.queue(event)
    assert titles(queue.upcoming)[-1] == late.title
    for v in range(1, 4):
        actions.next_pitch(event=event, version=v)
    assert pitching.queue(event).current == late


def test_hidden_and_withdrawn_proposals_are_not_pitched(event):
    spam = make_session(event, title="Koop nu!", hidden=True)
    gone = make_session(event, title="Toch niet")
    gone.status = gone.Status.WITHDRAWN
    gone.save()

    actions.start_pitch_round(event=event, version=0)

    queue = pitching.queue(event)
    assert spam not in queue.upcoming and gone not in queue.upcoming


def test_at_the_end_of_the_queue_nobody_is_on_and_the_round_can_end(event):
    actions.start_pitch_round(event=event, version=0)
    for v in range(1, 4):
        actions.next_pitch(event=event, version=v)
    assert pitching.queue(event).current is None

    actions.end_pitch_round(event=event, version=4)

    pitch_round = actions.pitch_round_for(event)
    assert pitch_round.state == State.ENDED and pitch_round.ended_at is not None
    assert len(pitch_round.pitched) == 3


def test_a_step_on_a_round_that_moved_on_is_refused_and_changes_nothing(event):
    actions.start_pitch_round(event=event, version=0)
    actions.next_pitch(event=event, version=1)  # the first click

    with pytest.raises(actions.StaleRound):
        actions.next_pitch(event=event, version=1)  # the same click again

    assert pitching.queue(event).current.title == "Buurtgerichte zorg"
    assert version(event) == 2


def test_back_at_the_first_pitch_says_so(event):
    actions.start_pitch_round(event=event, version=0)

    with pytest.raises(actions.NothingToDo):
        actions.previous_pitch(event=event, version=1)


def test_restarting_the_clock_gives_the_pitch_its_full_time(event):
    actions.start_pitch_round(event=event, version=0)
    PitchRound.objects.update(current_since=timezone.now() - timedelta(seconds=25))

    actions.restart_pitch_clock(event=event, version=1)

    assert pitching.remaining(actions.pitch_round_for(event)) > 29


def test_steps_need_a_running_round(event):
    with pytest.raises(actions.ActionRefused):
        actions.next_pitch(event=event, version=0)


def test_a_round_after_voting_closed_is_refused(event):
    event.phase = Event.Phase.PUBLISHED
    event.save()

    with pytest.raises(actions.ActionRefused):
        actions.start_pitch_round(event=event, version=0)

    assert actions.pitch_round_for(event).state == State.READY


@pytest.mark.parametrize("seconds", [4, 601])
def test_a_pitch_lasts_between_5_and_600_seconds(event, seconds):
    with pytest.raises(actions.ActionRefused):
        actions.set_pitch_seconds(event=event, version=0, seconds=seconds)

    assert actions.pitch_round_for(event).seconds == 30


def test_ending_with_pitches_waiting_needs_the_moderator_to_confirm(event):
    actions.start_pitch_round(event=event, version=0)

    with pytest.raises(actions.PitchesWaiting) as asked:
        actions.end_pitch_round(event=event, version=1)

    assert asked.value.waiting == 2
    assert str(asked.value) == "2 pitches are still waiting. End the round anyway?"
    assert actions.pitch_round_for(event).state == State.RUNNING
    actions.end_pitch_round(event=event, version=1, anyway=True)
    assert actions.pitch_round_for(event).state == State.ENDED


def test_a_skipped_pitch_goes_back_in_the_queue_at_its_place(event):
    actions.start_pitch_round(event=event, version=0)
    actions.next_pitch(event=event, version=1, skip=True)  # "Opvoeden in armoede": host not there
    assert titles(pitching.queue(event).skipped) == ["Opvoeden in armoede"]

    pitch_round = actions.requeue_pitch(
        event=event, version=2, session_id=pitch_round_skipped(event)
    )

    queue = pitching.queue(event)
    assert pitch_round.version == 3 and queue.skipped == []
    assert queue.current.title == "Buurtgerichte zorg"  # the pitch on now goes on
    assert titles(queue.upcoming) == ["Opvoeden in armoede", "Vaders in beeld"]  # it is next
    actions.next_pitch(event=event, version=3)
    assert pitching.queue(event).current.title == "Opvoeden in armoede"


def test_only_a_skipped_pitch_can_go_back_in_the_queue(event):
    actions.start_pitch_round(event=event, version=0)
    current = pitching.queue(event).current

    with pytest.raises(actions.ActionRefused):
        actions.requeue_pitch(event=event, version=1, session_id=current.pk)
    with pytest.raises(actions.StaleRound):
        actions.requeue_pitch(event=event, version=0, session_id=current.pk)

    assert version(event) == 1


def pitch_round_skipped(event: Event) -> int:
    return actions.pitch_round_for(event).skipped[0]
