"""The pitch round of the opening plenary: its queue, and the moderator's steps.

The queue is not stored: it is the event's proposals in the order they were made, so a
proposal made on a phone during the round joins at the end by itself. The round keeps which
ones were pitched and skipped, the one pitching now and since when (for the countdown).

Every step names the round version it was made on, like a grid change: a second click, or a
second moderator, on a round that moved on meanwhile is refused instead of skipping a pitch.
Every step raises the version, which the beamer, the moderator's laptop and the phones follow
(live.pitch_state)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app import actions, live
from sessions_app.models import Event, PitchRound, Session

State = PitchRound.State


class StaleRound(actions.ActionRefused):
    """The round moved on since the moderator's page was shown."""


class PitchesWaiting(actions.ActionRefused):
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


def proposals(event: Event):
    """The proposals to pitch, in the order they were made, with their votes and hosts."""
    return (
        event.sessions.visible()
        .with_vote_count()
        .prefetch_related("hostings__participant")
        .order_by("created_at", "id")
    )


@dataclass
class Queue:
    round: PitchRound
    current: Session | None
    upcoming: list[Session]
    done: list[Session]  # pitched, in the order pitched
    skipped: list[Session]

    @property
    def next_up(self) -> list[Session]:
        return self.upcoming[:2]


@dataclass
class Stage:
    """What a phone shows of the round: the pitch on now and the one after it."""

    round: PitchRound
    current: Session | None
    next_up: list[Session]


def stage(event: Event, pitch_round: PitchRound) -> Stage:
    """The pitch on now (with its votes and hosts) and the next one: a few queries, whatever
    the number of proposals (the phones ask for this after every step)."""
    current = None
    if pitch_round.current_id is not None:
        current = proposals(event).filter(pk=pitch_round.current_id).first()
    following = _first_waiting(event, pitch_round)
    return Stage(pitch_round, current, [following] if following else [])


def round_for(event: Event) -> PitchRound:
    """The event's round (made, not started, on first use)."""
    pitch_round, _created = PitchRound.objects.get_or_create(event=event)
    return pitch_round


def queue(event: Event, pitch_round: PitchRound | None = None) -> Queue:
    """Where the round is: 2 queries for the proposals and their hosts, whatever their number."""
    pitch_round = pitch_round or round_for(event)
    sessions = {s.pk: s for s in proposals(event)}
    pitched, skipped = set(pitch_round.pitched), set(pitch_round.skipped)
    current = sessions.get(pitch_round.current_id)
    return Queue(
        round=pitch_round,
        current=current,
        upcoming=[
            s
            for pk, s in sessions.items()
            if pk not in pitched and pk not in skipped and pk != pitch_round.current_id
        ],
        done=[sessions[pk] for pk in pitch_round.pitched if pk in sessions],
        skipped=[sessions[pk] for pk in pitch_round.skipped if pk in sessions],
    )


def remaining(pitch_round: PitchRound) -> float:
    """Seconds left of the current pitch (the countdown starts from this, in the browser)."""
    if pitch_round.ends_at is None:
        return 0.0
    return max(0.0, round((pitch_round.ends_at - timezone.now()).total_seconds(), 1))


@transaction.atomic
def _locked(event: Event, version: int) -> PitchRound:
    round_for(event)
    pitch_round = PitchRound.objects.select_for_update().get(event=event)
    if pitch_round.version != version:
        raise StaleRound(_("The round moved on meanwhile; here is where it is now."))
    return pitch_round


def _waiting(event: Event, pitch_round: PitchRound):
    """The proposals that wait for their pitch: not pitched, not skipped, not on now."""
    left_out = {*pitch_round.pitched, *pitch_round.skipped}
    if pitch_round.current_id:
        left_out.add(pitch_round.current_id)
    return event.sessions.visible().exclude(pk__in=left_out)


