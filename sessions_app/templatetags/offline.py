"""What base.html tells the service worker (issue 21, sessions_app/offline.py): who the page is
for, and which pages of its event the phone keeps."""

from typing import Any

from django import template

from sessions_app import offline

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_person(context: template.Context) -> str:
    """`{% offline_person %}`: the marker of the signed-in person (or of nobody)."""
    request = context.get("request")
    return offline.person_marker(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def offline_event_pages(context: template.Context) -> str:
    """`{% offline_event_pages %}`: the addresses of the event's pages a phone keeps, separated
    by spaces; nothing on a page of no event."""
    event: Any = context.get("event")
    if not getattr(event, "slug", None) or not getattr(event, "pk", None):
        return ""
    request = context.get("request")
    return " ".join(offline.event_pages(event, getattr(request, "user", None)).values())
