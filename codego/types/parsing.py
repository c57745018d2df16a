"""Parsing helpers: the only place that knows how the API spells values.

Numbers sent as strings or as numbers, JSON encoded inside a string, `status`
0/1 flags, missing keys and nulls (defaults, never `KeyError`), "0000-00-00"
dates, "YYYY-MM-DD HH:MM:SS" datetimes (read in `settings.TIME_ZONE`),
"DD-MM-YYYY" notification dates and "17 Jul 2023" crypto dates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings

ZERO = Decimal("0")


def to_str(value: Any, default: str = "") -> str:
    """Text, stripped; `None` becomes `default`."""
    if value is None:
        return default
    return str(value).strip()


def to_opt_str(value: Any) -> str | None:
    """Text, or `None` for null / empty."""
    text = to_str(value)
    return text or None


def to_int(value: Any, default: int = 0) -> int:
    """An int from 37, "37", "37.0" or " 37 "; anything else is `default`."""
    if value is None or isinstance(value, bool):
        return int(value) if isinstance(value, bool) else default
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            return int(Decimal(str(value).strip()))
        except (InvalidOperation, ValueError):
            return default


def to_opt_int(value: Any) -> int | None:
    """An int, or `None` when the value is missing, empty or not a number."""
    if isinstance(value, int):
        return int(value)
    text = to_str(value)
    try:
        return int(Decimal(text)) if text else None
    except (InvalidOperation, ValueError):
        return None


def to_decimal(value: Any, default: Decimal = ZERO) -> Decimal:
    """Money and rates: "10.00", "00.00", 10, 0.5 (via its text, never binary float)."""
    if value is None or isinstance(value, bool):
        return default
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace(",", "") if not isinstance(value, float) else repr(value)
    if not text:
        return default
    try:
        result = Decimal(text)
    except InvalidOperation:
        return default
    return result if result.is_finite() else default


def to_bool(value: Any) -> bool:
    """1 / "1" / true / "yes" / "on" are true; 0, "0", "", "No", null are false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value != 0
    return to_str(value).lower() in {"1", "true", "yes", "y", "on"}


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d %b %Y", "%d %B %Y", "%d/%m/%Y")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
# The shape nearly every stamp of the API has: read by fromisoformat, ten times faster
# than strptime (a history page has twenty), with strptime's answer for it.
_PLAIN_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}")


def _is_zero_date(text: str) -> bool:
    return not text.strip("0-: T/")


def to_date(value: Any) -> date | None:
    """A date from "2023-02-21", "06-12-2023", "17 Jul 2023", "12 may 2024".

    "0000-00-00", "00-00-0000", placeholders and junk are `None`. A datetime
    text gives its date part.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = to_str(value)
    if not text or _is_zero_date(text):
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    moment = to_datetime(text)
    return moment.date() if moment else None


def to_datetime(value: Any) -> datetime | None:
    """An aware datetime from "YYYY-MM-DD HH:MM:SS", read in `settings.TIME_ZONE`.

    "0000-00-00 00:00:00" is `None`; a bare date is midnight of that day.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    text = to_str(value)
    if not text or _is_zero_date(text):
        return None
    if _PLAIN_STAMP.fullmatch(text):
        try:
            return datetime.fromisoformat(text).replace(tzinfo=zone)
        except ValueError:  # a 30th of February: no format reads it either
            return None
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    return None


def to_json(value: Any) -> Any:
    """A value that may arrive JSON-encoded inside a string (the `dropdown` lists)."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None
    return value


def to_list(value: Any) -> list[Any]:
    """A list from a list, a JSON string of a list, or a dict of rows; else `[]`."""
    value = to_json(value)
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return list(value.values())
    return []


def to_dict(value: Any) -> dict[str, Any]:
    """A dict from a dict or a JSON string of one; `[]`, null and junk are `{}`."""
    value = to_json(value)
    return dict(value) if isinstance(value, Mapping) else {}


T = TypeVar("T")


def parse_rows(cls: type[T], value: Any) -> tuple[T, ...]:
    """Each mapping of a list (or JSON string of one) through `cls.from_api`.

    The same rows come back page after page (a history, the accounts, the payees),
    so each one is read once per process while it stays the same: `from_api` is a
    function of the row and `settings.TIME_ZONE` only, and what it makes is frozen.
    """
    zone = settings.TIME_ZONE
    return tuple(_row(cls, row, zone) for row in to_list(value) if isinstance(row, Mapping))


def _row(cls: type[T], row: Mapping[str, Any], zone: str) -> T:
    # The values' types are part of the key: 1, 1.0 and True are equal, and read apart.
    items = tuple(row.items())
    try:
        return _read_row(cls, items, tuple(map(type, row.values())), zone)
    except TypeError:  # a value that is a list or an object: no key, read every time
        return cls.from_api(row)  # type: ignore[attr-defined]


@lru_cache(maxsize=4096)
def _read_row(cls: type[T], items: tuple, _types: tuple, _zone: str) -> T:
    return cls.from_api(dict(items))  # type: ignore[attr-defined]


def first_present(data: Mapping[str, Any], *names: str) -> Any:
    """The first present, non-null value among the spellings `names`."""
    for name in names:
        if data.get(name) is not None:
            return data[name]
    return None
