"""The public change log of the grid: a page (in the visitor's language) and an Atom feed (in
the event's), both listing what moved, came onto the grid, left it or was cancelled since the
grid was published, newest first. Before publication both are empty, not missing: a feed
reader may subscribe early. Each costs the event and one query for the changes, however many
there are (the page, for a signed-in visitor, also who they are)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from sessions_app import change_log
from sessions_app.access import event_view, is_organiser, participant_for
from sessions_app.cors import readable_anywhere
from sessions_app.exports import changes as changes_export
from sessions_app.models import Event, SessionChange
from sessions_app.requests import HtmxHttpRequest, etag_of, feed_response

ATOM_ENTRIES = 100  # feed readers keep what they saw; the page has the whole log


@require_safe
@login_not_required
@event_view
def changes(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    def url_of(change: SessionChange) -> str:
        return reverse("public:session", args=[event.slug, change.session_id])

    context = {
        "event": event,
        "participant": participant_for(request, event),
        "is_organiser": is_organiser(request, event),
        "days": change_log.by_day(event, change_log.load(event), url_of),
    }
    return render(request, "public/changes.html", context)


@readable_anywhere
@require_safe
@login_not_required
@event_view
def changes_atom(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """The log for feed readers: public, readable from any web page (`readable_anywhere`:
    a preflight answered, ETag and Last-Modified exposed to scripts), and a 304 for a reader
    that has it already (ETag, a hash of the body, agrees across processes)."""
    origin = request.build_absolute_uri("/").rstrip("/")

    def session_url(change: SessionChange) -> str:
        return origin + reverse("public:session", args=[event.slug, change.session_id])

    entries = change_log.load(event, limit=ATOM_ENTRIES)
    with translation.override(event.language):
        body = changes_export.atom(
            event,
            entries,
            page_url=origin + reverse("public:changes", args=[event.slug]),
            feed_url=origin + reverse("public:changes-atom", args=[event.slug]),
            session_url=session_url,
        )
    return feed_response(
        request,
        body,
        changes_export.ATOM,
        etag=etag_of(body),
        modified=changes_export.updated(event, entries),
        public=True,
    )
