"""Every write that touches more than one row or has a side effect (mail). Keyword-only
arguments, one transaction each; a refusal raises `ActionRefused` with a message for people."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.template import Context, engines
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app import grid, scheduling, uploads, wallclock
from sessions_app.exports import report
from sessions_app.models import (
    Attachment,
    Event,
    EventLanguage,
    FormSubmission,
    GridChange,
    Host,
    HostLink,
    Participant,
    Placement,
    ReportBuild,
    ReportRevision,
    Room,
    Session,
    SignInLink,
    SignInRequest,
    Slot,
    TextRevision,
    Theme,
    Vote,
    generate_calendar_token,
)

User = get_user_model()

SIGN_IN_LIMIT_PER_EMAIL = 3  # links per address per window
SIGN_IN_LIMIT_PER_ADDRESS = 10  # requests per IP address per window
SIGN_IN_WINDOW_MINUTES = 15
SIGN_IN_LINK_MINUTES = int(SignInLink.LIFETIME.total_seconds() // 60)  # for the texts


class ActionRefused(Exception):
    """The action cannot be done; `str(error)` says why, in the user's language."""


class RateLimited(ActionRefused):
    pass


# ---- forms that create something, once ------------------------------------------------------

T = TypeVar("T")


ANONYMOUS_RETURN_WINDOW = timedelta(minutes=10)


class AlreadySubmitted(Exception):
    """The form was sent before with this key by the same person: nothing new is made; `url`
    shows what the first submit made and `user` is whom it was for."""

    def __init__(self, submission: FormSubmission) -> None:
        super().__init__(submission.url)
        self.url = submission.url
        self.user = submission.user


def check_first_submit(*, key: uuid.UUID | None, user, anonymous_may_return: bool = False) -> None:
    """Raise `AlreadySubmitted` if `user` sent a form with this key before (see `submit_once`);
    for a form whose checks would refuse the second submit before it gets that far (the join
    form: "this address is taken")."""
    if key is None:
        return
    earlier = FormSubmission.objects.select_related("user").filter(key=key).first()
    if earlier is None or not earlier.url:
        return
    me = user.pk if user is not None and user.is_authenticated else None
    # A visitor who is not signed in comes back to the first submit only soon after it (the
    # answer that signed them in was lost): the key is not a lasting way into an account.
    fresh = earlier.created_at >= timezone.now() - ANONYMOUS_RETURN_WINDOW
    if earlier.user_id == me or (me is None and anonymous_may_return and fresh):
        raise AlreadySubmitted(earlier)


def submit_once(
    *,
    key: uuid.UUID | None,
    user,
    create: Callable[[], T],
    url: Callable[[T], str],
    owner: Callable[[T], Any] | None = None,
    anonymous_may_return: bool = False,
) -> T:
    """Run `create` (an action) once per form key, in one transaction with the key's row.

    The row goes in first: a second submit with the same key waits on the unique index until
    the first one commits, then finds its row and raises `AlreadySubmitted` instead of making a
    second copy; if the first one was refused, its row went with it and the second one goes
    ahead. A key belongs to who sent it, or to `owner(made)` (the account a join made); someone
    else's key makes the form a plain form again, so it never leads to what another person made.
    `anonymous_may_return` lets a visitor who is not signed in come back to the owner's submit
    (the join form: its CSRF token is bound to the browser and renewed by the sign-in it did).
    Without a key (a page from an old cache) the form works as it always did."""
    if key is None:
        return create()
    me = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(key=key, user=me, url="")
        except IntegrityError:
            check_first_submit(key=key, user=user, anonymous_may_return=anonymous_may_return)
            return create()  # someone else's key
        made = create()
        submission.url = url(made)[: FormSubmission._meta.get_field("url").max_length]
        if owner is not None:
            submission.user = owner(made)
        submission.save(update_fields=["url", "user"])
        return made


# ---- people -------------------------------------------------------------------------------


def _new_user(name: str, email: str = "") -> AbstractBaseUser:
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


def _absolute(path: str) -> str:
    return f"{settings.OOCAMP_BASE_URL.rstrip('/')}{path}"


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


def render_mail(stem: str, context: dict, *, language: str) -> tuple[str, str]:
    """The subject and body of the plain-text mail `emails/<stem>.txt`, in `language`. A mail
    is not HTML: nothing is escaped (“D'Hondt & Zoon” reads as typed), and the subject is one
    line. Every mail goes through here."""
    engine = engines["django"].engine
    with translation.override(language):
        subject = engine.get_template(f"emails/{stem}_subject.txt").render(
            Context(context, autoescape=False)
        )
        body = engine.get_template(f"emails/{stem}.txt").render(Context(context, autoescape=False))
    return " ".join(subject.split()), body


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


# ---- proposals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """What a proposal form says, cleaned."""

    title: str
    kind: str
    description: str
    themes: list[Theme]
    unavailable_slots: list[Slot]
    cohosts: list[Participant]
    invited_names: list[str]


def _set_hosts(session: Session, proposal: Proposal, *, keep: Participant | None) -> None:
    """Hosts become `keep` (who is editing) plus the chosen co-hosts plus the invited names;
    hosts who stay keep their order."""
    current = [h.participant for h in session.hostings.select_related("participant")]
    wanted = {p.pk for p in proposal.cohosts} | ({keep.pk} if keep else set())
    hosts = [p for p in current if p.pk in wanted]
    for participant in [keep, *proposal.cohosts]:
        if participant is not None and participant.pk not in {h.pk for h in hosts}:
            hosts.append(participant)
    for name in proposal.invited_names:
        hosts.append(
            Participant.objects.create(event=session.event, user=_new_user(name), name=name)
        )
    if not hosts:
        raise ActionRefused(_("A session needs at least one host."))
    session.hostings.exclude(participant_id__in=[h.pk for h in hosts]).delete()
    existing = dict(session.hostings.values_list("participant_id", "pk"))
    for order, participant in enumerate(hosts):
        if participant.pk in existing:
            Host.objects.filter(pk=existing[participant.pk]).update(order=order)
        else:
            Host.objects.create(session=session, participant=participant, order=order)


@transaction.atomic
def propose_session(*, event: Event, by: Participant, proposal: Proposal) -> Session:
    if not event.proposing_open:
        raise ActionRefused(_("Proposing is closed for this event."))
    session = Session.objects.create(
        event=event, title=proposal.title, kind=proposal.kind, description=proposal.description
    )
    _set_hosts(session, proposal, keep=by)
    session.themes.set(proposal.themes)
    session.unavailable_slots.set(proposal.unavailable_slots)
    keep_text(
        subject=Subject.SESSION_DESCRIPTION,
        owner=session,
        old="",
        new=proposal.description,
        by=by,
    )
    return session


def _proposal_unchanged(session: Session, proposal: Proposal, by: Participant | None) -> bool:
    """Whether saving this proposal would leave the session as it is (a double click)."""
    hosts = set(session.hostings.values_list("participant_id", flat=True))
    wanted = {p.pk for p in proposal.cohosts} | ({by.pk} if by else set())
    return (
        (session.title, session.kind, session.description)
        == (proposal.title, proposal.kind, proposal.description)
        and not proposal.invited_names
        and hosts == wanted
        and set(session.themes.values_list("pk", flat=True)) == {t.pk for t in proposal.themes}
        and set(session.unavailable_slots.values_list("pk", flat=True))
        == {s.pk for s in proposal.unavailable_slots}
    )


