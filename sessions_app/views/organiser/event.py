"""Organisers' pages about the event itself: the dashboard, the phase buttons, creating an event
and its settings, and the frame of the grid (rooms and slots)."""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Func, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sessions_app import actions
from sessions_app.access import (
    may_create_events,
    organised_events,
    organiser_required,
    participant_for,
)
from sessions_app.forms import (
    CopyFrameForm,
    EventForm,
    EventSettingsForm,
    PhaseForm,
    SubmissionKeyForm,
    frame_formsets,
)
from sessions_app.models import Event, Participant, Placement, Session, Vote
from sessions_app.views import HtmxHttpRequest
from sessions_app.views.http import already_submitted

Phase = Event.Phase

# What each phase means for participants, and what each step changes for them.
PHASE_NOW = {
    Phase.PROPOSALS: gettext_lazy("Participants can propose sessions. Voting has not started."),
    Phase.VOTING: gettext_lazy("Participants can vote, and still propose sessions."),
    Phase.PUBLISHED: gettext_lazy(
        "Participants see the programme. Proposing and voting are closed."
    ),
    Phase.ARCHIVED: gettext_lazy(
        "The event is over: it is listed among the past events and stays readable."
    ),
}
PHASE_STEPS = {  # (from, to): (button, what it opens and closes)
    (Phase.PROPOSALS, Phase.VOTING): (
        gettext_lazy("Open voting"),
        gettext_lazy("Voting opens: participants can vote; proposing stays open."),
    ),
    (Phase.VOTING, Phase.PUBLISHED): (
        gettext_lazy("Publish the grid"),
        gettext_lazy(
            "The grid is published: participants see the programme. Voting and proposing "
            "close, and hosts can no longer change their proposals."
        ),
    ),
    (Phase.PUBLISHED, Phase.ARCHIVED): (
        gettext_lazy("Archive the event"),
        gettext_lazy(
            "The event moves to the past events; everything stays readable, nothing changes."
        ),
    ),
    (Phase.VOTING, Phase.PROPOSALS): (
        gettext_lazy("Back to proposals"),
        gettext_lazy("Voting closes; the votes cast so far are kept. Proposing stays open."),
    ),
    (Phase.PUBLISHED, Phase.VOTING): (
        gettext_lazy("Back to voting"),
        gettext_lazy(
            "The grid is hidden again and voting reopens; hosts can change their proposals "
            "again. The grid itself is kept."
        ),
    ),
    (Phase.ARCHIVED, Phase.PUBLISHED): (
        gettext_lazy("Take out of the archive"),
        gettext_lazy("The event is back among the current events, with its grid published."),
    ),
}


def phase_step(event: Event, to: str | None) -> dict | None:
    if to is None:
        return None
    button, change = PHASE_STEPS[(event.phase, to)]
    return {"phase": to, "label": Phase(to).label, "button": button, "change": change}


def _count(queryset: QuerySet) -> Subquery:
    """The number of rows of `queryset` as a subquery (one row, also when it is 0)."""
    return Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"))


def dashboard_counts(event: Event) -> dict[str, int]:
    """Everything the dashboard counts, in one query whatever the event's size."""
    visible = Session.objects.visible().filter(event=event)
    counts = {
        "participants": Participant.objects.filter(event=event),
        "proposals": visible,
        "votes": Vote.objects.filter(session__in=visible),
        "placed": Placement.objects.filter(session__in=visible),
        "rooms": event.rooms.all(),
        "slots": event.slots.all(),
    }
    row = Event.objects.filter(pk=event.pk).values_list(
        *[_count(queryset) for queryset in counts.values()]
    )[0]
    return dict(zip(counts, row, strict=True))


def grid_url(event: Event) -> str | None:
    """The grid editor's address, once that page exists."""
    try:
        return reverse("organiser:grid", args=[event.slug])
    except NoReverseMatch:
        return None


