"""Sessions as their hosts propose them: propose, update, withdraw, restore, hide and merge.
A session's description is versioned and keeps its history; a withdrawn session leaves the grid;
a merge folds hosts, votes and themes into the kept session on both rows locked, and is refused
(`ChangedMeanwhile`) when either was merged or withdrawn since the caller read them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sessions_app import grid, scheduling
from sessions_app.actions.base import (
    ActionRefused,
    Subject,
    _stale,
    keep_text,
)
from sessions_app.actions.grid import _write_grid, touch_grid
from sessions_app.actions.people import _new_user
from sessions_app.actions.themes import _bump_session_versions
from sessions_app.models import (
    Event,
    GridChange,
    Host,
    Participant,
    Session,
    Slot,
    Theme,
)


@dataclass(frozen=True)
class Proposal:
    """What a proposal form says, cleaned."""

    title: str
    kind: str
    description: str
    themes: list[Theme]
    unavailable_slots: list[Slot]
    cohosts: list[Participant]
    invited_names: list[str]


def _set_hosts(session: Session, proposal: Proposal, *, keep: Participant | None) -> None:
    """Hosts become `keep` (who is editing) plus the chosen co-hosts plus the invited names;
    hosts who stay keep their order."""
    current = [h.participant for h in session.hostings.select_related("participant")]
    wanted = {p.pk for p in proposal.cohosts} | ({keep.pk} if keep else set())
    hosts = [p for p in current if p.pk in wanted]
    for participant in [keep, *proposal.cohosts]:
        if participant is not None and participant.pk not in {h.pk for h in hosts}:
            hosts.append(participant)
    for name in proposal.invited_names:
        hosts.append(
            Participant.objects.create(event=session.event, user=_new_user(name), name=name)
        )
    if not hosts:
        raise ActionRefused(_("A session needs at least one host."))
    session.hostings.exclude(participant_id__in=[h.pk for h in hosts]).delete()
    existing = dict(session.hostings.values_list("participant_id", "pk"))
    for order, participant in enumerate(hosts):
        if participant.pk in existing:
            Host.objects.filter(pk=existing[participant.pk]).update(order=order)
        else:
            Host.objects.create(session=session, participant=participant, order=order)


@transaction.atomic
def propose_session(*, event: Event, by: Participant, proposal: Proposal) -> Session:
    if not event.proposing_open:
        raise ActionRefused(_("Proposing is closed for this event."))
    session = Session.objects.create(
        event=event, title=proposal.title, kind=proposal.kind, description=proposal.description
    )
    _set_hosts(session, proposal, keep=by)
    session.themes.set(proposal.themes)
    session.unavailable_slots.set(proposal.unavailable_slots)
    keep_text(
        subject=Subject.SESSION_DESCRIPTION,
        owner=session,
        old="",
        new=proposal.description,
        by=by,
    )
    return session


def _proposal_unchanged(session: Session, proposal: Proposal, by: Participant | None) -> bool:
    """Whether saving this proposal would leave the session as it is (a double click)."""
    hosts = set(session.hostings.values_list("participant_id", flat=True))
    wanted = {p.pk for p in proposal.cohosts} | ({by.pk} if by else set())
    return (
        (session.title, session.kind, session.description)
        == (proposal.title, proposal.kind, proposal.description)
        and not proposal.invited_names
        and hosts == wanted
        and set(session.themes.values_list("pk", flat=True)) == {t.pk for t in proposal.themes}
        and set(session.unavailable_slots.values_list("pk", flat=True))
        == {s.pk for s in proposal.unavailable_slots}
    )


@transaction.atomic
def update_session(
    *,
    session: Session,
    proposal: Proposal,
    by: Participant | None = None,
    based_on: int | None = None,
    author: Participant | None = None,
) -> Session:
    """Change a proposal. A host who edits stays a host; an organiser (`by=None`) sets the
    hosts from the form, which lists the current ones, so nobody is dropped by accident.

    `based_on` is the version the edit form was opened on: a save from an older one raises
    `EditConflict` instead of overwriting what someone else saved (None: no editor's form, no
    check). Saving what is already there changes nothing. The description keeps its history,
    with `author` (or else `by`) as the writer."""
    # the event first, then the session: the order merges and the grid's writers lock in (it
    # touches the grid below), so an edit and a merge wait for each other, never deadlock
    locked = _locked_sessions(session.event_id, session.pk).get(session.pk)
    if locked is None:
        raise ChangedMeanwhile(_("This session no longer exists."))
    if locked.merged_into_id:  # its hosts, votes and themes went there: so should the change
        other = Session.objects.filter(pk=locked.merged_into_id).values_list("title", flat=True)
        raise ChangedMeanwhile(
            _("“%(session)s” was merged into “%(other)s” meanwhile; make the change there.")
            % {"session": locked.title, "other": other.first() or "?"}
        )
    if _proposal_unchanged(locked, proposal, by):
        return session
    if based_on is not None:
        _stale(locked, "version", based_on, Subject.SESSION_DESCRIPTION)
    keep_text(
        subject=Subject.SESSION_DESCRIPTION,
        owner=locked,
        old=locked.description,
        new=proposal.description,
        by=author or by,
    )
    session.title, session.kind = proposal.title, proposal.kind
    session.description = proposal.description
    session.version = locked.version + 1
    session.save(update_fields=["title", "kind", "description", "version", "updated_at"])
    _set_hosts(session, proposal, keep=by)
    session.themes.set(proposal.themes)
    session.unavailable_slots.set(proposal.unavailable_slots)
    touch_grid(session.event)
    return session


@transaction.atomic
def withdraw_session(*, session: Session, by: Participant | None = None) -> Session:
    """Take a session off the programme (its place in the grid is freed, as a recorded grid
    change; its votes stay, so restoring it gives everything back)."""
    locked = _locked_sessions(session.event_id, session.pk).get(session.pk)
    if locked is None or locked.status == Session.Status.WITHDRAWN:
        return locked or session  # withdrawn (or merged) meanwhile: nothing left to do
    _unplace_quietly(locked, summary=_("“%(session)s” withdrawn"), by=by, cancelled=True)
    locked.status = Session.Status.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    return locked


def _unplace_quietly(
    session: Session, *, summary: str, by: Participant | None, cancelled: bool = False
) -> None:
    """Free the session's cell, if it has one, as a change in the grid's history (`cancelled`:
    because the session was withdrawn, as its followers are told)."""
    event = Event.objects.select_for_update().get(pk=session.event_id)
    rows = grid.snapshot(event)
    if any(row[0] == session.pk for row in rows):
        rows = [row for row in rows if row[0] != session.pk]
        _write_grid(
            event,
            rows,
            kind=GridChange.Kind.UNPLACE,
            summary=summary % {"session": session.title},
            by=by,
            cancelled=frozenset({session.pk}) if cancelled else frozenset(),
        )


def _hand_over_cell(*, keep: Session, merge: Session) -> None:
    """The merged session's cell goes to the kept one when that has none and the rules allow
    it (its hosts now include the merged one's); otherwise the cell is freed. Either way it is
    a recorded, undoable grid change."""
    event = Event.objects.select_for_update().get(pk=keep.event_id)
    rows = {row[0]: row for row in grid.snapshot(event)}
    cell = rows.pop(merge.pk, None)
    if cell is None:
        return
    summary = _("“%(session)s” merged") % {"session": merge.title}
    if keep.pk not in rows:
        candidate = [*rows.values(), [keep.pk, cell[1], cell[2], cell[3]]]
        problem = grid.problem_for(event)
        if not [
            c
            for c in scheduling.conflicts(problem, grid.placements_of(candidate))
            if keep.pk in c.sessions and c.rule != scheduling.Rule.PIN_MOVED
        ]:
            rows[keep.pk] = candidate[-1]
            summary = _("“%(merged)s” merged into “%(session)s”, which takes its place") % {
                "merged": merge.title,
                "session": keep.title,
            }
    _write_grid(event, list(rows.values()), kind=GridChange.Kind.MOVE, summary=summary, by=None)


@transaction.atomic
def restore_session(*, session: Session) -> Session:
    """Put a withdrawn session back. Not one merged into another: its votes and hosts are
    there now, so on its own it would come back empty (and still point there)."""
    locked = _locked_sessions(session.event_id, session.pk).get(session.pk)
    if locked is None:
        raise ChangedMeanwhile(_("This session no longer exists."))
    if locked.merged_into_id:
        other = Session.objects.filter(pk=locked.merged_into_id).values_list("title", flat=True)
        raise ChangedMeanwhile(
            _("“%(session)s” was merged into “%(other)s”; it cannot come back on its own.")
            % {"session": locked.title, "other": other.first() or "?"}
        )
    locked.status = Session.Status.PROPOSED
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def set_session_hidden(*, session: Session, hidden: bool) -> Session:
    locked = _locked_sessions(session.event_id, session.pk).get(session.pk)
    if locked is None:
        raise ChangedMeanwhile(_("This session no longer exists."))
    if hidden:
        _unplace_quietly(locked, summary=_("“%(session)s” hidden"), by=None)
    locked.hidden = hidden
    locked.save(update_fields=["hidden", "updated_at"])
    return locked


class ChangedMeanwhile(ActionRefused):
    """What the action was asked on is no longer so: someone else changed it just before."""


def _locked_sessions(event_id: int, *pks: int) -> dict[int, Session]:
    """The event's row and then these sessions' rows, locked for the rest of the transaction,
    always in that order (the event, then sessions by ascending pk) — the order the grid's
    writers lock in, so two writers wait for each other instead of deadlocking — and read
    afresh: what the caller read before may have changed meanwhile."""
    Event.objects.select_for_update().filter(pk=event_id).first()
    locked = {}
    for pk in sorted(set(pks)):
        session = Session.objects.select_for_update().filter(pk=pk).first()
        if session is not None:
            locked[pk] = session
    return locked


def _merged_or_withdrawn(session: Session) -> str | None:
    """Why `session` can take part in no merge any more, or None."""
    if session.merged_into_id:
        other = Session.objects.filter(pk=session.merged_into_id).values_list("title", flat=True)
        return _("“%(session)s” was merged into “%(other)s” meanwhile; nothing was merged.") % {
            "session": session.title,
            "other": other.first() or "?",
        }
    if session.status == Session.Status.WITHDRAWN:
        return _("“%(session)s” was withdrawn meanwhile; nothing was merged.") % {
            "session": session.title
        }
    return None


def _locked_for_merge(keep: Session, merge: Session) -> tuple[Session, Session]:
    """Both sessions locked and read again, refused if either was merged or withdrawn since
    the caller read them: two organisers merging A into B and B into A at the same moment
    would otherwise both be told it worked, leave both withdrawn pointing at each other, and
    delete the votes of whoever voted for both twice over."""
    locked = _locked_sessions(keep.event_id, keep.pk, merge.pk)
    if keep.pk not in locked or merge.pk not in locked:
        raise ChangedMeanwhile(
            _("One of these sessions was deleted meanwhile; nothing was merged.")
        )
    keep, merge = locked[keep.pk], locked[merge.pk]
    for session in (merge, keep):
        if reason := _merged_or_withdrawn(session):
            raise ChangedMeanwhile(reason)
    if keep.event_id != merge.event_id:
        raise ActionRefused(_("Choose two different sessions of this event."))
    return keep, merge


@transaction.atomic
def merge_sessions(*, keep: Session, merge: Session) -> Session:
    """Fold `merge` into `keep`: hosts, votes, themes and unavailable slots combined without
    duplicates; `merge` is withdrawn and says where it went. Refused with `ChangedMeanwhile`
    when either was merged or withdrawn since the caller read them."""
    if keep.pk == merge.pk or keep.event_id != merge.event_id:
        raise ActionRefused(_("Choose two different sessions of this event."))
    keep, merge = _locked_for_merge(keep, merge)
    # a vote moves over (keeping its time); who voted for both keeps one and gets one back
    already = keep.votes.values("participant_id")
    merge.votes.filter(participant_id__in=already).delete()
    merge.votes.update(session=keep)
    next_order = (keep.hostings.aggregate(m=Max("order"))["m"] or 0) + 1
    hosting = set(keep.hostings.values_list("participant_id", flat=True))
    for host in merge.hostings.order_by("order", "id"):
        if host.participant_id not in hosting:
            Host.objects.create(session=keep, participant_id=host.participant_id, order=next_order)
            next_order += 1
    keep.themes.add(*merge.themes.all())
    keep.unavailable_slots.add(*merge.unavailable_slots.all())
    _hand_over_cell(keep=keep, merge=merge)
    merge.status = Session.Status.WITHDRAWN
    merge.merged_into = keep
    merge.save(update_fields=["status", "merged_into", "updated_at"])
    keep.save(update_fields=["updated_at"])
    _bump_session_versions([keep.pk])  # its hosts and themes changed under its edit form
    return keep
