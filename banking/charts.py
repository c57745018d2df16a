"""A balance-over-time chart drawn on the server as SVG numbers, no script.

The dashboard answer holds today's balance and only the latest transactions
(five in the simulator), not a history. So the series is rebuilt backwards:
the balance at the end of each day is today's balance minus what the known
transactions booked after that day (a debit took amount + fees, a credit
brought amount - fees; failed transfers booked nothing). Before the oldest
known transaction the line is flat: that is all the answer tells us, and the
text alternative says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache

from django.utils import timezone

from codego import types as t

DAYS = 90
WIDTH = 600
HEIGHT = 160
PAD_TOP = 12
PAD_BOTTOM = 12
BOOKED = ("pending", "completed")


def booked_effect(trx: t.Transaction) -> Decimal:
    """What a transaction did to the balance (0 when it failed or waits for its code)."""
    if trx.status.lower() not in BOOKED:
        return Decimal(0)
    if trx.is_debit:
        return -(trx.amount + trx.fees)
    return trx.amount - trx.fees


def daily_balances(
    balance: Decimal,
    transactions: Iterable[t.Transaction],
    *,
    today: date,
    days: int = DAYS,
    zone: tzinfo | None = None,
) -> list[tuple[date, Decimal]]:
    """The end-of-day balance for each of the last `days` days in `zone` (else the
    current time zone), oldest first."""
    after: dict[date, Decimal] = {}
    for trx in transactions:
        if trx.created is None:
            continue
        day = timezone.localtime(trx.created, zone).date()
        after[day] = after.get(day, Decimal(0)) + booked_effect(trx)
    series: list[tuple[date, Decimal]] = []
    running = balance
    for offset in range(days):
        day = today - timedelta(days=offset)
        series.append((day, running))
        running -= after.get(day, Decimal(0))  # the balance before that day's moves
    series.reverse()
    return series


@dataclass(frozen=True)
class Chart:
    line: str  # SVG path data of the balance line
    area: str  # the same line closed down to the baseline
    low: Decimal
    high: Decimal
    first: tuple[date, Decimal]
    last: tuple[date, Decimal]
    changes: tuple[tuple[date, Decimal], ...]  # the days the balance moved
    width: int = WIDTH
    height: int = HEIGHT


@lru_cache(maxsize=1024)
def kept_balance_chart(
    balance: Decimal, transactions: tuple[t.Transaction, ...], today: date, zone: tzinfo
) -> Chart | None:
    """balance_chart(daily_balances(…)), kept by its inputs: a dashboard shows the same
    balance and transactions page after page, and the ninety days cost more than the
    rest of its content."""
    return balance_chart(daily_balances(balance, transactions, today=today, zone=zone))


def balance_chart(series: list[tuple[date, Decimal]]) -> Chart | None:
    """SVG coordinates for `series` (None when empty)."""
    if not series:
        return None
    values = [value for _, value in series]
    low, high = min(values), max(values)
    # Coordinates are pixels to a tenth, so floats: only the money stays Decimal.
    span = float(high - low)
    usable = HEIGHT - PAD_TOP - PAD_BOTTOM
    heights: dict[Decimal, str] = {}  # most days repeat the day before
    for value in values:
        if value not in heights:
            y = PAD_TOP + usable * (1 - float(value - low) / span) if span else HEIGHT / 2
            heights[value] = f"{y:.1f}"
    line = "M" + " L".join(
        f"{x},{heights[value]}" for x, value in zip(_x_positions(len(series)), values, strict=True)
    )
    area = f"{line} L{WIDTH},{HEIGHT} L0,{HEIGHT} Z"
    changes = tuple(
        (day, value)
        for index, (day, value) in enumerate(series)
        if index == 0 or value != series[index - 1][1]
    )
    return Chart(line, area, low, high, series[0], series[-1], changes)


@lru_cache(maxsize=8)
def _x_positions(count: int) -> tuple[str, ...]:
    step = WIDTH / max(count - 1, 1)
    return tuple(f"{step * index:.1f}" for index in range(count))
