"""What every background job that people wait for shares: its row, its attempts, its heartbeat,
and what happens when its worker is killed.

Such a job is a row of its own (a models.BackgroundJob: a grid proposal, a report build) that
the page polls, and a django-tasks task that the worker (`manage.py db_worker`) runs with the
row's id and attempt number:

    queued ──claim──> running ──finish──> done / failed (/ refused, discarded: per job)
       ^                 │
       └─── recover ─────┘   (its heartbeat went silent: the worker was killed)

- `queue` numbers a new attempt and enqueues the task in the caller's transaction (the database
  backend stores the task with the row: both or neither).
- `claim` starts only the attempt that was queued last; a task of an older attempt, or one
  that finds the row finished or discarded, does nothing.
- While it runs, a `Heartbeat` writes progress at most every `heartbeat_every` seconds, and
  only while the row is still this attempt's and running: otherwise it raises `Superseded`
  and the job stops without writing (someone discarded it, or it was started again).
- A running row silent for longer than `silent_after` belongs to a killed worker; the page
  that looks at it calls `recover`, which queues it again (there is no timer: recovery
  happens when someone is waiting). After `max_attempts` the job gives up.

Each job's numbers are settings (oocamp/settings.py: OOCAMP_<JOB>_HEARTBEAT_SECONDS,
_SILENT_SECONDS, _MAX_ATTEMPTS). A job writes only its own row and what it produces (a
proposed grid, a report file, a thumbnail); changes to the event's data are actions."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sessions_app.models import BackgroundJob

QUEUED, RUNNING = "queued", "running"  # the two unfinished states every job has


class Superseded(Exception):
    """This attempt is no longer the row's: it was discarded, finished or started again."""


@dataclass(frozen=True)
class Job:
    """One kind of background job: its model, its task and its settings' prefix."""

    model: type[BackgroundJob]
    setting: str  # OOCAMP_<setting>_HEARTBEAT_SECONDS and the others

    def _setting(self, name: str) -> Any:
        return getattr(settings, f"OOCAMP_{self.setting}_{name}")

    @property
    def heartbeat_every(self) -> float:
        return float(self._setting("HEARTBEAT_SECONDS"))

    @property
    def silent_after(self) -> timedelta:
        return timedelta(seconds=float(self._setting("SILENT_SECONDS")))

    @property
    def max_attempts(self) -> int | None:
        """None: it never gives up."""
        value = self._setting("MAX_ATTEMPTS")
        return None if value is None else int(value)

    # ---- queuing and claiming -------------------------------------------------------------

    def queue(self, row: BackgroundJob, enqueue: Callable[[int, int], Any]) -> None:
        """A new attempt at `row`, enqueued with the caller's transaction."""
        row.attempt += 1
        row.status = QUEUED
        row.progress = 0
        row.message = ""
        row.started_at = row.finished_at = None
        row.heartbeat_at = timezone.now()  # while queued: when it was queued
        row.save(
            update_fields=[
                "attempt",
                "status",
                "progress",
                "message",
                "started_at",
                "finished_at",
                "heartbeat_at",
            ]
        )
        enqueue(row.pk, row.attempt)  # the database backend stores it in this transaction

    def claim(self, pk: int, attempt: int) -> bool:
        """Start the attempt that was queued last; False for any other (it does nothing)."""
        now = timezone.now()
        return bool(
            self.model.objects.filter(pk=pk, attempt=attempt, status=QUEUED).update(
                status=RUNNING, started_at=now, heartbeat_at=now, progress=0, message=""
            )
        )

    def claim_now(self, row: BackgroundJob) -> None:
        """A first attempt run at once, in the request that made the row."""
        now = timezone.now()
        self.model.objects.filter(pk=row.pk).update(
            status=RUNNING, attempt=F("attempt") + 1, started_at=now, heartbeat_at=now
        )
        row.refresh_from_db()

    def mine(self, pk: int, attempt: int):
        """The row, while it is still this attempt's and running (a QuerySet to update)."""
        return self.model.objects.filter(pk=pk, attempt=attempt, status=RUNNING)

    def finish(self, pk: int, attempt: int, *, status: str, **fields: Any) -> bool:
        """Write the outcome, unless the attempt was superseded meanwhile (then False)."""
        now = timezone.now()
        return bool(
            self.mine(pk, attempt).update(
                status=status, finished_at=now, heartbeat_at=now, **fields
            )
        )

    def heartbeat(self, pk: int, attempt: int) -> Heartbeat:
        return Heartbeat(self, pk, attempt)

    # ---- a killed worker ------------------------------------------------------------------

    def is_silent(self, row: BackgroundJob, now: datetime | None = None) -> bool:
        """Running, and no sign of life for longer than `silent_after`."""
        if row.status != RUNNING:
            return False
        return row.last_sign_of_life < (now or timezone.now()) - self.silent_after

    @transaction.atomic
    def recover(self, row: BackgroundJob, enqueue: Callable[[int, int], Any]) -> bool:
        """Queue again a row whose worker went silent: locked and looked at again, so of two
        pages polling at once only one queues it. True if it was queued."""
        if not self.is_silent(row):
            return False
        locked = self.model.objects.select_for_update().get(pk=row.pk)
        if not self.is_silent(locked):
            return False
        self.queue(locked, enqueue)
        row.refresh_from_db()
        return True

    def gave_up(self, attempt: int) -> bool:
        """Killed its worker too often: the job itself is the likely cause."""
        return self.max_attempts is not None and attempt > self.max_attempts


class Heartbeat:
    """Progress and a sign of life for one attempt, written at most every `heartbeat_every`
    seconds (or at once with `force`); raises Superseded once the row is no longer its own."""

    def __init__(self, job: Job, pk: int, attempt: int) -> None:
        self.job, self.pk, self.attempt = job, pk, attempt
        self.every = job.heartbeat_every
        self.last: float | None = None

    def __call__(self, *, force: bool = False, **fields: Any) -> None:
        now = time.monotonic()
        if not force and self.last is not None and now - self.last < self.every:
            return
        self.last = now
        if not self.job.mine(self.pk, self.attempt).update(heartbeat_at=timezone.now(), **fields):
            raise Superseded


def reap_stale_tasks(*, older_than: float) -> list[str]:
    """Mend the queue after a killed worker (`manage.py reap_tasks`): django-tasks' database
    backend leaves the task it was running RUNNING for ever. Put the tasks RUNNING for more
    than `older_than` seconds back to READY, so the next worker runs them again (our jobs are
    idempotent: they claim their own row by attempt or status); return their ids."""
    cutoff = timezone.now() - timedelta(seconds=older_than)
    with transaction.atomic():
        stale = list(
            DBTaskResult.objects.select_for_update()
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
            .values_list("id", flat=True)
        )
        DBTaskResult.objects.filter(id__in=stale, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
    return [str(pk) for pk in stale]
