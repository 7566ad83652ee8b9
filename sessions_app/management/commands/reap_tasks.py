"""manage.py reap_tasks [--older-than SECONDS]: put background jobs that a killed worker left
running back in the queue.

Why: django-tasks' database backend marks a job RUNNING when a worker claims it and SUCCESSFUL
or FAILED when it ends. A worker stopped with SIGTERM finishes its job first, but one killed
outright (SIGKILL, the OOM killer, a lost machine) leaves its job RUNNING for ever, and no
worker looks at it again. This command turns every job that has been RUNNING for longer than
`--older-than` back into READY, so the next worker runs it again. Run it before starting the
workers (a worker restart is when jobs are found orphaned) and, with a margin well above the
longest job, from cron.

The jobs must therefore be idempotent: ours check their own row (report builds by attempt,
grid proposals by status) or write their output under a temporary name and rename it, so a
second run of a job that did finish its work changes nothing. The app's own rows (a report
build's or a grid proposal's `running` with a silent heartbeat) are revived by their pages as
before; this command only mends the queue."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from sessions_app.jobs.base import reap_stale_tasks

DEFAULT_OLDER_THAN = 3600  # seconds; well above the longest job we run (a large report build)


class Command(BaseCommand):
    help = "Requeue background jobs left RUNNING by a worker that was killed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=DEFAULT_OLDER_THAN,
            metavar="SECONDS",
            help="requeue jobs running for longer than this (default %(default)s)",
        )

    def handle(self, *args, older_than: float, **options) -> None:
        reaped = reap_stale_tasks(older_than=older_than)
        for pk in reaped:
            self.stdout.write(f"requeued {pk}")
        self.stdout.write(f"{len(reaped)} job(s) requeued")
