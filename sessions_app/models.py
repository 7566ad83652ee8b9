"""OOcamp's data: one event, its frame (rooms × slots), its people, their sessions, votes and grid.

Every rule that the database can hold is a constraint here (see each Meta); rules that span
tables (a placement's slot must be a session slot of the same event) are checked in `clean()`
and in the writers: the `actions` package (one module per domain) and, for the rows of their
own and what they produce, the background jobs (`jobs/`). See ARCHITECTURE.md.
"""

import hashlib
import secrets
import uuid
import zoneinfo
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def default_report_template() -> str:
    """The standard structure of a session report, in the active language."""
    parts = [
        "## " + gettext("Summary"),
        "## " + gettext("Key points"),
        "- ",
        "## " + gettext("Next steps"),
        "- ",
        "## " + gettext("Attendance"),
        gettext("About … people took part."),
    ]
    return "\n\n".join(parts) + "\n"


JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a beamer


def generate_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))


def generate_calendar_token() -> str:
    """The secret part of a participant's personal calendar feed URL: whoever has the URL sees
    the sessions that participant hosts or voted for."""
    return secrets.token_urlsafe(24)


# First path segments that are pages of their own, so no event may take them as its slug.
RESERVED_SLUGS = frozenset(
    {"admin", "accounts", "i18n", "join", "signin", "static", "media", "api", "organise"}
)


def validate_slug_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved; choose another short name."), params={"value": value}
        )


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


# The dates an event may have. Far enough back for any barcamp's record and ahead for any
# plan; beyond them the feeds' and the frame's date arithmetic (a day before, a year after, slots
# parked 300 years back) would leave the calendar Python knows. `Event.clean` holds it for
# forms, the admin and anything else that calls `full_clean`.
EVENT_DATE_MIN = date(1970, 1, 1)
EVENT_DATE_MAX = date(2199, 12, 31)


def event_date_problem(value: date | None) -> str | None:
    """Why `value` cannot be an event's date, in the active language; None when it can."""
    if value is None or EVENT_DATE_MIN <= value <= EVENT_DATE_MAX:
        return None
    return gettext("Choose a date between %(first)s and %(last)s.") % {
        "first": date_format(EVENT_DATE_MIN, "DATE_FORMAT"),
        "last": date_format(EVENT_DATE_MAX, "DATE_FORMAT"),
    }


class EventPhase(models.TextChoices):
    PROPOSALS = "proposals", _("Proposals open")
    VOTING = "voting", _("Voting open")
    PUBLISHED = "published", _("Grid published")
    ARCHIVED = "archived", _("Archived")


