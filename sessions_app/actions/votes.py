"""Votes: casting and retracting them. The database holds the rules (one vote per participant
and session, same event, voting open, the budget); the checks here give clear messages first."""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app.actions.base import (
    ActionRefused,
    act_once,
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


# ---- a tap: the vote and what the button shows after it, in one statement --------------------


@dataclass(frozen=True)
class Tally:
    """What a vote button shows after a tap: the session's title, its votes (`count`), whether
    the participant's vote is among them (`mine`), how many votes the participant has cast in
    all (`used`), and why the tap changed nothing when it was refused (`error`)."""

    title: str
    status: str
    count: int
    mine: bool
    used: int
    error: str | None = None


_COUNTS = """(SELECT COUNT(*) FROM {vote} WHERE session_id = s.id),
    (SELECT COUNT(*) FROM {vote} WHERE session_id = s.id AND participant_id = %(participant)s),
    (SELECT COUNT(*) FROM {vote} WHERE participant_id = %(participant)s)"""
_VISIBLE = "FROM {session} WHERE id = %(session)s AND event_id = %(event)s AND NOT hidden"
_READ = (
    "SELECT s.title, s.status, 0, "
    + _COUNTS
    + " FROM (SELECT id, title, status "
    + _VISIBLE
    + ") s"
)
# The session's row under the key-share lock cast_vote takes (see _session_takes_votes), the
# INSERT … ON CONFLICT DO NOTHING, and the counts before it, in one round trip and one
# transaction of its own. The counts are read in the statement's snapshot, which does not hold
# the row it adds: the added row is added to them (see _tally).
_CAST = (
    "WITH s AS (SELECT id, title, status " + _VISIBLE + " FOR KEY SHARE), "
    "added AS (INSERT INTO {vote} (participant_id, session_id, created_at) "
    "SELECT %(participant)s, id, %(now)s FROM s WHERE status <> %(withdrawn)s "
    "ON CONFLICT (participant_id, session_id) DO NOTHING RETURNING 1) "
    "SELECT s.title, s.status, (SELECT COUNT(*) FROM added), " + _COUNTS + " FROM s"
)
_RETRACT = (
    "WITH s AS (SELECT id, title, status " + _VISIBLE + "), "
    "removed AS (DELETE FROM {vote} v USING s WHERE v.participant_id = %(participant)s "
    "AND v.session_id = s.id RETURNING 1) "
    "SELECT s.title, s.status, -(SELECT COUNT(*) FROM removed), " + _COUNTS + " FROM s"
)


def _tally(sql: str, participant: Participant, session_id: int) -> Tally | None:
    tables = {"vote": Vote._meta.db_table, "session": Session._meta.db_table}
    params: dict[str, Any] = {
        "participant": participant.pk,
        "session": session_id,
        "event": participant.event_id,
        "withdrawn": Session.Status.WITHDRAWN,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**tables), params)
        row = cursor.fetchone()
    if row is None:
        return None
    title, status, change, count, mine, used = row
    return Tally(title, status, count + change, bool(mine + change), used + change)


def vote_tally(*, participant: Participant, session_id: int) -> Tally | None:
    """The button's state without a change; None when the participant's event has no session
    with this id that participants may see."""
    return _tally(_READ, participant, session_id)


def tap_vote(*, participant: Participant, session_id: int, vote: bool) -> Tally | None:
    """A tap on a vote button (`vote`: cast, or take back): the rules of cast_vote and
    retract_vote, and the button's state after it. None when the participant's event has no
    session with this id that participants may see.

    A tap is the busiest request of the day: on PostgreSQL the change and the counts are one
    statement (its own transaction, or a savepoint inside a caller's); a refusal by the
    database (the budget, voting closed since the event was read) goes the long way, through
    cast_vote, for its message. SQLite takes the long way always."""
    if not participant.event.voting_open:
        tally = vote_tally(participant=participant, session_id=session_id)
        return tally and _refused(tally, _("Voting is not open."))
    if connection.vendor == "postgresql":
        try:
            # outside a transaction the statement is its own: no BEGIN and COMMIT round trips
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                tally = _tally(_CAST if vote else _RETRACT, participant, session_id)
        except IntegrityError:
            pass  # refused by the database: the long way says why
        else:
            if tally is None:
                return None
            if vote and tally.status == Session.Status.WITHDRAWN:
                return _refused(tally, _("This session was withdrawn."))
            if tally.mine == vote:
                return tally
            # a twin tap at the same instant changed it after this statement's snapshot: the
            # long way reads it again
    tally = vote_tally(participant=participant, session_id=session_id)
    if tally is None:
        return None
    session = Session(pk=session_id, event_id=participant.event_id, status=tally.status)
    try:
        if vote:
            cast_vote(participant=participant, session=session)
        else:
            retract_vote(participant=participant, session=session)
    except ActionRefused as refusal:
        return _refused(vote_tally(participant=participant, session_id=session_id), str(refusal))
    return vote_tally(participant=participant, session_id=session_id)


def tap_vote_once(
    *, participant: Participant, session_id: int, vote: bool, key: uuid.UUID | None
) -> Tally | None:
    """A tap written offline and sent from the phone's outbox with its key (`act_once`): sent
    twice, it is done once; the second send answers the button as it is now. A refused tap
    (voting closed, the budget used up on another device) keeps no key: sent again, it says
    why again."""
    if key is None:  # a tap online: not one query more
        return tap_vote(participant=participant, session_id=session_id, vote=vote)
    return act_once(
        key=key,
        user=participant.user,
        act=lambda: tap_vote(participant=participant, session_id=session_id, vote=vote),
        done=lambda tally: tally is not None and tally.error is None,
        replay=lambda: vote_tally(participant=participant, session_id=session_id),
        url=reverse("public:session", args=[participant.event.slug, session_id]),
    )


def _refused(tally: Tally | None, error: str) -> Tally | None:
    return tally and Tally(tally.title, tally.status, tally.count, tally.mine, tally.used, error)
