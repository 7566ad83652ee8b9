"""The event's frame: creating and updating an event, its phases, its rooms and slots, and
copying the frame of an earlier event. A room or slot that holds sessions cannot be deleted
(nor such a slot made a break); the settings and the frame are versioned like every editor two
people can open, and sessions whose slot moves tell calendar apps."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app import wallclock
from sessions_app.actions.base import (
    ActionRefused,
    _stale,
    keep_text,
)
from sessions_app.actions.feeds import _bump_sessions_in_slots
from sessions_app.actions.follows import follow_votes
from sessions_app.actions.grid import touch_grid
from sessions_app.models import (
    Event,
    Participant,
    Placement,
    Room,
    Slot,
    TextRevision,
)

PHASES = list(Event.Phase.values)  # the order an event goes through
EVENT_SETTINGS = [
    "name",
    "date",
    "venue",
    "language",
    "timezone",
    "votes_per_participant",
    "description",
]
_PARKING = timedelta(days=300 * 365)


def phase_steps(phase: str) -> tuple[str | None, str | None]:
    """The phases an event may go to from `phase`: (previous, next), None past either end."""
    index = PHASES.index(phase)
    previous = PHASES[index - 1] if index > 0 else None
    following = PHASES[index + 1] if index + 1 < len(PHASES) else None
    return previous, following


@transaction.atomic
def set_phase(*, event: Event, phase: str) -> Event:
    """Move the event one phase forward or back; only the phase changes (votes, proposals and
    the grid stay as they are, so going back undoes it). A second click on the same button
    finds the event there already and changes nothing."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.phase != phase:
        if phase not in phase_steps(locked.phase):
            raise ActionRefused(
                _("From “%(current)s” an event can only go one phase forward or back.")
                % {"current": locked.get_phase_display()}
            )
        locked.phase = phase
        locked.save(update_fields=["phase", "updated_at"])
        if phase == Event.Phase.PUBLISHED:
            follow_votes(locked)  # votes count as follows until people change them
    event.phase = locked.phase
    return locked


@transaction.atomic
def create_event(*, by_user, event: Event) -> Event:
    """Save a new event (from its settings form) and make its maker an organiser of it, under
    the name they used in their latest event (or their account's name)."""
    try:
        with transaction.atomic():
            event.save(force_insert=True)
    except IntegrityError:
        event.pk = None
        raise ActionRefused(
            _("Another event took this short name just now; choose another.")
        ) from None
    earlier = by_user.participations.order_by("-joined_at", "-pk").first()
    name = earlier.name if earlier else (by_user.get_full_name() or by_user.get_username())
    Participant.objects.create(
        event=event,
        user=by_user,
        name=name[:150],
        email=by_user.email,
        role=Participant.Role.ORGANISER,
    )
    return event


def _moved(moment: datetime, source: Event, target: Event) -> datetime:
    """`moment` in `source`, at the same wall-clock time and day in `target`; raises
    `wallclock.ClockProblem` when a clock change skips or doubles that time there."""
    local = timezone.localtime(moment, source.tz).replace(tzinfo=None)
    return wallclock.moved(local + (target.date - source.date), target.tz)


def _moved_slots(slots: list[Slot], source: Event, target: Event, refusal: str) -> None:
    """Give each slot its time in `target` (in memory), or refuse the whole change with
    `refusal` (which names the slot) and why, before anything is written."""
    for slot in slots:
        try:
            start, end = _moved(slot.start, source, target), _moved(slot.end, source, target)
        except wallclock.ClockProblem as problem:
            raise ActionRefused(
                f"{refusal % {'slot': _slot_text(source, slot)}} {problem}"
            ) from None
        except OverflowError:  # a row from before dates were checked, at the calendar's edge
            named = f"{slot.start:%Y-%m-%d %H:%M} UTC"
            raise ActionRefused(
                f"{refusal % {'slot': named}} "
                + _("Its time is outside the calendar; delete it and add it again.")
            ) from None
        slot.start, slot.end = start, end


def _park_slots(ids: list[int]) -> None:
    """Move these slots far away (300 years back, or ahead for rows from before event dates
    were checked that sit near year 1), keeping their distances, so that slots can then take
    their new times one by one without overlapping on the way (the database checks every row
    as it is written, and a swap or a shift would trip it)."""
    if not ids:
        return
    slots = Slot.objects.filter(pk__in=ids)
    first = slots.aggregate(first=Min("start"))["first"]
    room = first - datetime.min.replace(tzinfo=UTC) if first else _PARKING
    offset = _PARKING if room > _PARKING + timedelta(days=2) else -_PARKING
    slots.update(start=F("start") - offset, end=F("end") - offset)


