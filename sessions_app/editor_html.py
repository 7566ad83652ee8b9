"""The grid editor's table and tray as HTML, written in Python.

The editor is never cached: every load, every change answered with the whole editor (a "Place
here", a move to or from the tray, a pin, an undo, a stale grid's 409) renders it afresh. In
the template language its cells cost ~100 ms of CPU at 6 rooms × 9 slots and ~500 ms at
20 × 16 (a `{% partial %}` per cell and per session, each with its `{% with %}`, forms, plurals
and translations, over model instances); here they are a string join over the same `GridView`
(`editor_html`, and `cells_html` for the cells a drag and drop changed). The template keeps
what is around the table and the tray (templates/organiser/grid.html, partial `grid`);
tests/views/organiser/test_editor_html.py holds the cells to what the template wrote.

Everything from the database or a translation goes through `escape`, as the template's `{{ }}`
and `{% translate %}` did; the messages with a count or a value in them are the template's
`blocktranslate` messages, their values escaped and the message itself not, as there.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape  # what django.utils.html.escape calls, without its lazy-string check
from typing import NamedTuple

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app import grid
from sessions_app.models import Event, Session


class EditorHtml(NamedTuple):
    head: SafeString  # a <th> per room
    body: SafeString  # a <tr> per slot
    tray: SafeString  # an <li> per session in the tray (nothing when it is empty)


class _Writer:
    """Writes cells and session items for one answer: the words translated and the forms'
    fixed parts escaped once, not per cell."""

    def __init__(
        self,
        event: Event,
        *,
        host_names: dict[int, list[str]],
        version: int,
        urls: dict[str, str],
        csrf_token: str,
        selected: Session | None = None,
        selected_placed: bool = False,
    ) -> None:
        self.tz = event.tz
        self.host_names = host_names
        self.selected = selected
        self.selected_placed = selected_placed
        self.csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(csrf_token))}">'
        )
        self.version = f'<input type="hidden" name="version" value="{version}">'
        self.grid_url = escape(urls["grid"])
        self.move_url = escape(urls["move"])
        self.pin_url = escape(urls["pin"])
        self.words = {
            word: escape(str(text))
            for word, text in {
                "pinned": _("Pinned"),
                "chosen": _("Chosen"),
                "choose": _("Choose"),
                "pin": _("Pin"),
                "unpin": _("Unpin"),
                "not_possible": _("Not possible"),
                "swap": _("Place here (swap)"),
                "replace": _("Place here (replace)"),
                "place": _("Place here"),
                "chosen_here": _("Chosen: choose another cell"),
            }.items()
        }
        self.votes: dict[int, str] = {}
        self.told: dict[int, str] = {}
        self.times: dict[int, str] = {}

    # ---- the parts of a cell ------------------------------------------------------------------

    def vote_count(self, n: int) -> str:
        if n not in self.votes:
            self.votes[n] = ngettext("%(n)s vote", "%(n)s votes", n) % {"n": n}
        return self.votes[n]

    def told_text(self, n: int) -> str:
        if n not in self.told:
            self.told[n] = ngettext("%(n)s follower told", "%(n)s followers told", n) % {"n": n}
        return self.told[n]

    def start(self, cell: grid.Cell) -> str:
        slot = cell.slot
        if slot.pk not in self.times:
            self.times[slot.pk] = f"{timezone.localtime(slot.start, self.tz):%H:%M}"
        return self.times[slot.pk]

    @staticmethod
    def follows(cell: grid.Cell) -> str:
        n, seats = cell.follows or 0, cell.room.capacity
        if cell.crowded:
            sentence = ngettext(
                "More followers than seats: %(n)s follower, %(seats)s seats",
                "More followers than seats: %(n)s followers, %(seats)s seats",
                n,
            )
        else:
            sentence = ngettext(
                "%(n)s follower, %(seats)s seats", "%(n)s followers, %(seats)s seats", n
            )
        sentence = sentence % {"n": n, "seats": seats}
        crowded = " crowded" if cell.crowded else ""
        mark = "⚠ " if cell.crowded else ""
        return (
            f'<span class="follows{crowded}" title="{sentence}"><span class="follows-mark" '
            f'aria-hidden="true">{mark}{n}/{seats}</span>'
            f'<span class="visually-hidden">{sentence}</span></span>'
        )

    @staticmethod
    def warnings(cell: grid.Cell) -> str:
        if not (cell.overflow or cell.shares):
            return ""
        out = ['<ul class="warnings">']
        if cell.overflow:
            text = ngettext(
                "Room too small: %(n)s vote more than seats",
                "Room too small: %(n)s votes more than seats",
                cell.overflow,
            ) % {"n": cell.overflow}
            out.append(
                f'<li class="warning" tabindex="0"><span class="warning-mark" aria-hidden="true">'
                f'⚠ +{cell.overflow}</span><span class="warning-text">{text}</span></li>'
            )
        for other, percent in cell.shares:
            text = _("Shares %(percent)s %% of its voters with “%(title)s”, at the same time") % {
                "percent": percent,
                "title": escape(other.title),
            }
            out.append(
                f'<li class="warning" tabindex="0"><span class="warning-mark" aria-hidden="true">'
                f'⇄ {percent} %</span><span class="warning-text">{text}</span></li>'
            )
        out.append("</ul>")
        return "".join(out)

    def item(self, session: Session, cell: grid.Cell | None = None) -> str:
        """A session as it shows in a cell (`cell`) or in the tray: its title, interest, votes
        and hosts, and its buttons."""
        words = self.words
        pk = session.pk
        title = escape(session.title)
        pinned = cell is not None and cell.pinned
        chosen = self.selected is not None and pk == self.selected.pk
        out = [
            f'<div class="item{" pinned" if pinned else ""}{" is-chosen" if chosen else ""}" '
            f'draggable="true" data-session="{pk}"><p class="item-title" title="{title}">'
        ]
        if pinned:
            out.append(
                f'<span class="pin-mark" title="{words["pinned"]}"><span aria-hidden="true">⚑'
                f'</span><span class="visually-hidden">{words["pinned"]}:</span></span> '
            )
        out.append(f'{title}</p><p class="item-meta">')
        if cell is not None and cell.follows is not None:
            out.append(f"{self.follows(cell)} · ")
        out.append(self.vote_count(session.vote_count))
        names = [escape(name) for name in self.host_names.get(pk, ())]
        if names:
            out.append(" · " + ", ".join(names))
        out.append('</p><div class="item-actions">')
        if chosen:
            out.append(f'<span class="chosen-label">{words["chosen"]}</span>')
        else:
            href = f"{self.grid_url}?select={pk}"
            out.append(
                f'<a class="button choose" href="{href}" hx-get="{href}" hx-push-url="true">'
                f'{words["choose"]}<span class="visually-hidden"> “{title}”</span></a>'
            )
        if cell is not None:
            if self.selected is None:
                value, word = ("0", words["unpin"]) if pinned else ("1", words["pin"])
                out.append(
                    f'<form method="post" action="{self.pin_url}" hx-post="{self.pin_url}" '
                    f'class="inline-form">{self.csrf}{self.version}'
                    f'<input type="hidden" name="session" value="{pk}">'
                    f'<button type="submit" name="pinned" value="{value}" class="button pin">'
                    f'{word}<span class="visually-hidden"> “{title}”</span></button></form>'
                )
            out.append(self.warnings(cell))
        out.append("</div></div>")
        return "".join(out)

    def place(self, cell: grid.Cell) -> str:
        """The "Place here" button of a cell while a session is chosen, with what it costs."""
        assert self.selected is not None
        words = self.words
        choice = cell.choice or grid.Choice(effect="")
        out = [
            f'<form method="post" action="{self.move_url}" hx-post="{self.move_url}" '
            f'class="place-form">{self.csrf}{self.version}'
            f'<input type="hidden" name="session" value="{self.selected.pk}">'
            f'<input type="hidden" name="room" value="{cell.room.pk}">'
            f'<input type="hidden" name="slot" value="{cell.slot.pk}">'
            f'<button type="submit" class="place{" blocked" if choice.blocked else ""}">'
        ]
        if choice.blocked:
            out.append(
                f'{words["not_possible"]}<span class="effect">{escape(choice.blocked)}</span>'
            )
        else:
            if cell.session and self.selected_placed:
                label = words["swap"]
            elif cell.session:
                label = words["replace"]
            else:
                label = words["place"]
            out.append(f'{label}<span class="effect">{escape(choice.effect)}</span>')
            if choice.told is not None:
                out.append(f' <span class="effect told">{self.told_text(choice.told)}</span>')
        out.append(
            f' <span class="visually-hidden">: {escape(cell.room.name)}, {self.start(cell)}'
            "</span></button></form>"
        )
        return "".join(out)

    def cell(self, cell: grid.Cell, *, oob: bool = False) -> str:
        chosen = cell.choice is not None and cell.choice.chosen
        classes = "cell filled" if cell.session else "cell free"
        if cell.overflow or cell.shares or cell.crowded:
            classes += " warned"
        if chosen:
            classes += " chosen"
        swap = ' hx-swap-oob="true"' if oob else ""
        out = [
            f'<td id="cell-{cell.key}"{swap} class="{classes}" '
            f'data-drop="cell" data-room="{cell.room.pk}" data-slot="{cell.slot.pk}">'
        ]
        if cell.session:
            out.append(self.item(cell.session, cell))
        if self.selected is not None and not chosen:
            out.append(self.place(cell))
        elif chosen:
            out.append(f'<p class="chosen-here">{self.words["chosen_here"]}</p>')
        out.append("</td>")
        return "".join(out)


def _writer(context: dict, csrf_token: str) -> _Writer:
    view: grid.GridView = context["view"]
    return _Writer(
        context["event"],
        host_names=view.host_names or {},
        version=view.version,
        urls=context["urls"],
        csrf_token=csrf_token,
        selected=context.get("selected"),
        selected_placed=bool(context.get("selected_placed")),
    )


def editor_html(context: dict, csrf_token: str) -> EditorHtml:
    """The table's head and rows and the tray's items of the editor whose `context` is
    views.organiser.grid_editor.editor_context's."""
    view: grid.GridView = context["view"]
    write = _writer(context, csrf_token)
    tz = write.tz
    # the plural outside the f-string, where makemessages finds it
    seats = {
        room.pk: ngettext("%(n)s seat", "%(n)s seats", room.capacity) % {"n": room.capacity}
        for room in view.rooms
    }
    head = "".join(
        f'<th scope="col">{escape(room.name)} <span class="capacity">{seats[room.pk]}</span></th>\n'
        for room in view.rooms
    )
    colspan = len(view.rooms) or 1
    body = []
    for row in view.rows:
        slot = row.slot
        start = timezone.localtime(slot.start, tz)
        end = timezone.localtime(slot.end, tz)
        label = ""
        if slot.label and not row.spans_all:
            label = f' <span class="slot-label">{escape(slot.label)}</span>'
        body.append(
            f'<tr class="row-{escape(slot.kind)}"><th scope="row" class="slot-time">'
            f'<time datetime="{start.isoformat()}">{start:%H:%M}–{end:%H:%M}</time>{label}</th>\n'
        )
        if row.spans_all:
            span = slot.label or str(slot.get_kind_display())
            body.append(
                f'<td colspan="{colspan}" class="span-cell">'
                f'<span class="span-label">{escape(span)}</span></td>\n'
            )
        else:
            body.extend(write.cell(cell) + "\n" for cell in row.cells)
        body.append("</tr>\n")
    tray = "".join(f"<li>{write.item(session)}</li>\n" for session in view.tray)
    # every value above was escaped; the markup and the messages are ours
    return EditorHtml(mark_safe(head), mark_safe("".join(body)), mark_safe(tray))


def cells_html(context: dict, csrf_token: str, cells: Iterable[grid.Cell]) -> SafeString:
    """The cells a drag and drop changed, each to swap into the page out of band."""
    write = _writer(context, csrf_token)
    # every value in them was escaped; the markup and the messages are ours
    return mark_safe("".join(write.cell(cell, oob=True) for cell in cells))
