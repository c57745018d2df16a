"""The company's visible transactions, filtered, ordered and paged, as plain SQL.

`iban_transaction` and the dashboard read this list on nearly every page; building
and compiling the ORM query took five times as long as running it. The SQL is what
the ORM wrote for `Transaction.objects.filter(iban__company=…)` with the filters
below, and tests/test_sandbox_history.py holds the two to the same rows. The values
come back through the backend's own converters (SQLite keeps datetimes as text and
decimals as numbers: see sandbox.sql), so they are what `.values()` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils import timezone

from sandbox import sql
from sandbox.models import Company, Iban, Transaction

# (key, the column as selected): the keys are those of `.values()` on Transaction.
COLUMNS = (
    ("is_upload_document", "t.is_upload_document"),
    ("trx_id", "t.trx_id"),
    ("unique_id", "t.unique_id"),
    ("transaction_id", "t.transaction_id"),
    ("counterparty_name", "t.counterparty_name"),
    ("reason_payment", "t.reason_payment"),
    ("type", "t.type"),
    ("amount", "t.amount"),
    ("fees", "t.fees"),
    ("iban__currency", "i.currency"),
    ("description", "t.description"),
    ("status", "t.status"),
    ("created", "t.created"),
    ("iban__label", "i.label"),
    ("iban__iban", "i.iban"),
)
KEYS = tuple(key for key, _ in COLUMNS)
SELECT = "SELECT " + ", ".join(column for _, column in COLUMNS)
COUNT = "SELECT COUNT(*)"
FROM = " FROM sandbox_transaction t JOIN sandbox_iban i ON i.id = t.iban_id WHERE "
# What the search looks in (icontains, as the ORM's Q(...) | Q(...) did).
SEARCHED = ("t.counterparty_name", "t.reason_payment", "t.description", "t.transaction_id")


@dataclass(frozen=True)
class Filters:
    """What narrows the list; each one optional."""

    iban_id: int | None = None
    status: str = ""
    first_day: date | None = None  # local dates, both days included
    last_day: date | None = None
    search: str = ""


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    num_rows: int | None  # None when not counted


def _local_midnight(day: date) -> Any:
    """The first moment of `day` in the current time zone, as the database takes it.

    `created >= midnight of first_day` is the ORM's `created__date__gte=first_day`
    (which converts each row's moment to the local date), and can use an index.
    """
    moment = timezone.make_aware(datetime.combine(day, time.min))
    return connection.ops.adapt_datetimefield_value(moment)


def _where(company: Company, filters: Filters) -> tuple[str, list[Any]]:
    clauses = ["i.company_id = %s", "t.status <> %s"]
    params: list[Any] = [company.pk, Transaction.Status.AWAITING_OTP.value]
    if filters.iban_id is not None:
        clauses.append("t.iban_id = %s")
        params.append(filters.iban_id)
    if filters.status:
        clauses.append("t.status = %s")
        params.append(filters.status)
    if filters.first_day:
        clauses.append("t.created >= %s")
        params.append(_local_midnight(filters.first_day))
    if filters.last_day:
        clauses.append("t.created < %s")
        params.append(_local_midnight(filters.last_day + timedelta(days=1)))
    if filters.search:
        # The backend's own icontains: SQLite "LIKE %s ESCAPE '\'", PostgreSQL
        # "UPPER(col::text) LIKE UPPER(%s)"; % and _ typed in the search are escaped.
        operator = connection.operators["icontains"]
        column = connection.ops.lookup_cast("icontains")
        clauses.append("(" + " OR ".join(f"{column % name} {operator}" for name in SEARCHED) + ")")
        params += [f"%{connection.ops.prep_for_like_query(filters.search)}%"] * len(SEARCHED)
    return " AND ".join(clauses), params


@lru_cache(maxsize=1)
def _fields() -> tuple[Any, ...]:
    models = {"t": Transaction, "i": Iban}
    return tuple(
        models[alias]._meta.get_field(name)
        for alias, name in (column.split(".") for _, column in COLUMNS)
    )


def _converted(raw: tuple[Any, ...], vendor: str) -> tuple[Any, ...]:
    """One row's columns as the ORM gives them, kept by what the database sent (and its
    types: 1 == 1.0 == True); converting is most of reading a page the size of ours."""
    return _kept_conversion(raw, tuple(map(type, raw)), vendor)


@lru_cache(maxsize=4096)
def _kept_conversion(raw: tuple[Any, ...], types: tuple[type, ...], vendor: str) -> tuple[Any, ...]:
    return tuple(sql.convert(list(raw), sql.converters(_fields(), vendor)))


def visible_transactions(
    company: Company,
    filters: Filters = Filters(),
    *,
    newest_first: bool = True,
    limit: int,
    offset: int = 0,
    counted: bool = True,
) -> Page:
    """A page of what the customer sees (every status but a transfer awaiting its OTP).

    `counted`: the total rides on every row (COUNT(*) OVER ()), so the page and its
    count are one query; a page past the end has no row to carry it and counts alone.
    """
    # Only this module's constant clauses go into the text; every value is a parameter.
    where, params = _where(company, filters)
    direction = "DESC" if newest_first else "ASC"
    total = ", COUNT(*) OVER ()" if counted else ""
    order = f" ORDER BY t.created {direction}, t.id {direction} LIMIT %s OFFSET %s"
    query = SELECT + total + FROM + where + order
    fetched = sql.fetch(query, [*params, limit, offset])
    width = len(KEYS)
    rows = [
        dict(zip(KEYS, _converted(row[:width], connection.vendor), strict=True)) for row in fetched
    ]
    if not counted:
        return Page(rows, None)
    if fetched:
        return Page(rows, fetched[0][-1])
    if not offset:
        return Page(rows, 0)
    return Page(rows, sql.fetch(COUNT + FROM + where, params)[0][0])
