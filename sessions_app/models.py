"""OOcamp's data: one event, its frame (rooms × slots), its people, their sessions, votes and grid.

Every rule that the database can hold is a constraint here (see each Meta); rules that span
tables (a placement's slot must be a session slot of the same event) are checked in `clean()`
and in `actions.py`/`event_file.py`, which are the only writers.
"""

import hashlib
import secrets
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a beamer


def generate_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))


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


class EventPhase(models.TextChoices):
    PROPOSALS = "proposals", _("Proposals open")
    VOTING = "voting", _("Voting open")
    PUBLISHED = "published", _("Grid published")
    ARCHIVED = "archived", _("Archived")


class EventLanguage(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


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
    joined_at = models.DateTimeField(auto_now_add=True)

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


class Theme(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=150)
    synthesis = models.TextField(_("synthesis"), blank=True, help_text=_("Markdown."))

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
    def active(self) -> "SessionQuerySet":
        """Sessions that are still on the programme (not withdrawn)."""
        return self.exclude(status=Session.Status.WITHDRAWN)

    def visible(self) -> "SessionQuerySet":
        """What participants see: not withdrawn and not hidden as spam."""
        return self.active().filter(hidden=False)

    def with_vote_count(self) -> "SessionQuerySet":
        return self.annotate(vote_count=Count("votes", distinct=True))

    def by_votes(self) -> "SessionQuerySet":
        return self.with_vote_count().order_by("-vote_count", "id")


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
    hosts = models.ManyToManyField(
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
    hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Hidden by an organiser, e.g. as spam.")
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
    def editable_by_hosts(self) -> bool:
        """Hosts change their own proposal until the grid is published."""
        return not self.event.grid_published and self.status != Session.Status.WITHDRAWN


class Host(models.Model):
    """A participant who runs a session; `order` keeps the hosts in the order they were named."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="hostings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="hostings")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("host")
        verbose_name_plural = _("hosts")
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="host_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.session}"


class Vote(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

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
    import uuid
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{instance.session.event_id}/{uuid.uuid4().hex}{suffix}"


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
    token is stored; the link expires and works once."""

    LIFETIME = timedelta(hours=24)

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
