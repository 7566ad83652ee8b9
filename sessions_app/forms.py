"""Every input goes through a form, even a one-button vote."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import UTC, datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from sessions_app import grid, replanning, uploads, wallclock
from sessions_app.actions import SIGN_IN_LINK_MINUTES, Proposal
from sessions_app.client_input import (
    ID_MAX,
    BoundedJSONField,
    IdChoiceField,
    IdsChoiceField,
    ListedChoiceField,
    StrictIntegerField,
    parse_id,
    parse_int,
    parse_uuid,
)
from sessions_app.models import (
    EVENT_DATE_MAX,
    EVENT_DATE_MIN,
    RESERVED_SLUGS,
    Event,
    Participant,
    PitchRound,
    ReportRevision,
    Room,
    Session,
    Slot,
    TextRevision,
    Theme,
    event_date_problem,
)
from sessions_app.scheduling import Setting

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000


class SubmissionKeyInput(forms.TextInput):
    """A text field that is never shown: the browser puts a text field's value back when Back
    shows the page again (static/js/app.js marks it as changed), which it does not do for a
    hidden field, so the form sent again has the key it had the first time. No id: several
    forms of one page carry a key, and nothing labels it."""

    is_hidden = True

    def __init__(self, attrs=None) -> None:
        super().__init__({"hidden": True} | (attrs or {}))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("id", None)
        return context


class SubmissionKeyField(forms.CharField):
    """A key that is new every time the form is shown. A missing or malformed key (a page from
    an old cache, a fuzzer) is no error: the form then works as a plain form, without the
    protection against a second submit."""

    widget = SubmissionKeyInput

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)

    # a key, not the text CharField.to_python would give
    def to_python(self, value) -> uuid.UUID | None:  # type: ignore[override]
        return parse_uuid(value)

    def bound_data(self, data, initial):
        """Shown again (with errors), the form keeps its key; a bad one is replaced."""
        return data if self.to_python(data) is not None else initial

    def has_changed(self, initial, data) -> bool:
        return False


class SubmittedOnce(forms.Form):
    """For forms that create something: a hidden `submission_key`, so that a double submit, or
    Back and submit again, leads to what the first submit made (`actions.submit_once`)."""

    submission_key = SubmissionKeyField()

    @property
    def submission(self) -> uuid.UUID | None:
        """The key this form was sent with, if it is one."""
        return self.fields["submission_key"].to_python(
            self["submission_key"].data if self.is_bound else None
        )


class SubmissionKeyForm(SubmittedOnce):
    """The key alone, for a page whose form is a button or a pair of formsets."""


class VersionField(StrictIntegerField):
    """The version of what an editor shows, sent back with its save so that a save from an
    older version is refused (`actions.EditConflict`) instead of overwriting. A form without
    one (a page from before versions) or with a garbled one counts as opened on no version:
    `UNKNOWN`, which no saved version equals, so its save gets the compare screen. Never an
    error: the writer's text is never refused for a hidden field."""

    UNKNOWN = -1
    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> int:
        text = str(value).strip() if value is not None else ""
        number = parse_int(text, minimum=0, maximum=2**31 - 1)  # client_input: ASCII digits
        return self.UNKNOWN if number is None else number

    def validate(self, value) -> None:
        pass

    def run_validators(self, value) -> None:
        pass


def _clean_code(value: str) -> str:
    return "".join(value.split()).upper()