@transaction.atomic
def update_session(
    *,
    session: Session,
    proposal: Proposal,
    by: Participant | None = None,
    based_on: int | None = None,
    author: Participant | None = None,
) -> Session:
    """Change a proposal. A host who edits stays a host; an organiser (`by=None`) sets the
    hosts from the form, which lists the current ones, so nobody is dropped by accident.

    `based_on` is the version the edit form was opened on: a save from an older one raises
    `EditConflict` instead of overwriting what someone else saved (None: no editor's form, no
    check). Saving what is already there changes nothing. The description keeps its history,
    with `author` (or else `by`) as the writer."""
    # the event first, then the session: the order merges and the grid's writers lock in (it
    # touches the grid below), so an edit and a merge wait for each other, never deadlock
    locked = _locked_sessions(session.event_id, session.pk).get(session.pk)
    if locked is None:
        raise ChangedMeanwhile(_("This session no longer exists."))
    if locked.merged_into_id:  # its hosts, votes and themes went there: so should the change
        other = Session.objects.filter(pk=locked.merged_into_id).values_list("title", flat=True)
        raise ChangedMeanwhile(
            _("“%(session)s” was merged into “%(other)s” meanwhile; make the change there.")
            % {"session": locked.title, "other": other.first() or "?"}
        )
    if _proposal_unchanged(locked, proposal, by):
        return session
    if based_on is not None:
        _stale(locked, "version", based_on, Subject.SESSION_DESCRIPTION)
    keep_text(
        subject=Subject.SESSION_DESCRIPTION,
        owner=locked,
        old=locked.description,
        new=proposal.description,
        by=author or by,
    )
    session.title, session.kind = proposal.title, proposal.kind
    session.description = proposal.description
    session.version = locked.version + 1
    session.save(update_fields=["title", "kind", "description", "version", "updated_at"])
    _set_hosts(session, proposal, keep=by)
    session.themes.set(proposal.themes)
    session.unavailable_slots.set(proposal.unavailable_slots)
    touch_grid(session.event)
    return session


@transaction.atomic
def withdraw_session(*, session: Session, by: Participant | None = None) -> Session:
    """Take a session off the programme (its place in the grid is freed, as a recorded grid
    change; its votes stay, so restoring it gives everything back)."""
    locked = _locked_sessions(session.event_id, session.pk).get(session.pk)
    if locked is None or locked.status == Session.Status.WITHDRAWN:
        return locked or session  # withdrawn (or merged) meanwhile: nothing left to do
    _unplace_quietly(locked, summary=_("“%(session)s” withdrawn"), by=by)
    locked.status = Session.Status.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    return locked


def _unplace_quietly(session: Session, *, summary: str, by: Participant | None) -> None:
    """Free the session's cell, if it has one, as a change in the grid's history."""
    event = Event.objects.select_for_update().get(pk=session.event_id)
    rows = grid.snapshot(event)
    if any(row[0] == session.pk for row in rows):
        rows = [row for row in rows if row[0] != session.pk]
        _write_grid(
            event,
            rows,
            kind=GridChange.Kind.UNPLACE,
            summary=summary % {"session": session.title},
            by=by,
        )


def _hand_over_cell(*, keep: Session, merge: Session) -> None:
    """The merged session's cell goes to the kept one when that has none and the rules allow
    it (its hosts now include the merged one's); otherwise the cell is freed. Either way it is
    a recorded, undoable grid change."""
    event = Event.objects.select_for_update().get(pk=keep.event_id)
    rows = {row[0]: row for row in grid.snapshot(event)}
    cell = rows.pop(merge.pk, None)
    if cell is None:
        return
    summary = _("“%(session)s” merged") % {"session": merge.title}
    if keep.pk not in rows:
        candidate = [*rows.values(), [keep.pk, cell[1], cell[2], cell[3]]]
        problem = grid.problem_for(event)
        if not [
            c
            for c in scheduling.conflicts(problem, grid.placements_of(candidate))
            if keep.pk in c.sessions and c.rule != scheduling.Rule.PIN_MOVED
        ]:
            rows[keep.pk] = candidate[-1]
            summary = _("“%(merged)s” merged into “%(session)s”, which takes its place") % {
                "merged": merge.title,
                "session": keep.title,
            }
    _write_grid(event, list(rows.values()), kind=GridChange.Kind.MOVE, summary=summary, by=None)


def touch_grid(event: Event) -> None:
    """Something shown in the grid changed (a title, the hosts): grids on screens reload."""
    Event.objects.filter(pk=event.pk).update(grid_version=F("grid_version") + 1)


@transaction.atomic
def restore_session(*, session: Session) -> Session:
    """Put a withdrawn session back. Not one merged into another: its votes and hosts are
    there now, so on its own it would come back empty (and still point there)."""
    locked = _locked_sessions(session.event_id, session.pk).get(session.pk)
    if locked is None:
        raise ChangedMeanwhile(_("This session no longer exists."))
    if locked.merged_into_id:
        other = Session.objects.filter(pk=locked.merged_into_id).values_list("title", flat=True)
        raise ChangedMeanwhile(
            _("“%(session)s” was merged into “%(other)s”; it cannot come back on its own.")
            % {"session": locked.title, "other": other.first() or "?"}
        )
    locked.status = Session.Status.PROPOSED
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def set_session_hidden(*, session: Session, hidden: bool) -> Session:
    locked = _locked_sessions(session.event_id, session.pk).get(session.pk)
    if locked is None:
        raise ChangedMeanwhile(_("This session no longer exists."))
    if hidden:
        _unplace_quietly(locked, summary=_("“%(session)s” hidden"), by=None)
    locked.hidden = hidden
    locked.save(update_fields=["hidden", "updated_at"])
    return locked


class ChangedMeanwhile(ActionRefused):
    """What the action was asked on is no longer so: someone else changed it just before."""


def _locked_sessions(event_id: int, *pks: int) -> dict[int, Session]:
    """The event's row and then these sessions' rows, locked for the rest of the transaction,
    always in that order (the event, then sessions by ascending pk) — the order the grid's
    writers lock in, so two writers wait for each other instead of deadlocking — and read
    afresh: what the caller read before may have changed meanwhile."""
    Event.objects.select_for_update().filter(pk=event_id).first()
    locked = {}
    for pk in sorted(set(pks)):
        session = Session.objects.select_for_update().filter(pk=pk).first()
        if session is not None:
            locked[pk] = session
    return locked


def _merged_or_withdrawn(session: Session) -> str | None:
    """Why `session` can take part in no merge any more, or None."""
    if session.merged_into_id:
        other = Session.objects.filter(pk=session.merged_into_id).values_list("title", flat=True)
        return _("“%(session)s” was merged into “%(other)s” meanwhile; nothing was merged.") % {
            "session": session.title,
            "other": other.first() or "?",
        }
    if session.status == Session.Status.WITHDRAWN:
        return _("“%(session)s” was withdrawn meanwhile; nothing was merged.") % {
            "session": session.title
        }
    return None


def _locked_for_merge(keep: Session, merge: Session) -> tuple[Session, Session]:
    """Both sessions locked and read again, refused if either was merged or withdrawn since
    the caller read them: two organisers merging A into B and B into A at the same moment
    would otherwise both be told it worked, leave both withdrawn pointing at each other, and
    delete the votes of whoever voted for both twice over."""
    locked = _locked_sessions(keep.event_id, keep.pk, merge.pk)
    if keep.pk not in locked or merge.pk not in locked:
        raise ChangedMeanwhile(
            _("One of these sessions was deleted meanwhile; nothing was merged.")
        )
    keep, merge = locked[keep.pk], locked[merge.pk]
    for session in (merge, keep):
        if reason := _merged_or_withdrawn(session):
            raise ChangedMeanwhile(reason)
    if keep.event_id != merge.event_id:
        raise ActionRefused(_("Choose two different sessions of this event."))
    return keep, merge


@transaction.atomic
def merge_sessions(*, keep: Session, merge: Session) -> Session:
    """Fold `merge` into `keep`: hosts, votes, themes and unavailable slots combined without
    duplicates; `merge` is withdrawn and says where it went. Refused with `ChangedMeanwhile`
    when either was merged or withdrawn since the caller read them."""
    if keep.pk == merge.pk or keep.event_id != merge.event_id:
        raise ActionRefused(_("Choose two different sessions of this event."))
    keep, merge = _locked_for_merge(keep, merge)
    # a vote moves over (keeping its time); who voted for both keeps one and gets one back
    already = keep.votes.values("participant_id")
    merge.votes.filter(participant_id__in=already).delete()
    merge.votes.update(session=keep)
    next_order = (keep.hostings.aggregate(m=Max("order"))["m"] or 0) + 1
    hosting = set(keep.hostings.values_list("participant_id", flat=True))
    for host in merge.hostings.order_by("order", "id"):
        if host.participant_id not in hosting:
            Host.objects.create(session=keep, participant_id=host.participant_id, order=next_order)
            next_order += 1
    keep.themes.add(*merge.themes.all())
    keep.unavailable_slots.add(*merge.unavailable_slots.all())
    _hand_over_cell(keep=keep, merge=merge)
    merge.status = Session.Status.WITHDRAWN
    merge.merged_into = keep
    merge.save(update_fields=["status", "merged_into", "updated_at"])
    keep.save(update_fields=["updated_at"])
    _bump_session_versions([keep.pk])  # its hosts and themes changed under its edit form
    return keep


