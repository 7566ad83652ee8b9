"""Every input goes through a form, even a one-button vote."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sessions_app.actions import Proposal
from sessions_app.models import Event, Participant, Session, Slot

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000


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


class JoinForm(forms.Form):
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
        label=_("Your email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class InviteOrganiserForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"))


class ChoicesOfEvent(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id; ids that cannot be ids (too large, not numbers) are
    refused as invalid choices before they reach the database."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not text.isdigit() or int(text) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class ParticipantChoiceField(ChoicesOfEvent):
    def label_from_instance(self, participant: Participant) -> str:
        return str(participant)


class SlotChoiceField(ChoicesOfEvent):
    def label_from_instance(self, slot: Slot) -> str:
        return str(slot)


class ProposalForm(forms.Form):
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
        widget=forms.SelectMultiple(attrs={"size": 6}),
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

    def __init__(self, *args, event: Event, by: Participant | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["themes"].queryset = event.themes.all()
        people = event.participants.order_by("name")
        self.fields["cohosts"].queryset = people.exclude(pk=by.pk) if by else people
        self.fields["unavailable_slots"].queryset = event.slots.for_sessions().select_related(
            "event"
        )
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


class PreviewForm(forms.Form):
    description = forms.CharField(required=False, max_length=DESCRIPTION_MAX)


class MergeForm(forms.Form):
    merge = forms.ModelChoiceField(label=_("Merge this session into it"), queryset=None)

    def __init__(self, *args, keep: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["merge"].queryset = keep.event.sessions.active().exclude(pk=keep.pk)


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
    theme = forms.ModelChoiceField(
        label=_("Theme"), required=False, queryset=None, empty_label=_("All themes")
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = event.themes.all()