class JoinCodeForm(forms.Form):
    """The join code alone, typed by someone who saw it on the beamer."""

    code = forms.CharField(
        label=_("Join code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> Event:
        code = _clean_code(self.cleaned_data["code"])
        event = Event.objects.filter(join_code=code).first()
        if event is None:
            raise ValidationError(_("There is no event with this code. Check it on the screen."))
        return event


class JoinForm(SubmittedOnce):
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("We mail you a personal link to come back on another device. Nothing else."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    code = forms.CharField(
        label=_("Join code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, event: Event, **kwargs) -> None:
        self.event = event
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Please tell us your name."))
        return name

    def clean_code(self) -> str:
        code = _clean_code(self.cleaned_data["code"])
        if code != self.event.join_code:
            raise ValidationError(_("This is not the code of this event. Check it on the screen."))
        return code

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email and self.event.participants.filter(email__iexact=email).exists():
            raise ValidationError(
                _("Someone in this event already uses this address. Ask for a sign-in link.")
            )
        return email


class SignInRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=ngettext_lazy(
            "The link works once, for %(minutes)d minute.",
            "The link works once, for %(minutes)d minutes.",
            "minutes",
        )
        % {"minutes": SIGN_IN_LINK_MINUTES},
    )


class MyEmailForm(forms.Form):
    """My page: the address a participant comes back with (empty: none)."""

    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        help_text=_("We mail you a personal link to come back on another device. Nothing else."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class DeskSearchForm(forms.Form):
    """The info desk: find a participant by name, organisation or address."""

    q = forms.CharField(label=_("Name"), max_length=150, required=False)


class AuthenticatorCodeForm(forms.Form):
    """The 6 digits of an authenticator app (two-step sign-in); spaces are ignored."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "size": 8,
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValidationError(
                _("Enter the 6 digits your authenticator app shows."), code="format"
            )
        return code


class InviteOrganiserForm(SubmittedOnce):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"))


class PeoplePicker(forms.SelectMultiple):
    """A choice of several people (co-hosts, note-takers): a plain `<select multiple>`, which
    static/js/picker.js turns into a type-to-search box with removable chips. The select stays
    the form field, so the form posts the same with or without JavaScript; without it, the
    hint `{id}_hint` (includes/field.html) says how to pick several in the plain select.
    The picker's words come from here, in the page's language."""

    def __init__(self, attrs=None) -> None:
        texts = {
            "data-picker": "",
            "data-picker-placeholder": _("Type a name or organisation"),
            "data-picker-chosen": _("Chosen"),
            "data-picker-remove": _("Remove %s"),
            "data-picker-added": _("%s added"),
            "data-picker-removed": _("%s removed"),
            "data-picker-found": _("Found: %s. Arrow keys to move, Enter to pick."),
            "data-picker-none": _("Nobody found"),
            "size": 8,
        }
        super().__init__(texts | (attrs or {}))

    class Media:
        # only the pages with a picker load it: {{ form.media }} in their scripts block
        js = [forms.Script("js/picker.js", defer=True)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.get("id"):
            described = widget_attrs.get("aria-describedby", "")
            widget_attrs["aria-describedby"] = f"{described} {widget_attrs['id']}_hint".strip()
        return context


class ChoicesOfEvent(IdsChoiceField):
    """A multiple choice of rows by id; ids that cannot be ids (too large, not ASCII numbers:
    `client_input.parse_id`) are refused as invalid choices before they reach the database."""


class ParticipantChoiceField(ChoicesOfEvent):
    def label_from_instance(self, participant: Participant) -> str:
        return str(participant)


class SlotChoiceField(ChoicesOfEvent):
    def label_from_instance(self, slot: Slot) -> str:
        return str(slot)


class ProposalForm(SubmittedOnce):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Give your session a title.")},
        help_text=_("Short and concrete, e.g. “Reaching fathers in the parenting shop”."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Session.Kind.choices,
        widget=forms.RadioSelect,
        initial="discussion",
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What will you do, and for whom? Markdown works: **bold**, *italic*, - lists."),
    )
    themes = ChoicesOfEvent(
        label=_("Themes"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    cohosts = ParticipantChoiceField(
        label=_("Co-hosts"),
        queryset=None,
        required=False,
        widget=PeoplePicker,
        help_text=_("Participants who host it with you."),
    )
    invite = forms.CharField(
        label=_("Invite co-hosts by name"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One name per line, for co-hosts who have not joined yet."),
    )
    unavailable_slots = SlotChoiceField(
        label=_("I cannot host in these slots"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # editing only: the session's version the form was opened on
    version = VersionField()

    def __init__(self, *args, event: Event, by: Participant | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        cast(forms.ModelChoiceField, self.fields["themes"]).queryset = event.themes.all()
        people = event.participants.order_by("name")
        cast(forms.ModelChoiceField, self.fields["cohosts"]).queryset = (
            people.exclude(pk=by.pk) if by else people
        )
        slots = cast(forms.ModelChoiceField, self.fields["unavailable_slots"])
        slots.queryset = event.slots.for_sessions().select_related("event")
        if not event.themes.exists():
            del self.fields["themes"]
        if not event.slots.for_sessions().exists():
            del self.fields["unavailable_slots"]
        if by is None:  # an organiser editing: the hosts are all in the list
            self.fields["cohosts"].label = _("Hosts")
            self.fields["cohosts"].help_text = ""

    @classmethod
    def for_session(cls, session: Session, *, by: Participant | None, data=None) -> ProposalForm:
        hosts = [h.participant for h in session.hostings.select_related("participant")]
        initial = {
            "title": session.title,
            "kind": session.kind,
            "description": session.description,
            "themes": list(session.themes.all()),
            "unavailable_slots": list(session.unavailable_slots.all()),
            "cohosts": [h for h in hosts if by is None or h.pk != by.pk],
            "version": session.version,
        }
        return cls(data, initial=initial, event=session.event, by=by)

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError(_("Give your session a title."))
        return title

    def clean_invite(self) -> list[str]:
        names = [" ".join(line.split()) for line in self.cleaned_data["invite"].splitlines()]
        names = [name for name in names if name]
        too_long = [name for name in names if len(name) > 150]
        if too_long:
            raise ValidationError(_("A name can have at most 150 characters."))
        return names

    def proposal(self) -> Proposal:
        data = self.cleaned_data
        return Proposal(
            title=data["title"],
            kind=data["kind"],
            description=data["description"],
            themes=list(data.get("themes") or []),
            unavailable_slots=list(data.get("unavailable_slots") or []),
            cohosts=list(data["cohosts"]),
            invited_names=data["invite"],
        )


class VoteForm(forms.Form):
    """One button: vote (1) or take the vote back (0)."""

    vote = forms.TypedChoiceField(
        choices=[("1", _("Vote")), ("0", _("Take back"))], coerce=lambda v: v == "1"
    )


class FollowForm(forms.Form):
    """One button: "I'll go" (1) or not any more (0), never "flip it": sent twice, it does what
    sending it once does."""

    follow = forms.TypedChoiceField(
        choices=[("1", _("I'll go")), ("0", _("I won't go"))], coerce=lambda v: v == "1"
    )


class ChangesSeenForm(forms.Form):
    """The grid version whose changes the participant saw on the page (not the newest: a change
    made after the page was shown is not seen yet)."""

    version = StrictIntegerField(min_value=0)


class PreviewForm(forms.Form):
    description = forms.CharField(required=False, max_length=DESCRIPTION_MAX)


class MergeForm(forms.Form):
    merge = IdChoiceField(label=_("Merge this session into it"), queryset=None)

    def __init__(self, *args, keep: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        merge = cast(forms.ModelChoiceField, self.fields["merge"])
        merge.queryset = keep.event.sessions.active().exclude(pk=keep.pk)


class HideForm(forms.Form):
    hidden = forms.TypedChoiceField(
        choices=[("1", _("Hide")), ("0", _("Show again"))], coerce=lambda v: v == "1"
    )


class ProposalFilterForm(forms.Form):
    """The proposals page's filters: all optional, bad values ignored."""

    SORTS = [("votes", _("Most votes")), ("new", _("Newest"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Session.Kind.choices]
    )
    theme = IdChoiceField(
        label=_("Theme"), required=False, queryset=None, empty_label=_("All themes")
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["theme"]).queryset = event.themes.all()


# ---- the grid editor (organisers) ---------------------------------------------------------


class GridChangeForm(forms.Form):
    """Every change of the grid carries the version of the grid it was made on; ids are looked
    up among the event's own rows only."""

    version = StrictIntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event

    def has_foreign_ids(self) -> bool:
        """Whether an id posted is not one of this event's: a 404, not a form to correct."""
        return any(
            error.code == "invalid_choice"
            for errors in self.errors.as_data().values()
            for error in errors
        )


class MoveForm(GridChangeForm):
    """A session to a cell (room and slot), or back to the tray (neither)."""

    session = IdChoiceField(queryset=None, widget=forms.HiddenInput)
    room = ListedChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    slot = ListedChoiceField(queryset=None, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, event=event, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = event.sessions.visible()
        # the event's few rooms and slots, read whole by a compiled query (grid.py)
        room = cast(ListedChoiceField, self.fields["room"])
        room.queryset, room.rows = event.rooms.all(), lambda: grid.ROOM_ROWS.objects(event)
        # every kind of slot: a break is refused by the grid's rules, with a message
        slot = cast(ListedChoiceField, self.fields["slot"])
        slot.queryset, slot.rows = event.slots.all(), lambda: grid.SLOT_ROWS.objects(event)

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # a form's clean() returns its cleaned_data
        if bool(data.get("room")) != bool(data.get("slot")):
            raise ValidationError(_("Give a room and a slot, or neither for the tray."))
        return data

    @property
    def cell(self):
        room, slot = self.cleaned_data.get("room"), self.cleaned_data.get("slot")
        return (room, slot) if room and slot else None


class PinForm(GridChangeForm):
    session = IdChoiceField(queryset=None, widget=forms.HiddenInput)
    pinned = forms.TypedChoiceField(
        choices=[("1", _("Pin")), ("0", _("Unpin"))], coerce=lambda v: v == "1"
    )

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, event=event, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = event.sessions.visible()


class UndoForm(GridChangeForm):
    pass


class RestoreGridForm(GridChangeForm):
    change = IdChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, event=event, **kwargs)
        cast(forms.ModelChoiceField, self.fields["change"]).queryset = event.grid_changes.all()


class AcceptGridForm(GridChangeForm):
    """A proposed grid as [session, room, slot, pinned] rows (JSON in a hidden field)."""

    rows = BoundedJSONField(widget=forms.HiddenInput)

    def clean_rows(self) -> list[list]:
        rows = self.cleaned_data["rows"]
        shape_ok = isinstance(rows, list) and all(
            isinstance(row, list)
            and len(row) == 4
            and all(type(value) is int for value in row[:3])
            and isinstance(row[3], bool | int)
            for row in rows
        )
        if not shape_ok:
            raise ValidationError(_("This is not a grid."), code="invalid")
        event = self.event
        known = (
            set(event.sessions.values_list("id", flat=True)),
            set(event.rooms.values_list("id", flat=True)),
            set(event.slots.values_list("id", flat=True)),
        )
        for row in rows:
            if any(value not in ids for value, ids in zip(row[:3], known, strict=True)):
                raise ValidationError(_("This grid is not of this event."), code="invalid_choice")
        return [[s, r, t, bool(p)] for s, r, t, p in rows]


MAX_DISRUPTIONS = 50  # of each kind; more is not a day, it is a form being fuzzed


class ReplanQueryForm(forms.Form):
    """The re-plan page's query string (GET shows it, POST accepts the same query): the
    disruptions noted so far (`closed` and `absent` as id@moment, `cancel` as a session id, each
    repeated), one being added (`close_room` with `close_from`, `absent_host` with
    `absent_from`, `cancel_session`) and the stability (`setting`). A wrong disruption is left
    out with a message and the rest still count, so the page shows what it can: `disruptions`
    and `setting` hold what was read, `non_field_errors()` what was wrong, in order."""

    def __init__(self, data: QueryDict, *, names: replanning.Names) -> None:
        super().__init__(data)
        self.query = data  # typed as what it is: its keys repeat
        self.names = names
        self.disruptions: list[replanning.Disruption] = []
        self.setting: Setting | None = None

    def clean(self) -> dict:
        self.disruptions, self.setting = [], None
        query = self.query
        seen: set[tuple[str, int]] = set()  # a disruption given twice counts once
        for kind, new_target, new_moment in (
            ("closed", "close_room", "close_from"),
            ("absent", "absent_host", "absent_from"),
        ):
            for value in query.getlist(kind)[:MAX_DISRUPTIONS]:
                target, _at, moment = value.partition("@")
                self._timed(kind, target, moment, seen)
            # both read whatever comes, so every key the page knows is read on any request
            new, at = query.get(new_target), query.get(new_moment)
            if new is not None:
                self._timed(kind, new, at or "", seen)
        cancels = query.getlist("cancel")[:MAX_DISRUPTIONS]
        if (new_cancel := query.get("cancel_session")) is not None:
            cancels.append(new_cancel)
        for value in cancels:
            session = parse_id(value)
            if session is None or session not in self.names.sessions:
                self.add_error(None, gettext("That session is not on this event's board."))
                continue
            if ("cancel", session) in seen:
                continue
            seen.add(("cancel", session))
            self.disruptions.append(
                replanning.Disruption(
                    kind="cancel",
                    target=session,
                    value=str(session),
                    text=gettext("“%(title)s” cancelled") % {"title": self.names.sessions[session]},
                )
            )
        raw_setting = query.get("setting", "")
        if raw_setting in Setting._value2member_map_:
            self.setting = Setting(raw_setting)
        elif raw_setting:
            self.add_error(None, gettext("Choose one of the three ways to re-plan."))
        return {}

    def _timed(
        self, kind: str, raw_target: str, raw_moment: str, seen: set[tuple[str, int]]
    ) -> None:
        """A room closed or a person absent from a moment on."""
        names = self.names
        target = parse_id(raw_target)
        known = names.rooms if kind == "closed" else names.people
        if target is None or target not in known:
            self.add_error(
                None,
                gettext("That room is not in this event.")
                if kind == "closed"
                else gettext("That person is not in this event."),
            )
            return
        moment = _replan_moment(raw_moment, names.event)
        if moment is None:
            self.add_error(
                None,
                gettext("“%(value)s” is not a date and time like 2026-06-13T13:00.")
                % {"value": raw_moment[:40]},
            )
            return
        if (kind, target) in seen:
            return
        seen.add((kind, target))
        template = (
            gettext("%(name)s closed from %(time)s")
            if kind == "closed"
            else gettext("%(name)s absent from %(time)s")
        )
        self.disruptions.append(
            replanning.Disruption(
                kind=kind,
                target=target,
                value=f"{target}@{names.event.local(moment):{replanning.MOMENT_FORMAT}}",
                text=template % {"name": known[target], "time": names.time(moment)},
                first_slot=names.first_slot_after(moment),
            )
        )


def _replan_moment(value: str, event: Event) -> datetime | None:
    for pattern in (replanning.MOMENT_FORMAT, replanning.MOMENT_FORMAT + ":%S"):
        try:
            naive = datetime.strptime(value, pattern)
        except ValueError:
            continue
        try:
            return wallclock.moved(naive, event.tz)
        except wallclock.ClockProblem:
            return None
    return None


# ---- organisers: an event's settings, its phase and its frame (rooms × slots) ----------------
# This block was appended whole, so its imports sit here; hoist them when convenient.


TIMEZONES = sorted(zoneinfo.available_timezones())
VOTES_MAX = 100
SLUG_MAX = 64


class EventForm(SubmittedOnce, forms.ModelForm):
    """A new event's settings. How people vote is a choice, +1 votes or dot voting, plus a
    number that only dot voting uses; an empty short name is made from the name."""

    voting = forms.ChoiceField(
        label=_("Voting"),
        choices=[
            ("plus", _("+1 votes: everyone votes for as many sessions as they like")),
            ("dots", _("Dot voting: everyone gets a fixed number of votes")),
        ],
        widget=forms.RadioSelect,
        initial="plus",
    )
    votes = StrictIntegerField(
        label=_("Votes per participant (dot voting)"),
        required=False,
        min_value=1,
        max_value=VOTES_MAX,
        help_text=_("Only for dot voting, e.g. 3."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown on the event's page. Markdown works: **bold**, *italic*, - lists."),
    )
    field_order = [
        "name",
        "slug",
        "date",
        "venue",
        "language",
        "timezone",
        "voting",
        "votes",
        "description",
    ]

    class Meta:
        model = Event
        fields = ["name", "slug", "date", "venue", "language", "timezone", "description"]
        widgets = {
            "date": forms.DateInput(
                attrs={
                    "type": "date",
                    "min": EVENT_DATE_MIN.isoformat(),
                    "max": EVENT_DATE_MAX.isoformat(),
                },
                format="%Y-%m-%d",
            ),
            "language": forms.RadioSelect,
            "timezone": forms.Select(choices=[(zone, zone) for zone in TIMEZONES]),
        }
        help_texts = {
            "slug": _(
                "Part of every link to the event: letters, digits and hyphens. Leave it empty "
                "to make one from the name. It cannot change once the event exists."
            ),
        }
        error_messages = {
            "slug": {"unique": _("Another event already uses this short name; choose another.")}
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
        if self.instance.pk and self.instance.votes_per_participant:
            self.initial.setdefault("voting", "dots")
            self.initial.setdefault("votes", self.instance.votes_per_participant)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Give the event a name."))
        return name

    def clean_slug(self) -> str:
        return self.cleaned_data["slug"].lower()

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # a form's clean() returns its cleaned_data
        derive = "slug" in self.fields and "slug" not in self.errors and not data.get("slug")
        if derive and data.get("name"):
            data["slug"] = free_slug(slugify(data["name"]))
            if not data["slug"]:
                self.add_error("slug", _("Choose a short name: letters, digits and hyphens."))
        dots = data.get("voting") == "dots"
        if dots and data.get("votes") is None and "votes" not in self.errors:
            self.add_error("votes", _("How many votes does each participant get?"))
        self.instance.votes_per_participant = data.get("votes") if dots else None
        return data


def free_slug(base: str) -> str:
    """`base`, or `base-2`, `base-3`, … whichever no event has and is not reserved."""
    base = base[:SLUG_MAX].strip("-")
    if not base:
        return ""
    taken = set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 2
    while candidate in taken or candidate in RESERVED_SLUGS:
        suffix = f"-{number}"
        candidate, number = f"{base[: SLUG_MAX - len(suffix)]}{suffix}", number + 1
    return candidate


class EventSettingsForm(EventForm):
    """An existing event's settings: the short name is fixed (links and QR codes use it). It
    carries the `settings_version` it was opened on, and each field what it showed then, so
    that a save overtaken by someone else's is refused and merged (`editor_conflicts`)."""

    version = VersionField()

    class Meta(EventForm.Meta):
        fields = [name for name in EventForm.Meta.fields if name != "slug"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.settings_version)
        keep_as_opened(self)


class FrameForm(SubmittedOnce):
    """The rooms-and-slots page's own fields: its key, and the `frame_version` it shows."""

    version = VersionField()


def keep_as_opened(form: forms.BaseForm) -> None:
    """Let each field of `form` carry the value it showed when the page was opened (a hidden
    `initial-` twin), so a save overtaken by someone else's can tell what this writer changed
    from what they left as it was (`editor_conflicts`)."""
    for name, field in form.fields.items():
        if not isinstance(field, SubmissionKeyField | VersionField) and name != "DELETE":
            field.show_hidden_initial = True


class PhaseForm(forms.Form):
    """One button: the phase to go to (the action allows only one step forward or back)."""

    phase = forms.ChoiceField(choices=Event.Phase.choices)


class RoomForm(forms.ModelForm):
    capacity = StrictIntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    order = StrictIntegerField(
        label=_("Order"),
        min_value=0,
        max_value=10_000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Room
        fields = ["name", "capacity", "order"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            keep_as_opened(self)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Give the room a name."))
        return name


def _kept_forms(formset: forms.BaseFormSet) -> list[forms.Form]:
    """The formset's valid rows that stay: filled in, not ticked for deletion."""
    return [
        form
        for form in formset.forms
        if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class BaseRoomFormSet(forms.BaseModelFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in _kept_forms(self):
            name = form.cleaned_data["name"]
            if name.casefold() in seen:
                raise ValidationError(
                    _("Two rooms are called “%(name)s”; give each room its own name."),
                    params={"name": name},
                )
            seen.add(name.casefold())


class SlotForm(forms.ModelForm):
    """A slot as wall-clock times on its day (the event's date, for a new slot)."""

    start_time = forms.TimeField(
        label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("End"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    class Meta:
        model = Slot
        fields = ["start_time", "end_time", "kind", "label"]

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.day = event.date
        if self.instance.pk:
            try:
                start, end = event.local(self.instance.start), event.local(self.instance.end)
            except OverflowError:  # a row at the calendar's edge, from before dates were checked
                start, end = self.instance.start, self.instance.end
            self.day = start.date()
            self.initial.setdefault("start_time", start.time().replace(second=0, microsecond=0))
            self.initial.setdefault("end_time", end.time().replace(second=0, microsecond=0))
            keep_as_opened(self)

    def _moment(self, name: str, wall_clock, saved: datetime | None) -> datetime | None:
        """The moment of a typed time on the slot's day; a time left as it was keeps the
        saved moment (also one that a clock change makes ambiguous, from an event file)."""
        if saved is not None and wall_clock == self.initial.get(name):
            try:
                return self.event.local(saved)
            except OverflowError:  # a row at the calendar's edge, from before dates were checked
                return saved
        if problem := event_date_problem(self.day):
            self.add_error(name, problem)
            return None
        try:
            moment = wallclock.aware(self.day, wall_clock, self.event.tz)
            moment.astimezone(UTC)  # at the calendar's edge this leaves it
        except wallclock.ClockProblem as problem:
            self.add_error(name, str(problem))
            return None
        except OverflowError:
            self.add_error(name, _("This time is outside the calendar."))
            return None
        return moment

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # a form's clean() returns its cleaned_data
        start, end = data.get("start_time"), data.get("end_time")
        if start is not None and end is not None:
            if end <= start:
                self.add_error("end_time", _("A slot must end after it starts."))
                return data
            saved = self.instance.pk is not None
            moments = (
                self._moment("start_time", start, self.instance.start if saved else None),
                self._moment("end_time", end, self.instance.end if saved else None),
            )
            if None not in moments:
                data["start"], data["end"] = moments
        return data

    def save(self, commit: bool = True) -> Slot:
        self.instance.start = self.cleaned_data["start"]
        self.instance.end = self.cleaned_data["end"]
        return super().save(commit)


class BaseSlotFormSet(forms.BaseModelFormSet):
    def clean(self) -> None:
        """No two slots overlap, judged on the page as submitted (so two slots may swap)."""
        super().clean()
        spans = sorted(
            (form.cleaned_data["start"], form.cleaned_data["end"])
            for form in _kept_forms(self)
            if "start" in form.cleaned_data
        )
        errors, latest = [], None  # latest: the slot so far that ends last
        for start, end in spans:
            if latest is not None and start < latest[1]:
                errors.append(
                    ValidationError(
                        _("The slot %(first)s overlaps the slot %(second)s."),
                        params={"first": _span(*latest), "second": _span(start, end)},
                    )
                )
            if latest is None or end > latest[1]:
                latest = (start, end)
        if errors:
            raise ValidationError(errors)


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


# A crafted TOTAL_FORMS would otherwise have Django build its cap of 2,000 forms per request;
# no barcamp has 500 rooms or slots.
FRAME_ROWS: dict[str, Any] = {"max_num": 500, "absolute_max": 500, "validate_max": True}
# The factory's classes are subclasses of the formset= base; its stubs know only the generic one.
RoomFormSet = cast(
    type[BaseRoomFormSet],
    forms.modelformset_factory(
        Room,
        form=RoomForm,
        formset=BaseRoomFormSet,
        extra=3,
        can_delete=True,
        can_delete_extra=False,
        **FRAME_ROWS,
    ),
)
SlotFormSet = cast(
    type[BaseSlotFormSet],
    forms.modelformset_factory(
        Slot,
        form=SlotForm,
        formset=BaseSlotFormSet,
        extra=4,
        can_delete=True,
        can_delete_extra=False,
        **FRAME_ROWS,
    ),
)


def frame_formsets(event: Event, data=None) -> tuple[BaseRoomFormSet, BaseSlotFormSet]:
    """The rooms and the slots of the event as two formsets of one page, with empty rows to
    add more (a few for a new event, one or two once there are some)."""
    rooms = RoomFormSet(data, queryset=event.rooms.order_by("order", "id"), prefix="rooms")
    slots = SlotFormSet(
        data,
        queryset=event.slots.order_by("start"),
        prefix="slots",
        form_kwargs={"event": event},
    )
    rooms.extra = 1 if rooms.get_queryset() else 3
    slots.extra = 2 if slots.get_queryset() else 4
    return rooms, slots


class EventChoiceField(IdChoiceField):
    def label_from_instance(self, event: Event) -> str:
        return f"{event.name} ({event.date:%Y-%m-%d})"


class CopyFrameForm(SubmittedOnce):
    source = EventChoiceField(label=_("Copy from"), queryset=Event.objects.none())

    def __init__(self, *args, events, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["source"]).queryset = events


# ---- attachments: the slides, files and links a session leaves behind ---------------------


class AttachmentFileForm(SubmittedOnce):
    """A file for a session. The type comes from the bytes (`uploads.sniff`), never the name;
    the size limit is enforced earlier, while the body streams in (`uploads.limited_upload`)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file's name."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PowerPoint, OpenDocument, Keynote, PNG or JPEG."),
        error_messages={"empty": _("This file is empty.")},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.pptx,.odp,.key,.png,.jpg,.jpeg,application/pdf,image/png,"
                "image/jpeg,application/vnd.oasis.opendocument.presentation,"
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.size:
            raise ValidationError(_("This file is empty."), code="empty")
        if upload.size > uploads.max_upload_bytes():
            raise ValidationError(uploads_too_large_message(), code="too_large")
        try:
            file_type = uploads.sniff(upload)
        except uploads.ZipBomb:
            raise ValidationError(
                _(
                    "This file holds more than %(members)d parts or unpacks to more than "
                    "%(size)s: that is not a presentation. Save the slides again, or as a PDF, "
                    "and upload that."
                )
                % {
                    "members": uploads.MAX_ZIP_MEMBERS,
                    "size": filesizeformat(uploads.MAX_ZIP_UNPACKED),
                },
                code="type",
            ) from None
        if file_type is None:
            raise ValidationError(
                _(
                    "This is not a file we accept: upload a PDF, PowerPoint (PPTX), "
                    "OpenDocument (ODP), Keynote, PNG or JPEG file."
                ),
                code="type",
            )
        upload.sniffed_type = file_type
        return upload

    def clean_title(self) -> str:
        """Typed titles keep their slashes and colons; control characters go."""
        title = "".join(c if c.isprintable() else " " for c in self.cleaned_data["title"])
        return " ".join(title.split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file") and not cleaned.get("title"):
            cleaned["title"] = uploads.clean_title(cleaned["file"].name) or str(_("Slides"))
        return cleaned


class AttachmentReplaceForm(AttachmentFileForm):
    """A new file for an existing attachment; the title stays unless a new one is given."""

    def clean(self):
        return forms.Form.clean(self)


def uploads_too_large_message() -> str:
    return _("This file is too large: the limit is %(limit)s per file.") % {
        "limit": filesizeformat(uploads.max_upload_bytes())
    }


class AttachmentLinkForm(SubmittedOnce):
    """A link for a session: a video, a pad, an article. Only http(s) links."""

    KINDS = [("video", _("Video")), ("link", _("Link (pad, article, …)"))]

    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, initial="link")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise ValidationError(_("Give a link that starts with https://."), code="scheme")
        return url


# ---- session reports, the organisers' material board, themes and synthesis ----------------

REPORT_MAX = 50_000  # a long report is a few thousand characters; this only stops abuse


class ReportForm(forms.Form):
    """A report text and the revision it was written from, so a save can tell that someone
    else saved in between."""

    text = forms.CharField(
        label=_("Report"),
        max_length=REPORT_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: ## for a heading, - for a list item, **bold**."),
        error_messages={"required": _("Write the report first; an empty report is not saved.")},
    )
    based_on = StrictIntegerField(
        required=False, min_value=0, max_value=ID_MAX, widget=forms.HiddenInput
    )

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session = session

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if not text.strip():
            raise ValidationError(_("Write the report first; an empty report is not saved."))
        if text.strip() == self.session.event.report_structure().strip():
            raise ValidationError(_("Fill in the structure first; it is not saved as it is."))
        return text

    def clean_based_on(self) -> int | None:
        based_on = self.cleaned_data["based_on"]
        if based_on is not None and not self.session.report_revisions.filter(pk=based_on).exists():
            raise ValidationError(
                _("This form does not belong to this report any more. Reload the page.")
            )
        return based_on


class RestoreRevisionForm(forms.Form):
    revision = IdChoiceField(queryset=ReportRevision.objects.none())

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["revision"]
        ).queryset = session.report_revisions.all()
        cast(forms.ModelChoiceField, self.fields["revision"]).error_messages["invalid_choice"] = _(
            "That version is not in this report's history."
        )


class NoteTakersForm(forms.Form):
    note_takers = IdsChoiceField(
        label=_("Note-takers"),
        queryset=Participant.objects.none(),
        required=False,
        help_text=_("They may write this report too."),
        widget=PeoplePicker,
    )

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["note_takers"])
        field.queryset = session.event.participants.exclude(
            pk__in=session.hostings.values("participant_id")
        ).order_by("name")
        field.error_messages["invalid_choice"] = _(
            "%(value)s is not a participant of this event who could take notes."
        )


class HeldForm(forms.Form):
    held = forms.TypedChoiceField(
        choices=[("1", _("Held")), ("0", _("Not held"))],
        coerce=lambda value: value == "1",
    )


class ThemeForm(SubmittedOnce, forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = Theme.objects.filter(event_id=self.instance.event_id, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("There is a theme “%(name)s” already.") % {"name": name})
        return name


class RenameThemeForm(ThemeForm):
    """A theme's new name, and the theme's version the themes page showed."""

    version = VersionField()


class SynthesisForm(ThemeForm):
    """A theme's name and synthesis, and the theme's version the editor was opened on."""

    version = VersionField()

    class Meta:
        model = Theme
        fields = ["name", "synthesis"]
        widgets = {"synthesis": forms.Textarea(attrs={"rows": 14})}

    def clean_synthesis(self) -> str:
        text = self.cleaned_data["synthesis"].replace("\r\n", "\n")
        if len(text) > REPORT_MAX:
            raise ValidationError(_("Keep it under %(max)s characters.") % {"max": REPORT_MAX})
        return text


class SessionThemeForm(forms.Form):
    """One checkbox of the themes page: put a session in a theme or take it out. It says the
    state wanted, not "toggle", so a double click cannot undo itself."""

    session = IdChoiceField(queryset=Session.objects.none())
    theme = IdChoiceField(queryset=Theme.objects.none())
    assigned = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = event.sessions.visible()
        cast(forms.ModelChoiceField, self.fields["theme"]).queryset = event.themes.all()


class EventTextsForm(forms.ModelForm):
    """The event's introduction, conclusion and report structure, and the version of these
    texts the editor was opened on."""

    version = VersionField()

    class Meta:
        model = Event
        fields = ["introduction", "conclusion", "report_template"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 10}),
            "conclusion": forms.Textarea(attrs={"rows": 10}),
            "report_template": forms.Textarea(attrs={"rows": 10}),
        }

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # a form's clean() returns its cleaned_data
        for name in self.Meta.fields:
            if name in data:
                data[name] = data[name].replace("\r\n", "\n")
            if len(data.get(name) or "") > REPORT_MAX:
                self.add_error(name, _("Keep it under %(max)s characters.") % {"max": REPORT_MAX})
        return data

    def texts(self) -> dict[str, str]:
        """The cleaned texts by subject (the field names are the subjects)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TextRestoreForm(forms.Form):
    """Which earlier version of a written text to bring back: one of `revisions`."""

    revision = IdChoiceField(queryset=TextRevision.objects.none())

    def __init__(self, *args, revisions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["revision"]).queryset = revisions
        cast(forms.ModelChoiceField, self.fields["revision"]).error_messages["invalid_choice"] = _(
            "That version is not in this text's history."
        )


class MarkdownPreviewForm(forms.Form):
    """The live preview of any Markdown field of these pages: `field` names the field (its
    value comes under that name), so the answer fills that field's own preview box."""

    FIELDS = ["text", "synthesis", "introduction", "conclusion", "report_template"]

    field = forms.ChoiceField(choices=[(name, name) for name in FIELDS])

    def preview_text(self) -> str:
        name = self.cleaned_data["field"]
        return (self.data.get(name) or "")[:REPORT_MAX]


# ---- the event report: publishing it ------------------------------------------------------


class ReportPublishForm(forms.Form):
    """The publish/unpublish button of the event report: `published` empty means unpublish."""

    published = forms.BooleanField(required=False)


class EventCoverForm(forms.Form):
    """The picture on the event report's cover: a file to upload, or `remove` to take it off.
    The size limit is enforced while the body streams in (`uploads.limited_picture_upload`);
    the type, read from the bytes, and the decoding are the action's (`set_event_cover`)."""

    cover = forms.FileField(
        label=_("A PNG or JPEG picture or logo"),
        required=False,
        error_messages={"empty": _("This file is empty.")},
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"}),
    )
    remove = forms.BooleanField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # a form's clean() returns its cleaned_data
        if not data.get("remove") and not data.get("cover") and "cover" not in self.errors:
            self.add_error("cover", _("Choose a picture to upload."))
        return data


# ---- the pitch round ----------------------------------------------------------------------


class PitchStepForm(forms.Form):
    """A moderator's step, with the round version it was made on
    (sessions_app/actions/pitch_round.py)."""

    STEPS = ["start", "next", "skip", "back", "restart", "end"]

    version = StrictIntegerField(min_value=0, widget=forms.HiddenInput)
    step = forms.ChoiceField(choices=[(step, step) for step in STEPS])
    anyway = forms.BooleanField(required=False)  # "end" with pitches still waiting: confirmed


class PitchRequeueForm(forms.Form):
    """A skipped pitch back in the queue, on the round version it was asked on."""

    version = StrictIntegerField(min_value=0, widget=forms.HiddenInput)
    session = StrictIntegerField(min_value=1, max_value=ID_MAX, widget=forms.HiddenInput)


class PitchSecondsForm(forms.Form):
    version = StrictIntegerField(min_value=0, widget=forms.HiddenInput)
    seconds = StrictIntegerField(
        label=_("Seconds per pitch"),
        min_value=PitchRound.SECONDS_MIN,
        max_value=PitchRound.SECONDS_MAX,
        initial=PitchRound.SECONDS_DEFAULT,
    )
