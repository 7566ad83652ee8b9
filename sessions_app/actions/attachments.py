"""Attachments: the slides, files and links a session leaves behind.

A file is written to storage under a generated name first, then its row is saved; if saving
the row fails the file is deleted again, and files of replaced or deleted rows are removed
only once the transaction has committed. So a failed upload leaves neither a row nor a file."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sessions_app import uploads
from sessions_app.actions.base import (
    ActionRefused,
)
from sessions_app.actions.sessions import ChangedMeanwhile
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


def _delete_stored(storage, *names: str) -> None:
    for name in names:
        if name:
            storage.delete(name)


def _delete_stored_on_commit(storage, *names: str) -> None:
    transaction.on_commit(lambda: _delete_stored(storage, *names))


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
        _delete_stored(attachment.file.storage, attachment.file.name)
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
            _delete_stored_on_commit(storage, *old_names)
    except BaseException:
        _delete_stored(storage, new_name)
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
    _delete_stored_on_commit(storage, *names)


def _thumbnail_now_or_later(attachment) -> None:
    if attachment.content_type != uploads.PDF.content_type:
        return
    if attachment.size <= THUMBNAIL_INLINE_BYTES:
        make_attachment_thumbnail(attachment)
    else:
        # the actions ↔ tasks cycle: tasks import this module, so it imports them when used
        from sessions_app.tasks import render_attachment_thumbnail

        pk = attachment.pk
        transaction.on_commit(lambda: render_attachment_thumbnail.enqueue(pk))


def make_attachment_thumbnail(attachment) -> bool:
    """Render the first page of a PDF attachment as its thumbnail. False if the PDF cannot be
    rendered (the attachment stays, with an icon) or was replaced meanwhile."""
    if not attachment.file or attachment.content_type != uploads.PDF.content_type:
        return False
    with attachment.file.open("rb") as stored:  # any storage, local or not
        png = uploads.render_pdf_thumbnail(stored)
    if png is None:
        return False
    storage = attachment.thumbnail.storage
    old_thumbnail = attachment.thumbnail.name
    attachment.thumbnail.save("thumbnail.png", ContentFile(png), save=False)
    updated = Attachment.objects.filter(pk=attachment.pk, file=attachment.file.name).update(
        thumbnail=attachment.thumbnail.name
    )
    if not updated:  # deleted or replaced while we rendered
        _delete_stored(storage, attachment.thumbnail.name)
        return False
    if old_thumbnail and old_thumbnail != attachment.thumbnail.name:
        _delete_stored_on_commit(storage, old_thumbnail)
    return True
