"""Words and tones for the banking pages: transaction status chips, directions, avatars.

{% load banking_tags %}
<span class="chip chip-{{ trx.status|status_tone }}">{{ trx.status|status_label }}</span>
{{ trx|direction_label }}        "Money out" / "Money in"
{{ trx|booked_amount }}          the amount with the sign of its direction
{{ name|initials }}              "Contoso Ltd" → "CL"
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()

# The tones of the shared chips (portal.css "State chips").
TONES = {
    "completed": "success",
    "pending": "warning",
    "failed": "danger",
    "awaiting otp": "warning",
}


@register.filter
def status_tone(status: Any) -> str:
    """A chip tone for a status: success, warning, danger or neutral (the word is shown too)."""
    return TONES.get(str(status or "").strip().lower(), "neutral")


@register.filter
def status_label(status: Any) -> str:
    words = {
        "completed": _("Completed"),
        "pending": _("Pending"),
        "failed": _("Failed"),
        "awaiting otp": _("Awaiting code"),
    }
    text = str(status or "").strip()
    return words.get(text.lower(), text or _("Unknown"))


@register.filter
def direction_label(trx: Any) -> str:
    return _("Money out") if getattr(trx, "is_debit", False) else _("Money in")


@register.filter
def booked_amount(trx: Any) -> Decimal:
    """The amount, negative for money that left the account."""
    amount = Decimal(getattr(trx, "amount", 0) or 0)
    return -amount if getattr(trx, "is_debit", False) else amount


@register.filter
def initials(name: Any) -> str:
    words = [w for w in str(name or "").replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


@register.simple_tag
def transaction_rows(table: Any) -> str:
    """The rows of the transactions table, each (trx, url) (banking.rows writes the markup)."""
    from banking import rows

    return rows.table_rows((row.trx, row.url) for row in table)


@register.simple_tag
def transaction_items(items: Any) -> str:
    """The dashboard's latest transactions, each (trx, url) (banking.rows)."""
    from banking import rows

    return rows.list_items(items)


@register.simple_tag
def payee_items(payees: Any, payment_url: str) -> str:
    """The dashboard's recent beneficiaries with their payment links (banking.rows)."""
    from banking import rows

    return rows.payee_items(payees, payment_url)


@register.simple_tag
def iban_card(account: Any, more_url: str = "", swap: bool = False, level: str = "h3") -> str:
    """One account as a card (banking.rows)."""
    from banking import rows

    return rows.iban_card(account, more_url, swap=swap, level=level)


@register.simple_tag
def avatar(payee: Any) -> str:
    """A payee's picture or initials (banking.rows)."""
    from banking import rows

    return rows.avatar(payee)


@register.simple_tag
def balance_chart(chart: Any, currency: str = "EUR") -> str:
    """The dashboard's balance chart with its sentence and table (banking.rows)."""
    from banking import rows

    return rows.balance_chart_html(chart, currency)
