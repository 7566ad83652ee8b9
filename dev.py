#!/usr/bin/env python3
"""OOcamp's two set-up commands; they need nothing but Python 3.11+.

    python3 dev.py run     set up, load the demo event once, serve on http://127.0.0.1:8000
    python3 dev.py test    set up, then run the whole test suite (extra arguments go to pytest)

Set-up: a virtual environment in .venv, the dependencies from pyproject.toml (installed again
only when that file changes), the scheduler's planner compiled with mypyc (again only when its
source changes); for `run`, the database migrated (SQLite in db.sqlite3 unless DATABASE_URL
says otherwise). The test command also installs Debian's Chromium for the browser tests when it
is missing and this machine can (root with apt-get).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".oocamp-installed"
COMPILE = "sessions_app/scheduling/compiled.py"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SYSTEM_PACKAGES = [
    "chromium",  # browser tests
    "gettext",  # the test that catalogues are up to date runs makemessages
    "libpango-1.0-0",  # WeasyPrint (PDF reports)
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fonts-dejavu-core",
    "fonts-dejavu-extra",  # the obliques: italics in the report PDF (ReportLab)
    "poppler-utils",  # pdftoppm: the report PDF's pages as pictures, kept as CI artifacts
]


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True, env=env)


def setup(*, migrate: bool) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 is there
        sys.exit(f"OOcamp needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        say("Creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        say("Installing the dependencies (only when pyproject.toml changed)")
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev,compiled]")
        STAMP.write_text(wanted)
    compile_planner()
    if migrate:  # the tests make a database of their own
        say("Migrating the database")
        run(PYTHON, "manage.py", "migrate", "--no-input", "-v", "0", env=django_env())


def compile_planner() -> None:
    """The scheduler's planner compiled by mypyc, when its source changed since the last build
    (sessions_app/scheduling/compiled.py); where that fails, the source runs, slower."""
    if subprocess.run([str(PYTHON), COMPILE, "--fresh"], cwd=ROOT).returncode == 0:
        return
    say("Compiling the scheduler's planner with mypyc (once per change of its source)")
    if subprocess.run([str(PYTHON), COMPILE], cwd=ROOT).returncode != 0:
        say("The planner could not be compiled (see above); it runs as Python, 1.5-2x slower")


def django_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env.update(extra)
    return env


def ensure_system_packages() -> None:
    """Debian's Chromium (Playwright cannot download its own browser here) and WeasyPrint's
    libraries. Only where we may: as root with apt-get; elsewhere the tests say what is
    missing."""
    missing_browser = not Path(CHROMIUM).exists()
    missing_gettext = shutil.which("xgettext") is None
    missing_pdftoppm = shutil.which("pdftoppm") is None
    if not (missing_browser or missing_gettext or missing_pdftoppm):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        say("Installing Chromium, gettext and PDF libraries from Debian (once)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", *SYSTEM_PACKAGES, env=env)
    else:
        say(
            "Chromium, gettext or pdftoppm is missing and cannot be installed from here "
            f"(as root: apt-get install {' '.join(SYSTEM_PACKAGES)}); "
            "the tests that need them will be skipped."
        )


def command_run() -> None:
    setup(migrate=True)
    env = django_env()
    run(PYTHON, "manage.py", "setup_demo", env=env)
    say("Starting the background worker (long scheduler runs, report builds)")
    worker = subprocess.Popen([str(PYTHON), "manage.py", "db_worker"], cwd=ROOT, env=env)
    say("Serving on http://127.0.0.1:8000 (Ctrl+C stops)")
    try:
        subprocess.run([str(PYTHON), "manage.py", "runserver", "127.0.0.1:8000"], cwd=ROOT, env=env)
    except KeyboardInterrupt:
        pass
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def ensure_axe() -> None:
    """axe-core, from the npm registry, for the accessibility checks in the browser tests."""
    browser_tests = ROOT / "tests" / "browser"
    lock = browser_tests / "package-lock.json"
    installed = browser_tests / "node_modules" / "axe-core" / "axe.min.js"
    if not lock.exists() or installed.exists():
        return
    if shutil.which("npm") is None:
        say("npm is missing, so the accessibility checks will be skipped (install Node.js)")
        return
    say("Installing axe-core for the accessibility checks (once)")
    run("npm", "ci", "--silent", "--no-audit", "--no-fund", "--prefix", browser_tests)


def command_test(pytest_args: list[str]) -> None:
    ensure_system_packages()
    ensure_axe()
    setup(migrate=False)
    env = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    say("Running the test suite")
    result = subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT, env=env)
    sys.exit(result.returncode)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in {"run", "test"}:
        sys.exit(__doc__)
    if argv[1] == "run":
        command_run()
    else:
        command_test(argv[2:])


if __name__ == "__main__":
    main(sys.argv)
