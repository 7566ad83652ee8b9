"""The server under test for the load suite (tests/load): gunicorn with deploy/gunicorn.conf.py
and DEBUG off, on its own PostgreSQL database, on a free port of 127.0.0.1; plus locust runs
against it. Shared by test_load.py (rows 1, 16, 23, 24) and test_uploads.py (rows 8, 10)."""

from __future__ import annotations

import csv
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

from tests.processes import free_port, manage

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("OOCAMP_LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# its own name when two people run the suite at once on one server
DATABASE = os.environ.get("OOCAMP_LOAD_DATABASE", "oocamp_load")
REDIS = os.environ.get("OOCAMP_LOAD_REDIS", "redis://127.0.0.1:6379/3")
WORKERS = 4
POOL = 4


class Server:
    def __init__(self, tmp: Path, *, database: str = DATABASE, workers: int = WORKERS) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.database = database
        self.dsn = f"{POSTGRES}/{database}"
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
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_MAX_REQUESTS": "0",  # no recycling in the middle of a measurement
            "PYTHONUNBUFFERED": "1",
            # several processes share a cache as in production (deploy/): Redis, own prefix
            "REDIS_URL": REDIS,
            "CACHE_KEY_PREFIX": "load-" + secrets.token_hex(4),
        }
        self.env.pop("OOCAMP_LOAD_POSTGRES", None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def create_database(self, *, seed: bool = True) -> None:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            c.execute(f"CREATE DATABASE {self.database}")
        self.manage("migrate", "--no-input", "-v", "0")
        if seed:
            self.manage(
                "shell", "-c", f"from tests.load.seed import seed; seed({str(self.data)!r})"
            )

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