class EventLanguage(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


def event_cover_upload_to(instance: "Event", filename: str) -> str:
    """Generated names only, like attachments: the uploader's file name never reaches the disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"covers/{instance.pk}/{uuid.uuid4().hex}{suffix}"


class Event(models.Model):
    Phase = EventPhase
    Language = EventLanguage

    slug = models.SlugField(
        _("short name"), max_length=64, unique=True, validators=[validate_slug_not_reserved]
    )
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Brussels", validators=[validate_timezone]
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.DUTCH
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    votes_per_participant = models.PositiveSmallIntegerField(
        _("votes per participant"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty for unlimited +1 votes; a number for dot voting."),
    )
    phase = models.CharField(
        _("phase"), max_length=16, choices=Phase.choices, default=Phase.PROPOSALS
    )
    join_code = models.CharField(
        _("join code"),
        max_length=12,
        unique=True,
        default=generate_join_code,
        help_text=_("Participants type it, or scan it as a QR code, to join."),
    )
    grid_version = models.PositiveIntegerField(
        default=0, help_text=_("Goes up with every change of the grid.")
    )
    # What an editor's form was opened on: a save names it, and a save on an older one is
    # refused with both versions side by side instead of overwriting what someone else saved.
    settings_version = models.PositiveIntegerField(
        default=0, help_text=_("Goes up with every save of the event's settings.")
    )
    texts_version = models.PositiveIntegerField(
        default=0, help_text=_("Goes up with every save of the introduction and conclusion.")
    )
    frame_version = models.PositiveIntegerField(
        default=0, help_text=_("Goes up with every change of the rooms and slots.")
    )
    # The event's own texts around the session reports: the event report opens and closes with
    # the introduction and conclusion; new session reports start from `report_template`.
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))
    conclusion = models.TextField(_("conclusion"), blank=True, help_text=_("Markdown."))
    report_template = models.TextField(
        _("structure of session reports"),
        blank=True,
        help_text=_("Markdown that new session reports start from. Empty for the standard one."),
    )
    report_published = models.BooleanField(
        _("report published"),
        default=False,
        help_text=_("Anyone may read and download the event report."),
    )
    # The event's picture or logo on the report's cover: a PNG or JPEG, re-encoded on upload.
    cover = models.FileField(
        _("cover picture"), upload_to=event_cover_upload_to, blank=True, max_length=255
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_per_participant__isnull=True) | Q(votes_per_participant__gte=1),
                name="event_votes_per_participant_positive",
            ),
            models.CheckConstraint(
                condition=Q(phase__in=EventPhase.values), name="event_phase_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=EventLanguage.values),
                name="event_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:event", kwargs={"slug": self.slug})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_dot_voting(self) -> bool:
        return self.votes_per_participant is not None

    @property
    def proposing_open(self) -> bool:
        return self.phase in {Event.Phase.PROPOSALS, Event.Phase.VOTING}

    @property
    def voting_open(self) -> bool:
        return self.phase == Event.Phase.VOTING

    @property
    def grid_published(self) -> bool:
        return self.phase in {Event.Phase.PUBLISHED, Event.Phase.ARCHIVED}

    def local(self, moment: datetime) -> datetime:
        """`moment` as wall-clock time at the event."""
        return timezone.localtime(moment, self.tz)

    def clean(self) -> None:
        super().clean()
        if problem := event_date_problem(self.date):
            raise ValidationError({"date": problem})

    def report_structure(self) -> str:
        """What an empty session report starts from: the organisers' own structure, or the
        standard one in the event's language (so a Dutch event gets Dutch headings)."""
        if self.report_template.strip():
            return self.report_template
        with translation.override(self.language):
            return default_report_template()


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["event", "order", "id"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="room_name_unique_in_event"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity})"


class SlotQuerySet(models.QuerySet):
    def for_sessions(self) -> "SlotQuerySet":
        return self.filter(kind=Slot.Kind.SESSIONS)

    def overlapping(self, event_id: int, start: datetime, end: datetime) -> "SlotQuerySet":
        return self.filter(event_id=event_id, start__lt=end, end__gt=start)


class SlotKind(models.TextChoices):
    SESSIONS = "sessions", _("Sessions")
    PLENARY = "plenary", _("Plenary")
    BREAK = "break", _("Break")


class Slot(models.Model):
    """A row of the grid. No two slots of one event overlap: PostgreSQL holds that with an
    exclusion constraint and SQLite with triggers (migration 0002), and `clean()` says it in
    words before either is reached."""

    Kind = SlotKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SESSIONS)
    label = models.CharField(_("label"), max_length=100, blank=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["event", "start"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="slot_starts_before_end"
            ),
            models.CheckConstraint(condition=Q(kind__in=SlotKind.values), name="slot_kind_valid"),
        ]

    def __str__(self) -> str:
        start, end = self.local_start, self.local_end
        text = f"{start:%H:%M}–{end:%H:%M}"
        return f"{text} {self.label}" if self.label else text

    @property
    def local_start(self) -> datetime:
        return timezone.localtime(self.start, self.event.tz)

    @property
    def local_end(self) -> datetime:
        return timezone.localtime(self.end, self.event.tz)

    def clean(self) -> None:
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": _("A slot must end after it starts.")})
        if self.start and self.end and self.event_id:
            clash = Slot.objects.overlapping(self.event_id, self.start, self.end).exclude(
                pk=self.pk
            )
            if other := clash.first():
                raise ValidationError(
                    _("This slot overlaps the slot %(other)s."), params={"other": other}
                )


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    ORGANISER = "organiser", _("Organiser")


