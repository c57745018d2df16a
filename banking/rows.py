"""The repeated parts of the lists, written in Python rather than by the template engine:
transaction rows, account cards, payee avatars.

A list page shows up to 20 rows of a dozen values each; rendered by templates that
was about 700 template nodes a page, most of the portal's own time on the busiest
pages (an account card alone was 150 µs). These functions write the very same markup
(tests/test_rows.py compares it with the templates they replaced, kept in
tests/reference/) with Django's escaping, translations and formats. Like a template,
a translated sentence with a value in it (blocktranslate) is not escaped, its values are.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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
    needed = _e(_("Document needed"))  # outside the f-string, where makemessages finds it
    flag = (
        ' <span class="trx-flag"><svg class="icon" aria-hidden="true">'
        f'<use href="#i-alert"></use></svg>{needed}</span>'
    )
    return _e(_("Money out")), _e(_("Money in")), flag


def table_rows(rows: Iterable[tuple[t.Transaction, str]]) -> SafeString:
    """The rows of /transactions/'s table, each (transaction, its URL)."""
    here = _here()
    return mark_safe("".join(table_row(trx, url, here) for trx, url in rows))  # noqa: S308


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
    return mark_safe("".join(list_item(trx, url, here) for trx, url in items))  # noqa: S308


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
    label = _e(account.label)
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
        f'<{heading} class="iban-label">{_e(account.label or _("Account"))}</{heading}> '
        f'<span class="currency-tag">{_e(account.currency)}</span> </div> '
        f'<p class="iban-balance"><span class="visually-hidden">{_e(_("Balance"))}: </span>'
        f"{_e(money(account.balance, account.currency))}</p> "
        f'<dl class="iban-facts"> <div><dt>{_e(_("IBAN"))}</dt><dd>'
        f'<span class="mono">{_e(iban_groups(account.iban))}</span> '
        f'<button type="button" class="copy" data-copy="{_e(account.iban)}" hidden>{copy_icon}'
        f'<span class="visually-hidden">{copy_iban}</span></button></dd></div> '
        f'<div><dt>{_e(_("BIC"))}</dt><dd><span class="mono">{_e(account.bic)}</span> '
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
