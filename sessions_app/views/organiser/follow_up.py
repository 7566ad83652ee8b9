"""After the event: the organisers' completeness board of the sessions' material (slides,
report, held or not, host links) with the buttons that get the material in: mail every host
their personal link, remind those who have not delivered, re-send or revoke a session's links."""

from django.contrib import messages
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from sessions_app import actions
from sessions_app.access import organiser_required
from sessions_app.forms import HeldForm
from sessions_app.grid import with_event
from sessions_app.models import Attachment, Event, Host, HostLink, Session
from sessions_app.requests import HtmxHttpRequest


def board_sessions(event: Event):
    """Every visible session with what the board shows, in a fixed number of queries."""
    active_links = (
        HostLink.objects.active()
        .filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        event.sessions.visible()
        .select_related("placement__slot", "placement__room")
        .annotate(
            has_slides=Exists(Attachment.objects.filter(session=OuterRef("pk"))),
            has_report=ExpressionWrapper(~Q(report=""), output_field=BooleanField()),
            active_links=Coalesce(Subquery(active_links, output_field=IntegerField()), 0),
            links_sent=Count("host_links", distinct=True),
        )
        .prefetch_related(Prefetch("hostings", queryset=Host.objects.select_related("participant")))
        .order_by("placement__slot__start", "placement__room__order", "title", "id")
    )


def summary(sessions: list[Session]) -> dict:
    held = [s for s in sessions if s.was_held]
    return {
        "held": len(held),
        "slides": sum(1 for s in held if s.has_slides),
        "reports": sum(1 for s in held if s.has_report),
        "both": sum(1 for s in held if s.has_slides and s.has_report),
        "nothing": sum(1 for s in held if not s.has_slides and not s.has_report),
    }


FILTERS = {
    "missing": lambda s: s.was_held and not (s.has_slides and s.has_report),
    "complete": lambda s: s.was_held and s.has_slides and s.has_report,
    "not-held": lambda s: not s.was_held,
}


@require_GET
@organiser_required
def board(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    sessions = with_event(board_sessions(event), event)
    shown = request.GET.get("show", "")
    rows = [s for s in sessions if FILTERS[shown](s)] if shown in FILTERS else sessions
    context = {
        "event": event,
        "sessions": rows,
        "summary": summary(sessions),
        "show": shown if shown in FILTERS else "",
        "is_over": event.phase == Event.Phase.ARCHIVED,
    }
    return render(request, "organiser/follow_up.html", context)


@require_POST
@organiser_required
def set_held(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    """One click marks a session held or not held; htmx gets the row and the new summary."""
    session = get_object_or_404(event.sessions.visible(), pk=pk)
    form = HeldForm(request.POST)
    if form.is_valid():
        actions.set_session_held(session=session, held=form.cleaned_data["held"])
    elif not request.htmx:
        messages.error(request, _("Choose held or not held."))
    if request.htmx:
        sessions = with_event(board_sessions(event), event)
        row = next(s for s in sessions if s.pk == session.pk)
        context = {
            "event": event,
            "session": row,
            "summary": summary(sessions),
            "oob": True,
            "is_over": event.phase == Event.Phase.ARCHIVED,
        }
        return render(request, "organiser/follow_up.html#held-answer", context)
    return redirect("organiser:material", slug=event.slug)


def _refusable(request: HtmxHttpRequest, event: Event, do, done) -> HttpResponse:
    try:
        count = do()
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done(count))
    return redirect("organiser:material", slug=event.slug)


@require_POST
@organiser_required
def send_links(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    return _refusable(
        request,
        event,
        lambda: actions.send_host_links(event=event),
        lambda n: (
            ngettext("%(n)s host got a personal link.", "%(n)s hosts got a personal link.", n)
            % {"n": n}
            if n
            else _("Every host of a held session had a link already; nobody was mailed.")
        ),
    )


@require_POST
@organiser_required
def remind(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    return _refusable(
        request,
        event,
        lambda: actions.remind_missing_material(event=event),
        lambda n: (
            ngettext("%(n)s reminder sent.", "%(n)s reminders sent.", n) % {"n": n}
            if n
            else _(
                "Nobody to remind: the others delivered, were reminded today or have no address."
            )
        ),
    )


@require_POST
@organiser_required
def resend_links(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    session = get_object_or_404(event.sessions.visible(), pk=pk)
    return _refusable(
        request,
        event,
        lambda: actions.resend_host_links(session=session),
        lambda n: (
            ngettext(
                "A new link went to %(n)s host of “%(title)s”.",
                "A new link went to %(n)s hosts of “%(title)s”.",
                n,
            )
            % {"n": n, "title": session.title}
            if n
            else _("No host of “%(title)s” has an email address.") % {"title": session.title}
        ),
    )


@require_POST
@organiser_required
def revoke_links(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    session = get_object_or_404(event.sessions.visible(), pk=pk)
    revoked = actions.revoke_host_links(session=session)
    messages.success(
        request,
        ngettext(
            "%(n)s link of “%(title)s” no longer works.",
            "%(n)s links of “%(title)s” no longer work.",
            revoked,
        )
        % {"n": revoked, "title": session.title},
    )
    return redirect("organiser:material", slug=event.slug)
