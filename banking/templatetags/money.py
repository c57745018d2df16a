"""Money and account numbers as a bank prints them, in the active locale.

{% load money %}
{{ trx.amount|money:trx.currency }}        1,234.50 EUR
{{ amount|signed_money:"EUR" }}             +10.00 EUR, or a minus sign
{{ iban.iban|iban_groups }}                BE71 0961 2345 6769
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()

NBSP = "\u00a0"
MINUS = "\u2212"  # a real minus sign: screen readers say "minus", and it aligns with "+"


def parse_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a Decimal, number or text; None when it is none."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def _decimal(value: Any, places: int = 2) -> Decimal | None:
    """The value rounded half up to `places` decimals (Django's formatter would cut them)."""
    amount = parse_decimal(value)
    if amount is None:
        return None
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_amount(value: Any, places: int = 2) -> str:
    """A localized amount with grouping and `places` decimals ("" when not a number)."""
    amount = _decimal(value, places)
    if amount is None:
        return ""
    return _localized(abs(amount), places, get_language())


@lru_cache(maxsize=4096)
def _localized(amount: Decimal, places: int, language: str | None) -> str:
    # The same balances and amounts come back on every page, and number_format looks
    # up three locale formats each time: each amount is written once per language.
    return number_format(amount, places, use_l10n=True, force_grouping=True)


@register.filter
def money(value: Any, currency: str = "EUR") -> str:
    """1234.5 → "1,234.50 EUR"; a negative amount keeps its minus sign."""
    amount = _decimal(value)
    if amount is None:
        return ""
    sign = MINUS if amount < 0 else ""
    return f"{sign}{format_amount(amount)}{NBSP}{(currency or 'EUR').upper()}"


@register.filter
def negated(value: Any) -> Decimal | None:
    """-value: what left an account, written as the minus it is."""
    amount = parse_decimal(value)
    return None if amount is None else -amount


@register.filter
def signed_money(value: Any, currency: str = "EUR") -> str:
    """Like `money` with an explicit "+" for positive amounts (credits)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    sign = MINUS if amount < 0 else "+" if amount > 0 else ""
    return f"{sign}{format_amount(amount)}{NBSP}{(currency or 'EUR').upper()}"


@register.filter
def iban_groups(value: Any) -> str:
    """An IBAN in groups of four characters, as printed on paper."""
    compact = "".join(str(value or "").split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
