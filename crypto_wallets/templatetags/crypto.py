"""Coin amounts, prices and 24 h changes as a bank prints them, in the active locale.

{% load crypto %}
{{ coin.crypto_balance|coin_amount:coin.decimal_digit }}   0.50 / 0.00012345
{{ row.amount|signed_coin_amount:row.digits }}             +1.25, or a minus sign
{{ wallet.buy_price|coin_price }}                          58,420.15 / 0.9377
{{ coin.usd_percent_change_24h|signed_percent }}          +1.87 %, or a minus sign
{{ coin.usd_percent_change_24h|trend }}                   up / down / flat

Amounts stay `Decimal` from the API to the page: never a float.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from django import template
from django.utils.formats import number_format

# The money filters' parsing and minus sign: coins and fiat read alike.
from banking.templatetags.money import MINUS
from banking.templatetags.money import parse_decimal as as_decimal

register = template.Library()

MAX_PLACES = 8  # when the API does not say how many decimals a coin has
MIN_PLACES = 2  # "1.00 BTC" reads as an amount, "1 BTC" as a count


def _localized(amount: Decimal, places: int, rounding: str = ROUND_HALF_UP) -> str:
    """`amount` without its sign, rounded to `places` (Django's formatter would cut)."""
    with localcontext() as context:
        context.prec = 60  # large balances with 8 decimals pass the default 28 digits
        shown = abs(amount).quantize(Decimal(1).scaleb(-places), rounding=rounding)
    return number_format(shown, places, use_l10n=True, force_grouping=True)


def _places(amount: Decimal, digits: Any) -> int:
    """Significant decimals of `amount` (at least two), at most the coin's `digits`."""
    try:
        cap = int(digits)
    except (TypeError, ValueError):
        cap = MAX_PLACES
    cap = max(cap, 0)
    exponent = amount.normalize().as_tuple().exponent
    significant = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return min(max(significant, MIN_PLACES), cap)


def _format(value: Any, digits: Any, *, plus: bool) -> str:
    amount = as_decimal(value)
    if amount is None:
        return ""
    places = _places(amount, digits)
    # Beyond the coin's precision is noise: cut it, never round a balance up.
    text = _localized(amount, places, ROUND_DOWN)
    visible = abs(amount) >= Decimal(1).scaleb(-places)
    sign = "" if not visible else MINUS if amount < 0 else "+" if plus else ""
    return f"{sign}{text}"


@register.filter
def coin_amount(value: Any, digits: Any = MAX_PLACES) -> str:
    """Decimal("0.50000000"), 8 → "0.50"; Decimal("0.00012345"), 8 → "0.00012345"."""
    return _format(value, digits, plus=False)


@register.filter
def signed_coin_amount(value: Any, digits: Any = MAX_PLACES) -> str:
    """Like `coin_amount` with an explicit "+" for money coming in."""
    return _format(value, digits, plus=True)


@register.filter
def coin_price(value: Any) -> str:
    """A fiat price of one coin: two decimals, more for coins worth less than 1."""
    amount = as_decimal(value)
    if amount is None:
        return ""
    places = 2 if abs(amount) >= 1 else 4 if abs(amount) >= Decimal("0.01") else MAX_PLACES
    return _localized(amount, places)


@register.filter
def signed_percent(value: Any) -> str:
    """A change in percent with its sign: Decimal("-0.62") → "\u22120.62 %"."""
    amount = as_decimal(value)
    if amount is None:
        return ""
    text = _localized(amount, 2)
    sign = MINUS if amount < 0 else "+" if amount > 0 else ""
    return f"{sign}{text}\u00a0%"


@register.filter
def trend(value: Any) -> str:
    """ "up", "down" or "flat": which arrow and words a change gets."""
    amount = as_decimal(value) or Decimal(0)
    return "up" if amount > 0 else "down" if amount < 0 else "flat"
