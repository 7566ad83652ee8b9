"""manage.py autoschedule SLUG: the automatic grid, from the command line.

Keeps the pinned placements, plans the other sessions (sessions_app.scheduling.planner) and
writes the grid as one recorded, undoable change (actions.accept_grid), or with --dry-run only
prints it. Prints `lost` with its three parts before and after, and the time taken.

With --now (a wall-clock time in the event's time zone) and/or --move-cost it re-plans the rest
of the day instead (sessions_app.scheduling.replan): the slots that start before --now stay as
they are, and each session of the current grid that changes slot costs --move-cost `lost`
units (a room change half that); it also prints the moves."""

from __future__ import annotations

import math
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sessions_app import actions, grid, scheduling, wallclock
from sessions_app.models import Event, Room, Slot
from sessions_app.scheduling import Change, Plan, Reason, Replan, Rule, plan, replan
from sessions_app.scheduling.planner import DEFAULT_TIME_LIMIT


def describe_lost(found: scheduling.Lost) -> str:
    return _(
        "lost %(total)s = unplaced %(unplaced)s + clashes %(clashes)s + overflow %(overflow)s"
    ) % {
        "total": found.total,
        "unplaced": found.unplaced,
        "clashes": found.clashes,
        "overflow": found.overflow,
    }


class Names:
    """Titles, names and times for the ids in the scheduler's messages (one query each)."""

    def __init__(self, event: Event) -> None:
        self.sessions = dict(event.sessions.values_list("id", "title"))
        self.rooms = {room.pk: room.name for room in Room.objects.filter(event=event)}
        self.slots = {slot.pk: str(slot) for slot in Slot.objects.filter(event=event)}
        self.people = dict(event.participants.values_list("id", "name"))

    def session(self, pk: int) -> str:
        return f"“{self.sessions.get(pk, pk)}”"

    def cell(self, cell: scheduling.Cell | None) -> str:
        if cell is None:
            return _("out of the grid")
        room, slot = cell
        return f"{self.slots.get(slot, '?')} {self.rooms.get(room, '?')}"

    def move(self, move: scheduling.Move) -> str:
        """“Title”: 14:05–14:50 Bovenzaal → 15:00–15:45 Zaal Zenne (forced)."""
        text = f"{self.session(move.session)}: {self.cell(move.source)} → {self.cell(move.target)}"
        if move.source is None:
            text = _("%(session)s: newly placed at %(cell)s") % {
                "session": self.session(move.session),
                "cell": self.cell(move.target),
            }
        if move.forced:
            text += " " + _("(forced)")
        return text

    def refusal(self, conflict: scheduling.Conflict) -> str:
        """Why the pinned placements cannot all be kept, naming who and where."""
        rule = conflict.rule
        sessions = " / ".join(self.session(pk) for pk in conflict.sessions)
        first = self.session(conflict.sessions[0])
        slot = self.slots.get(conflict.slot, "?") if conflict.slot is not None else "?"
        room = self.rooms.get(conflict.room, "?") if conflict.room is not None else "?"
        if rule == Rule.HOST_BUSY:
            hosts = ", ".join(self.people.get(pk, str(pk)) for pk in conflict.hosts)
            return _("%(hosts)s would host two pinned sessions at %(slot)s: %(sessions)s.") % {
                "hosts": hosts,
                "slot": slot,
                "sessions": sessions,
            }
        if rule == Rule.CELL_TAKEN:
            return _("%(sessions)s are all pinned to %(room)s at %(slot)s.") % {
                "sessions": sessions,
                "room": room,
                "slot": slot,
            }
        if rule == Rule.UNAVAILABLE:
            return _("%(session)s is pinned to %(slot)s, which its hosts cannot do.") % {
                "session": first,
                "slot": slot,
            }
        if rule == Rule.WITHDRAWN:
            return _("%(session)s is pinned but withdrawn or hidden.") % {"session": first}
        if rule == Rule.NOT_A_SESSION_SLOT:
            return _("%(session)s is pinned to a slot that holds no sessions.") % {"session": first}
        if rule == Rule.PLACED_TWICE:
            return _("%(session)s is pinned twice.") % {"session": first}
        return _("%(sessions)s: the pins break a rule of the grid (%(rule)s).") % {
            "sessions": sessions,
            "rule": rule,
        }

    def waiting(self, waiting: scheduling.Waiting) -> str:
        reasons = {
            Reason.UNAVAILABLE: _("its hosts cannot do any session slot"),
            Reason.GRID_FULL: _("every slot it could have is full"),
            Reason.HOSTS_BUSY: _("where cells are free, its hosts run other sessions"),
        }
        return _("%(session)s is left out: %(reason)s.") % {
            "session": self.session(waiting.session),
            "reason": reasons[waiting.reason],
        }


