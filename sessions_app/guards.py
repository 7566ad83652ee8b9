"""Keeps the SQLite guards of migration 0002 (triggers and a unique index) through later
migrations.

SQLite cannot alter most columns in place, so Django rebuilds a table to change it (a new
table, the rows copied, the old one dropped, the new one renamed). That loses the triggers on
the rebuilt table, and a trigger on another table that names it makes the rename fail ("error
in trigger oocamp_vote_insert: no such table: main.sessions_app_event"). So on SQLite the
guards are taken down before `migrate` and put back after it. PostgreSQL alters tables in
place and needs none of this."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder


def _guards():
    """Migration 0002, where the statements are written (imported when needed: a module name
    that starts with a digit cannot be imported the usual way)."""
    return importlib.import_module("sessions_app.migrations.0002_database_guards")


def _sqlite(using: str):
    connection = connections[using]
    return connection if connection.vendor == "sqlite" else None


def drop_before_migrate(using: str = "default", **_kwargs: Any) -> None:
    connection = _sqlite(using)
    if connection is None:
        return
    with connection.cursor() as cursor:
        for statement in _guards().SQLITE_BACKWARD:
            if statement.startswith("DROP TRIGGER"):
                cursor.execute(statement)


def restore_after_migrate(using: str = "default", **_kwargs: Any) -> None:
    connection = _sqlite(using)
    if connection is None:
        return
    applied = MigrationRecorder(connection).applied_migrations()
    if ("sessions_app", "0002_database_guards") not in applied:
        return
    with connection.cursor() as cursor:
        for statement in _guards().SQLITE_BACKWARD:
            if statement.startswith("DROP TRIGGER"):
                cursor.execute(statement)
        for statement in _guards().SQLITE_FORWARD:
            cursor.execute(
                statement.replace("CREATE UNIQUE INDEX", "CREATE UNIQUE INDEX IF NOT EXISTS")
            )
