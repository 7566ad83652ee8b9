"""Loaded by `-p tests.pytest_env` (pyproject), before pytest-django reads the settings: tests
run with the development defaults (no HTTPS redirect, a throwaway key). In CI (env CI set) a
skipped test counts as failed: nothing may be skipped for a missing browser or database."""

import os
import tempfile

import pytest

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's sync API
# Threaded tests hold a connection per thread at once, more than a pool of 4 gives; the pool
# itself is exercised by tests/scaleout (gunicorn processes, as in production).
os.environ.setdefault("DB_POOL", "0")
# Each request of a test's live server closes its database connection when it ends. Kept (the
# settings' 60 s), a connection stays open in the server's thread for as long as the browser
# keeps its socket alive, and the test database cannot be dropped at the end of the run
# ("being accessed by other users": 13 idle request connections after the smoke test).
os.environ.setdefault("CONN_MAX_AGE", "0")
# Requests in tests run with DEBUG off, so WhiteNoise looks for collected files in STATIC_ROOT and
# warns (an error here) when it is missing; an empty one will do (the test servers serve /static/).
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="oocamp-static-"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, which must run everything: {reason}"
