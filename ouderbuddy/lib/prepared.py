"""Values reads compiled once per process: for the small reads of a page that run on
every request with only a key changing.

Through the ORM a `.values()` read of a few rows costs about 0.3 ms of CPU, half of it
building the SQL (compiling the queryset). `Prepared` compiles its queryset once per
process and database, with a random stand-in for each argument, and finds the
stand-ins among the statement's parameters; a request then runs the same SQL with its
own values in those places, and the rows go through the same converters the ORM
applies (`compiler.results_iter`), into dicts with the same names as `.values()`
gives. The statement goes through Django's cursor, so it is logged and counted like
any other. UUID, text, date and aware UTC datetime arguments are taken as parameters
(the keys and the moments of these reads). Whole numbers, booleans and None are taken
as part of the read's shape instead (a page number, a flag, a limit): the statement
is compiled once per value, up to `MAX_SHAPES` of them. Anything else, or a stand-in
the parameters do not show as plainly, is read through the ORM as before
(`lib/tests/test_prepared.py` compares both).

The queryset's filters stay in the function that builds it: the organisation scoping
of a read is exactly the ORM's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # (index in params, argument number, how the argument is written there)
    slots: tuple[tuple[int, int, Callable[[Any], Any]], ...]
    compiler: Any
    names: tuple[str, ...]
    col_count: int | None


def _ways(stand_in: Any, ops: Any) -> list[tuple[Any, Callable[[Any], Any]]]:
    """How a backend may write an argument among the parameters."""
    if isinstance(stand_in, uuid.UUID):
        return [
            (stand_in, lambda v: v),
            (stand_in.hex, lambda v: v.hex),
            (str(stand_in), str),
        ]
    if isinstance(stand_in, dt.datetime):
        # As a DateTimeField writes it (`get_db_prep_value`).
        return [
            (ops.adapt_datetimefield_value(stand_in), ops.adapt_datetimefield_value)
        ]
    if isinstance(stand_in, dt.date):
        # As a DateField writes it.
        return [(ops.adapt_datefield_value(stand_in), ops.adapt_datefield_value)]
    return [(stand_in, lambda v: v)]


def _stand_in(arg: Any) -> Any:
    if isinstance(arg, uuid.UUID):
        return uuid.uuid4()
    if isinstance(arg, dt.datetime):
        # An aware moment no request asks for: a random microsecond of 2001.
        return dt.datetime(2001, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            microseconds=uuid.uuid4().int % (365 * 86400 * 10**6)
        )
    if type(arg) is dt.date:
        # A day of the 19th century no request asks for.
        return dt.date(1801, 1, 1) + dt.timedelta(days=uuid.uuid4().int % 36_000)
    if type(arg) in _SHAPE:
        return arg  # part of the shape: compiled with the value itself
    return f"prepared-{uuid.uuid4()}"


_TAKEN = (uuid.UUID, str, dt.date)
_SHAPE = (int, bool, type(None))
# Distinct shapes (values of the whole-number arguments) compiled per read; past
# that, a read goes through the ORM (a page number in a link someone made up).
MAX_SHAPES = 64


def _takes(arg: Any) -> bool:
    """UUIDs, text, dates, aware datetimes (as `timezone.now()` gives), and the
    shape arguments."""
    if type(arg) is dt.datetime:
        return arg.tzinfo is dt.UTC
    return type(arg) in _TAKEN or type(arg) in _SHAPE


def _key_part(arg: Any) -> Any:
    """What an argument adds to the compiled statement's key: its type, or for a
    shape argument its type and value."""
    kind = type(arg)
    return (kind, arg) if kind in _SHAPE else kind


class Prepared:
    """`build(*args)` (a `.values()` queryset) as rows, compiled once per database."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self.build = build
        self._compiled: dict[tuple[str, tuple[type, ...]], _Compiled | None] = {}

    def _compile(self, using: str, args: tuple[Any, ...]) -> _Compiled | None:
        stand_ins = tuple(_stand_in(a) for a in args)
        # Only the parameters are looked for; a shape argument is in the SQL as is.
        wanted = [n for n, a in enumerate(args) if type(a) not in _SHAPE]
        ops = connections[using].ops
        try:
            queryset = self.build(*stand_ins)
            query = queryset.query
            compiler = query.get_compiler(using)
            sql, params = compiler.as_sql()
        except (ValueError, TypeError, ValidationError):
            return None  # a stand-in this read does not take: the ORM's way
        slots = []
        for index, param in enumerate(params):
            for number in wanted:
                for written, write in _ways(stand_ins[number], ops):
                    if type(param) is type(written) and param == written:
                        slots.append((index, number, write))
                        break
        # Every argument found, and none hidden inside another parameter (a pattern).
        taken = {index for index, _, _ in slots}
        others = " ".join(str(p) for i, p in enumerate(params) if i not in taken)
        hidden = any(
            str(written) in others
            for n in wanted
            for written, _ in _ways(stand_ins[n], ops)
        )
        if {number for _, number, _ in slots} != set(wanted) or hidden:
            return None
        if query.selected:
            names = tuple(query.selected)
        else:
            names = (
                *query.extra_select,
                *query.values_select,
                *query.annotation_select,
            )
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            compiler=compiler,
            names=names,
            col_count=compiler.col_count if compiler.has_extra_select else None,
        )

    def rows(self, *args: Any, using: str = "default") -> list[dict[str, Any]]:
        if not all(_takes(a) for a in args):
            return list(self.build(*args))
        key = (using, tuple(_key_part(a) for a in args))
        if key not in self._compiled:
            if len(self._compiled) >= MAX_SHAPES:
                return list(self.build(*args))
            self._compiled[key] = self._compile(using, args)
        compiled = self._compiled[key]
        if compiled is None:
            return list(self.build(*args))
        params = list(compiled.params)
        for index, number, write in compiled.slots:
            params[index] = write(args[number])
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        if compiled.col_count is not None:
            fetched = [row[: compiled.col_count] for row in fetched]
        names = compiled.names
        indexes = range(len(names))
        return [
            {names[i]: row[i] for i in indexes}
            for row in compiled.compiler.results_iter(results=[fetched])
        ]


def loaded(
    model: type[M], row: dict[str, Any], names: dict[str, str], pk: str = "pk"
) -> M:
    """A `model` instance from a row of `Prepared.rows` with only the fields `names`
    (field name: key in `row`) loaded, its key from `row[pk]`. `from_db` takes the
    values in the model's order of fields, whatever the order of `names`; a field
    not loaded is read from the database when asked for, as with `.only()`."""
    key = model._meta.pk
    assert key is not None
    attnames, values = [key.attname], [row[pk]]
    for field in model._meta.concrete_fields:
        if field.name in names and field is not key:
            attnames.append(field.attname)
            values.append(row[names[field.name]])
    return model.from_db("default", attnames, values)
