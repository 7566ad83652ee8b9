"""Template helpers for attachments: which icon a file or link gets, its type's
name, and whether the visitor may deliver material for a session."""

from urllib.parse import urlsplit

from django import template
from django.templatetags.static import static

from sessions_app import access, uploads
from sessions_app.models import Attachment, Session

register = template.Library()

ICONS = {
    uploads.PDF.content_type: "pdf",
    uploads.PPTX.content_type: "slides",
    uploads.ODP.content_type: "slides",
    uploads.KEY.content_type: "slides",
    uploads.PNG.content_type: "image",
    uploads.JPEG.content_type: "image",
}


@register.filter
def attachment_icon(attachment: Attachment) -> str:
    """The static URL of the icon shown when there is no thumbnail."""
    if attachment.url:
        name = "video" if attachment.kind == Attachment.Kind.VIDEO else "link"
    else:
        name = ICONS.get(attachment.content_type, "file")
    return static(f"img/attachment-{name}.svg")


@register.filter
def attachment_type(attachment: Attachment) -> str:
    """ "PDF", "PowerPoint", …, or the link's host for a link."""
    if attachment.url:
        return urlsplit(attachment.url).hostname or ""
    file_type = uploads.KNOWN_TYPES.get(attachment.content_type)
    return file_type.label if file_type else ""


@register.simple_tag(takes_context=True)
def may_deliver(context: template.Context, session: Session) -> bool:
    """`{% may_deliver session as can_deliver %}`: see `access.may_deliver`."""
    request = context.get("request")
    if not request:
        return False
    return access.may_deliver(request, session)
