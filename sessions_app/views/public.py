"""Pages anyone may see, signed in or not: events, joining, signing in, a session's page."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sessions_app import actions
from sessions_app.access import event_view, get_session, is_organiser, participant_for
from sessions_app.forms import JoinCodeForm, JoinForm, SignInRequestForm
from sessions_app.models import Event, Session, Vote
from sessions_app.views import HtmxHttpRequest

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def client_ip(request: HtmxHttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def safe_next(request: HtmxHttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else fallback


@require_GET
@login_not_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    events = Event.objects.exclude(phase=Event.Phase.ARCHIVED).order_by("date", "name")
    past = Event.objects.filter(phase=Event.Phase.ARCHIVED).order_by("-date", "name")
    return render(request, "public/home.html", {"events": events, "past_events": past})


@require_GET
@login_not_required
@event_view
def event(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    counts = Event.objects.filter(pk=event.pk).aggregate(
        participants=Count("participants", distinct=True),
        sessions=Count(
            "sessions",
            filter=~Q(sessions__status=Session.Status.WITHDRAWN) & Q(sessions__hidden=False),
            distinct=True,
        ),
    )
    participant = participant_for(request, event)
    context = {
        "event": event,
        "counts": counts,
        "participant": participant,
        "is_organiser": is_organiser(request, event),
        "votes_left": actions.votes_left(participant) if participant else None,
    }
    return render(request, "public/event.html", context)


@require_http_methods(["GET", "POST"])
@login_not_required
def join_with_code(request: HtmxHttpRequest) -> HttpResponse:
    """Type the code from the beamer; go on to that event's join form."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = form.cleaned_data["code"]
        return redirect(f"{reverse('public:join', args=[found.slug])}?code={found.join_code}")
    return render(request, "public/join_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_not_required
@event_view
def join(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    after = safe_next(request, event.get_absolute_url())
    if participant_for(request, event) is not None:
        messages.info(request, _("You are already taking part in %(event)s.") % {"event": event})
        return redirect(after)
    form = JoinForm(request.POST or None, event=event, initial={"code": request.GET.get("code")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            participant = actions.join_event(
                event=event,
                name=data["name"],
                organisation=data["organisation"],
                email=data["email"],
                user=request.user,
            )
        except actions.ActionRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            if not request.user.is_authenticated:
                login(request, participant.user, backend=MODEL_BACKEND)
            if participant.email:
                actions.send_sign_in_link(participant=participant, ip=client_ip(request))
                messages.success(
                    request,
                    _("Welcome, %(name)s! We mailed you a link to come back on another device.")
                    % {"name": participant.name},
                )
            else:
                messages.success(request, _("Welcome, %(name)s!") % {"name": participant.name})
            return redirect(after)
    code_known = request.GET.get("code", "").strip().upper() == event.join_code
    context = {"event": event, "form": form, "code_known": code_known, "next": after}
    return render(request, "public/join.html", context)


@require_http_methods(["GET", "POST"])
@login_not_required
def sign_in_request(request: HtmxHttpRequest) -> HttpResponse:
    form = SignInRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        event = Event.objects.filter(slug=request.GET.get("event", "")).first()
        try:
            actions.request_sign_in_links(
                email=form.cleaned_data["email"], ip=client_ip(request), event=event
            )
        except actions.RateLimited as refusal:
            form.add_error(None, str(refusal))
            status = 429
        else:
            messages.success(
                request,
                _(
                    "If this address belongs to a participant, a sign-in link is on its way. "
                    "Check your mail (and the spam folder)."
                ),
            )
            return redirect(request.get_full_path())
    return render(request, "public/sign_in_request.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_not_required
def sign_in(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST signs in: mail scanners that open links do not use them up."""
    if request.method == "POST":
        try:
            link = actions.use_sign_in_link(token=token)
        except actions.ActionRefused as refusal:
            form = SignInRequestForm()
            context = {"form": form, "refusal": str(refusal)}
            return render(request, "public/sign_in_request.html", context, status=410)
        login(request, link.user, backend=MODEL_BACKEND)
        messages.success(request, _("You are signed in."))
        return redirect(link.event.get_absolute_url() if link.event else reverse("public:home"))
    link = actions.find_sign_in_link(token)
    if link is None:
        context = {
            "form": SignInRequestForm(),
            "refusal": _(
                "This sign-in link has expired or was used already. Ask for a new one below."
            ),
        }
        return render(request, "public/sign_in_request.html", context, status=410)
    return render(request, "public/sign_in.html", {"link": link})


@require_GET
@login_not_required
@event_view
def session(request: HtmxHttpRequest, event: Event, pk: int) -> HttpResponse:
    session = get_session(event, pk)
    session.vote_count = session.votes.count()
    participant = participant_for(request, event)
    hosts = [h.participant for h in session.hostings.select_related("participant")]
    context = {
        "event": event,
        "session": session,
        "hosts": hosts,
        "themes": list(session.themes.all()),
        "voted": bool(participant)
        and Vote.objects.filter(participant=participant, session=session).exists(),
        "participant": participant,
        "is_host": bool(participant) and participant in hosts,
        "is_organiser": is_organiser(request, event),
        "placement": getattr(session, "placement", None) if event.grid_published else None,
        "votes_left": actions.votes_left(participant) if participant else None,
    }
    return render(request, "public/session.html", context)
