"""The installable app and offline reading (issue 21): the web app manifests and the service
worker's script. What they say is in `sessions_app/offline.py`."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from sessions_app import offline
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
