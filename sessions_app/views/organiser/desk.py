"""The info desk on the day: organisers find a participant by name and show (or print) a
personal sign-in link and its QR code for them, for whoever has no email address with us or
cannot reach their mail. The link is the same one-time, short-lived link a mail carries
(`actions.create_desk_sign_in_link`); it leads to the person's My page."""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sessions_app import actions, qr
from sessions_app.access import organiser_required
from sessions_app.forms import DeskSearchForm
from sessions_app.models import Event, Participant
from sessions_app.requests import HtmxHttpRequest, client_ip

SHOWN = 30  # people listed for one search: enough for a name typed in part
SESSION_KEY = "oocamp-desk-links"  # {participant id: token}, this organiser's shown links


@require_GET
@organiser_required
def desk(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = DeskSearchForm(request.GET or None)
    people = event.participants.order_by("name", "id")
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        people = people.filter(
            Q(name__icontains=query) | Q(organisation__icontains=query) | Q(email__icontains=query)
        )
    found = list(people[: SHOWN + 1])
    context = {
        "event": event,
        "form": form,
        "query": query,
        "people": found[:SHOWN],
        "more": len(found) > SHOWN,
    }
    return render(request, "organiser/desk.html", context)


def _shown_token(request: HtmxHttpRequest, participant: Participant) -> str | None:
    """The link made for `participant` at this desk, while it can still be used."""
    token = request.session.get(SESSION_KEY, {}).get(str(participant.pk))
    if token and actions.find_sign_in_link(token) is not None:
        return token
    return None


def _link_url(request: HtmxHttpRequest, participant: Participant, token: str) -> str:
    """The sign-in link, leading to the person's My page."""
    my_page = reverse("participant:my-page", args=[participant.event.slug])
    signin = reverse("public:sign-in", args=[token])
    return request.build_absolute_uri(f"{signin}?{urlencode({'next': my_page})}")


def _link_context(request: HtmxHttpRequest, event: Event, participant: Participant) -> dict:
    token = _shown_token(request, participant)
    context = {
        "event": event,
        "person": participant,
        "minutes": actions.SIGN_IN_LINK_MINUTES,
        "url": None,
    }
    if token:
        url = _link_url(request, participant, token)
        context |= {"url": url, "qr": qr.svg_data_uri(url, scale=10, border=4)}
    return context


@require_http_methods(["GET", "POST"])
@never_cache
@organiser_required
def desk_link(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    """GET: the link made last for this person (while it works); POST: make a new one."""
    participant = get_object_or_404(event.participants.select_related("event"), pk=pk)
    if request.method == "POST":
        token = actions.create_desk_sign_in_link(participant=participant, ip=client_ip(request))
        shown = request.session.get(SESSION_KEY, {})
        shown[str(participant.pk)] = token
        request.session[SESSION_KEY] = shown
        messages.success(
            request,
            _("A sign-in link for %(name)s: it works once, for %(minutes)d minutes.")
            % {"name": participant.name, "minutes": actions.SIGN_IN_LINK_MINUTES},
        )
        return redirect("organiser:desk-link", slug=event.slug, pk=participant.pk)
    return render(request, "organiser/desk_link.html", _link_context(request, event, participant))


@require_GET
@never_cache
@organiser_required
def desk_link_print(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    """The same link on a slip of paper: name, QR code, the link as text, nothing else."""
    participant = get_object_or_404(event.participants.select_related("event"), pk=pk)
    context = _link_context(request, event, participant)
    if context["url"] is None:
        return redirect("organiser:desk-link", slug=event.slug, pk=participant.pk)
    return render(request, "organiser/desk_print.html", context)
