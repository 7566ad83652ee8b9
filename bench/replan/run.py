"""Benchmark of re-planning the rest of the day (issue 19): what each stability setting costs in
`lost` and saves in moved sessions, beside a full re-plan of the open slots.

    python bench/replan/run.py                      # oocamp and large, about 10 minutes
    python bench/replan/run.py --instances oocamp --seeds 3

For each instance (bench/scheduler/generate.py) the published grid is the planner's
(`plan(problem, seed=1)`) without the last six sessions, which are "proposed during the
morning"; it is lunch, so the three morning slots have started (frozen). Cases:

- room lost: the second biggest room is closed from the first afternoon slot on;
- host gone: the host of the most voted afternoon session leaves at lunch (all their sessions);
- new proposals: the six sessions proposed in the morning, with their votes, are candidates;
- all three at once.

Each case is re-planned with move cost 0 (the full re-plan of the open slots: stability
ignored), the named settings and a few costs between, and a huge cost (only what a disruption
forces moves). Prints, per row: `lost` (u+c+o) after, the sessions of the current grid that
moved (room / time / out, of them forced), and CPU seconds (time.process_time, this process).
Writes the table to bench/replan/results.md (or --out)."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scheduler.generate import SPECS, generate  # noqa: E402
from bench.scheduler.instance import problem_of  # noqa: E402
from sessions_app.scheduling import (  # noqa: E402
    SETTINGS,
    Change,
    Disruptions,
    Problem,
    conflicts,
    plan,
    replan,
)

NEW = 6  # sessions proposed during the morning
HUGE = 10**9
COSTS = (0.0, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, float(HUGE))


@dataclass
class Case:
    name: str
    problem: Problem
    disruptions: Disruptions


@dataclass
class Row:
    instance: str
    case: str
    cost: float
    lost: list[int]
    parts: str
    moved: list[int]
    room: list[int]
    time: list[int]
    out: list[int]
    forced: int
    placed: list[int]
    cpu: list[float]
    before: int


def cases(name: str) -> tuple[Problem, list, tuple[int, ...], list[Case]]:
    """The event, its published grid, the frozen slots and the disruption cases."""
    problem = problem_of(generate(SPECS[name]))
    published = Problem(
        rooms=problem.rooms,
        slots=problem.slots,
        sessions=problem.sessions[:-NEW],
        votes={k: v for k, v in problem.votes.items() if k not in _ids(problem.sessions[-NEW:])},
        pinned=problem.pinned,
    )
    current = list(plan(published, seed=1).placements)
    frozen, lunch = problem.slots[:3], problem.slots[3]
    afternoon = [p for p in current if p.slot not in frozen]
    rooms = sorted(problem.rooms, key=lambda r: (-r.capacity, r.id))
    star = max(afternoon, key=lambda p: (len(problem.voters(p.session)), -p.session))
    hosts = problem.session(star.session).hosts
    lost_room = Disruptions(closed_rooms={rooms[1].id: lunch})
    gone = Disruptions(absent_hosts=dict.fromkeys(hosts, lunch))
    without_new = replace(published, pinned=())  # the same event, new sessions not yet there
    return (
        problem,
        current,
        frozen,
        [
            Case("room lost at lunch", without_new, lost_room),
            Case(f"host gone at lunch ({len(hosts)} host(s))", without_new, gone),
            Case(f"{NEW} new proposals at lunch", problem, Disruptions()),
            Case(
                "all three",
                problem,
                Disruptions(closed_rooms=lost_room.closed_rooms, absent_hosts=gone.absent_hosts),
            ),
        ],
    )


def _ids(sessions) -> set[int]:
    return {s.id for s in sessions}


def run(name: str, seeds: int, costs: tuple[float, ...], log) -> list[Row]:
    _problem, current, frozen, found = cases(name)
    rows = []
    for case in found:
        log(f"{name}: {case.name}")
        for cost in costs:
            results, cpus = [], []
            for seed in range(1, seeds + 1):
                started = time.process_time()
                result = replan(
                    case.problem,
                    current,
                    frozen=frozen,
                    move_cost=cost,
                    disruptions=case.disruptions,
                    seed=seed,
                )
                cpus.append(time.process_time() - started)
                assert not result.refused
                assert conflicts(result.remaining, result.plan.placements, complete=True) == []
                results.append(result)
            first = results[0]
            changes = [[m.change for m in r.moves if m.source is not None] for r in results]
            rows.append(
                Row(
                    instance=name,
                    case=case.name,
                    cost=cost,
                    lost=[r.after.total for r in results],
                    parts=f"{first.after.unplaced}+{first.after.clashes}+{first.after.overflow}",
                    moved=[r.moved for r in results],
                    room=[c.count(Change.ROOM) for c in changes],
                    time=[c.count(Change.TIME) for c in changes],
                    out=[c.count(Change.OUT) for c in changes],
                    forced=sum(1 for m in first.moves if m.forced and m.source is not None),
                    placed=[sum(1 for m in r.moves if m.source is None) for r in results],
                    cpu=cpus,
                    before=first.before.total,
                )
            )
            log(f"  cost {cost:g}: lost {rows[-1].lost}, moved {rows[-1].moved}, {cpus}")
    return rows


def label(cost: float) -> str:
    if cost == 0:
        return "0 (full re-plan)"
    if cost >= HUGE:
        return "huge (forced only)"
    names = [s.value.replace("_", " ") for s, c in SETTINGS.items() if c == cost]
    return f"{cost:g}" + (f" **{names[0]}**" if names else "")


def mean(values) -> str:
    m = statistics.mean(values)
    return f"{m:.0f}" if len(values) == 1 else f"{m:.1f}"


def table(rows: list[Row]) -> str:
    lines = [
        "| instance | case (lost before) | move cost | lost after (u+c+o, seed 1) "
        "| moved: room / time / out (forced) | newly placed | CPU s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        spread = f" ({min(r.lost)}–{max(r.lost)})" if len(r.lost) > 1 else ""
        lines.append(
            f"| {r.instance} | {r.case} ({r.before}) | {label(r.cost)} "
            f"| {mean(r.lost)}{spread} = {r.parts} "
            f"| {mean(r.moved)}: {mean(r.room)} / {mean(r.time)} / {mean(r.out)} ({r.forced}) "
            f"| {mean(r.placed)} | {statistics.mean(r.cpu):.2f} |"
        )
    return "\n".join(lines)


def environment() -> str:
    load = os.getloadavg()
    return (
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="oocamp,large")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per row (large: 1)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.md"))
    args = parser.parse_args()

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started = time.perf_counter()
    before = environment()
    rows: list[Row] = []
    for name in args.instances.split(","):
        large = SPECS[name].sessions > 100
        costs = (0.0, 1.0, 8.0, 30.0, float(HUGE)) if large else COSTS
        rows += run(name, 1 if large else args.seeds, costs, log)
    text = table(rows)
    print(text)
    total = time.perf_counter() - started
    args.out.write_text(
        "# Re-plan benchmark\n\n"
        f"`python bench/replan/run.py {' '.join(sys.argv[1:])}` — {total / 60:.1f} min; "
        f"{before} at the start.\n\n" + text + "\n"
    )
    log(f"written to {args.out} ({total:.0f} s)")


if __name__ == "__main__":
    main()
