"""What the history pages share: the account and payee lists, and the whole history.

The account and payee lists change rarely and several pages need them only to
label things (the IBAN filter, "Pay again"), so they come from the session's
copies (banking.copies): a filter swap or the next page then makes one upstream
call, not two. Balances are never read from these copies; a page that shows
money asks the bank again.

`every_row` walks all the pages of `iban_transaction` for the CSV export and the
printable statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.http import HttpRequest

from banking import copies
from codego import budget
from codego import types as t
from codego.client import get_client
from portal.pages import Company
from portal.query import bank_id

# The simulator allows at most 100 rows per page; the reference gives no limit.
PAGE_SIZE = 100
# A guard against an upstream that keeps announcing more pages (the reference's
# example says page_number 3 of total_page 2): 1000 pages of 100 rows is plenty.
MAX_PAGES = 1000
# Seconds a page of a walk may wait for room in the bank's budget: one window.
WALK_PATIENCE = 10


def session_accounts(
    request: HttpRequest, company: Company, *, refresh: bool = False
) -> list[t.Iban]:
    """The company's IBANs (`iban_list`), from this session's copy when it is fresh."""
    return copies.kept(
        request,
        company,
        "ibans",
        lambda: get_client().iban_list(company.credentials),
        seconds=copies.LIST_SECONDS,
        refresh=refresh,
    )


def company_account(request: HttpRequest, company: Company, iban_id: str) -> t.Iban | None:
    """The company's account `iban_id`, or None; the list is asked again when it is new to us.

    Only an id of the bank's shape is looked for, so a made-up one costs no call.
    """
    if not bank_id(iban_id):
        return None
    for refresh in (False, True):
        accounts = session_accounts(request, company, refresh=refresh)
        found = next((account for account in accounts if account.iban_id == iban_id), None)
        if found is not None:
            return found
    return None


def session_beneficiaries(request: HttpRequest, company: Company) -> list[t.Beneficiary]:
    """The company's payees (`beneficiaries_list`), from this session's copy when fresh."""
    return copies.kept(
        request,
        company,
        "beneficiaries",
        lambda: get_client().beneficiaries_list(company.credentials),
        seconds=copies.LIST_SECONDS,
    )


def every_row(
    first: t.TransactionPage, fetch_page: Callable[[int], t.TransactionPage]
) -> Iterator[t.Transaction]:
    """The rows of `first` (page 1) and of every page after it, each transaction once.

    A transaction that arrives while we walk shifts a newest-first history by
    one row; the transaction seen twice is skipped.
    """
    seen: set[str] = set()
    page = first
    number = 1
    while True:
        for trx in page.rows:
            key = trx.trx_id or trx.unique_id or trx.transaction_id
            if key and key in seen:
                continue
            seen.add(key)
            yield trx
        if not page.rows or number >= page.total_page or number >= MAX_PAGES:
            return
        number += 1
        # A long walk waits for room in the company's share rather than stop half way.
        with budget.patiently(WALK_PATIENCE):
            page = fetch_page(number)


def compact_iban(value: str) -> str:
    return "".join(str(value or "").split()).upper()