def _bump_frame(locked: Event, event: Event) -> None:
    """The rooms or slots changed: editors opened on the frame before are stale now."""
    locked.frame_version += 1
    Event.objects.filter(pk=locked.pk).update(frame_version=locked.frame_version)
    event.frame_version = locked.frame_version


@transaction.atomic
def update_event(
    *, event: Event, based_on: int | None = None, by: Participant | None = None
) -> Event:
    """Save the event's settings (not its short name or phase). When the date or the time
    zone changes, the slots move along: the same wall-clock times on the new date; a time
    that a clock change skips or doubles there refuses the save, naming the slot.

    `based_on` is the `settings_version` the form was opened on: a save from another one
    raises `EditConflict` (None: no form, no check). Saving what is saved already changes
    nothing. The description keeps its history (`TextRevision`), with `by` as its writer."""
    before = Event.objects.select_for_update().get(pk=event.pk)
    if all(getattr(before, name) == getattr(event, name) for name in EVENT_SETTINGS):
        event.settings_version = before.settings_version
        return event
    if based_on is not None:
        _stale(before, "settings_version", based_on)
    moving = (before.date, before.timezone) != (event.date, event.timezone)
    slots = list(before.slots.all()) if moving else []
    _moved_slots(
        slots,
        before,
        event,
        _("Nothing was saved: the slot %(slot)s cannot move to the new date or time zone."),
    )
    keep_text(
        subject=TextRevision.Subject.EVENT_DESCRIPTION,
        owner=before,
        old=before.description,
        new=event.description,
        by=by,
    )
    event.settings_version = before.settings_version + 1
    event.frame_version = before.frame_version
    event.save(update_fields=[*EVENT_SETTINGS, "settings_version", "updated_at"])
    if moving:
        try:
            with transaction.atomic():
                _park_slots([slot.pk for slot in slots])
                for slot in slots:
                    slot.save(update_fields=["start", "end"])
        except IntegrityError:  # two slots that meet where the clocks change
            raise ActionRefused(
                _("Nothing was saved: the slots would overlap on the new date or time zone.")
            ) from None
        _bump_sessions_in_slots([slot.pk for slot in slots])  # calendar apps see them move
        if slots:
            _bump_frame(before, event)
        touch_grid(event)
    return event


@dataclass(frozen=True)
class FrameChanges:
    """What the rooms-and-slots page changes: new and changed rows (not saved yet) and rows to
    delete."""

    rooms: list[Room]
    deleted_rooms: list[Room]
    slots: list[Slot]
    deleted_slots: list[Slot]


def _slot_text(event: Event, slot: Slot) -> str:
    text = f"{event.local(slot.start):%H:%M}–{event.local(slot.end):%H:%M}"
    return f"{text} {slot.label}" if slot.label else text


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _refuse_held(event: Event, changes: FrameChanges) -> None:
    """Refuse to delete a room or slot that holds sessions, or to make such a slot a break."""
    room_ids = [room.pk for room in changes.deleted_rooms]
    held = set(Placement.objects.filter(room_id__in=room_ids).values_list("room_id", flat=True))
    if rooms := [room.name for room in changes.deleted_rooms if room.pk in held]:
        raise ActionRefused(
            ngettext(
                "The room %(rooms)s holds sessions, so nothing was saved. Move its sessions "
                "to another room in the grid first.",
                "The rooms %(rooms)s hold sessions, so nothing was saved. Move their sessions "
                "to other rooms in the grid first.",
                len(rooms),
            )
            % {"rooms": _quoted(rooms)}
        )
    not_sessions = [s for s in changes.slots if s.pk and s.kind != Slot.Kind.SESSIONS]
    slot_ids = [slot.pk for slot in [*changes.deleted_slots, *not_sessions]]
    held = set(Placement.objects.filter(slot_id__in=slot_ids).values_list("slot_id", flat=True))
    if slots := [_slot_text(event, s) for s in changes.deleted_slots if s.pk in held]:
        raise ActionRefused(
            ngettext(
                "The slot %(slots)s holds sessions, so nothing was saved. Move its sessions "
                "to another slot in the grid first.",
                "The slots %(slots)s hold sessions, so nothing was saved. Move their sessions "
                "to other slots in the grid first.",
                len(slots),
            )
            % {"slots": _quoted(slots)}
        )
    if slots := [_slot_text(event, s) for s in not_sessions if s.pk in held]:
        raise ActionRefused(
            ngettext(
                "The slot %(slots)s holds sessions, so it cannot become a break or a plenary; "
                "nothing was saved. Move its sessions to another slot in the grid first.",
                "The slots %(slots)s hold sessions, so they cannot become breaks or plenaries; "
                "nothing was saved. Move their sessions to other slots in the grid first.",
                len(slots),
            )
            % {"slots": _quoted(slots)}
        )


