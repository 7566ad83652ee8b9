"""Benchmark of the automatic scheduler: greedy baseline, the planner with its default budget,
and the best grid OR-Tools CP-SAT finds in minutes (with its lower bound).

    pip install -e ".[bench]"          # OR-Tools, for the exact solver only
    python bench/scheduler/run.py --quick            # small instances, short exact budget
    python bench/scheduler/run.py                     # everything (about 20 minutes)

Prints a table and writes it to bench/scheduler/results.md (or --out). Times: CPU seconds of
this process (one core; the machine may be shared) and wall-clock seconds. The planner runs with
seed 1 (the command's default); the seeds column shows the spread over seeds 1-5. The exact
solver is warm-started from the planner's grid (from scratch it finds worse grids than the
planner in the same minutes), so its `lost` is the best grid known; `bound` is its proven lower
bound. gap = (planner - best known) / best known; to bound = (planner - bound) / planner."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scheduler.generate import QUICK, SPECS, generate  # noqa: E402
from bench.scheduler.instance import Instance, instance_of  # noqa: E402
from sessions_app.scheduling import conflicts, greedy, lost, plan  # noqa: E402
from sessions_app.scheduling.planner import budget_for  # noqa: E402


@dataclass
class Row:
    name: str
    shape: str
    greedy: int
    greedy_cpu: float
    planner: int
    planner_parts: str
    planner_cpu: float
    planner_wall: float
    iterations: int
    complete: bool
    seeds: list[int]
    exact: int | None
    bound: int | None
    exact_status: str
    exact_time: float
    long: int | None

    @property
    def best(self) -> int:
        known = [self.planner, *self.seeds] + [x for x in (self.exact, self.long) if x is not None]
        return min(known)

    def gap(self) -> float:
        return 100 * (self.planner - self.best) / self.best if self.best else 0.0

    def seed_gaps(self) -> tuple[float, float]:
        """Mean and worst gap over the seeds."""
        gaps = [100 * (lost - self.best) / self.best if self.best else 0.0 for lost in self.seeds]
        return statistics.mean(gaps), max(gaps)

    def to_bound(self) -> float | None:
        if self.bound is None:
            return None
        return 100 * (self.planner - self.bound) / self.planner if self.planner else 0.0


def timed(function, *args, **kwargs):
    cpu, wall = time.process_time(), time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.process_time() - cpu, time.perf_counter() - wall


def bench(instance: Instance, *, exact_time: float, seeds: int, long: int, log) -> Row:
    problem = instance.problem
    base, greedy_cpu, _wall = timed(greedy, problem)
    assert conflicts(problem, base, complete=True) == []
    result, cpu, wall = timed(plan, problem, seed=1)
    assert not result.refused
    assert conflicts(problem, result.placements, complete=True) == []
    assert result.lost == lost(problem, result.placements)
    log(f"  greedy {lost(problem, base).total}, planner {result.lost.total} in {cpu:.2f} s CPU")
    spread = [result.lost.total]
    for seed in range(2, seeds + 1):
        spread.append(plan(problem, seed=seed).lost.total)
    log(f"  seeds 1-{seeds}: {spread}")
    longer = None
    if long:
        longer = plan(
            problem, seed=1, iterations=long * budget_for(problem), time_limit=3600
        ).lost.total
        log(f"  planner with {long}x its budget: {longer}")
    exact = bound = None
    status, exact_elapsed = "not run", 0.0
    if exact_time > 0:
        from bench.scheduler.exact import solve

        found = solve(
            problem,
            time_limit=exact_time,
            hint=list(result.placements),
            min_placed=len(result.placements),
        )
        exact, bound, status, exact_elapsed = found.lost, found.bound, found.status, found.elapsed
        log(f"  exact: {exact} (bound {bound}, {status}) in {exact_elapsed:.0f} s")
    parts = result.lost
    return Row(
        name=instance.name,
        shape=instance.shape,
        greedy=lost(problem, base).total,
        greedy_cpu=greedy_cpu,
        planner=result.lost.total,
        planner_parts=f"{parts.unplaced}+{parts.clashes}+{parts.overflow}",
        planner_cpu=cpu,
        planner_wall=wall,
        iterations=result.iterations,
        complete=result.complete,
        seeds=spread,
        exact=exact,
        bound=bound,
        exact_status=status,
        exact_time=exact_elapsed,
        long=longer,
    )


HEADER = (
    "| instance | sessions/rooms/slots/votes | greedy lost (CPU s) "
    "| planner lost = u+c+o | planner CPU s / wall s | seeds 1-5 min–max "
    "| planner ×10 budget | exact lost / bound (s, status) | best known | gap % "
    "| gap % over seeds: mean / worst | to bound % |"
)


def table(rows: list[Row]) -> str:
    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    for r in rows:
        exact = (
            f"{r.exact if r.exact is not None else '–'} / {r.bound} "
            f"({r.exact_time:.0f} s, {r.exact_status})"
            if r.exact_status != "not run"
            else "not run"
        )
        to_bound = r.to_bound()
        mean, worst = r.seed_gaps()
        lines.append(
            f"| {r.name} | {r.shape} | {r.greedy} ({r.greedy_cpu:.3f}) "
            f"| {r.planner} = {r.planner_parts} | {r.planner_cpu:.2f} / {r.planner_wall:.2f}"
            f"{'' if r.complete else ' (cut by the time limit)'} "
            f"| {min(r.seeds)}–{max(r.seeds)} (mean {statistics.mean(r.seeds):.0f}) "
            f"| {r.long if r.long is not None else '–'} | {exact} | {r.best} "
            f"| {r.gap():.2f} | {mean:.2f} / {worst:.2f} "
            f"| {f'{to_bound:.1f}' if to_bound is not None else '–'} |"
        )
    return "\n".join(lines)


def environment() -> str:
    try:
        from ortools import __version__ as ortools_version
    except ImportError:  # pragma: no cover
        ortools_version = "not installed"
    load = os.getloadavg()
    return (
        f"Python {platform.python_version()}, OR-Tools {ortools_version}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small instances, 20 s exact")
    parser.add_argument("--instances", help=f"comma-separated, from {', '.join(SPECS)}")
    parser.add_argument("--exact-time", type=float, help="seconds per instance (0: skip)")
    parser.add_argument("--large-exact-time", type=float, default=300.0)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--long", type=int, help="also run the planner with N times its budget")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.md"))
    parser.add_argument("--write-instances", type=Path, help="save the event files here")
    args = parser.parse_args()
    names = args.instances.split(",") if args.instances else list(QUICK if args.quick else SPECS)
    exact_time = args.exact_time if args.exact_time is not None else (20 if args.quick else 150)
    long = args.long if args.long is not None else (0 if args.quick else 10)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started = time.perf_counter()
    before = environment()
    rows = []
    for name in names:
        document = generate(SPECS[name])
        if args.write_instances:
            args.write_instances.mkdir(parents=True, exist_ok=True)
            path = args.write_instances / f"{name}.json"
            path.write_text(json.dumps(document, ensure_ascii=False, indent=1))
        instance = instance_of(name, document)
        log(f"{name} ({instance.shape})")
        large = name == "large"
        rows.append(
            bench(
                instance,
                exact_time=args.large_exact_time if large and exact_time else exact_time,
                seeds=args.seeds,
                long=min(long, 3) if large else long,
                log=log,
            )
        )
    text = table(rows)
    print(text)
    total = time.perf_counter() - started
    args.out.write_text(
        "# Scheduler benchmark\n\n"
        f"`python bench/scheduler/run.py {' '.join(sys.argv[1:])}` — {total / 60:.1f} min; "
        f"{before} at the start, {environment().split(', ', 3)[-1]} at the end.\n\n"
        + text
        + "\n\nlost = unplaced + clashes + overflow (u+c+o); see bench/scheduler/README.md.\n"
    )
    log(f"written to {args.out} ({total:.0f} s)")


if __name__ == "__main__":
    main()