# ---- votes --------------------------------------------------------------------------------


def votes_left(participant: Participant, *, used: int | None = None) -> int | None:
    """None when votes are unlimited; `used` saves the count when the caller has it."""
    budget = participant.event.votes_per_participant
    if budget is None:
        return None
    return max(0, budget - (participant.votes.count() if used is None else used))


def cast_vote(*, participant: Participant, session: Session) -> bool:
    """Vote once; a second vote for the same session changes nothing. Returns whether a vote
    was added.

    `INSERT … ON CONFLICT DO NOTHING`: the database holds the rules (unique vote, same event,
    open voting, the budget — its trigger locks the participant's row, so one person's
    concurrent votes cannot overrun it) and answers a double tap without a second row. Before
    it, the session's row is read again under a shared lock: a merge or withdrawal holding it
    is waited for and then seen, so no vote lands on a session just merged away (where it
    would be lost) or collides with the votes a merge moves. The checks here only give the
    clear messages first."""
    event = participant.event
    if session.event_id != participant.event_id:
        raise ActionRefused(_("This session belongs to another event."))
    if not event.voting_open:
        raise ActionRefused(_("Voting is not open."))
    if not session.is_visible:
        raise ActionRefused(_("This session was withdrawn."))
    try:
        # Its own transaction (or, inside a caller's, a savepoint that keeps a refusal from
        # breaking it): the lock on the session lasts until the vote is in.
        with transaction.atomic():
            if not _session_takes_votes(session.pk):
                raise ActionRefused(_("This session was withdrawn."))
            created = _insert_vote(participant.pk, session.pk)
    except IntegrityError as error:
        if "vote_phase" in str(error):  # voting closed since the event was read
            raise ActionRefused(_("Voting is not open.")) from None
        if "vote_budget" not in str(error):
            raise
        if Vote.objects.filter(participant=participant, session=session).exists():
            return False  # a repeated tap on the vote that used the last one
        budget = event.votes_per_participant or 0
        raise ActionRefused(
            ngettext(
                "You have used your %(budget)d vote. Take it back from another session first.",
                "You have used all %(budget)d votes. Take one back from another session first.",
                budget,
            )
            % {"budget": budget}
        ) from None
    return created


def _session_takes_votes(session_id: int) -> bool:
    """Whether the session still takes votes, read under `FOR SHARE` on PostgreSQL (votes
    share it with each other; a merge's or withdrawal's lock on the row makes them wait)."""
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, hidden FROM {Session._meta.db_table} WHERE id = %s{lock}",
            [session_id],
        )
        row = cursor.fetchone()
    return row is not None and Session.shown(*row)


def _insert_vote(participant_id: int, session_id: int) -> bool:
    """`INSERT … ON CONFLICT DO NOTHING` (PostgreSQL and SQLite alike); True if a row was
    written. Raw SQL because the ORM's ignore_conflicts does not say whether it wrote one."""
    table = Vote._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (participant_id, session_id, created_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (participant_id, session_id) DO NOTHING",
            [participant_id, session_id, now],
        )
        return cursor.rowcount == 1


@transaction.atomic
def retract_vote(*, participant: Participant, session: Session) -> bool:
    if session.event_id != participant.event_id:
        raise ActionRefused(_("This session belongs to another event."))
    if not participant.event.voting_open:
        raise ActionRefused(_("Voting is not open."))
    deleted, _rows = Vote.objects.filter(participant=participant, session=session).delete()
    return deleted > 0


# ---- the grid -----------------------------------------------------------------------------


class StaleGrid(ActionRefused):
    """The change was made on an older grid than the one in the database."""


class NothingToDo(ActionRefused):
    """The change would leave the grid as it is; nothing is recorded."""


def _locked_event(event: Event, version: int) -> Event:
    """The event row, locked for the rest of the transaction: grid changes of one event go
    one at a time, and each must be made on the current version."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.grid_version != version:
        raise StaleGrid(
            _("Someone else changed the grid just now. Here is the fresh grid; try again.")
        )
    return locked


def _session_names(ids) -> dict[int, str]:
    return dict(Session.objects.filter(pk__in=list(ids)).values_list("id", "title"))


def describe_conflict(conflict: scheduling.Conflict) -> str:
    """A broken hard rule, in words for organisers (names, not ids)."""
    titles = _session_names(conflict.sessions)
    first = titles.get(conflict.sessions[0], "?")
    if conflict.rule == scheduling.Rule.HOST_BUSY:
        hosts = ", ".join(
            Participant.objects.filter(pk__in=conflict.hosts).values_list("name", flat=True)
        )
        others = " / ".join(f"“{titles[s]}”" for s in conflict.sessions)
        return _("%(hosts)s would host two sessions at once: %(sessions)s.") % {
            "hosts": hosts,
            "sessions": others,
        }
    if conflict.rule == scheduling.Rule.UNAVAILABLE:
        slot = Slot.objects.select_related("event").get(pk=conflict.slot)
        return _("The hosts of “%(session)s” cannot do %(slot)s.") % {
            "session": first,
            "slot": slot,
        }
    if conflict.rule == scheduling.Rule.NOT_A_SESSION_SLOT:
        return _("Sessions go in session slots, not in breaks or plenaries.")
    if conflict.rule == scheduling.Rule.WITHDRAWN:
        return _("“%(session)s” was withdrawn.") % {"session": first}
    if conflict.rule == scheduling.Rule.CELL_TAKEN:
        return _("Two sessions cannot share a room at the same time.")
    if conflict.rule == scheduling.Rule.PLACED_TWICE:
        return _("“%(session)s” cannot be in two places at once.") % {"session": first}
    return _("That move breaks a rule of the grid (%(rule)s).") % {"rule": conflict.rule}


def _check_rows(event: Event, rows: list[list], moved: set[int]) -> None:
    """Refuse a grid whose moved sessions break a hard rule (conflicts that were already there
    elsewhere, e.g. from an imported file, do not block other moves)."""
    problem = grid.problem_for(event)
    known = {s.id for s in problem.sessions}
    for row in rows:
        if row[0] not in known:
            raise ActionRefused(_("That session is not on this event's board."))
    for conflict in scheduling.conflicts(problem, grid.placements_of(rows)):
        if conflict.rule == scheduling.Rule.PIN_MOVED:
            continue  # organisers may move a pinned session by hand; the pin moves along
        if moved & set(conflict.sessions):
            raise ActionRefused(describe_conflict(conflict))


def _write_grid(
    event: Event, rows: list[list], *, kind: str, summary: str, by: Participant | None
) -> GridChange:
    """Make the event's placements equal to `rows`, bump the version, record the change."""
    before = grid.snapshot(event)
    old = {row[0]: row for row in before}
    new = {row[0]: row for row in rows}
    changed = [s for s in old if old[s] != new.get(s)]
    _bump_schedule_sequence(old, new)  # subscribed calendar apps see the session moved
    # delete first, then insert: SQLite checks the cell index row by row (no deferral)
    Placement.objects.filter(session_id__in=changed).delete()
    Placement.objects.bulk_create(
        Placement(session_id=s, room_id=r, slot_id=t, pinned=bool(p))
        for s, r, t, p in rows
        if old.get(s) != [s, r, t, p]
    )
    placed, unplaced = set(new) - set(old), set(old) - set(new)
    Session.objects.filter(pk__in=placed, status=Session.Status.PROPOSED).update(
        status=Session.Status.SCHEDULED
    )
    Session.objects.filter(pk__in=unplaced, status=Session.Status.SCHEDULED).update(
        status=Session.Status.PROPOSED
    )
    Event.objects.filter(pk=event.pk).update(grid_version=F("grid_version") + 1)
    event.refresh_from_db(fields=["grid_version"])
    return GridChange.objects.create(
        event=event,
        version=event.grid_version,
        kind=kind,
        by=by,
        summary=summary[:500],
        before=before,
        after=sorted(rows),
    )


