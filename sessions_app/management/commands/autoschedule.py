"""manage.py autoschedule SLUG: the automatic grid, from the command line.

Keeps the pinned placements, plans the other sessions (sessions_app.scheduling.planner) and
writes the grid as one recorded, undoable change (actions.accept_grid), or with --dry-run only
prints it. Prints `lost` with its three parts before and after, and the time taken."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sessions_app import actions, grid, scheduling
from sessions_app.models import Event, Room, Slot
from sessions_app.scheduling import Plan, Reason, Rule, plan
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

    def handle(self, *args, **options) -> None:
        event = Event.objects.filter(slug=options["slug"]).first()
        if event is None:
            raise CommandError(_("There is no event “%(slug)s”.") % {"slug": options["slug"]})
        if options["time_limit"] <= 0:
            raise CommandError(_("The time limit must be more than 0 seconds."))
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
        if result.refused:
            raise CommandError(
                _("The pinned sessions cannot all stay where they are; nothing was changed:")
                + "".join(f"\n  {names.refusal(c)}" for c in result.refused)
            )
        for waiting in result.waiting:
            self.stdout.write(self.style.WARNING(names.waiting(waiting)))
        self.stdout.write(_("Before: %(lost)s") % {"lost": describe_lost(before)})
        self.stdout.write(_("After:  %(lost)s") % {"lost": describe_lost(result.lost)})
        self.stdout.write(self._timing(result))
        rows = [[p.session, p.room, p.slot, p.pinned] for p in result.placements]
        if options["dry_run"]:
            self._print_grid(event, result, names)
            self.stdout.write(_("Dry run: nothing was written."))
            return
        try:
            change = actions.accept_grid(
                event=event,
                rows=rows,
                version=version,
                by=None,
                summary=_("Automatic grid (seed %(seed)s)") % {"seed": seed},
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

    def _print_grid(self, event: Event, result: Plan, names: Names) -> None:
        by_cell = {p.cell: p for p in result.placements}
        rooms = list(event.rooms.order_by("order", "id"))
        for slot in event.slots.for_sessions().order_by("start"):
            self.stdout.write(str(slot))
            for room in rooms:
                placement = by_cell.get((room.pk, slot.pk))
                if placement is None:
                    continue
                pin = " " + _("(pinned)") if placement.pinned else ""
                self.stdout.write(f"  {room.name}: {names.session(placement.session)}{pin}")