@transaction.atomic
def save_frame(*, event: Event, changes: FrameChanges, based_on: int | None = None) -> None:
    """Write what the rooms-and-slots page changed, all or nothing. Rooms and slots that hold
    sessions are not deleted, and a slot that holds sessions stays a session slot: the refusal
    names them. Rows change places freely (swap two slots' times, shift the whole day).

    `based_on` is the `frame_version` the page was opened on: a save from another one raises
    `EditConflict` (None: no page, no check); a save that changes something moves it on."""
    locked = Event.objects.select_for_update().get(pk=event.pk)  # one frame or grid change at once
    if based_on is not None:
        _stale(locked, "frame_version", based_on)
    _refuse_held(event, changes)
    try:
        Slot.objects.filter(pk__in=[slot.pk for slot in changes.deleted_slots]).delete()
        Room.objects.filter(pk__in=[room.pk for room in changes.deleted_rooms]).delete()
        for room in changes.rooms:
            if room.pk:  # its name may go to another room, and that room's to this one
                Room.objects.filter(pk=room.pk).update(name=f"~{uuid.uuid4().hex}")
        last = event.rooms.aggregate(last=Max("order"))["last"] or 0
        for room in changes.rooms:
            if room.order is None:  # left empty: after the others
                room.order = last = last + 1
            room.event = event
            room.save()
        _park_slots([slot.pk for slot in changes.slots if slot.pk])
        # subscribed calendar apps see the sessions in changed slots move
        _bump_sessions_in_slots([slot.pk for slot in changes.slots if slot.pk])
        for slot in changes.slots:
            slot.event = event
            slot.save()
    except IntegrityError:  # also RestrictedError: a placement made since the check above
        raise ActionRefused(
            _(
                "Someone changed the rooms, slots or grid at the same time, so nothing was "
                "saved. Check the page and save again."
            )
        ) from None
    if changes.rooms or changes.deleted_rooms or changes.slots or changes.deleted_slots:
        _bump_frame(locked, event)
        touch_grid(event)  # grids on screens and in the editor reload


@transaction.atomic
def copy_frame(*, source: Event, target: Event) -> tuple[list[Room], list[Slot]]:
    """Give `target` the rooms (name, seats, order) and slots (kind, label) of `source`, the
    slots at the same wall-clock times on `target`'s date. Only into an empty frame, so
    nothing gets mixed up or lost."""
    locked = Event.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise ActionRefused(_("Choose another event to copy from."))
    if locked.rooms.exists() or locked.slots.exists():
        raise ActionRefused(
            _(
                "This event has rooms or slots already; copying only fills an empty frame. "
                "Delete them first, or add what is missing by hand."
            )
        )
    copies = [
        Slot(event=locked, start=slot.start, end=slot.end, kind=slot.kind, label=slot.label)
        for slot in source.slots.order_by("start")
    ]
    _moved_slots(
        copies, source, locked, _("Nothing was copied: the slot %(slot)s cannot go to this date.")
    )
    try:
        with transaction.atomic():
            rooms = Room.objects.bulk_create(
                Room(event=locked, name=room.name, capacity=room.capacity, order=room.order)
                for room in source.rooms.order_by("order", "id")
            )
            slots = Slot.objects.bulk_create(copies)
    except IntegrityError:  # e.g. two slots that meet when a clock change is crossed
        raise ActionRefused(
            _("These slots cannot be copied to this date; add them by hand.")
        ) from None
    if rooms or slots:
        _bump_frame(locked, target)
    touch_grid(locked)
    return rooms, slots