def _first_waiting(event: Event, pitch_round: PitchRound) -> Session | None:
    return _waiting(event, pitch_round).order_by("created_at", "id").first()


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
def start(*, event: Event, version: int) -> PitchRound:
    """Start (or go on with) the round: voting opens if it was not open yet, so that people
    vote while they listen, and the first proposal waiting is on. The phase is read again
    under the event's lock: from a page opened before another organiser published the grid,
    "start" would otherwise take the event back to voting."""
    current = Event.objects.select_for_update().get(pk=event.pk)  # the event, then the round
    pitch_round = _locked(event, version)
    event.phase = current.phase
    if event.phase == Event.Phase.PROPOSALS:
        actions.set_phase(event=event, phase=Event.Phase.VOTING)
    elif event.phase != Event.Phase.VOTING:
        raise actions.ActionRefused(
            _("The pitch round is for before the grid: voting is already closed.")
        )
    pitch_round.state = State.RUNNING
    pitch_round.started_at = pitch_round.started_at or timezone.now()
    pitch_round.ended_at = None
    if pitch_round.current_id is None:
        _show(pitch_round, _first_waiting(event, pitch_round))
    return _save(pitch_round)


@transaction.atomic
def advance(*, event: Event, version: int, skip: bool = False) -> PitchRound:
    """The current pitch is done (or skipped: its host is not there), the next one is on."""
    pitch_round = _running(event, version)
    if pitch_round.current_id is not None:
        (pitch_round.skipped if skip else pitch_round.pitched).append(pitch_round.current_id)
        pitch_round.current = None
    _show(pitch_round, _first_waiting(event, pitch_round))
    return _save(pitch_round)


@transaction.atomic
def back(*, event: Event, version: int) -> PitchRound:
    """Back to the pitch before (pressed "next" too soon): it is on again, with its full time."""
    pitch_round = _running(event, version)
    if not pitch_round.pitched and not pitch_round.skipped:
        raise actions.NothingToDo(_("This is the first pitch."))
    previous = (pitch_round.pitched or pitch_round.skipped).pop()
    _show(pitch_round, event.sessions.visible().filter(pk=previous).first())
    return _save(pitch_round)


@transaction.atomic
def restart_clock(*, event: Event, version: int) -> PitchRound:
    pitch_round = _running(event, version)
    _show(pitch_round, pitch_round.current)
    return _save(pitch_round)


def waiting(event: Event, pitch_round: PitchRound) -> int:
    """How many proposals wait for their pitch (not the one on now, nor the skipped ones)."""
    return _waiting(event, pitch_round).count()


@transaction.atomic
def requeue(*, event: Event, version: int, session_id: int) -> PitchRound:
    """A skipped pitch goes back in the queue (its host turned up): it waits at its place in
    the order proposed, before the ones proposed after it, so usually it is next."""
    pitch_round = _running(event, version)
    if session_id not in pitch_round.skipped:
        raise actions.ActionRefused(_("That proposal is not among the skipped ones."))
    pitch_round.skipped.remove(session_id)
    return _save(pitch_round)


@transaction.atomic
def end(*, event: Event, version: int, anyway: bool = False) -> PitchRound:
    """The round is over: what was pitched stays pitched; the votes are in. With proposals
    still waiting, only `anyway` (the moderator confirmed) ends it."""
    pitch_round = _locked(event, version)
    count = waiting(event, pitch_round) if pitch_round.state == State.RUNNING else 0
    if count and not anyway:
        raise PitchesWaiting(count)
    pitch_round.state = State.ENDED
    pitch_round.ended_at = timezone.now()
    if pitch_round.current_id is not None:
        pitch_round.pitched.append(pitch_round.current_id)
    _show(pitch_round, None)
    return _save(pitch_round)


def seconds_refusal() -> str:
    """Why a length per pitch was refused (the model's limits, in the visitor's language)."""
    return _("A pitch lasts between %(min)s and %(max)s seconds.") % {
        "min": PitchRound.SECONDS_MIN,
        "max": PitchRound.SECONDS_MAX,
    }


@transaction.atomic
def set_seconds(*, event: Event, version: int, seconds: int) -> PitchRound:
    if not PitchRound.SECONDS_MIN <= seconds <= PitchRound.SECONDS_MAX:
        raise actions.ActionRefused(seconds_refusal())
    pitch_round = _locked(event, version)
    pitch_round.seconds = seconds
    return _save(pitch_round)


def _running(event: Event, version: int) -> PitchRound:
    pitch_round = _locked(event, version)
    if pitch_round.state != State.RUNNING:
        raise actions.ActionRefused(_("The pitch round is not running."))
    return pitch_round
