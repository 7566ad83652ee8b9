"""People: joining an event, sign-in links (and their rate limits), a participant's language
and email address, inviting organisers and the desk's sign-in link for someone without mail.
An address belongs to one participant per event; sign-in links are single-use and short-lived."""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app.actions.base import (
    ActionRefused,
    RateLimited,
    _absolute,
    _lock,
    render_mail,
)
from sessions_app.models import (
    Event,
    EventLanguage,
    Participant,
    SignInLink,
    SignInRequest,
)

if TYPE_CHECKING:  # the account model get_user_model() answers: the settings name no other
    from django.contrib.auth.models import User as Account

User = get_user_model()

SIGN_IN_LIMIT_PER_EMAIL = 3  # links per address per window
SIGN_IN_LIMIT_PER_ADDRESS = 10  # requests per IP address per window
SIGN_IN_WINDOW_MINUTES = 15
SIGN_IN_LINK_MINUTES = int(SignInLink.LIFETIME.total_seconds() // 60)  # for the texts


def _new_user(name: str, email: str = "") -> Account:
    first, _space, last = name.partition(" ")
    user = User(username=f"p-{uuid.uuid4().hex[:12]}", email=email)
    user.first_name, user.last_name = first[:150], last[:150]
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def join_event(
    *,
    event: Event,
    name: str,
    organisation: str = "",
    email: str = "",
    user=None,
    language: str = "",
) -> Participant:
    """Make someone a participant. A signed-in person keeps their account (one person, several
    events); anyone else gets a new account without a password. `language`: the one they joined
    in; kept as their choice when it is not the event's (mails to them go out in it)."""
    if user is not None and user.is_authenticated:
        existing = event.participants.filter(user=user).first()
        if existing:
            return existing
    else:
        user = _new_user(name, email)
    try:
        with transaction.atomic():
            return Participant.objects.create(
                event=event,
                user=user,
                name=name,
                organisation=organisation,
                email=email,
                language=language
                if language in EventLanguage.values and language != event.language
                else "",
            )
    except IntegrityError:
        if user.pk and (existing := event.participants.filter(user=user).first()):
            return existing  # joined in another tab at the same moment
        raise ActionRefused(
            _("Someone in this event already uses this email address. Ask for a sign-in link.")
        ) from None


def _create_link(*, user, email: str, event: Event | None, ip: str | None) -> str:
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        user=user,
        event=event,
        email=email,
        token_hash=SignInLink.hash(token),
        requested_from=ip,
        expires_at=timezone.now() + SignInLink.LIFETIME,
    )
    return token


def _send_sign_in_mail(
    *, to: str, token: str, participant: Participant, language: str | None = None
) -> None:
    """Mail a sign-in link in `language`, by default the participant's."""
    event = participant.event
    context = {
        "name": participant.name,
        "event": event,
        "url": _absolute(reverse("public:sign-in", args=[token])),
        "minutes": SIGN_IN_LINK_MINUTES,
        "again_url": _absolute(
            f"{reverse('public:sign-in-request')}?{urlencode({'event': event.slug})}"
        ),
    }
    subject, body = render_mail("sign_in", context, language=language or participant.reads_in)
    send_mail(subject, body, None, [to])


def send_sign_in_link(*, participant: Participant, ip: str | None = None) -> None:
    """Mail a participant who gave an address their personal link (after joining, or when an
    organiser invites them)."""
    if not participant.email:
        return
    token = _create_link(
        user=participant.user, email=participant.email, event=participant.event, ip=ip
    )
    _send_sign_in_mail(to=participant.email, token=token, participant=participant)


def request_sign_in_links(
    *, email: str, ip: str | None, event: Event | None = None, language: str | None = None
) -> int:
    """Mail a sign-in link to every account that uses `email` (one per account). Refuses when
    the address or the requesting IP asked too often; known and unknown addresses are counted
    and answered alike, so nobody learns who takes part. Returns the number of links sent.
    `language`: the one the person asking picked with the language switch (the mail goes to
    them, so it speaks what they just read); without it, each participant's own."""
    email = email.strip()
    recent = SignInRequest.objects.recent(minutes=SIGN_IN_WINDOW_MINUTES)
    if recent.filter(email__iexact=email).count() >= SIGN_IN_LIMIT_PER_EMAIL or (
        ip and recent.filter(requested_from=ip).count() >= SIGN_IN_LIMIT_PER_ADDRESS
    ):
        raise RateLimited(
            ngettext(
                "Too many sign-in links were asked for. Try again in %(minutes)d minute.",
                "Too many sign-in links were asked for. Try again in %(minutes)d minutes.",
                SIGN_IN_WINDOW_MINUTES,
            )
            % {"minutes": SIGN_IN_WINDOW_MINUTES}
        )
    SignInRequest.objects.create(email=email, requested_from=ip)
    by_user: dict[int, Participant] = {}
    for participant in Participant.objects.filter(email__iexact=email).select_related(
        "event", "user"
    ):
        if participant.user_id not in by_user or (event and participant.event_id == event.pk):
            by_user[participant.user_id] = participant  # the event the person is on wins
    for participant in by_user.values():
        token = _create_link(user=participant.user, email=email, event=participant.event, ip=ip)
        _send_sign_in_mail(to=email, token=token, participant=participant, language=language)
    return len(by_user)


