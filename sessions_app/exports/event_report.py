"""The event report: what the page shows, the PDF and the ZIP (built by jobs/report_builds.py).

- `report_data(event)` gathers everything the report shows in a fixed number of queries
  (about ten, whatever the size of the event), for the page and the PDF alike.
- `fingerprint(event)` is a hash over everything the report shows, taken in a few cheap
  queries: a build is reused while the fingerprint stays the same.
- `write_pdf` and `write_zip` write the two files; the background job calls them.

The ZIP is written by streaming every attachment in chunks into the archive file (memory stays
flat however large the slides are) and holds the PDF, the attachments in one folder per
session (named by slot, room and title) and `event.json` in the event-file format
(`sessions_app.event_file`), whose attachment paths point at those folders: the ZIP re-imports
with `manage.py import_event`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Prefetch
from django.db.models.functions import MD5
from django.utils import translation
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
    ReportRevision,
    Room,
    Session,
    Slot,
    Theme,
    Vote,
)

if TYPE_CHECKING:  # the stubs' name for "text, or a translation rendered when shown"
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# Goes up when the report's layout or contents change, so older builds are not reused.
REPORT_FORMAT = 3  # 2: the PDF laid out with ReportLab; 3: cover picture, thumbnails, descriptions
CHUNK = 1024 * 1024
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
    description_html: str = ""  # shown when the session has no report


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
    kinds: list[tuple[StrOrPromise, int, int]]  # (label, proposed, held)
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
    kinds: list[tuple[StrOrPromise, int, int]] = [
        (kind_labels[k], proposed[k], held_kinds[k]) for k in Session.Kind.values
    ]
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
    return ReportSession(
        session=session,
        anchor=f"session-{session.pk}",
        hosts=[h.participant for h in session.hostings.all()],
        room=placement.room if placement else None,
        slot=placement.slot if placement else None,
        votes=session.vote_count,
        held=session.was_held,
        report_html=render_markdown(session.report),
        attachments=list(session.attachments.all()),
        themes=list(session.themes.all()),
        description_html="" if session.report.strip() else render_markdown(session.description),
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
        event.cover.name,
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
            .values_list(
                "id", "session_id", "kind", "title", "file", "url", "order", "size", "thumbnail"
            )
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


def report_file_name(event: Event, kind: str) -> str:
    """The name a downloaded PDF or ZIP gets, in the event's language:
    "evenementverslag-oocamp-2012.pdf" for a Dutch event, "event-report-oocamp-2012.pdf"."""
    with translation.override(event.language):
        # Translators: the start of the event report's file name: lower case, no spaces
        word = _("event-report")
    return f"{safe_name(word, limit=40, fallback='event-report')}-{safe_name(event.slug)}.{kind}"


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
        document["follows"] = [f for f in document["follows"] if f["session"] not in hidden_keys]
        for session in document["sessions"]:  # a session merged into one hidden as spam
            if session["merged_into"] in hidden_keys:
                session["merged_into"] = None
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
        pdf_name = report_file_name(event, "pdf")
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
        if cover := document["event"]["cover"]:  # beside event.json, which names it
            with event.cover.open("rb") as source:
                archive.writestr(cover, source.read(), compress_type=zipfile.ZIP_STORED)
    tell(98, _("ZIP written"))


def _size(attachment: Attachment) -> int:
    try:
        return attachment.file.size
    except OSError:
        return attachment.size or 0


def _opener(attachment: Attachment) -> Callable[[], Any]:
    return lambda: attachment.file.open("rb")
