"""Row 15 of the reliability plan: a restart loses no background job.

Real `manage.py db_worker` processes (no autoreload) against a file-based SQLite database, six
queued jobs of about a second each (tests/reliability/jobs.py):

- SIGTERM while a job runs: the worker finishes that job, then stops; the other five stay READY.
- SIGKILL while a job runs: that job stays RUNNING, and a new worker never picks it up again
  (django-tasks' database backend has no timeout); `manage.py reap_tasks` puts it back to READY
  and a worker then finishes everything: six outputs, each written exactly once."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.processes import ROOT, manage, sqlite_env

JOBS = 6


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return sqlite_env(tmp_path, "jobs")


def statuses(env: dict[str, str]) -> Counter:
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database, timeout=10) as connection:
        rows = connection.execute("SELECT status FROM django_tasks_database_dbtaskresult")
        return Counter(status for (status,) in rows)


def start_worker(env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.2", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_sigterm_finishes_the_job_and_sigkill_is_mended_by_the_reaper(env, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    manage(
        env,
        "shell",
        "-c",
        "from tests.reliability.jobs import write_output\n"
        f"for n in range({JOBS}): write_output.enqueue(n, {str(out)!r}, 1.0)",
    )
    assert statuses(env) == {"READY": JOBS}

    # SIGTERM in the middle of the first job: it finishes, nothing else starts
    worker = start_worker(env)
    try:
        wait_for(lambda: statuses(env)["RUNNING"] == 1)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    after_term = statuses(env)
    print(f"after SIGTERM: {dict(after_term)}")
    assert after_term == {"SUCCESSFUL": 1, "READY": JOBS - 1}

    # SIGKILL in the middle of the third job: it stays RUNNING for ever
    worker = start_worker(env)
    try:
        wait_for(lambda: statuses(env)["SUCCESSFUL"] == 2 and statuses(env)["RUNNING"] == 1)
        time.sleep(0.3)  # well inside the job's one-second pause
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    after_kill = statuses(env)
    print(f"after SIGKILL: {dict(after_kill)}")
    assert after_kill == {"SUCCESSFUL": 2, "RUNNING": 1, "READY": JOBS - 3}

    restarted = start_worker(env, "--batch")
    assert restarted.wait(timeout=120) == 0
    assert statuses(env) == {"SUCCESSFUL": JOBS - 1, "RUNNING": 1}  # without a reaper: lost

    # a job running for less than the reaper's age is left alone; an older one is requeued
    assert "0 job(s) requeued" in manage(env, "reap_tasks", "--older-than", "3600")
    assert "1 job(s) requeued" in manage(env, "reap_tasks", "--older-than", "0")
    assert statuses(env) == {"SUCCESSFUL": JOBS - 1, "READY": 1}
    restarted = start_worker(env, "--batch")
    assert restarted.wait(timeout=120) == 0

    final = statuses(env)
    writes = Counter((out / "ledger").read_text().split())
    print(f"after reap + restart: {dict(final)}; writes per job: {dict(writes)}")
    assert final == {"SUCCESSFUL": JOBS}
    assert sorted(p.name for p in out.glob("*.txt")) == [f"{n}.txt" for n in range(JOBS)]
    assert not list(out.glob("*.part"))
    assert writes == {str(n): 1 for n in range(JOBS)}
