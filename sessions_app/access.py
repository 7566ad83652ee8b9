"""Who may see and do what. Views load the event through `event_view` (which also speaks the
event's language to visitors who have not picked one), the visitor's participation through
`participant_required`, and organisers pass `organiser_required`. Other people's rows are
looked up so that they 404 rather than 403."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from sessions_app import second_factor
from sessions_app.models import Event, HostLink, Participant, Session
from sessions_app.prepared import PreparedModels

# Read on every event page, compiled once (prepared.py): the event by its slug, and a signed-in
# person's participations (one per event they joined: a few), the one of this event picked here.
EVENT_BY_SLUG = PreparedModels(lambda slug: Event.objects.filter(slug=slug), text=True)
PARTICIPATIONS = PreparedModels(
    lambda user_id: Participant.objects.filter(user_id=user_id).order_by("pk")
)


def event_by_slug(slug: str) -> Event:
    """`get_object_or_404(Event, slug=slug)`, its query compiled once."""
    found = EVENT_BY_SLUG.instances(slug)
    if not found:
        raise Http404("No event with this address.")
    return found[0]


# What a view answers: a page, or a file streamed (FileResponse is not an HttpResponse).
Response = TypeVar("Response", bound=HttpResponseBase)


def picked_language(request: HttpRequest) -> str | None:
    """The language the visitor picked with the language switch, if they did."""
    picked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return picked if picked in {code for code, _name in settings.LANGUAGES} else None


def activate_event_language(request: HttpRequest, event: Event) -> None:
    if picked_language(request) is None:
        translation.activate(event.language)
        request.LANGUAGE_CODE = event.language


def _participations(request: HttpRequest) -> dict[int, Participant | None]:
    """The visitor's participations looked up during this request, by event id."""
    return request.__dict__.setdefault("_oocamp_participants", {})


def participant_for(request: HttpRequest, event: Event) -> Participant | None:
    """The visitor's participation in `event`, or None (looked up once per request)."""
    cache = _participations(request)
    if event.pk not in cache:
        user = request.user
        participant = (
            next((p for p in PARTICIPATIONS.instances(user.pk) if p.event_id == event.pk), None)
            if user.is_authenticated
            else None
        )
        if participant is not None:
            participant.event = event  # saves a query wherever the event is needed
        cache[event.pk] = participant
    return cache[event.pk]


def organises(request: HttpRequest, event: Event) -> bool:
    """The visitor organises `event` (or is a superuser), whether or not the session has given
    the code two-step sign-in asks for: enough to show the way to the organiser pages."""
    participant = participant_for(request, event)
    return bool(
        (participant and participant.is_organiser)
        or (request.user.is_authenticated and request.user.is_superuser)
    )


def is_organiser(request: HttpRequest, event: Event) -> bool:
    """The visitor may act as an organiser of `event`: they organise it and their session owes
    no code (sessions_app/second_factor.py; no query unless it does)."""
    return organises(request, event) and second_factor.owed(request, privileged_user=True) == (
        second_factor.OK
    )


def event_view(view: Callable[..., Response]) -> Callable[..., Response]:
    """Replace the `slug` URL argument by the Event (404 if there is none)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> Response:
        event = event_by_slug(slug)
        activate_event_language(request, event)
        return view(request, event, *args, **kwargs)

    return wrapper


@functools.cache
def _participation_query(vendor: str) -> tuple[str, list, list]:
    """The SQL of `_participation` and each column's converters, built once per process."""

    def columns(model: type[models.Model], alias: str) -> tuple[list[str], list]:
        fields = model._meta.concrete_fields
        names = [f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields]
        # as the ORM's compiler converts each column (SQLite's dates and booleans, say)
        cols = [f.get_col(alias) for f in fields]
        converters = [
            (col, [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)])
            for col in cols
        ]
        return names, converters

    p_names, p_converters = columns(Participant, "p")
    e_names, e_converters = columns(Event, "e")
    sql = (
        f"SELECT {', '.join(p_names + e_names)} FROM {Participant._meta.db_table} p "
        f"JOIN {Event._meta.db_table} e ON e.id = p.event_id WHERE e.slug = %s AND p.user_id = %s"
    )
    return sql, p_converters, e_converters


