"""Organisers' pages about the event itself: the dashboard, the phase buttons, creating an event
and its settings, and the frame of the grid (rooms and slots)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Func, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from sessions_app import actions, editor_conflicts, text_editors
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
    FrameForm,
    PhaseForm,
    frame_formsets,
)
from sessions_app.models import Event, Participant, Placement, Session, TextRevision, Vote
from sessions_app.requests import HtmxHttpRequest, already_submitted

if TYPE_CHECKING:  # the stubs' name for "text, or a translation rendered when shown"
    from django_stubs_ext import StrOrPromise

Phase = Event.Phase

# What each phase means for participants, and what each step changes for them. Keyed by the
# phase as the event stores it (a Phase member is that same text).
PHASE_NOW: dict[str, StrOrPromise] = {
    Phase.PROPOSALS: gettext_lazy("Participants can propose sessions. Voting has not started."),
    Phase.VOTING: gettext_lazy("Participants can vote, and still propose sessions."),
    Phase.PUBLISHED: gettext_lazy(
        "Participants see the programme. Proposing and voting are closed."
    ),
    Phase.ARCHIVED: gettext_lazy(
        "The event is over: it is listed among the past events and stays readable."
    ),
}
# (from, to): (button, what it opens and closes)
PHASE_STEPS: dict[tuple[str, str], tuple[StrOrPromise, StrOrPromise]] = {
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


def _editor(request: HtmxHttpRequest, template: str, context: dict, status: int) -> HttpResponse:
    """An editor page, or under htmx only its editor (the part its form replaces): 409 with
    the compare screen, 422 with the form's errors."""
    if request.htmx and status != 200:
        template = f"{template}#editor"
    return render(request, template, context, status=status)


def _saved(request: HtmxHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_http_methods(["GET", "POST"])
@organiser_required
def edit_event(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    participant = participant_for(request, event)
    # the form changes a copy, so the page around it keeps the saved name while errors show
    form = EventSettingsForm(request.POST or None, instance=copy.copy(event))
    description_history = text_editors.history(TextRevision.Subject.EVENT_DESCRIPTION, event)
    context = {
        "form": form,
        "event": event,
        "participant": participant,
        "description_history": description_history,
    }
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_event(
                event=form.save(commit=False), based_on=form.cleaned_data["version"], by=participant
            )
        except actions.EditConflict:
            current = Event.objects.get(pk=event.pk)
            merge = editor_conflicts.settings_merge(request.POST, current)
            form = EventSettingsForm(merge.data, instance=copy.copy(current))
            context |= {"form": form, "event": current, "conflict": merge}
            return _editor(request, "organiser/event_form.html", context, 409)
        except actions.ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The settings are saved."))
            return _saved(request, reverse("organiser:dashboard", args=[event.slug]))
    status = 422 if request.method == "POST" and request.htmx else 200
    return _editor(request, "organiser/event_form.html", context, status)


def _frame_conflict(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """The save was made on an older frame: what is saved now beside what the writer sent,
    and the form again with the writer's changes on top of what is saved now (409)."""
    current = Event.objects.get(pk=event.pk)
    merge = editor_conflicts.frame_merge(request.POST, current)
    rooms, slots = frame_formsets(current, merge.data)
    context = _frame_context(request, current, rooms, slots, FrameForm(merge.data))
    context["conflict"] = merge
    return _editor(request, "organiser/frame.html", context, 409)


def _frame_context(request, event: Event, rooms, slots, sent: FrameForm, refusal=None) -> dict:
    empty = not rooms.initial_form_count() and not slots.initial_form_count()
    sources = organised_events(request.user).exclude(pk=event.pk).order_by("-date", "name")
    return {
        "event": event,
        "participant": participant_for(request, event),
        "rooms": rooms,
        "slots": slots,
        "refusal": refusal,
        "sent": sent,
        "copy_form": CopyFrameForm(events=sources) if empty else None,
        "grid_url": grid_url(event),
    }


@require_http_methods(["GET", "POST"])
@organiser_required
def frame(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    rooms, slots = frame_formsets(event, data)
    sent = FrameForm(data, initial={"version": event.frame_version})
    refusal = None
    if data is not None:
        version = sent.fields["version"].clean(data.get("version"))
        try:
            if version != event.frame_version:  # before the rows: theirs may be gone
                actions.check_first_submit(key=sent.submission, user=request.user)
                return _frame_conflict(request, event)
            if all([rooms.is_valid(), slots.is_valid()]):
                changes = actions.FrameChanges(
                    rooms=rooms.save(commit=False),
                    deleted_rooms=rooms.deleted_objects,
                    slots=slots.save(commit=False),
                    deleted_slots=slots.deleted_objects,
                )
                actions.submit_once(
                    key=sent.submission,
                    user=request.user,
                    create=lambda: actions.save_frame(
                        event=event, changes=changes, based_on=version
                    ),
                    url=lambda _nothing: reverse("organiser:frame", args=[event.slug]),
                )
                messages.success(request, _("The rooms and slots are saved."))
                return _saved(request, reverse("organiser:frame", args=[event.slug]))
        except actions.AlreadySubmitted as earlier:
            return already_submitted(request, earlier)
        except actions.EditConflict:
            return _frame_conflict(request, event)
        except actions.ActionRefused as error:
            refusal = str(error)
    try:  # refused, maybe for rows that the first submit of this form added
        if refusal or rooms.total_error_count() or slots.total_error_count():
            actions.check_first_submit(key=sent.submission, user=request.user)
    except actions.AlreadySubmitted as earlier:
        return already_submitted(request, earlier)
    context = _frame_context(request, event, rooms, slots, sent, refusal)
    status = 422 if data is not None and request.htmx else 200
    return _editor(request, "organiser/frame.html", context, status)


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
