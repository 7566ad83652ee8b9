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
- Row 23: 300 visitors following the grid + 10 organisers moving sessions for 30 s -> p95
  < 300 ms, 0 errors, 0 cells holding two sessions.

Run with `pytest -m load` (deselected otherwise, see conftest.py); needs PostgreSQL on
127.0.0.1:5432 (OOCAMP_LOAD_POSTGRES to change)."""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.load

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("OOCAMP_LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "oocamp_load"
WORKERS = 4
POOL = 4
JOB_WORKERS = 1  # what deploy/ runs beside the web server
# The plan's sizes; smaller ones only to try the suite on a machine busy with other work.
VOTERS = int(os.environ.get("OOCAMP_LOAD_VOTERS", "200"))
VOTES = 25
VISITORS = int(os.environ.get("OOCAMP_LOAD_VISITORS", "300"))
RESTART_VOTERS = int(os.environ.get("OOCAMP_LOAD_RESTART_VOTERS", "50"))
# The plan's latency limits. On a machine shared with other work they are not reachable (the
# figures then say how far off); correctness (counts, errors, cells) is asserted regardless.
P99_MAX = float(os.environ.get("OOCAMP_LOAD_P99_MAX", "1.0"))  # row 1, seconds
P95_MAX = float(os.environ.get("OOCAMP_LOAD_P95_MAX", "0.3"))  # row 23, seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.dsn = f"{POSTGRES}/{DATABASE}"
        self.data = tmp / "seed.json"
        self.log = tmp / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "load-" + secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.dsn,
            "DB_POOL": "1",
            "DB_POOL_MAX": str(POOL),
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "MEDIA_ROOT": str(tmp / "media"),
            "OOCAMP_VAR_DIR": str(tmp / "var"),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "GUNICORN_WORKERS": str(WORKERS),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_MAX_REQUESTS": "0",  # no recycling in the middle of a measurement
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("REDIS_URL", "OOCAMP_LOAD_POSTGRES"):
            self.env.pop(name, None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def create_database(self) -> None:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            c.execute(f"CREATE DATABASE {DATABASE}")
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("shell", "-c", f"from tests.load.seed import seed; seed({str(self.data)!r})")

    def start(self) -> None:
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                 "oocamp.wsgi"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def locust(self, locustfile: str, users: int, seconds: int, name: str, **env: str):
        csv_prefix = self.tmp / name
        command = [
            sys.executable, "-m", "locust", "-f", f"tests/load/{locustfile}", "--headless",
            "-u", str(users), "-r", "100", "-t", f"{seconds}s", "--host", self.url,
            "--only-summary", "--exit-code-on-error", "1", "--loglevel", "WARNING",
            "--csv", str(csv_prefix), "--stop-timeout", "10",
        ]  # fmt: skip
        started = time.monotonic()
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 60,
            env={**self.env, "LOAD_DATA": str(self.data), "LOAD_DSN": self.dsn, **env},
        )  # fmt: skip
        wall = time.monotonic() - started
        with open(f"{csv_prefix}_stats.csv") as f:
            stats = {row["Name"]: row for row in csv.DictReader(f)}
        return result, stats, wall


@pytest.fixture(scope="module")
def server(tmp_path_factory):
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

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result, stats, wall = server.locust(
            "votes.py", VOTERS, 120, "votes", USERS=str(VOTERS), VOTES=str(VOTES), VOTERS_FROM="0"
        )
    finally:
        stop.set()
        sampler.join()

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
        f"{seconds(total, '99%'):.2f} s, wall {wall:.1f} s"
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
    assert seconds(total, "99%") < P99_MAX
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
    result, stats, wall = server.locust("live.py", VISITORS + 10, 30, "live")
    grid = next(line for line in result.stdout.splitlines() if line.startswith("GRID"))
    total = stats["Aggregated"]
    version = stats["grid version"]
    print(
        f"row 23: {VISITORS} visitors + 10 organisers for 30 s: {grid}; requests "
        f"{total['Request Count']}, failures {total['Failure Count']}, "
        f"{float(total['Requests/s']):.0f} req/s; p95 all {seconds(total, '95%'):.3f} s, "
        f"p95 version {seconds(version, '95%'):.3f} s, p95 grid "
        f"{seconds(stats['grid'], '95%') if 'grid' in stats else 0:.3f} s, p95 move "
        f"{seconds(stats['move'], '95%'):.3f} s"
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "doubled_cells=0" in grid
    assert int(total["Failure Count"]) == 0
    assert seconds(total, "95%") < P95_MAX
