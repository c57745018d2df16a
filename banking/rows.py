"""The repeated parts of the lists, written in Python rather than by the template engine:
transaction rows, account cards, payees and their avatars, and the dashboard's balance
chart.

A list page shows up to 20 rows of a dozen values each; rendered by templates that
was about 700 template nodes a page, most of the portal's own time on the busiest
pages (an account card alone was 150 µs). These functions write the very same markup
(tests/test_rows.py compares it with the templates they replaced, kept in
tests/reference/) with Django's escaping, translations and formats. As in a template,
translated words are written as they are (a template's own text is trusted) and only
the values are escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from banking.charts import Chart
from banking.templatetags.banking_tags import (
    booked_amount,
    initials,
    status_label,
    status_tone,
)
from banking.templatetags.money import iban_groups, money, signed_money
from codego import types as t
from portal.templatetags.moments import html_datetime


# The same transactions and statuses come back on every page: each moment and status
# is written once per time zone and language (date_format, localtime and the status
# words cost more than the rest of a row).
@lru_cache(maxsize=4096)
def _moment_html(created: datetime, zone: tzinfo, language: str | None) -> SafeString:
    shown = date_format(timezone.localtime(created, zone).date(), "DATE_FORMAT")
    moment = html_datetime(created)
    return mark_safe(f'<time datetime="{_e(moment)}">{_e(shown)}</time>')  # noqa: S308 - escaped


@lru_cache(maxsize=64)
def _status_chip(status: str, language: str | None) -> SafeString:
    return format_html(
        '<span class="chip chip-{}">{}</span>', status_tone(status), status_label(status)
    )


@dataclass(frozen=True)
class _Here:
    """The language and time zone a list is written in, looked up once per list."""

    language: str | None
    zone: tzinfo
    words: tuple[str, str, str]  # _table_words


def _here() -> _Here:
    language = get_language()
    return _Here(language, timezone.get_current_timezone(), _table_words(language))


def _moment(trx: t.Transaction, here: _Here) -> SafeString:
    if not trx.created:
        return mark_safe("")
    return _moment_html(trx.created, here.zone, here.language)


def _name(trx: t.Transaction) -> str:
    return trx.beneficiary_name or trx.description or _("Transaction")


@lru_cache(maxsize=4096)
def _signed_amount(booked: Decimal, currency: str, language: str | None) -> str:
    return _e(signed_money(booked, currency))


def _amount(trx: t.Transaction, here: _Here) -> str:
    return _signed_amount(booked_amount(trx), trx.currency, here.language)


def _chip(trx: t.Transaction, here: _Here) -> SafeString:
    return _status_chip(str(trx.status or ""), here.language)


def _e(value: object) -> str:
    """What format_html does to a value (conditional_escape), without its lazy-text checks."""
    return str(value) if isinstance(value, SafeString) else html.escape(str(value))


@lru_cache(maxsize=16)
def _table_words(language: str | None) -> tuple[str, str, str]:
    """Money out, money in, and the document flag, written once per language."""
    needed = _("Document needed")  # outside the f-string, where makemessages finds it
    flag = (
        ' <span class="trx-flag"><svg class="icon" aria-hidden="true">'
        f'<use href="#i-alert"></use></svg>{needed}</span>'
    )
    return _e(_("Money out")), _e(_("Money in")), flag


def table_rows(rows: Iterable[tuple[t.Transaction, str]]) -> SafeString:
    """The rows of /transactions/'s table, each (transaction, its URL)."""
    here = _here()
    return mark_safe(  # noqa: S308 - each row is escaped
        "".join(_kept_row(table_row, trx, url, here.language, here.zone) for trx, url in rows)
    )


# A history comes back page after page with the same rows, and a row is a function of
# the (frozen) transaction, its URL, the language and the time zone only: each one
# is written once per process while it stays the same.
@lru_cache(maxsize=4096)
def _kept_row(
    write: Callable[[t.Transaction, str, _Here], SafeString],
    trx: t.Transaction,
    url: str,
    language: str | None,
    zone: tzinfo,
) -> SafeString:
    return write(trx, url, _Here(language, zone, _table_words(language)))


