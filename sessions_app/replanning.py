"""The re-plan of the rest of the day read for its page (`views/organiser/replan.py`): the
event's names for rooms, slots, sessions and people, the disruptions in words, what they break
in the live grid (`scheduling.breaks`), and with a chosen stability the re-plan itself
(`scheduling.replan`: the slots that have started stay as they are) as a list of moves with the
followers each one tells, beside `lost` now and after.

Planning happens here, in the request: about a second at OOcamp size (bench/replan/results.md);
a large event's search is capped at `LARGE_ITERATIONS` so the page answers within seconds,
which the page says. Nothing here writes: accepting is `actions.accept_replan`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sessions_app import grid, scheduling
from sessions_app.models import Event, GridChange, Slot
from sessions_app.scheduling import Change, Disruptions, Rule, Setting

SETTING_LABELS = {
    Setting.FEWEST_CHANGES: gettext_lazy("Fewest changes"),
    Setting.BALANCED: gettext_lazy("Balanced"),
    Setting.LEAST_LOST: gettext_lazy("Least lost"),
}
SETTING_HELP = {
    Setting.FEWEST_CHANGES: gettext_lazy(
        "Only what the disruptions force moves: people keep the plans they made."
    ),
    Setting.BALANCED: gettext_lazy(
        "A session moves when that saves about a quarter of a room's audience."
    ),
    Setting.LEAST_LOST: gettext_lazy(
        "Any move that helps is made: the fewest people miss what they want, more sessions move."
    ),
}
LARGE_SESSIONS = 120  # above this many sessions the search is capped (see the docstring)
LARGE_ITERATIONS = 300_000
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"  # a moment as it travels in the query string


@dataclass(frozen=True)
class Disruption:
    """One disruption as the page lists it: its words, its query value, its first slot."""

    kind: str  # "closed", "absent" or "cancel"
    target: int
    value: str  # as it travels in the query string
    text: str
    first_slot: int | None = None  # None: after the last slot, it breaks nothing


class Names:
    """The event's rooms, session slots, sessions and people, one query each."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.rooms = dict(event.rooms.order_by("order", "id").values_list("id", "name"))
        self.slots: list[Slot] = list(event.slots.for_sessions().order_by("start", "id"))
        self.slot_by_id = {slot.pk: slot for slot in self.slots}
        self.sessions = dict(event.sessions.visible().order_by("title").values_list("id", "title"))
        self.people = dict(event.participants.order_by("name").values_list("id", "name"))

    def time(self, moment: datetime) -> str:
        return f"{self.event.local(moment):%H:%M}"

    def cell(self, cell: scheduling.Cell | None) -> str:
        if cell is None:
            return _("out of the grid")
        room, slot = cell
        start = self.slot_by_id.get(slot)
        when = self.time(start.start) if start else "?"
        return f"{when} {self.rooms.get(room, '?')}"

    def first_slot_after(self, moment: datetime) -> int | None:
        """The first session slot that ends after `moment` (a room closed at 13:00 is closed
        for the slot that runs then)."""
        return next((slot.pk for slot in self.slots if slot.end > moment), None)


def as_scheduling(disruptions: list[Disruption]) -> Disruptions:
    return Disruptions(
        closed_rooms={
            d.target: d.first_slot
            for d in disruptions
            if d.kind == "closed" and d.first_slot is not None
        },
        absent_hosts={
            d.target: d.first_slot
            for d in disruptions
            if d.kind == "absent" and d.first_slot is not None
        },
        cancelled=frozenset(d.target for d in disruptions if d.kind == "cancel"),
    )


def query(disruptions: list[Disruption], setting: Setting | None = None) -> str:
    """The query string that shows these disruptions (and this stability) again."""
    pairs = [(d.kind, d.value) for d in disruptions]
    if setting:
        pairs.append(("setting", setting.value))
    return urlencode(pairs)