def _participation(slug: str, user_id: int) -> Participant:
    """`Participant.objects.select_related("event").get(event__slug=slug, user=user_id)` for
    the busiest requests (a vote tap): the same row and instances, without building the query
    anew each time (it cost 1.7 ms of CPU, more than the rest of the tap's database work)."""
    sql, p_converters, e_converters = _participation_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, user_id])
        row = cursor.fetchone()
    if row is None:
        raise Participant.DoesNotExist

    def build(model: type[models.Model], converters: list, values: tuple[Any, ...]):
        converted = []
        for (col, functions), value in zip(converters, values, strict=True):
            for function in functions:
                value = function(value, col, connection)
            converted.append(value)
        names = [col.target.attname for col, _functions in converters]
        return model.from_db(connection.alias, names, converted)

    split = len(p_converters)
    participant = build(Participant, p_converters, row[:split])
    participant.event = build(Event, e_converters, row[split:])
    return participant


def participant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view gets (request, event, participant, ...). Visitors who have not joined are sent
    to the join page, which brings them back afterwards."""

    @login_not_required  # participants have no password: this decorator is the gate
    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        # One query for the participation and its event (a vote is the busiest request of
        # the day); the event alone only for visitors who have not joined.
        try:
            if not request.user.is_authenticated:
                raise Participant.DoesNotExist
            participant = _participation(slug, request.user.pk)
        except Participant.DoesNotExist:
            participant = None
            event = event_by_slug(slug)
        else:
            assert participant is not None  # found by the try above
            event = participant.event
            _participations(request)[event.pk] = participant
        activate_event_language(request, event)
        if participant is None:
            messages.info(request, _("Join the event first; it takes a few seconds."))
            join = reverse("public:join", args=[event.slug])
            return redirect(f"{join}?{urlencode({'next': request.get_full_path()})}")
        return view(request, event, participant, *args, **kwargs)

    return wrapper


def organiser_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view gets (request, event, ...) for the event's organisers (and superusers)."""

    @event_view
    @functools.wraps(view)
    def wrapper(request: HttpRequest, event: Event, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_organiser(request, event):
            raise PermissionDenied
        return view(request, event, *args, **kwargs)

    return wrapper


def get_session(event: Event, pk: int) -> Session:
    """A session of this event that participants may see (404 otherwise)."""
    return get_object_or_404(event.sessions.filter(hidden=False), pk=pk)


def get_own_session(request: HttpRequest, event: Event, participant: Participant, pk: int):
    """A session the participant hosts, or any session for an organiser; 404 for others'."""
    session = get_object_or_404(event.sessions.all(), pk=pk)
    if is_organiser(request, event):
        return session
    if not session.hostings.filter(participant=participant).exists():
        raise Http404
    return session


def organised_events(user) -> QuerySet[Event]:
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(
        participants__user=user, participants__role=Participant.Role.ORGANISER
    )


def may_create_events(user) -> bool:
    """Superusers and whoever organises an event already."""
    return user.is_superuser or organised_events(user).exists()


# ---- who may deliver a session's slides and report: hosts, organisers, host links ---------

HOST_LINKS_KEY = "oocamp_host_links"  # request.session: {session id (str): host link id}


def remember_host_link(request: HttpRequest, link) -> None:
    """Keep a followed host link in the visitor's session, so the pages of that one session open
    without an account for as long as the link is not revoked."""
    links = dict(request.session.get(HOST_LINKS_KEY, {}))
    links[str(link.session_id)] = link.pk
    request.session[HOST_LINKS_KEY] = links


def host_link_for(request: HttpRequest, session: Session):
    """The still valid host link for `session` this visitor followed, or None."""
    link_id = request.session.get(HOST_LINKS_KEY, {}).get(str(session.pk))
    if link_id is None:
        return None
    return (
        HostLink.objects.active()
        .select_related("participant")
        .filter(pk=link_id, session=session)
        .first()
    )


def may_deliver(request: HttpRequest, session: Session, *, report: bool = False) -> bool:
    """May this visitor add slides (and, with `report=True`, write the report) of `session`?
    Its hosts, the event's organisers, whoever followed a valid host link for this session, and
    for the report also the note-takers a host named."""
    event = session.event
    if is_organiser(request, event):
        return True
    participant = participant_for(request, event)
    if participant is not None:
        if session.hostings.filter(participant=participant).exists():
            return True
        if report and session.note_takers.filter(pk=participant.pk).exists():
            return True
    return host_link_for(request, session) is not None


def deliverer_for(request: HttpRequest, session: Session) -> Participant | None:
    """Who is delivering, for the record: the visitor's participation, else the host a followed
    host link was sent to (None for a superuser outside the event)."""
    participant = participant_for(request, session.event)
    if participant is not None:
        return participant
    link = host_link_for(request, session)
    return link.participant if link else None
