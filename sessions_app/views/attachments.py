"""What a session leaves behind: slides and other files, and links.

The slides page and its forms are for those who may deliver material for the session
(`access.may_deliver`: hosts, organisers, holders of a host link). Files are refused early when
too large (`uploads.limited_upload`), typed from their bytes, stored under generated names and
served only by `download`, as attachments with the type we found and `nosniff`, so an uploaded
page can never run in our origin. Every form works without JavaScript; static/js/uploads.js adds
drag and drop, a progress bar and a cancel button."""

import functools
import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sessions_app import access, actions, uploads
from sessions_app.forms import (
    AttachmentFileForm,
    AttachmentLinkForm,
    AttachmentReplaceForm,
    uploads_too_large_message,
)
from sessions_app.models import Attachment, Event, Session
from sessions_app.requests import HtmxHttpRequest

TEMPLATE = "participant/slides.html"


def deliverable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view gets (request, event, session, ...) if the visitor may deliver material for the
    session. Others: a sign-in page for an anonymous GET, 403 for an anonymous POST, else 404
    (no hint that the session takes uploads). Reads nothing of the request body."""

    @login_not_required  # host links work without an account: `may_deliver` is the gate
    @access.event_view
    @functools.wraps(view)  # keeps `csrf_exempt` of `uploads.limited_upload` visible outside
    def wrapper(request: HtmxHttpRequest, event: Event, pk: int, *args: Any, **kw: Any):
        session = get_object_or_404(event.sessions.all(), pk=pk)
        if not access.may_deliver(request, session):
            if request.user.is_authenticated:
                raise Http404
            if request.method == "GET":
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return view(request, event, session, *args, **kw)

    return wrapper


def page_context(request: HtmxHttpRequest, event: Event, session: Session, **extra: Any):
    attachments = list(session.attachments.select_related("uploaded_by"))
    for attachment in attachments:
        attachment.session = session  # get_absolute_url needs the event: no query per row
    return {
        "event": event,
        "session": session,
        "participant": access.participant_for(request, event),
        "attachments": attachments,
        "file_form": AttachmentFileForm(),
        "link_form": AttachmentLinkForm(prefix="link"),
        "max_bytes": uploads.max_upload_bytes(),
    } | extra


def list_or_redirect(request: HtmxHttpRequest, event: Event, session: Session, message: str):
    """htmx: the refreshed list; a plain form: back to the page with a message."""
    if request.htmx:
        context = page_context(request, event, session, done=message)
        return render(request, f"{TEMPLATE}#attachments", context)
    messages.success(request, message)
    return redirect("participant:slides", event.slug, session.pk)


def slides_page(event: Event, session: Session) -> str:
    return reverse("participant:slides", args=[event.slug, session.pk])


def already_added() -> str:
    """A form of this page sent twice (a double click, Back and send again): added once."""
    return _("You had already sent this; it is added once, here below.")


def refused(request, event, session, form, *, attachment=None) -> HttpResponse:
    """The form again with its errors; 413 too large, 415 not a type we take, 400 otherwise."""
    codes = {e.code for errors in form.errors.as_data().values() for e in errors}
    status = 413 if "too_large" in codes else 415 if "type" in codes else 400
    errors = [message for field_errors in form.errors.values() for message in field_errors]
    if request.htmx:
        context = {"upload_errors": errors, "attachment": attachment}
        return render(request, f"{TEMPLATE}#upload-errors", context, status=status)
    if attachment:  # the message goes beside that attachment's form
        context = page_context(request, event, session, upload_errors=errors, replacing=attachment)
    else:
        context = page_context(request, event, session, file_form=form)
    return render(request, TEMPLATE, context, status=status)


def bound_file_form(request: HtmxHttpRequest, form_class: type[AttachmentFileForm]):
    """The upload form bound to the request; a file stopped for its size becomes an error."""
    data, files = request.POST, request.FILES  # parses the body: sets `upload_too_large`
    if request.upload_too_large:
        form = form_class(data)
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", ValidationError(uploads_too_large_message(), code="too_large"))
        return form
    return form_class(data, files)


# ---- the slides page and its forms -----------------------------------------------------------


@require_GET
@deliverable
def slides(request: HtmxHttpRequest, event: Event, session: Session) -> HttpResponse:
    return render(request, TEMPLATE, page_context(request, event, session))


@require_POST
@deliverable
@uploads.limited_upload
def upload(request: HtmxHttpRequest, event: Event, session: Session) -> HttpResponse:
    form = bound_file_form(request, AttachmentFileForm)
    if form.is_valid():
        try:
            actions.submit_once(
                key=form.submission,
                user=request.user,
                create=lambda: actions.add_attachment_file(
                    session=session,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    by=access.deliverer_for(request, session),
                ),
                url=lambda _attachment: slides_page(event, session),
            )
        except actions.AlreadySubmitted:
            return list_or_redirect(request, event, session, already_added())
        except actions.ActionRefused as refusal:
            form.add_error("file", str(refusal))
    if not form.is_valid():
        return refused(request, event, session, form)
    return list_or_redirect(request, event, session, _("The file is uploaded."))


@require_POST
@deliverable
@uploads.limited_upload
def replace(request: HtmxHttpRequest, event: Event, session: Session, attachment_pk: int):
    attachment = get_object_or_404(session.attachments.all(), pk=attachment_pk)
    form = bound_file_form(request, AttachmentReplaceForm)
    if not form.is_valid():
        return refused(request, event, session, form, attachment=attachment)
    try:
        actions.replace_attachment_file(
            attachment=attachment,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            by=access.deliverer_for(request, session),
        )
    except actions.ActionRefused as refusal:  # deleted meanwhile
        form.add_error("file", str(refusal))
        return refused(request, event, session, form, attachment=attachment)
    return list_or_redirect(request, event, session, _("The file is replaced."))


@require_POST
@deliverable
def add_link(request: HtmxHttpRequest, event: Event, session: Session) -> HttpResponse:
    form = AttachmentLinkForm(request.POST, prefix="link")
    if form.is_valid():
        try:
            actions.submit_once(
                key=form.submission,
                user=request.user,
                create=lambda: actions.add_attachment_link(
                    session=session,
                    title=form.cleaned_data["title"],
                    url=form.cleaned_data["url"],
                    kind=form.cleaned_data["kind"],
                    by=access.deliverer_for(request, session),
                ),
                url=lambda _attachment: slides_page(event, session),
            )
        except actions.AlreadySubmitted:
            return list_or_redirect(request, event, session, already_added())
        except actions.ActionRefused as refusal:
            form.add_error("url", str(refusal))
    if not form.is_valid():
        if request.htmx:
            errors = [m for field_errors in form.errors.values() for m in field_errors]
            context = {"upload_errors": errors}
            return render(request, f"{TEMPLATE}#upload-errors", context, status=400)
        context = page_context(request, event, session, link_form=form)
        return render(request, TEMPLATE, context, status=400)
    return list_or_redirect(request, event, session, _("The link is added."))


@require_POST
@deliverable
def delete(request: HtmxHttpRequest, event: Event, session: Session, attachment_pk: int):
    attachment = get_object_or_404(session.attachments.all(), pk=attachment_pk)
    actions.delete_attachment(attachment=attachment)
    return list_or_redirect(
        request, event, session, _("“%(title)s” is deleted.") % {"title": attachment.title}
    )


# ---- serving files -------------------------------------------------------------------------------


def visible_attachment(request: HtmxHttpRequest, attachment: Attachment, event: Event) -> None:
    """404 unless the visitor may see the attachment's session (hidden ones: deliverers only)."""
    attachment.session.event = event
    if attachment.session.hidden and not access.may_deliver(request, attachment.session):
        raise Http404


