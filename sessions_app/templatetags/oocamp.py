from django import template
from django.utils.safestring import SafeString

from sessions_app import access
from sessions_app.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def organises(request, event) -> bool:
    """`{% if request|organises:event %}`: the visitor organises this event (the link it shows
    leads a session that still owes its code to that step)."""
    return access.organises(request, event)
