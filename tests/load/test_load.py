"""Rows 1, 16, 23 and 24 of the reliability plan: load and restarts, on PostgreSQL, loopback only.

One gunicorn (deploy/gunicorn.conf.py, 4 sync workers, a psycopg pool of 4 each) serves its own
database; locust drives it headless, stops itself and checks the database on the way out
(tests/load/votes.py, tests/load/live.py). Each run is bounded by `-t`; every figure is printed.

- Row 1: 200 participants x 25 votes, each POSTed twice -> exactly 5000 rows, 0 failed
  requests, p99 < 1 s.
- Row 24 (during row 1): `pg_stat_activity` sampled every 0.2 s: the app's connections never
  pass workers x pool, no "too many clients" in the server's log, and workers x pool + job
  workers x pool + 10 <= max_connections.
- Row 16: 50 participants voting while the master gets SIGHUP (workers replaced) and then
  SIGTERM (a restart with a new master): every vote acknowledged, none lost; requests refused
  while no server listened are retried by the client (votes are idempotent) and counted.
- Row 23: 300 visitors following the grid + 10 organisers moving sessions for 60 s -> p95
  < 300 ms, 0 errors, 0 cells holding two sessions.

Run with `pytest -m load` (deselected otherwise, see conftest.py); needs PostgreSQL on
127.0.0.1:5432 and Redis on 127.0.0.1:6379 (OOCAMP_LOAD_POSTGRES, OOCAMP_LOAD_REDIS to change).
Each figure comes with the CPU spent per request by the app, the database and locust
(tests/load/cpu.py): on a shared machine latency depends on the neighbours, CPU much less."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import psycopg
import pytest
import redis

from tests.load import cpu
from tests.load.server import DATABASE, POOL, POSTGRES, REDIS, WORKERS, Server
from tests.machine import slowness

pytestmark = pytest.mark.load

JOB_WORKERS = 1  # what deploy/ runs beside the web server
# The plan's sizes; smaller ones only to try the suite on a machine busy with other work.
VOTERS = int(os.environ.get("OOCAMP_LOAD_VOTERS", "200"))
VOTES = 25
VISITORS = int(os.environ.get("OOCAMP_LOAD_VISITORS", "300"))
RESTART_VOTERS = int(os.environ.get("OOCAMP_LOAD_RESTART_VOTERS", "50"))
LIVE_SECONDS = int(os.environ.get("OOCAMP_LOAD_LIVE_SECONDS", "60"))  # row 23: "for 60 s"
# The plan's latency limits, on the plan's machine: on a slower one they grow in proportion to
# the yardstick of tests/machine.py, measured just before the load (the same code served votes
# at 2.8 ms of app CPU each on one machine and 10.1 ms on another). Correctness (counts, errors,
# cells) is asserted regardless. The variables only try the suite on a machine busy with other
# work.
P99_MAX = float(os.environ.get("OOCAMP_LOAD_P99_MAX", "1.0"))  # row 1, seconds
P95_MAX = float(os.environ.get("OOCAMP_LOAD_P95_MAX", "0.3"))  # row 23, seconds


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis does not answer at {REDIS} ({error}): start redis-server")
    server = Server(tmp_path_factory.mktemp("load"))
    started = time.monotonic()
    server.create_database()
    server.start()
    print(f"\nload server: gunicorn {WORKERS} workers x pool {POOL} on {server.url}, "
          f"set up in {time.monotonic() - started:.1f} s")  # fmt: skip
    try:
        yield server
    finally:
        server.stop()


def seconds(stats_row: dict, column: str) -> float:
    return float(stats_row[column]) / 1000


def test_row_1_and_24_votes_counted_exactly_without_exhausting_connections(server):
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as c:
        max_connections = int(c.execute("SHOW max_connections").fetchone()[0])
    samples: list[tuple[int, int]] = []
    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as c:
            while not stop.is_set():
                samples.append(
                    c.execute(
                        "SELECT count(*) FILTER (WHERE datname = %s), count(*) "
                        "FROM pg_stat_activity WHERE backend_type = 'client backend'",
                        (DATABASE,),
                    ).fetchone()
                )
                time.sleep(0.2)

    machine = slowness()
    sampler = threading.Thread(target=sample)
    sampler.start()
    before = cpu.used()
    try:
        result, stats, wall = server.locust(
            "votes.py", VOTERS, 120, "votes", USERS=str(VOTERS), VOTES=str(VOTES), VOTERS_FROM="0"
        )
    finally:
        stop.set()
        sampler.join()
    spent = cpu.per_request(before, cpu.used(), int(stats["Aggregated"]["Request Count"]))

    total = stats["Aggregated"]
    counted = next(line for line in result.stdout.splitlines() if line.startswith("VOTES"))
    app_peak = max(s[0] for s in samples)
    all_peak = max(s[1] for s in samples)
    too_many = server.log.read_text().count("too many clients")
    budget = WORKERS * POOL + JOB_WORKERS * POOL + 10
    print(
        f"row 1: {counted}; requests {total['Request Count']}, failures "
        f"{total['Failure Count']}, {float(total['Requests/s']):.0f} req/s, median "
        f"{seconds(total, '50%'):.2f} s, p95 {seconds(total, '95%'):.2f} s, p99 "
        f"{seconds(total, '99%'):.2f} s (limit {P99_MAX * machine:.2f} s: machine "
        f"{machine:.2f}x the reference), wall {wall:.1f} s; CPU per request: {spent}"
    )
    print(
        f"row 24: app connections peak {app_peak} (workers x pool = {WORKERS * POOL}), all "
        f"client connections peak {all_peak}, 'too many clients' {too_many}; budget "
        f"{WORKERS} x {POOL} + {JOB_WORKERS} x {POOL} + 10 = {budget} <= max_connections "
        f"{max_connections}"
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert f"counted={VOTERS * VOTES} expected={VOTERS * VOTES}" in counted
    # every tap answered 200 (locust's CSV may miss the last second of requests: count ours)
    assert json.loads(counted.split(" ", 3)[3])["acknowledged"] == VOTERS * VOTES * 2
    assert int(total["Failure Count"]) == 0
    assert seconds(total, "99%") < P99_MAX * machine
    assert app_peak <= WORKERS * POOL
    assert too_many == 0
    assert budget <= max_connections


def test_row_16_restarts_during_voting_lose_no_vote(server):
    def signals() -> None:
        time.sleep(3)
        os.kill(server.process.pid, signal.SIGHUP)  # new workers, same master
        time.sleep(4)
        os.killpg(server.process.pid, signal.SIGTERM)  # a restart, as systemd does one
        server.process.wait(timeout=40)
        server.start()

    restarter = threading.Thread(target=signals)
    restarter.start()
    try:
        result, stats, wall = server.locust(
            "votes.py", RESTART_VOTERS, 90, "restart", USERS=str(RESTART_VOTERS), VOTES="25",
            VOTERS_FROM="200", RETRY="1",
        )  # fmt: skip
    finally:
        restarter.join()
    counted = next(line for line in result.stdout.splitlines() if line.startswith("VOTES"))
    tally = json.loads(counted.split(" ", 3)[3])
    total = stats["Aggregated"]
    print(
        f"row 16: SIGHUP at 3 s, SIGTERM + restart at 7 s; {counted}; requests "
        f"{total['Request Count']}, failed attempts (retried) {total['Failure Count']}, "
        f"wall {wall:.1f} s"
    )
    votes = int(counted.split("counted=")[1].split()[0])
    assert votes == tally["acknowledged"] // 2, "an acknowledged vote was lost"
    assert tally["lost"] == 0
    assert f"counted={RESTART_VOTERS * 25} expected={RESTART_VOTERS * 25}" in counted
    assert result.returncode == 0 or int(total["Failure Count"]) == tally["retries"]


def test_row_23_live_day_grid_holds_under_polling_and_edits(server):
    machine = slowness()
    before = cpu.used()
    result, stats, wall = server.locust("live.py", VISITORS + 10, LIVE_SECONDS, "live")
    spent = cpu.per_request(before, cpu.used(), int(stats["Aggregated"]["Request Count"]))
    grid = next(line for line in result.stdout.splitlines() if line.startswith("GRID"))
    total = stats["Aggregated"]
    version = stats["grid version"]
    print(
        f"row 23: {VISITORS} visitors + 10 organisers for {LIVE_SECONDS} s: {grid}; requests "
        f"{total['Request Count']}, failures {total['Failure Count']}, "
        f"{float(total['Requests/s']):.0f} req/s; p95 all {seconds(total, '95%'):.3f} s, "
        f"p95 version {seconds(version, '95%'):.3f} s, p95 grid "
        f"{seconds(stats['grid'], '95%') if 'grid' in stats else 0:.3f} s, p95 move "
        f"{seconds(stats['move'], '95%'):.3f} s (limit for all {P95_MAX * machine:.3f} s: "
        f"machine {machine:.2f}x the reference); CPU per request: {spent}"
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "doubled_cells=0" in grid
    assert int(total["Failure Count"]) == 0
    assert seconds(total, "95%") < P95_MAX * machine
