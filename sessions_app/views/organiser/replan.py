"""Re-plan the rest of the day from the grid editor.

Once the grid is published, the organiser notes what happened (a room closed from a time on, a
host gone from a time on, a session cancelled: each a small form, from now by default), reads
what that breaks in the live grid (`scheduling.breaks`), picks a stability and reads the
proposal (`scheduling.replan`: the slots that have started stay as they are) as a list of moves
with the followers each one tells, beside `lost` now and after. Nothing is written until the
organiser accepts: then `actions.accept_replan` makes it one grid change (one undo) and records
each moved session for its followers' phones.

The disruptions and the stability travel in the query string (GET shows, POST accepts the same
query), so the page is a plain link and works without JavaScript. Planning happens in the
request: about a second at OOcamp size (bench/replan/results.md); a large event's search is
capped at `LARGE_ITERATIONS` so the page answers within seconds, which the page says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from sessions_app import actions, grid, scheduling, wallclock
from sessions_app.access import organiser_required, participant_for
from sessions_app.client_input import parse_id
from sessions_app.forms import AcceptGridForm
from sessions_app.models import Event, Slot
from sessions_app.requests import HtmxHttpRequest
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
MAX_DISRUPTIONS = 50  # of each kind; more is not a day, it is a form being fuzzed
LARGE_SESSIONS = 120  # above this many sessions the search is capped (see the docstring)
LARGE_ITERATIONS = 300_000
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


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


def _moment(value: str, event: Event) -> datetime | None:
    for form in (MOMENT_FORMAT, MOMENT_FORMAT + ":%S"):
        try:
            naive = datetime.strptime(value, form)
        except ValueError:
            continue
        try:
            return wallclock.moved(naive, event.tz)
        except wallclock.ClockProblem:
            return None
    return None


def _read_disruptions(query: QueryDict, names: Names) -> tuple[list[Disruption], list[str]]:
    """The disruptions in the query string, each checked; the second list says what was wrong
    (in words; a wrong one is left out, the rest still count)."""
    found: list[Disruption] = []
    errors: list[str] = []
    seen: set[tuple[str, int]] = set()

    def timed(kind: str, raw_target: str, raw_moment: str) -> None:
        target = parse_id(raw_target)
        known = names.rooms if kind == "closed" else names.people
        if target is None or target not in known:
            errors.append(
                _("That room is not in this event.")
                if kind == "closed"
                else _("That person is not in this event.")
            )
            return
        moment = _moment(raw_moment, names.event)
        if moment is None:
            errors.append(
                _("“%(value)s” is not a date and time like 2026-06-13T13:00.")
                % {"value": raw_moment[:40]}
            )
            return
        if (kind, target) in seen:
            return
        seen.add((kind, target))
        when = names.time(moment)
        template = (
            _("%(name)s closed from %(time)s")
            if kind == "closed"
            else _("%(name)s absent from %(time)s")
        )
        found.append(
            Disruption(
                kind=kind,
                target=target,
                value=f"{target}@{names.event.local(moment):{MOMENT_FORMAT}}",
                text=template % {"name": known[target], "time": when},
                first_slot=names.first_slot_after(moment),
            )
        )

    for kind, new_target, new_moment in (
        ("closed", "close_room", "close_from"),
        ("absent", "absent_host", "absent_from"),
    ):
        values = query.getlist(kind)[:MAX_DISRUPTIONS]
        for value in values:
            target, _at, moment = value.partition("@")
            timed(kind, target, moment)
        # both read whatever comes, so every key the page knows is read on any request
        new, at = query.get(new_target), query.get(new_moment)
        if new is not None:
            timed(kind, new, at or "")
    cancels = query.getlist("cancel")[:MAX_DISRUPTIONS]
    if (new_cancel := query.get("cancel_session")) is not None:
        cancels.append(new_cancel)
    for value in cancels:
        session = parse_id(value)
        if session is None or session not in names.sessions:
            errors.append(_("That session is not on this event's board."))
            continue
        if ("cancel", session) in seen:
            continue
        seen.add(("cancel", session))
        found.append(
            Disruption(
                kind="cancel",
                target=session,
                value=str(session),
                text=_("“%(title)s” cancelled") % {"title": names.sessions[session]},
            )
        )
    return found, errors


def _as_scheduling(disruptions: list[Disruption]) -> Disruptions:
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


def _query(disruptions: list[Disruption], setting: str = "") -> str:
    pairs = [(d.kind, d.value) for d in disruptions]
    if setting:
        pairs.append(("setting", setting))
    return urlencode(pairs)


def _describe_break(conflict: scheduling.Conflict, names: Names) -> str:
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


def _page(
    request: HtmxHttpRequest, event: Event, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The re-plan page: the disruptions and what they break, and with a chosen stability the
    proposal to accept (`error`: the outcome of a refused accept, shown on top)."""
    now = timezone.now()
    names = Names(event)
    disruptions, errors = _read_disruptions(request.GET, names)
    raw_setting = request.GET.get("setting", "")
    setting = Setting(raw_setting) if raw_setting in Setting._value2member_map_ else None
    if raw_setting and setting is None:
        errors.append(_("Choose one of the three ways to re-plan."))
    context: dict = {
        "event": event,
        "now": event.local(now),
        "default_from": f"{event.local(now):{MOMENT_FORMAT}}",
        "rooms": names.rooms,
        "people": names.people,
        "sessions": names.sessions,
        "disruptions": [
            (
                d,
                "?"
                + _query([o for o in disruptions if o is not d], raw_setting if setting else ""),
            )
            for d in disruptions
        ],
        "kept": disruptions,
        "settings": [(s, SETTING_LABELS[s], SETTING_HELP[s]) for s in Setting],
        "setting": setting,
        "errors": errors,
        "error": error,
    }
    if errors and status == 200:
        status = 400
    if not event.grid_published:
        return render(request, "organiser/replan.html", context, status=status)
    version = event.grid_version
    frozen = [slot.pk for slot in names.slots if slot.start < now]
    context["frozen"] = len(frozen)
    context["open_from"] = next(
        (names.time(slot.start) for slot in names.slots if slot.start >= now), None
    )
    problem = grid.problem_for(event)
    current = grid.placements_of(grid.snapshot(event))
    chosen = _as_scheduling(disruptions)
    context["broken"] = [
        _describe_break(c, names)
        for c in scheduling.breaks(problem, current, frozen=frozen, disruptions=chosen)
    ]
    context["lost"] = scheduling.lost(problem, current)
    if setting is not None and not errors:
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
        context.update(_proposal(event, result, names, version, large))
        context["accept_query"] = _query(disruptions, setting.value)
    return render(request, "organiser/replan.html", context, status=status)


