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
import http.client
import os
import random
import secrets
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.grid.run import (  # noqa: E402
    HOST,
    cpu_seconds,
    ensure_database,
    environment,
    free_port,
    get,
    manage,
    start_server,
    worker_pids,
)
from bench.grid.run import seed as seed_grids  # noqa: E402

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


def post(port: int, path: str, body: str, headers: dict[str, str]) -> tuple[int, float, float]:
    """(status, client seconds, server ms)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    started = time.perf_counter()
    connection.request(
        "POST",
        path,
        body=body,
        headers=headers | {"Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    response.read()
    seconds = time.perf_counter() - started
    timing = response.getheader("Server-Timing") or ""
    connection.close()
    server_ms = float(timing.split("dur=")[1]) if "dur=" in timing else float("nan")
    return response.status, seconds, server_ms


def move_headers(cookie: str, *, drop: bool) -> dict[str, str]:
    from django.conf import settings

    csrf = secrets.token_hex(16)
    headers = {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        "Accept-Language": "en",
        "HX-Request": "true",
        "HX-Target": "grid",
    }
    if drop:
        headers["HX-Trigger"] = "drop-form"
    return headers


def move(port: int, editor: Editor, *, drop: bool) -> tuple[float, float]:
    """One allowed move, as the page posts it: (client seconds, server ms)."""
    session, room, slot = editor.next_move()
    body = urlencode({"version": editor.version, "session": session, "room": room, "slot": slot})
    status, seconds, server_ms = post(
        port, f"/{editor.slug}/organise/grid/move/", body, move_headers(editor.cookie, drop=drop)
    )
    if status != 200:
        raise SystemExit(f"{editor.size}: a move answered {status}, expected 200")
    editor.moved(session, room, slot)
    return seconds, server_ms


@dataclass
class Result:
    name: str
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    cpu_ms: float = 0.0
    queries: int | None = None


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
        get(port, "/bench/trivial/")

    targets = names(editors)
    results = {TRIVIAL: Result(TRIVIAL)} | {name: Result(name) for name, _s, _d in targets}
    blocks = 4
    per_block = max(10, moves // blocks)
    for _ in range(blocks):
        before = cpu_seconds(pids)
        for _ in range(per_block):
            answer = get(port, "/bench/trivial/")
            results[TRIVIAL].client_ms.append(answer.seconds * 1000)
            results[TRIVIAL].server_ms.append(answer.server_ms)
        results[TRIVIAL].cpu_ms += cpu_seconds(pids) - before
        for name, size, drop in targets:
            before = cpu_seconds(pids)
            for _ in range(per_block):
                seconds, server_ms = move(port, editors[size], drop=drop)
                results[name].client_ms.append(seconds * 1000)
                results[name].server_ms.append(server_ms)
            results[name].cpu_ms += cpu_seconds(pids) - before
    for result in results.values():
        result.cpu_ms = result.cpu_ms / (blocks * per_block) * 1000
    return list(results.values())


def count_queries(editors: dict[str, Editor], found: list[Result]) -> None:
    """Queries per move, in this process (the server's settings, the test client)."""
    from importlib import import_module

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    counts = {}
    for name, size, drop in names(editors):
        editor = editors[size]
        SessionStore(session_key=editor.cookie).load()  # in the cache, as after a first request
        client = Client(SERVER_NAME=HOST, headers=move_headers(editor.cookie, drop=drop))
        client.cookies[settings.SESSION_COOKIE_NAME] = editor.cookie
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(found: list[Result], label: str) -> None:
    trivial = found[0]
    base_client = statistics.median(trivial.client_ms)
    base_server = statistics.median(trivial.server_ms)
    print(f"\n[{label}]")
    print(
        f"{'target':36} {'client ms':>10} {'×':>6} {'p95 ms':>8} {'server ms':>10} {'×':>6} "
        f"{'CPU ms/req':>11} {'×':>6} {'queries':>8}"
    )
    for r in found:
        client, server = statistics.median(r.client_ms), statistics.median(r.server_ms)
        print(
            f"{r.name:36} {client:10.3f} {client / base_client:6.2f} "
            f"{percentile(r.client_ms, 0.95):8.2f} {server:10.3f} {server / base_server:6.2f} "
            f"{r.cpu_ms:11.3f} {r.cpu_ms / trivial.cpu_ms:6.2f} "
            f"{'' if r.queries is None else r.queries:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=400, help="per target (max 4000)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default="this checkout")
    args = parser.parse_args()
    moves = max(40, min(args.moves, 4000))
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/oocamp_moves"
    )
    if urlsplit(database_url).hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("The benchmark only talks to a database on this machine.")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    env = environment(database_url, "/nonexistent-static") | {
        "DB_POOL": "1",
        "DB_POOL_MAX": "4",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "bench-moves-" + secrets.token_hex(4),
    }
    os.environ.update(env)
    ensure_database(database_url)
    manage(env, "migrate", "--verbosity", "0")
    editors = seed()
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        print(
            f"gunicorn on {HOST}:{port}, {args.workers} sync workers, {moves} requests per "
            f"target; load average {os.getloadavg()[0]:.2f}"
        )
        found = measure(port, server.pid, editors, moves)
    finally:
        server.terminate()
        server.wait(timeout=30)
    count_queries(editors, found)
    report(found, args.label)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
