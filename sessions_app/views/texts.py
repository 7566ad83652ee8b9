"""Bringing back an earlier version of a written text, as a new version. The organisers' texts
are restored through one view (`organiser:restore-text`), a session's description through its
edit page's (`participant:restore-description`); what every editor of a text shares (its
history, the merge screen) is in `sessions_app/text_editors.py`."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sessions_app import actions
from sessions_app.access import (
    get_own_session,
    is_organiser,
    organiser_required,
    participant_for,
    participant_required,
)
from sessions_app.forms import TextRestoreForm
from sessions_app.models import Event, Participant, TextRevision
from sessions_app.requests import HtmxHttpRequest

Subject = TextRevision.Subject


def _when(event: Event, moment) -> str:
    return date_format(event.local(moment), "DATETIME_FORMAT")


def _restored(request: HtmxHttpRequest, event: Event, revision: TextRevision) -> None:
    messages.success(
        request,
        _("The version of %(when)s is back.") % {"when": _when(event, revision.created_at)},
    )


ORGANISER_SUBJECTS = [
    Subject.SYNTHESIS,
    Subject.INTRODUCTION,
    Subject.CONCLUSION,
    Subject.REPORT_TEMPLATE,
    Subject.EVENT_DESCRIPTION,
]


def _editor_url(event: Event, subject: str, theme_id: int | None) -> str:
    """The page where this text is written."""
    if subject == Subject.SYNTHESIS:
        return reverse("organiser:theme-synthesis", args=[event.slug, theme_id])
    if subject == Subject.EVENT_DESCRIPTION:
        return reverse("organiser:edit-event", args=[event.slug])
    return reverse("organiser:event-texts", args=[event.slug])


@require_POST
@organiser_required
def restore(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """Bring back an earlier version of one of the organisers' texts (a synthesis, the
    introduction, conclusion, report structure or the event's description), as a new version;
    back to the page where it is written."""
    revisions = event.text_revisions.filter(subject__in=ORGANISER_SUBJECTS)
    form = TextRestoreForm(request.POST, revisions=revisions)
    if not form.is_valid():
        messages.error(request, _("That version is not in this text's history."))
        return redirect("organiser:dashboard", slug=event.slug)
    revision = form.cleaned_data["revision"]
    actions.restore_text(revision=revision, by=participant_for(request, event))
    _restored(request, event, revision)
    return redirect(_editor_url(event, revision.subject, revision.theme_id))


@require_POST
@participant_required
def restore_description(
    request: HtmxHttpRequest, event: Event, participant: Participant, pk: int
) -> HttpResponse:
    """Bring back an earlier description of a proposal, for those who may edit it."""
    session = get_own_session(request, event, participant, pk)
    if not (is_organiser(request, event) or session.editable_by_hosts):
        messages.error(
            request, _("The grid is published; ask an organiser to change this session.")
        )
        return redirect(session.get_absolute_url())
    form = TextRestoreForm(request.POST, revisions=session.description_revisions.all())
    if form.is_valid():
        revision = form.cleaned_data["revision"]
        actions.restore_text(revision=revision, by=participant)
        _restored(request, event, revision)
    else:
        messages.error(request, _("That version is not in this text's history."))
    return redirect("participant:edit-session", slug=event.slug, pk=session.pk)