class Participant(models.Model):
    """A person in one event. The same Django user can take part in several events."""

    Role = ParticipantRole

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations"
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.PARTICIPANT
    )
    # The language this person reads OOcamp in (set when they pick one with the language switch);
    # empty: the event's. Mails to them go out in it.
    language = models.CharField(
        _("language"), max_length=8, choices=EventLanguage.choices, blank=True
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    # The secret of the personal calendar feed; a new one revokes the old URL.
    calendar_token = models.CharField(
        max_length=64, unique=True, default=generate_calendar_token, editable=False
    )
    changes_seen_version = models.PositiveIntegerField(
        default=0,
        help_text=_(
            "The grid version up to which this participant has seen the changes to the sessions "
            "they follow or host; later changes are shown highlighted until they say so."
        ),
    )

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="participant_once_per_event"),
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(email=""),
                name="participant_email_unique_in_event",
                violation_error_message=_("Someone in this event already uses this email address."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=ParticipantRole.values), name="participant_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    @property
    def is_organiser(self) -> bool:
        return self.role == self.Role.ORGANISER

    @property
    def reads_in(self) -> str:
        """The language to write to this person in: the one they chose, or the event's."""
        return self.language or self.event.language


class Theme(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=150)
    synthesis = models.TextField(_("synthesis"), blank=True, help_text=_("Markdown."))
    version = models.PositiveIntegerField(
        default=0, help_text=_("Goes up with every save of the theme's name or synthesis.")
    )

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="theme_name_unique_in_event")
        ]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(models.QuerySet):
    @staticmethod
    def visible_rule(through: str = "") -> Q:
        """The rule of `visible()` as a condition, also over a relation: an aggregate's
        `filter=SessionQuerySet.visible_rule("sessions__")` counts an event's visible sessions."""
        withdrawn = Q(**{f"{through}status": Session.Status.WITHDRAWN})
        return ~withdrawn & Q(**{f"{through}hidden": False})

    def active(self) -> "SessionQuerySet":
        """Sessions that are still on the programme (not withdrawn)."""
        return self.exclude(status=Session.Status.WITHDRAWN)

    def visible(self) -> "SessionQuerySet":
        """What participants see: not withdrawn and not hidden as spam (`Session.shown` for
        one session)."""
        return self.filter(self.visible_rule())

    def with_vote_count(self) -> "SessionQuerySet":
        """Each session's number of votes as `vote_count`."""
        return self.annotate(vote_count=Count("votes", distinct=True))

    def with_follower_count(self) -> "SessionQuerySet":
        """Each session's number of followers (people who said "I'll go") as `follower_count`."""
        return self.annotate(follower_count=Count("follows", distinct=True))

    def most_voted_first(self) -> "SessionQuerySet":
        """Most votes first, then in the order proposed (needs `with_vote_count()`)."""
        return self.order_by("-vote_count", "id")

    def by_votes(self) -> "SessionQuerySet":
        return self.with_vote_count().most_voted_first()

    def held(self) -> "SessionQuerySet":
        """Sessions that took place: marked held, or placed (or "held" as an imported event
        file may say) and not marked otherwise (the query form of `Session.was_held`)."""
        return self.filter(
            Q(held=True)
            | Q(held__isnull=True) & (Q(placement__isnull=False) | Q(status=SessionStatus.HELD))
        )


class SessionKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    PRESENTATION = "presentation", _("Presentation")
    DEMO = "demo", _("Demo")


class SessionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SCHEDULED = "scheduled", _("Scheduled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    HELD = "held", _("Held")


class Session(models.Model):
    Kind = SessionKind
    Status = SessionStatus

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DISCUSSION)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    hosts: "models.ManyToManyField[Participant, Host]" = models.ManyToManyField(
        Participant, through="Host", related_name="hosted_sessions", verbose_name=_("hosts")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="sessions", verbose_name=_("themes")
    )
    unavailable_slots = models.ManyToManyField(
        Slot,
        blank=True,
        related_name="unavailable_sessions",
        verbose_name=_("unavailable slots"),
        help_text=_("Slots in which no host can run this session."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    report = models.TextField(_("report"), blank=True, help_text=_("Markdown."))
    version = models.PositiveIntegerField(
        default=0, help_text=_("Goes up with every save of the proposal (its form's fields).")
    )
    # iCalendar SEQUENCE: goes up whenever the session changes time or room, so calendar apps
    # that subscribed to a feed replace their copy of it.
    schedule_sequence = models.PositiveIntegerField(default=0, editable=False)
    hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Hidden by an organiser, e.g. as spam.")
    )
    held = models.BooleanField(
        _("held"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Set by organisers after the event; empty means held if it was placed."),
    )
    note_takers = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="note_taking_sessions",
        verbose_name=_("note-takers"),
        help_text=_("Participants a host asked to write the report too."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_sessions",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    # Not columns: what some reads attach to a session (annotations only, for the type checker).
    vote_count: int  # SessionQuerySet.with_vote_count(), or a page that counts one session's
    report_anchor: str  # the event report: the id of the session's section, "" if it has none
    has_slides: bool  # the organisers' follow-up board: it has an attachment
    # a participant's own sessions (sessions_app/follows.py my_sessions): whether they follow
    # or host it, and its change they have not seen yet as people read it ("" if none)
    followed: bool
    hosted: bool
    change: str
    follower_count: int  # SessionQuerySet.with_follower_count()
    has_report: bool  # the organisers' follow-up board: its report is not empty

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values), name="session_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values),
                name="session_status_valid",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="session_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("public:session", kwargs={"slug": self.event.slug, "pk": self.pk})

    @property
    def was_held(self) -> bool:
        """Held as organisers marked it, else whether it had a place in the grid or its status
        says "held" (as an imported event file may). One rule for the report, the synthesis
        editor and the organisers' board."""
        if self.held is not None:
            return self.held
        return hasattr(self, "placement") or self.status == SessionStatus.HELD

    @property
    def editable_by_hosts(self) -> bool:
        """Hosts change their own proposal until the grid is published."""
        return not self.event.grid_published and self.status != Session.Status.WITHDRAWN

    @staticmethod
    def shown(status: str, hidden: bool) -> bool:
        """Whether a session with this status and hidden flag is visible to participants: the
        rule of `SessionQuerySet.visible()`, for a row read as values."""
        return status != Session.Status.WITHDRAWN and not hidden

    @property
    def is_visible(self) -> bool:
        return Session.shown(self.status, self.hidden)


class HostQuerySet(models.QuerySet):
    def names_by_session(self) -> dict[int, list[str]]:
        """The hosts' names per session id, in the hosts' own order, read as values (model
        instances for the hosts of 260 sessions cost more than the grid's HTML)."""
        names: dict[int, list[str]] = defaultdict(list)
        for session_id, name in self.values_list("session_id", "participant__name"):
            names[session_id].append(name)
        return names


class Host(models.Model):
    """A participant who runs a session; `order` keeps the hosts in the order they were named."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="hostings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="hostings")
    order = models.PositiveSmallIntegerField(default=0)

    objects = HostQuerySet.as_manager()

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("host")
        verbose_name_plural = _("hosts")
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="host_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.session}"


class VoteQuerySet(models.QuerySet):
    def tally(self, participant: "Participant", session: "Session") -> dict[str, int]:
        """In one query: the session's votes (`count`), whether `participant` is among them
        (`mine`, 0 or 1) and how many votes the participant has cast in all (`used`).

        Plain SQL: it answers every vote tap, the busiest request of the day, and the ORM
        spends more time building the conditional aggregate than the database running it."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"""SELECT COUNT(CASE WHEN session_id = %s THEN 1 END),
                           COUNT(CASE WHEN session_id = %s AND participant_id = %s THEN 1 END),
                           COUNT(CASE WHEN participant_id = %s THEN 1 END)
                    FROM {self.model._meta.db_table}
                    WHERE session_id = %s OR participant_id = %s""",
                [session.pk, session.pk, participant.pk, participant.pk, session.pk,
                 participant.pk],
            )  # fmt: skip
            count, mine, used = cursor.fetchone()
        return {"count": count, "mine": mine, "used": used}


class Vote(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["session", "participant"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "session"],
                name="vote_once_per_participant_and_session",
                violation_error_message=_("You already voted for this session."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} ♥ {self.session}"


class FollowQuerySet(models.QuerySet):
    def of_event(self, event: "Event") -> "FollowQuerySet":
        return self.filter(session__event=event)


class Follow(models.Model):
    """A participant's "I'll go" for a session: My day, the personal calendar feed and the
    follower counts read these. When the grid is published, every vote becomes a follow for
    those who follow nothing yet (actions.set_phase), so votes count as follows until the
    participant changes them; after that, anyone, newcomers on the day too, follows in one
    tap."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="follows")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["session", "participant"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "session"], name="follow_once_per_participant_and_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.session}"


class SessionChangeKind(models.TextChoices):
    MOVED = "moved", _("Moved")
    PLACED = "placed", _("Added to the grid")
    UNPLACED = "unplaced", _("Taken off the grid")
    CANCELLED = "cancelled", _("Cancelled")


class SessionChange(models.Model):
    """A change to a session's place in the published grid, for the people it concerns and the
    public change log: it moved (another room, another time or both), came onto the grid, left
    it, or was cancelled. Written by the grid's one write path (actions/grid.py `_write_grid`),
    one row per session whose place changed, only while the grid is published. The places
    before and after are kept as names and times too, so the log still reads right after a
    room is renamed or deleted."""

    Kind = SessionChangeKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="session_changes")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    grid_version = models.PositiveIntegerField(help_text=_("The grid version this change made."))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_room = models.CharField(max_length=100, blank=True)
    from_start = models.DateTimeField(null=True, blank=True)
    to_room = models.CharField(max_length=100, blank=True)
    to_start = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "-grid_version", "session"]
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "grid_version"], name="session_change_once_per_version"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SessionChangeKind.values), name="session_change_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["event", "grid_version"], name="session_change_log")]

    def __str__(self) -> str:
        return f"{self.session} v{self.grid_version}: {self.kind}"


