"""The grid as the conference world's apps read it: frab/c3voc schedule.xml and schedule.json
(see ../shared/schedule-formats.md and the schemas in ../shared/schemas/).

Two halves:
- `load_programme(event, origin)` reads the published grid from the database into plain frozen
  dataclasses (a fixed number of queries, whatever the number of sessions). The iCalendar and
  CSV exports use the same `Programme`, so the three agree on ids, times and texts.
- `schedule_xml(programme)` and `schedule_json(programme)` render it, without touching the
  database. Every text goes through `clean_text`/`clean_line` first: XML 1.0 cannot carry most
  control characters at all, and one stray byte in a title must not break every app's feed.

Identities stay put when the grid changes: an event's `id` is the session's primary key and its
`guid` a UUID 5 of the event and the session (Engelsystem diffs its shifts by GUID, so a GUID
that changed with a move would delete and recreate a shift). `<version>` is the event's grid
version, which every grid change raises.

Plenaries (a slot of kind "plenary") are in the feeds too, as events in the largest room: the
opening and closing are what everyone attends. Breaks are not events.
"""

from __future__ import annotations

import json
import math
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sessions_app.models import Event, Host, Placement, Session, SessionQuerySet, Slot

GENERATOR = "oocamp"
GENERATOR_VERSION = "0.1.0"
JSON_SCHEMA = "https://c3voc.de/schedule/schema.json"
# Fixed for ever: every GUID of every OOcamp feed descends from it (uuid5 of a name).
NAMESPACE = uuid.UUID("5b0c2a55-8f0e-4f43-9a57-0c7a3e2d6f11")
# Plenaries are slots, not sessions: their ids start here so that they never meet a session's.
PLENARY_ID_OFFSET = 1_000_000_000
DAY_START = time(4, 0)  # a day runs 04:00–03:59, as in pretalx: a late session stays on its day
TRACK_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
# JSON schema: time_zone_name must match this (so "Europe/Brussels" passes and "CET" fails).
JSON_TIME_ZONE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")

# What XML 1.0 cannot hold (C0 controls but tab and newlines, surrogates, U+FFFE/U+FFFF) and
# what no reader wants (DEL and the C1 controls).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """A multi-line text without control characters; line ends become \\n."""
    if not value:
        return ""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_line(value: str | None) -> str:
    """A one-line text (title, name): control characters gone, any run of spaces one space."""
    return _SPACE.sub(" ", clean_text(value)).strip()


def guid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def acronym_of(slug: str) -> str:
    """The event's short name as both schemas take it: [a-z0-9_], at least four characters."""
    return re.sub(r"[^a-z0-9_]", "_", slug.lower()).ljust(4, "_")


def hhmm(minutes: int) -> str:
    """A duration as HH:MM (the XSD allows two digits of hours at most)."""
    minutes = max(0, min(minutes, 99 * 60 + 59))
    return f"{minutes // 60:02}:{minutes % 60:02}"


# ---- the programme, read once -----------------------------------------------------------------


@dataclass(frozen=True)
class RoomInfo:
    id: int
    guid: str
    name: str  # unique within the programme, also after cleaning
    capacity: int


@dataclass(frozen=True)
class Person:
    id: int
    guid: str
    name: str


@dataclass(frozen=True)
class Reference:
    url: str
    title: str
    type: str  # one of the JSON schema's: slides, paper, web, media, related, …


@dataclass(frozen=True)
class Track:
    name: str
    slug: str
    colour: str


@dataclass(frozen=True)
class Item:
    """One entry of the programme: a placed session, or a plenary (`session_id` None)."""

    id: int
    guid: str
    session_id: int | None
    title: str
    type: str
    start: datetime  # aware, in the event's time zone
    end: datetime
    room: RoomInfo
    abstract: str = ""
    url: str = ""
    slug: str = ""
    track: str = ""
    themes: tuple[str, ...] = ()
    persons: tuple[Person, ...] = ()
    links: tuple[Reference, ...] = ()
    attachments: tuple[Reference, ...] = ()
    sequence: int = 0
    modified: datetime | None = None

    @property
    def minutes(self) -> int:
        return max(0, round((self.end - self.start).total_seconds() / 60))


