"""What a phone keeps for when the venue's wifi dies (issue 21): the installable app's manifest,
the service worker's source, and which pages it may keep.

The service worker (`static/js/sw.js`, served at `/sw.js` so that its scope is the whole site)
keeps only the pages the server marks with the `OOcamp-Offline` header, which
`OfflinePagesMiddleware` puts on a 200 answer to a plain GET of one of `OFFLINE_PAGES`: the
grid, now & next, a session's page, the event's page, the participant's own page and the
sessions to vote on. Organiser pages, pages with a token in their address (sign-in links, host
links, calendar feeds), the admin and the sign-in pages never get it, so they are never kept.
Signing out clears what was kept (`Clear-Site-Data` on the answer, and the page's script).

What is kept is the signed-in person's: each kept answer carries `PERSON_HEADER`, a marker of
who it was rendered for (`person_marker`, not secret and not the user's id), and when a page of
another person, or of nobody signed in, loads on the phone, the worker deletes the pages it kept
for anyone else (a sign-in that expired is not a sign-out). After the first visit to a page of
an event the worker also fetches that event's main pages once (`event_pages`), and its offline
page (`public:offline`, marked "fallback"), shown for a page of the event that was never kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac

from sessions_app.models import Event

HEADER = "OOcamp-Offline"
"""On an answer the service worker may keep for offline reading (its value: "keep"; "fallback"
for an event's offline page, served for a page of the event the phone did not keep)."""

PERSON_HEADER = "OOcamp-Person"
"""On every HTML answer: for whom it was rendered (`person_marker`)."""

NOBODY = "-"
"""The marker of a page rendered for nobody signed in: such pages are shown to anyone."""

OFFLINE_PAGES = frozenset(
    {
        "public:event",
        "public:grid",
        "public:now",
        "public:session",
        "participant:my-page",
        "participant:proposals",
        "public:offline",
    }
)
"""URL names of the pages kept for offline reading; nothing else is ever kept."""

# the app's own colours (static/css/app.css: --brand, --paper); an event has no colours of its own
THEME_COLOR = "#0b5394"
BACKGROUND_COLOR = "#ffffff"
ICONS = (
    ("img/icon-192.png", "192x192", "any"),
    ("img/icon-512.png", "512x512", "any"),
    ("img/icon-maskable-512.png", "512x512", "maskable"),
)


class OfflinePagesMiddleware:
    """Marks the answers the service worker may keep (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if may_keep(request, response):
            offline_page = getattr(request.resolver_match, "view_name", "") == "public:offline"
            response[HEADER] = "fallback" if offline_page else "keep"
        if response.get("Content-Type", "").startswith("text/html"):
            response[PERSON_HEADER] = person_marker(getattr(request, "user", None))
        return response


def person_marker(user: Any) -> str:
    """Who a page was rendered for, as the service worker tells people apart: a keyed hash of
    the user's id (SECRET_KEY), the same on every page of theirs and telling nothing of them;
    `NOBODY` for a visitor who is not signed in."""
    if user is None or not user.is_authenticated:
        return NOBODY
    return salted_hmac("sessions_app.offline.person", str(user.pk)).hexdigest()[:24]


def event_pages(event: Event, user: Any) -> dict[str, str]:
    """The pages of `event` a phone keeps once it opened any of them (the worker fetches those it
    has not kept yet), by URL name: the event, the grid, now & next, Sessions, My day for a
    signed-in person, and the event's offline page."""
    names = ["public:event", "public:grid", "public:now", "participant:proposals"]
    if user is not None and user.is_authenticated:
        names.append("participant:my-page")
    names.append("public:offline")
    return {name: reverse(name, args=[event.slug]) for name in names}


def may_keep(request: HttpRequest, response: HttpResponseBase) -> bool:
    match = request.resolver_match
    return (
        request.method == "GET"
        and response.status_code == 200
        and match is not None
        and match.view_name in OFFLINE_PAGES
        and "HX-Request" not in request.headers  # a fragment, not a page
        and response.get("Content-Type", "").startswith("text/html")
    )


def manifest(event: Event | None) -> dict[str, Any]:
    """The web app manifest: the event's app opens on the event's page, the site's on its home."""
    start = reverse("public:event", args=[event.slug]) if event else reverse("public:home")
    name = event.name if event else "OOcamp"
    return {
        "id": start,
        "name": name,
        "short_name": name if len(name) <= 12 else "OOcamp",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "lang": event.language if event else settings.LANGUAGE_CODE,
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }


def manifest_json(event: Event | None) -> str:
    return json.dumps(manifest(event), ensure_ascii=False, indent=1)


@cache
def _worker_source() -> str:
    path = finders.find("js/sw.js")
    if not path:  # pragma: no cover - the file is in the repository
        raise FileNotFoundError("static/js/sw.js")
    with open(path, encoding="utf-8") as source:
        return source.read()


def service_worker_source() -> str:
    """static/js/sw.js, preceded by what it must know of the site: where static files are, which
    header marks a page it may keep and which says for whom it was rendered. It never changes
    while the process runs, so the browser's byte-for-byte update check only installs a new
    worker after a deploy."""
    config = {
        "static": settings.STATIC_URL,
        "header": HEADER,
        "person": PERSON_HEADER,
        "nobody": NOBODY,
    }
    return f"const OOCAMP = {json.dumps(config)};\n{_worker_source()}"


def clear_site_data(response: HttpResponse) -> HttpResponse:
    """What signing out sends: the phone forgets the pages and storage kept for this site."""
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response
