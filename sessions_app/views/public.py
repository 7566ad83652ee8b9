"""Pages anyone may see, signed in or not: events, joining, signing in, a session's page."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from sessions_app import actions, auth, follows, live
from sessions_app.access import (
    activate_event_language,
    event_view,
    get_session,
    is_organiser,
    may_create_events,
    participant_for,
    picked_language,
)
from sessions_app.forms import JoinCodeForm, JoinForm, SignInRequestForm
from sessions_app.grid import grid_view, my_session_ids
from sessions_app.grid_html import table, table_html
from sessions_app.models import Event, Participant, SessionQuerySet, SignInLink, Vote
from sessions_app.requests import HtmxHttpRequest, client_ip, safe_next

MODEL_BACKEND = auth.PATH


@require_GET
@login_not_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    events = Event.objects.exclude(phase=Event.Phase.ARCHIVED).order_by("date", "name")
    past = Event.objects.filter(phase=Event.Phase.ARCHIVED).order_by("-date", "name")
    context = {
        "events": events,
        "past_events": past,
        "may_create": request.user.is_authenticated and may_create_events(request.user),
    }
    return render(request, "public/home.html", context)


@require_GET
@login_not_required
@vary_on_headers("HX-Request")
@event_view
def event(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    counts = Event.objects.filter(pk=event.pk).aggregate(
        participants=Count("participants", distinct=True),
        sessions=Count(
            "sessions",
            filter=SessionQuerySet.visible_rule("sessions__"),
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
        "token": live.state_token(event),  # static/js/live.js follows publication and moves
        "live": live,
    }
    if request.htmx and request.htmx.target == "event-now":
        return render(request, "public/event.html#event-now", context)
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
    """Join, then back where one came from (`next`), or straight on to the proposal form for
    whoever chose "Join and propose a session" (`then=propose`, or a link with
    `?next=propose`): from the QR code to a proposal in three screens."""
    after = join_next(request, event)
    if participant_for(request, event) is not None:
        messages.info(request, _("You are already taking part in %(event)s.") % {"event": event})
        return redirect(after)
    form = JoinForm(request.POST or None, event=event, initial={"code": request.GET.get("code")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            participant = actions.submit_once(
                key=form.submission,
                user=request.user,
                create=lambda: actions.join_event(
                    event=event,
                    name=data["name"],
                    organisation=data["organisation"],
                    email=data["email"],
                    user=request.user,
                    language=translation.get_language(),
                ),
                url=lambda participant: after,
                owner=lambda participant: participant.user,
                anonymous_may_return=True,
            )
        except actions.AlreadySubmitted as earlier:
            return joined_before(request, event, earlier)
        except actions.ActionRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            if not request.user.is_authenticated:
                actions.sign_in(request=request, user=participant.user, backend=MODEL_BACKEND)
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
    try:  # refused, maybe for the address that the first submit of this form took
        if form.errors:
            actions.check_first_submit(
                key=form.submission, user=request.user, anonymous_may_return=True
            )
    except actions.AlreadySubmitted as earlier:
        return joined_before(request, event, earlier)
    code_known = request.GET.get("code", "").strip().upper() == event.join_code
    context = {
        "event": event,
        "form": form,
        "code_known": code_known,
        "next": after,
        "propose_first": after == reverse("participant:propose", args=[event.slug]),
    }
    return render(request, "public/join.html", context)


def join_next(request: HtmxHttpRequest, event: Event) -> str:
    """Where joining leads: the proposal form for "Join and propose a session" (while proposing
    is open), else `next`, else the event's page."""
    wants_proposal = "propose" in (request.POST.get("then"), request.POST.get("next"))
    wants_proposal = wants_proposal or request.GET.get("next") == "propose"
    if wants_proposal and event.proposing_open:
        return reverse("participant:propose", args=[event.slug])
    return safe_next(request, event.get_absolute_url())


