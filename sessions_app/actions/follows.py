"""Follows: a participant says "I'll go" to a session, or takes it back, or keeps one of the
sessions they follow at the same time; and says they have seen the changes to what they follow.
When the grid is published, votes become follows for everyone who follows nothing yet
(`follow_votes`, called by actions.set_phase)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from sessions_app.actions.base import ActionRefused, act_once
from sessions_app.models import Event, Follow, Participant, Session, Vote


def _check(participant: Participant, session: Session) -> None:
    if session.event_id != participant.event_id or not session.is_visible:
        raise ActionRefused(_("This session is not on this event's programme."))
    if not participant.event.grid_published:
        raise ActionRefused(_("You can follow sessions once the grid is published."))


def follow_session(*, participant: Participant, session: Session) -> None:
    """ "I'll go": one INSERT … ON CONFLICT DO NOTHING, so a second tap changes nothing."""
    _check(participant, session)
    Follow.objects.bulk_create(
        [Follow(participant=participant, session=session)], ignore_conflicts=True
    )


def unfollow_session(*, participant: Participant, session: Session) -> bool:
    """Take it back. Returns whether a follow was removed."""
    deleted, _rows = Follow.objects.filter(participant=participant, session=session).delete()
    return bool(deleted)


def set_follow(
    *, participant: Participant, session: Session, going: bool, key: uuid.UUID | None = None
) -> bool:
    """ "I'll go" (`going`) or not any more; returns whether the participant goes now. With the
    key of a phone's outbox (`act_once`), sent twice it is done once: the second send writes
    nothing and answers what is so now. Refusals raise `ActionRefused` and keep no key."""

    def act() -> bool:
        if going:
            follow_session(participant=participant, session=session)
        else:
            unfollow_session(participant=participant, session=session)
        return going

    if key is None:  # a tap online: not one query more
        return act()
    return act_once(
        key=key,
        user=participant.user,
        act=act,
        done=lambda _going: True,
        replay=lambda: Follow.objects.filter(participant=participant, session=session).exists(),
        url=session.get_absolute_url(),
    )


@transaction.atomic
def keep_only(*, participant: Participant, session: Session) -> int:
    """Of the sessions the participant follows in this session's slot, keep this one: follow it
    (if not yet) and stop following the others. Returns how many were dropped."""
    _check(participant, session)
    placement = getattr(session, "placement", None)
    if placement is None:
        raise ActionRefused(_("This session is not on the grid."))
    Follow.objects.bulk_create(
        [Follow(participant=participant, session=session)], ignore_conflicts=True
    )
    deleted, _rows = (
        Follow.objects.filter(participant=participant, session__placement__slot=placement.slot_id)
        .exclude(session=session)
        .delete()
    )
    return deleted


def mark_changes_seen(*, participant: Participant, version: int) -> None:
    """The participant has seen the changes up to this grid version (never goes back)."""
    Participant.objects.filter(pk=participant.pk, changes_seen_version__lt=version).update(
        changes_seen_version=version
    )
    participant.changes_seen_version = max(participant.changes_seen_version, version)


def follow_votes(event: Event) -> int:
    """At publication: each participant who follows nothing in this event yet follows what they
    voted for. Returns the number of follows made."""
    already = Follow.objects.filter(session__event=event).values("participant_id")
    votes = Vote.objects.filter(session__event=event).exclude(participant_id__in=already)
    made = Follow.objects.bulk_create(
        [
            Follow(participant_id=p, session_id=s)
            for p, s in votes.values_list("participant", "session")
        ],
        ignore_conflicts=True,
    )
    return len(made)