@dataclass(frozen=True)
class Programme:
    event_id: int
    title: str
    acronym: str
    language: str
    time_zone: str
    version: str
    base_url: str  # the event's page
    grid_url: str
    schedule_url: str
    days: tuple[date, ...]
    timeslot_minutes: int
    rooms: tuple[RoomInfo, ...]
    tracks: tuple[Track, ...]
    items: tuple[Item, ...]  # by start, then room order
    venue: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def day_of(self, moment: datetime) -> date:
        return day_of(moment, self.tz)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, DAY_START, tzinfo=self.tz)
        if day == date.max:  # the calendar's last day (a row from before dates were checked)
            return start, datetime.combine(day, time(23, 59), tzinfo=self.tz)
        end = datetime.combine(day + timedelta(days=1), DAY_START, tzinfo=self.tz)
        return start, end - timedelta(minutes=1)


def day_of(moment: datetime, tz: ZoneInfo) -> date:
    """The programme day of a moment: before 04:00 it still counts as the day before (held
    at the calendar's edges, for rows from before an event's date was checked)."""
    try:
        local = moment.astimezone(tz)
    except OverflowError:
        return moment.date()
    try:
        return (local - timedelta(hours=DAY_START.hour, minutes=DAY_START.minute)).date()
    except OverflowError:
        return local.date()


def _unique_names(names: list[str], fallback: str) -> list[str]:
    """Names as they are, but a name that is empty or already taken (after cleaning) gets a
    number: the JSON keys a day's rooms by name."""
    seen: set[str] = set()
    result = []
    for index, name in enumerate(names, start=1):
        candidate = name or f"{fallback} {index}"
        number = 2
        while candidate in seen:
            candidate = f"{name or fallback} ({number})"
            number += 1
        seen.add(candidate)
        result.append(candidate)
    return result


def _track_slug(name: str, pk: int) -> str:
    """[a-z][a-z0-9-]+ (XSD) that also ends in a letter or digit (JSON)."""
    slug = slugify(name).strip("-_").replace("_", "-")
    if not slug or not slug[0].isalpha() or len(slug) < 2:
        slug = f"theme-{pk}" if not slug else f"theme-{slug}"
    return slug[:50].rstrip("-")


def _event_slug(acronym: str, pk: int, title: str) -> str:
    """[a-z0-9_]{4,}-[a-z0-9-_]{4,} (XSD) ending in a letter or digit (JSON), unique by pk."""
    tail = slugify(title)[:60].strip("-_") or "session"
    return f"{acronym}-{pk}-{tail}"


def _timeslot_minutes(slots: list[Slot], tz: ZoneInfo) -> int:
    """The grid's step: the greatest common divisor of slot lengths and start minutes."""
    step = 0
    for slot in slots:
        step = math.gcd(step, round((slot.end - slot.start).total_seconds() / 60))
        step = math.gcd(step, slot.start.astimezone(tz).minute)
    return min(max(step, 5), 60) if step else 15


def _attachment_url(attachment, origin: str) -> str:
    try:
        url = attachment.get_absolute_url()
    except (AttributeError, NoReverseMatch):  # before the download view exists
        url = attachment.url or attachment.file.url
    return iri_to_uri(urljoin(origin + "/", url))


ATTACHMENT_TYPES = {"slides": "slides", "document": "paper", "video": "media", "link": "web"}


def _session_item(
    session: Session, placement: Placement, room: RoomInfo, acronym: str, origin: str
) -> Item:
    event_created = int(session.event.created_at.timestamp() * 1_000_000)
    page = origin + session.get_absolute_url()
    persons = tuple(
        Person(
            id=hosting.participant_id,
            guid=guid("participant", session.event_id, event_created, hosting.participant_id),
            name=name,
        )
        for hosting in session.hostings.all()
        if (name := clean_line(hosting.participant.name))
    )
    themes = tuple(name for theme in session.themes.all() if (name := clean_line(theme.name)))
    attachments: list[Reference] = []
    links = [Reference(page, _("Session page: slides and report"), "related")]
    for attachment in session.attachments.all():
        ref = Reference(
            url=_attachment_url(attachment, origin),
            title=clean_line(attachment.title) or attachment.get_kind_display(),
            type=ATTACHMENT_TYPES.get(attachment.kind, "web"),
        )
        (links if attachment.kind == "link" else attachments).append(ref)
    title = clean_line(session.title) or _("Session %(number)s") % {"number": session.pk}
    return Item(
        id=session.pk,
        guid=guid("session", session.event_id, event_created, session.pk),
        session_id=session.pk,
        title=title,
        type=session.kind,
        start=placement.slot.start.astimezone(session.event.tz),
        end=placement.slot.end.astimezone(session.event.tz),
        room=room,
        abstract=clean_text(session.description),
        url=page,
        slug=_event_slug(acronym, session.pk, title),
        track=themes[0] if themes else "",
        themes=themes,
        persons=persons,
        links=tuple(links),
        attachments=tuple(attachments),
        sequence=session.schedule_sequence,
        modified=session.updated_at,
    )