def joined_before(
    request: HtmxHttpRequest, event: Event, earlier: actions.AlreadySubmitted
) -> HttpResponse:
    """The join form sent twice (a double tap, whose first answer the phone dropped): one
    participant, and this browser is signed in as them, as the first answer would have done."""
    if not request.user.is_authenticated and earlier.user is not None:
        actions.sign_in(request=request, user=earlier.user, backend=MODEL_BACKEND)
    messages.info(request, _("You are already taking part in %(event)s.") % {"event": event})
    return redirect(earlier.url)


@require_http_methods(["GET", "POST"])
@login_not_required
def sign_in_request(request: HtmxHttpRequest) -> HttpResponse:
    form = SignInRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        event = Event.objects.filter(slug=request.GET.get("event", "")).first()
        try:
            actions.request_sign_in_links(
                email=form.cleaned_data["email"],
                ip=client_ip(request),
                event=event,
                language=picked_language(request),
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
    link: SignInLink | None
    if request.method == "POST":
        try:
            link = actions.use_sign_in_link(token=token)
        except actions.ActionRefused as refusal:
            form = SignInRequestForm()
            context = {"form": form, "refusal": str(refusal)}
            return render(request, "public/sign_in_request.html", context, status=410)
        actions.sign_in(request=request, user=link.user, backend=MODEL_BACKEND)
        messages.success(request, _("You are signed in."))
        # `next`: where the link leads (the info desk's link: the person's My page)
        return redirect(
            safe_next(
                request, link.event.get_absolute_url() if link.event else reverse("public:home")
            )
        )
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
        **_following(event, session, participant),
        "votes_left": actions.votes_left(participant) if participant else None,
    }
    return render(request, "public/session.html", context)


def _following(event: Event, session, participant) -> dict:
    """A session's "I'll go" once the grid is out: whether this participant goes, and how many
    do (two queries; none before publication)."""
    if not event.grid_published or not session.is_visible:
        return {"may_follow": False}
    followed = participant is not None and session.follows.filter(participant=participant).exists()
    return {"may_follow": True, "followed": followed, "follower_count": session.follows.count()}


# ---- the grid, live -------------------------------------------------------------------------


def grid_visible(request: HtmxHttpRequest, event: Event) -> bool:
    """Participants and visitors see the grid once it is published; organisers always."""
    return event.grid_published or is_organiser(request, event)


