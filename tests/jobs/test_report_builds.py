"""Restart safety with a real worker: `manage.py db_worker` runs in its own process against a
file-based SQLite database (an in-memory test database is not shared between processes), is
killed with SIGKILL while it builds the report, and after the stale build is queued again (what
the organiser's page does when it polls) a new worker finishes it. At no moment is a
half-written file marked done or named by a build.

The build is made slow enough to be caught in the middle by `OOCAMP_REPORT_BUILD_TEST_PAUSE`, a sleep
per heartbeat that only this test sets (sessions_app.exports.report_builds._test_pause)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pypdfium2
import pytest

from tests.processes import ROOT, manage, sqlite_env

DEMO = ROOT / "demo" / "oocamp-2012.zip"


@pytest.fixture
def worker_env(tmp_path) -> dict[str, str]:
    env = sqlite_env(tmp_path, "worker")
    manage(env, "import_event", str(DEMO))
    return env


def shell(env: dict[str, str], code: str) -> str:
    return manage(env, "shell", "-c", code)


def builds(env: dict[str, str]) -> list[tuple]:
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database, timeout=10) as connection:
        return connection.execute(
            "SELECT kind, status, progress, attempt, file FROM sessions_app_reportbuild "
            "ORDER BY kind"
        ).fetchall()


def start_worker(env: dict[str, str], *extra: str, pause: str | None = None):
    worker_env = {**env, "OOCAMP_REPORT_BUILD_TEST_PAUSE": pause} if pause else env
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            *extra,
        ],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_killed_worker_build_finishes_after_restart_with_nothing_half_written(worker_env):
    env = worker_env
    shell(
        env,
        "from sessions_app import actions; from sessions_app.models import Event; "
        "actions.request_report_builds(event=Event.objects.get())",
    )
    assert [b[:2] for b in builds(env)] == [("pdf", "queued"), ("zip", "queued")]

    worker = start_worker(env, pause="0.15")
    try:
        wait_for(lambda: any(b[1] == "running" and b[2] >= 20 for b in builds(env)))
        os.kill(worker.pid, signal.SIGKILL)  # no chance to tidy up
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    killed = builds(env)
    reports = Path(env["MEDIA_ROOT"]) / "reports"
    assert [(kind, status) for kind, status, *_rest in killed] == [
        ("pdf", "running"),
        ("zip", "queued"),
    ]
    assert [b[4] for b in killed] == ["", ""]  # nothing to download yet
    assert all(p.name.endswith(".part") for p in reports.rglob("*") if p.is_file())

    # the organiser's page polls: the silent build is queued again, as a new attempt
    shell(
        env,
        "from django.conf import settings; settings.OOCAMP_REPORT_BUILD_SILENT_SECONDS = 0; "
        "from sessions_app import actions; from sessions_app.models import Event; "
        "print(len(actions.requeue_stale_report_builds(event=Event.objects.get())))",
    )
    assert [b[1:4:2] for b in builds(env)] == [("queued", 2), ("queued", 1)]

    restarted = start_worker(env, "--batch")
    assert restarted.wait(timeout=300) == 0

    done = builds(env)
    assert [(kind, status, progress) for kind, status, progress, *_rest in done] == [
        ("pdf", "done", 100),
        ("zip", "done", 100),
    ]
    files = sorted(p for p in reports.rglob("*") if p.is_file())
    assert sorted(p.relative_to(env["MEDIA_ROOT"]).as_posix() for p in files) == sorted(
        b[4] for b in done
    )  # no temporary file is left behind
    pdf = Path(env["MEDIA_ROOT"]) / done[0][4]
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) > 10
    document.close()
    with zipfile.ZipFile(Path(env["MEDIA_ROOT"]) / done[1][4]) as archive:
        assert archive.testzip() is None
        assert "event.json" in archive.namelist()
