"""The pitch round of the opening plenary, as the pages read it: its queue, the pitch on now
and the countdown (the moderator's steps write it: sessions_app/actions/pitch_round.py).

The queue is not stored: it is the event's proposals in the order they were made, so a
proposal made on a phone during the round joins at the end by itself. The round keeps which
ones were pitched and skipped, the one pitching now and since when (for the countdown)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from sessions_app.models import Event, PitchRound, Session


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
    following = first_waiting(event, pitch_round)
    return Stage(pitch_round, current, [following] if following else [])


def round_of(event: Event) -> PitchRound:
    """The event's round as stored; before its first step (the moderator's page makes the row
    on first use), a round not started, at version 0, as that row would be."""
    return PitchRound.objects.filter(event=event).first() or PitchRound(event=event)


def queue(event: Event, pitch_round: PitchRound | None = None) -> Queue:
    """Where the round is: 2 queries for the proposals and their hosts, whatever their number."""
    pitch_round = pitch_round or round_of(event)
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


def _waiting(event: Event, pitch_round: PitchRound):
    """The proposals that wait for their pitch: not pitched, not skipped, not on now."""
    left_out = {*pitch_round.pitched, *pitch_round.skipped}
    if pitch_round.current_id:
        left_out.add(pitch_round.current_id)
    return event.sessions.visible().exclude(pk__in=left_out)


def first_waiting(event: Event, pitch_round: PitchRound) -> Session | None:
    return _waiting(event, pitch_round).order_by("created_at", "id").first()


def waiting(event: Event, pitch_round: PitchRound) -> int:
    """How many proposals wait for their pitch (not the one on now, nor the skipped ones)."""
    return _waiting(event, pitch_round).count()


def seconds_refusal() -> str:
    """Why a length per pitch was refused (the model's limits, in the visitor's language)."""
    return _("A pitch lasts between %(min)s and %(max)s seconds.") % {
        "min": PitchRound.SECONDS_MIN,
        "max": PitchRound.SECONDS_MAX,
    }