def grid_unpublished(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """What others see before publication: a page that reloads itself once it is published."""
    if request.htmx:
        return HttpResponseClientRefresh()
    context = {"event": event, "token": live.state_token(event), "live": live}
    return render(request, "public/grid.html", context | {"unpublished": True})


def grid_html(event: Event, *, mine: set[int] | None = None) -> SafeString:
    """The #grid fragment: the same for everyone (cached per version) unless it is someone's
    own day."""

    def render_grid() -> str:
        html = table_html(event, table(event), mine)  # with follows.hole()s
        context = {"event": event, "grid": html, "token": live.state_token(event)}
        return render_to_string("public/grid.html#grid", context)

    if mine is not None:
        return mark_safe(render_grid())  # template output: escaped by the template
    return live.cached_grid(event, render_grid)


@require_GET
@login_not_required
@vary_on_headers("HX-Request")
def grid(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Rooms as columns, slots as rows; `?mine=1` keeps a participant's own sessions.

    Not `event_view`: the event comes from `live.event_for`, at most 2 s old, so that a
    visitor of a grid that did not change costs no query at all."""
    event = live.event_for(slug)
    if event is None:
        raise Http404
    activate_event_language(request, event)
    if not grid_visible(request, event):
        return grid_unpublished(request, event)
    participant = participant_for(request, event)
    own = None  # once the grid is out: what they follow or host, and what changed of it
    if participant is not None and event.grid_published:
        own = follows.personal(event, participant)
    mine = None
    if participant and request.GET.get("mine"):  # before publication (organisers): their votes
        mine = own.own if own else my_session_ids(participant)
    if request.htmx:
        return HttpResponse(personal_grid(event, participant, grid_html(event, mine=mine), own))
    context: dict[str, Any] = {
        "event": event,
        "participant": participant,
        "is_organiser": is_organiser(request, event),
        "mine": mine is not None,
        "live": live,
    }
    if event.grid_published and page_is_shared(request):
        return shared_grid_page(request, event, context)
    context["changed"] = own.changed if own else []
    context["grid_html"] = personal_grid(event, participant, grid_html(event, mine=mine), own)
    return render(request, "public/grid.html", context)


def personal_grid(
    event: Event,
    participant: Participant | None,
    html: str,
    own: follows.Personal | None = None,
) -> SafeString:
    """The shared grid with this participant's "I'll go" buttons and the changes they have not
    seen (sessions_app/follows.py); without them for everyone else."""
    if participant is None or not event.grid_published:
        return follows.fill_grid(html, event, None)
    own = own or follows.personal(event, participant)
    changes = {session.pk: session.change for session in own.changed}
    return follows.fill_grid(html, event, participant, own.followed, changes)


def page_is_shared(request: HtmxHttpRequest) -> bool:
    """Every such visitor gets the same page: not signed in, no query, no message to show."""
    return (
        not request.user.is_authenticated
        and not request.GET
        and not len(messages.get_messages(request))
    )


def shared_grid_page(request: HtmxHttpRequest, event: Event, context: dict) -> HttpResponse:
    """The grid page from the cache, as all anonymous visitors get it; the CSRF token (of the
    language switch) is the visitor's own."""

    def render_page(csrf_token: str, grid: str) -> str:
        page = context | {"grid_html": grid, "csrf_token": csrf_token}  # holes: no escaping
        return render_to_string("public/grid.html", page, request=request)

    def grid() -> str:
        return personal_grid(event, None, grid_html(event))

    return HttpResponse(live.cached_page(event, request, render_page, grid))


@require_GET
@login_not_required
def grid_version(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The grid's version as an ETag: open grids ask every few seconds and get an empty 304
    until it changes. No session, no user, at most one query per process every 2 s."""
    return _state_answer(request, live.grid_state(slug))


@require_GET
@login_not_required
def pitch_version(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The pitch round's state, asked every second by the beamer, the moderator and the phones
    during the round, the same way as the grid's version."""
    return _state_answer(request, live.pitch_state(slug))


def _state_answer(request: HtmxHttpRequest, token: str | None) -> HttpResponse:
    if token is None:
        raise Http404
    response = HttpResponse(token, content_type="text/plain; charset=utf-8")
    response["ETag"] = f'"{token}"'  # digits, dashes and words: nothing to quote
    response["Cache-Control"] = "no-cache"  # stored, but asked again every time
    # given a response, it returns that response, a 304 or a 412: never None
    return cast(
        HttpResponse, get_conditional_response(request, etag=response["ETag"], response=response)
    )


@require_GET
@login_not_required
@vary_on_headers("HX-Request")
@event_view
def now_and_next(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """For the beamer: what runs now and next in every room, in large type."""
    if not grid_visible(request, event):
        return grid_unpublished(request, event)
    moment = timezone.now()
    view = grid_view(event)
    now, upcoming = view.now_and_next(moment)
    rooms = [
        (room, _cell(now, i), _cell(upcoming, i))
        for i, room in enumerate(view.rooms)
        if _cell(now, i) or _cell(upcoming, i)
    ]
    boundary = now.slot.end if now else upcoming.slot.start if upcoming else None
    participant = participant_for(request, event) if event.grid_published else None
    # their "I'll go" on each room's session
    followed_ids = follows.followed_ids(participant) if participant else set()
    context = {
        "event": event,
        "participant": participant,
        "followed_ids": followed_ids,
        "moment": moment,
        "now": now,
        "next": upcoming,
        "rooms": rooms,
        "refresh_at": int(boundary.timestamp() * 1000) if boundary else "",
        "token": live.state_token(event),
        "live": live,
    }
    if request.htmx:
        return render(request, "public/now.html#now", context)
    return render(request, "public/now.html", context)


def _cell(row, index: int):
    """The session cell of `row` in the index-th room, if a session is there."""
    if row is None or row.spans_all or not row.cells[index].session:
        return None
    return row.cells[index]
