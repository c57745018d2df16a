"""The CSV export of every transaction the filters match, streamed page after page.

The first page is asked for before the answer starts, so a bank that is down
gives the transactions page with its message and a retry, not a broken file.
After that the rows flow out as each page of `iban_transaction` arrives; if the
bank stops answering half way, the file ends with a line that says the export
is incomplete (a download cannot turn into an error page once it has started).

Cells a spreadsheet would run as a formula (text starting with = + - @, a tab or
a carriage return: "=cmd|' /C calc'!A0" in a payee's name) get a leading
apostrophe. The amount and fee columns are numbers we print ourselves from
Decimals, so a debit stays a plain, summable "-10.00".
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banking.history import PAGE_SIZE, every_row
from banking.pages import attachment, bank_page, fetch
from banking.transactions import LIST_TEMPLATE, TransactionFilterForm, filter_accounts
from codego import types as t
from codego.client import get_client
from codego.errors import CodegoError
from portal import session as portal_session
from portal.pages import Company, render_page
from portal.query import with_query

logger = logging.getLogger("banking")

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a file without a byte order mark in the computer's legacy code page.
BOM = "\ufeff"


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet shows as text and never evaluates."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def decimal_text(value: Decimal) -> str:
    """ "-1234.50": a dot and no grouping, which every spreadsheet reads as a number."""
    return f"{value:.2f}"


def header() -> list[str]:
    return [
        _("Date"),
        _("Counterparty"),
        _("Account IBAN"),  # the company's own account: rows carry no counterparty IBAN
        _("Reference"),
        _("Amount"),
        _("Fee"),
        _("Currency"),
        _("Status"),
        _("Transaction ID"),
    ]


def csv_row(trx: t.Transaction, account_iban: str) -> list[str]:
    moment = timezone.localtime(trx.created).strftime("%Y-%m-%d %H:%M:%S") if trx.created else ""
    amount = -trx.amount if trx.is_debit else trx.amount
    texts = [
        trx.beneficiary_name or trx.description,
        account_iban,
        trx.reason_payment,
    ]
    counterparty, iban, reference = (spreadsheet_text(text) for text in texts)
    return [
        moment,
        counterparty,
        iban,
        reference,
        decimal_text(amount),
        decimal_text(trx.fees),
        spreadsheet_text(trx.currency),
        spreadsheet_text(trx.status),
        spreadsheet_text(trx.transaction_id or trx.trx_id),
    ]


class EchoLine:
    """A file-like object for csv.writer that hands back each line it is given."""

    def write(self, value: str) -> str:
        return value


def account_iban_finder(
    form: TransactionFilterForm, accounts: list[t.Iban]
) -> Callable[[t.Transaction], str]:
    """The account's IBAN of a row: the row's own `iban` (the simulator sends it; the
    reference's row has none), else the filtered account's, else the one of its label."""
    chosen = form.account(form.cleaned_data.get("iban_id") or "")
    by_label: dict[str, str] = {}
    for account in accounts:
        # A label two accounts share identifies neither.
        by_label[account.label] = "" if account.label in by_label else account.iban

    def find(trx: t.Transaction) -> str:
        if trx.iban:
            return trx.iban
        if chosen is not None:
            return chosen.iban
        return by_label.get(trx.label, "")

    return find


def csv_lines(
    rows: Iterable[t.Transaction], find_iban: Callable[[t.Transaction], str]
) -> Iterator[str]:
    writer = csv.writer(EchoLine())
    yield BOM + writer.writerow(header())
    try:
        for trx in rows:
            yield writer.writerow(csv_row(trx, find_iban(trx)))
    except CodegoError as error:
        logger.warning("CSV export stopped: %s", error)
        yield writer.writerow(
            [_("EXPORT INCOMPLETE: the bank stopped answering. Download the file again.")]
        )


@bank_page
def transactions_export(request: HttpRequest, company: Company) -> HttpResponse:
    accounts, problem = fetch(lambda: filter_accounts(request, company))
    form = TransactionFilterForm(request.GET, accounts=accounts)
    if not problem and not form.is_valid():
        # The list page shows the same filters with a message next to each wrong one.
        return portal_session.redirect(
            request, with_query(reverse("banking:transactions"), request.GET.urlencode())
        )
    if not problem:
        filters = form.api_filters()

        def fetch_page(number: int) -> t.TransactionPage:
            return get_client().iban_transaction(
                company.credentials, page=number, per_page=PAGE_SIZE, **filters
            )

        first, problem = fetch(lambda: fetch_page(1))
    if problem:
        context = {
            "form": form,
            "problem": problem,
            "result": None,
            "retry_url": request.get_full_path(),
        }
        return render_page(request, LIST_TEMPLATE, context, status=503)

    lines = csv_lines(every_row(first, fetch_page), account_iban_finder(form, accounts or []))
    filename = f"transactions-{timezone.localdate().isoformat()}.csv"
    return attachment(lines, "text/csv; charset=utf-8", filename)
