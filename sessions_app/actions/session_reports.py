"""Session reports: their text (every save kept, a save from an older version refused), the
note-takers who may write them too, whether a session was held, the hosts' sign-in links to
their report and the reminders about missing material; links go out once the event is
archived, with the event locked so two organisers clicking at once mail nobody twice."""

from __future__ import annotations

import secrets

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions_app.actions.base import (
    ActionRefused,
    _absolute,
    _lock,
    render_mail,
)
from sessions_app.models import (
    Attachment,
    Event,
    HostLink,
    Participant,
    ReportRevision,
    Session,
)


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
