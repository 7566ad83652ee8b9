"""Only actions write: a pytest plugin (registered in conftest.py) that checks, in every test,
who sent each statement that changes the database.

Every INSERT, UPDATE and DELETE, and every locking read (SELECT … FOR UPDATE / FOR NO KEY
UPDATE / FOR SHARE / FOR KEY SHARE; SQLite has none, PostgreSQL shows them), on every
connection (the test's, and those that threads in the concurrency tests open), is judged by
the Python stack that sent it. Walking out from the statement, the first frame that decides is:

- a frame in the app (`sessions_app/`): the statement is allowed when that file is on the
  write path, `ALLOWED` (actions, jobs for their own rows, migrations), else it is an
  offence named by that file and line. Three kinds of app frames do not decide and are walked
  past: the models (`sessions_app/models.py`: a model method that writes does so for
  whoever called it), the compiled reads (`sessions_app/prepared.py`, which run their
  callers' querysets) and a middleware's `__call__` handing the request on (`PASS_THROUGH`:
  it runs around every view, Django's own ones too);
- Django's session store (`django/contrib/sessions/`): the session is the browser's state
  kept on the server, like a cookie, not the app's data; signing in or out, a new session
  key after a code and the session saved after each response write it wherever they are
  called from;
- test code (`tests/`): a factory, a fixture or a test writing its own rows.

Anything else is walked past: Django's ORM, django-otp, django-tasks, Django's own views and
the admin are only as allowed as the app or test code that called them. So a view that calls
`auth.login` writes the account's last sign-in itself and is refused: sign-ins go through
`actions.sign_in`. A statement with no deciding frame at all (Django setting up the test
database) is allowed.

An offence does not raise where it happens (a job or a view may catch it, a thread may swallow
it): it is noted, and the test ends in an error at its teardown that lists every offending
module:line with the SQL verb and statement."""

from __future__ import annotations

import functools
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from django.db import connections
from django.db.backends.signals import connection_created

ROOT = Path(__file__).resolve().parent.parent  # the checkout: sessions_app/ and tests/ in it
GUARD = Path(__file__).resolve().relative_to(ROOT).as_posix()  # this file: not a test's code

# the write paths: the actions, the background jobs (they own their job rows) and migrations
ALLOWED = ("sessions_app/actions/", "sessions_app/jobs/", "sessions_app/migrations/")
# app frames that neither write nor decide: the writer is further out (prepared.py runs the
# querysets its callers compiled, as the ORM does: a locking read of an action is the action's)
TRANSPARENT = ("sessions_app/models.py", "sessions_app/prepared.py")
# (file, function) of app frames that hand the request on to the rest of the stack
PASS_THROUGH = {
    ("sessions_app/middleware.py", "__call__"),
    ("sessions_app/second_factor.py", "__call__"),
}
SESSION_STORE = "/django/contrib/sessions/"

LOCKING_READ = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.I)
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@dataclass(frozen=True)
class Place:
    """One frame of the stack: its file (absolute, as Python names it), line and function."""

    file: str
    line: int
    function: str


def verb(sql: str) -> str | None:
    """The kind of write `sql` is ("INSERT", "SELECT FOR UPDATE", …), or None for a plain read
    or anything else (SAVEPOINT, PRAGMA, …)."""
    words = sql.lstrip().split(None, 1)
    first = words[0].upper() if words else ""
    if first in WRITE_VERBS:
        return first
    if first == "WITH":  # a common table expression in front of the statement
        found = re.search(r"\b(INSERT|UPDATE|DELETE)\b", sql, re.I)
        if found and not LOCKING_READ.search(sql):
            return found.group(1).upper()
    if first in {"SELECT", "WITH"}:
        lock = LOCKING_READ.search(sql)
        if lock:
            return "SELECT " + " ".join(lock.group(0).upper().split())
    return None


@functools.cache  # a few hundred files, asked for on every frame of every write
def _relative(file: str) -> str | None:
    """The file relative to the checkout, or None when it lies outside it (libraries)."""
    try:
        return Path(file).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return None


def offence(stack: Iterable[Place]) -> str | None:
    """None when the statement sent from `stack` (innermost frame first) may write, else the
    offending app file and line ("sessions_app/views/public.py:125")."""
    for place in stack:
        if SESSION_STORE in place.file.replace("\\", "/"):
            return None
        relative = _relative(place.file)
        if relative is None:
            continue
        if relative.startswith("tests/"):
            if relative == GUARD:
                continue
            return None
        if not relative.startswith("sessions_app/"):
            continue  # the settings and the project's own middleware only pass requests on
        if relative.startswith(ALLOWED):
            return None
        if relative in TRANSPARENT or (relative, place.function) in PASS_THROUGH:
            continue
        return f"{relative}:{place.line}"
    return None


def _places(frame: FrameType | None) -> Iterator[Place]:
    while frame is not None:
        yield Place(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back


class WriteGuard:
    """The execute wrapper put on every connection during a test; it notes offences."""

    def __init__(self) -> None:
        self.offences: list[str] = []
        self._lock = threading.Lock()

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        kind = verb(sql) if isinstance(sql, str) else None
        if kind is not None:
            where = offence(_places(sys._getframe(1)))
            if where is not None:
                with self._lock:
                    self.offences.append(f"{where}: {kind} ({_short(sql)})")
        return execute(sql, params, many, context)

    def watch(self, connection: Any) -> None:
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.append(self)

    def unwatch(self, connection: Any) -> None:
        if self in connection.execute_wrappers:
            connection.execute_wrappers.remove(self)


def _short(sql: str) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= 120 else text[:117] + "..."


@pytest.fixture(autouse=True)
def only_actions_write():
    """Every statement that writes, in this test, comes from an action, a job, a migration,
    the session store or test code (see the module's docstring)."""
    guard = WriteGuard()

    def on_connect(sender: Any, connection: Any, **kwargs: Any) -> None:
        guard.watch(connection)  # a thread's own connection, opened during the test

    for connection in connections.all(initialized_only=True):
        guard.watch(connection)
    connection_created.connect(on_connect, weak=False)
    try:
        yield guard
    finally:
        connection_created.disconnect(on_connect)
        for connection in connections.all(initialized_only=True):
            guard.unwatch(connection)
    if guard.offences:
        unique = list(dict.fromkeys(guard.offences))
        pytest.fail(
            "Only actions write (sessions_app/actions/, jobs/, migrations/); written from:\n  "
            + "\n  ".join(unique),
            pytrace=False,
        )
