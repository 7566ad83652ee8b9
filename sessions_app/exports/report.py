"""The event report: what the page shows, the PDF and the ZIP, and how a build runs.

- `report_data(event)` gathers everything the report shows in a fixed number of queries
  (about ten, whatever the size of the event), for the page and the PDF alike.
- `fingerprint(event)` is a hash over everything the report shows, taken in a few cheap
  queries: a build is reused while the fingerprint stays the same.
- `run_build(build_id, attempt)` is what the background task does: it writes the PDF or the
  ZIP under a temporary name beside its final place, renames it when complete and only then
  marks the build done, so a killed worker never leaves a half-written file that is served.
  While it works it keeps `progress` and `heartbeat_at` up to date; a build whose heartbeat
  is stale is started again (`requeue_stale`, called when the report page or its progress is
  looked at).

The ZIP is written by streaming every attachment in chunks into the archive file (memory stays
flat however large the slides are) and holds the PDF, the attachments in one folder per
session (named by slot, room and title) and `event.json` in the event-file format
(`sessions_app.event_file`), whose attachment paths point at those folders: the ZIP re-imports
with `manage.py import_event`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import time
import unicodedata
import uuid
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Prefetch
from django.db.models.functions import MD5
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sessions_app import event_file
from sessions_app.grid import GridView, grid_view
from sessions_app.markdown import render_markdown
from sessions_app.models import (
    Attachment,
    Event,
    Host,
    Participant,
    Placement,
    ReportBuild,
    ReportRevision,
    Room,
    Session,
    Slot,
    Theme,
    Vote,
)

logger = logging.getLogger(__name__)

# Goes up when the report's layout or contents change, so older builds are not reused.
REPORT_FORMAT = 2  # 2: the PDF laid out with ReportLab
CHUNK = 1024 * 1024
WAITING_LONG = timedelta(seconds=30)  # queued this long: tell organisers to check the worker
# What a finished build's `message` holds, read back in the reader's language (BuildState):
AS_TEXT = "as-text:"  # done; then the parts printed as plain text ("session-12 theme-3")
FAILED = "failed:"  # failed; then the part it failed in ("" if none), ":", a system error
RETRY_MOST = timedelta(hours=6)


def retry_delay(attempt: int) -> timedelta:
    """How long a failed build rests before a visitor's download may start it again: one
    minute after the first attempt (`OOCAMP_REPORT_RETRY_SECONDS`), doubling with each attempt,
    at most six hours. An organiser's "Build the report" does not wait."""
    first = timedelta(seconds=getattr(settings, "OOCAMP_REPORT_RETRY_SECONDS", 60))
    return min(first * 2 ** min(max(0, attempt - 1), 20), RETRY_MOST)


def retry_at(build: ReportBuild) -> datetime | None:
    """When a failed build may be started again by a visitor (None: it is not failed)."""
    if build.status != ReportBuild.Status.FAILED:
        return None
    if build.finished_at is None:
        return build.created_at
    return build.finished_at + retry_delay(build.attempt)


def may_retry(build: ReportBuild, now: datetime | None = None) -> bool:
    moment = retry_at(build)
    return moment is not None and moment <= (now or timezone.now())


def stale_after() -> timedelta:
    """How long a running build may stay silent before it counts as dead (a killed worker)."""
    return timedelta(seconds=getattr(settings, "OOCAMP_REPORT_STALE_SECONDS", 120))


# ---- what the report shows -----------------------------------------------------------------


@dataclass
class ReportSession:
    session: Session
    anchor: str
    hosts: list[Participant]
    room: Room | None
    slot: Slot | None
    votes: int
    held: bool
    report_html: str
    attachments: list[Attachment]
    themes: list[Theme]


@dataclass
class ReportTheme:
    theme: Theme
    synthesis_html: str
    sessions: list[ReportSession] = field(default_factory=list)


