"""Pages for people who take part in an event: the proposals board, proposing, voting,
their own page."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from sessions_app import actions, follows, live, pitching, text_editors, vote_html
from sessions_app.access import (
    event_view,
    get_own_session,
    get_session,
    is_organiser,
    participant_for,
    participant_required,
)
from sessions_app.client_input import parse_int
from sessions_app.forms import (
    ChangesSeenForm,
    FollowForm,
    MyEmailForm,
    PreviewForm,
    ProposalFilterForm,
    ProposalForm,
    VoteForm,
)
from sessions_app.markdown import render_markdown
from sessions_app.models import (
    Event,
    Host,
    Participant,
    PitchRound,
    Session,
    SessionQuerySet,
    TextRevision,
)
from sessions_app.requests import HtmxHttpRequest, client_ip, idempotency_key, safe_next

PER_PAGE = 50


def board_sessions(event: Event, filters: ProposalFilterForm):
    """The visible sessions of the board, filtered, sorted, with their votes and hosts."""
    sessions = (
        event.sessions.visible()
        .with_vote_count()
        .prefetch_related(
            Prefetch("hostings", queryset=Host.objects.select_related("participant")), "themes"
        )
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    if data.get("kind"):
        sessions = sessions.filter(kind=data["kind"])
    if data.get("theme"):
        sessions = sessions.filter(themes=data["theme"])
    if query := (data.get("q") or "").strip():
        matching = Session.objects.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(hostings__participant__name__icontains=query)
            | Q(hostings__participant__organisation__icontains=query)
        )
        sessions = sessions.filter(pk__in=matching.values("pk"))
    if data.get("sort") == "new":
        return sessions.order_by("-created_at", "-id")
    return sessions.most_voted_first()


@require_GET
@login_not_required  # anyone may read the board; voting needs a participant
@event_view
def proposals(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    participant = participant_for(request, event)
    if request.htmx and request.htmx.target == "pitch-now":  # live.js, during the pitch round
        return _pitch_now(request, event, participant)
    filters = ProposalFilterForm(request.GET or None, event=event)
    number = parse_int(request.GET.get("page"))  # ASCII digits; "²" or 10**30 is page 1
    page = Paginator(board_sessions(event, filters), PER_PAGE).get_page(
        1 if number is None else number  # 0 or past the end: the last page
    )
    my_votes = set(participant.votes.values_list("session_id", flat=True)) if participant else set()
    context = {
        "event": event,
        "participant": participant,
        "filters": filters,
        "page": page,
        "my_votes": my_votes,
        "votes_left": actions.votes_left(participant) if participant else None,
        "query_string": _without_page(request),
        "hidden_sessions": (
            list(event.sessions.filter(hidden=True)) if is_organiser(request, event) else []
        ),
    }
    if request.htmx and request.htmx.target == "proposal-list":
        return render(request, "participant/proposals.html#proposal-list", context)
    return render(request, "participant/proposals.html", context | _pitch(event))


def _pitch(event: Event) -> dict:
    """The pitch round at the top of the page while it runs (and after it, until the grid is
    published), followed live (static/js/live.js): every second during the round, every two
    before it, so that a page opened earlier shows the round within 3 s of its start."""
    if event.grid_published:
        return {}
    pitch_round = PitchRound.objects.filter(event=event).select_related("event").first()
    running = pitch_round is not None and pitch_round.state != PitchRound.State.READY
    if not running:
        # no token: the first check finds it "changed" and fetches the (empty) box once,
        # which spares every page view of the board the state's queries
        return {"pitch_live": True, "pitch_poll": 2, "pitch": None, "pitch_token": ""}
    assert pitch_round is not None  # a round is running
    return {
        "pitch_live": True,
        "pitch_poll": 1,
        "pitch": pitching.stage(event, pitch_round),
        "pitch_token": live.pitch_state_for(pitch_round),  # only if it is this round's
    }


def _pitch_now(
    request: HtmxHttpRequest, event: Event, participant: Participant | None
) -> HttpResponse:
    """Only the "now pitching" box, which every phone asks for after each step: a few queries,
    not the whole board."""
    if event.grid_published:  # the round is over and the grid is out: show it
        return HttpResponseClientRedirect(reverse("public:grid", args=[event.slug]))
    context = {"event": event, "participant": participant} | _pitch(event)
    current = context["pitch"].current if context.get("pitch") else None
    context["my_votes"] = (
        set(participant.votes.filter(session=current).values_list("session_id", flat=True))
        if participant and current
        else set()
    )
    return render(request, "participant/proposals.html#pitch-now", context)


def _without_page(request: HtmxHttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_http_methods(["GET", "POST"])
@participant_required
def propose(request: HtmxHttpRequest, event: Event, participant: Participant) -> HttpResponse:
    if not event.proposing_open:
        messages.error(request, _("Proposing is closed for this event."))
        return redirect(event.get_absolute_url())
    form = ProposalForm(request.POST or None, event=event, by=participant)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:  # the no-JavaScript preview: show it, save nothing
            preview = render_markdown(form.cleaned_data["description"])
        else:
            try:
                session = actions.submit_once(
                    key=form.submission,
                    user=request.user,
                    create=lambda: actions.propose_session(
                        event=event, by=participant, proposal=form.proposal()
                    ),
                    url=lambda session: session.get_absolute_url(),
                )
            except actions.AlreadySubmitted as earlier:
                messages.info(request, _("You already proposed this — you can edit it here."))
                return redirect(earlier.url)
            messages.success(request, _("Your session is proposed. Thank you!"))
            return redirect(session.get_absolute_url())
    if request.method == "POST" and not form.is_valid():  # keep showing what they wrote
        preview = render_markdown(form.data.get("description", ""))
    context = {
        "event": event,
        "participant": participant,
        "form": form,
        "preview": preview,
        "editing": None,
    }
    return render(request, "participant/propose.html", context)


@require_http_methods(["GET", "POST"])
@participant_required
def edit_session(
    request: HtmxHttpRequest, event: Event, participant: Participant, pk: int
) -> HttpResponse:
    session = get_own_session(request, event, participant, pk)
    organiser = is_organiser(request, event)
    if not (organiser or session.editable_by_hosts):
        messages.error(
            request, _("The grid is published; ask an organiser to change this session.")
        )
        return redirect(session.get_absolute_url())
    editor = None if organiser else participant
    form = ProposalForm.for_session(session, by=editor, data=request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["description"])
        else:
            try:
                actions.update_session(
                    session=session,
                    proposal=form.proposal(),
                    by=editor,
                    based_on=form.cleaned_data["version"],
                    author=participant,
                )
            except actions.EditConflict as conflict:
                return _compare_screen(request, participant, form, conflict.current, editor)
            except actions.ActionRefused as refusal:
                form.add_error("cohosts", str(refusal))
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(session.get_absolute_url())
    if request.method == "POST" and not form.is_valid():
        preview = render_markdown(form.data.get("description", ""))
    return _edit_page(request, participant, session, form, preview=preview)


def _edit_page(
    request: HtmxHttpRequest,
    participant: Participant,
    session: Session,
    form: ProposalForm,
    status: int = 200,
    **extra,
) -> HttpResponse:
    event = session.event
    context = {
        "event": event,
        "participant": participant,
        "form": form,
        "preview": None,
        "editing": session,
        "revisions": text_editors.history(TextRevision.Subject.SESSION_DESCRIPTION, session),
        **extra,
    }
    return render(request, "participant/propose.html", context, status=status)


def _compare_screen(
    request: HtmxHttpRequest,
    participant: Participant,
    form: ProposalForm,
    theirs: Session,
    editor: Participant | None,
) -> HttpResponse:
    """Someone saved the session since this form was opened: refuse the save (409) but lose
    nothing. What is saved now stands beside what was sent, which stays in the form, now
    based on the saved version, so saving it again is a deliberate choice."""
    data = form.cleaned_data
    kinds = dict(Session.Kind.choices)
    their_hosts = [h.participant.name for h in theirs.hostings.select_related("participant")]
    your_hosts = [p.name for p in [*([editor] if editor else []), *data["cohosts"]]]
    your_hosts += data["invite"]
    fields = [
        (_("Title"), theirs.title, data["title"], False),
        (_("Kind"), kinds.get(theirs.kind, theirs.kind), kinds.get(data["kind"], ""), False),
        (_("Description"), theirs.description, data["description"], True),
        (_("Hosts"), ", ".join(sorted(their_hosts)), ", ".join(sorted(your_hosts)), False),
    ]
    if "themes" in form.fields:
        their_themes = ", ".join(sorted(t.name for t in theirs.themes.all()))
        your_themes = ", ".join(sorted(t.name for t in data.get("themes") or []))
        fields.append((_("Themes"), their_themes, your_themes, False))
    merge = text_editors.merge_screen(
        _("Someone else saved this session while you were changing it"),
        _(
            "Your changes are not saved yet and nothing is lost: they are in the form below. "
            "Compare them with what is saved now, change what needs changing and save again."
        ),
        [text_editors.Difference(label, a, b, long=long) for label, a, b, long in fields],
        theirs=_("Saved now"),
        yours=_("Yours (in the form below)"),
    )
    rebound = ProposalForm.for_session(
        theirs, by=editor, data=text_editors.based_on(request.POST, theirs.version)
    )
    rebound.is_valid()  # shows what was sent, as it was cleaned
    return _edit_page(request, participant, theirs, rebound, status=409, merge=merge)


@require_POST
@participant_required
def withdraw_session(
    request: HtmxHttpRequest, event: Event, participant: Participant, pk: int
) -> HttpResponse:
    session = get_own_session(request, event, participant, pk)
    if event.grid_published and not is_organiser(request, event):
        messages.error(request, _("The grid is published; ask an organiser to withdraw it."))
    elif request.POST.get("restore") == "1":
        try:
            actions.restore_session(session=session)
        except actions.ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The session is back on the board."))
    else:
        actions.withdraw_session(session=session, by=participant)
        messages.success(request, _("The session is withdrawn. You can undo this on its page."))
    return redirect(session.get_absolute_url())


@require_POST
@participant_required
def vote(request: HtmxHttpRequest, event: Event, participant: Participant, pk: int) -> HttpResponse:
    """A tap on a vote button: with htmx the button comes back in its new state with the
    session's votes and the votes left (on PostgreSQL one statement changes and counts them);
    without JavaScript, back to the page the button was on."""
    form = VoteForm(request.POST)
    key = idempotency_key(request)  # a vote written offline, sent from the phone's outbox
    if form.is_valid():
        tally = actions.tap_vote_once(
            participant=participant, session_id=pk, vote=form.cleaned_data["vote"], key=key
        )
        error = tally.error if tally is not None else None
    else:
        tally = actions.vote_tally(participant=participant, session_id=pk)
        error = _("Something went wrong with this button; please try again.")
    if tally is None:
        raise Http404
    session = Session(pk=pk, event=event, title=tally.title, status=tally.status)
    if request.htmx:
        prefix = vote_html.PITCH if request.POST.get("prefix") == vote_html.PITCH else ""
        button = partial(
            vote_html.vote_button,
            event=event,
            pk=pk,
            title=tally.title,
            vote_count=tally.count,
            voter=True,
            voted=tally.mine,
            here=request.get_full_path(),
            next_url=safe_next(request, session.get_absolute_url),
            csrf_token=get_token(request),
        )
        html = button(prefix=prefix, error=error) + vote_html.votes_left(
            event=event, left=actions.votes_left(participant, used=tally.used), oob=True
        )
        if request.POST.get("twin") == "1":  # the same session, shown twice on the page
            html += button(prefix="" if prefix else vote_html.PITCH, swap_oob=True)
        # the outbox tells a refusal (voting closed while the phone was offline) by its status
        return HttpResponse(html, status=409 if error and key else 200)
    if error:
        messages.error(request, error)
    return redirect(safe_next(request, session.get_absolute_url))


@require_POST
@participant_required
def preview(request: HtmxHttpRequest, event: Event, participant: Participant) -> HttpResponse:
    if not request.htmx:  # without JavaScript the form's own preview button does this
        return redirect("participant:propose", slug=event.slug)
    form = PreviewForm(request.POST)
    text = form.cleaned_data["description"] if form.is_valid() else ""
    return render(request, "participant/propose.html#preview", {"preview": render_markdown(text)})


@require_POST
@participant_required
def follow(
    request: HtmxHttpRequest, event: Event, participant: Participant, pk: int
) -> HttpResponse:
    """ "I'll go" (or not any more) on the grid, a session's page and now & next: the button
    comes back in its new state with the number who go (one write, one count); without
    JavaScript, back to the page the button was on."""
    session = get_session(event, pk)
    form = FollowForm(request.POST)
    key = idempotency_key(request)  # a follow written offline, sent from the phone's outbox
    error = None
    going = False
    if not form.is_valid():
        error = _("Something went wrong with this button; please try again.")
    else:
        try:
            going = actions.set_follow(
                participant=participant,
                session=session,
                going=form.cleaned_data["follow"],
                key=key,
            )
        except actions.ActionRefused as refusal:
            error = str(refusal)
            going = False  # refused: following is all that can be refused
    if request.htmx:
        context = {
            "event": event,
            "session": session,
            "participant": participant,
            "followed": going,
            "follower_count": session.follows.count(),
            "error": error,
            "next": safe_next(request, session.get_absolute_url),
        }
        shape = "grid" if request.POST.get("shape") == "grid" else "form"
        status = 409 if error and key else 200  # a refusal, told to the outbox by its status
        return render(request, f"includes/follow_button.html#{shape}", context, status=status)
    if error:
        messages.error(request, error)
    return redirect(safe_next(request, session.get_absolute_url))


@require_POST
@participant_required
def keep_session(
    request: HtmxHttpRequest, event: Event, participant: Participant, pk: int
) -> HttpResponse:
    """ "Keep this one" of the sessions followed at the same time (My day)."""
    session = get_session(event, pk)
    try:
        actions.keep_only(participant=participant, session=session)
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    return _back_to_my_day(request, event, participant)


@require_POST
@participant_required
def changes_seen(request: HtmxHttpRequest, event: Event, participant: Participant) -> HttpResponse:
    """ "Seen": the changes up to the version the page showed stop being highlighted."""
    form = ChangesSeenForm(request.POST)
    if form.is_valid():
        version = min(form.cleaned_data["version"], event.grid_version)
        actions.mark_changes_seen(participant=participant, version=version)
    return _back_to_my_day(request, event, participant)


def _back_to_my_day(
    request: HtmxHttpRequest, event: Event, participant: Participant
) -> HttpResponse:
    if request.htmx:
        context = _my_page_context(event, participant)
        return render(request, "participant/my_page.html#my-live", context)
    return redirect(safe_next(request, reverse("participant:my-page", args=[event.slug])))


def _my_day(event: Event, participant: Participant) -> tuple[list[dict], list[Session]]:
    """The sessions the participant follows or hosts, by slot in time order, each slot with two
    or more followed flagged to choose one; and those with a change not seen yet (one query).
    A session that left the grid or was cancelled stays until its change is seen."""
    on_grid = Q(placement__isnull=False) & SessionQuerySet.visible_rule()
    sessions = follows.with_changes(
        event,
        follows.my_sessions(event, participant)
        .filter(on_grid | Q(change_kind__isnull=False))
        .select_related("placement__room", "placement__slot")
        .order_by("placement__slot__start", "placement__room__order", "title"),
    )
    slots: list[dict] = []
    changed = []
    for session in sessions:
        if session.change:
            changed.append(session)
        placement = getattr(session, "placement", None)
        if placement is None or not session.is_visible:
            continue
        placement.slot.event = event
        if not slots or slots[-1]["slot"].pk != placement.slot_id:
            slots.append({"slot": placement.slot, "sessions": []})
        slots[-1]["sessions"].append(session)
    for slot in slots:
        slot["choose"] = sum(1 for s in slot["sessions"] if s.followed) >= 2
    return slots, changed


def _my_page_context(event: Event, participant: Participant) -> dict:
    hosted = list(
        participant.hosted_sessions.select_related("event").order_by("created_at").with_vote_count()
    )
    voted = list(
        event.sessions.visible()
        .filter(pk__in=participant.votes.values("session_id"))
        .with_vote_count()
        .prefetch_related(
            Prefetch("hostings", queryset=Host.objects.select_related("participant")), "themes"
        )
        .order_by("title")
    )
    slots: list[dict] = []
    changed: list[Session] = []
    if event.grid_published:
        slots, changed = _my_day(event, participant)
    return {
        "event": event,
        "participant": participant,
        "hosted": hosted,
        "voted": voted,
        "day": [session for slot in slots for session in slot["sessions"]],
        "day_slots": slots,
        "changed": changed,
        "my_day": True,  # its forms answer with the #my-live part
        "next": reverse("participant:my-page", args=[event.slug]),
        "hosted_ids": {s.pk for s in hosted},
        "votes_left": actions.votes_left(participant),
        "token": live.state_token(event),  # static/js/live.js follows publication and moves
        "live": live,
    }


@require_GET
@participant_required
@vary_on_headers("HX-Request")
def my_page(request: HtmxHttpRequest, event: Event, participant: Participant) -> HttpResponse:
    context = _my_page_context(event, participant)
    if request.htmx and request.htmx.target == "my-live":  # live.js: the grid changed
        return render(request, "participant/my_page.html#my-live", context)
    context["email_form"] = MyEmailForm(initial={"email": participant.email})
    return render(request, "participant/my_page.html", context)


@require_POST
@participant_required
def my_email(request: HtmxHttpRequest, event: Event, participant: Participant) -> HttpResponse:
    """Add or change the address this participant comes back with (a sign-in link is mailed
    to a new one, as after joining)."""
    form = MyEmailForm(request.POST)
    if form.is_valid():
        before = participant.email
        try:
            actions.set_participant_email(participant=participant, email=form.cleaned_data["email"])
        except actions.ActionRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            if participant.email and participant.email.lower() != before.lower():
                actions.send_sign_in_link(participant=participant, ip=client_ip(request))
                messages.success(
                    request,
                    _("Your email address is saved. We mailed you a link to come back."),
                )
            elif participant.email:
                messages.success(request, _("Your email address is saved."))
            else:
                messages.success(request, _("Your email address is removed."))
            return redirect(f"{reverse('participant:my-page', args=[event.slug])}#my-email")
    context = _my_page_context(event, participant) | {"email_form": form}
    return render(request, "participant/my_page.html", context)