@transaction.atomic
def move_session(
    *,
    event: Event,
    session: Session,
    cell: tuple[Room, Slot] | None,
    version: int,
    by: Participant | None,
) -> GridChange:
    """Put a session in a cell (None: back to the tray). A session already in that cell
    swaps to the moved one's old cell, or to the tray."""
    _locked_event(event, version)
    rows = {row[0]: row for row in grid.snapshot(event)}
    source = rows.pop(session.pk, None)
    target = None if cell is None else [cell[0].pk, cell[1].pk]
    if (source[1:3] if source else None) == target:
        raise NothingToDo(_("“%(session)s” is there already.") % {"session": session.title})
    moved = {session.pk}
    if cell is None:
        summary = _("“%(session)s” back to the tray") % {"session": session.title}
        kind = GridChange.Kind.UNPLACE
    else:
        room, slot = cell
        if room.event_id != event.pk or slot.event_id != event.pk:
            raise ActionRefused(_("That cell is not in this event's grid."))
        pinned = bool(source[3]) if source else False
        occupant = next((r for r in rows.values() if r[1:3] == [room.pk, slot.pk]), None)
        if occupant is not None:
            del rows[occupant[0]]
            moved.add(occupant[0])
            if source:
                rows[occupant[0]] = [occupant[0], source[1], source[2], occupant[3]]
        rows[session.pk] = [session.pk, room.pk, slot.pk, pinned]
        kind = GridChange.Kind.MOVE
        summary = _("“%(session)s” to %(room)s, %(slot)s") % {
            "session": session.title,
            "room": room.name,
            "slot": slot,
        }
        if occupant is not None:
            other = _session_names([occupant[0]]).get(occupant[0], "?")
            summary += " " + _("(swapped with “%(other)s”)") % {"other": other}
    new_rows = list(rows.values())
    _check_rows(event, new_rows, moved)
    return _write_grid(event, new_rows, kind=kind, summary=summary, by=by)


@transaction.atomic
def set_pinned(
    *, event: Event, session: Session, pinned: bool, version: int, by: Participant | None
) -> GridChange:
    _locked_event(event, version)
    rows = grid.snapshot(event)
    if not any(row[0] == session.pk for row in rows):
        raise ActionRefused(_("Only a session in the grid can be pinned."))
    rows = [[s, r, t, pinned if s == session.pk else p] for s, r, t, p in rows]
    template = _("“%(session)s” pinned") if pinned else _("“%(session)s” unpinned")
    return _write_grid(
        event, rows, kind=GridChange.Kind.PIN, summary=template % {"session": session.title}, by=by
    )


def _usable_rows(event: Event, rows: list[list]) -> list[list]:
    """Rows of an earlier grid that still make sense: sessions, rooms and slots that exist,
    sessions not withdrawn since."""
    sessions = set(event.sessions.visible().values_list("id", flat=True))
    rooms = set(event.rooms.values_list("id", flat=True))
    slots = set(event.slots.for_sessions().values_list("id", flat=True))
    return [row for row in rows if row[0] in sessions and row[1] in rooms and row[2] in slots]


@transaction.atomic
def undo_grid_change(*, event: Event, version: int, by: Participant | None) -> GridChange:
    """Undo the most recent change that is not undone yet (undo again for the one before)."""
    _locked_event(event, version)
    last = (
        event.grid_changes.exclude(kind=GridChange.Kind.UNDO)
        .filter(undone=False)
        .order_by("-version")
        .first()
    )
    if last is None:
        raise ActionRefused(_("There is nothing to undo."))
    rows = _usable_rows(event, last.before)
    change = _write_grid(
        event,
        rows,
        kind=GridChange.Kind.UNDO,
        summary=_("Undone: %(change)s") % {"change": last.summary},
        by=by,
    )
    last.undone = True
    last.save(update_fields=["undone"])
    return change


@transaction.atomic
def restore_grid(
    *, event: Event, change: GridChange, version: int, by: Participant | None
) -> GridChange:
    """Go back to the grid as it was right after `change`."""
    _locked_event(event, version)
    rows = _usable_rows(event, change.after)
    moment = timezone.localtime(change.created_at, event.tz)
    return _write_grid(
        event,
        rows,
        kind=GridChange.Kind.RESTORE,
        summary=_("Back to the grid of %(time)s") % {"time": moment.strftime("%H:%M:%S")},
        by=by,
    )


@transaction.atomic
def accept_grid(
    *, event: Event, rows: list[list], version: int, by: Participant | None, summary: str
) -> GridChange:
    """Make a proposed grid the live one (checked like any other change)."""
    _locked_event(event, version)
    rows = _usable_rows(event, rows)
    _check_rows(event, rows, {row[0] for row in rows})
    return _write_grid(event, rows, kind=GridChange.Kind.PROPOSAL, summary=summary, by=by)


# ---- organisers: events, phases and the frame (rooms × slots) ------------------------------
# This block was appended whole, so its one import sits here; hoist it when convenient.

PHASES = list(Event.Phase.values)  # the order an event goes through
EVENT_SETTINGS = [
    "name",
    "date",
    "venue",
    "language",
    "timezone",
    "votes_per_participant",
    "description",
]
_PARKING = timedelta(days=300 * 365)


def phase_steps(phase: str) -> tuple[str | None, str | None]:
    """The phases an event may go to from `phase`: (previous, next), None past either end."""
    index = PHASES.index(phase)
    previous = PHASES[index - 1] if index > 0 else None
    following = PHASES[index + 1] if index + 1 < len(PHASES) else None
    return previous, following


