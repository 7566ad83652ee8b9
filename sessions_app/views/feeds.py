"""Feeds that outside apps read: schedule.xml/json (frab), iCalendar (the event, one session,
a participant's own sessions), CSV, and the page that explains them with QR codes.

Who gets what:
- Public feeds answer 404 until the grid is published (organisers can fetch them all along,
  to check them before they publish). The one rule, shown on the feeds page too: feeds exist
  once there is a programme to follow.
- The personal calendar feed is reached by its secret URL alone (calendar apps have no
  cookies): the sessions the participant follows or hosts, and the plenaries. Before
  publication it is a valid calendar without events (with the event's time zone), so that
  participants can subscribe early and the sessions appear when the grid does. A new token
  revokes the URL.
- Public feeds can be read by scripts on other sites (sessions_app/cors.py); the personal
  feed cannot (see `personal_ics`).
- The participants CSV is for organisers only.

Cost: a feed answers from Django's cache when nothing changed. The key is `live.grid_key`
(event, grid version, phase, language) plus a stamp of what the feeds show beyond the grid
(the latest session and event change, the attachments), read in one query. A cache hit costs
that query (and, every 2 s per process, the event's); a miss loads the programme in six more.
The ETag is a hash of the body and Last-Modified the latest change the stamp read, so every
process agrees on both, whenever it rendered the body, and a conditional request gets 304.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sessions_app import actions, live, qr
from sessions_app.access import (
    event_view,
    is_organiser,
    organiser_required,
    participant_for,
    participant_required,
)
from sessions_app.cors import readable_anywhere
from sessions_app.exports import csv as csv_export
from sessions_app.exports import frab, ical
from sessions_app.models import Event, Follow, Host, Participant
from sessions_app.requests import HtmxHttpRequest, etag_of, feed_response

FEED_CACHE_SECONDS = live.GRID_CACHE_SECONDS
XML = "application/xml; charset=utf-8"  # what browsers and apps open; the c3voc type is
JSON = "application/json; charset=utf-8"  # registered but few clients know it
ICS = "text/calendar; charset=utf-8"
CSV = "text/csv; charset=utf-8"
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what secrets.token_urlsafe makes


# ---- state, cache and conditional responses ---------------------------------------------------


def origin(request: HtmxHttpRequest) -> str:
    """ "https://host" as the visitor reached us: the URLs inside the feeds start with it."""
    return request.build_absolute_uri("/").rstrip("/")


def feed_state(event: Event, request: HtmxHttpRequest) -> tuple[str, datetime]:
    """The cache key of everything the feeds show, and when it last changed.

    The key: the grid (`live.grid_key`: event, grid version, phase, language), the address
    they are served under, and a stamp of what changes without a new grid version (sessions'
    and the event's `updated_at`, the attachments). The moment: the latest of those
    `updated_at` and of the attachments' `created_at`; every grid change moves the event's
    `updated_at` (actions.touch_grid), so a room renamed has a moment too. Read from the
    rows, it is the same in every process, whenever that process rendered the feed. One
    query."""
    row = event.sessions.aggregate(
        changed=Max("updated_at"),
        n_attachments=Count("attachments"),
        last_attachment=Max("attachments__id"),
        attached=Max("attachments__created_at"),
    )
    changed = max(m for m in (row["changed"], row["attached"], event.updated_at) if m)
    stamp = f"{changed.timestamp():.6f}.{row['n_attachments']}.{row['last_attachment']}"
    # "feeds2": entries are (body, ETag) now, no longer with the moment they were made
    return f"{live.grid_key(event)}:feeds2:{origin(request)}:{stamp}", changed


def state_key(event: Event, request: HtmxHttpRequest) -> str:
    """The cache key alone (`feed_state`)."""
    return feed_state(event, request)[0]


Entry = tuple[bytes, str]  # body, ETag


def cached_entry(key: str, render: Callable[[], bytes]) -> Entry:
    """The body stored under `key`, or `render()`'s (then stored), with its ETag: processes
    that render the same body at different moments agree on it."""
    entry = cache.get(key)
    if entry is None:
        body = render()
        entry = (body, etag_of(body))
        cache.set(key, entry, FEED_CACHE_SECONDS)
    return entry


def cached_programme(event: Event, key: str, request: HtmxHttpRequest) -> frab.Programme:
    programme = cache.get(f"{key}:programme")
    if programme is None:
        programme = frab.load_programme(event, origin(request))
        cache.set(f"{key}:programme", programme, FEED_CACHE_SECONDS)
    return programme


def feed_event(request: HtmxHttpRequest, slug: str) -> tuple[Event, bool]:
    """The event of a public feed (at most `live.state_seconds()` old) and whether its feeds are
    public yet; 404 for an unknown event, and for others than organisers before publication."""
    event = live.event_for(slug)
    if event is None:
        raise Http404
    if event.grid_published:
        return event, True
    if is_organiser(request, event):
        return event, False
    raise Http404


def cached_feed(
    request: HtmxHttpRequest,
    slug: str,
    name: str,
    content_type: str,
    render_body: Callable[[Event, Callable[[], frab.Programme]], bytes],
    *,
    filename: str | None = None,
) -> HttpResponse:
    """A public feed from the cache (`state_key`), or rendered by `render_body(event,
    programme)`, where `programme()` loads the programme (cached too)."""
    event, public = feed_event(request, slug)
    with translation.override(event.language):  # a feed reads the same for every visitor
        key, modified = feed_state(event, request)
        body, etag = cached_entry(
            f"{key}:{name}",
            lambda: render_body(event, lambda: cached_programme(event, key, request)),
        )
    response = feed_response(
        request,
        body,
        content_type,
        etag=etag,
        modified=modified,
        public=public,
        filename=filename,
    )
    if not public:
        patch_vary_headers(response, ["Cookie"])
    return response


# ---- schedule.xml / schedule.json ------------------------------------------------------------


@readable_anywhere
@require_safe
@login_not_required
def schedule_xml(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return cached_feed(request, slug, "xml", XML, lambda _e, p: frab.schedule_xml(p()))


@readable_anywhere
@require_safe
@login_not_required
def schedule_json(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return cached_feed(request, slug, "json", JSON, lambda _e, p: frab.schedule_json(p()))


# ---- iCalendar --------------------------------------------------------------------------------


@readable_anywhere
@require_safe
@login_not_required
def schedule_ics(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    def render_ics(event: Event, load: Callable[[], frab.Programme]) -> bytes:
        programme = load()
        return ical.calendar(
            programme, programme.items, name=programme.title, fallback=event.updated_at
        )

    return cached_feed(request, slug, "ics", ICS, render_ics, filename=f"{slug}.ics")


@readable_anywhere
@require_safe
@login_not_required
def session_ics(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """One session, for "add to my calendar" on its page; 404 while it is not in the grid."""

    def render_ics(event: Event, load: Callable[[], frab.Programme]) -> bytes:
        programme = load()
        items = [item for item in programme.items if item.session_id == pk]
        if not items:
            raise Http404
        return ical.calendar(programme, items, name=items[0].title, fallback=event.updated_at)

    return cached_feed(request, slug, f"session-{pk}", ICS, render_ics, filename=f"{slug}-{pk}.ics")


def calendar_session_ids(participant: Participant) -> set[int]:
    """The sessions of a participant's calendar: those they follow or host, the same sessions
    as My day (sessions_app/follows.py). Votes are not read: they became follows when the grid
    was published (actions.follow_votes; migration 0008 and the import of an older event file
    for events published before follows existed), and a participant who follows nothing after
    that has chosen so: their votes would bring back sessions they took off. One query."""
    hosted = Host.objects.filter(participant=participant).values_list("session_id")
    followed = Follow.objects.filter(participant=participant).values_list("session_id")
    rows = hosted.order_by().union(followed.order_by())
    return {pk for (pk,) in rows}


# Not readable from other sites (no `readable_anywhere`): the secret URL is the only key to a
# participant's day, and a calendar app, the feed's reader, does not need CORS. A script on
# another site that got hold of the URL should not be able to read the day in the browser
# of whoever opens its page either.
@require_safe
@login_not_required
def personal_ics(request: HtmxHttpRequest, slug: str, token: str) -> HttpResponse:
    """The sessions a participant follows or hosts and the plenaries, by secret URL.

    No Last-Modified: a follow taken back leaves no moment behind, so a date read from the
    data could go back and a client that only asks "changed since?" would keep the session
    it no longer follows. The ETag (a hash of the body) tells every change."""
    if not TOKEN.fullmatch(token):  # e.g. a NUL byte, which PostgreSQL refuses to compare
        raise Http404
    participant = get_object_or_404(
        Participant.objects.select_related("event"), event__slug=slug, calendar_token=token
    )
    event = participant.event

    def render_ics() -> bytes:
        programme = cached_programme(event, key, request)
        items = [
            item
            for item in programme.items
            if item.session_id in mine or (item.session_id is None and event.grid_published)
        ]
        name = _("%(event)s: my sessions") % {"event": event.name}
        return ical.calendar(programme, items, name=name, fallback=event.updated_at)

    mine = calendar_session_ids(participant) if event.grid_published else set()
    with translation.override(event.language):
        key = state_key(event, request)
        # the token is in the key: a renewed token never meets the old one's feed; and what
        # the participant follows: a follow shows at once, not when the cache expires
        chosen = hashlib.sha256(",".join(map(str, sorted(mine))).encode()).hexdigest()[:16]
        body, etag = cached_entry(f"{key}:personal:{participant.pk}:{token}:{chosen}", render_ics)
    return feed_response(request, body, ICS, etag=etag, modified=None, public=False)


@require_POST
@participant_required
def renew_calendar(
    request: HtmxHttpRequest, event: Event, participant: Participant
) -> HttpResponse:
    actions.renew_calendar_token(participant=participant)
    messages.success(
        request,
        _(
            "Your calendar link is new: the old one no longer works. Subscribe to the new "
            "one in your calendar app."
        ),
    )
    return redirect(f"{reverse('participant:my-page', args=[event.slug])}#my-calendar")


# ---- CSV --------------------------------------------------------------------------------------


@readable_anywhere
@require_safe
@login_not_required
def sessions_csv(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return cached_feed(
        request,
        slug,
        "sessions-csv",
        CSV,
        lambda event, _p: csv_export.sessions_csv(event, origin(request)),
        filename=f"{slug}-sessions.csv",
    )


@readable_anywhere
@require_safe
@login_not_required
def votes_csv(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return cached_feed(
        request,
        slug,
        "votes-csv",
        CSV,
        lambda event, _p: csv_export.votes_csv(event),
        filename=f"{slug}-votes.csv",
    )


@require_safe
@organiser_required
def participants_csv(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """Names and addresses: organisers only, never cached."""
    with translation.override(event.language):
        body = csv_export.participants_csv(event)
    response = HttpResponse(body, content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-participants.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---- the page that explains them --------------------------------------------------------------


@require_safe
@login_not_required
@event_view
def feeds(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """Where the feeds are, what each is for, with QR codes to scan from a phone."""
    base = origin(request)
    organiser = is_organiser(request, event)
    available = event.grid_published or organiser
    xml_url = base + reverse("public:schedule-xml", args=[event.slug])
    ics_url = base + reverse("public:schedule-ics", args=[event.slug])
    calendar = ical.subscription(ics_url, frab.clean_line(event.name) or event.slug)
    context = {
        "event": event,
        "participant": participant_for(request, event),
        "is_organiser": organiser,
        "available": available,
        "xml_url": xml_url,
        "json_url": base + reverse("public:schedule-json", args=[event.slug]),
        "ics_url": ics_url,
        "webcal_url": calendar.webcal,
        "calendar": calendar,
        "xml_qr": qr.inline_svg(xml_url) if available else "",
        "ics_qr": qr.inline_svg(calendar.webcal) if available else "",
        "giggity": giggity_entry(event, base, xml_url) if available else "",
    }
    return render(request, "feeds/feeds.html", context)


def giggity_entry(event: Event, base: str, xml_url: str) -> str:
    """The event as an entry of Giggity's menu (exports/frab.py `giggity_entry`): the days
    from the slots, as the schedule counts them. One query."""
    row = event.slots.aggregate(first=Min("start"), last=Max("start"))
    first = frab.day_of(row["first"], event.tz) if row["first"] else event.date
    last = frab.day_of(row["last"], event.tz) if row["last"] else event.date
    entry = frab.giggity_entry(
        title=frab.clean_line(event.name) or event.slug,
        schedule_url=xml_url,
        first_day=first,
        last_day=max(first, last),
        time_zone=event.timezone,
        changed=event.updated_at,
        links=[(_("Programme"), base + reverse("public:grid", args=[event.slug]))],
    )
    return entry.decode()


# ---- URLs -------------------------------------------------------------------------------------
