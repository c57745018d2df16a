"""Model instances and values read with plain SQL, for the simulator's hottest reads.

Every signed-in call reads its token and company, and the dashboard and history read
their lists on nearly every page: building and compiling those ORM queries took
several times as long as running them. These helpers run a query written out once and
turn its columns back into what the ORM would give, through the backend's own
converters (SQLite keeps datetimes as text, decimals as numbers, booleans as 0/1).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converters = tuple[tuple[int, Any, tuple[Any, ...]], ...]


def columns(model: type[Model], alias: str) -> str:
    """`alias.column, …` for each concrete field of `model`, in the order `from_db` takes."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@lru_cache(maxsize=64)
def converters(fields: tuple[Field, ...], vendor: str) -> Converters:
    """(position, expression, functions) of each field whose values the backend converts."""
    found = []
    for position, field in enumerate(fields):
        expression = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if functions:
            found.append((position, expression, tuple(functions)))
    return tuple(found)


def convert(values: list[Any], found: Converters) -> list[Any]:
    """Convert `values` (one fetched row, in place) as the ORM does."""
    for position, expression, functions in found:
        for function in functions:
            values[position] = function(values[position], expression, connection)
    return values


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def instances(row: Sequence[Any], *models: type[Model]) -> list[Model]:
    """The instances of `models` whose columns (`columns()`) follow each other in `row`."""
    made = []
    start = 0
    for model in models:
        fields = tuple(model._meta.concrete_fields)
        found = converters(fields, connection.vendor)
        values = convert(list(row[start : start + len(fields)]), found)
        made.append(model.from_db(connection.alias, None, values))
        start += len(fields)
    return made


def read(model: type[M], sql: str, params: Sequence[Any]) -> list[M]:
    """Instances of `model` from a query that selects `columns(model, alias)`."""
    return [instances(row, model)[0] for row in fetch(sql, params)]  # type: ignore[misc]