@transaction.atomic
def use_sign_in_link(*, token: str) -> SignInLink:
    """The link's user, once: the row is locked so two clicks cannot both use it."""
    link = (
        SignInLink.objects.select_for_update(of=("self",))
        .select_related("user", "event")
        .filter(token_hash=SignInLink.hash(token))
        .first()
    )
    if link is None or not link.usable:
        raise ActionRefused(
            _("This sign-in link has expired or was used already. Ask for a new one below.")
        )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return link


def find_sign_in_link(token: str) -> SignInLink | None:
    link = (
        SignInLink.objects.select_related("user", "event")
        .filter(token_hash=SignInLink.hash(token))
        .first()
    )
    return link if link and link.usable else None


def choose_language(*, user, language: str) -> int:
    """Remember the language a signed-in person picked with the language switch on all their
    participations, so mails to them go out in it. Returns the number of participations."""
    if language not in EventLanguage.values:
        return 0
    return Participant.objects.filter(user=user).update(language=language)


def owns_address(user, email: str) -> bool:
    """Whether `user` has shown that `email` is theirs: they used a sign-in link sent there.
    An address typed when joining proves nothing (anyone can type anyone's)."""
    return SignInLink.objects.filter(user=user, email__iexact=email, used_at__isnull=False).exists()


def set_participant_email(*, participant: Participant, email: str) -> Participant:
    """Add, change or remove (empty) the address a participant comes back with: one address
    per person and event (`participant_email_unique_in_event`)."""
    email = email.strip()
    try:
        with transaction.atomic():
            Participant.objects.filter(pk=participant.pk).update(email=email)
    except IntegrityError:
        raise ActionRefused(
            _(
                "Someone in this event already uses this email address. Use another one, or "
                "ask for a sign-in link if it is yours."
            )
        ) from None
    participant.email = email
    return participant


def create_desk_sign_in_link(*, participant: Participant, ip: str | None = None) -> str:
    """A sign-in link for an organiser to show or print at the info desk (for someone without
    an address, or who cannot read their mail): the same one-time, short-lived link as a mailed
    one. Its address is left empty: it proves no address is the person's (see `owns_address`)."""
    return _create_link(user=participant.user, email="", event=participant.event, ip=ip)


@transaction.atomic
def invite_organiser(*, event: Event, name: str, email: str, ip: str | None = None) -> Participant:
    """Make someone an organiser of the event and mail them a sign-in link. Only an account
    that has proven the address (by using a link sent to it) is reused or promoted; otherwise
    the invitation gets an account of its own, reached only through the mailed link."""
    _lock(event)  # two organisers inviting the same address at once: the second finds the first
    participant = event.participants.filter(email__iexact=email).first()
    if participant is not None:
        if not owns_address(participant.user, email):
            raise ActionRefused(
                _(
                    "%(name)s joined with this address but has not confirmed it yet. Ask them "
                    "to sign in once with a link sent to it, then invite them again."
                )
                % {"name": participant.name}
            )
        if participant.role != Participant.Role.ORGANISER:
            participant.role = Participant.Role.ORGANISER
            participant.save(update_fields=["role"])
    else:
        proven = [
            user
            for user in User.objects.filter(email__iexact=email).order_by("id")
            if owns_address(user, email)
        ]
        participant = Participant.objects.create(
            event=event,
            user=proven[0] if proven else _new_user(name, email),
            name=name,
            email=email,
            role=Participant.Role.ORGANISER,
        )
    transaction.on_commit(lambda: send_sign_in_link(participant=participant, ip=ip))
    return participant


def sign_in(*, request: HttpRequest, user: Account, backend: str | None = None) -> None:
    """Sign `user` in on this browser (a new session key); Django notes the account's last
    sign-in on its row, the write that makes this an action."""
    auth.login(request, user, backend=backend)


def give_demo_password(*, user: Account, password: str) -> None:
    """The demo event's first organiser gets a password and the admin, so that whoever tries
    the demo can sign in."""
    user.set_password(password)
    user.is_staff = user.is_superuser = True
    user.save()
