"""Benchmark of an organiser's move in the grid editor, served by gunicorn on 127.0.0.1 beside
a trivial 2 KB page.

    .venv/bin/python bench/moves/run.py [--moves 400] [--workers 2] [--label before]

What it does, all on loopback and with a bounded number of requests:

1. Prepares its own PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/oocamp_moves): migrate, and the two published grids of
   bench/grid (6 rooms × 9 slots and 20 × 16, every session cell filled, up to 40 votes a
   session), each with an organiser signed in already (a session row, its key sent as the
   cookie, as the load suite does).
2. Starts gunicorn (sync workers) as bench/grid does (`bench.grid.settings`: the project's
   settings and URLs plus the trivial page; `Server-Timing` says how long Django took), with
   the production database pool and, when Redis answers, the production session store and
   cache (REDIS_URL), like tests/load.
3. Moves as the editor sends them: a drag and drop (htmx posts #drop-form: `HX-Request`,
   `HX-Trigger: drop-form`) and a "Place here" button (htmx, no trigger id: the whole editor
   comes back, as it leaves "choose a cell"), each onto a taken cell (a swap) the grid's rules
   allow, in another slot; the client keeps the grid and its version as the page would. CPU:
   the workers' CPU time from /proc before and after each block of requests, per request;
   latency: the medians and the 95th percentile of the client's round trip and the median of
   the server time.
4. Queries per move: the same moves in this process through Django's test client, counted
   with CaptureQueriesContext (tests/views/organiser/test_grid_editor.py fixes the number).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.grid.run import seed as seed_grids  # noqa: E402
from bench.serving import (  # noqa: E402
    HOST,
    TRIVIAL_PATH,
    Answer,
    Result,
    database_url,
    get,
    measure_block,
    pooled_environment,
    post,
    prepare,
    print_results,
    serving,
    signed_in_client,
    signed_in_headers,
    worker_pids,
)

# ---- data -------------------------------------------------------------------------------------


@dataclass
class Editor:
    """One organiser's editor on one event: the grid as the page holds it."""

    size: str
    slug: str
    cookie: str
    version: int
    cells: dict[tuple[int, int], int]  # (room, slot) -> session
    hosts: dict[int, frozenset[int]]
    rng: random.Random = field(default_factory=lambda: random.Random(20))

    def where(self, session: int) -> tuple[int, int]:
        return next(cell for cell, s in self.cells.items() if s == session)

    def busy(self, slot: int, leaving: set[int]) -> set[int]:
        return {
            h for (_r, t), s in self.cells.items() if t == slot and s not in leaving
            for h in self.hosts[s]
        }  # fmt: skip

    def next_move(self) -> tuple[int, int, int]:
        """(session, room, slot): a swap with a session of another slot that no host's other
        session at that time refuses."""
        cells = list(self.cells)
        while True:
            source, target = self.rng.sample(cells, 2)
            if source[1] == target[1]:
                continue
            moved, occupant = self.cells[source], self.cells[target]
            leaving = {moved, occupant}
            if self.hosts[moved] & self.busy(target[1], leaving):
                continue
            if self.hosts[occupant] & self.busy(source[1], leaving):
                continue
            return moved, target[0], target[1]

    def moved(self, session: int, room: int, slot: int) -> None:
        source = self.where(session)
        occupant = self.cells[(room, slot)]
        self.cells[(room, slot)], self.cells[source] = session, occupant
        self.version += 1


def seed() -> dict[str, Editor]:
    """bench/grid's two published grids, an organiser signed in to each."""
    slugs = seed_grids()  # sets Django up
    from django.contrib.auth import get_user_model

    from sessions_app.models import Event, Host, Participant, Placement
    from tests.factories import make_participant, make_signed_in_session

    editors = {}
    for size, slug in slugs.items():
        event = Event.objects.get(slug=slug)
        # named after the event: bench/grid's seed deletes it with the event on the next run
        user = get_user_model().objects.create(username=f"{slug}-organiser", password="!")
        organiser = make_participant(
            event, "Bench organiser", user=user, role=Participant.Role.ORGANISER
        )
        hosts: dict[int, set[int]] = defaultdict(set)
        for session, person in Host.objects.filter(session__event=event).values_list(
            "session_id", "participant_id"
        ):
            hosts[session].add(person)
        cells = {
            (r, t): s
            for s, r, t in Placement.objects.filter(session__event=event).values_list(
                "session_id", "room_id", "slot_id"
            )
        }
        editors[size] = Editor(
            size=size,
            slug=slug,
            cookie=make_signed_in_session(organiser.user, code_given=True),
            version=event.grid_version,
            cells=cells,
            hosts={s: frozenset(hosts[s]) for s in cells.values()},
        )
    return editors


