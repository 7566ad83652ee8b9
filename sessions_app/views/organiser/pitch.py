"""The pitch round: the moderator's laptop and the beamer it drives (sessions_app/pitching.py
reads the round, sessions_app/actions/pitch_round.py takes its steps).

Both pages follow the round without a reload, as the live grid does (static/js/live.js asks
`public:pitch-version` every second and fetches the page's live region when it changed), so a
proposal made on a phone joins the moderator's queue, and the beamer shows the next pitch as
soon as the moderator moves on. The moderator's buttons are forms that work without
JavaScript; static/js/pitch.js adds the keyboard shortcuts and the countdown."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from sessions_app import actions, live, pitching
from sessions_app.access import organiser_required
from sessions_app.forms import PitchRequeueForm, PitchSecondsForm, PitchStepForm
from sessions_app.models import Event, PitchRound
from sessions_app.requests import HtmxHttpRequest

STEPS: dict[str, Callable[..., PitchRound]] = {
    "start": actions.start_pitch_round,
    "next": actions.next_pitch,
    "skip": lambda **kwargs: actions.next_pitch(skip=True, **kwargs),
    "back": actions.previous_pitch,
    "restart": actions.restart_pitch_clock,
}  # "end" is called on its own: it may ask to confirm


def _context(event: Event, feedback: str = "", error: bool = False, confirm_end: int = 0) -> dict:
    # the state before what it stands for: a step between the two reads makes the page ask
    # once more, instead of showing the old step under the new state for good
    token = live.pitch_state(event.slug)
    event.refresh_from_db(fields=["phase", "grid_version"])
    queue = pitching.queue(event, actions.pitch_round_for(event))
    results = sorted(
        [*queue.done, *queue.skipped, *queue.upcoming, *([queue.current] if queue.current else [])],
        key=lambda s: (-s.vote_count, s.created_at, s.pk),
    )
    return {
        "event": event,
        "token": token,
        "remaining": pitching.remaining(queue.round),
        "queue": queue,
        "round": queue.round,
        "results": results,
        "feedback": feedback,
        "error": error,
        "confirm_end": confirm_end,  # pitches waiting, when ending the round asks to confirm
        "live": live,
        "seconds_form": PitchSecondsForm(
            initial={"version": queue.round.version, "seconds": queue.round.seconds}
        ),
    }


def _page(request: HtmxHttpRequest, event: Event, context: dict, status: int = 200):
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "organiser/pitch.html#moderator", context, status=status)
    return render(request, "organiser/pitch.html", context, status=status)


@require_GET
@vary_on_headers("HX-Request")
@organiser_required
def moderator(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    return _page(request, event, _context(event))


def _refusal(refusal: actions.ActionRefused) -> tuple[int, bool, str]:
    """409 when the round moved on meanwhile (a double press, a second moderator), else 422."""
    return (409 if isinstance(refusal, actions.StaleRound) else 422), True, str(refusal)


def _answer(
    request: HtmxHttpRequest,
    event: Event,
    outcome: tuple[int, bool, str],
    confirm_end: int = 0,
) -> HttpResponse:
    """After a step: the fresh round in place (htmx, or when the page must ask to confirm),
    else back to the moderator's page with the outcome as a message."""
    status, error, feedback = outcome
    if confirm_end or request.htmx:
        context = _context(event, feedback, error, confirm_end)
        return _page(request, event, context, status=status)
    if feedback:
        (messages.error if error else messages.success)(request, feedback)
    return redirect("organiser:pitch", slug=event.slug)


@require_POST
@organiser_required
def step(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """One step of the round. 409 with the fresh round when it moved on meanwhile (a double
    press, or a second moderator), 422 when the step makes no sense now."""
    form = PitchStepForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This form was not filled in right; reload the page."))
    outcome, confirm_end = (200, False, ""), 0
    step_name, version = form.cleaned_data["step"], form.cleaned_data["version"]
    try:
        if step_name == "end":
            actions.end_pitch_round(
                event=event, version=version, anyway=form.cleaned_data["anyway"]
            )
        else:
            STEPS[step_name](event=event, version=version)
    except actions.PitchesWaiting as question:
        # not ended: the page asks to confirm (a section of the page, so it works without JS)
        confirm_end = question.waiting
    except actions.ActionRefused as refusal:
        outcome = _refusal(refusal)
    return _answer(request, event, outcome, confirm_end)


@require_POST
@organiser_required
def requeue(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """A skipped pitch back in the queue (its host turned up)."""
    form = PitchRequeueForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This form was not filled in right; reload the page."))
    try:
        actions.requeue_pitch(
            event=event,
            version=form.cleaned_data["version"],
            session_id=form.cleaned_data["session"],
        )
    except actions.ActionRefused as refusal:
        return _answer(request, event, _refusal(refusal))
    return _answer(request, event, (200, False, _("Back in the queue.")))


@require_POST
@organiser_required
def seconds(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = PitchSecondsForm(request.POST)
    if form.is_valid():
        try:
            actions.set_pitch_seconds(event=event, **form.cleaned_data)
            messages.success(
                request,
                _("Each pitch now has %(n)s seconds.") % {"n": form.cleaned_data["seconds"]},
            )
        except actions.ActionRefused as refusal:
            messages.error(request, str(refusal))
    else:
        messages.error(request, pitching.seconds_refusal())
    return redirect("organiser:pitch", slug=event.slug)


@require_GET
@vary_on_headers("HX-Request")
@organiser_required
def beamer(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """For the beamer: the pitch now in large type, the next two, and a QR code to join and vote.
    Once the grid is published, the beamer goes to "now & next"."""
    if event.grid_published:
        now = reverse("public:now", args=[event.slug])
        return HttpResponseClientRedirect(now) if request.htmx else redirect(now)
    token = live.pitch_state(event.slug)  # before the queue, as in _context
    queue = pitching.queue(event, actions.pitch_round_for(event))
    context = {
        "event": event,
        "queue": queue,
        "round": queue.round,
        "token": token,
        "remaining": pitching.remaining(queue.round),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "organiser/pitch_beamer.html#beamer", context)
    return render(request, "organiser/pitch_beamer.html", context)
