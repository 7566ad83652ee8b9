"""Votes: casting and retracting them. The database holds the rules (one vote per participant
and session, same event, voting open, the budget); the checks here give clear messages first."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app.actions.base import (
    ActionRefused,
)
from sessions_app.models import (
    Participant,
    Session,
    Vote,
)


def votes_left(participant: Participant, *, used: int | None = None) -> int | None:
    """None when votes are unlimited; `used` saves the count when the caller has it."""
    budget = participant.event.votes_per_participant
    if budget is None:
        return None
    return max(0, budget - (participant.votes.count() if used is None else used))


def cast_vote(*, participant: Participant, session: Session) -> bool:
    """Vote once; a second vote for the same session changes nothing. Returns whether a vote
    was added.

    `INSERT … ON CONFLICT DO NOTHING`: the database holds the rules (unique vote, same event,
    open voting, the budget — its trigger locks the participant's row, so one person's
    concurrent votes cannot overrun it) and answers a double tap without a second row. Before
    it, the session's row is read again under a key-share lock: a merge or withdrawal holding it
    is waited for and then seen, so no vote lands on a session just merged away (where it
    would be lost) or collides with the votes a merge moves. The checks here only give the
    clear messages first."""
    event = participant.event
    if session.event_id != participant.event_id:
        raise ActionRefused(_("This session belongs to another event."))
    if not event.voting_open:
        raise ActionRefused(_("Voting is not open."))
    if not session.is_visible:
        raise ActionRefused(_("This session was withdrawn."))
    try:
        # Its own transaction (or, inside a caller's, a savepoint that keeps a refusal from
        # breaking it): the lock on the session lasts until the vote is in.
        with transaction.atomic():
            if not _session_takes_votes(session.pk):
                raise ActionRefused(_("This session was withdrawn."))
            created = _insert_vote(participant.pk, session.pk)
    except IntegrityError as error:
        if "vote_phase" in str(error):  # voting closed since the event was read
            raise ActionRefused(_("Voting is not open.")) from None
        if "vote_budget" not in str(error):
            raise
        if Vote.objects.filter(participant=participant, session=session).exists():
            return False  # a repeated tap on the vote that used the last one
        budget = event.votes_per_participant or 0
        raise ActionRefused(
            ngettext(
                "You have used your %(budget)d vote. Take it back from another session first.",
                "You have used all %(budget)d votes. Take one back from another session first.",
                budget,
            )
            % {"budget": budget}
        ) from None
    return created


def _session_takes_votes(session_id: int) -> bool:
    """Whether the session still takes votes, read under `FOR KEY SHARE` on PostgreSQL: votes
    share it with each other, and a merge's or withdrawal's `FOR UPDATE` on the row makes them
    wait. It is the lock the vote's foreign key check takes at commit anyway, so that check
    finds it held and adds nothing (`FOR SHARE`, a second lock mode on the same hot rows,
    halved the votes per second under load)."""
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, hidden FROM {Session._meta.db_table} WHERE id = %s{lock}",
            [session_id],
        )
        row = cursor.fetchone()
    return row is not None and Session.shown(*row)


def _insert_vote(participant_id: int, session_id: int) -> bool:
    """`INSERT … ON CONFLICT DO NOTHING` (PostgreSQL and SQLite alike); True if a row was
    written. Raw SQL because the ORM's ignore_conflicts does not say whether it wrote one."""
    table = Vote._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (participant_id, session_id, created_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (participant_id, session_id) DO NOTHING",
            [participant_id, session_id, now],
        )
        return cursor.rowcount == 1


@transaction.atomic
def retract_vote(*, participant: Participant, session: Session) -> bool:
    if session.event_id != participant.event_id:
        raise ActionRefused(_("This session belongs to another event."))
    if not participant.event.voting_open:
        raise ActionRefused(_("Voting is not open."))
    deleted, _rows = Vote.objects.filter(participant=participant, session=session).delete()
    return deleted > 0