# ---- client -----------------------------------------------------------------------------------


def move_headers(cookie: str, *, drop: bool) -> dict[str, str]:
    headers = signed_in_headers(cookie) | {"HX-Request": "true", "HX-Target": "grid"}
    if drop:
        headers["HX-Trigger"] = "drop-form"
    return headers


def move(port: int, editor: Editor, *, drop: bool) -> Answer:
    """One allowed move, as the page posts it."""
    session, room, slot = editor.next_move()
    body = urlencode({"version": editor.version, "session": session, "room": room, "slot": slot})
    headers = move_headers(editor.cookie, drop=drop)
    answer = post(port, f"/{editor.slug}/organise/grid/move/", body, headers, timeout=30)
    if answer.status != 200:
        raise SystemExit(f"{editor.size}: a move answered {answer.status}, expected 200")
    editor.moved(session, room, slot)
    return answer


TRIVIAL = "trivial 2 KB page"


def names(editors: dict[str, Editor]) -> list[tuple[str, str, bool]]:
    """(name, size, drop) of each move target."""
    return [
        (f"move {size}, {'drag and drop' if drop else 'Place here'} (htmx)", size, drop)
        for size in editors
        for drop in (True, False)
    ]


def measure(port: int, master: int, editors: dict[str, Editor], moves: int) -> list[Result]:
    pids = worker_pids(master)
    # warm up every worker: templates, translations, the pool's connections
    for editor in editors.values():
        for _ in range(10):
            move(port, editor, drop=True)
            move(port, editor, drop=False)
    for _ in range(40):
        get(port, TRIVIAL_PATH)

    targets = names(editors)
    results = {TRIVIAL: Result(TRIVIAL)} | {name: Result(name) for name, _s, _d in targets}
    blocks = 4
    per_block = max(10, moves // blocks)
    for _ in range(blocks):
        trivial = (get(port, TRIVIAL_PATH) for _ in range(per_block))
        measure_block(pids, results[TRIVIAL], trivial)
        for name, size, drop in targets:
            moves_ = (move(port, editors[size], drop=drop) for _ in range(per_block))
            measure_block(pids, results[name], moves_)
    for result in results.values():
        result.cpu_ms = result.cpu_ms / (blocks * per_block) * 1000
    return list(results.values())


def count_queries(editors: dict[str, Editor], found: list[Result]) -> None:
    """Queries per move, in this process (the server's settings, the test client)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, size, drop in names(editors):
        editor = editors[size]
        client = signed_in_client(editor.cookie, move_headers(editor.cookie, drop=drop))
        session, room, slot = editor.next_move()
        data = {"version": editor.version, "session": session, "room": room, "slot": slot}
        client.post(f"/{editor.slug}/organise/grid/move/", data)  # the first: caches filled
        editor.moved(session, room, slot)
        session, room, slot = editor.next_move()
        data = {"version": editor.version, "session": session, "room": room, "slot": slot}
        with CaptureQueriesContext(connection) as captured:
            answer = client.post(f"/{editor.slug}/organise/grid/move/", data)
        assert answer.status_code == 200, answer.status_code
        editor.moved(session, room, slot)
        counts[name] = len(captured)
    for result in found:
        result.queries = counts.get(result.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=400, help="per target (max 4000)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default="this checkout")
    args = parser.parse_args()
    moves = max(40, min(args.moves, 4000))
    env = pooled_environment(database_url("oocamp_moves"), "moves")
    prepare(env, static=False)
    editors = seed()
    with serving(env, args.workers) as (port, server):
        print(
            f"gunicorn on {HOST}:{port}, {args.workers} sync workers, {moves} requests per "
            f"target; load average {os.getloadavg()[0]:.2f}"
        )
        found = measure(port, server.pid, editors, moves)
    count_queries(editors, found)
    print_results(found, args.label, 36, p95=True)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