@dataclass
class ReportData:
    event: Event
    introduction_html: str
    conclusion_html: str
    figures: dict[str, Any]
    kinds: list[tuple[str, int, int]]  # (label, proposed, held)
    grid: GridView
    themes: list[ReportTheme]
    held: list[ReportSession]  # in the order they ran: time, then room; unplaced ones last

    @property
    def has_grid(self) -> bool:
        return any(row.cells for row in self.grid.rows)


def report_data(event: Event) -> ReportData:
    """Everything the report shows, in a fixed number of queries."""
    sessions = list(
        event.sessions.visible()
        .with_vote_count()
        .select_related("placement__room", "placement__slot")
        .prefetch_related(
            Prefetch("hostings", queryset=Host.objects.select_related("participant")),
            Prefetch("themes", queryset=Theme.objects.order_by("id")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("order", "id")),
        )
        .order_by("id")
    )
    entries = [_entry(session) for session in sessions]
    held = sorted(
        (e for e in entries if e.held),
        key=lambda e: (
            e.slot is None,
            e.slot.start if e.slot else datetime.min.replace(tzinfo=UTC),
            e.room.order if e.room else 0,
            e.room.pk if e.room else 0,
            e.session.title.lower(),
            e.session.pk,
        ),
    )
    themes = [
        ReportTheme(theme, render_markdown(theme.synthesis))
        for theme in event.themes.order_by("id")
    ]
    by_theme = {t.theme.pk: t for t in themes}
    for entry in held:
        for theme in entry.themes:
            by_theme[theme.pk].sessions.append(entry)

    grid = grid_view(event)
    held_ids = {e.session.pk for e in held}
    for row in grid.rows:  # the grid as it ran: a placed session marked "not held" is left out
        for cell in row.cells:
            if cell.session and cell.session.pk not in held_ids:
                cell.session = None
    anchors = {e.session.pk: e.anchor for e in held}
    for session in grid.sessions.values():
        session.report_anchor = anchors.get(session.pk, "")

    kind_labels = dict(Session.Kind.choices)
    proposed = Counter(s.kind for s in sessions)
    held_kinds = Counter(e.session.kind for e in held)
    kinds = [(kind_labels[k], proposed[k], held_kinds[k]) for k in Session.Kind.values]
    figures = {
        "participants": event.participants.count(),
        "sessions": len(sessions),
        "votes": Vote.objects.filter(session__event=event).count(),
        "held": len(held),
    }
    return ReportData(
        event=event,
        introduction_html=render_markdown(getattr(event, "introduction", "")),
        conclusion_html=render_markdown(getattr(event, "conclusion", "")),
        figures=figures,
        kinds=kinds,
        grid=grid,
        themes=themes,
        held=held,
    )


def _entry(session: Session) -> ReportSession:
    placement = getattr(session, "placement", None) if hasattr(session, "placement") else None
    if session.held is not None:
        held = session.held
    else:  # as Session.was_held, and "held" as an imported event file may say
        held = placement is not None or session.status == Session.Status.HELD
    return ReportSession(
        session=session,
        anchor=f"session-{session.pk}",
        hosts=[h.participant for h in session.hostings.all()],
        room=placement.room if placement else None,
        slot=placement.slot if placement else None,
        votes=session.vote_count,
        held=held,
        report_html=render_markdown(session.report),
        attachments=list(session.attachments.all()),
        themes=list(session.themes.all()),
    )