@require_GET
@organiser_required
def dashboard(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    previous, following = actions.phase_steps(event.phase)
    context = {
        "event": event,
        "participant": participant_for(request, event),
        "counts": dashboard_counts(event),
        "phases": Phase.choices,
        "now": PHASE_NOW[event.phase],
        "next": phase_step(event, following),
        "previous": phase_step(event, previous),
        "grid_url": grid_url(event),
    }
    return render(request, "organiser/dashboard.html", context)


@require_POST
@organiser_required
def phase(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = PhaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something went wrong with this button; please try again."))
        return redirect("organiser:dashboard", slug=event.slug)
    before = event.phase
    try:
        actions.set_phase(event=event, phase=form.cleaned_data["phase"])
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if event.phase != before:
            _button, change = PHASE_STEPS[(before, event.phase)]
            messages.success(request, change)
    return redirect("organiser:dashboard", slug=event.slug)


@require_http_methods(["GET", "POST"])
def create_event(request: HtmxHttpRequest) -> HttpResponse:
    if not may_create_events(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = actions.submit_once(
                key=form.submission,
                user=request.user,
                create=lambda: actions.create_event(
                    by_user=request.user, event=form.save(commit=False)
                ),
                url=lambda event: reverse("organiser:dashboard", args=[event.slug]),
            )
        except actions.AlreadySubmitted as earlier:
            return already_submitted(request, earlier)
        except actions.ActionRefused as refusal:
            form.add_error("slug", str(refusal))
        else:
            messages.success(
                request,
                _("%(event)s is ready. Next: its rooms and slots.") % {"event": event.name},
            )
            return redirect("organiser:dashboard", slug=event.slug)
    try:  # refused, maybe for the short name that the first submit of this form took
        if form.errors:
            actions.check_first_submit(key=form.submission, user=request.user)
    except actions.AlreadySubmitted as earlier:
        return already_submitted(request, earlier)
    return render(request, "organiser/event_form.html", {"form": form, "event": None})


@require_http_methods(["GET", "POST"])
@organiser_required
def edit_event(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    # the form changes a copy, so the page around it keeps the saved name while errors show
    form = EventSettingsForm(request.POST or None, instance=copy.copy(event))
    if request.method == "POST" and form.is_valid():
        actions.update_event(event=form.save(commit=False))
        messages.success(request, _("The settings are saved."))
        return redirect("organiser:dashboard", slug=event.slug)
    context = {"form": form, "event": event, "participant": participant_for(request, event)}
    return render(request, "organiser/event_form.html", context)


@require_http_methods(["GET", "POST"])
@organiser_required
def frame(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    rooms, slots = frame_formsets(event, request.POST if request.method == "POST" else None)
    sent = SubmissionKeyForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and all([rooms.is_valid(), slots.is_valid()]):
        changes = actions.FrameChanges(
            rooms=rooms.save(commit=False),
            deleted_rooms=rooms.deleted_objects,
            slots=slots.save(commit=False),
            deleted_slots=slots.deleted_objects,
        )
        try:
            actions.submit_once(
                key=sent.submission,
                user=request.user,
                create=lambda: actions.save_frame(event=event, changes=changes),
                url=lambda _nothing: reverse("organiser:frame", args=[event.slug]),
            )
        except actions.AlreadySubmitted as earlier:
            return already_submitted(request, earlier)
        except actions.ActionRefused as error:
            refusal = str(error)
        else:
            messages.success(request, _("The rooms and slots are saved."))
            return redirect("organiser:frame", slug=event.slug)
    try:  # refused, maybe for rows that the first submit of this form added
        if refusal or rooms.total_error_count() or slots.total_error_count():
            actions.check_first_submit(key=sent.submission, user=request.user)
    except actions.AlreadySubmitted as earlier:
        return already_submitted(request, earlier)
    empty = not rooms.initial_form_count() and not slots.initial_form_count()
    sources = organised_events(request.user).exclude(pk=event.pk).order_by("-date", "name")
    context = {
        "event": event,
        "participant": participant_for(request, event),
        "rooms": rooms,
        "slots": slots,
        "refusal": refusal,
        "sent": sent,
        "copy_form": CopyFrameForm(events=sources) if empty else None,
        "grid_url": grid_url(event),
    }
    return render(request, "organiser/frame.html", context)


@require_POST
@organiser_required
def copy_frame(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    sources = organised_events(request.user).exclude(pk=event.pk)
    form = CopyFrameForm(request.POST, events=sources)
    if not form.is_valid():
        messages.error(request, _("Choose one of your other events to copy from."))
        return redirect("organiser:frame", slug=event.slug)
    source = form.cleaned_data["source"]
    try:
        rooms, slots = actions.submit_once(
            key=form.submission,
            user=request.user,
            create=lambda: actions.copy_frame(source=source, target=event),
            url=lambda _copied: reverse("organiser:frame", args=[event.slug]),
        )
    except actions.AlreadySubmitted as earlier:
        return already_submitted(request, earlier)
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Copied from %(event)s: %(rooms)s and %(slots)s. Check the times below.")
            % {
                "event": source.name,
                "rooms": ngettext("%(count)d room", "%(count)d rooms", len(rooms))
                % {"count": len(rooms)},
                "slots": ngettext("%(count)d slot", "%(count)d slots", len(slots))
                % {"count": len(slots)},
            },
        )
    return redirect("organiser:frame", slug=event.slug)


patterns = [
    path("organise/new/", create_event, name="create-event"),
    path("<slug:slug>/organise/", dashboard, name="dashboard"),
    path("<slug:slug>/organise/phase/", phase, name="phase"),
    path("<slug:slug>/organise/settings/", edit_event, name="edit-event"),
    path("<slug:slug>/organise/frame/", frame, name="frame"),
    path("<slug:slug>/organise/frame/copy/", copy_frame, name="copy-frame"),
]
