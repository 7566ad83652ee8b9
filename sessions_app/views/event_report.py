"""The event report: its page (public once published, always for organisers), the PDF and ZIP
downloads, and the organisers' buttons to publish it and to build the files in the background.

The page is read in a fixed number of queries (sessions_app.exports.event_report.report_data). The
files are built by the worker (`manage.py db_worker`); the organiser's page polls the build's
progress every second with htmx (a `<noscript>` meta refresh without JavaScript), and each poll
also starts again a build whose worker was killed (stale heartbeat)."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sessions_app import actions, uploads
from sessions_app.access import event_view, is_organiser, organiser_required
from sessions_app.exports import event_report as report_export
from sessions_app.forms import EventCoverForm, ReportPublishForm
from sessions_app.jobs import report_builds
from sessions_app.models import Event, ReportBuild
from sessions_app.requests import HtmxHttpRequest

CONTENT_TYPES: dict[str, str] = {
    ReportBuild.Kind.PDF: "application/pdf",
    ReportBuild.Kind.ZIP: "application/zip",
}


@require_GET
@login_not_required
@event_view
def event_report(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    organiser = is_organiser(request, event)
    if not (event.report_published or organiser):
        raise Http404
    if organiser:
        actions.requeue_stale_report_builds(event=event)
    context = {
        "event": event,
        "report": report_export.report_data(event),
        "state": report_builds.build_state(event),
        "is_organiser": organiser,
        "cover_max_bytes": uploads.MAX_PICTURE_BYTES,
    }
    return render(request, "public/event_report.html", context)


@require_GET
@login_not_required
@event_view
def event_report_file(request: HtmxHttpRequest, event: Event, kind: str) -> HttpResponseBase:
    """The PDF or ZIP. Built for the event as it is now if there is one; otherwise the public
    gets the latest finished one (and a new build starts, or a failed one again once it has
    rested), organisers get a build started. Without any file the public is told it is being
    prepared, or, after a failed build, that it is not available yet."""
    organiser = is_organiser(request, event)
    if kind not in ReportBuild.Kind.values or not (event.report_published or organiser):
        raise Http404
    state = report_builds.build_state(event)
    build = state.current[kind]
    failed = None  # the failed build of this kind, resting before it is tried again
    if build is None or build.status != ReportBuild.Status.DONE:
        builds = actions.request_report_builds(event=event, fingerprint=state.fingerprint)
        failed = next((b for b in builds if b.kind == kind and b.status == "failed"), None)
        build = None if organiser else state.latest[kind]
    if build is None:
        if organiser:
            if failed:
                messages.error(
                    request, _("The last build failed; this page says why and builds it again.")
                )
            else:
                messages.info(
                    request, _("The report is being built; download it when it is ready.")
                )
            return redirect(reverse("public:event-report", args=[event.slug]) + "#build-panel")
        context = {"event": event, "failed": failed is not None}
        response = render(request, "public/event_report_pending.html", context, status=503)
        retry = report_builds.retry_at(failed) if failed else None
        wait = (retry - timezone.now()).total_seconds() if retry else 15
        response["Retry-After"] = str(max(15, round(wait)))
        return response
    download = FileResponse(
        report_builds.output_path(build).open("rb"),
        as_attachment=True,
        filename=report_export.report_file_name(event, kind),
        content_type=CONTENT_TYPES[kind],
    )
    download["X-Content-Type-Options"] = "nosniff"
    download["Cache-Control"] = "public, max-age=60" if event.report_published else "private"
    return download


@require_POST
@organiser_required
def publish(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = ReportPublishForm(request.POST)
    if form.is_valid():
        published = form.cleaned_data["published"]
        actions.set_report_published(event=event, published=published)
        if published:
            messages.success(request, _("The event report is public now."))
        else:
            messages.success(request, _("The event report is hidden again."))
    return redirect("public:event-report", event.slug)


@require_POST
@organiser_required
def build(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """One click: a PDF and a ZIP of the event as it is now (reused if already built; a failed
    build starts again at once)."""
    actions.request_report_builds(event=event, explicit=True)
    if request.htmx:
        return progress_panel(request, event)
    return redirect(reverse("public:event-report", args=[event.slug]) + "#build-panel")


@require_GET
@organiser_required
def progress(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    actions.requeue_stale_report_builds(event=event)
    if not request.htmx:
        return redirect(reverse("public:event-report", args=[event.slug]) + "#build-panel")
    return progress_panel(request, event)


def progress_panel(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    context = {"event": event, "state": report_builds.build_state(event), "is_organiser": True}
    return render(request, "public/event_report.html#build-panel", context)


# ---- the picture on the report's cover -------------------------------------------------------

COVER_TEMPLATE = "organiser/report_cover.html"
COVER_TYPES = {".png": uploads.PNG.content_type, ".jpg": uploads.JPEG.content_type}


def cover_answer(
    request: HtmxHttpRequest, event: Event, *, done: str = "", errors=(), status: int = 200
) -> HttpResponse:
    """htmx: the cover's part of the report page again, with its message; a plain form: back to
    the page, with the message on top. A refusal keeps its status (413, 415, 400) without
    htmx only: htmx swaps 2xx answers alone on this page, so it gets its alert with a 200."""
    if request.htmx:
        event.refresh_from_db(fields=["cover", "updated_at"])
        context = {
            "event": event,
            "cover_done": done,
            "cover_errors": list(errors),
            "cover_max_bytes": uploads.MAX_PICTURE_BYTES,
        }
        return render(request, COVER_TEMPLATE, context)
    for error in errors:
        messages.error(request, error)
    if done:
        messages.success(request, done)
    return redirect(reverse("public:event-report", args=[event.slug]) + "#report-cover")


@require_POST
@organiser_required
@uploads.limited_picture_upload
def cover(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """Upload (or, with `remove`, take off) the picture on the report's cover."""
    data, files = request.POST, request.FILES  # parses the body: sets `upload_too_large`
    if request.upload_too_large:
        return cover_answer(request, event, errors=[actions.cover_too_large_message()], status=413)
    form = EventCoverForm(data, files)
    if not form.is_valid():
        errors = [message for field_errors in form.errors.values() for message in field_errors]
        return cover_answer(request, event, errors=errors, status=400)
    try:
        if form.cleaned_data["remove"]:
            actions.remove_event_cover(event=event)
            done = _("The cover picture is removed.")
        else:
            actions.set_event_cover(event=event, upload=form.cleaned_data["cover"])
            done = _("The cover picture is saved.")
    except actions.ActionRefused as refusal:
        return cover_answer(request, event, errors=[str(refusal)], status=415)
    return cover_answer(request, event, done=done)


@require_GET
@login_not_required
@event_view
def cover_picture(request: HtmxHttpRequest, event: Event) -> HttpResponseBase:
    """The picture on the report's cover, for whoever may read the report: stored by us
    (re-encoded, or imported and checked) and served with the type of its name."""
    if not event.cover or not (event.report_published or is_organiser(request, event)):
        raise Http404
    content_type = COVER_TYPES.get(PurePosixPath(event.cover.name).suffix.lower())
    if content_type is None:
        raise Http404
    try:
        handle = event.cover.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"{'public' if event.report_published else 'private'}, max-age=300"
    return response