def _plenary_item(event: Event, slot: Slot, room: RoomInfo, acronym: str, origin: str) -> Item:
    created = int(event.created_at.timestamp() * 1_000_000)
    title = clean_line(slot.label) or str(Slot.Kind.PLENARY.label)
    number = PLENARY_ID_OFFSET + slot.pk
    return Item(
        id=number,
        guid=guid("plenary", event.pk, created, slot.pk),
        session_id=None,
        title=title,
        type="plenary",
        start=slot.start.astimezone(event.tz),
        end=slot.end.astimezone(event.tz),
        room=room,
        url=origin + reverse("public:grid", args=[event.slug]),
        slug=_event_slug(acronym, number, title),
        modified=event.updated_at,
    )


def load_programme(event: Event, origin: str) -> Programme:
    """The published grid of `event`, with absolute URLs under `origin` ("https://host").
    Six queries: rooms, slots, placed sessions, their hosts, themes and attachments."""
    created = int(event.created_at.timestamp() * 1_000_000)
    acronym = acronym_of(event.slug)
    room_rows = list(event.rooms.order_by("order", "id"))
    names = _unique_names([clean_line(room.name) for room in room_rows], _("Room"))
    rooms = tuple(
        RoomInfo(room.pk, guid("room", event.pk, created, room.pk), name, room.capacity)
        for room, name in zip(room_rows, names, strict=True)
    )
    by_pk = {room.id: room for room in rooms}
    slots = list(event.slots.order_by("start"))
    placements = list(
        Placement.objects.filter(SessionQuerySet.visible_rule("session__"), session__event=event)
        .select_related("session")
        .prefetch_related(
            Prefetch("session__hostings", queryset=Host.objects.select_related("participant")),
            "session__themes",
            "session__attachments",
        )
    )
    slot_by_pk = {slot.pk: slot for slot in slots}
    items = []
    for placement in placements:
        placement.session.event = event  # the session's URL and times need it: no query
        placement.slot = slot_by_pk[placement.slot_id]
        items.append(
            _session_item(placement.session, placement, by_pk[placement.room_id], acronym, origin)
        )
    if rooms:
        plenary_room = max(rooms, key=lambda room: (room.capacity, -rooms.index(room)))
        items += [
            _plenary_item(event, slot, plenary_room, acronym, origin)
            for slot in slots
            if slot.kind == Slot.Kind.PLENARY
        ]
    order = {room.id: index for index, room in enumerate(rooms)}
    items.sort(key=lambda item: (item.start, order[item.room.id], item.id))
    theme_names = Counter(theme for item in items for theme in item.themes)
    tracks = tuple(
        Track(name, _track_slug(name, index), TRACK_COLOURS[index % len(TRACK_COLOURS)])
        for index, name in enumerate(sorted(theme_names), start=1)
    )
    days = sorted({day_of(slot.start, event.tz) for slot in slots} or {event.date})
    return Programme(
        event_id=event.pk,
        title=clean_line(event.name) or event.slug,
        acronym=acronym,
        language=event.language,
        time_zone=event.timezone,
        version=str(event.grid_version),
        base_url=origin + event.get_absolute_url(),
        grid_url=origin + reverse("public:grid", args=[event.slug]),
        schedule_url=origin + reverse("public:schedule-xml", args=[event.slug]),
        days=tuple(days),
        timeslot_minutes=_timeslot_minutes(slots, event.tz),
        rooms=rooms,
        tracks=tracks,
        items=tuple(items),
        venue=clean_line(event.venue),
    )


def _day_groups(programme: Programme) -> list[tuple[int, date, dict[int, list[Item]]]]:
    """(index, date, {room id: items}) per day, every room present on every day."""
    groups = []
    for index, day in enumerate(programme.days, start=1):
        rooms: dict[int, list[Item]] = {room.id: [] for room in programme.rooms}
        for item in programme.items:
            if programme.day_of(item.start) == day:
                rooms[item.room.id].append(item)
        groups.append((index, day, rooms))
    return groups