def safe_file_response(handle, *, content_type: str, **kwargs: Any) -> FileResponse:
    response = FileResponse(handle, content_type=content_type, **kwargs)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@login_not_required
@access.event_view
def download(request: HtmxHttpRequest, event: Event, pk: int) -> FileResponse:
    """A stored file, always as a download, with the type sniffed at upload time."""
    attachments = Attachment.objects.select_related("session").exclude(file="")
    attachment = get_object_or_404(attachments, pk=pk, session__event=event)
    visible_attachment(request, attachment, event)
    file_type = uploads.KNOWN_TYPES.get(attachment.content_type)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return safe_file_response(
        handle,
        content_type=file_type.content_type if file_type else "application/octet-stream",
        as_attachment=True,
        filename=uploads.download_name(attachment.title, file_type.extension if file_type else ""),
    )


THUMBNAIL_NAME = re.compile(r"[0-9a-f]{32}\.png")


@require_GET
@login_not_required
def thumbnail(request: HtmxHttpRequest, event_id: int, name: str) -> FileResponse:
    """`attachment.thumbnail.url`, served by us (PNGs we rendered ourselves), with the same
    visibility as the attachment."""
    if not THUMBNAIL_NAME.fullmatch(name):
        raise Http404
    stored = f"attachments/{event_id}/thumbs/{name}"
    attachments = Attachment.objects.select_related("session__event")
    attachment = get_object_or_404(attachments, thumbnail=stored)
    visible_attachment(request, attachment, attachment.session.event)
    try:
        handle = attachment.thumbnail.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = safe_file_response(handle, content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response
