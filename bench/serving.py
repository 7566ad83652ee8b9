"""What the benchmarks that serve the app share: their own PostgreSQL database, gunicorn with
`bench.grid.settings` (the project's settings and URLs plus the trivial 2 KB page;
`bench.grid.wsgi` reports the time Django took in `Server-Timing`), the workers' CPU time from
/proc, and timed requests on loopback.

Imported by bench/grid, bench/compress, bench/edge, bench/votes and bench/moves, each run as a
script with the repository root on sys.path."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
TRIVIAL_PATH = "/bench/trivial/"

# ---- set-up -----------------------------------------------------------------------------------


def database_url(name: str) -> str:
    """BENCH_DATABASE_URL, else the database `name` on this machine; never another machine's."""
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{name}")
    if urlsplit(url).hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("The benchmark only talks to a database on this machine.")
    return url


def environment(database_url: str, static_root: str) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.grid.settings",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": static_root,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def pooled_environment(database_url: str, name: str) -> dict[str, str]:
    """`environment` without static files, with the production database pool and, when Redis
    answers, the production session store and cache (REDIS_URL), like tests/load."""
    return environment(database_url, "/nonexistent-static") | {
        "DB_POOL": "1",
        "DB_POOL_MAX": "4",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        "CACHE_KEY_PREFIX": f"bench-{name}-" + secrets.token_hex(4),
    }


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str], *, static: bool = True) -> None:
    """The database created if need be and migrated; the static files collected (`static`)."""
    os.environ.update(env)
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--verbosity", "0")
    if static:
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")


@contextmanager
def prepared(name: str) -> Iterator[dict[str, str]]:
    """`environment` for the database `name`, prepared, with the static files collected into a
    temporary directory that is removed after the block."""
    with tempfile.TemporaryDirectory(prefix="oocamp-bench-static-") as static_root:
        env = environment(database_url(name), static_root)
        prepare(env)
        yield env


# ---- server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(
    env: dict[str, str], port: int, workers: int, code: Path = ROOT
) -> subprocess.Popen:
    """gunicorn (sync workers) on the code of `code` (this checkout, or an export of another
    commit), once it answers the trivial page."""
    command = [GUNICORN, "bench.grid.wsgi:application", "--bind", f"{HOST}:{port}",
               "--workers", str(workers), "--access-logfile", "/dev/null",
               "--log-level", "warning", "--chdir", str(code)]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=code, env=env | {"PYTHONPATH": str(code)}, start_new_session=True
    )
    for _ in range(200):
        try:
            get(port, TRIVIAL_PATH)
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


@contextmanager
def serving(
    env: dict[str, str], workers: int, code: Path = ROOT
) -> Iterator[tuple[int, subprocess.Popen]]:
    """(port, gunicorn) while the block runs; gunicorn stopped after it, however it ends."""
    port = free_port()
    server = start_server(env, port, workers, code)
    try:
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> float:
    """CPU time of the processes: nanoseconds from schedstat, or clock ticks from stat."""
    total = 0.0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# ---- client -----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float

    @property
    def server_ms(self) -> float:
        match = re.search(r"dur=([\d.]+)", self.headers.get("server-timing", ""))
        return float(match.group(1)) if match else float("nan")


def request(
    method: str, port: int, path: str, headers: dict[str, str], body: str | None, timeout: float
) -> Answer:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    answer = response.read()
    seconds = time.perf_counter() - started
    connection.close()
    received = {k.lower(): v for k, v in response.getheaders()}
    return Answer(response.status, answer, received, seconds)


def get(port: int, path: str, headers: dict[str, str] | None = None) -> Answer:
    return request("GET", port, path, headers or {}, None, timeout=10)


def post(port: int, path: str, body: str, headers: dict[str, str], timeout: float = 10) -> Answer:
    """A form posted (urlencoded `body`)."""
    form = headers | {"Content-Type": "application/x-www-form-urlencoded"}
    return request("POST", port, path, form, body, timeout)


def signed_in_headers(cookie: str) -> dict[str, str]:
    """The headers of a signed-in browser's post: session cookie, CSRF cookie and header."""
    from django.conf import settings

    csrf = secrets.token_hex(16)
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        "Accept-Language": "en",
    }


def signed_in_client(cookie: str, headers: dict[str, str]) -> Client:
    """Django's test client in this process, signed in with the session key `cookie`, its
    session already in the cache (as after a first request)."""
    from importlib import import_module

    from django.conf import settings
    from django.test import Client

    import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie).load()
    client = Client(SERVER_NAME=HOST, headers=headers)
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


# ---- figures ----------------------------------------------------------------------------------


@dataclass
class Result:
    """What one target measured: round trips, server times, CPU per request, queries."""

    name: str
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    cpu_ms: float = 0.0
    queries: int | None = None

    def timed(self, answers: list[Answer]) -> None:
        self.client_ms += [a.seconds * 1000 for a in answers]
        self.server_ms += [a.server_ms for a in answers]


def measure_block(pids: list[int], result: Result, answers: Iterable[Answer]) -> None:
    """Sends the requests `answers` sends, adding their times and the workers' CPU time they
    took (the total; divided by the number of requests at the end) to `result`."""
    before = cpu_seconds(pids)
    received = list(answers)
    result.cpu_ms += cpu_seconds(pids) - before
    result.timed(received)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_results(found: list[Result], label: str, width: int, *, p95: bool) -> None:
    """The table of `found` beside its first row (the trivial page): medians of the round trip
    and of the server time, the 95th percentile of the round trip (`p95`), CPU and queries."""
    trivial = found[0]
    base_client = statistics.median(trivial.client_ms)
    base_server = statistics.median(trivial.server_ms)
    print(f"\n[{label}]")
    print(
        f"{'target':{width}} {'client ms':>10} {'×':>6}"
        + (f" {'p95 ms':>8}" if p95 else "")
        + f" {'server ms':>10} {'×':>6} {'CPU ms/req':>11} {'×':>6} {'queries':>8}"
    )
    for r in found:
        client, server = statistics.median(r.client_ms), statistics.median(r.server_ms)
        print(
            f"{r.name:{width}} {client:10.3f} {client / base_client:6.2f}"
            + (f" {percentile(r.client_ms, 0.95):8.2f}" if p95 else "")
            + f" {server:10.3f} {server / base_server:6.2f} {r.cpu_ms:11.3f}"
            f" {r.cpu_ms / trivial.cpu_ms:6.2f} {'' if r.queries is None else r.queries:>8}"
        )
