"""What a client sends is read strictly, in one place: ids and numbers, JSON, and text.

- `parse_id` / `parse_int`: ASCII digits only (`str.isdigit()` also says yes to "²", "①" and
  "٣", which `int()` refuses or reads as another number), at most 19 of them and within
  bounds, so that every value fits a database integer. Every id or number a client sends
  goes through them: the form fields below, and the few query parameters a view reads.
- `IdChoiceField`, `IdsChoiceField`, `StrictIntegerField`, `BoundedJSONField`: the form
  fields built on them. A malformed value is a form error, never an exception.
- `forbidden_characters`: a NUL (PostgreSQL refuses it in text) or a lone surrogate (no
  encoder takes it) has no place in text people type; `sessions_app.middleware` answers a
  request carrying one with a clear 400 before any view reads it.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_MAX = 2**63 - 1  # the largest bigint; ids are at least 1
INT_DIGITS = 19  # as many as the largest bigint has; the value is bounded as well
_INTEGER = re.compile(rf"[+-]?[0-9]{{1,{INT_DIGITS}}}", re.ASCII)
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")

JSON_MAX_DEPTH = 20
JSON_MAX_CHARS = 2_000_000


def parse_int(value: object, *, minimum: int | None = None, maximum: int | None = None):
    """`value` as an int when it is one written in ASCII digits (an optional sign, at most 19
    digits) within [minimum, maximum] (a bigint by default); otherwise None. Ints pass
    through, bools do not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value):
        number = int(value)
    else:
        return None
    low = -(2**63) if minimum is None else minimum
    high = ID_MAX if maximum is None else maximum
    return number if low <= number <= high else None


def parse_id(value: object) -> int | None:
    """`value` as a row id (1 .. 2**63-1, ASCII digits), or None when it cannot be one."""
    return parse_int(value, minimum=1, maximum=ID_MAX)


def parse_uuid(value: object) -> uuid.UUID | None:
    """`value` as a UUID when it is one written in ASCII (spaces around it allowed); otherwise
    None. `uuid.UUID` alone reads other scripts' digits too ("٣" as 3), and any length."""
    text = str(value).strip()
    if len(text) > 64 or not text.isascii():
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def forbidden_characters(text: str) -> bool:
    """Whether `text` holds a NUL or a lone surrogate."""
    return _FORBIDDEN.search(text) is not None


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one row by id: a value that cannot be an id is an invalid choice (the same
    answer as an id of another event's row), before it reaches the database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return super().to_python(value)
        key = self.to_field_name or "pk"
        if key == "pk" and parse_id(value) is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(parse_id(value) if key == "pk" else value)


class ListedChoiceField(IdChoiceField):
    """An `IdChoiceField` among rows read whole beforehand: `rows` (set by the form) gives them
    when the form is cleaned. For an event's few rooms and slots, read by a compiled query,
    instead of one query built per field (a move's form checked three ids that way)."""

    rows: Any = None  # a callable returning the instances to choose from

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = value.pk if isinstance(value, self.queryset.model) else parse_id(value)
        found = next((row for row in self.rows() if row.pk == key), None) if key else None
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id; ids that cannot be ids (too large, not ASCII numbers)
    are refused as invalid choices before they reach the database."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values([str(parse_id(pk)) for pk in value])


class StrictIntegerField(forms.IntegerField):
    """A whole number in ASCII digits that fits a database integer (bounded by `max_value`,
    2**31-1 unless given): "٣", "²", "1e3" and 10**30 are "Enter a whole number."."""

    def __init__(self, *, max_value=None, min_value=None, **kwargs) -> None:
        super().__init__(
            max_value=2**31 - 1 if max_value is None else max_value,
            min_value=-(2**31) if min_value is None else min_value,
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_int(value if isinstance(value, int) else str(value))
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def json_too_deep(text: str, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether the JSON `text` nests arrays and objects deeper than `limit` (strings skipped),
    found without parsing it: Python's parser recurses, and 100,000 "[" exhaust its stack."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads_bounded(text: str, *, max_depth: int = JSON_MAX_DEPTH, max_chars: int = JSON_MAX_CHARS):
    """`json.loads` for text a client sent: ValueError (with no traceback to show) for text that
    is too long, nested too deep, not JSON, holds numbers too long to read, or strings with a
    NUL or a lone surrogate."""
    if len(text) > max_chars:
        raise ValueError("too long")
    if json_too_deep(text, max_depth):
        raise ValueError("too deep")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, and ints of 4,300+ digits
        raise ValueError(str(error)) from None
    if _holds_forbidden(value):  # "\u0000", "\ud800" in a string or a key
        raise ValueError("forbidden characters")
    return value


def _holds_forbidden(value) -> bool:
    if isinstance(value, str):
        return forbidden_characters(value)
    if isinstance(value, list):
        return any(_holds_forbidden(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_forbidden(k) or _holds_forbidden(v) for k, v in value.items())
    return False


class BoundedJSONField(forms.JSONField):
    """A JSON field that cannot be made to recurse without end or to read a 10,000-digit
    number: such a value is "not valid JSON", a form error."""

    default_error_messages = {"invalid": _("This is not valid JSON (or it is nested too deep).")}

    def to_python(self, value):
        if self.disabled or value in self.empty_values or not isinstance(value, str):
            return super().to_python(value)
        try:
            converted = loads_bounded(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None
        if isinstance(converted, str):
            return forms.fields.JSONString(converted)
        return converted

    def bound_data(self, data, initial):
        if self.disabled:
            return initial
        if data is None:
            return None
        try:
            return loads_bounded(data)
        except ValueError:
            return forms.fields.InvalidJSONInput(data)