def table_row(trx: t.Transaction, url: str, here: _Here | None = None) -> SafeString:
    """One row of /transactions/'s table.

    f-strings of escaped values: the same text as format_html, at half the cost on
    a page of twenty rows.
    """
    here = here or _here()
    money_out, money_in, document_flag = here.words
    name = _e(_name(trx))
    party = f'<a href="{_e(url)}">{name}</a>' if url else name
    reference = (
        f' <span class="trx-reference">{_e(trx.reason_payment)}</span>'
        if trx.reason_payment
        else ""
    )
    flag = document_flag if trx.needs_document else ""
    way, direction = ("", money_out) if trx.is_debit else (" amount-in", money_in)
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<tr> <td class="trx-date">{_moment(trx, here)}</td> '
        f'<th scope="row" class="trx-party"> {party}{reference}{flag} </th> '
        f'<td class="trx-account">{_e(trx.label or "—")}</td> '
        f'<td class="trx-status">{_chip(trx, here)}</td> '
        f'<td class="num trx-amount"><span class="amount{way}">{_amount(trx, here)}</span> '
        f'<span class="trx-direction">{direction}</span></td> </tr>'
    )


def list_items(items: Iterable[tuple[t.Transaction, str]]) -> SafeString:
    """The dashboard's latest transactions, each (transaction, its URL)."""
    here = _here()
    return mark_safe(  # noqa: S308 - each line is escaped
        "".join(_kept_row(list_item, trx, url, here.language, here.zone) for trx, url in items)
    )


def list_item(trx: t.Transaction, url: str, here: _Here | None = None) -> SafeString:
    """One line of the dashboard's latest transactions (escaped as table_row is)."""
    here = here or _here()
    money_out, money_in, _flag = here.words
    if trx.is_debit:
        way, direction, tone = "out", money_out, " amount-out"
    else:
        way, direction, tone = "in", money_in, " amount-in"
    meta = direction
    if trx.reason_payment:
        meta += f" · {_e(trx.reason_payment)}"
    if trx.created:
        meta += f" · {_moment(trx, here)}"
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<li class="trx-row"> <span class="trx-icon trx-icon-{way}" aria-hidden="true">'
        f'<svg class="icon"><use href="#i-{way}"></use></svg></span> '
        f'<span class="trx-main"> <a class="trx-name" href="{_e(url)}">{_e(_name(trx))}</a> '
        f'<span class="trx-meta">{meta}</span> </span> '
        f'<span class="trx-side"> <span class="amount{tone}">{_amount(trx, here)}</span> '
        f"{_chip(trx, here)} </span> </li>"
    )


def iban_card(
    account: t.Iban, more_url: str, *, swap: bool = False, level: str = "h3"
) -> SafeString:
    """One account as a card; `more_url` links to its narrowed dashboard (`swap`: by htmx),
    `level` is its heading."""
    return _iban_card(account, more_url, swap, level, get_language())


# A function of the (frozen) account, the options and the language: written once each.
@lru_cache(maxsize=1024)
def _iban_card(
    account: t.Iban, more_url: str, swap: bool, level: str, _language: str | None
) -> SafeString:
    label = _e(account.label)
    shown = label or _("Account")
    balance, iban_word, bic_word = _("Balance"), _("IBAN"), _("BIC")
    heading = _e(level or "h3")
    copy_icon = '<svg class="icon" aria-hidden="true"><use href="#i-copy"></use></svg>'
    copy_iban = _("Copy the IBAN of %(label)s") % {"label": label}
    copy_bic = _("Copy the BIC of %(label)s") % {"label": label}
    more = ""
    if more_url:
        target = _e(f"{more_url}?iban_id={account.iban_id}")
        swapped = (
            f' hx-get="{target}" hx-target="#dashboard" hx-select="#dashboard"'
            ' hx-swap="outerHTML" hx-push-url="true"'
            if swap
            else ""
        )
        see = _("See %(label)s in detail") % {"label": label}
        more = f'<a class="iban-more" href="{target}"{swapped}>{see}</a>'
    return mark_safe(  # noqa: S308 - every value is escaped, translations as a template has them
        f'<li class="iban-card"> <div class="iban-card-top"> '
        f'<{heading} class="iban-label">{shown}</{heading}> '
        f'<span class="currency-tag">{_e(account.currency)}</span> </div> '
        f'<p class="iban-balance"><span class="visually-hidden">{balance}: </span>'
        f"{_e(money(account.balance, account.currency))}</p> "
        f'<dl class="iban-facts"> <div><dt>{iban_word}</dt><dd>'
        f'<span class="mono">{_e(iban_groups(account.iban))}</span> '
        f'<button type="button" class="copy" data-copy="{_e(account.iban)}" hidden>{copy_icon}'
        f'<span class="visually-hidden">{copy_iban}</span></button></dd></div> '
        f'<div><dt>{bic_word}</dt><dd><span class="mono">{_e(account.bic)}</span> '
        f'<button type="button" class="copy" data-copy="{_e(account.bic)}" hidden>{copy_icon}'
        f'<span class="visually-hidden">{copy_bic}</span></button></dd></div> </dl> '
        f"{more} </li>"
    )


