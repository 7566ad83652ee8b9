"""Read and write the event file `oocamp-event/1` (docs/event-format.md, the reference).

`load_event_file(path)` reads a `.json` or a `.zip` and returns an `EventFile`; `check_document`
checks the whole document first and lists every problem with its path (up to 50); only a file
without problems is written, in one transaction, by `actions.import_event`
(sessions_app/actions/event_file.py). `export_event` writes the document with stable
keys (positions in a fixed order), so that export → import → export gives the same document.
"""

from __future__ import annotations

import functools
import io
import json
import re
import struct
import zipfile
import zlib
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, TypeGuard

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator, validate_email, validate_slug
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

from sessions_app import uploads
from sessions_app.models import (
    RESERVED_SLUGS,
    Attachment,
    AttachmentKind,
    Event,
    EventLanguage,
    EventPhase,
    Follow,
    Participant,
    ParticipantRole,
    Placement,
    Room,
    Session,
    SessionKind,
    SessionStatus,
    Slot,
    SlotKind,
    Theme,
    Vote,
    event_date_problem,
)

FORMAT = "oocamp-event/1"
MAX_PROBLEMS = 50
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$", re.ASCII)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# The format itself nests 5 deep (document → sessions → [i] → attachments → [j]); anything
# much deeper is no event file, and would only feed recursion further on.
MAX_DEPTH = 32
MAX_MESSAGE = 300  # characters of one problem: a 20 MB value is named, not repeated
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(problem: str) -> str:
    """A problem as text any terminal, log or page can show: lone surrogates (which no
    encoder accepts) and NUL written as escapes, and cut to a readable length."""
    text = problem.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class EventFileError(Exception):
    """The file cannot be imported; `problems` lists each one as 'path: what is wrong'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = [_printable(p) for p in problems]
        super().__init__("\n".join(self.problems))


class _TooManyProblems(Exception):
    pass


# What a damaged or crafted ZIP raises from the standard library: encrypted members and
# compression methods it does not know (RuntimeError and its subclass), names that are not
# UTF-8 (UnicodeDecodeError, a ValueError), truncated headers (struct.error, EOFError, OSError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    struct.error,
)


@dataclass
class EventFile:
    """A parsed document plus a way to read the files a ZIP carries beside it."""

    document: Any
    files: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    archive: zipfile.ZipFile | None = None
    unsafe_paths: list[str] = field(default_factory=list)

    def __enter__(self) -> EventFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def read(self, name: str, limit: int) -> bytes:
        """The file's bytes, read in chunks and refused past `limit` whatever the ZIP declares."""
        assert self.archive is not None
        buffer = io.BytesIO()
        try:
            with self.archive.open(self.files[name]) as member:
                while chunk := member.read(64 * 1024):
                    buffer.write(chunk)
                    if buffer.tell() > limit:
                        raise EventFileError([f"{name}: larger than {limit} bytes"])
        except _ZIP_ERRORS as error:
            raise EventFileError([f"{name}: damaged in the ZIP ({error})"]) from None
        return buffer.getvalue()


# ---- reading the file ----------------------------------------------------------------------


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f'duplicate key "{key}" in one object')
        result[key] = value
    return result