@transaction.atomic
def set_phase(*, event: Event, phase: str) -> Event:
    """Move the event one phase forward or back; only the phase changes (votes, proposals and
    the grid stay as they are, so going back undoes it). A second click on the same button
    finds the event there already and changes nothing."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.phase != phase:
        if phase not in phase_steps(locked.phase):
            raise ActionRefused(
                _("From “%(current)s” an event can only go one phase forward or back.")
                % {"current": locked.get_phase_display()}
            )
        locked.phase = phase
        locked.save(update_fields=["phase", "updated_at"])
    event.phase = locked.phase
    return locked


@transaction.atomic
def create_event(*, by_user, event: Event) -> Event:
    """Save a new event (from its settings form) and make its maker an organiser of it, under
    the name they used in their latest event (or their account's name)."""
    try:
        with transaction.atomic():
            event.save(force_insert=True)
    except IntegrityError:
        event.pk = None
        raise ActionRefused(
            _("Another event took this short name just now; choose another.")
        ) from None
    earlier = by_user.participations.order_by("-joined_at", "-pk").first()
    name = earlier.name if earlier else (by_user.get_full_name() or by_user.get_username())
    Participant.objects.create(
        event=event,
        user=by_user,
        name=name[:150],
        email=by_user.email,
        role=Participant.Role.ORGANISER,
    )
    return event


def _moved(moment: datetime, source: Event, target: Event) -> datetime:
    """`moment` in `source`, at the same wall-clock time and day in `target`; raises
    `wallclock.ClockProblem` when a clock change skips or doubles that time there."""
    local = timezone.localtime(moment, source.tz).replace(tzinfo=None)
    return wallclock.moved(local + (target.date - source.date), target.tz)


def _moved_slots(slots: list[Slot], source: Event, target: Event, refusal: str) -> None:
    """Give each slot its time in `target` (in memory), or refuse the whole change with
    `refusal` (which names the slot) and why, before anything is written."""
    for slot in slots:
        try:
            start, end = _moved(slot.start, source, target), _moved(slot.end, source, target)
        except wallclock.ClockProblem as problem:
            raise ActionRefused(
                f"{refusal % {'slot': _slot_text(source, slot)}} {problem}"
            ) from None
        except OverflowError:  # a row from before dates were checked, at the calendar's edge
            named = f"{slot.start:%Y-%m-%d %H:%M} UTC"
            raise ActionRefused(
                f"{refusal % {'slot': named}} "
                + _("Its time is outside the calendar; delete it and add it again.")
            ) from None
        slot.start, slot.end = start, end


def _park_slots(ids: list[int]) -> None:
    """Move these slots far away (300 years back, or ahead for rows from before event dates
    were checked that sit near year 1), keeping their distances, so that slots can then take
    their new times one by one without overlapping on the way (the database checks every row
    as it is written, and a swap or a shift would trip it)."""
    if not ids:
        return
    slots = Slot.objects.filter(pk__in=ids)
    first = slots.aggregate(first=Min("start"))["first"]
    room = first - datetime.min.replace(tzinfo=UTC) if first else _PARKING
    offset = _PARKING if room > _PARKING + timedelta(days=2) else -_PARKING
    slots.update(start=F("start") - offset, end=F("end") - offset)


def _bump_frame(locked: Event, event: Event) -> None:
    """The rooms or slots changed: editors opened on the frame before are stale now."""
    locked.frame_version += 1
    Event.objects.filter(pk=locked.pk).update(frame_version=locked.frame_version)
    event.frame_version = locked.frame_version


@transaction.atomic
def update_event(
    *, event: Event, based_on: int | None = None, by: Participant | None = None
) -> Event:
    """Save the event's settings (not its short name or phase). When the date or the time
    zone changes, the slots move along: the same wall-clock times on the new date; a time
    that a clock change skips or doubles there refuses the save, naming the slot.

    `based_on` is the `settings_version` the form was opened on: a save from another one
    raises `EditConflict` (None: no form, no check). Saving what is saved already changes
    nothing. The description keeps its history (`TextRevision`), with `by` as its writer."""
    before = Event.objects.select_for_update().get(pk=event.pk)
    if all(getattr(before, name) == getattr(event, name) for name in EVENT_SETTINGS):
        event.settings_version = before.settings_version
        return event
    if based_on is not None:
        _stale(before, "settings_version", based_on)
    moving = (before.date, before.timezone) != (event.date, event.timezone)
    slots = list(before.slots.all()) if moving else []
    _moved_slots(
        slots,
        before,
        event,
        _("Nothing was saved: the slot %(slot)s cannot move to the new date or time zone."),
    )
    keep_text(
        subject=TextRevision.Subject.EVENT_DESCRIPTION,
        owner=before,
        old=before.description,
        new=event.description,
        by=by,
    )
    event.settings_version = before.settings_version + 1
    event.frame_version = before.frame_version
    event.save(update_fields=[*EVENT_SETTINGS, "settings_version", "updated_at"])
    if moving:
        try:
            with transaction.atomic():
                _park_slots([slot.pk for slot in slots])
                for slot in slots:
                    slot.save(update_fields=["start", "end"])
        except IntegrityError:  # two slots that meet where the clocks change
            raise ActionRefused(
                _("Nothing was saved: the slots would overlap on the new date or time zone.")
            ) from None
        _bump_sessions_in_slots([slot.pk for slot in slots])  # calendar apps see them move
        if slots:
            _bump_frame(before, event)
        touch_grid(event)
    return event


@dataclass(frozen=True)
class FrameChanges:
    """What the rooms-and-slots page changes: new and changed rows (not saved yet) and rows to
    delete."""

    rooms: list[Room]
    deleted_rooms: list[Room]
    slots: list[Slot]
    deleted_slots: list[Slot]


def _slot_text(event: Event, slot: Slot) -> str:
    text = f"{event.local(slot.start):%H:%M}–{event.local(slot.end):%H:%M}"
    return f"{text} {slot.label}" if slot.label else text


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _refuse_held(event: Event, changes: FrameChanges) -> None:
    """Refuse to delete a room or slot that holds sessions, or to make such a slot a break."""
    room_ids = [room.pk for room in changes.deleted_rooms]
    held = set(Placement.objects.filter(room_id__in=room_ids).values_list("room_id", flat=True))
    if rooms := [room.name for room in changes.deleted_rooms if room.pk in held]:
        raise ActionRefused(
            ngettext(
                "The room %(rooms)s holds sessions, so nothing was saved. Move its sessions "
                "to another room in the grid first.",
                "The rooms %(rooms)s hold sessions, so nothing was saved. Move their sessions "
                "to other rooms in the grid first.",
                len(rooms),
            )
            % {"rooms": _quoted(rooms)}
        )
    not_sessions = [s for s in changes.slots if s.pk and s.kind != Slot.Kind.SESSIONS]
    slot_ids = [slot.pk for slot in [*changes.deleted_slots, *not_sessions]]
    held = set(Placement.objects.filter(slot_id__in=slot_ids).values_list("slot_id", flat=True))
    if slots := [_slot_text(event, s) for s in changes.deleted_slots if s.pk in held]:
        raise ActionRefused(
            ngettext(
                "The slot %(slots)s holds sessions, so nothing was saved. Move its sessions "
                "to another slot in the grid first.",
                "The slots %(slots)s hold sessions, so nothing was saved. Move their sessions "
                "to other slots in the grid first.",
                len(slots),
            )
            % {"slots": _quoted(slots)}
        )
    if slots := [_slot_text(event, s) for s in not_sessions if s.pk in held]:
        raise ActionRefused(
            ngettext(
                "The slot %(slots)s holds sessions, so it cannot become a break or a plenary; "
                "nothing was saved. Move its sessions to another slot in the grid first.",
                "The slots %(slots)s hold sessions, so they cannot become breaks or plenaries; "
                "nothing was saved. Move their sessions to other slots in the grid first.",
                len(slots),
            )
            % {"slots": _quoted(slots)}
        )


@transaction.atomic
def save_frame(*, event: Event, changes: FrameChanges, based_on: int | None = None) -> None:
    """Write what the rooms-and-slots page changed, all or nothing. Rooms and slots that hold
    sessions are not deleted, and a slot that holds sessions stays a session slot: the refusal
    names them. Rows change places freely (swap two slots' times, shift the whole day).

    `based_on` is the `frame_version` the page was opened on: a save from another one raises
    `EditConflict` (None: no page, no check); a save that changes something moves it on."""
    locked = Event.objects.select_for_update().get(pk=event.pk)  # one frame or grid change at once
    if based_on is not None:
        _stale(locked, "frame_version", based_on)
    _refuse_held(event, changes)
    try:
        Slot.objects.filter(pk__in=[slot.pk for slot in changes.deleted_slots]).delete()
        Room.objects.filter(pk__in=[room.pk for room in changes.deleted_rooms]).delete()
        for room in changes.rooms:
            if room.pk:  # its name may go to another room, and that room's to this one
                Room.objects.filter(pk=room.pk).update(name=f"~{uuid.uuid4().hex}")
        last = event.rooms.aggregate(last=Max("order"))["last"] or 0
        for room in changes.rooms:
            if room.order is None:  # left empty: after the others
                room.order = last = last + 1
            room.event = event
            room.save()
        _park_slots([slot.pk for slot in changes.slots if slot.pk])
        # subscribed calendar apps see the sessions in changed slots move
        _bump_sessions_in_slots([slot.pk for slot in changes.slots if slot.pk])
        for slot in changes.slots:
            slot.event = event
            slot.save()
    except IntegrityError:  # also RestrictedError: a placement made since the check above
        raise ActionRefused(
            _(
                "Someone changed the rooms, slots or grid at the same time, so nothing was "
                "saved. Check the page and save again."
            )
        ) from None
    if changes.rooms or changes.deleted_rooms or changes.slots or changes.deleted_slots:
        _bump_frame(locked, event)
        touch_grid(event)  # grids on screens and in the editor reload


@transaction.atomic
def copy_frame(*, source: Event, target: Event) -> tuple[list[Room], list[Slot]]:
    """Give `target` the rooms (name, seats, order) and slots (kind, label) of `source`, the
    slots at the same wall-clock times on `target`'s date. Only into an empty frame, so
    nothing gets mixed up or lost."""
    locked = Event.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise ActionRefused(_("Choose another event to copy from."))
    if locked.rooms.exists() or locked.slots.exists():
        raise ActionRefused(
            _(
                "This event has rooms or slots already; copying only fills an empty frame. "
                "Delete them first, or add what is missing by hand."
            )
        )
    copies = [
        Slot(event=locked, start=slot.start, end=slot.end, kind=slot.kind, label=slot.label)
        for slot in source.slots.order_by("start")
    ]
    _moved_slots(
        copies, source, locked, _("Nothing was copied: the slot %(slot)s cannot go to this date.")
    )
    try:
        with transaction.atomic():
            rooms = Room.objects.bulk_create(
                Room(event=locked, name=room.name, capacity=room.capacity, order=room.order)
                for room in source.rooms.order_by("order", "id")
            )
            slots = Slot.objects.bulk_create(copies)
    except IntegrityError:  # e.g. two slots that meet when a clock change is crossed
        raise ActionRefused(
            _("These slots cannot be copied to this date; add them by hand.")
        ) from None
    if rooms or slots:
        _bump_frame(locked, target)
    touch_grid(locked)
    return rooms, slots


# ---- session reports: their text, host links, reminders to hosts, held or not, themes -----


class ReportConflict(ActionRefused):
    """Someone saved the report since the writer opened it; `latest` is their revision."""

    def __init__(self, latest) -> None:
        super().__init__(
            _("Someone else saved this report while you were writing. Merge both texts.")
        )
        self.latest = latest


@transaction.atomic
def save_report(
    *, session: Session, text: str, based_on: int | None, by: Participant | None
) -> ReportRevision | None:
    """Save a new report text as a new revision. `based_on` is the revision the writer started
    from (None when there was none); if another save came in between, `ReportConflict` refuses
    it so nothing is overwritten unseen. Saving the text that is already current (a double
    click) changes nothing and returns None."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    latest = locked.report_revisions.first()
    if text == locked.report:
        return None
    if (latest.pk if latest else None) != based_on:
        raise ReportConflict(latest)
    revision = ReportRevision.objects.create(session=locked, text=text, author=by)
    locked.report = text
    locked.save(update_fields=["report", "updated_at"])
    session.report = text
    return revision


@transaction.atomic
def restore_report(*, revision: ReportRevision, by: Participant | None) -> ReportRevision:
    """Bring back an earlier text as a new revision, so the history itself never loses one."""
    locked = Session.objects.select_for_update().get(pk=revision.session_id)
    restored = ReportRevision.objects.create(session=locked, text=revision.text, author=by)
    locked.report = revision.text
    locked.save(update_fields=["report", "updated_at"])
    return restored


# ---- texts two people can edit: versions, conflicts and each text's history ---------------
# Every editor two people can open names the version it was opened on; a save from an older
# version is refused with `EditConflict` (the view shows both sides), never written over what
# someone else saved. Texts people write keep every save as a `TextRevision`, like reports.

Subject = TextRevision.Subject

# subject → (the model that holds the text, its text field, the version field of its editor)
TEXT_PLACES: dict[str, tuple[type, str, str]] = {
    Subject.SYNTHESIS: (Theme, "synthesis", "version"),
    Subject.INTRODUCTION: (Event, "introduction", "texts_version"),
    Subject.CONCLUSION: (Event, "conclusion", "texts_version"),
    Subject.REPORT_TEMPLATE: (Event, "report_template", "texts_version"),
    Subject.EVENT_DESCRIPTION: (Event, "description", "settings_version"),
    Subject.SESSION_DESCRIPTION: (Session, "description", "version"),
}
EVENT_TEXTS = (Subject.INTRODUCTION, Subject.CONCLUSION, Subject.REPORT_TEMPLATE)


class EditConflict(ActionRefused):
    """Someone saved what the writer is editing since they opened it. `current` is the row as
    it is saved now (its version included), `latest` the newest revision of its text, if any:
    the view shows them beside the writer's own, which it keeps, now based on `current`."""

    def __init__(self, current, latest: TextRevision | None = None) -> None:
        super().__init__(
            _("Someone else saved this while you were editing it. Merge both versions.")
        )
        self.current = current
        self.latest = latest


def _text_owner(subject: str, owner) -> dict[str, Any]:
    """The columns that name one text's history: the event, the subject, and the theme or
    session it belongs to."""
    if subject == Subject.SYNTHESIS:
        return {"event_id": owner.event_id, "subject": subject, "theme_id": owner.pk}
    if subject == Subject.SESSION_DESCRIPTION:
        return {"event_id": owner.event_id, "subject": subject, "session_id": owner.pk}
    return {"event_id": owner.pk, "subject": subject}


def text_history(*, subject: str, owner):
    """Every kept save of one text (a theme's synthesis, an event's introduction, a session's
    description, …), newest first."""
    return TextRevision.objects.filter(**_text_owner(subject, owner)).select_related("author")


def keep_text(
    *, subject: str, owner, old: str, new: str, by: Participant | None
) -> TextRevision | None:
    """Keep one save of a written text in its history; call it in the transaction that locks
    `owner` and writes `new` over `old`. Nothing when the text did not change. A text written
    before its history was kept goes in first (without an author), so the history holds what
    the first save replaced."""
    if new == old:
        return None
    where = _text_owner(subject, owner)
    if old and not TextRevision.objects.filter(**where).exists():
        TextRevision.objects.create(**where, text=old, author=None)
    return TextRevision.objects.create(**where, text=new, author=by)


def _save_fields(row, *fields: str) -> None:
    """Save these fields of a locked row (and when it was last changed, if it keeps that)."""
    stamped = any(f.name == "updated_at" for f in row._meta.concrete_fields)
    row.save(update_fields=[*fields, *(["updated_at"] if stamped else [])])


def _stale(locked, version_field: str, based_on: int, subject: str | None = None) -> None:
    """Refuse a save made from another version than the one saved now."""
    if getattr(locked, version_field) != based_on:
        latest = text_history(subject=subject, owner=locked).first() if subject else None
        raise EditConflict(locked, latest)


@transaction.atomic
def restore_text(*, revision: TextRevision, by: Participant | None) -> TextRevision:
    """Bring back an earlier text as a new revision (the history itself never loses one); the
    owner's version goes up, so whoever has its editor open merges instead of overwriting."""
    model, field, version_field = TEXT_PLACES[revision.subject]
    owner_id = {
        Subject.SYNTHESIS: revision.theme_id,
        Subject.SESSION_DESCRIPTION: revision.session_id,
    }.get(revision.subject, revision.event_id)
    locked = model.objects.select_for_update().get(pk=owner_id)
    where = _text_owner(revision.subject, locked)
    restored = TextRevision.objects.create(**where, text=revision.text, author=by)
    setattr(locked, field, revision.text)
    setattr(locked, version_field, getattr(locked, version_field) + 1)
    _save_fields(locked, field, version_field)
    return restored


@transaction.atomic
def save_synthesis(
    *, theme: Theme, text: str, based_on: int, by: Participant | None, name: str | None = None
) -> Theme | None:
    """Save a theme's synthesis (and its name, which the same form shows) from the version the
    editor was opened on; `EditConflict` if someone saved it since. Saving what is already
    there (a double click) changes nothing and returns None."""
    locked = Theme.objects.select_for_update().get(pk=theme.pk)
    name = locked.name if name is None else name
    if (text, name) == (locked.synthesis, locked.name):
        return None
    _stale(locked, "version", based_on, Subject.SYNTHESIS)
    keep_text(subject=Subject.SYNTHESIS, owner=locked, old=locked.synthesis, new=text, by=by)
    locked.name, locked.synthesis, locked.version = name, text, locked.version + 1
    locked.save(update_fields=["name", "synthesis", "version"])
    theme.name, theme.synthesis, theme.version = locked.name, locked.synthesis, locked.version
    return locked


@transaction.atomic
def rename_theme(*, theme: Theme, name: str, based_on: int | None = None) -> Theme:
    """A new name; the theme's version goes up, since its synthesis editor shows the name.
    `based_on`: the version the renaming page showed; a rename from an older one raises
    `EditConflict` (None: no check)."""
    locked = Theme.objects.select_for_update().get(pk=theme.pk)
    if locked.name != name and based_on is not None:
        _stale(locked, "version", based_on)
    if locked.name != name:
        locked.name, locked.version = name, locked.version + 1
        locked.save(update_fields=["name", "version"])
    theme.name, theme.version = locked.name, locked.version
    return locked


@transaction.atomic
def delete_theme(*, theme: Theme) -> None:
    """Delete a theme; it leaves its sessions, whose editors show their themes: their versions
    go up."""
    _bump_session_versions(theme.sessions.values_list("pk", flat=True))
    theme.delete()


def _bump_session_versions(ids) -> None:
    Session.objects.filter(pk__in=list(ids)).update(version=F("version") + 1)


@transaction.atomic
def set_session_theme(*, session: Session, theme: Theme, assigned: bool) -> bool:
    """Put a session in a theme or take it out (the state wanted, so a double click changes
    nothing); True when it changed. The session's version goes up, since its edit form shows
    its themes."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    present = locked.themes.filter(pk=theme.pk).exists()
    if present == assigned:
        return False
    if assigned:
        locked.themes.add(theme)
    else:
        locked.themes.remove(theme)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    session.version = locked.version
    return True


@transaction.atomic
def save_event_texts(
    *, event: Event, texts: dict[str, str], based_on: int, by: Participant | None
) -> list[str]:
    """Save the event's introduction, conclusion and report structure (those given in
    `texts`, by subject) from the version the editor was opened on: a revision for each text
    that changed, the texts' version one up. `EditConflict` if someone saved them since.
    Returns the subjects that changed (none: nothing was saved, e.g. a double click)."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    changed = [s for s in EVENT_TEXTS if s in texts and texts[s] != getattr(locked, s)]
    if not changed:
        return []
    _stale(locked, "texts_version", based_on)
    for subject in changed:
        keep_text(
            subject=subject, owner=locked, old=getattr(locked, subject), new=texts[subject], by=by
        )
        setattr(locked, subject, texts[subject])
    locked.texts_version += 1
    _save_fields(locked, *changed, "texts_version")
    for subject in changed:
        setattr(event, subject, texts[subject])
    event.texts_version = locked.texts_version
    return changed


