"""Organisers' pages about people and proposals: the join poster, the team, merging and
hiding proposals."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sessions_app import actions, qr
from sessions_app.access import organiser_required
from sessions_app.forms import HideForm, InviteOrganiserForm, MergeForm
from sessions_app.models import Event, Participant, Session
from sessions_app.requests import HtmxHttpRequest, already_submitted, client_ip


def join_url(request: HtmxHttpRequest, event: Event) -> str:
    path = f"{reverse('public:join', args=[event.slug])}?code={event.join_code}"
    return request.build_absolute_uri(path)


@require_GET
@organiser_required
def poster(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """For the beamer and for print: the code in large type and a QR code of the join link."""
    context = {"event": event, "join_url": join_url(request, event)}
    return render(request, "organiser/poster.html", context)


@require_GET
@never_cache
@organiser_required
def join_qr(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """The join link as a standalone SVG file, for the poster's `<img>`."""
    return HttpResponse(qr.svg_document(join_url(request, event)), content_type="image/svg+xml")


@require_http_methods(["GET", "POST"])
@organiser_required
def team(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = InviteOrganiserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = actions.submit_once(
                key=form.submission,
                user=request.user,
                create=lambda: actions.invite_organiser(
                    event=event,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    ip=client_ip(request),
                ),
                url=lambda _invited: reverse("organiser:team", args=[event.slug]),
            )
        except actions.AlreadySubmitted as earlier:
            return already_submitted(request, earlier)
        except actions.ActionRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            messages.success(
                request,
                _("%(name)s is an organiser now; we mailed them a sign-in link.")
                % {"name": invited.name},
            )
            return redirect("organiser:team", slug=event.slug)
    organisers = event.participants.filter(role=Participant.Role.ORGANISER).order_by("name")
    return render(
        request, "organiser/team.html", {"event": event, "form": form, "organisers": organisers}
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def merge(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    """Two organisers may merge the same sessions at once (A into B, B into A): the action
    locks both and lets one win; the other — or whoever sends the form after a merge made
    its choice stale — is told what happened meanwhile, with a 409, and nothing changes."""
    sessions = event.sessions.all() if request.method == "POST" else event.sessions.active()
    keep = get_object_or_404(sessions, pk=pk)
    form = MergeForm(request.POST or None, keep=keep)
    if request.method == "POST":
        merged = form.cleaned_data["merge"] if form.is_valid() else _gone_choice(keep, form)
        if merged is not None:
            try:
                actions.merge_sessions(keep=keep, merge=merged)
            except actions.ActionRefused as refusal:
                messages.error(request, str(refusal))
                context = {"event": event, "session": keep, "form": MergeForm(keep=keep)}
                return render(request, "organiser/merge.html", context, status=409)
            messages.success(
                request,
                _("“%(merged)s” is merged into this session.") % {"merged": merged.title},
            )
            return redirect(keep.get_absolute_url())
        if keep.status == keep.Status.WITHDRAWN:  # an invalid form for a session merged away
            raise Http404
    return render(request, "organiser/merge.html", {"event": event, "session": keep, "form": form})


def _gone_choice(keep: Session, form: MergeForm) -> Session | None:
    """The session the form chose when it is no choice any more only because it was withdrawn
    or merged since the page was shown: the action then says so in words."""
    value = form.data.get("merge") or ""
    if not (value.isascii() and value.isdecimal() and len(value) <= 18):  # no id otherwise
        return None
    pk = int(value)
    if pk == keep.pk:
        return None
    return keep.event.sessions.filter(pk=pk, status=Session.Status.WITHDRAWN).first()


@require_POST
@organiser_required
def hide(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    session = get_object_or_404(event.sessions.all(), pk=pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something went wrong with this button; please try again."))
    else:
        hidden = form.cleaned_data["hidden"]
        actions.set_session_hidden(session=session, hidden=hidden)
        if hidden:
            messages.success(
                request, _("“%(title)s” is hidden from participants.") % {"title": session.title}
            )
        else:
            messages.success(request, _("“%(title)s” is visible again.") % {"title": session.title})
    return redirect(
        "participant:proposals"
        if form.is_valid() and form.cleaned_data["hidden"]
        else "public:event",
        slug=event.slug,
    )