class Placement(models.Model):
    """A session in a cell of the grid. The cell constraint is deferred to the end of the
    transaction so that two sessions can swap cells in one step."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="placement")
    room = models.ForeignKey(Room, on_delete=models.RESTRICT, related_name="placements")
    slot = models.ForeignKey(Slot, on_delete=models.RESTRICT, related_name="placements")
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("The automatic scheduler leaves it where it is.")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["slot__start", "room__order"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["room", "slot"],
                name="placement_one_session_per_cell",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} @ {self.room.name}, {self.slot}"

    def clean(self) -> None:
        errors = []
        if self.slot_id and self.slot.kind != Slot.Kind.SESSIONS:
            errors.append(_("Sessions can only be placed in a slot of kind “sessions”."))
        if self.session_id and self.room_id and self.room.event_id != self.session.event_id:
            errors.append(_("The room belongs to another event."))
        if self.session_id and self.slot_id and self.slot.event_id != self.session.event_id:
            errors.append(_("The slot belongs to another event."))
        if self.session_id and self.session.status == Session.Status.WITHDRAWN:
            errors.append(_("A withdrawn session cannot be placed."))
        if errors:
            raise ValidationError(errors)


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    """Generated names only: the uploader's file name never reaches the disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{instance.session.event_id}/{uuid.uuid4().hex}{suffix}"


def attachment_thumbnail_upload_to(instance: "Attachment", filename: str) -> str:
    """Thumbnails sit next to their attachments, under generated names as well."""
    return f"attachments/{instance.session.event_id}/thumbs/{uuid.uuid4().hex}.png"


class AttachmentKind(models.TextChoices):
    SLIDES = "slides", _("Slides")
    DOCUMENT = "document", _("Document")
    VIDEO = "video", _("Video")
    LINK = "link", _("Link")


class Attachment(models.Model):
    """Slides or other material of a session: a stored file or a link, exactly one of the two."""

    Kind = AttachmentKind

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SLIDES)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, blank=True, max_length=255)
    url = models.URLField(_("link"), blank=True, max_length=500)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Filled in from the sniffed content, never from what the client claims: files are served
    # with this type, so a claimed one could make a browser run an uploaded page.
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=attachment_thumbnail_upload_to, blank=True, max_length=255
    )
    uploaded_by = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploaded_attachments",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="attachment_file_xor_url",
                violation_error_message=_("Give either a file or a link, not both."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AttachmentKind.values),
                name="attachment_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The download view for a file (so the headers stay ours), the link itself otherwise."""
        if self.url:
            return self.url
        return reverse("public:attachment", kwargs={"slug": self.session.event.slug, "pk": self.pk})

    @property
    def is_link(self) -> bool:
        return not self.file


