"""The pitch round's steps: the moderator starts it, moves on, goes back, requeues a skipped
pitch, sets the time per pitch and ends it (what the round looks like is read in
`sessions_app.pitching`).

Every step names the round version it was made on, like a grid change: a second click, or a
second moderator, on a round that moved on meanwhile is refused instead of skipping a pitch.
Every step raises the version, which the beamer, the moderator's laptop and the phones follow
(live.pitch_state)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app import live, pitching
from sessions_app.actions.base import ActionRefused
from sessions_app.actions.frame import set_phase
from sessions_app.actions.grid import NothingToDo
from sessions_app.models import Event, PitchRound, Session

State = PitchRound.State


class StaleRound(ActionRefused):
    """The round moved on since the moderator's page was shown."""


class PitchesWaiting(ActionRefused):
    """Ending the round would leave `waiting` proposals unpitched: the moderator confirms."""

    def __init__(self, waiting: int) -> None:
        self.waiting = waiting
        super().__init__(
            ngettext(
                "%(n)s pitch is still waiting. End the round anyway?",
                "%(n)s pitches are still waiting. End the round anyway?",
                waiting,
            )
            % {"n": waiting}
        )


def pitch_round_for(event: Event) -> PitchRound:
    """The event's round (made, not started, on first use)."""
    pitch_round, _created = PitchRound.objects.get_or_create(event=event)
    return pitch_round


@transaction.atomic
def _locked(event: Event, version: int) -> PitchRound:
    pitch_round_for(event)
    pitch_round = PitchRound.objects.select_for_update().get(event=event)
    if pitch_round.version != version:
        raise StaleRound(_("The round moved on meanwhile; here is where it is now."))
    return pitch_round


def _running(event: Event, version: int) -> PitchRound:
    pitch_round = _locked(event, version)
    if pitch_round.state != State.RUNNING:
        raise ActionRefused(_("The pitch round is not running."))
    return pitch_round


def _show(pitch_round: PitchRound, session: Session | None) -> None:
    pitch_round.current = session
    pitch_round.current_since = timezone.now() if session else None


def _save(pitch_round: PitchRound) -> PitchRound:
    pitch_round.version += 1
    pitch_round.save()
    # now and once committed: a phone asking in between gets the old state again, at most for
    # live.pitch_seconds()
    slug = pitch_round.event.slug
    live.forget_pitch_state(slug)
    transaction.on_commit(lambda: live.forget_pitch_state(slug))
    return pitch_round


@transaction.atomic
def start_pitch_round(*, event: Event, version: int) -> PitchRound:
    """Start (or go on with) the round: voting opens if it was not open yet, so that people
    vote while they listen, and the first proposal waiting is on. The phase is read again
    under the event's lock: from a page opened before another organiser published the grid,
    "start" would otherwise take the event back to voting."""
    current = Event.objects.select_for_update().get(pk=event.pk)  # the event, then the round
    pitch_round = _locked(event, version)
    event.phase = current.phase
    if event.phase == Event.Phase.PROPOSALS:
        set_phase(event=event, phase=Event.Phase.VOTING)
    elif event.phase != Event.Phase.VOTING:
        raise ActionRefused(_("The pitch round is for before the grid: voting is already closed."))
    pitch_round.state = State.RUNNING
    pitch_round.started_at = pitch_round.started_at or timezone.now()
    pitch_round.ended_at = None
    if pitch_round.current_id is None:
        _show(pitch_round, pitching.first_waiting(event, pitch_round))
    return _save(pitch_round)


@transaction.atomic
def next_pitch(*, event: Event, version: int, skip: bool = False) -> PitchRound:
    """The current pitch is done (or skipped: its host is not there), the next one is on."""
    pitch_round = _running(event, version)
    if pitch_round.current_id is not None:
        (pitch_round.skipped if skip else pitch_round.pitched).append(pitch_round.current_id)
        pitch_round.current = None
    _show(pitch_round, pitching.first_waiting(event, pitch_round))
    return _save(pitch_round)


@transaction.atomic
def previous_pitch(*, event: Event, version: int) -> PitchRound:
    """Back to the pitch before (pressed "next" too soon): it is on again, with its full time."""
    pitch_round = _running(event, version)
    if not pitch_round.pitched and not pitch_round.skipped:
        raise NothingToDo(_("This is the first pitch."))
    previous = (pitch_round.pitched or pitch_round.skipped).pop()
    _show(pitch_round, event.sessions.visible().filter(pk=previous).first())
    return _save(pitch_round)


@transaction.atomic
def restart_pitch_clock(*, event: Event, version: int) -> PitchRound:
    pitch_round = _running(event, version)
    _show(pitch_round, pitch_round.current)
    return _save(pitch_round)


@transaction.atomic
def requeue_pitch(*, event: Event, version: int, session_id: int) -> PitchRound:
    """A skipped pitch goes back in the queue (its host turned up): it waits at its place in
    the order proposed, before the ones proposed after it, so usually it is next."""
    pitch_round = _running(event, version)
    if session_id not in pitch_round.skipped:
        raise ActionRefused(_("That proposal is not among the skipped ones."))
    pitch_round.skipped.remove(session_id)
    return _save(pitch_round)


@transaction.atomic
def end_pitch_round(*, event: Event, version: int, anyway: bool = False) -> PitchRound:
    """The round is over: what was pitched stays pitched; the votes are in. With proposals
    still waiting, only `anyway` (the moderator confirmed) ends it."""
    pitch_round = _locked(event, version)
    count = pitching.waiting(event, pitch_round) if pitch_round.state == State.RUNNING else 0
    if count and not anyway:
        raise PitchesWaiting(count)
    pitch_round.state = State.ENDED
    pitch_round.ended_at = timezone.now()
    if pitch_round.current_id is not None:
        pitch_round.pitched.append(pitch_round.current_id)
    _show(pitch_round, None)
    return _save(pitch_round)


@transaction.atomic
def set_pitch_seconds(*, event: Event, version: int, seconds: int) -> PitchRound:
    if not PitchRound.SECONDS_MIN <= seconds <= PitchRound.SECONDS_MAX:
        raise ActionRefused(pitching.seconds_refusal())
    pitch_round = _locked(event, version)
    pitch_round.seconds = seconds
    return _save(pitch_round)
