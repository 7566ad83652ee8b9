"""When a save of the event's settings or of its rooms and slots was overtaken by someone
else's (`actions.EditConflict`): what they saved beside what this writer sent, and the form
again, now based on the saved version, holding the writer's values.

Each field of these forms carries the value it showed when the page was opened (Django's
hidden `initial-` twin, `forms.keep_as_opened`). So a field the writer changed keeps the
writer's value, and a field they left as it was takes what the other person saved: saving
again applies the writer's own changes, deliberately, and undoes nobody's. A row the other
person deleted comes back as a new row only if the writer changed it; rows they added are in
the form as they saved them. Nothing here writes: the view renders the result with 409."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sessions_app.forms import EventSettingsForm, RoomForm, SlotForm
from sessions_app.models import Event

FORMS_MAX = 1000  # Django's own limit of forms in a formset


def _raw(bound: forms.BoundField) -> str:
    """A bound field's value as its widget writes it into the page."""
    value = bound.field.widget.format_value(bound.value())
    if isinstance(value, list):  # choice widgets format a list of the chosen values
        value = value[0] if value else ""
    return "" if value is None else str(value)


def _changed(field: forms.Field, opened: str | None, sent: str) -> bool:
    """Whether the writer changed a field from what their page showed (`opened`; None when
    the page did not say: then every value counts as theirs)."""
    if opened is None:
        return True
    try:
        return field.has_changed(field.to_python(opened), sent)
    except ValidationError:
        return True


def _labels(field: forms.ChoiceField) -> dict[Any, Any]:
    """A choice field's labels by value (Django keeps its choices as (value, label) pairs)."""
    return dict(cast("list[tuple[Any, Any]]", field.choices))


def _shown(field: forms.Field, raw: str) -> str:
    """A value as people read it: a choice's label, a date in words."""
    if isinstance(field, forms.ChoiceField):
        return str(_labels(field).get(raw, raw))
    if isinstance(field, forms.DateField):
        try:
            value = field.to_python(raw)
        except ValidationError:
            return raw
        return date_format(value, "DATE_FORMAT") if value else raw
    return raw


# ---- the settings ---------------------------------------------------------------------------


@dataclass
class SettingDifference:
    label: str
    theirs: str
    yours: str
    both: bool  # the other person changed it too, since the writer's page was opened
    long: bool  # a text: shown as a block


@dataclass
class SettingsMerge:
    data: QueryDict  # the form again: the writer's changes on top of what is saved now
    differences: list[SettingDifference]


def settings_merge(data: QueryDict, current: Event) -> SettingsMerge:
    saved = EventSettingsForm(instance=current)
    merged = QueryDict(mutable=True)
    differences = []
    for name, bound in saved.fields.items():
        if name == "version":
            continue
        if name == "submission_key":
            merged[name] = data.get(name, "")
            continue
        theirs = _raw(saved[name])
        sent = data.get(name, "")
        opened = data.get(saved[name].html_initial_name)
        mine = _changed(bound, opened, sent)
        merged[name] = sent if mine else theirs
        merged[saved[name].html_initial_name] = theirs
        if mine and _changed(bound, theirs, sent):
            differences.append(
                SettingDifference(
                    label=str(bound.label),
                    theirs=_shown(bound, theirs),
                    yours=_shown(bound, sent),
                    both=opened is None or _changed(bound, opened, theirs),
                    long=isinstance(bound.widget, forms.Textarea),
                )
            )
    merged["version"] = str(current.settings_version)
    return SettingsMerge(data=merged, differences=differences)


# ---- the rooms and slots --------------------------------------------------------------------


@dataclass
class Row:
    """One row of the frame as someone has it: its values by field, as people read them."""

    values: list[str]
    new: bool = False
    deleted: bool = False
    changed: bool = False


@dataclass
class FrameSide:
    rooms: list[Row] = field(default_factory=list)
    slots: list[Row] = field(default_factory=list)


@dataclass
class FrameMerge:
    data: QueryDict  # both formsets again, the writer's changes on top of what is saved now
    theirs: FrameSide
    yours: FrameSide
    revived: list[str]  # rows someone deleted that the writer changed: back as new rows


def _count(data: QueryDict, key: str) -> int:
    text = data.get(key, "")
    return min(int(text), FORMS_MAX) if text.isascii() and text.isdigit() else 0


def _sent_rows(data: QueryDict, prefix: str, names: list[str]) -> list[dict[str, Any]]:
    """The rows of one formset as the writer sent them: id, values, what their page showed."""
    rows = []
    initial = _count(data, f"{prefix}-INITIAL_FORMS")
    for index in range(_count(data, f"{prefix}-TOTAL_FORMS")):
        start = f"{prefix}-{index}-"
        pk = data.get(f"{start}id", "") if index < initial else ""
        rows.append(
            {
                "pk": int(pk) if pk.isascii() and pk.isdigit() and len(pk) < 19 else None,
                "sent": {name: data.get(start + name, "") for name in names},
                "opened": {name: data.get(f"initial-{start}{name}") for name in names},
                "delete": bool(data.get(f"{start}DELETE")),
            }
        )
    return rows