class RecentQuerySet(models.QuerySet):
    def recent(self, *, minutes: int) -> "RecentQuerySet":
        return self.filter(created_at__gte=timezone.now() - timedelta(minutes=minutes))


class SignInRequest(models.Model):
    """One request for sign-in links, known address or not: what the rate limit counts."""

    email = models.EmailField(_("email"))
    requested_from = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RecentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["email", "created_at"]),
            models.Index(fields=["requested_from", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d %H:%M})"


class SignInLink(models.Model):
    """A personal link that signs its holder in ("log in with a link"). Only a hash of the
    token is stored; the link expires after LIFETIME and works once."""

    LIFETIME = timedelta(minutes=15)  # short: a link left in a mailbox must not stay a way in

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_links"
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="sign_in_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("email"))
    requested_from = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="sign_in_link_expires_later",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class GridChangeKind(models.TextChoices):
    MOVE = "move", _("Move")
    UNPLACE = "unplace", _("Unplace")
    PIN = "pin", _("Pin")
    UNDO = "undo", _("Undo")
    RESTORE = "restore", _("Restore")
    PROPOSAL = "proposal", _("Accepted proposal")


class GridChange(models.Model):
    """One change of the grid: who, when, what moved where, and the grid before and after
    (as [session, room, slot, pinned] rows), so it can be undone or gone back to."""

    Kind = GridChangeKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="grid_changes")
    version = models.PositiveIntegerField(help_text=_("The grid version this change made."))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(max_length=500)
    before = models.JSONField(default=list)
    after = models.JSONField(default=list)
    undone = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not a column: the grid editor's history puts `created_at` in the event's time zone here.
    local_time: datetime

    class Meta:
        ordering = ["event", "-version"]
        verbose_name = _("grid change")
        verbose_name_plural = _("grid changes")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "version"], name="grid_change_one_per_version"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=GridChangeKind.values),
                name="grid_change_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} v{self.version}: {self.summary}"


class BackgroundJobQuerySet(models.QuerySet):
    def unfinished(self) -> "BackgroundJobQuerySet":
        """Queued or running: every job's status choices start with these two."""
        return self.filter(status__in=["queued", "running"])


