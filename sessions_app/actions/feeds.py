"""Calendar feeds: subscribers' calendar apps learn that a session moved (its iCalendar
SEQUENCE is raised), and a participant can renew the secret of their personal feed."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from sessions_app.models import (
    Participant,
    Session,
    generate_calendar_token,
)


def _bump_schedule_sequence(old: dict[int, list], new: dict[int, list]) -> None:
    """Raise the iCalendar SEQUENCE (and `updated_at`, the LAST-MODIFIED) of every session whose
    room or slot differs between the grids `old` and `new` ({session: [s, room, slot, pinned]}),
    including sessions that enter or leave the grid. A pin alone is no move."""
    moved = [
        pk
        for pk in set(old) | set(new)
        if (old[pk][1:3] if pk in old else None) != (new[pk][1:3] if pk in new else None)
    ]
    if moved:
        Session.objects.filter(pk__in=moved).update(
            schedule_sequence=F("schedule_sequence") + 1, updated_at=timezone.now()
        )


def _bump_sessions_in_slots(slot_ids: list[int]) -> None:
    """The sessions placed in these slots change time when the slots do."""
    if slot_ids:
        Session.objects.filter(placement__slot_id__in=slot_ids).update(
            schedule_sequence=F("schedule_sequence") + 1, updated_at=timezone.now()
        )


def renew_calendar_token(*, participant: Participant) -> Participant:
    """A new secret for the participant's personal calendar feed: the old URL stops working
    (answers 404), for when it was shared by mistake."""
    participant.calendar_token = generate_calendar_token()
    participant.save(update_fields=["calendar_token"])
    return participant