def avatar(payee: t.Beneficiary) -> SafeString:
    """A payee's picture, or its initials."""
    if payee.image:
        return mark_safe(  # noqa: S308 - escaped
            f'<img class="avatar" src="{_e(payee.image)}" alt="" width="40" height="40">'
        )
    return mark_safe(  # noqa: S308 - escaped
        f'<span class="avatar avatar-initials" aria-hidden="true">{_e(initials(payee.name))}</span>'
    )


def payee_items(payees: Iterable[t.Beneficiary], payment_url: str) -> SafeString:
    """The dashboard's recent beneficiaries, each with its picture and a link to pay it."""
    language = get_language()
    return mark_safe(  # noqa: S308 - each line is escaped
        "".join(_payee_item(payee, payment_url, language) for payee in payees)
    )


# A function of the (frozen) payee, the payment page's URL and the language.
@lru_cache(maxsize=1024)
def _payee_item(payee: t.Beneficiary, payment_url: str, _language: str | None) -> SafeString:
    name = _e(payee.name)
    target = _e(f"{payment_url}?beneficiaries_id={payee.beneficiaries_id}")
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<li>{avatar(payee)}<span class="payee-name">{name}</span>'
        f'<a class="payee-pay" href="{target}">{_("Pay")}'
        f'<span class="visually-hidden"> {name}</span></a></li>'
    )


@lru_cache(maxsize=1024)
def _day(day: date, language: str | None) -> str:
    return _e(date_format(day, "DATE_FORMAT"))


@lru_cache(maxsize=16)
def _chart_words(language: str | None) -> str:
    """The balance table's summary, note and head, written once per language."""
    summary = _("Show the balance as a table")
    note = _(
        "Rebuilt from today's balance and the latest transactions; "
        "older movements are not included."
    )
    day, balance = _("Date"), _("End-of-day balance")
    return (
        f'<summary>{summary}</summary> <p class="help">{note}</p> <table> '
        f'<thead><tr><th scope="col">{day}</th><th scope="col" class="num">{balance}</th></tr>'
        "</thead>"
    )


def balance_chart_html(chart: Chart | None, currency: str) -> SafeString:
    """The dashboard's balance over 90 days: the SVG, its sentence and its table."""
    if chart is None:
        return mark_safe("")
    return _balance_chart_html(chart, currency, get_language())


# A function of the (frozen) chart, the currency and the language.
@lru_cache(maxsize=256)
def _balance_chart_html(chart: Chart, currency: str, language: str | None) -> SafeString:
    if chart.low == chart.high:
        still = _("No movement in the last 90 days.")
        return mark_safe(f'<p class="chart-caption">{still}</p>')  # noqa: S308 - escaped

    def amount(value: Decimal) -> str:
        return _e(money(value, currency))

    caption = _(
        "Balance over the last 90 days: %(first)s on %(first_day)s, %(last)s today; "
        "lowest %(low)s, highest %(high)s."
    ) % {
        "first": amount(chart.first[1]),
        "first_day": _day(chart.first[0], language),
        "last": amount(chart.last[1]),
        "low": amount(chart.low),
        "high": amount(chart.high),
    }
    days = "".join(
        f'<tr><td>{_day(day, language)}</td><td class="num">{amount(value)}</td></tr>'
        for day, value in chart.changes
    )
    width, height, bottom = chart.width, chart.height, chart.height - 12
    return mark_safe(  # noqa: S308 - every value is escaped, the sentence as a template has it
        f'<figure class="chart" aria-labelledby="chart-caption"> '
        f'<svg class="chart-svg" viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
        'role="img" aria-labelledby="chart-caption"> '
        f'<line class="chart-grid" x1="0" y1="12" x2="{width}" y2="12"></line> '
        f'<line class="chart-grid" x1="0" y1="{bottom}" x2="{width}" y2="{bottom}"></line> '
        f'<path class="chart-area" d="{_e(chart.area)}"></path> '
        f'<path class="chart-line" d="{_e(chart.line)}" vector-effect="non-scaling-stroke">'
        "</path> </svg> "
        f'<figcaption id="chart-caption" class="chart-caption"> {caption} </figcaption> </figure> '
        f'<details class="chart-table"> {_chart_words(language)} <tbody>{days}</tbody> </table> '
        "</details>"
    )
