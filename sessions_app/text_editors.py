"""What every editor of a written text shares: the history of the text with a "restore" button
per version (`templates/includes/text_history.html`), and the screen a save gets when someone
else's save overtook it: what is saved now beside the writer's own, which stays in the form, now
based on the saved version (`templates/includes/merge.html`).

Texts belong to the event (introduction, conclusion, report structure, description), a theme
(synthesis) or a session (description); `actions.TEXT_PLACES` says where each is kept. The views
that bring an earlier version back are in `views/texts.py`. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from sessions_app import actions
from sessions_app.models import TextRevision

if TYPE_CHECKING:  # the stubs' name for "text, or a translation rendered when shown"
    from django_stubs_ext import StrOrPromise

HISTORY_LENGTH = 50


def history(subject: str, owner) -> list[TextRevision]:
    """The newest saves of one text, newest (the current text) first."""
    return list(actions.text_history(subject=subject, owner=owner)[:HISTORY_LENGTH])


@dataclass(frozen=True)
class Difference:
    """One field on the merge screen: what is saved now, and what the writer sent."""

    label: StrOrPromise
    theirs: StrOrPromise
    yours: StrOrPromise
    long: bool = True  # a text of many lines (a read-only text box), not a line


def merge_screen(title: str, message: str, differences: list[Difference], **labels) -> dict:
    """The context of `includes/merge.html`: only the fields where the two sides differ."""
    return {
        "title": title,
        "message": message,
        "differences": [d for d in differences if d.theirs != d.yours],
        "theirs_heading": labels.get("theirs", _("Their text (saved)")),
        "yours_heading": labels.get("yours", _("Your text (in the editor below)")),
    }


def based_on(data, version: int):
    """The data a form was sent with, now naming the version saved now: rebound to it, the form
    keeps the writer's own text, and saving it (merged) is a save from the current version."""
    data = data.copy()
    data["version"] = str(version)
    return data
