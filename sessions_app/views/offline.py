"""The installable app and offline reading (issue 21): the web app manifests and the service
worker's script. What they say is in `sessions_app/offline.py`."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from sessions_app import offline
from sessions_app.access import event_view, participant_for
from sessions_app.models import Event
from sessions_app.requests import HtmxHttpRequest

MANIFEST_TYPE = "application/manifest+json"


@require_GET
@login_not_required
@cache_control(no_cache=True)  # revalidated at every check: a new worker reaches phones at once
def service_worker(request: HtmxHttpRequest) -> HttpResponse:
    """`/sw.js`: served from the site's root, so that it may look after every page of it."""
    return HttpResponse(
        offline.service_worker_source(), content_type="application/javascript; charset=utf-8"
    )


@require_GET
@login_not_required
@cache_control(public=True, max_age=3600)
def manifest(request: HtmxHttpRequest) -> HttpResponse:
    """The site's web app manifest, for the pages of no event (the home page, signing in)."""
    return HttpResponse(offline.manifest_json(None), content_type=MANIFEST_TYPE)


@require_GET
@login_not_required
@cache_control(public=True, max_age=3600)
def event_manifest(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """An event's web app manifest: installed from the event's pages, the app opens on it."""
    event = get_object_or_404(Event.objects.only("slug", "name", "language"), slug=slug)
    return HttpResponse(offline.manifest_json(event), content_type=MANIFEST_TYPE)


LINKS = {
    "public:grid": _("Grid"),
    "public:now": _("Now & next"),
    "participant:proposals": _("Sessions"),
    "participant:my-page": _("My page"),
}
"""The offline page's links online (the event's page is named after the event)."""


@require_GET
@login_not_required
@event_view
def offline_page(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """`/<event>/offline/`: what the phone shows, offline, for a page of the event it did not
    keep. The service worker fetches it once and, serving it, lists the pages of the event it
    kept (between the template's `kept-pages` comments); online it lists the main pages."""
    pages = offline.event_pages(event, request.user)
    participant = participant_for(request, event)
    if participant is None:
        pages.pop("participant:my-page", None)
    links = [(event.name, pages["public:event"])] + [
        (title, pages[name]) for name, title in LINKS.items() if name in pages
    ]
    context = {"event": event, "links": links, "participant": participant}
    return render(request, "public/offline.html", context)
