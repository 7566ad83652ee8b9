"""Re-plan the rest of the day from the grid editor (issue 19).

Once the grid is published, the organiser notes what happened (a room closed from a time on, a
host gone from a time on, a session cancelled: each a small form, from now by default), reads
what that breaks in the live grid, picks a stability and reads the proposal as a list of moves
with the followers each one tells, beside `lost` now and after (`replanning.py` reads all that).
Nothing is written until the organiser accepts: then `actions.accept_replan` makes it one grid
change (one undo) and records each moved session for its followers' phones.

The disruptions and the stability travel in the query string (`ReplanQueryForm`: GET shows,
POST accepts the same query), so the page is a plain link and works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from sessions_app import actions, replanning
from sessions_app.access import organiser_required, participant_for
from sessions_app.forms import AcceptGridForm, ReplanQueryForm
from sessions_app.models import Event
from sessions_app.requests import HtmxHttpRequest


def _page(
    request: HtmxHttpRequest, event: Event, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The re-plan page: the disruptions and what they break, and with a chosen stability the
    proposal to accept (`error`: the outcome of a refused accept, shown on top)."""
    names = replanning.Names(event)
    query = ReplanQueryForm(request.GET, names=names)
    valid = query.is_valid()  # a wrong disruption is left out and said; the rest still count
    context = replanning.page(
        names, query.disruptions, query.setting, now=timezone.now(), plan=valid
    )
    context.update(errors=list(query.non_field_errors()), error=error)
    if (rows := context.pop("rows", None)) is not None:
        initial = {"rows": rows, "version": event.grid_version}
        context["form"] = AcceptGridForm(initial=initial, event=event)
    status = 400 if not valid and status == 200 else status
    return render(request, "organiser/replan.html", context, status=status)


@require_GET
@organiser_required
def replan(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    return _page(request, event)


@require_POST
@organiser_required
def accept(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """Accept the proposal shown: one grid change; 409 with a fresh proposal when the grid
    changed since, nothing written."""
    form = AcceptGridForm(request.POST, event=event)
    names = replanning.Names(event)
    query = ReplanQueryForm(request.GET, names=names)
    if not form.is_valid() or not query.is_valid() or query.setting is None:
        if form.has_foreign_ids():
            raise Http404
        return HttpResponseBadRequest(_("This form was not filled in right; reload the page."))
    try:
        done = actions.accept_replan(
            event=event,
            rows=form.cleaned_data["rows"],
            version=form.cleaned_data["version"],
            by=participant_for(request, event),
            summary=replanning.summary(names, query.setting, query.disruptions, timezone.now()),
            cancelled=replanning.as_scheduling(query.disruptions).cancelled,
        )
    except actions.StaleGrid as refusal:
        event.refresh_from_db()
        return _page(request, event, error=str(refusal), status=409)
    except actions.NothingToDo as nothing:
        messages.success(request, str(nothing))
        return redirect("organiser:grid", slug=event.slug)
    except actions.ActionRefused as refusal:
        return _page(request, event, error=str(refusal), status=422)
    n = replanning.count_moved(done)
    moved = ngettext(
        "%(n)s session moved; its followers see the change on their phones.",
        "%(n)s sessions moved; their followers see the changes on their phones.",
        n,
    ) % {"n": n}
    messages.success(request, f"{done.summary}. {moved}")
    return redirect("organiser:grid", slug=event.slug)
