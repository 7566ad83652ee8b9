"""`manage.py` in processes of their own, for the tests that need real ones (workers killed
with signals, gunicorn servers, the scale-out set-up): one way to run a command and one way to
give it a database of its own."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on now, for a server of a test's own."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run `manage.py args` with `env`; its output, or a failure showing what it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def sqlite_env(directory: Path, name: str) -> dict[str, str]:
    """The environment of processes that share a migrated file-based SQLite database and a
    media folder in `directory` (an in-memory test database is not shared between processes).
    DEBUG keeps the development settings; `db_worker` is started with --no-reload anyway."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / f'{name}.sqlite3'}",
        "MEDIA_ROOT": str(directory / "media"),
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("OOCAMP_REPORT_BUILD_TEST_PAUSE", None)
    manage(env, "migrate", "--no-input", "-v", "0")
    return env


def figures_of_a_fresh_process(script: str, workdir: Path, *, timeout: int) -> dict:
    """Run `python script workdir` in a process of its own (its peak memory is then its own,
    not the test runner's) and return the JSON it prints last."""
    env = {k: v for k, v in os.environ.items() if k != "OOCAMP_REPORT_BUILD_TEST_PAUSE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, script, str(workdir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