@transaction.atomic
def set_note_takers(*, session: Session, note_takers) -> None:
    """Name the participants (of the same event, not hosts) who may write the report too."""
    if any(p.event_id != session.event_id for p in note_takers):
        raise ActionRefused(_("Note-takers must take part in this event."))
    host_ids = set(session.hostings.values_list("participant_id", flat=True))
    session.note_takers.set([p for p in note_takers if p.pk not in host_ids])


def set_session_held(*, session: Session, held: bool | None) -> Session:
    """Mark whether the session took place (None: as the grid says)."""
    session.held = held
    session.save(update_fields=["held", "updated_at"])
    return session


def _refuse_unless_over(event: Event) -> None:
    if event.phase != Event.Phase.ARCHIVED:
        raise ActionRefused(
            _("Host links go out when the event is over: move it to the phase “Archived” first.")
        )


def _held_sessions(event: Event):
    """Sessions that took place: marked held, or placed and not marked otherwise."""
    return event.sessions.visible().held().order_by("id")


def _mail_host_link(*, session: Session, participant: Participant, reminder: bool) -> None:
    """Create a fresh link for one host of one session and mail it in the host's language."""
    token = secrets.token_urlsafe(32)
    HostLink.objects.create(
        session=session,
        participant=participant,
        token_hash=HostLink.hash(token),
        sent_to=participant.email,
        reminder=reminder,
    )
    event = session.event
    participant.event = event  # saves a query for the host's language
    context = {
        "name": participant.name,
        "event": event,
        "session": session,
        "reminder": reminder,
        "url": _absolute(reverse("participant:host-link", args=[event.slug, token])),
    }
    subject, body = render_mail("host_link", context, language=participant.reads_in)
    send_mail(subject, body, None, [participant.email])