class Command(BaseCommand):
    help = (
        "Plan the event's grid from the votes: pinned placements stay, the other sessions are "
        "placed anew in one recorded (undoable) change. Prints lost before and after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the event's slug")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=DEFAULT_TIME_LIMIT,
            metavar="S",
            help="stop after S seconds even if the search is not finished "
            f"(default {DEFAULT_TIME_LIMIT:g}; a normal run ends well before)",
        )
        parser.add_argument(
            "--seed", type=int, default=1, metavar="N", help="the same seed gives the same grid"
        )
        parser.add_argument("--dry-run", action="store_true", help="print the grid, write nothing")
        parser.add_argument(
            "--now",
            metavar="YYYY-MM-DDTHH:MM",
            help="re-plan the rest of the day: the slots that start before this wall-clock time "
            "(in the event's time zone) stay as they are",
        )
        parser.add_argument(
            "--move-cost",
            metavar="N",
            help="lost units each session of the current grid costs when it changes slot or "
            "leaves the grid, half that for a room change (0: ignore stability; "
            + ", ".join(f"{s.value} {c:g}" for s, c in scheduling.SETTINGS.items())
            + ")",
        )

    def handle(self, *args, **options) -> None:
        event = Event.objects.filter(slug=options["slug"]).first()
        if event is None:
            raise CommandError(_("There is no event “%(slug)s”.") % {"slug": options["slug"]})
        if options["time_limit"] <= 0:
            raise CommandError(_("The time limit must be more than 0 seconds."))
        if options["now"] is not None or options["move_cost"] is not None:
            self._replan(event, options)
            return
        version = event.grid_version
        problem = grid.problem_for(event)
        before = scheduling.lost(problem, grid.placements_of(grid.snapshot(event)))
        names = Names(event)
        seed = options["seed"]
        self.stdout.write(
            _("Planning the grid of “%(event)s” (seed %(seed)s)…")
            % {"event": event.name, "seed": seed}
        )
        result = plan(
            problem,
            seed=seed,
            time_limit=options["time_limit"],
            progress=self._progress_printer(),
        )
        self._refuse_or_warn(result, names)
        self.stdout.write(_("Before: %(lost)s") % {"lost": describe_lost(before)})
        self.stdout.write(_("After:  %(lost)s") % {"lost": describe_lost(result.lost)})
        self.stdout.write(self._timing(result))
        rows = [[p.session, p.room, p.slot, p.pinned] for p in result.placements]
        if options["dry_run"]:
            self._print_grid(event, result.placements, names)
            self.stdout.write(_("Dry run: nothing was written."))
            return
        self._write(event, rows, version, _("Automatic grid (seed %(seed)s)") % {"seed": seed})

    def _refuse_or_warn(self, result, names: Names) -> None:
        """Stop when the pins cannot all stay; otherwise name the sessions left waiting."""
        if result.refused:
            raise CommandError(
                _("The pinned sessions cannot all stay where they are; nothing was changed:")
                + "".join(f"\n  {names.refusal(c)}" for c in result.refused)
            )
        for waiting in result.waiting:
            self.stdout.write(self.style.WARNING(names.waiting(waiting)))

    def _replan(self, event: Event, options: dict) -> None:
        """Re-plan from --now with --move-cost (see the module's docstring)."""
        move_cost = _move_cost(options["move_cost"])
        now = _moment(options["now"], event) if options["now"] is not None else None
        version = event.grid_version
        frozen = (
            list(event.slots.for_sessions().filter(start__lt=now).values_list("id", flat=True))
            if now is not None
            else []
        )
        problem = grid.problem_for(event)
        current = grid.placements_of(grid.snapshot(event))
        names = Names(event)
        seed = options["seed"]
        self.stdout.write(
            _(
                "Re-planning “%(event)s” (seed %(seed)s, move cost %(cost)s): "
                "%(frozen)s started slots stay as they are…"
            )
            % {"event": event.name, "seed": seed, "cost": f"{move_cost:g}", "frozen": len(frozen)}
        )
        result = replan(
            problem,
            current,
            frozen=frozen,
            move_cost=move_cost,
            seed=seed,
            time_limit=options["time_limit"],
            progress=self._progress_printer(),
        )
        self._refuse_or_warn(result, names)
        for move in result.moves:
            self.stdout.write("  " + names.move(move))
        self.stdout.write(_("Before: %(lost)s") % {"lost": describe_lost(result.before)})
        self.stdout.write(_("After:  %(lost)s") % {"lost": describe_lost(result.after)})
        self.stdout.write(describe_moves(result))
        self.stdout.write(self._timing(result.plan))
        if options["dry_run"]:
            self._print_grid(event, result.placements, names)
            self.stdout.write(_("Dry run: nothing was written."))
            return
        if not result.moves:
            self.stdout.write(_("Nothing moves: the grid stays as it is."))
            return
        rows = [[p.session, p.room, p.slot, p.pinned] for p in result.placements]
        summary = _("Re-planned (move cost %(cost)s, seed %(seed)s)") % {
            "cost": f"{move_cost:g}",
            "seed": seed,
        }
        if now is not None:
            summary = _("Re-planned from %(now)s (move cost %(cost)s, seed %(seed)s)") % {
                "now": f"{timezone_local(now, event):%H:%M}",
                "cost": f"{move_cost:g}",
                "seed": seed,
            }
        self._write(event, rows, version, summary)

    def _write(self, event: Event, rows: list[list], version: int, summary: str) -> None:
        try:
            change = actions.accept_grid(
                event=event, rows=rows, version=version, by=None, summary=summary
            )
        except actions.ActionRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Written as grid version %(version)s; undo it from the grid's history.")
                % {"version": change.version}
            )
        )

    def _progress_printer(self):
        started = time.perf_counter()
        shown = {"at": started, "fraction": 0.0}

        def progress(fraction: float, best: scheduling.Lost) -> None:
            now = time.perf_counter()
            if fraction >= 1.0 or now - started < 1.0:
                return  # short runs print no progress
            if fraction - shown["fraction"] < 0.1 and now - shown["at"] < 2.0:
                return
            shown.update(at=now, fraction=fraction)
            self.stdout.write(
                _("  %(percent)3d %% after %(seconds).1f s, best so far: %(lost)s")
                % {
                    "percent": round(fraction * 100),
                    "seconds": now - started,
                    "lost": describe_lost(best),
                }
            )

        return progress

    def _timing(self, result: Plan) -> str:
        text = _("Time: %(seconds).2f s (%(iterations)s iterations).") % {
            "seconds": result.elapsed,
            "iterations": f"{result.iterations:,}",
        }
        if not result.complete:
            text += " " + _(
                "The time limit stopped the search early: another run may give another grid."
            )
        return text

    def _print_grid(
        self, event: Event, placements: tuple[scheduling.Placement, ...], names: Names
    ) -> None:
        by_cell = {p.cell: p for p in placements}
        rooms = list(event.rooms.order_by("order", "id"))
        for slot in event.slots.for_sessions().order_by("start"):
            self.stdout.write(str(slot))
            for room in rooms:
                placement = by_cell.get((room.pk, slot.pk))
                if placement is None:
                    continue
                pin = " " + _("(pinned)") if placement.pinned else ""
                self.stdout.write(f"  {room.name}: {names.session(placement.session)}{pin}")