class BackgroundJob(models.Model):
    """A job people wait for, done by the background worker (sessions_app/jobs/): what the
    page polls. Its `status` choices are the job's own, starting with "queued" and "running";
    `attempt` counts the times it was queued (a task of an older attempt does nothing);
    `heartbeat_at` is the running worker's last sign of life (while queued: when it was
    queued)."""

    message = models.CharField(max_length=500, blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Every job declares these fields itself (its own status choices, its own measure of
    # progress); annotated here, not fields, so that jobs/base.py can use them on any job.
    status: str
    progress: float
    objects: models.Manager[Any]

    class Meta:
        abstract = True

    @property
    def last_sign_of_life(self) -> datetime:
        return self.heartbeat_at or self.started_at or self.created_at


class GridProposalStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the background worker")
    RUNNING = "running", _("Looking for a grid")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


class GridProposalQuerySet(BackgroundJobQuerySet):
    pass


class GridProposal(BackgroundJob):
    """A grid the scheduler proposes (sessions_app.scheduling.plan), next to the live grid until
    an organiser accepts or discards it. Small events are planned within the request; larger
    ones by the background worker (jobs/grid_proposals.py), which keeps `progress`, `best_lost`
    and `heartbeat_at` up to date so the page can show how far it is and a killed worker's job
    can be started again."""

    Status = GridProposalStatus

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="grid_proposals")
    requested_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    seed = models.PositiveIntegerField(default=0)
    based_on_version = models.PositiveIntegerField(
        help_text=_("The grid version the proposal was planned from.")
    )
    progress = models.FloatField(default=0.0, help_text=_("Share of the search done, 0 to 1."))
    best_lost = models.PositiveIntegerField(null=True, blank=True)
    placements = models.JSONField(
        default=list, help_text=_("The proposed grid as [session, room, slot, pinned] rows.")
    )
    lost = models.JSONField(default=dict, help_text=_("unplaced, clashes and overflow."))
    refused = models.JSONField(
        default=list, help_text=_("The rules the pinned placements break among themselves.")
    )
    elapsed = models.FloatField(default=0.0, help_text=_("Seconds the search took."))

    objects = GridProposalQuerySet.as_manager()

    class Meta:
        ordering = ["event", "-created_at", "-id"]
        verbose_name = _("grid proposal")
        verbose_name_plural = _("grid proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=GridProposalStatus.values),
                name="grid_proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1),
                name="grid_proposal_progress_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: proposal {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status not in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def percent(self) -> int:
        return round(100 * self.progress)


class PitchRoundState(models.TextChoices):
    READY = "ready", _("Not started")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")


# How long one pitch may last, in seconds: the model and its database constraint, the form,
# `actions.set_pitch_seconds` (and its message, `pitching.seconds_refusal`) and the page's
# number field all read these.
PITCH_SECONDS_MIN = 5
PITCH_SECONDS_MAX = 600


class PitchRound(models.Model):
    """The opening plenary's pitch round: each proposal in turn, in the order proposed (so one
    proposed during the round joins at the end), with a countdown. `version` goes up with
    every change, which the beamer, the moderator and the phones follow (sessions_app/live.py).
    The queue itself is not stored: it is the event's proposals (sessions_app/pitching.py)."""

    State = PitchRoundState
    SECONDS_MIN = PITCH_SECONDS_MIN
    SECONDS_MAX = PITCH_SECONDS_MAX
    SECONDS_DEFAULT = 30

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="pitch_round")
    state = models.CharField(max_length=16, choices=State.choices, default=State.READY)
    seconds = models.PositiveSmallIntegerField(
        _("seconds per pitch"),
        default=SECONDS_DEFAULT,
        validators=[MinValueValidator(SECONDS_MIN), MaxValueValidator(SECONDS_MAX)],
    )
    current = models.ForeignKey(
        "Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_since = models.DateTimeField(null=True, blank=True)
    pitched = models.JSONField(default=list, help_text=_("Sessions pitched, in order."))
    skipped = models.JSONField(default=list, help_text=_("Sessions skipped (host not there)."))
    version = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pitch round")
        verbose_name_plural = _("pitch rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PitchRoundState.values), name="pitch_round_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(seconds__gte=PITCH_SECONDS_MIN) & Q(seconds__lte=PITCH_SECONDS_MAX),
                name="pitch_round_seconds_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: pitch round ({self.state})"

    @property
    def ends_at(self):
        """When the current pitch's time is up."""
        if self.current_since is None:
            return None
        return self.current_since + timedelta(seconds=self.seconds)


# ---- the event report's builds: its PDF and ZIP, made by the worker -----------------------


class ReportBuildKind(models.TextChoices):
    PDF = "pdf", _("PDF")
    ZIP = "zip", _("ZIP")


class ReportBuildStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the background worker")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportBuildQuerySet(BackgroundJobQuerySet):
    def done(self) -> "ReportBuildQuerySet":
        return self.filter(status=ReportBuildStatus.DONE).exclude(file="")


def report_build_upload_to(instance: "ReportBuild", filename: str) -> str:
    return f"reports/{instance.event_id}/{filename}"


class ReportBuild(BackgroundJob):
    """The event report as one file (PDF, or ZIP with the PDF, the attachments and event.json),
    built by the background worker (jobs/report_builds.py) from the event as it was when
    `fingerprint` was taken. One row per event, kind and fingerprint: a build for the current
    fingerprint is reused, any change of the event makes a new one. `file` is set only once the
    file is complete (it is written beside under a temporary name and renamed), so a half-built
    file is never served. `attempt` goes up each time a build is (re)started, so a task from a
    worker thought dead stops touching the row; `heartbeat_at` tells a dead worker's build."""

    Kind = ReportBuildKind
    Status = ReportBuildStatus

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="report_builds")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    fingerprint = models.CharField(
        max_length=64, help_text=_("A hash of everything in the event that the report shows.")
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent done, 0 to 100."))
    file = models.FileField(upload_to=report_build_upload_to, blank=True, max_length=255)
    size = models.PositiveBigIntegerField(default=0)

    objects = ReportBuildQuerySet.as_manager()

    class Meta:
        ordering = ["event", "-created_at", "-id"]
        verbose_name = _("event report build")
        verbose_name_plural = _("event report builds")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "fingerprint"], name="report_build_once_per_fingerprint"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportBuildKind.values), name="report_build_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportBuildStatus.values), name="report_build_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_build_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.kind} {self.fingerprint[:8]} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