def _hosts_with_email(sessions) -> list[tuple[Session, Participant]]:
    pairs = []
    for session in sessions.prefetch_related("hostings__participant"):
        for hosting in session.hostings.all():
            if hosting.participant.email:
                pairs.append((session, hosting.participant))
    return pairs


def _lock(event: Event) -> None:
    """Two organisers clicking at once wait for each other, so nobody is mailed twice."""
    Event.objects.select_for_update().filter(pk=event.pk).first()


@transaction.atomic
def send_host_links(*, event: Event) -> int:
    """Mail every host of a held session a personal link, once: hosts who already have a link
    for that session (used, unused or revoked) are skipped, so a second click sends nothing.
    Returns how many mails went out."""
    _refuse_unless_over(event)
    _lock(event)
    had = set(
        HostLink.objects.filter(session__event=event).values_list("session_id", "participant_id")
    )
    sent = 0
    for session, host in _hosts_with_email(_held_sessions(event)):
        if (session.pk, host.pk) in had:
            continue
        with transaction.atomic():
            _mail_host_link(session=session, participant=host, reminder=False)
        sent += 1
    return sent


def resend_host_links(*, session: Session) -> int:
    """Mail each host of this session a new link (an organiser's explicit choice, also after
    revoking). Earlier links stay as they are."""
    _refuse_unless_over(session.event)
    sent = 0
    for _session, host in _hosts_with_email(Session.objects.filter(pk=session.pk)):
        with transaction.atomic():
            _mail_host_link(session=session, participant=host, reminder=False)
        sent += 1
    return sent


def revoke_host_links(*, session: Session) -> int:
    """Withdraw every link of this session at once; returns how many were still active."""
    return session.host_links.active().update(revoked_at=timezone.now())


def sessions_missing_material(event: Event):
    """Held sessions without slides or without a report."""
    return (
        _held_sessions(event)
        .annotate(has_slides=Exists(Attachment.objects.filter(session=OuterRef("pk"))))
        .filter(Q(has_slides=False) | Q(report=""))
    )


@transaction.atomic
def remind_missing_material(*, event: Event) -> int:
    """Mail the hosts of held sessions that miss slides or a report a reminder with a fresh
    link. At most one mail per host and session per day (a second click the same day sends
    nothing), and none to a host whose link an organiser revoked. Returns the mails sent."""
    _refuse_unless_over(event)
    _lock(event)
    today = timezone.localtime(timezone.now(), event.tz).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    links = HostLink.objects.filter(session__event=event)
    mailed_today = set(
        links.filter(created_at__gte=today).values_list("session_id", "participant_id")
    )
    latest_revoked = {}
    for session_id, participant_id, revoked_at in links.order_by("created_at", "id").values_list(
        "session_id", "participant_id", "revoked_at"
    ):
        latest_revoked[(session_id, participant_id)] = revoked_at is not None
    sent = 0
    for session, host in _hosts_with_email(sessions_missing_material(event)):
        key = (session.pk, host.pk)
        if key in mailed_today or latest_revoked.get(key):
            continue
        with transaction.atomic():
            _mail_host_link(session=session, participant=host, reminder=True)
        sent += 1
    return sent


def find_host_link(*, event: Event, token: str):
    """The active host link of this event with this token, or None."""
    return (
        HostLink.objects.active()
        .select_related("session", "participant")
        .filter(token_hash=HostLink.hash(token), session__event=event)
        .first()
    )


# ---- attachments: the slides, files and links a session leaves behind ---------------------
# A file is written to storage under a generated name first, then its row is saved; if saving
# the row fails the file is deleted again, and files of replaced or deleted rows are removed
# only once the transaction has committed. So a failed upload leaves neither a row nor a file.

THUMBNAIL_INLINE_BYTES = 5 * 1024 * 1024  # larger PDFs get their thumbnail in the background
MAX_ATTACHMENTS_PER_SESSION = 30  # with the size limit, a bound on what one session can store


def _next_attachment_order(session: Session) -> int:
    top = session.attachments.aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


def check_attachment_room(session: Session) -> None:
    """Refuse a new attachment once the session has `MAX_ATTACHMENTS_PER_SESSION`."""
    if session.attachments.count() >= MAX_ATTACHMENTS_PER_SESSION:
        raise ActionRefused(
            _("This session has %(n)s attachments already; delete one to add another.")
            % {"n": MAX_ATTACHMENTS_PER_SESSION}
        )