def parse_json(data: bytes, name: str = "event.json") -> Any:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise EventFileError([f"{name}: larger than {MAX_DOCUMENT_BYTES} bytes"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EventFileError(
            [f"{name}: not UTF-8 text ({error.reason} at byte {error.start})"]
        ) from None
    try:
        document = json.loads(
            text, object_pairs_hook=_object_without_duplicate_keys, parse_constant=_no_constant
        )
    except json.JSONDecodeError as error:
        raise EventFileError(
            [f"{name}: not JSON ({error.msg} at line {error.lineno}, column {error.colno})"]
        ) from None
    except ValueError as error:  # a duplicate key, NaN, a number of more than 4300 digits
        raise EventFileError([f"{name}: {error}"]) from None
    except RecursionError:  # the parser recurses once per level, up to Python's limit
        depth = _nesting(text)
    else:
        depth = _depth(document)
    if depth > MAX_DEPTH:
        raise EventFileError([f"{name}: nested {depth} levels deep; at most {MAX_DEPTH} are read"])
    return document


def _depth(document: Any) -> int:
    """How deep the lists and objects of a parsed document go, without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items if isinstance(item, dict | list))
    return deepest


_JSON_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')


def _nesting(text: str) -> int:
    """How deep the brackets of a JSON text go (strings skipped), without parsing it: for a
    text too deep for the parser, to say how deep it is."""
    depth = deepest = 0
    for match in _JSON_STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _is_unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name) is not None


def open_zip(source: Path | BinaryIO, name: str = "file") -> EventFile:
    """Open a ZIP event file; close it with `with` (the EventFile owns the ZIP)."""
    try:
        archive = zipfile.ZipFile(source)
    except _ZIP_ERRORS:
        raise EventFileError([f"{name}: not a ZIP file"]) from None
    try:
        return _read_zip(archive, name)
    except BaseException:
        archive.close()
        raise


def _read_zip(archive: zipfile.ZipFile, name: str) -> EventFile:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise EventFileError([f"{name}: more than {MAX_ZIP_ENTRIES} entries"])
    files = {info.filename: info for info in infos if not info.is_dir()}
    unsafe = sorted(n for n in files if _is_unsafe(n))
    if "event.json" not in files:
        raise EventFileError([f"{name}: no event.json at the root of the ZIP"])
    info = files["event.json"]
    if info.file_size > MAX_DOCUMENT_BYTES:
        raise EventFileError([f"event.json: larger than {MAX_DOCUMENT_BYTES} bytes"])
    event_file = EventFile(document=None, files=files, archive=archive, unsafe_paths=unsafe)
    event_file.document = parse_json(event_file.read("event.json", MAX_DOCUMENT_BYTES))
    return event_file


def load_event_file(path: str | Path) -> EventFile:
    """Read a `.json` or `.zip` event file from disk (the kind is told by its content).
    Use it in a `with` block: a ZIP stays open until then, for its attachments."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            head = stream.read(4)
    except OSError as error:
        raise EventFileError([f"{path}: cannot be read ({error.strerror})"]) from None
    if head.startswith(b"PK"):
        return open_zip(path, path.name)
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise EventFileError([f"{path.name}: larger than {MAX_DOCUMENT_BYTES} bytes"])
    return EventFile(document=parse_json(path.read_bytes(), path.name))


# ---- checking the document -----------------------------------------------------------------

_MISSING = object()


class _Checker:
    """Walks the document once, collecting problems with their paths and the clean values."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooManyProblems

    def value(self, obj: dict[str, Any], key: str, path: str, default: Any = _MISSING) -> Any:
        if key in obj:
            return obj[key]
        if default is _MISSING:
            self.problem(f"{path}.{key}", "required")
        return default

    def text(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        *,
        max_length: int,
        default: Any = _MISSING,
        blank: bool = True,
    ) -> str | None:
        raw = self.value(obj, key, path, default)
        if raw is _MISSING or (raw is None and default is None):
            return None
        if not isinstance(raw, str):
            self.problem(f"{path}.{key}", f"must be text, not {_json_type(raw)}")
            return None
        if not blank and not raw.strip():
            self.problem(f"{path}.{key}", "must not be empty")
            return None
        if len(raw) > max_length:
            self.problem(f"{path}.{key}", f"longer than {max_length} characters")
            return None
        return raw

    def choice(
        self, obj: dict[str, Any], key: str, path: str, choices: list[str], default: Any = _MISSING
    ) -> str | None:
        raw = self.value(obj, key, path, default)
        if raw is _MISSING:
            return None
        if raw not in choices:
            allowed = ", ".join(f'"{c}"' for c in choices)
            self.problem(f"{path}.{key}", f"must be one of {allowed}, not {json.dumps(raw)}")
            return None
        return raw

    def objects(self, document: dict[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any]]]:
        raw = document.get(key, [])
        if not isinstance(raw, list):
            self.problem(key, f"must be a list, not {_json_type(raw)}")
            return
        for index, item in enumerate(raw):
            path = f"{key}[{index}]"
            if not isinstance(item, dict):
                self.problem(path, f"must be an object, not {_json_type(item)}")
                continue
            yield path, item

    def key_list(self, obj: dict[str, Any], key: str, path: str, *, required: bool) -> list[str]:
        raw = self.value(obj, key, path, _MISSING if required else [])
        if raw is _MISSING:
            return []
        if not isinstance(raw, list) or not all(isinstance(k, str) for k in raw):
            self.problem(f"{path}.{key}", "must be a list of keys (text)")
            return []
        return raw

    def keyed(self, item: dict[str, Any], path: str, seen: dict[str, str]) -> str | None:
        key = self.value(item, "key", path)
        if key is _MISSING:
            return None
        if not isinstance(key, str) or not key:
            self.problem(f"{path}.key", "must be non-empty text")
            return None
        if key in seen:
            self.problem(f"{path}.key", f'duplicate key "{key}" (also {seen[key]})')
            return None
        seen[key] = path
        return key


def _check_strings_and_depth(c: _Checker, document: Any) -> None:
    """Every text of the document, keys included, must be storable: no NUL (PostgreSQL
    refuses it) and no lone surrogate (no encoder accepts it). Walked without recursion; a
    document nested deeper than the format ever is (built in Python, not parsed) is refused
    here, before anything recurses into it."""
    stack: list[tuple[str, Any, int]] = [("(document)", document, 1)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise EventFileError([f"{path}: nested deeper than {MAX_DEPTH} levels"])
        if isinstance(value, str):
            if reason := _unstorable(value):
                c.problem(path, reason)
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if reason := _unstorable(key):
                    c.problem(path, f"a key {reason}")
                where = key if path == "(document)" else f"{path}.{key}"
                stack.append((where, item, depth + 1))
        elif isinstance(value, list):
            for index in range(len(value) - 1, -1, -1):
                stack.append((f"{path}[{index}]", value[index], depth + 1))


def _unstorable(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character (\\u0000), which text cannot hold"
    if surrogate := LONE_SURROGATE.search(text):
        return (
            f"contains a lone surrogate (\\u{ord(surrogate.group()):04x}), which is not a character"
        )
    return None


_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges  # PostgreSQL's, the narrowest


def _model_problems(c: _Checker, model: type[models.Model], path: str, values: dict) -> None:
    """What the model itself refuses — max_length, choices, the range a column holds, its
    validators (an event's date range, a time zone) — for each value the checks above let
    through: the importer refuses what a form would, and never leaves it to the database."""
    reported = {p.split(":", 1)[0] for p in c.problems}
    given = {
        name: value
        for name, value in values.items()
        if value is not None and f"{path}.{name}" not in reported
    }
    for name, value in list(given.items()):
        field = model._meta.get_field(name)
        if isinstance(field, models.IntegerField) and _whole_number(value):
            low, high = _INTEGER_RANGES[field.get_internal_type()]
            if not low <= value <= high:
                c.problem(f"{path}.{name}", f"must be a whole number from {low} to {high}")
                del given[name]
    instance = model(**given)
    try:
        instance.clean_fields(exclude=[f.name for f in model._meta.fields if f.name not in given])
        if model is Event:
            instance.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            where = path if name == NON_FIELD_ERRORS else f"{path}.{name}"
            for message in messages:
                c.problem(where, message)


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _json_type(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _whole_number(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _local_time(
    checker: _Checker, obj: dict[str, Any], key: str, path: str, tz: zoneinfo.ZoneInfo | None
) -> datetime | None:
    raw = checker.value(obj, key, path)
    if raw is _MISSING:
        return None
    if not isinstance(raw, str) or not LOCAL_TIME.match(raw):
        checker.problem(
            f"{path}.{key}", f"must be a local time like 2012-06-08T10:00, not {json.dumps(raw)}"
        )
        return None
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        checker.problem(f"{path}.{key}", f"not a real date and time: {raw}")
        return None
    if not tz:
        return None
    if problem := event_date_problem(naive.date()):  # a slot lies on a day an event may have
        checker.problem(f"{path}.{key}", problem)
        return None
    moment = naive.replace(tzinfo=tz)
    try:
        moment.astimezone(UTC)  # stored in UTC: year 1 or 9999 may fall off the calendar
    except OverflowError:
        checker.problem(f"{path}.{key}", f"{raw} is too close to the end of the calendar")
        return None
    return moment


@dataclass
class Plan:
    """A checked document, ready to be written."""

    event: dict[str, Any]
    rooms: list[dict[str, Any]]
    slots: list[dict[str, Any]]
    participants: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    votes: list[tuple[str, str]]
    placements: list[dict[str, Any]]
    # None: the file has no "follows" key (written before follows existed), so its votes
    # still stand for them; [] is a file in which nobody follows anything
    follows: list[tuple[str, str]] | None = None
    cover: CoverPicture | None = None


@dataclass(frozen=True)
class CoverPicture:
    """The event's cover picture as the file carries it: its path in the ZIP, its bytes (kept
    as they are, so that an export gives them back unchanged) and its sniffed type."""

    path: str
    data: bytes
    file_type: uploads.FileType


def check_document(event_file: EventFile) -> Plan:
    """Every problem of the document, or the plan to write it. Raises EventFileError."""
    checker = _Checker()
    try:
        _check_strings_and_depth(checker, event_file.document)
        plan = _check(checker, event_file)
    except _TooManyProblems:
        checker.problems.append(f"(stopped after {MAX_PROBLEMS} problems)")
        plan = None
    if checker.problems or plan is None:
        raise EventFileError(checker.problems)
    return plan


def _check(c: _Checker, event_file: EventFile) -> Plan | None:
    document = event_file.document
    if not isinstance(document, dict):
        c.problem("(document)", f"must be a JSON object, not {_json_type(document)}")
        return None
    fmt = document.get("format", _MISSING)
    if fmt is _MISSING:
        c.problem("format", f'required (expected "{FORMAT}")')
    elif fmt != FORMAT:
        c.problem("format", f'expected "{FORMAT}", got {json.dumps(fmt)}')
        return None
    for unsafe in event_file.unsafe_paths:
        c.problem(unsafe, "unsafe path in the ZIP (absolute or with ..)")

    # event
    raw_event = c.value(document, "event", "(document)")
    event: dict[str, Any] = {}
    tz: zoneinfo.ZoneInfo | None = None
    cover: CoverPicture | None = None
    if raw_event is not _MISSING and not isinstance(raw_event, dict):
        c.problem("event", f"must be an object, not {_json_type(raw_event)}")
    elif isinstance(raw_event, dict):
        event["slug"] = c.text(raw_event, "slug", "event", max_length=64, blank=False)
        if event["slug"]:
            try:
                validate_slug(event["slug"])
            except ValidationError:
                c.problem("event.slug", "only letters, digits, - and _ are allowed")
            else:
                if event["slug"].lower() in RESERVED_SLUGS:
                    c.problem("event.slug", f'"{event["slug"]}" is reserved for a page of OOcamp')
                elif Event.objects.filter(slug=event["slug"]).exists():
                    c.problem("event.slug", f'an event "{event["slug"]}" already exists here')
        event["name"] = c.text(raw_event, "name", "event", max_length=200, blank=False)
        raw_date = c.value(raw_event, "date", "event")
        if raw_date is not _MISSING:
            try:
                event["date"] = (
                    date.fromisoformat(raw_date)
                    if isinstance(raw_date, str) and ISO_DATE.match(raw_date)
                    else None
                )
            except ValueError:
                event["date"] = None
            if event["date"] is None:
                c.problem(
                    "event.date", f"must be a date like 2012-06-08, not {json.dumps(raw_date)}"
                )
        event["timezone"] = c.text(raw_event, "timezone", "event", max_length=64)
        if event["timezone"] is not None:
            # looked up among the known zones first: ZoneInfo("Europe") opens a directory
            if event["timezone"] in _time_zones():
                tz = zoneinfo.ZoneInfo(event["timezone"])
            else:
                c.problem("event.timezone", f'unknown time zone "{event["timezone"]}"')
        event["language"] = c.choice(
            raw_event, "language", "event", EventLanguage.values, EventLanguage.DUTCH.value
        )
        event["venue"] = c.text(raw_event, "venue", "event", max_length=200, default="") or ""
        event["description"] = (
            c.text(raw_event, "description", "event", max_length=100_000, default="") or ""
        )
        votes_each = c.value(raw_event, "votes_per_participant", "event", None)
        if votes_each is not None and not (_whole_number(votes_each) and 1 <= votes_each <= 32767):
            c.problem(
                "event.votes_per_participant",
                "must be null (unlimited) or a whole number of at least 1, "
                f"not {json.dumps(votes_each)}",
            )
        event["votes_per_participant"] = votes_each
        event["phase"] = c.choice(
            raw_event, "phase", "event", EventPhase.values, EventPhase.PROPOSALS.value
        )
        # added in a minor revision: optional, so files written before them are still read
        for text in ("introduction", "conclusion", "report_template"):
            event[text] = c.text(raw_event, text, "event", max_length=100_000, default="") or ""
        published = c.value(raw_event, "report_published", "event", False)
        if not isinstance(published, bool):
            c.problem(
                "event.report_published", f"must be true or false, not {json.dumps(published)}"
            )
        event["report_published"] = published is True
        cover = _check_cover(c, event_file, c.value(raw_event, "cover", "event", None))
        _model_problems(c, Event, "event", {k: v for k, v in event.items() if k != "timezone"})

    # rooms
    rooms: list[dict[str, Any]] = []
    room_keys: dict[str, str] = {}
    room_names: dict[str, str] = {}
    for path, item in c.objects(document, "rooms"):
        key = c.keyed(item, path, room_keys)
        name = c.text(item, "name", path, max_length=100, blank=False)
        capacity = c.value(item, "capacity", path)
        if capacity is not _MISSING and not (_whole_number(capacity) and capacity >= 1):
            c.problem(f"{path}.capacity", f"must be a whole number of at least 1, not {capacity!r}")
        _model_problems(
            c, Room, path, {"name": name, "capacity": None if capacity is _MISSING else capacity}
        )
        if name and name in room_names:
            c.problem(f"{path}.name", f'another room is called "{name}" ({room_names[name]})')
        elif name:
            room_names[name] = path
        rooms.append({"key": key, "name": name, "capacity": capacity, "path": path})

    # slots
    slots: list[dict[str, Any]] = []
    slot_keys: dict[str, str] = {}
    for path, item in c.objects(document, "slots"):
        key = c.keyed(item, path, slot_keys)
        start = _local_time(c, item, "start", path, tz)
        end = _local_time(c, item, "end", path, tz)
        kind = c.choice(item, "kind", path, SlotKind.values, SlotKind.SESSIONS.value)
        label = c.text(item, "label", path, max_length=100, default="") or ""
        if start and end and start >= end:
            c.problem(f"{path}.end", "must be after start")
        slot = {"key": key, "start": start, "end": end, "kind": kind, "label": label, "path": path}
        _model_problems(c, Slot, path, {"start": start, "end": end, "kind": kind, "label": label})
        for other in slots:
            if not (start and end and other["start"] and other["end"]):
                continue  # an overlap needs both slots' times
            if start < other["end"] and other["start"] < end and start < end:
                c.problem(path, f"overlaps {other['path']} ({other['key']})")
        slots.append(slot)
    slot_by_key = {s["key"]: s for s in slots if s["key"]}

    # participants
    participants: list[dict[str, Any]] = []
    participant_keys: dict[str, str] = {}
    emails: dict[str, str] = {}
    for path, item in c.objects(document, "participants"):
        key = c.keyed(item, path, participant_keys)
        name = c.text(item, "name", path, max_length=150, blank=False)
        email = c.value(item, "email", path, None)
        if email is not None:
            if not isinstance(email, str):
                c.problem(f"{path}.email", f"must be text or null, not {_json_type(email)}")
                email = None
            else:
                try:
                    validate_email(email)
                except ValidationError:
                    c.problem(f"{path}.email", f'"{email}" is not an email address')
                    email = None
        if email:
            folded = email.lower()
            if folded in emails:
                c.problem(f"{path}.email", f'"{email}" is used twice (also {emails[folded]})')
            emails[folded] = path
        organisation = c.text(item, "organisation", path, max_length=150, default="") or ""
        role = c.choice(
            item, "role", path, ParticipantRole.values, ParticipantRole.PARTICIPANT.value
        )
        language = c.choice(item, "language", path, ["", *EventLanguage.values], "")
        _model_problems(
            c,
            Participant,
            path,
            {"name": name, "email": email, "organisation": organisation, "role": role},
        )
        participants.append(
            {
                "key": key,
                "name": name,
                "email": email or "",
                "organisation": organisation,
                "role": role,
                "language": language or "",
            }
        )

    # themes
    themes: list[dict[str, Any]] = []
    theme_keys: dict[str, str] = {}
    theme_names: dict[str, str] = {}
    for path, item in c.objects(document, "themes"):
        key = c.keyed(item, path, theme_keys)
        name = c.text(item, "name", path, max_length=150, blank=False)
        if name and name in theme_names:
            c.problem(f"{path}.name", f'another theme is called "{name}" ({theme_names[name]})')
        elif name:
            theme_names[name] = path
        synthesis = c.text(item, "synthesis", path, max_length=100_000, default="") or ""
        _model_problems(c, Theme, path, {"name": name, "synthesis": synthesis})
        themes.append({"key": key, "name": name, "synthesis": synthesis})

    # sessions
    sessions: list[dict[str, Any]] = []
    session_keys: dict[str, str] = {}
    url_validator = URLValidator(schemes=["http", "https"])
    for path, item in c.objects(document, "sessions"):
        key = c.keyed(item, path, session_keys)
        session: dict[str, Any] = {"key": key, "path": path}
        session["title"] = c.text(item, "title", path, max_length=200, blank=False)
        session["kind"] = c.choice(item, "kind", path, SessionKind.values)
        session["description"] = c.text(item, "description", path, max_length=100_000, default="")
        session["report"] = c.text(item, "report", path, max_length=200_000, default="")
        session["status"] = c.choice(
            item, "status", path, SessionStatus.values, SessionStatus.PROPOSED.value
        )
        held = c.value(item, "held", path, None)
        if held is not None and not isinstance(held, bool):
            c.problem(f"{path}.held", f"must be true, false or null, not {json.dumps(held)}")
            held = None
        session["held"] = held
        hidden = c.value(item, "hidden", path, False)
        if not isinstance(hidden, bool):
            c.problem(f"{path}.hidden", f"must be true or false, not {json.dumps(hidden)}")
        session["hidden"] = hidden is True
        session["merged_into"] = c.value(item, "merged_into", path, None)
        _model_problems(
            c,
            Session,
            path,
            {name: session[name] for name in ("title", "kind", "description", "status", "report")},
        )
        hosts = c.key_list(item, "hosts", path, required=True)
        if "hosts" in item and isinstance(item["hosts"], list) and not item["hosts"]:
            c.problem(f"{path}.hosts", "a session needs at least one host")
        session["hosts"] = _references(c, hosts, f"{path}.hosts", participant_keys, "participant")
        session["themes"] = _references(
            c,
            c.key_list(item, "themes", path, required=False),
            f"{path}.themes",
            theme_keys,
            "theme",
        )
        session["unavailable_slots"] = _references(
            c,
            c.key_list(item, "unavailable_slots", path, required=False),
            f"{path}.unavailable_slots",
            slot_keys,
            "slot",
        )
        session["note_takers"] = _references(
            c,
            c.key_list(item, "note_takers", path, required=False),
            f"{path}.note_takers",
            participant_keys,
            "participant",
        )
        session["attachments"] = []
        raw_attachments = item.get("attachments", [])
        if not isinstance(raw_attachments, list):
            c.problem(f"{path}.attachments", "must be a list")
            raw_attachments = []
        for index, raw in enumerate(raw_attachments):
            apath = f"{path}.attachments[{index}]"
            if not isinstance(raw, dict):
                c.problem(apath, f"must be an object, not {_json_type(raw)}")
                continue
            attachment = {
                "kind": c.choice(raw, "kind", apath, AttachmentKind.values, "slides"),
                "title": c.text(raw, "title", apath, max_length=200, blank=False),
                "file": c.text(raw, "file", apath, max_length=255, default=None),
                "url": c.text(raw, "url", apath, max_length=500, default=None),
                "uploaded_by": c.value(raw, "uploaded_by", apath, None),
            }
            if attachment["uploaded_by"] is not None and not (
                isinstance(attachment["uploaded_by"], str)
                and attachment["uploaded_by"] in participant_keys
            ):
                c.problem(
                    f"{apath}.uploaded_by",
                    f"unknown participant {json.dumps(attachment['uploaded_by'])}",
                )
                attachment["uploaded_by"] = None
            if bool(attachment["file"]) == bool(attachment["url"]):
                c.problem(apath, "give exactly one of file and url")
            if attachment["url"]:
                try:
                    url_validator(attachment["url"])
                except ValidationError:
                    c.problem(f"{apath}.url", f'"{attachment["url"]}" is not an http(s) link')
            if attachment["file"]:
                _check_attachment_file(c, event_file, attachment["file"], f"{apath}.file")
            _model_problems(
                c,
                Attachment,
                apath,
                {name: attachment[name] for name in ("kind", "title", "url")},
            )
            session["attachments"].append(attachment)
        sessions.append(session)
    session_by_key = {s["key"]: s for s in sessions if s["key"]}
    for session in sessions:
        into = session["merged_into"]
        if into is None:
            continue
        if not (isinstance(into, str) and into in session_keys):
            c.problem(f"{session['path']}.merged_into", f"unknown session {json.dumps(into)}")
            session["merged_into"] = None
        elif into == session["key"]:
            c.problem(f"{session['path']}.merged_into", "a session cannot be merged into itself")
            session["merged_into"] = None

    # votes
    votes: list[tuple[str, str]] = []
    seen_votes: dict[tuple[str, str], str] = {}
    for path, item in c.objects(document, "votes"):
        who = c.value(item, "participant", path)
        what = c.value(item, "session", path)
        ok = True
        if who is not _MISSING and not (isinstance(who, str) and who in participant_keys):
            c.problem(f"{path}.participant", f"unknown participant {json.dumps(who)}")
            ok = False
        if what is not _MISSING and not (isinstance(what, str) and what in session_keys):
            c.problem(f"{path}.session", f"unknown session {json.dumps(what)}")
            ok = False
        if who is _MISSING or what is _MISSING or not ok:
            continue
        if (who, what) in seen_votes:
            c.problem(
                path, f'duplicate vote of "{who}" for "{what}" (also {seen_votes[who, what]})'
            )
            continue
        seen_votes[who, what] = path
        votes.append((who, what))
    budget = event.get("votes_per_participant")
    if _whole_number(budget):
        counts: dict[str, int] = {}
        for who, _what in votes:
            counts[who] = counts.get(who, 0) + 1
        for who, count in counts.items():
            if count > budget:
                c.problem(
                    participant_keys[who],
                    f"{count} votes, but each participant has {budget} (votes_per_participant)",
                )

    # follows: who said "I'll go" (added in a minor revision; older files have no key at all,
    # which is not the same as an empty list: see Plan.follows)
    follows: list[tuple[str, str]] = []
    seen_follows: dict[tuple[str, str], str] = {}
    for path, item in c.objects(document, "follows"):
        who = c.value(item, "participant", path)
        what = c.value(item, "session", path)
        ok = True
        if who is not _MISSING and not (isinstance(who, str) and who in participant_keys):
            c.problem(f"{path}.participant", f"unknown participant {json.dumps(who)}")
            ok = False
        if what is not _MISSING and not (isinstance(what, str) and what in session_keys):
            c.problem(f"{path}.session", f"unknown session {json.dumps(what)}")
            ok = False
        if who is _MISSING or what is _MISSING or not ok:
            continue
        if (who, what) in seen_follows:
            c.problem(path, f'"{who}" follows "{what}" twice (also {seen_follows[who, what]})')
            continue
        seen_follows[who, what] = path
        follows.append((who, what))

    # placements
    placements: list[dict[str, Any]] = []
    placed: dict[str, str] = {}
    cells: dict[tuple[str, str], str] = {}
    for path, item in c.objects(document, "placements"):
        what = c.value(item, "session", path)
        room = c.value(item, "room", path)
        slot = c.value(item, "slot", path)
        pinned = c.value(item, "pinned", path, False)
        if not isinstance(pinned, bool):
            c.problem(f"{path}.pinned", f"must be true or false, not {json.dumps(pinned)}")
        ok = True
        for value, keys, noun, name in (
            (what, session_keys, "session", "session"),
            (room, room_keys, "room", "room"),
            (slot, slot_keys, "slot", "slot"),
        ):
            if value is not _MISSING and not (isinstance(value, str) and value in keys):
                c.problem(f"{path}.{name}", f"unknown {noun} {json.dumps(value)}")
                ok = False
        if isinstance(what, str) and what in placed:
            c.problem(f"{path}.session", f'"{what}" is placed twice (also {placed[what]})')
            continue
        if isinstance(what, str) and what in session_keys:
            placed[what] = path  # even if refused below: one message per mistake, not two
        if not ok or _MISSING in (what, room, slot):
            continue
        if (room, slot) in cells:
            c.problem(path, f'room "{room}" in slot "{slot}" already holds {cells[room, slot]}')
            continue
        slot_kind = slot_by_key[slot]["kind"]
        if slot_kind != SlotKind.SESSIONS:
            c.problem(
                f"{path}.slot", f'"{slot}" is a {slot_kind} slot; sessions go in session slots'
            )
            continue
        if session_by_key[what]["status"] == SessionStatus.WITHDRAWN:
            c.problem(f"{path}.session", f'"{what}" is withdrawn and cannot be placed')
            continue
        cells[room, slot] = path
        placements.append({"session": what, "room": room, "slot": slot, "pinned": pinned is True})
    for session in sessions:
        if session["status"] == SessionStatus.SCHEDULED and session["key"] not in placed:
            c.problem(f"{session['path']}.status", '"scheduled" but the session has no placement')
        if session["status"] == SessionStatus.PROPOSED and session["key"] in placed:
            c.problem(
                f"{session['path']}.status",
                f'"proposed" but the session is placed ({placed[session["key"]]}); use "scheduled"',
            )

    return Plan(
        event,
        rooms,
        slots,
        participants,
        themes,
        sessions,
        votes,
        placements,
        follows if "follows" in document else None,
        cover,
    )


def _references(
    c: _Checker, keys: list[str], path: str, known: dict[str, str], noun: str
) -> list[str]:
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key not in known:
            c.problem(f"{path}[{index}]", f"unknown {noun} {json.dumps(key)}")
        elif key in seen:
            c.problem(f"{path}[{index}]", f'"{key}" is named twice')
        seen.add(key)
    return keys


def _check_attachment_file(
    c: _Checker, event_file: EventFile, name: str, path: str, limit: int | None = None
) -> bool:
    """Whether the ZIP carries `name` within `limit` bytes (the attachments' by default)."""
    limit = settings.OOCAMP_MAX_ATTACHMENT_BYTES if limit is None else limit
    if _is_unsafe(name):
        c.problem(path, f'"{name}" points outside the ZIP (absolute or with ..)')
    elif event_file.archive is None:
        c.problem(path, f'"{name}" needs the ZIP that carries it; import the .zip, not the .json')
    elif name not in event_file.files:
        c.problem(path, f'"{name}" is not in the ZIP')
    elif event_file.files[name].file_size > limit:
        size = event_file.files[name].file_size
        c.problem(path, f'"{name}" is {size} bytes; the limit is {limit} bytes')
    else:
        return True
    return False


def _check_cover(c: _Checker, event_file: EventFile, raw: Any) -> CoverPicture | None:
    """`event.cover`: null, or the path in the ZIP of a PNG or JPEG that decodes (read now,
    at most `uploads.MAX_PICTURE_BYTES`; its bytes are stored as they are)."""
    path = "event.cover"
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw:
        c.problem(path, f"must be a path in the ZIP (text) or null, not {json.dumps(raw)}")
        return None
    if not _check_attachment_file(c, event_file, raw, path, uploads.MAX_PICTURE_BYTES):
        return None
    try:
        data = event_file.read(raw, uploads.MAX_PICTURE_BYTES)
    except EventFileError as error:
        c.problem(path, error.problems[0])
        return None
    try:
        file_type, _image = uploads.open_picture(io.BytesIO(data))
    except uploads.NotAPicture as error:
        c.problem(path, f'"{raw}" is no PNG or JPEG picture that can be read: {error}')
        return None
    return CoverPicture(raw, data, file_type)


# ---- writing into the database -------------------------------------------------------------


# ---- export ---------------------------------------------------------------------------------


def _local_text(moment: datetime, tz: zoneinfo.ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return local.strftime("%Y-%m-%dT%H:%M:%S" if local.second else "%Y-%m-%dT%H:%M")


def cover_path(event: Event) -> str | None:
    """Where the event's cover picture goes in a ZIP: `cover.png` or `cover.jpg` beside
    event.json (the stored cover is a PNG or a JPEG, named with its type), or None."""
    if not event.cover:
        return None
    suffix = PurePosixPath(event.cover.name).suffix.lower()
    return "cover.jpg" if suffix in {".jpg", ".jpeg"} else "cover.png"


def export_event(event: Event, *, now: datetime | None = None) -> tuple[dict[str, Any], dict]:
    """The document, and {path in the ZIP: Attachment} for the attachment files it names (the
    cover picture, at `cover_path(event)`, is the event's own: `write_zip` adds it)."""
    tz = event.tz
    rooms = list(event.rooms.order_by("order", "id"))
    slots = list(event.slots.order_by("start"))
    participants = list(event.participants.order_by("id"))
    themes = list(event.themes.order_by("id"))
    sessions = list(
        event.sessions.order_by("id").prefetch_related(
            "hostings", "themes", "unavailable_slots", "attachments", "note_takers"
        )
    )
    room_key = {r.pk: f"r{i}" for i, r in enumerate(rooms, 1)}
    slot_key = {s.pk: f"s{i}" for i, s in enumerate(slots, 1)}
    participant_key = {p.pk: f"p{i}" for i, p in enumerate(participants, 1)}
    theme_key = {t.pk: f"t{i}" for i, t in enumerate(themes, 1)}
    session_key = {s.pk: f"x{i}" for i, s in enumerate(sessions, 1)}
    slot_index = {s.pk: i for i, s in enumerate(slots)}
    theme_index = {t.pk: i for i, t in enumerate(themes)}
    participant_index = {p.pk: i for i, p in enumerate(participants)}
    files: dict[str, Attachment] = {}

    def session_entry(session: Session) -> dict[str, Any]:
        attachments = []
        for n, attachment in enumerate(
            sorted(session.attachments.all(), key=lambda a: (a.order, a.pk)), 1
        ):
            path = None
            if attachment.file:
                suffix = PurePosixPath(attachment.file.name).suffix
                path = f"attachments/{session_key[session.pk]}-{n}{suffix}"
                files[path] = attachment
            attachments.append(
                {
                    "kind": attachment.kind,
                    "title": attachment.title,
                    "file": path,
                    "url": attachment.url or None,
                    "uploaded_by": _key_of(participant_key, attachment.uploaded_by_id),
                }
            )
        return {
            "key": session_key[session.pk],
            "title": session.title,
            "kind": session.kind,
            "description": session.description,
            "hosts": [
                participant_key[h.participant_id]
                for h in sorted(session.hostings.all(), key=lambda h: (h.order, h.pk))
            ],
            "themes": [
                theme_key[t.pk]
                for t in sorted(session.themes.all(), key=lambda t: theme_index[t.pk])
            ],
            "unavailable_slots": [
                slot_key[s.pk]
                for s in sorted(session.unavailable_slots.all(), key=lambda s: slot_index[s.pk])
            ],
            "status": session.status,
            "held": session.held,
            "hidden": session.hidden,
            "merged_into": _key_of(session_key, session.merged_into_id),
            "note_takers": [
                participant_key[p.pk]
                for p in sorted(session.note_takers.all(), key=lambda p: participant_index[p.pk])
            ],
            "report": session.report,
            "attachments": attachments,
        }

    session_index = {s.pk: i for i, s in enumerate(sessions)}
    votes = sorted(
        Vote.objects.filter(session__event=event).values_list("participant_id", "session_id"),
        key=lambda v: (participant_index[v[0]], session_index[v[1]]),
    )
    placements = sorted(
        Placement.objects.filter(session__event=event).values_list(
            "session_id", "room_id", "slot_id", "pinned"
        ),
        key=lambda p: session_index[p[0]],
    )
    follows = sorted(
        Follow.objects.filter(session__event=event).values_list("participant_id", "session_id"),
        key=lambda f: (participant_index[f[0]], session_index[f[1]]),
    )
    moment = now or timezone.now()
    document = {
        "format": FORMAT,
        "exported_at": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "event": {
            "slug": event.slug,
            "name": event.name,
            "date": event.date.isoformat(),
            "timezone": event.timezone,
            "language": event.language,
            "venue": event.venue,
            "description": event.description,
            "votes_per_participant": event.votes_per_participant,
            "phase": event.phase,
            "introduction": event.introduction,
            "conclusion": event.conclusion,
            "report_template": event.report_template,
            "report_published": event.report_published,
            "cover": cover_path(event),
        },
        "rooms": [{"key": room_key[r.pk], "name": r.name, "capacity": r.capacity} for r in rooms],
        "slots": [
            {
                "key": slot_key[s.pk],
                "start": _local_text(s.start, tz),
                "end": _local_text(s.end, tz),
                "kind": s.kind,
                "label": s.label,
            }
            for s in slots
        ],
        "participants": [
            {
                "key": participant_key[p.pk],
                "name": p.name,
                "email": p.email or None,
                "organisation": p.organisation,
                "role": p.role,
                "language": p.language,
            }
            for p in participants
        ],
        "themes": [
            {"key": theme_key[t.pk], "name": t.name, "synthesis": t.synthesis} for t in themes
        ],
        "sessions": [session_entry(s) for s in sessions],
        "votes": [{"participant": participant_key[p], "session": session_key[s]} for p, s in votes],
        "placements": [
            {
                "session": session_key[s],
                "room": room_key[r],
                "slot": slot_key[t],
                "pinned": pinned,
            }
            for s, r, t, pinned in placements
        ],
        "follows": [
            {"participant": participant_key[p], "session": session_key[s]} for p, s in follows
        ],
    }
    return document, files


def _key_of(keys: dict[int, str], pk: int | None) -> str | None:
    return None if pk is None else keys.get(pk)


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_zip(event: Event, stream: BinaryIO, *, now: datetime | None = None) -> dict[str, Any]:
    """The event as a ZIP: event.json at the root, the cover picture and each attached file
    beside it."""
    document, files = export_event(event, now=now)
    stored = {path: attachment.file for path, attachment in files.items()}
    if cover := cover_path(event):
        stored = {cover: event.cover, **stored}
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("event.json", dumps(document))
        for path, file in stored.items():
            with file.open("rb") as source, archive.open(path, "w") as target:
                _copy(source.read, target.write)
    return document


def _copy(read: Callable[[int], bytes], write: Callable[[bytes], Any]) -> None:
    while chunk := read(1024 * 1024):
        write(chunk)
