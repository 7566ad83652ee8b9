"""The event report: publishing it and building its PDF and ZIP in the background. A build
for the event as it is now is reused; one whose worker stopped sending heartbeats is started
again, and a failed one only when an organiser asks or once it has rested."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sessions_app.exports import report
from sessions_app.models import (
    Event,
    ReportBuild,
)


@transaction.atomic
def set_report_published(*, event: Event, published: bool) -> Event:
    """Open (or close) the event report to everyone, with its PDF and ZIP downloads."""
    event.report_published = published
    event.save(update_fields=["report_published", "updated_at"])
    return event


@transaction.atomic
def request_report_builds(
    *, event: Event, fingerprint: str | None = None, explicit: bool = False
) -> list:
    """Make sure a PDF and a ZIP of the event as it is now exist or are being built: a build
    for the current fingerprint is reused (done, queued or running); one whose worker died
    (stale heartbeat) is started again. A failed one is started again when an organiser asks
    (`explicit`, the "Build the report" button) and otherwise only once it has rested
    (`report.retry_delay`: longer after each attempt), so visitors' downloads do not queue a
    failing build again and again. Returns the builds, PDF first."""

    def again(build: ReportBuild) -> bool:
        if build.status == ReportBuild.Status.FAILED:
            return explicit or report.may_retry(build)
        return report.is_stale(build)

    fingerprint = fingerprint or report.fingerprint(event)
    builds = []
    for kind in (ReportBuild.Kind.PDF, ReportBuild.Kind.ZIP):
        build, created = ReportBuild.objects.get_or_create(
            event=event, kind=kind, fingerprint=fingerprint
        )
        start = created
        if not created and again(build):
            # locked and looked at again: of two organisers asking at once, one starts it
            build = ReportBuild.objects.select_for_update().get(pk=build.pk)
            start = again(build)
        if start:
            _queue_report_build(build)
        builds.append(build)
    return builds


@transaction.atomic
def requeue_stale_report_builds(*, event: Event) -> list:
    """Start again the builds whose worker stopped sending heartbeats (it was killed): called
    whenever the report page or its progress is looked at. The new attempt makes the old task,
    should it still be alive, stop without writing."""
    stale = [
        build
        for build in ReportBuild.objects.select_for_update().filter(
            event=event, status=ReportBuild.Status.RUNNING
        )
        if report.is_stale(build)
    ]
    for build in stale:
        _queue_report_build(build)
    return stale


def _queue_report_build(build) -> None:
    # the actions ↔ tasks cycle: tasks import this module, so it imports them when used
    from sessions_app.tasks import build_event_report

    build.attempt += 1
    build.status = ReportBuild.Status.QUEUED
    build.progress = 0
    build.message = ""
    build.started_at = build.finished_at = None
    build.heartbeat_at = timezone.now()  # while queued: when it was queued
    build.save(
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
    # enqueued in the same transaction: the database backend stores the task with the row
    build_event_report.enqueue(build.pk, build.attempt)
