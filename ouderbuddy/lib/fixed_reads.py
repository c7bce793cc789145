"""Model rows read by SQL that is written once per process, for the reads of every request.

Every signed-in request reads its session, its user, the user's second-factor device and
the user's memberships. Through the ORM each of those costs about 0.3 ms of CPU to build
the SQL (compiling the queryset) before the database sees it, which was most of what a
signed-in request costs before its view runs. These reads never change shape, so here
their SELECT is built once per process from the model's metadata (every concrete column,
quoted by the connection's rules) and only the parameters change per request.

The rows come back as model instances exactly as the ORM builds them: each column goes
through the same converters the ORM applies (the backend's, e.g. SQLite's datetimes and
UUIDs, and the field's `from_db_value`), then `Model.from_db`. The statements go through
Django's cursor, so they are logged and counted like any other query.

`lib/tests/test_fixed_reads.py` checks the instances equal the ORM's, on both databases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Field, Model

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Columns:
    """One model's concrete columns under a table alias: the SELECT list and the builder."""

    model: type[Model]
    alias: str
    sql: str  # "alias"."col", ... in field order
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Converter, ...], Any], ...]

    @property
    def width(self) -> int:
        return len(self.attnames)

    def build(self, row: Sequence[Any], offset: int, using: str) -> Any:
        """The instance from `row[offset:offset + width]`, as the ORM would build it."""
        values = list(row[offset : offset + len(self.attnames)])
        connection = connections[using]
        for index, functions, expression in self.converters:
            value = values[index]
            for function in functions:
                value = function(value, expression, connection)
            values[index] = value
        return self.model.from_db(using, self.attnames, values)


_columns: dict[tuple[type[Model], str, str], Columns] = {}


def columns(model: type[Model], alias: str, using: str = "default") -> Columns:
    """The (per-process) column list of `model` as table alias `alias`."""
    key = (model, alias, using)
    found = _columns.get(key)
    if found is None:
        connection = connections[using]
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            expression = field.get_col(alias)
            functions = (
                *connection.ops.get_db_converters(expression),
                *expression.get_db_converters(connection),
            )
            if functions:
                converters.append((index, tuple(functions), expression))
        found = Columns(
            model=model,
            alias=alias,
            sql=", ".join(f"{quote(alias)}.{quote(f.column)}" for f in fields),
            attnames=tuple(f.attname for f in fields),
            converters=tuple(converters),
        )
        _columns[key] = found
    return found


def table(model: type[Model], alias: str, using: str = "default") -> str:
    """`"table" "alias"` for a FROM or JOIN clause."""
    quote = connections[using].ops.quote_name
    return f"{quote(model._meta.db_table)} {quote(alias)}"


def column(model: type[Model], alias: str, name: str, using: str = "default") -> str:
    """`"alias"."column"` of the field `name` of `model`."""
    quote = connections[using].ops.quote_name
    return f"{quote(alias)}.{quote(_field(model, name).column)}"


def param(model: type[Model], name: str, value: Any, using: str = "default") -> Any:
    """`value` as the database stores the field `name` (e.g. a UUID on SQLite)."""
    field = _field(model, name)
    return field.get_db_prep_value(value, connections[using], prepared=False)


def select(
    model: type[Model], alias: str, *where: tuple[str, str], using: str = "default"
) -> str:
    """`SELECT <every column> FROM <table> <alias> WHERE <field> <op> %s AND ...`.

    `where` holds (field name, comparison) pairs; the values are the statement's
    parameters, in the same order. Only names from the model's metadata go into the
    text."""
    conditions = " AND ".join(
        f"{column(model, alias, name, using)} {op} %s" for name, op in where
    )
    return (
        f"SELECT {columns(model, alias, using).sql}"  # noqa: S608 - names from model metadata
        f" FROM {table(model, alias, using)} WHERE {conditions}"
    )


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field), name
    return field


def fetch(
    sql: str, params: Sequence[Any], using: str = "default"
) -> list[tuple[Any, ...]]:
    """The rows of one statement, through Django's cursor (logged and counted)."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