def fingerprint(event: Event) -> str:
    """A hash over everything the report (page, PDF, ZIP with event.json) shows. Rows are read
    as plain values, long texts as their MD5 computed by the database, so it stays cheap."""
    digest = hashlib.sha256()

    def add(*values: Any) -> None:
        digest.update(json.dumps(values, default=str, ensure_ascii=False).encode())
        digest.update(b"\n")

    add(
        REPORT_FORMAT,
        event.pk,
        event.slug,
        event.name,
        event.date,
        event.timezone,
        event.language,
        event.venue,
        event.description,
        event.votes_per_participant,
        event.phase,
        event.grid_version,
        getattr(event, "introduction", ""),
        getattr(event, "conclusion", ""),
    )
    add(list(event.rooms.order_by("id").values_list("id", "name", "capacity", "order")))
    add(list(event.slots.order_by("id").values_list("id", "start", "end", "kind", "label")))
    add(
        list(
            event.participants.order_by("id").values_list(
                "id", "name", "organisation", "email", "role"
            )
        )
    )
    add(list(event.themes.order_by("id").values_list("id", "name", MD5("synthesis"))))
    add(
        list(
            event.sessions.order_by("id").values_list(
                "id",
                "title",
                "kind",
                "status",
                "hidden",
                "held",
                "updated_at",
                MD5("report"),
                MD5("description"),
            )
        )
    )
    add(
        list(
            Host.objects.filter(session__event=event)
            .order_by("id")
            .values_list("session_id", "participant_id", "order")
        )
    )
    through = Session.themes.through.objects.filter(session__event=event)
    add(list(through.order_by("id").values_list("session_id", "theme_id")))
    add(
        list(
            Vote.objects.filter(session__event=event)
            .values("session_id")
            .annotate(n=Count("id"))
            .order_by("session_id")
            .values_list("session_id", "n")
        )
    )
    add(
        list(
            Placement.objects.filter(session__event=event)
            .order_by("session_id")
            .values_list("session_id", "room_id", "slot_id", "pinned")
        )
    )
    add(
        list(
            Attachment.objects.filter(session__event=event)
            .order_by("id")
            .values_list("id", "session_id", "kind", "title", "file", "url", "order", "size")
        )
    )
    add(
        ReportRevision.objects.filter(session__event=event)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return digest.hexdigest()


# ---- the PDF --------------------------------------------------------------------------------


def write_pdf(
    event: Event, target: Path, *, progress: Callable[[int, str], None] | None = None
) -> list[str]:
    """Render the report's PDF into `target`, in the event's language. `progress(percent,
    message)` is called along the way (page by page while the pages are laid out). The layout
    is `report_pdf`'s (ReportLab: see there why not WeasyPrint). Returns the keys of the parts
    that could not be laid out and are printed as plain text ("session-12", "theme-3")."""
    # ReportLab (~0.5 s, ~6 MiB): loaded by the worker that builds the PDF, not by every web process
    from sessions_app.exports.report_pdf import write_report_pdf

    tell = progress or (lambda percent, message: None)
    with translation.override(event.language):
        tell(5, _("Reading the event"))
        data = report_data(event)
        tell(15, _("Writing the pages"))
        base_url = settings.OOCAMP_BASE_URL.rstrip("/")
        as_text = write_report_pdf(data, target, base_url=base_url, progress=tell)
    tell(95, _("PDF written"))
    return as_text


# ---- the ZIP --------------------------------------------------------------------------------

_UNSAFE_CHARACTERS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
# Formats that are compressed already: storing them is as small and much faster.
_STORED_SUFFIXES = {".pdf", ".pptx", ".odp", ".key", ".png", ".jpg", ".jpeg", ".zip", ".docx"}


def safe_name(text: str, *, limit: int = 80, fallback: str = "file") -> str:
    """`text` as one file or folder name that every system accepts: no separators, control
    characters or characters Windows refuses, no leading dots, not a reserved device name."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE_CHARACTERS.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    if _WINDOWS_RESERVED.match(text):
        text = f"_{text}"
    text = text[:limit].rstrip(" .")
    return text or fallback


class _UniqueNames:
    """Hands out names unique within one folder, ignoring case (as Windows and macOS do)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def __call__(self, stem: str, suffix: str = "") -> str:
        candidate, n = f"{stem}{suffix}", 1
        while candidate.lower() in self.taken:
            n += 1
            candidate = f"{stem} ({n}){suffix}"
        self.taken.add(candidate.lower())
        return candidate


def session_folders(event: Event, sessions: Iterable[Session]) -> dict[int, str]:
    """{session id: folder name}, by slot, room and title: "10.00 Zaal Groot - Vaders
    bereiken"; sessions without a place go by title alone. Unique and safe."""
    unique = _UniqueNames()
    folders = {}
    for session in sessions:
        placement = getattr(session, "placement", None) if hasattr(session, "placement") else None
        if placement:
            start = event.local(placement.slot.start)
            stem = f"{start:%H.%M} {safe_name(placement.room.name, limit=30)} - {session.title}"
        else:
            stem = session.title
        folders[session.pk] = unique(safe_name(stem, limit=90, fallback=f"session {session.pk}"))
    return folders


def public_document(event: Event) -> tuple[dict[str, Any], dict[str, Attachment]]:
    """The event file for a public download: the export of `event_file`, without anyone's
    email address and without sessions hidden as spam (nor their votes and placements)."""
    document, files = event_file.export_event(event)
    hidden_keys = set()
    hidden = set(event.sessions.filter(hidden=True).values_list("pk", flat=True))
    if hidden:
        keys = {
            f"x{i}": pk
            for i, pk in enumerate(event.sessions.order_by("id").values_list("pk", flat=True), 1)
        }
        hidden_keys = {key for key, pk in keys.items() if pk in hidden}
        document["sessions"] = [s for s in document["sessions"] if s["key"] not in hidden_keys]
        document["votes"] = [v for v in document["votes"] if v["session"] not in hidden_keys]
        document["placements"] = [
            p for p in document["placements"] if p["session"] not in hidden_keys
        ]
        files = {path: a for path, a in files.items() if a.session_id not in hidden}
    for participant in document["participants"]:
        participant["email"] = None
    return document, files


def write_zip(
    event: Event,
    target: Path,
    pdf: Path,
    *,
    progress: Callable[[int, str], None] | None = None,
) -> None:
    """The ZIP of the report into `target`: the PDF, every attached file in a folder per
    session, and event.json pointing at them. Files are copied in chunks of 1 MB."""
    tell = progress or (lambda percent, message: None)
    document, files = public_document(event)
    sessions = (
        event.sessions.filter(pk__in={a.session_id for a in files.values()})
        .select_related("placement__room", "placement__slot")
        .order_by("id")
    )
    folders = session_folders(event, sessions)
    names_in: dict[str, _UniqueNames] = defaultdict(_UniqueNames)
    moved: dict[str, str] = {}
    for path, attachment in files.items():
        folder = folders[attachment.session_id]
        suffix = safe_name(PurePosixPath(path).suffix.lower().lstrip("."), limit=10, fallback="")
        suffix = f".{suffix}" if suffix else ""
        stem = safe_name(attachment.title, limit=80, fallback=_("attachment"))
        moved[path] = f"sessions/{folder}/{names_in[folder](stem, suffix)}"
    for session in document["sessions"]:
        for attachment in session["attachments"]:
            if attachment["file"]:
                attachment["file"] = moved[attachment["file"]]

    total = sum(_size(a) for a in files.values()) + pdf.stat().st_size + 1
    done = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("event.json", event_file.dumps(document))
        pdf_name = f"{safe_name(event.slug)}-report.pdf"
        for path, source_open in [(pdf_name, lambda: pdf.open("rb"))] + [
            (moved[p], _opener(a)) for p, a in files.items()
        ]:
            suffix = PurePosixPath(path).suffix.lower()
            info = zipfile.ZipInfo(path, date_time=time.localtime()[:6])
            info.compress_type = (
                zipfile.ZIP_STORED if suffix in _STORED_SUFFIXES else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            with source_open() as source, archive.open(info, "w", force_zip64=True) as sink:
                while chunk := source.read(CHUNK):
                    sink.write(chunk)
                    done += len(chunk)
                    tell(5 + round(90 * done / total), _("Packing the files"))
    tell(98, _("ZIP written"))


def _size(attachment: Attachment) -> int:
    try:
        return attachment.file.size
    except OSError:
        return attachment.size or 0


def _opener(attachment: Attachment) -> Callable[[], Any]:
    return lambda: attachment.file.open("rb")


# ---- a build, as the background worker runs it ------------------------------------------


class Superseded(Exception):
    """The build was started again elsewhere (its attempt moved on): stop and leave it."""


class _Build:
    """One attempt at one ReportBuild: keeps its row's progress and heartbeat up to date
    (at most once a second) and refuses to write once another attempt took over."""

    def __init__(self, build: ReportBuild) -> None:
        self.build = build
        self.last_beat = 0.0

    def beat(self, percent: int, message: str, *, force: bool = False) -> None:
        _test_pause()
        now = time.monotonic()
        if not force and now - self.last_beat < 1.0:
            return
        self.last_beat = now
        changed = ReportBuild.objects.filter(
            pk=self.build.pk, attempt=self.build.attempt, status=ReportBuild.Status.RUNNING
        ).update(progress=max(0, min(100, percent)), message=message, heartbeat_at=timezone.now())
        if not changed:
            raise Superseded


def _test_pause() -> None:
    """Lets the restart test make a build slow enough to kill the worker in the middle:
    `OOCAMP_REPORT_TEST_PAUSE` seconds of sleep per progress step (unset everywhere else)."""
    pause = os.environ.get("OOCAMP_REPORT_TEST_PAUSE")
    if pause:
        time.sleep(float(pause))


def build_dir(event_id: int) -> Path:
    path = Path(default_storage.path(f"reports/{event_id}"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_build(build_id: int, attempt: int) -> None:
    """Build one ReportBuild (the background task's body). Nothing is served until the file is
    complete: it is written to `.build-<id>-<attempt>-….part`, renamed, then the row is marked
    done in the same step that checks this attempt is still the current one."""
    build = ReportBuild.objects.select_related("event").filter(pk=build_id).first()
    if build is None or build.attempt != attempt or build.status == ReportBuild.Status.DONE:
        return
    started = ReportBuild.objects.filter(
        pk=build.pk, attempt=attempt, status__in=[ReportBuild.Status.QUEUED]
    ).update(
        status=ReportBuild.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress=0,
        message="",
    )
    if not started:
        return
    build.status = ReportBuild.Status.RUNNING
    event = build.event
    folder = build_dir(event.pk)
    _remove_leftovers(folder, build)
    token = uuid.uuid4().hex[:8]
    temp = folder / f".build-{build.pk}-{attempt}-{token}.part"
    temp_pdf = folder / f".build-{build.pk}-{attempt}-{token}-pdf.part"
    work = _Build(build)
    as_text: list[str] = []
    try:
        with translation.override(event.language):
            if build.kind == ReportBuild.Kind.PDF:
                as_text = write_pdf(event, temp, progress=work.beat)
            else:
                pdf, start = _finished_pdf(build), 0
                if pdf is None:  # the PDF's own build is not done: make one for the ZIP
                    as_text = write_pdf(event, temp_pdf, progress=lambda p, m: work.beat(p // 3, m))
                    pdf, start = temp_pdf, 33
                write_zip(
                    event,
                    temp,
                    pdf,
                    progress=lambda p, m: work.beat(start + p * (100 - start) // 100, m),
                )
            work.beat(99, _("Almost done"), force=True)
        _finish(build, temp, attempt, _as_text_message(as_text))
    except Superseded:
        logger.info("report build %s attempt %s superseded", build.pk, attempt)
    except Exception as error:
        logger.exception("report build %s failed", build.pk)
        # no library's message for the organiser: where it stopped, read back in plain words
        part = getattr(error, "key", None) or ""
        system = (error.strerror or "") if isinstance(error, OSError) else ""
        ReportBuild.objects.filter(pk=build.pk, attempt=attempt).update(
            status=ReportBuild.Status.FAILED,
            finished_at=timezone.now(),
            message=f"{FAILED}{part}:{system}"[:500],
        )
    finally:
        for path in (temp, temp_pdf):
            path.unlink(missing_ok=True)


def _as_text_message(keys: list[str]) -> str:
    message = AS_TEXT
    for key in keys:
        if len(message) + len(key) + 1 > 500:
            break
        message += f" {key}"
    return message if keys else ""


def _finished_pdf(build: ReportBuild) -> Path | None:
    pdf = (
        ReportBuild.objects.done()
        .filter(event_id=build.event_id, kind=ReportBuild.Kind.PDF, fingerprint=build.fingerprint)
        .first()
    )
    if pdf is None:
        return None
    path = Path(default_storage.path(pdf.file.name))
    return path if path.is_file() else None


def _remove_leftovers(folder: Path, build: ReportBuild) -> None:
    """Temporary files of earlier attempts at this build (a worker killed while writing)."""
    for path in folder.glob(f".build-{build.pk}-*.part"):
        parts = path.name.split("-")
        if len(parts) > 2 and parts[2].isdigit() and int(parts[2]) < build.attempt:
            path.unlink(missing_ok=True)


def _finish(build: ReportBuild, temp: Path, attempt: int, message: str = "") -> None:
    event = build.event
    suffix = ".pdf" if build.kind == ReportBuild.Kind.PDF else ".zip"
    name = f"{safe_name(event.slug)}-report-{build.fingerprint[:12]}-{attempt}{suffix}"
    final = temp.parent / name
    with temp.open("rb+") as stream:
        os.fsync(stream.fileno())
    os.replace(temp, final)  # atomic on one file system: the name holds all of it or nothing
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash, not only the bytes
    finally:
        os.close(directory)
    relative = f"reports/{event.pk}/{name}"
    with transaction.atomic():
        done = ReportBuild.objects.filter(
            pk=build.pk, attempt=attempt, status=ReportBuild.Status.RUNNING
        ).update(
            status=ReportBuild.Status.DONE,
            file=relative,
            size=final.stat().st_size,
            progress=100,
            message=message,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        if not done:
            final.unlink(missing_ok=True)
            raise Superseded
        older = list(
            ReportBuild.objects.filter(event=event, kind=build.kind)
            .exclude(pk=build.pk)
            .filter(status__in=[ReportBuild.Status.DONE, ReportBuild.Status.FAILED])
        )
        ReportBuild.objects.filter(pk__in=[o.pk for o in older]).delete()
    for old in older:  # after the rows: a file is never missing under a row that names it
        if old.file:
            default_storage.delete(old.file.name)


# ---- looking builds up ----------------------------------------------------------------------


@dataclass
class BuildState:
    """The builds for the event as it is now, and the latest finished files."""

    fingerprint: str
    current: dict[str, ReportBuild | None]  # kind -> the build for this fingerprint
    latest: dict[str, ReportBuild | None]  # kind -> the newest finished build, any fingerprint
    event: Event | None = None

    @property
    def building(self) -> bool:
        return any(b is not None and not b.finished for b in self.current.values())

    @property
    def fresh(self) -> bool:
        return all(
            b is not None and b.status == ReportBuild.Status.DONE for b in self.current.values()
        )

    @property
    def failed(self) -> list[ReportBuild]:
        return [
            b
            for b in self.current.values()
            if b is not None and b.status == ReportBuild.Status.FAILED
        ]

    @property
    def waiting_long(self) -> bool:
        """A build queued for a while and not started: is the worker running at all?"""
        limit = timezone.now() - WAITING_LONG
        return any(
            b.status == ReportBuild.Status.QUEUED and (b.heartbeat_at or b.created_at) < limit
            for b in self.builds
        )

    @property
    def builds(self) -> list[ReportBuild]:
        return [b for b in self.current.values() if b is not None]

    @property
    def retry_at(self) -> datetime | None:
        """When a visitor's download may start the failed builds again."""
        moments = [m for m in (retry_at(b) for b in self.failed) if m is not None]
        return max(moments) if moments else None

    @functools.cached_property
    def as_text(self) -> list[str]:
        """For organisers, in their language: the parts of the current files that could not be
        laid out and are printed as plain text, each in one sentence naming it."""
        keys: list[str] = []
        for build in self.builds:
            if build.status == ReportBuild.Status.DONE and build.message.startswith(AS_TEXT):
                keys += [k for k in build.message[len(AS_TEXT) :].split() if k not in keys]
        names = self._names(keys)
        return [
            _("%(part)s could not be laid out; the PDF shows its text without layout.")
            % {"part": names[key]}
            for key in keys
        ]

    @functools.cached_property
    def failures(self) -> list[tuple[ReportBuild, str]]:
        """For organisers, in their language: each failed build and why, in plain words."""
        out = []
        keys = [b.message.split(":")[1] for b in self.failed if b.message.startswith(FAILED)]
        names = self._names([k for k in keys if k])
        for build in self.failed:
            if not build.message.startswith(FAILED):
                out.append((build, build.message))  # written by an older version
                continue
            _prefix, part, system = build.message.split(":", 2)
            if part:
                why = _("%(part)s could not be laid out, not even as plain text.") % {
                    "part": names.get(part, part)
                }
            elif system:
                why = _("The server could not write the file: %(error)s") % {"error": system}
            else:
                why = _(
                    "The build stopped on an unexpected error; the server’s log has the details."
                )
            out.append((build, why))
        return out

    def _names(self, keys: list[str]) -> dict[str, str]:
        """{part key: the part in words}: "The report of the session “Vaders bereiken”"."""
        ids = {
            prefix: [int(k.split("-")[1]) for k in keys if re.fullmatch(rf"{prefix}-\d+", k)]
            for prefix in ("session", "theme")
        }
        titles = {}
        if self.event is not None and ids["session"]:
            titles |= {
                f"session-{pk}": _("The report of the session “%(title)s”") % {"title": title}
                for pk, title in self.event.sessions.filter(pk__in=ids["session"]).values_list(
                    "pk", "title"
                )
            }
        if self.event is not None and ids["theme"]:
            titles |= {
                f"theme-{pk}": _("The synthesis of the theme “%(name)s”") % {"name": name}
                for pk, name in self.event.themes.filter(pk__in=ids["theme"]).values_list(
                    "pk", "name"
                )
            }
        fixed = {
            "introduction": _("The introduction"),
            "conclusion": _("The conclusion"),
            "grid": _("The grid as it ran"),
        }
        return {key: titles.get(key) or fixed.get(key) or key for key in keys}


def build_state(event: Event, fingerprint_now: str | None = None) -> BuildState:
    """Two queries plus the fingerprint's."""
    fp = fingerprint_now or fingerprint(event)
    current: dict[str, ReportBuild | None] = dict.fromkeys(ReportBuild.Kind.values)
    latest: dict[str, ReportBuild | None] = dict.fromkeys(ReportBuild.Kind.values)
    for build in ReportBuild.objects.filter(event=event).order_by("finished_at", "id"):
        if build.fingerprint == fp:
            current[build.kind] = build
        if build.status == ReportBuild.Status.DONE and build.file:
            latest[build.kind] = build
    return BuildState(fp, current, latest, event)


def is_stale(build: ReportBuild, now: datetime | None = None) -> bool:
    if build.status != ReportBuild.Status.RUNNING:
        return False
    beat = build.heartbeat_at or build.started_at or build.created_at
    return beat < (now or timezone.now()) - stale_after()


def output_path(build: ReportBuild) -> Path:
    return Path(default_storage.path(build.file.name))
