"""Paper for the venue, for organisers: door signs (all rooms, or one) and session cards as PDF,
made from the live grid at each download (sessions_app/exports/paper.py), and the page that
links to them."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sessions_app.access import organiser_required
from sessions_app.models import Event
from sessions_app.requests import HtmxHttpRequest


def base_url(request: HtmxHttpRequest) -> str:
    """The site's address as the organiser reached it: what the QR codes lead to."""
    return request.build_absolute_uri("/")


@require_GET
@organiser_required
def paper_page(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """What can be printed, with a link per room."""
    context = {
        "event": event,
        "rooms": list(event.rooms.order_by("order", "id")),
        "sessions": event.sessions.visible().count(),
    }
    return render(request, "organiser/paper/index.html", context)


@require_GET
@never_cache
@organiser_required
def door_signs(request: HtmxHttpRequest, event: Event, room_id: int | None = None) -> HttpResponse:
    room = get_object_or_404(event.rooms, pk=room_id) if room_id is not None else None
    from sessions_app.exports import paper  # WeasyPrint: loaded by the first print, not by
    from sessions_app.exports.pdf import pdf_response  # every web process (30 MB each)

    pdf = paper.door_signs_pdf(event, base_url(request), room=room)
    if pdf is None:
        messages.error(request, _("There are no rooms yet, so there are no door signs to print."))
        return redirect("organiser:paper", event.slug)
    name = f"door-sign-{event.slug}-{room.pk}.pdf" if room else f"door-signs-{event.slug}.pdf"
    return pdf_response(pdf, name, download=True)


@require_GET
@never_cache
@organiser_required
def session_cards(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    from sessions_app.exports import paper  # WeasyPrint: loaded by the first print (see above)
    from sessions_app.exports.pdf import pdf_response

    pdf = paper.session_cards_pdf(event, base_url(request))
    return pdf_response(pdf, f"session-cards-{event.slug}.pdf", download=True)
