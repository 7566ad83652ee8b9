"""Attachments: the slides, files and links a session leaves behind.

A file is written to storage under a generated name first, then its row is saved; if saving
the row fails the file is deleted again, and files of replaced or deleted rows are removed
only once the transaction has committed. So a failed upload leaves neither a row nor a file."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sessions_app import uploads
from sessions_app.actions.base import (
    ActionRefused,
)
from sessions_app.actions.sessions import ChangedMeanwhile
from sessions_app.jobs import thumbnails
from sessions_app.models import (
    Attachment,
    Participant,
    Session,
)

THUMBNAIL_INLINE_BYTES = 5 * 1024 * 1024  # larger PDFs get their thumbnail in the background
MAX_ATTACHMENTS_PER_SESSION = 30  # with the size limit, a bound on what one session can store


def _next_attachment_order(session: Session) -> int:
    top = session.attachments.aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


def check_attachment_room(session: Session) -> None:
    """Refuse a new attachment once the session has `MAX_ATTACHMENTS_PER_SESSION`."""
    if session.attachments.count() >= MAX_ATTACHMENTS_PER_SESSION:
        raise ActionRefused(
            _("This session has %(n)s attachments already; delete one to add another.")
            % {"n": MAX_ATTACHMENTS_PER_SESSION}
        )


def _lock_session_for_attachments(session: Session) -> None:
    """One new attachment of a session at a time: the room left and the next place in the
    order are counted again under the session's lock, so two uploads at once neither pass
    the limit together nor take the same place."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    check_attachment_room(session)


def _attachment_kind(file_type) -> str:
    """Presentations and PDFs are slides; pictures (of flip-overs, say) are documents."""
    return Attachment.Kind.SLIDES if file_type.is_slides else Attachment.Kind.DOCUMENT


def add_attachment_file(*, session: Session, upload, title: str, by: Participant | None):
    """Store an uploaded file (already sniffed: `upload.sniffed_type`) for `session`."""
    check_attachment_room(session)
    file_type = upload.sniffed_type
    attachment = Attachment(
        session=session,
        kind=_attachment_kind(file_type),
        title=title[:200],
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(f"upload.{file_type.extension}", upload, save=False)
    try:
        with transaction.atomic():
            _lock_session_for_attachments(session)
            attachment.order = _next_attachment_order(session)
            attachment.save()
    except BaseException:
        uploads.delete_stored(attachment.file.storage, attachment.file.name)
        raise
    _thumbnail_now_or_later(attachment)
    return attachment


def replace_attachment_file(*, attachment, upload, title: str = "", by: Participant | None):
    """Put a new file in place of an attachment's file; the old one goes once that is saved."""
    file_type = upload.sniffed_type
    storage = attachment.file.storage
    attachment.file.save(f"upload.{file_type.extension}", upload, save=False)
    new_name = attachment.file.name
    try:
        with transaction.atomic():
            # read again under a lock: the files to delete are the ones it has now (two
            # replacements at once would otherwise orphan one), and a row deleted meanwhile
            # is not brought back by saving it
            current = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
            if current is None:
                raise ChangedMeanwhile(
                    _("This attachment was deleted meanwhile; nothing was replaced.")
                )
            old_names = (current.file.name, current.thumbnail.name)
            attachment.url = ""
            attachment.thumbnail = ""
            attachment.content_type = file_type.content_type
            attachment.size = upload.size
            attachment.uploaded_by = by
            attachment.kind = _attachment_kind(file_type)
            if title:
                attachment.title = title[:200]
            attachment.save(
                update_fields=[
                    "file",
                    "url",
                    "thumbnail",
                    "content_type",
                    "size",
                    "uploaded_by",
                    "kind",
                    "title",
                ]
            )
            uploads.delete_stored_on_commit(storage, *old_names)
    except BaseException:
        uploads.delete_stored(storage, new_name)
        raise
    _thumbnail_now_or_later(attachment)
    return attachment


def add_attachment_link(*, session: Session, title: str, url: str, kind: str, by):
    check_attachment_room(session)
    with transaction.atomic():
        _lock_session_for_attachments(session)
        return Attachment.objects.create(
            session=session,
            kind=kind,
            title=title[:200],
            url=url,
            uploaded_by=by,
            order=_next_attachment_order(session),
        )


@transaction.atomic
def delete_attachment(*, attachment) -> None:
    storage = attachment.file.storage
    names = (attachment.file.name, attachment.thumbnail.name)
    attachment.delete()
    uploads.delete_stored_on_commit(storage, *names)


def _thumbnail_now_or_later(attachment) -> None:
    if attachment.content_type != uploads.PDF.content_type:
        return
    if attachment.size <= THUMBNAIL_INLINE_BYTES:
        thumbnails.make(attachment)
    else:
        thumbnails.queue(attachment)
