"""The rows of the transaction lists, written in Python rather than by the template engine.

A list page shows up to 20 rows of a dozen values each; rendered by templates that
was about 700 template nodes a page, most of the portal's own time on the busiest
pages. These functions write the very same markup (tests/test_rows.py compares it
with the template it replaced) with Django's escaping and formats.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from banking.templatetags.banking_tags import (
    booked_amount,
    direction_label,
    status_label,
    status_tone,
)
from banking.templatetags.money import signed_money
from codego import types as t
from portal.templatetags.moments import html_datetime


# A page shows a few days and statuses many times: each is written once per language
# (date_format and the status words cost more than the rest of a row).
@lru_cache(maxsize=512)
def _day(day: date, language: str | None) -> str:
    return date_format(day, "DATE_FORMAT")


@lru_cache(maxsize=64)
def _status_chip(status: str, language: str | None) -> SafeString:
    return format_html(
        '<span class="chip chip-{}">{}</span>', status_tone(status), status_label(status)
    )


def _moment(trx: t.Transaction) -> SafeString:
    if not trx.created:
        return mark_safe("")
    shown = _day(timezone.localtime(trx.created).date(), get_language())
    return format_html('<time datetime="{}">{}</time>', html_datetime(trx.created), shown)


def _name(trx: t.Transaction) -> str:
    return trx.beneficiary_name or trx.description or _("Transaction")


def _amount(trx: t.Transaction) -> str:
    return signed_money(booked_amount(trx), trx.currency)


def _chip(trx: t.Transaction) -> SafeString:
    return _status_chip(str(trx.status or ""), get_language())


def table_row(trx: t.Transaction, url: str) -> SafeString:
    """One row of /transactions/'s table."""
    party = format_html('<a href="{}">{}</a>', url, _name(trx)) if url else _name(trx)
    reference = (
        format_html(' <span class="trx-reference">{}</span>', trx.reason_payment)
        if trx.reason_payment
        else ""
    )
    flag = (
        format_html(
            ' <span class="trx-flag"><svg class="icon" aria-hidden="true">'
            '<use href="#i-alert"></use></svg>{}</span>',
            _("Document needed"),
        )
        if trx.needs_document
        else ""
    )
    return format_html(
        '<tr> <td class="trx-date">{}</td> '
        '<th scope="row" class="trx-party"> {}{}{} </th> '
        '<td class="trx-account">{}</td> '
        '<td class="trx-status">{}</td> '
        '<td class="num trx-amount"><span class="amount{}">{}</span> '
        '<span class="trx-direction">{}</span></td> </tr>',
        _moment(trx),
        party,
        reference,
        flag,
        trx.label or "—",
        _chip(trx),
        "" if trx.is_debit else " amount-in",
        _amount(trx),
        direction_label(trx),
    )


def list_item(trx: t.Transaction, url: str) -> SafeString:
    """One line of the dashboard's latest transactions."""
    way = "out" if trx.is_debit else "in"
    meta = format_html(
        "{}{}{}",
        direction_label(trx),
        format_html(" · {}", trx.reason_payment) if trx.reason_payment else "",
        format_html(" · {}", _moment(trx)) if trx.created else "",
    )
    return format_html(
        '<li class="trx-row"> <span class="trx-icon trx-icon-{}" aria-hidden="true">'
        '<svg class="icon"><use href="#i-{}"></use></svg></span> '
        '<span class="trx-main"> <a class="trx-name" href="{}">{}</a> '
        '<span class="trx-meta">{}</span> </span> '
        '<span class="trx-side"> <span class="amount{}">{}</span> {} </span> </li>',
        way,
        way,
        url,
        _name(trx),
        meta,
        " amount-out" if trx.is_debit else " amount-in",
        _amount(trx),
        _chip(trx),
    )