@dataclass(frozen=True)
class ShownMove:
    title: str
    source: str
    target: str
    change: str
    forced: bool
    followers: int


def _proposal(
    event: Event, result: scheduling.Replan, names: Names, version: int, large: bool
) -> dict:
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
    rows = [[p.session, p.room, p.slot, p.pinned] for p in result.placements]
    return {
        "result": result,
        "moves": moves,
        "moved": result.moved,
        "placed": sum(1 for m in result.moves if m.change == Change.IN),
        "told": len(
            frozenset().union(*(follows.get(m.session, frozenset()) for m in result.moves))
        ),
        "large": large,
        "refusals": [_describe_break(c, names) for c in result.refused],
        "form": AcceptGridForm(initial={"rows": rows, "version": version}, event=event),
    }


@require_GET
@organiser_required
def replan(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    return _page(request, event)


@require_POST
@organiser_required
def accept(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """Accept the proposal shown: one grid change; 409 with a fresh proposal when the grid
    changed since, nothing written."""
    form = AcceptGridForm(request.POST, event=event)
    names = Names(event)
    disruptions, errors = _read_disruptions(request.GET, names)
    raw_setting = request.GET.get("setting", "")
    if not form.is_valid() or errors or raw_setting not in Setting._value2member_map_:
        if form.has_foreign_ids():
            raise Http404
        return HttpResponseBadRequest(_("This form was not filled in right; reload the page."))
    setting = Setting(raw_setting)
    summary = _("Re-planned from %(time)s (%(setting)s)") % {
        "time": names.time(timezone.now()),
        "setting": SETTING_LABELS[setting],
    }
    cancelled = frozenset(d.target for d in disruptions if d.kind == "cancel")
    if disruptions:
        summary += ": " + ", ".join(d.text for d in disruptions)
    try:
        done = actions.accept_replan(
            event=event,
            rows=form.cleaned_data["rows"],
            version=form.cleaned_data["version"],
            by=participant_for(request, event),
            summary=summary,
            cancelled=cancelled,
        )
    except actions.StaleGrid as refusal:
        event.refresh_from_db()
        return _page(request, event, error=str(refusal), status=409)
    except actions.NothingToDo as nothing:
        messages.success(request, str(nothing))
        return redirect("organiser:grid", slug=event.slug)
    except actions.ActionRefused as refusal:
        return _page(request, event, error=str(refusal), status=422)
    moved = ngettext(
        "%(n)s session moved; its followers see the change on their phones.",
        "%(n)s sessions moved; their followers see the changes on their phones.",
        _count_moved(done),
    ) % {"n": _count_moved(done)}
    messages.success(request, f"{done.summary}. {moved}")
    return redirect("organiser:grid", slug=event.slug)


def _count_moved(change) -> int:
    before = {row[0]: row[1:3] for row in change.before}
    after = {row[0]: row[1:3] for row in change.after}
    return sum(1 for s in set(before) | set(after) if before.get(s) != after.get(s))