def _lock_session_for_attachments(session: Session) -> None:
    """One new attachment of a session at a time: the room left and the next place in the
    order are counted again under the session's lock, so two uploads at once neither pass
    the limit together nor take the same place."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    check_attachment_room(session)


def _attachment_kind(file_type) -> str:
    """Presentations and PDFs are slides; pictures (of flip-overs, say) are documents."""
    return Attachment.Kind.SLIDES if file_type.is_slides else Attachment.Kind.DOCUMENT


def _delete_stored(storage, *names: str) -> None:
    for name in names:
        if name:
            storage.delete(name)


def _delete_stored_on_commit(storage, *names: str) -> None:
    transaction.on_commit(lambda: _delete_stored(storage, *names))


def add_attachment_file(*, session: Session, upload, title: str, by: Participant | None):
    """Store an uploaded file (already sniffed: `upload.sniffed_type`) for `session`."""
    check_attachment_room(session)
    file_type = upload.sniffed_type
    attachment = Attachment(
        session=session,
        kind=_attachment_kind(file_type),
        title=title[:200],
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(f"upload.{file_type.extension}", upload, save=False)
    try:
        with transaction.atomic():
            _lock_session_for_attachments(session)
            attachment.order = _next_attachment_order(session)
            attachment.save()
    except BaseException:
        _delete_stored(attachment.file.storage, attachment.file.name)
        raise
    _thumbnail_now_or_later(attachment)
    return attachment


def replace_attachment_file(*, attachment, upload, title: str = "", by: Participant | None):
    """Put a new file in place of an attachment's file; the old one goes once that is saved."""
    file_type = upload.sniffed_type
    storage = attachment.file.storage
    attachment.file.save(f"upload.{file_type.extension}", upload, save=False)
    new_name = attachment.file.name
    try:
        with transaction.atomic():
            # read again under a lock: the files to delete are the ones it has now (two
            # replacements at once would otherwise orphan one), and a row deleted meanwhile
            # is not brought back by saving it
            current = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
            if current is None:
                raise ChangedMeanwhile(
                    _("This attachment was deleted meanwhile; nothing was replaced.")
                )
            old_names = (current.file.name, current.thumbnail.name)
            attachment.url = ""
            attachment.thumbnail = ""
            attachment.content_type = file_type.content_type
            attachment.size = upload.size
            attachment.uploaded_by = by
            attachment.kind = _attachment_kind(file_type)
            if title:
                attachment.title = title[:200]
            attachment.save(
                update_fields=[
                    "file",
                    "url",
                    "thumbnail",
                    "content_type",
                    "size",
                    "uploaded_by",
                    "kind",
                    "title",
                ]
            )
            _delete_stored_on_commit(storage, *old_names)
    except BaseException:
        _delete_stored(storage, new_name)
        raise
    _thumbnail_now_or_later(attachment)
    return attachment


def add_attachment_link(*, session: Session, title: str, url: str, kind: str, by):
    check_attachment_room(session)
    with transaction.atomic():
        _lock_session_for_attachments(session)
        return Attachment.objects.create(
            session=session,
            kind=kind,
            title=title[:200],
            url=url,
            uploaded_by=by,
            order=_next_attachment_order(session),
        )


@transaction.atomic
def delete_attachment(*, attachment) -> None:
    storage = attachment.file.storage
    names = (attachment.file.name, attachment.thumbnail.name)
    attachment.delete()
    _delete_stored_on_commit(storage, *names)


def _thumbnail_now_or_later(attachment) -> None:
    if attachment.content_type != uploads.PDF.content_type:
        return
    if attachment.size <= THUMBNAIL_INLINE_BYTES:
        make_attachment_thumbnail(attachment)
    else:
        # the actions ↔ tasks cycle: tasks import this module, so it imports them when used
        from sessions_app.tasks import render_attachment_thumbnail

        pk = attachment.pk
        transaction.on_commit(lambda: render_attachment_thumbnail.enqueue(pk))


def make_attachment_thumbnail(attachment) -> bool:
    """Render the first page of a PDF attachment as its thumbnail. False if the PDF cannot be
    rendered (the attachment stays, with an icon) or was replaced meanwhile."""
    if not attachment.file or attachment.content_type != uploads.PDF.content_type:
        return False
    with attachment.file.open("rb") as stored:  # any storage, local or not
        png = uploads.render_pdf_thumbnail(stored)
    if png is None:
        return False
    storage = attachment.thumbnail.storage
    old_thumbnail = attachment.thumbnail.name
    attachment.thumbnail.save("thumbnail.png", ContentFile(png), save=False)
    updated = Attachment.objects.filter(pk=attachment.pk, file=attachment.file.name).update(
        thumbnail=attachment.thumbnail.name
    )
    if not updated:  # deleted or replaced while we rendered
        _delete_stored(storage, attachment.thumbnail.name)
        return False
    if old_thumbnail and old_thumbnail != attachment.thumbnail.name:
        _delete_stored_on_commit(storage, old_thumbnail)
    return True


# ---- the event report: publishing it and building its PDF and ZIP -------------------------


@transaction.atomic
def set_report_published(*, event: Event, published: bool) -> Event:
    """Open (or close) the event report to everyone, with its PDF and ZIP downloads."""
    event.report_published = published
    event.save(update_fields=["report_published", "updated_at"])
    return event


@transaction.atomic
def request_report_builds(
    *, event: Event, fingerprint: str | None = None, explicit: bool = False
) -> list:
    """Make sure a PDF and a ZIP of the event as it is now exist or are being built: a build
    for the current fingerprint is reused (done, queued or running); one whose worker died
    (stale heartbeat) is started again. A failed one is started again when an organiser asks
    (`explicit`, the "Build the report" button) and otherwise only once it has rested
    (`report.retry_delay`: longer after each attempt), so visitors' downloads do not queue a
    failing build again and again. Returns the builds, PDF first."""

    def again(build: ReportBuild) -> bool:
        if build.status == ReportBuild.Status.FAILED:
            return explicit or report.may_retry(build)
        return report.is_stale(build)

    fingerprint = fingerprint or report.fingerprint(event)
    builds = []
    for kind in (ReportBuild.Kind.PDF, ReportBuild.Kind.ZIP):
        build, created = ReportBuild.objects.get_or_create(
            event=event, kind=kind, fingerprint=fingerprint
        )
        start = created
        if not created and again(build):
            # locked and looked at again: of two organisers asking at once, one starts it
            build = ReportBuild.objects.select_for_update().get(pk=build.pk)
            start = again(build)
        if start:
            _queue_report_build(build)
        builds.append(build)
    return builds


@transaction.atomic
def requeue_stale_report_builds(*, event: Event) -> list:
    """Start again the builds whose worker stopped sending heartbeats (it was killed): called
    whenever the report page or its progress is looked at. The new attempt makes the old task,
    should it still be alive, stop without writing."""
    stale = [
        build
        for build in ReportBuild.objects.select_for_update().filter(
            event=event, status=ReportBuild.Status.RUNNING
        )
        if report.is_stale(build)
    ]
    for build in stale:
        _queue_report_build(build)
    return stale


def _queue_report_build(build) -> None:
    # the actions ↔ tasks cycle: tasks import this module, so it imports them when used
    from sessions_app.tasks import build_event_report

    build.attempt += 1
    build.status = ReportBuild.Status.QUEUED
    build.progress = 0
    build.message = ""
    build.started_at = build.finished_at = None
    build.heartbeat_at = timezone.now()  # while queued: when it was queued
    build.save(
        update_fields=[
            "attempt",
            "status",
            "progress",
            "message",
            "started_at",
            "finished_at",
            "heartbeat_at",
        ]
    )
    # enqueued in the same transaction: the database backend stores the task with the row
    build_event_report.enqueue(build.pk, build.attempt)


# ---- calendar feeds: subscribers' calendar apps learn that a session moved ----------------


def _bump_schedule_sequence(old: dict[int, list], new: dict[int, list]) -> None:
    """Raise the iCalendar SEQUENCE (and `updated_at`, the LAST-MODIFIED) of every session whose
    room or slot differs between the grids `old` and `new` ({session: [s, room, slot, pinned]}),
    including sessions that enter or leave the grid. A pin alone is no move."""
    moved = [
        pk
        for pk in set(old) | set(new)
        if (old[pk][1:3] if pk in old else None) != (new[pk][1:3] if pk in new else None)
    ]
    if moved:
        Session.objects.filter(pk__in=moved).update(
            schedule_sequence=F("schedule_sequence") + 1, updated_at=timezone.now()
        )


def _bump_sessions_in_slots(slot_ids: list[int]) -> None:
    """The sessions placed in these slots change time when the slots do."""
    if slot_ids:
        Session.objects.filter(placement__slot_id__in=slot_ids).update(
            schedule_sequence=F("schedule_sequence") + 1, updated_at=timezone.now()
        )


def renew_calendar_token(*, participant: Participant) -> Participant:
    """A new secret for the participant's personal calendar feed: the old URL stops working
    (answers 404), for when it was shared by mistake."""
    participant.calendar_token = generate_calendar_token()
    participant.save(update_fields=["calendar_token"])
    return participant
