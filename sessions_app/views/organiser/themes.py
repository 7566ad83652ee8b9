"""The organisers' synthesis: themes that cut across the sessions (define, rename, delete),
assigning sessions to them with one click per checkbox, a synthesis per theme, and the event's
introduction, conclusion and the structure new session reports start from."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sessions_app import actions
from sessions_app.access import organiser_required
from sessions_app.forms import EventTextsForm, SessionThemeForm, SynthesisForm, ThemeForm
from sessions_app.markdown import render_markdown
from sessions_app.models import Event, Host, Theme, default_report_template
from sessions_app.views import HtmxHttpRequest
from sessions_app.views.http import already_submitted
from sessions_app.views.organiser.material import with_event


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
    form = ThemeForm(request.POST, instance=theme)
    if form.is_valid():
        form.save()
        messages.success(
            request, _("“%(old)s” is now “%(new)s”.") % {"old": old_name, "new": theme.name}
        )
    else:
        for error in form.errors.get("name", []) + form.non_field_errors():
            messages.error(request, error)
    return redirect("organiser:themes", slug=event.slug)


@require_POST
@organiser_required
def delete_theme(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    """Deleting a theme takes it off its sessions; the sessions themselves stay."""
    theme = get_object_or_404(event.themes, pk=pk)
    theme.delete()
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
    if form.cleaned_data["assigned"]:
        session.themes.add(theme)
    else:
        session.themes.remove(theme)
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
    theme = get_object_or_404(event.themes, pk=pk)
    form = SynthesisForm(request.POST or None, instance=theme)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["synthesis"])
        else:
            form.save()
            messages.success(
                request, _("The synthesis of “%(name)s” is saved.") % {"name": theme.name}
            )
            return redirect("organiser:theme-synthesis", slug=event.slug, pk=theme.pk)
    sessions = theme.sessions.visible().order_by("title")
    context = {
        "event": event,
        "theme": theme,
        "form": form,
        "sessions": sessions,
        "preview": preview,
    }
    return render(request, "organiser/themes_synthesis.html", context)


@require_http_methods(["GET", "POST"])
@organiser_required
def event_texts(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """The introduction and conclusion of the event report, and the report structure."""
    form = EventTextsForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The introduction, conclusion and report structure are saved."))
        return redirect("organiser:event-texts", slug=event.slug)
    with translation.override(event.language):
        standard = default_report_template()
    context = {"event": event, "form": form, "standard": standard}
    return render(request, "organiser/themes_texts.html", context)


patterns = [
    path("<slug:slug>/organise/themes/", themes, name="themes"),
    path("<slug:slug>/organise/themes/<int:pk>/rename/", rename_theme, name="rename-theme"),
    path("<slug:slug>/organise/themes/<int:pk>/delete/", delete_theme, name="delete-theme"),
    path("<slug:slug>/organise/themes/<int:pk>/", synthesis, name="theme-synthesis"),
    path("<slug:slug>/organise/themes/assign/", assign, name="assign-themes"),
    path("<slug:slug>/organise/themes/assign/set/", set_session_theme, name="set-session-theme"),
    path("<slug:slug>/organise/texts/", event_texts, name="event-texts"),
]