def describe_moves(result: Replan) -> str:
    changes = [m.change for m in result.moves if m.source is not None]
    return _(
        "Moved sessions: %(moved)s (%(room)s to another room, %(time)s to another time, "
        "%(out)s out of the grid, %(forced)s of them forced); newly placed: %(placed)s."
    ) % {
        "moved": result.moved,
        "room": changes.count(Change.ROOM),
        "time": changes.count(Change.TIME),
        "out": changes.count(Change.OUT),
        "forced": sum(1 for m in result.moves if m.forced and m.source is not None),
        "placed": sum(1 for m in result.moves if m.source is None),
    }


def _move_cost(value: str | None) -> float:
    """--move-cost as a number of lost units, 0 or more (0 when not given)."""
    if value is None:
        return 0.0
    try:
        cost = float(value)
    except ValueError:
        cost = math.nan
    if not math.isfinite(cost) or cost < 0:
        raise CommandError(
            _(
                "--move-cost must be a number of 0 or more (lost units per moved session), "
                "not “%(value)s”."
            )
            % {"value": value}
        )
    return cost


def _moment(value: str, event: Event) -> datetime:
    """--now, a wall-clock time YYYY-MM-DDTHH:MM in the event's time zone, as a moment."""
    try:
        naive = datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise CommandError(
            _("--now must be a date and time like 2026-06-13T13:00, not “%(value)s”.")
            % {"value": value}
        ) from None
    try:
        return wallclock.moved(naive, event.tz)
    except wallclock.ClockProblem as problem:
        raise CommandError(str(problem)) from None


def timezone_local(moment: datetime, event: Event) -> datetime:
    return moment.astimezone(event.tz)
