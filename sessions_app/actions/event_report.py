"""The event report: publishing it, the picture on its cover, and building its PDF and ZIP in
the background. A build for the event as it is now is reused; one whose worker stopped sending
heartbeats is started again, and a failed one only when an organiser asks or once it has
rested."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from sessions_app import uploads
from sessions_app.actions.base import ActionRefused
from sessions_app.exports import event_report
from sessions_app.jobs import report_builds
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
    (`report_builds.retry_delay`: longer after each attempt), so visitors' downloads do not
    queue a failing build again and again. Returns the builds, PDF first."""

    def again(build: ReportBuild) -> bool:
        if build.status == ReportBuild.Status.FAILED:
            return explicit or report_builds.may_retry(build)
        return report_builds.is_stale(build)

    fingerprint = fingerprint or event_report.fingerprint(event)
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
            report_builds.queue(build)
        builds.append(build)
    return builds


def build_report_now(*, event: Event) -> list[ReportBuild]:
    """The PDF and the ZIP of the event as it is now, built in this process unless they are
    done already (the demo's set-up: the report is ready before the server starts, with or
    without a worker). A build that failed or is still queued or running is built again here.
    Returns the builds, PDF first, each done or failed."""
    fingerprint = event_report.fingerprint(event)
    builds = []
    for kind in (ReportBuild.Kind.PDF, ReportBuild.Kind.ZIP):
        with transaction.atomic():
            build, _created = ReportBuild.objects.get_or_create(
                event=event, kind=kind, fingerprint=fingerprint
            )
        if build.status != ReportBuild.Status.DONE:
            report_builds.build_now(build)  # the job writes its own row and file
        builds.append(build)
    return builds


def requeue_stale_report_builds(*, event: Event) -> list:
    """Start again the builds whose worker went silent (it was killed): called whenever the
    report page or its progress is looked at."""
    return report_builds.recover(event)


# ---- the cover picture -----------------------------------------------------------------------


def cover_too_large_message() -> str:
    return _("This picture is too large: the limit is %(limit)s.") % {
        "limit": filesizeformat(uploads.MAX_PICTURE_BYTES)
    }


def set_event_cover(*, event: Event, upload) -> Event:
    """Make an uploaded PNG or JPEG the picture on the report's cover. Its type is read from
    its bytes; it is drawn again (the way its EXIF turns it, at most `uploads.COVER_MAX_SIDE`
    pixels on its long side, without metadata) and stored under a generated name. The old
    picture is deleted once the change has committed. Refused, changing nothing, for a file
    too large, of another type, or that does not decode."""
    if upload.size > uploads.MAX_PICTURE_BYTES:
        raise ActionRefused(cover_too_large_message())
    if uploads.sniff(upload) not in uploads.PICTURE_TYPES:
        raise ActionRefused(_("This is not a picture we can use: upload a PNG or JPEG file."))
    try:
        data, file_type = uploads.reencode_picture(upload)
    except uploads.NotAPicture:
        raise ActionRefused(
            _(
                "This picture cannot be read: it is damaged, or larger than %(pixels)s million "
                "pixels. Save it again as a PNG or JPEG and upload that."
            )
            % {"pixels": uploads.MAX_PICTURE_PIXELS // 1_000_000}
        ) from None
    storage = event.cover.storage
    event.cover.save(f"cover.{file_type.extension}", ContentFile(data), save=False)
    new_name = event.cover.name
    try:
        with transaction.atomic():
            # read under a lock: the file to delete is the one stored now (two uploads at once
            # would otherwise leave one behind)
            old_name = (
                Event.objects.select_for_update().values_list("cover", flat=True).get(pk=event.pk)
            )
            event.save(update_fields=["cover", "updated_at"])
            uploads.delete_stored_on_commit(storage, old_name)
    except BaseException:
        uploads.delete_stored(storage, new_name)
        raise
    return event


@transaction.atomic
def remove_event_cover(*, event: Event) -> Event:
    """Take the picture off the report's cover; its file is deleted once that has committed."""
    storage = event.cover.storage
    old_name = Event.objects.select_for_update().values_list("cover", flat=True).get(pk=event.pk)
    event.cover = ""  # an empty FileField, as Django stores it
    event.save(update_fields=["cover", "updated_at"])
    uploads.delete_stored_on_commit(storage, old_name)
    return event
