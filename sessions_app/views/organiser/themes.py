"""The organisers' synthesis: themes that cut across the sessions (define, rename, delete),
assigning sessions to them with one click per checkbox, a synthesis per theme, and the event's
introduction, conclusion and the structure new session reports start from."""

import copy
from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.db.models import Count, F, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sessions_app import actions
from sessions_app.access import organiser_required, participant_for
from sessions_app.forms import (
    EventTextsForm,
    RenameThemeForm,
    SessionThemeForm,
    SynthesisForm,
    ThemeForm,
)
from sessions_app.grid import with_event
from sessions_app.markdown import render_markdown
from sessions_app.models import (
    Attachment,
    Event,
    Host,
    Participant,
    Placement,
    Session,
    TextRevision,
    Theme,
    default_report_template,
)
from sessions_app.requests import HtmxHttpRequest, already_submitted
from sessions_app.text_editors import Difference, based_on, history, merge_screen

Subject = TextRevision.Subject


@require_http_methods(["GET", "POST"])
@organiser_required
def themes(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """The list of themes and the form to add one."""
    form = ThemeForm(request.POST or None, instance=Theme(event=event))
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit_once(
                key=form.submission,
                user=request.user,
                create=form.save,
                url=lambda _theme: reverse("organiser:themes", args=[event.slug]),
            )
        except actions.AlreadySubmitted as earlier:
            return already_submitted(request, earlier)
        messages.success(request, _("Theme “%(name)s” added.") % {"name": form.instance.name})
        return redirect("organiser:themes", slug=event.slug)
    try:  # refused, maybe for the name that the first submit of this form added
        if form.errors:
            actions.check_first_submit(key=form.submission, user=request.user)
    except actions.AlreadySubmitted as earlier:
        return already_submitted(request, earlier)
    listed = event.themes.annotate(session_count=Count("sessions")).order_by("name")
    context = {"event": event, "form": form, "themes": listed}
    return render(request, "organiser/themes.html", context)


@require_POST
@organiser_required
def rename_theme(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    theme = get_object_or_404(event.themes, pk=pk)
    old_name = theme.name
    form = RenameThemeForm(request.POST, instance=copy.copy(theme))
    if form.is_valid():
        try:
            actions.rename_theme(
                theme=theme, name=form.cleaned_data["name"], based_on=form.cleaned_data["version"]
            )
        except actions.EditConflict as conflict:
            messages.error(
                request,
                _(
                    "Someone else changed this theme meanwhile; it is called “%(name)s” now. "
                    "Rename it again if you still want to."
                )
                % {"name": conflict.current.name},
            )
            return redirect("organiser:themes", slug=event.slug)
        messages.success(
            request, _("“%(old)s” is now “%(new)s”.") % {"old": old_name, "new": theme.name}
        )
    else:
        for error in form.errors.get("name", []) + form.non_field_errors():
            # An ErrorList gives its messages as text when iterated.
            messages.error(request, cast(str, error))
    return redirect("organiser:themes", slug=event.slug)


@require_POST
@organiser_required
def delete_theme(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    """Deleting a theme takes it off its sessions; the sessions themselves stay."""
    theme = get_object_or_404(event.themes, pk=pk)
    actions.delete_theme(theme=theme)
    messages.success(request, _("Theme “%(name)s” deleted.") % {"name": theme.name})
    return redirect("organiser:themes", slug=event.slug)


@require_GET
@organiser_required
def assign(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """Every session with a checkbox per theme: the quick way to sort many sessions."""
    event_themes = list(event.themes.order_by("name"))
    sessions = with_event(
        event.sessions.visible()
        .select_related("placement__slot", "placement__room")
        .prefetch_related(
            "themes", Prefetch("hostings", queryset=Host.objects.select_related("participant"))
        )
        .order_by("placement__slot__start", "placement__room__order", "title", "id"),
        event,
    )
    rows = [
        (session, [(theme, theme in session.themes.all()) for theme in event_themes])
        for session in sessions
    ]
    context = {"event": event, "themes": event_themes, "rows": rows}
    return render(request, "organiser/themes_assign.html", context)


@require_POST
@organiser_required
def set_session_theme(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = SessionThemeForm(request.POST, event=event)
    if not form.is_valid():
        if request.htmx:
            return HttpResponse(_("That session or theme does not exist."), status=422)
        messages.error(request, _("That session or theme does not exist."))
        return redirect("organiser:assign-themes", slug=event.slug)
    session, theme = form.cleaned_data["session"], form.cleaned_data["theme"]
    actions.set_session_theme(session=session, theme=theme, assigned=form.cleaned_data["assigned"])
    if request.htmx:
        context = {
            "event": event,
            "session": session,
            "theme": theme,
            "assigned": form.cleaned_data["assigned"],
        }
        return render(request, "organiser/themes_assign.html#theme-toggle", context)
    return redirect(f"{_assign_url(event)}#session-{session.pk}")


def _assign_url(event: Event) -> str:
    return reverse("organiser:assign-themes", args=[event.slug])


@require_http_methods(["GET", "POST"])
@organiser_required
def synthesis(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    """A theme's synthesis, with the theme's name. A save names the theme's version it was
    opened on: one that someone else's save overtook gets the merge screen (409), and every
    save is kept, so any earlier text can be brought back."""
    theme = get_object_or_404(event.themes, pk=pk)
    if request.method == "GET":
        form = SynthesisForm(instance=theme, initial={"version": theme.version})
        return _synthesis_page(request, theme, form)
    form = SynthesisForm(request.POST, instance=copy.copy(theme))  # is_valid() writes on it
    if not form.is_valid():
        return _synthesis_page(request, theme, form)
    if "preview" in request.POST:
        preview = render_markdown(form.cleaned_data["synthesis"])
        return _synthesis_page(request, theme, form, preview=preview)
    try:
        actions.save_synthesis(
            theme=theme,
            name=form.cleaned_data["name"],
            text=form.cleaned_data["synthesis"],
            based_on=form.cleaned_data["version"],
            by=participant_for(request, event),
        )
    except actions.EditConflict as conflict:
        theirs = conflict.current
        merge = merge_screen(
            _("Someone else saved this synthesis while you were writing"),
            _(
                "Your text is not saved yet and nothing is lost: merge both texts in the "
                "editor below and save again."
            ),
            [
                Difference(_("Name"), theirs.name, form.cleaned_data["name"], long=False),
                Difference(_("Synthesis"), theirs.synthesis, form.cleaned_data["synthesis"]),
            ],
        )
        form = SynthesisForm(based_on(request.POST, theirs.version), instance=copy.copy(theirs))
        return _synthesis_page(request, theirs, form, merge=merge, status=409)
    messages.success(request, _("The synthesis of “%(name)s” is saved.") % {"name": theme.name})
    return redirect("organiser:theme-synthesis", slug=event.slug, pk=theme.pk)


@dataclass(frozen=True)
class Source:
    """A session of the theme as the synthesis editor shows it beside the text: what the
    organiser reads to write the synthesis, without opening a tab per session."""

    session: Session
    hosts: list[Participant]
    placement: Placement | None
    held: bool
    attachments: list[Attachment]


def theme_sources(theme: Theme, event: Event) -> list[Source]:
    """The theme's sessions in the order they ran (time, then room; unplaced ones after them),
    the ones not held last, with their hosts, place and material: three queries, whatever the
    number of sessions."""
    sessions = with_event(
        theme.sessions.visible()
        .select_related("placement__slot", "placement__room")
        .prefetch_related(
            Prefetch("hostings", queryset=Host.objects.select_related("participant")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("order", "id")),
        )
        .order_by(
            F("placement__slot__start").asc(nulls_last=True),
            "placement__room__order",
            "title",
            "id",
        ),
        event,
    )
    sources = [
        Source(
            session=session,
            hosts=[hosting.participant for hosting in session.hostings.all()],
            placement=getattr(session, "placement", None),
            held=session.was_held,
            attachments=list(session.attachments.all()),
        )
        for session in sessions
    ]
    return sorted(sources, key=lambda source: not source.held)  # stable: the held ones first


def _synthesis_page(
    request: HtmxHttpRequest, theme: Theme, form: SynthesisForm, status: int = 200, **extra
) -> HttpResponse:
    event = theme.event
    sources = theme_sources(theme, event)
    context = {
        "event": event,
        "theme": theme,
        "form": form,
        "sources": sources,
        "reported": sum(1 for source in sources if source.session.report.strip()),
        "preview": None,
        "revisions": history(Subject.SYNTHESIS, theme),
        **extra,
    }
    return render(request, "organiser/themes_synthesis.html", context, status=status)


TEXT_LABELS = {
    Subject.INTRODUCTION: Subject.INTRODUCTION.label,
    Subject.CONCLUSION: Subject.CONCLUSION.label,
    Subject.REPORT_TEMPLATE: Subject.REPORT_TEMPLATE.label,
}


@require_http_methods(["GET", "POST"])
@organiser_required
def event_texts(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """The introduction and conclusion of the event report, and the report structure; versioned
    like the synthesis (one version for the three), each text with its own history."""
    if request.method == "GET":
        form = EventTextsForm(instance=event, initial={"version": event.texts_version})
        return _texts_page(request, event, form)
    form = EventTextsForm(request.POST, instance=copy.copy(event))
    if not form.is_valid():
        return _texts_page(request, event, form)
    try:
        actions.save_event_texts(
            event=event,
            texts=form.texts(),
            based_on=form.cleaned_data["version"],
            by=participant_for(request, event),
        )
    except actions.EditConflict as conflict:
        theirs = conflict.current
        merge = merge_screen(
            _("Someone else saved these texts while you were writing"),
            _(
                "Your text is not saved yet and nothing is lost: merge both texts in the "
                "editor below and save again."
            ),
            [
                Difference(label, getattr(theirs, subject), form.cleaned_data[subject])
                for subject, label in TEXT_LABELS.items()
            ],
        )
        form = EventTextsForm(based_on(request.POST, theirs.texts_version), instance=theirs)
        return _texts_page(request, event, form, merge=merge, status=409)
    messages.success(request, _("The introduction, conclusion and report structure are saved."))
    return redirect("organiser:event-texts", slug=event.slug)


def _texts_page(
    request: HtmxHttpRequest, event: Event, form: EventTextsForm, status: int = 200, **extra
) -> HttpResponse:
    with translation.override(event.language):
        standard = default_report_template()
    histories = [
        {
            "id": f"history-{subject}",
            "title": _("Earlier versions: %(text)s") % {"text": label},
            "revisions": history(subject, event),
        }
        for subject, label in TEXT_LABELS.items()
    ]
    context = {"event": event, "form": form, "standard": standard, "histories": histories}
    return render(request, "organiser/themes_texts.html", context | extra, status=status)
