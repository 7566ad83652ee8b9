"""Reads of the same shape on every call, compiled to SQL once and run again with another
event's id (or another key a read depends on: an event's slug, the signed-in user's id).

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
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import QuerySet

# stands for the event's id while the query is compiled: no id is negative
STAND_IN = -7_427_001
# stands for a text key (an event's slug) while the query is compiled: no slug has a space
STAND_IN_TEXT = " stand-in for a key "


class _Query(NamedTuple):
    compiler: Any  # django.db.models.sql.compiler.SQLCompiler, of the thread that compiled it
    sql: str
    params: list[Any]
    places: list[int]  # where the event's id goes in `params`
    converters: dict[int, Any]
    selected: list[Any]  # the compiler's selected columns: (expression, sql, alias)


class _Prepared(ABC):
    """A queryset compiled once per thread; `_fetch(key)` runs it for that event's id (or another
    key) and gives its rows converted as the ORM converts them. A subclass reads what it needs
    of the compiled query once (`_shape`) and builds its answer from the rows."""

    def __init__(self, build: Callable[[Any], QuerySet[Any, Any]], *, text: bool = False) -> None:
        """`build(key)` gives the queryset for one key: an id, or (`text`) a text such as a slug."""
        self.build = build
        self.stand_in: Any = STAND_IN_TEXT if text else STAND_IN
        self._compiled = threading.local()  # a compiler holds its thread's connection

    @abstractmethod
    def _shape(self, queryset: QuerySet[Any, Any], query: _Query) -> Any:
        """What the subclass needs of the compiled query to build its answers."""

    def _query(self) -> tuple[_Query, Any]:
        compiled = getattr(self._compiled, "query", None)
        if compiled is None:
            queryset = self.build(self.stand_in)
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
            places = [n for n, value in enumerate(params) if value == self.stand_in]
            if not places:
                raise ValueError("a prepared read must depend on its key (the event's id)")
            selected = compiler.select[: compiler.col_count]
            converters = compiler.get_converters([expression for expression, _, _ in selected])
            query = _Query(compiler, sql, list(params), places, converters, selected)
            compiled = self._compiled.query = (query, self._shape(queryset, query))
        return compiled

    def _fetch(self, key: Any) -> tuple[Iterable[Any], Any]:
        query, shape = self._query()
        params = list(query.params)
        for n in query.places:
            params[n] = key
        with connections[query.compiler.using].cursor() as cursor:
            cursor.execute(query.sql, params)
            rows: Iterable[Any] = cursor.fetchall()
        if query.converters:
            rows = query.compiler.apply_converters(rows, query.converters)
        return rows, shape


class PreparedRead(_Prepared):
    """`build(event_id)` is a `values_list` queryset; `rows(event_id)` is its list of tuples."""

    def _shape(self, queryset: QuerySet[Any, Any], query: _Query) -> list[int] | None:
        """The columns in the order values_list() names them (as its iterable does), or None
        when that is the SQL's order."""
        names = [alias for _, _, alias in query.selected]
        fields = list(getattr(queryset, "_fields", None) or ())  # what values_list() named
        if sorted(names) != sorted(fields):
            raise ValueError(f"a prepared read is a values_list(): {names} for {fields}")
        return None if names == fields else [names.index(name) for name in fields]

    def rows(self, event_id: int) -> list[tuple[Any, ...]]:
        rows, order = self._fetch(event_id)
        if order is not None:
            return [tuple(row[n] for n in order) for row in rows]
        return [tuple(row) for row in rows]


class _Models(NamedTuple):
    model: Any  # the model class
    names: list[str]  # the attnames of its columns, start:end of a row
    start: int
    end: int
    annotations: list[tuple[str, int]]  # (name, position in a row)


class PreparedModels(_Prepared):
    """`build(event_id)` is a queryset of model instances (annotations allowed, no
    `select_related`); `objects(event)` is its list, each instance's `event` set to `event`
    (as the event's related manager would), built as the ORM builds them."""

    def _shape(self, queryset: QuerySet[Any, Any], query: _Query) -> _Models:
        info = query.compiler.klass_info
        if info is None or info.get("related_klass_infos"):
            raise ValueError("a prepared read of models builds one model, no select_related()")
        fields = info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column.target.attname for column, _, _ in query.selected[start:end]]
        annotations = list((query.compiler.annotation_col_map or {}).items())
        return _Models(info["model"], names, start, end, annotations)

    def objects(self, event: Any) -> list[Any]:
        found = self.instances(event.pk)
        for instance in found:
            instance.event = event
        return found

    def instances(self, key: Any) -> list[Any]:
        """The instances of the query run with `key` in the stand-in's places (an event's id,
        or the id another read depends on), nothing set on them."""
        rows, shape = self._fetch(key)
        alias = self._query()[0].compiler.using
        found = []
        for row in rows:
            instance = shape.model.from_db(alias, shape.names, row[shape.start : shape.end])
            for name, position in shape.annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found