def describe_break(conflict: scheduling.Conflict, names: Names) -> str:
    titles = " / ".join(f"“{names.sessions.get(s, '?')}”" for s in conflict.sessions)
    where = names.cell((conflict.room, conflict.slot)) if conflict.room and conflict.slot else ""
    slot = names.slot_by_id.get(conflict.slot) if conflict.slot else None
    when = names.time(slot.start) if slot else "?"
    if conflict.rule == Rule.CELL_CLOSED:
        return _("%(sessions)s is in %(where)s, which is closed then.") % {
            "sessions": titles,
            "where": where,
        }
    if conflict.rule == Rule.UNAVAILABLE:
        return _("A host of %(sessions)s is not there at %(time)s.") % {
            "sessions": titles,
            "time": when,
        }
    if conflict.rule == Rule.WITHDRAWN:
        return _("%(sessions)s is cancelled but still in the grid at %(time)s.") % {
            "sessions": titles,
            "time": when,
        }
    if conflict.rule == Rule.HOST_BUSY:
        return _("A host of %(sessions)s would run two sessions at %(time)s.") % {
            "sessions": titles,
            "time": when,
        }
    return _("%(sessions)s breaks a rule of the grid (%(rule)s).") % {
        "sessions": titles,
        "rule": conflict.rule,
    }


def page(
    names: Names,
    disruptions: list[Disruption],
    setting: Setting | None,
    *,
    now: datetime,
    plan: bool,
) -> dict:
    """What the re-plan page shows, for its template: the disruptions (each with the query
    that removes it), what they break in the live grid, and when `plan` and a stability is
    chosen the re-plan (`result`; `rows` is the grid to accept)."""
    event = names.event
    context: dict = {
        "event": event,
        "now": event.local(now),
        "default_from": f"{event.local(now):{MOMENT_FORMAT}}",
        "rooms": names.rooms,
        "people": names.people,
        "sessions": names.sessions,
        "disruptions": [
            (d, "?" + query([o for o in disruptions if o is not d], setting)) for d in disruptions
        ],
        "kept": disruptions,
        "settings": [(s, SETTING_LABELS[s], SETTING_HELP[s]) for s in Setting],
        "setting": setting,
    }
    if not event.grid_published:
        return context
    frozen = [slot.pk for slot in names.slots if slot.start < now]
    context["frozen"] = len(frozen)
    context["open_from"] = next(
        (names.time(slot.start) for slot in names.slots if slot.start >= now), None
    )
    problem = grid.problem_for(event)
    current = grid.placements_of(grid.snapshot(event))
    chosen = as_scheduling(disruptions)
    context["broken"] = [
        describe_break(c, names)
        for c in scheduling.breaks(problem, current, frozen=frozen, disruptions=chosen)
    ]
    context["lost"] = scheduling.lost(problem, current)
    if setting is not None and plan:
        large = len(problem.sessions) > LARGE_SESSIONS
        result = scheduling.replan(
            problem,
            current,
            frozen=frozen,
            move_cost=scheduling.SETTINGS[setting],
            disruptions=chosen,
            seed=1,
            iterations=LARGE_ITERATIONS if large else None,
            restarts=1 if large else None,
        )
        context.update(_replanned(event, result, names, large))
        context["accept_query"] = query(disruptions, setting)
    return context


@dataclass(frozen=True)
class ShownMove:
    title: str
    source: str
    target: str
    change: str
    forced: bool
    followers: int


def _replanned(event: Event, result: scheduling.Replan, names: Names, large: bool) -> dict:
    follows = grid.followers(event)
    moves = [
        ShownMove(
            title=names.sessions.get(move.session, "?"),
            source=names.cell(move.source) if move.source else "",
            target=names.cell(move.target),
            change=move.change.value,
            forced=move.forced,
            followers=len(follows.get(move.session, frozenset())),
        )
        for move in result.moves
    ]
    return {
        "result": result,
        "moves": moves,
        "moved": result.moved,
        "placed": sum(1 for m in result.moves if m.change == Change.IN),
        "told": len(
            frozenset().union(*(follows.get(m.session, frozenset()) for m in result.moves))
        ),
        "large": large,
        "refusals": [describe_break(c, names) for c in result.refused],
        "rows": [[p.session, p.room, p.slot, p.pinned] for p in result.placements],
    }


def summary(names: Names, setting: Setting, disruptions: list[Disruption], now: datetime) -> str:
    """The accepted re-plan's name in the grid's history and the change log."""
    text = _("Re-planned from %(time)s (%(setting)s)") % {
        "time": names.time(now),
        "setting": SETTING_LABELS[setting],
    }
    if disruptions:
        text += ": " + ", ".join(d.text for d in disruptions)
    return text


def count_moved(change: GridChange) -> int:
    """How many sessions a grid change put somewhere else (or in or out of the grid)."""
    before = {row[0]: row[1:3] for row in change.before}
    after = {row[0]: row[1:3] for row in change.after}
    return sum(1 for s in set(before) | set(after) if before.get(s) != after.get(s))
