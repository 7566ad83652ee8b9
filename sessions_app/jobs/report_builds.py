"""The report build job: the event report's PDF and ZIP, written by the background worker.

A build is a ReportBuild row (a BackgroundJob: see jobs/base.py for queuing, attempts,
heartbeat and recovery), one per event, kind and fingerprint (exports.event_report.fingerprint:
a build is reused while the event stays the same). `run_build` writes the PDF or the ZIP under
a temporary name beside its final place, renames it when complete and only then marks the
build done, so a killed worker never leaves a half-written file that is served. While it works
it keeps `progress` and `heartbeat_at` up to date; a build whose heartbeat went silent is
started again when the report page or its progress is looked at (`recover`). A failed build
rests before a visitor's download may start it again (`retry_delay`); an organiser's "Build the
report" does not wait (actions.request_report_builds decides). `build_state` is what the report
page shows of the builds, in the reader's language."""

from __future__ import annotations

import functools
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from sessions_app.exports.event_report import fingerprint, safe_name, write_pdf, write_zip
from sessions_app.jobs.base import Job, Superseded
from sessions_app.models import Event, ReportBuild

logger = logging.getLogger(__name__)
JOB = Job(ReportBuild, "REPORT_BUILD")


@task()
def build_event_report(build_id: int, attempt: int) -> None:
    """Build one attempt at the event report's PDF or ZIP. A worker killed meanwhile leaves the
    build `running` with a silent heartbeat; the report page then queues a new attempt, and
    this one, if it ever wakes, finds itself superseded."""
    run_build(build_id, attempt)


def _enqueue(pk: int, attempt: int) -> None:
    build_event_report.enqueue(pk, attempt)


def queue(build: ReportBuild) -> None:
    """A new attempt at `build`, enqueued in the caller's transaction."""
    JOB.queue(build, _enqueue)


@transaction.atomic
def recover(event: Event) -> list[ReportBuild]:
    """Start again the event's builds whose worker went silent (it was killed): called whenever
    the report page or its progress is looked at. The new attempt makes the old task, should it
    still be alive, stop without writing."""
    stale = [
        build
        for build in ReportBuild.objects.select_for_update().filter(
            event=event, status=ReportBuild.Status.RUNNING
        )
        if is_stale(build)
    ]
    for build in stale:
        queue(build)
    return stale


# ---- when a failed build may run again --------------------------------------------------------

# What a finished build's `message` holds, read back in the reader's language (BuildState):
AS_TEXT = "as-text:"  # done; then the parts printed as plain text ("session-12 theme-3")
FAILED = "failed:"  # failed; then the part it failed in ("" if none), ":", a system error
RETRY_MOST = timedelta(hours=6)


def retry_delay(attempt: int) -> timedelta:
    """How long a failed build rests before a visitor's download may start it again: one
    minute after the first attempt (`OOCAMP_REPORT_BUILD_RETRY_SECONDS`), doubling with each
    attempt, at most six hours. An organiser's "Build the report" does not wait."""
    first = timedelta(seconds=settings.OOCAMP_REPORT_BUILD_RETRY_SECONDS)
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


# ---- a build, as the background worker runs it ------------------------------------------


def _test_pause() -> None:
    """Lets the restart test make a build slow enough to kill the worker in the middle:
    `OOCAMP_REPORT_BUILD_TEST_PAUSE` seconds of sleep per progress step (0 everywhere else)."""
    if settings.OOCAMP_REPORT_BUILD_TEST_PAUSE:
        time.sleep(settings.OOCAMP_REPORT_BUILD_TEST_PAUSE)


def build_dir(event_id: int) -> Path:
    path = Path(default_storage.path(f"reports/{event_id}"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_build(build_id: int, attempt: int) -> None:
    """Build one attempt at one ReportBuild (the background task's body). Nothing is served
    until the file is complete: it is written to `.build-<id>-<attempt>-….part`, renamed, then
    the row is marked done in the same step that checks this attempt is still the current
    one."""
    if not JOB.claim(build_id, attempt):
        return
    _run(build_id, attempt)


def build_now(build: ReportBuild) -> None:
    """Build `build` at once, in this process, as a new attempt that no worker is asked to
    run (`manage.py setup_demo`, which must leave the demo's report ready without a worker).
    A worker's task for an earlier attempt, should one still run, finds itself superseded."""
    JOB.claim_now(build)
    _run(build.pk, build.attempt)
    build.refresh_from_db()


def _run(build_id: int, attempt: int) -> None:
    """The claimed attempt `attempt` at the build: write the file, then mark the row."""
    build = ReportBuild.objects.select_related("event").get(pk=build_id)
    build.status = ReportBuild.Status.RUNNING
    event = build.event
    folder = build_dir(event.pk)
    _remove_leftovers(folder, build)
    token = uuid.uuid4().hex[:8]
    temp = folder / f".build-{build.pk}-{attempt}-{token}.part"
    temp_pdf = folder / f".build-{build.pk}-{attempt}-{token}-pdf.part"
    heartbeat = JOB.heartbeat(build.pk, attempt)

    def beat(percent: int, message: str, *, force: bool = False) -> None:
        _test_pause()
        heartbeat(force=force, progress=max(0, min(100, percent)), message=message)

    as_text: list[str] = []
    try:
        with translation.override(event.language):
            if build.kind == ReportBuild.Kind.PDF:
                as_text = write_pdf(event, temp, progress=beat)
            else:
                pdf, start = _finished_pdf(build), 0
                if pdf is None:  # the PDF's own build is not done: make one for the ZIP
                    as_text = write_pdf(event, temp_pdf, progress=lambda p, m: beat(p // 3, m))
                    pdf, start = temp_pdf, 33
                write_zip(
                    event,
                    temp,
                    pdf,
                    progress=lambda p, m: beat(start + p * (100 - start) // 100, m),
                )
            beat(99, _("Almost done"), force=True)
        _finish(build, temp, attempt, _as_text_message(as_text))
    except Superseded:
        logger.info("report build %s attempt %s superseded", build.pk, attempt)
    except Exception as error:
        logger.exception("report build %s failed", build.pk)
        # no library's message for the organiser: where it stopped, read back in plain words
        part = getattr(error, "key", None) or ""
        system = (error.strerror or "") if isinstance(error, OSError) else ""
        JOB.finish(
            build.pk,
            attempt,
            status=ReportBuild.Status.FAILED,
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
        done = JOB.finish(
            build.pk,
            attempt,
            status=ReportBuild.Status.DONE,
            file=relative,
            size=final.stat().st_size,
            progress=100,
            message=message,
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
        limit = timezone.now() - timedelta(seconds=settings.OOCAMP_REPORT_BUILD_WAITING_SECONDS)
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
        titles: dict[str, str] = {}
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
    """Running, and its worker silent for too long (it was killed): to be started again."""
    return JOB.is_silent(build, now)


def output_path(build: ReportBuild) -> Path:
    return Path(default_storage.path(build.file.name))