# ---- session reports, their history and the host links that let hosts deliver -------------


class ReportRevision(models.Model):
    """One save of a session report: who wrote which text when. `Session.report` holds the
    newest text; the revisions let an earlier one be restored and let two writers notice each
    other (a save names the revision it started from)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="report_revisions")
    text = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_revisions",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("session report revision")
        verbose_name_plural = _("session report revisions")

    def __str__(self) -> str:
        return f"{self.session} ({self.created_at:%Y-%m-%d %H:%M})"


class TextRevisionSubject(models.TextChoices):
    SYNTHESIS = "synthesis", _("Synthesis")
    INTRODUCTION = "introduction", _("Introduction")
    CONCLUSION = "conclusion", _("Conclusion")
    REPORT_TEMPLATE = "report_template", _("Structure of session reports")
    EVENT_DESCRIPTION = "event_description", _("Description of the event")
    SESSION_DESCRIPTION = "session_description", _("Description of the session")


class TextRevision(models.Model):
    """One save of a text people write besides session reports (which keep `ReportRevision`):
    a theme's synthesis, the event's introduction, conclusion, report structure and description,
    a session's description. The model field holds the newest text; the revisions keep every
    earlier one, so a text overwritten after a merge, or by mistake, can be restored."""

    Subject = TextRevisionSubject

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="text_revisions")
    subject = models.CharField(_("subject"), max_length=32, choices=Subject.choices)
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="description_revisions",
    )
    text = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="text_revisions",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("text revision")
        verbose_name_plural = _("text revisions")
        indexes = [models.Index(fields=["event", "subject", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__in=TextRevisionSubject.values),
                name="text_revision_subject_valid",
            ),
            models.CheckConstraint(
                condition=Q(subject=TextRevisionSubject.SYNTHESIS, theme__isnull=False)
                | (~Q(subject=TextRevisionSubject.SYNTHESIS) & Q(theme__isnull=True)),
                name="text_revision_theme_for_synthesis",
            ),
            models.CheckConstraint(
                condition=Q(subject=TextRevisionSubject.SESSION_DESCRIPTION, session__isnull=False)
                | (~Q(subject=TextRevisionSubject.SESSION_DESCRIPTION) & Q(session__isnull=True)),
                name="text_revision_session_for_description",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.subject} ({self.created_at:%Y-%m-%d %H:%M})"


class HostLinkQuerySet(models.QuerySet):
    def active(self) -> "HostLinkQuerySet":
        return self.filter(revoked_at__isnull=True)


class HostLink(models.Model):
    """A personal link mailed to a host after the event: it opens that one session's report and
    slides pages without an account. Like `SignInLink`, only a hash of the token is stored; one
    row per mail sent, so an earlier mail's link keeps working until an organiser revokes it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="host_links")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="host_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField(_("sent to"))
    reminder = models.BooleanField(
        _("reminder"), default=False, help_text=_("Sent as a reminder rather than the first mail.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = HostLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("host link")
        verbose_name_plural = _("host links")

    def __str__(self) -> str:
        return f"{self.sent_to} → {self.session}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def usable(self) -> bool:
        return self.revoked_at is None


class FormSubmission(models.Model):
    """One submitted form that creates something, by the key the form carried (a hidden
    `submission_key` field, new on every render). The row is written in the same transaction as
    what the form created, so a double submit, or Back and submit again, finds it and leads to
    what was made the first time instead of making it twice."""

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="form_submissions",
    )
    # Where what the form made can be seen (a session page, the rooms page, ...).
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.key} → {self.url}"
