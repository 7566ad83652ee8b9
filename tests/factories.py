"""One small factory per model: plain functions, no hidden side effects.

Each factory creates exactly the row it is named after (`make_participant` also creates the
Django user it needs, `make_session` the Host rows for the hosts it is given) and nothing
else. Unique values come from one counter, so factories can be called in any order.
"""

import itertools
from collections.abc import Sequence
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db import transaction

from sessions_app.models import (
    Attachment,
    Event,
    Host,
    Participant,
    Placement,
    Room,
    Session,
    Slot,
    Theme,
    Vote,
)

_counter = itertools.count(1)


def _next() -> int:
    return next(_counter)


def make_event(**kw) -> Event:
    n = _next()
    fields = {
        "slug": f"event-{n}",
        "name": f"Event {n}",
        "date": date(2026, 6, 13),
        "timezone": "Europe/Brussels",
    }
    return Event.objects.create(**(fields | kw))


def make_room(event: Event, **kw) -> Room:
    n = _next()
    # Its place among the event's rooms, as the frame editor and an import number them: the
    # shared counter grows with the whole test run, and past the editor's limit (10,000) every
    # save of the rooms-and-slots page that shows the room would be refused.
    fields = {"name": f"Room {n}", "capacity": 30, "order": event.rooms.count()}
    return Room.objects.create(event=event, **(fields | kw))


def event_time(event: Event, wall_clock: str | time) -> datetime:
    """`wall_clock` ("10:00") on the event's date, as an aware datetime in the event's zone."""
    if isinstance(wall_clock, str):
        wall_clock = time.fromisoformat(wall_clock)
    return datetime.combine(event.date, wall_clock).replace(tzinfo=event.tz)


def make_slot(
    event: Event,
    start: str | time = "10:00",
    end: str | time = "10:45",
    kind: str = Slot.Kind.SESSIONS,
    **kw,
) -> Slot:
    return Slot.objects.create(
        event=event,
        start=event_time(event, start),
        end=event_time(event, end),
        kind=kind,
        **kw,
    )


def make_user(**kw):
    n = _next()
    fields = {"username": f"user{n}"}
    return get_user_model().objects.create_user(**(fields | kw))


def make_participant(
    event: Event,
    name: str | None = None,
    role: str = Participant.Role.PARTICIPANT,
    *,
    user=None,
    **kw,
) -> Participant:
    if user is None:
        user = make_user()
    if name is None:
        name = f"Person {user.username}"
    return Participant.objects.create(event=event, user=user, name=name, role=role, **kw)


def make_theme(event: Event, **kw) -> Theme:
    n = _next()
    fields = {"name": f"Theme {n}"}
    return Theme.objects.create(event=event, **(fields | kw))


def make_session(event: Event, hosts: Sequence[Participant] = (), **kw) -> Session:
    n = _next()
    fields = {"title": f"Session {n}"}
    session = Session.objects.create(event=event, **(fields | kw))
    Host.objects.bulk_create(
        Host(session=session, participant=host, order=order) for order, host in enumerate(hosts)
    )
    return session


def make_vote(participant: Participant, session: Session, **kw) -> Vote:
    """A vote, whatever the event's phase: the database only takes votes while voting is open,
    so the factory opens voting for the insert and puts the phase back (as an import does)."""
    events = Event.objects.filter(pk=participant.event_id)
    phase = events.values_list("phase", flat=True).get()
    events.update(phase=Event.Phase.VOTING)
    try:
        with transaction.atomic():  # a refused vote leaves the outer transaction usable
            return Vote.objects.create(participant=participant, session=session, **kw)
    finally:
        events.update(phase=phase)


def make_placement(session: Session, room: Room, slot: Slot, **kw) -> Placement:
    return Placement.objects.create(session=session, room=room, slot=slot, **kw)


def make_attachment(session: Session, **kw) -> Attachment:
    n = _next()
    fields = {"title": f"Attachment {n}", "url": f"https://example.org/slides/{n}"}
    return Attachment.objects.create(session=session, **(fields | kw))


def make_sign_in_link(participant: Participant, token: str, **kw):
    """A link for `participant` whose (plain) token is `token`; only its hash is stored."""
    from django.utils import timezone

    from sessions_app.models import SignInLink

    fields = {
        "user": participant.user,
        "event": participant.event,
        "email": participant.email or "someone@example.org",
        "token_hash": SignInLink.hash(token),
        "expires_at": timezone.now() + SignInLink.LIFETIME,
    }
    return SignInLink.objects.create(**(fields | kw))


def make_signed_in_session(user, *, code_given: bool = False, backend: str | None = None) -> str:
    """A session key for `user`, stored as `django.contrib.auth.login` stores it (in the
    database, where every app process finds it), for load and scale-out clients that send it
    as their cookie. `code_given`: also as the code step leaves it, for organisers (production
    requires an authenticator app; this creates one). `backend`: the path the session names
    (the first of AUTHENTICATION_BACKENDS, as a sign-in now stores it, unless given)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sessions_app import second_factor

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend or settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if code_given:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store[second_factor.HAS_DEVICE_KEY] = True
    store.create()
    return store.session_key
