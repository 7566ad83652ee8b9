"""Reads of the same shape on every call, compiled to SQL once and run again with another
event's id.

Building and compiling a query costs the ORM 0.3–0.5 ms of CPU each time (cloned querysets,
resolved conditions and annotations, the SQL written), several times what PostgreSQL takes to
answer the small reads of a grid: the public grid's four reads took 3.7 ms of CPU through the
ORM and 0.6 ms this way (bench/grid/results.md). A `PreparedRead` is written with the models'
own vocabulary (`visible()`, `with_vote_count()` ...), so the rules stay in one place; it
compiles its queryset once per thread and database with a stand-in for the event's id, then
puts the id in the stand-in's places and converts the rows as the ORM would (SQLite's dates are
text until converted).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import QuerySet

# stands for the event's id while the query is compiled: no id is negative
STAND_IN = -7_427_001


class PreparedRead:
    """`build(event_id)` is a `values_list` queryset; `rows(event_id)` is its list of tuples."""

    def __init__(self, build: Callable[[int], QuerySet[Any, Any]]) -> None:
        self.build = build
        self._compiled = threading.local()  # a compiler holds its thread's connection

    def _compile(self) -> _Compiled:
        queryset = self.build(STAND_IN)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        places = [n for n, value in enumerate(params) if value == STAND_IN]
        if not places:
            raise ValueError("a prepared read must depend on the event's id")
        selected = compiler.select[: compiler.col_count]
        # the columns in the order values_list() names them (as its iterable does)
        names = [alias for _, _, alias in selected]
        fields = list(getattr(queryset, "_fields", None) or ())  # what values_list() named
        if sorted(names) != sorted(fields):
            raise ValueError(f"a prepared read is a values_list(): {names} for {fields}")
        order = None if names == fields else [names.index(name) for name in fields]
        converters = compiler.get_converters([expression for expression, _, _ in selected])
        return _Compiled(compiler, sql, list(params), places, converters, order)

    def rows(self, event_id: int) -> list[tuple[Any, ...]]:
        compiled: _Compiled | None = getattr(self._compiled, "query", None)
        if compiled is None:
            compiled = self._compiled.query = self._compile()
        params = list(compiled.params)
        for n in compiled.places:
            params[n] = event_id
        compiler = compiled.compiler
        with connections[compiler.using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Iterable[Any] = cursor.fetchall()
        if compiled.converters:
            rows = compiler.apply_converters(rows, compiled.converters)
        if compiled.order is not None:
            return [tuple(row[n] for n in compiled.order) for row in rows]
        return [tuple(row) for row in rows]


class PreparedModels:
    """`build(event_id)` is a queryset of model instances (annotations allowed, no
    `select_related`); `objects(event)` is its list, each instance's `event` set to `event`
    (as the event's related manager would), built as the ORM builds them."""

    def __init__(self, build: Callable[[int], QuerySet[Any, Any]]) -> None:
        self.build = build
        self._compiled = threading.local()

    def _compile(self) -> _CompiledModels:
        queryset = self.build(STAND_IN)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        places = [n for n, value in enumerate(params) if value == STAND_IN]
        if not places:
            raise ValueError("a prepared read must depend on the event's id")
        info = compiler.klass_info
        if info is None or info.get("related_klass_infos"):
            raise ValueError("a prepared read of models builds one model, no select_related()")
        selected = compiler.select[: compiler.col_count]
        fields = info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column.target.attname for column, _, _ in selected[start:end]]
        converters = compiler.get_converters([expression for expression, _, _ in selected])
        annotations = list((compiler.annotation_col_map or {}).items())
        return _CompiledModels(
            compiler,
            sql,
            list(params),
            places,
            converters,
            info["model"],
            names,
            start,
            end,
            annotations,
        )

    def objects(self, event: Any) -> list[Any]:
        compiled: _CompiledModels | None = getattr(self._compiled, "query", None)
        if compiled is None:
            compiled = self._compiled.query = self._compile()
        params = list(compiled.params)
        for n in compiled.places:
            params[n] = event.pk
        compiler = compiled.compiler
        with connections[compiler.using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Iterable[Any] = cursor.fetchall()
        if compiled.converters:
            rows = compiler.apply_converters(rows, compiled.converters)
        model, names, alias = compiled.model, compiled.names, compiler.using
        start, end, annotations = compiled.start, compiled.end, compiled.annotations
        found = []
        for row in rows:
            instance = model.from_db(alias, names, row[start:end])
            for name, position in annotations:
                setattr(instance, name, row[position])
            instance.event = event
            found.append(instance)
        return found


class _CompiledModels(NamedTuple):
    compiler: Any
    sql: str
    params: list[Any]
    places: list[int]
    converters: dict[int, Any]
    model: Any  # the model class
    names: list[str]  # the attnames of its columns, start:end of a row
    start: int
    end: int
    annotations: list[tuple[str, int]]  # (name, position in a row)


class _Compiled(NamedTuple):
    compiler: Any  # django.db.models.sql.compiler.SQLCompiler
    sql: str
    params: list[Any]
    places: list[int]  # where the event's id goes in `params`
    converters: dict[int, Any]
    order: list[int] | None  # the columns' order for values_list(), if not the SQL's