# ---- schedule.xml -----------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def schedule_xml(programme: Programme) -> bytes:
    """schedule.xml; Giggity sniffs the first kilobyte for <schedule and <conference, so
    nothing long comes before the conference."""
    root = ET.Element("schedule")
    _sub(root, "generator", name=GENERATOR, version=GENERATOR_VERSION)
    _sub(root, "url", programme.schedule_url)
    _sub(root, "version", programme.version)
    conference = _sub(root, "conference")
    _sub(conference, "title", programme.title)
    _sub(conference, "acronym", programme.acronym)
    _sub(conference, "start", programme.days[0].isoformat())
    _sub(conference, "end", programme.days[-1].isoformat())
    _sub(conference, "days", str(len(programme.days)))
    _sub(conference, "timeslot_duration", hhmm(programme.timeslot_minutes))
    _sub(conference, "base_url", programme.base_url)
    _sub(conference, "url", programme.grid_url)
    _sub(conference, "time_zone_name", programme.time_zone)
    for track in programme.tracks:
        _sub(conference, "track", name=track.name, slug=track.slug, color=track.colour)
    for index, day, rooms in _day_groups(programme):
        start, end = programme.day_bounds(day)
        day_element = _sub(
            root,
            "day",
            index=str(index),
            date=day.isoformat(),
            start=start.isoformat(),
            end=end.isoformat(),
        )
        for room in programme.rooms:
            room_element = _sub(day_element, "room", name=room.name, guid=room.guid)
            for item in rooms[room.id]:
                _xml_event(room_element, item, programme.language)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _xml_event(parent: ET.Element, item: Item, language: str) -> None:
    element = _sub(parent, "event", id=str(item.id), guid=item.guid)
    _sub(element, "room", item.room.name)
    _sub(element, "title", item.title)
    _sub(element, "subtitle", "")
    _sub(element, "type", item.type)
    _sub(element, "date", item.start.isoformat())
    _sub(element, "start", item.start.strftime("%H:%M"))
    _sub(element, "duration", hhmm(item.minutes))
    _sub(element, "abstract", item.abstract)
    _sub(element, "slug", item.slug)
    _sub(element, "track", item.track)
    _sub(element, "language", language)
    persons = _sub(element, "persons")
    for person in item.persons:
        _sub(persons, "person", person.name, id=str(person.id), guid=person.guid)
    links = _sub(element, "links")
    for link in item.links:
        _sub(links, "link", link.title, href=link.url, type=link.type)
    attachments = _sub(element, "attachments")
    for attachment in item.attachments:
        _sub(attachments, "attachment", attachment.title, href=attachment.url, type=attachment.type)
    _sub(element, "url", item.url)


# ---- schedule.json ----------------------------------------------------------------------------


def schedule_json(programme: Programme) -> bytes:
    conference: dict = {
        "acronym": programme.acronym,
        "title": programme.title,
        "start": programme.days[0].isoformat(),
        "end": programme.days[-1].isoformat(),
        "daysCount": len(programme.days),
        "timeslot_duration": hhmm(programme.timeslot_minutes),
        "url": programme.grid_url,
    }
    if JSON_TIME_ZONE.search(programme.time_zone):
        conference["time_zone_name"] = programme.time_zone
    conference["rooms"] = [
        {"name": room.name, "guid": room.guid, "capacity": room.capacity, "description": None}
        for room in programme.rooms
    ]
    conference["tracks"] = [
        {"name": track.name, "slug": track.slug, "color": track.colour}
        for track in programme.tracks
    ]
    conference["days"] = []
    for index, day, rooms in _day_groups(programme):
        start, end = programme.day_bounds(day)
        conference["days"].append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": {
                    room.name: [_json_event(item, programme.language) for item in rooms[room.id]]
                    for room in programme.rooms
                },
            }
        )
    document = {
        "$schema": JSON_SCHEMA,
        "generator": {"name": GENERATOR, "version": GENERATOR_VERSION},
        "schedule": {
            "version": programme.version,
            "base_url": programme.base_url,
            "url": programme.schedule_url.removesuffix(".xml") + ".json",
            "conference": conference,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode() + b"\n"


def _reference(ref: Reference) -> dict:
    return {"title": ref.title, "url": ref.url, "type": ref.type}


def _json_event(item: Item, language: str) -> dict:
    return {
        "guid": item.guid,
        "id": item.id,
        "date": item.start.isoformat(),
        "start": item.start.strftime("%H:%M"),
        "end": item.end.isoformat(),
        "duration": hhmm(item.minutes),
        "room": item.room.name,
        "slug": item.slug,
        "url": item.url,
        "title": item.title,
        "subtitle": "",
        "track": item.track or None,
        "type": item.type,
        "language": language,
        "abstract": item.abstract,
        "persons": [
            {"name": person.name, "public_name": person.name, "guid": person.guid}
            for person in item.persons
        ],
        "links": [_reference(link) for link in item.links],
        "attachments": [_reference(attachment) for attachment in item.attachments],
    }
