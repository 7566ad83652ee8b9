"""The thumbnail job: the first page of a PDF attachment as a picture. A small PDF gets it in
the upload's request (actions.attachments decides); a large one in the background, so the
upload answers at once. Safe to run twice or after the attachment was deleted or replaced.
Not a BackgroundJob with a row of its own: nobody waits for it (the attachment shows an icon
until its thumbnail is there)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from sessions_app import uploads
from sessions_app.models import Attachment


@task()
def render_attachment_thumbnail(attachment_id: int) -> bool:
    """The first page of a large PDF, rendered outside the request that uploaded it."""
    attachment = Attachment.objects.select_related("session").filter(pk=attachment_id).first()
    if attachment is None or attachment.thumbnail:
        return False
    return make(attachment)


def queue(attachment: Attachment) -> None:
    """Render it in the background once the upload's transaction has committed."""
    pk = attachment.pk
    transaction.on_commit(lambda: render_attachment_thumbnail.enqueue(pk))


def make(attachment: Attachment) -> bool:
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
        uploads.delete_stored(storage, attachment.thumbnail.name)
        return False
    if old_thumbnail and old_thumbnail != attachment.thumbnail.name:
        uploads.delete_stored_on_commit(storage, old_thumbnail)
    return True