def _frame_part(
    *,
    prefix: str,
    saved_forms: Sequence[forms.ModelForm],
    blank: forms.ModelForm,
    data: QueryDict,
    extra: int,
    merged: QueryDict,
    describe,
) -> tuple[list[Row], list[Row], list[str]]:
    """Merge one formset (rooms or slots) into `merged`; return both sides and revived rows."""
    names = list(blank.fields)
    fields = blank.fields
    sent_rows = _sent_rows(data, prefix, names)
    by_pk = {row["pk"]: row for row in sent_rows if row["pk"] is not None}
    empty = {name: _raw(blank[name]) for name in names}
    theirs, yours, revived = [], [], []
    # each row: its pk (None for a new row), its values, what it showed when opened, deleted
    rows: list[tuple[Any, dict[str, str], dict[str, str] | None, bool]] = []
    for form in saved_forms:
        saved = {name: _raw(form[name]) for name in names}
        theirs.append(Row(values=describe(saved)))
        sent = by_pk.pop(form.instance.pk, None)
        if sent is None:  # added by someone else since the writer opened the page
            rows.append((form.instance.pk, saved, saved, False))
            continue
        mine = {n for n in names if _changed(fields[n], sent["opened"][n], sent["sent"][n])}
        values = {n: sent["sent"][n] if n in mine else saved[n] for n in names}
        rows.append((form.instance.pk, values, saved, sent["delete"]))
        yours.append(Row(values=describe(sent["sent"]), deleted=sent["delete"], changed=bool(mine)))
    for sent in sent_rows:
        if sent["pk"] is not None and sent["pk"] in by_pk:  # deleted by someone else
            touched = any(_changed(fields[n], sent["opened"][n], sent["sent"][n]) for n in names)
            if touched and not sent["delete"]:
                rows.append((None, sent["sent"], None, False))
                revived.append(" ".join(describe(sent["sent"])))
                yours.append(Row(values=describe(sent["sent"]), new=True, changed=True))
        elif sent["pk"] is None and sent["sent"] != empty and any(sent["sent"].values()):
            rows.append((None, sent["sent"], None, False))
            yours.append(Row(values=describe(sent["sent"]), new=True, changed=True))
    saved_count = len(saved_forms)
    rows += [(None, empty, None, False)] * extra
    for index, (pk, values, opened, delete) in enumerate(rows):
        start = f"{prefix}-{index}-"
        if index < saved_count:
            merged[f"{start}id"] = str(pk)
        for name in names:
            merged[start + name] = values[name]
            if opened is not None:
                merged[f"initial-{start}{name}"] = opened[name]
        if delete:
            merged[f"{start}DELETE"] = "on"
    merged[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    merged[f"{prefix}-INITIAL_FORMS"] = str(saved_count)
    merged[f"{prefix}-MIN_NUM_FORMS"] = "0"
    merged[f"{prefix}-MAX_NUM_FORMS"] = str(FORMS_MAX)
    return theirs, yours, revived


def frame_merge(data: QueryDict, current: Event) -> FrameMerge:
    merged = QueryDict(mutable=True)
    merged["submission_key"] = data.get("submission_key", "")
    merged["version"] = str(current.frame_version)
    rooms = [RoomForm(instance=room) for room in current.rooms.order_by("order", "id")]
    slots = [
        SlotForm(instance=slot, event=current)
        for slot in current.slots.select_related("event").order_by("start")
    ]
    kinds = _labels(cast(forms.ChoiceField, SlotForm.base_fields["kind"]))

    def room_text(values: dict[str, str]) -> list[str]:
        seats = values["capacity"]
        return [values["name"], _("%(seats)s seats") % {"seats": seats} if seats else ""]

    def slot_text(values: dict[str, str]) -> list[str]:
        span = f"{values['start_time'][:5]}–{values['end_time'][:5]}"
        return [span, str(kinds.get(values["kind"], values["kind"])), values["label"]]

    room_theirs, room_yours, room_revived = _frame_part(
        prefix="rooms",
        saved_forms=rooms,
        blank=RoomForm(),
        data=data,
        extra=1,
        merged=merged,
        describe=room_text,
    )
    slot_theirs, slot_yours, slot_revived = _frame_part(
        prefix="slots",
        saved_forms=slots,
        blank=SlotForm(event=current),
        data=data,
        extra=2,
        merged=merged,
        describe=slot_text,
    )
    return FrameMerge(
        data=merged,
        theirs=FrameSide(rooms=room_theirs, slots=slot_theirs),
        yours=FrameSide(rooms=room_yours, slots=slot_yours),
        revived=[*room_revived, *slot_revived],
    )
