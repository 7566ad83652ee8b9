"""A session's report page: its hosts, note-takers and organisers write the report in Markdown
with a live preview; a save names the revision it started from, so two writers never overwrite
each other unseen (the second gets a merge screen with both texts); every save is kept and can
be restored. Hosts also reach it without an account through the personal link mailed to them
after the event (`host_link`), which opens this one session only."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from sessions_app import actions
from sessions_app.access import (
    HOST_LINKS_KEY,
    deliverer_for,
    event_view,
    may_deliver,
    participant_for,
    remember_host_link,
)
from sessions_app.forms import (
    MarkdownPreviewForm,
    NoteTakersForm,
    ReportForm,
    RestoreRevisionForm,
)
from sessions_app.markdown import render_markdown
from sessions_app.models import Event, Session
from sessions_app.requests import HtmxHttpRequest

HISTORY_LENGTH = 50


def _deliverable_session(request: HtmxHttpRequest, event: Event, pk: int, *, report: bool):
    """The session if this visitor may deliver its material; 404 for everyone else, so other
    sessions' pages do not even show that they exist to a host link holder."""
    session = get_object_or_404(event.sessions.active().select_related("event"), pk=pk)
    if not may_deliver(request, session, report=report):
        raise Http404
    return session


def _join_first(request: HtmxHttpRequest, event: Event) -> HttpResponse | None:
    """Visitors who are nobody here yet (no participation, no host link, not a superuser) go to
    the join page, which signs them in and brings them back."""
    if (
        participant_for(request, event) is None
        and not request.session.get(HOST_LINKS_KEY)
        and not (request.user.is_authenticated and request.user.is_superuser)
    ):
        join = reverse("public:join", args=[event.slug])
        return redirect(f"{join}?{urlencode({'next': request.get_full_path()})}")
    return None


def _context(request: HtmxHttpRequest, session: Session, form: ReportForm, **extra) -> dict:
    revisions = list(session.report_revisions.select_related("author")[:HISTORY_LENGTH])
    can_name = may_deliver(request, session)
    return {
        "event": session.event,
        "session": session,
        "form": form,
        "revisions": revisions,
        "latest": revisions[0] if revisions else None,
        "note_takers": list(session.note_takers.order_by("name")) if can_name else [],
        "note_takers_form": NoteTakersForm(
            session=session, initial={"note_takers": session.note_takers.all()}
        )
        if can_name
        else None,
        "preview": None,
        **extra,
    }


def _latest_id(session: Session) -> int | None:
    return session.report_revisions.values_list("pk", flat=True).first()


@require_http_methods(["GET", "POST"])
@login_not_required  # a host link holder has no account: may_deliver is the gate
@event_view
def report(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    if response := _join_first(request, event):
        return response
    session = _deliverable_session(request, event, pk, report=True)
    if request.method == "GET":
        form = ReportForm(
            session=session,
            initial={
                "text": session.report or event.report_structure(),
                "based_on": _latest_id(session),
            },
        )
        return render(request, "participant/report.html", _context(request, session, form))
    form = ReportForm(request.POST, session=session)
    if not form.is_valid():
        status = 422 if request.htmx else 200
        template = "participant/report.html#editor" if request.htmx else "participant/report.html"
        return render(request, template, _context(request, session, form), status=status)
    if "preview" in request.POST:  # the no-JavaScript preview button
        context = _context(
            request, session, form, preview=render_markdown(form.cleaned_data["text"])
        )
        return render(request, "participant/report.html", context)
    try:
        actions.save_report(
            session=session,
            text=form.cleaned_data["text"],
            based_on=form.cleaned_data["based_on"],
            by=deliverer_for(request, session),
        )
    except actions.ReportConflict as conflict:
        return _merge_screen(request, session, form, conflict)
    messages.success(request, _("The report is saved."))
    url = reverse("participant:report", args=[event.slug, session.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _merge_screen(
    request: HtmxHttpRequest, session: Session, form: ReportForm, conflict: actions.ReportConflict
) -> HttpResponse:
    """Refuse the save but lose nothing: their saved text beside the writer's own, which stays
    in the editor, now based on their revision so the merged text can be saved."""
    theirs = conflict.latest
    merged = ReportForm(
        session=session,
        initial={"text": form.cleaned_data["text"], "based_on": theirs.pk if theirs else None},
    )
    context = _context(request, session, merged, conflict=theirs, theirs_text=session.report)
    template = "participant/report.html#editor" if request.htmx else "participant/report.html"
    return render(request, template, context, status=409)


@require_POST
@login_not_required
@event_view
def restore(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    session = _deliverable_session(request, event, pk, report=True)
    form = RestoreRevisionForm(request.POST, session=session)
    if form.is_valid():
        revision = form.cleaned_data["revision"]
        actions.restore_report(revision=revision, by=deliverer_for(request, session))
        messages.success(
            request,
            _("The version of %(when)s is the report again.")
            % {"when": _when(event, revision.created_at)},
        )
    else:
        messages.error(request, _("That version is not in this report's history."))
    return redirect("participant:report", slug=event.slug, pk=session.pk)


def _when(event: Event, moment) -> str:
    return date_format(event.local(moment), "DATETIME_FORMAT")


@require_POST
@login_not_required
@event_view
def note_takers(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    """Hosts (and organisers) name who may write the report besides them."""
    session = _deliverable_session(request, event, pk, report=False)
    form = NoteTakersForm(request.POST, session=session)
    if form.is_valid():
        actions.set_note_takers(session=session, note_takers=form.cleaned_data["note_takers"])
        messages.success(request, _("The note-takers are saved."))
    else:
        for error in form.errors.get("note_takers", []):
            # An ErrorList gives its messages as text when iterated.
            messages.error(request, cast(str, error))
    return redirect("participant:report", slug=event.slug, pk=session.pk)


@require_POST
@login_not_required  # renders Markdown and nothing else; CSRF still applies
@event_view
def preview(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """The live preview of the report, synthesis and event texts (the proposal form's
    mechanism: the textarea posts itself and the answer replaces its preview box)."""
    form = MarkdownPreviewForm(request.POST)
    if not request.htmx or not form.is_valid():
        return HttpResponse(status=400)
    context = {"preview": render_markdown(form.preview_text()), "field": form.cleaned_data["field"]}
    return render(request, "participant/report.html#preview", context)


@require_http_methods(["GET"])
@login_not_required  # the link is the key
@event_view
def host_link(request: HtmxHttpRequest, event: Event, token: str) -> HttpResponse:
    """Follow a host link: remember it in this browser and open the session's report page."""
    link = actions.find_host_link(event=event, token=token)
    if link is None:
        return render(request, "participant/report_link.html", {"event": event}, status=404)
    remember_host_link(request, link)
    messages.info(
        request,
        _("Welcome, %(name)s. Add the report and slides of your session here.")
        % {"name": link.participant.name if link.participant else link.sent_to},
    )
    return redirect("participant:report", slug=event.slug, pk=link.session_id)
