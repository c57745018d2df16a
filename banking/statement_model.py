"""One statement of an account for a period, which every statement file renders.

The printable page, the PDF, CAMT.053, MT940 and the statement CSV all take
this one model, so their figures always agree. It is built from the history
(`iban_transaction` pages, oldest first) before the first byte of any file is
sent: a bank that stops answering half way gives the statements page with a
retry, never a half file. Each entry keeps only what the files print (a few
hundred bytes), so a year of a busy account stays small.

Booked means completed. A pending transfer is listed apart and left out of the
balances; a failed one, or one still waiting for its code, booked nothing and is
not on the statement. Amounts are Decimal throughout.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from banking.charts import booked_effect
from banking.history import PAGE_SIZE, every_row
from banking.transactions import detail_url
from codego import types as t
from codego.client import get_client
from codego.types import Credentials

ZERO = Decimal(0)
COMPLETED = "completed"
PENDING = "pending"


@dataclass(frozen=True, slots=True)
class Entry:
    """One movement as a statement prints it."""

    booked_on: date
    moment: datetime | None
    is_debit: bool
    amount: Decimal  # what was paid or received, before the fee
    fee: Decimal
    effect: Decimal  # signed: what it did to the balance (amount and fee)
    balance: Decimal  # the booked balance after it; for a pending entry, unchanged
    counterparty: str
    reference: str  # the payment reference (remittance text)
    bank_reference: str  # the bank's id for it (AcctSvcrRef, MT940 reference)
    status: str
    currency: str
    url: str  # its page in the portal

    @property
    def signed_amount(self) -> Decimal:
        """The amount before its fee, negative when it was paid out."""
        return -self.amount if self.is_debit else self.amount


@dataclass(frozen=True)
class Statement:
    account: t.Iban
    start: date
    end: date
    opening: Decimal
    closing: Decimal  # = opening + money_in - money_out - fees
    money_in: Decimal  # what was received, before its fees
    money_out: Decimal  # what was paid, before its fees (positive)
    fees: Decimal  # every booked entry's fee (positive)
    entries: tuple[Entry, ...]  # booked, in date order
    pending: tuple[Entry, ...]  # not yet booked, not in the balances

    @property
    def currency(self) -> str:
        return self.account.currency or "EUR"


def local_day(moment: datetime | None, fallback: date) -> date:
    return timezone.localtime(moment).date() if moment else fallback


def entry_of(trx: t.Transaction, *, balance: Decimal, fallback: date) -> Entry:
    # Completed: what it booked; pending: what the bank already set aside (the same sum).
    effect = booked_effect(trx)
    return Entry(
        booked_on=local_day(trx.created, fallback),
        moment=trx.created,
        is_debit=trx.is_debit,
        amount=trx.amount,
        fee=trx.fees,
        effect=effect,
        balance=balance,
        counterparty=trx.beneficiary_name or trx.description,
        reference=trx.reason_payment,
        bank_reference=trx.transaction_id or trx.trx_id or trx.unique_id,
        status=trx.status,
        currency=trx.currency or "EUR",
        url=detail_url(trx),
    )


def assemble(
    account: t.Iban,
    start: date,
    end: date,
    *,
    within: Iterable[t.Transaction],
    later: Iterable[t.Transaction],
) -> Statement:
    """The statement from today's balance, the period's rows and the rows after it.

    The API gives today's balance, not past ones, so they are derived backwards.
    Today's balance holds every completed movement and, as the bank sets their
    money aside at once, every pending one. The booked closing balance (end of
    `end`) is today's balance without what was booked or set aside after `end`
    and without the period's pending movements; the opening balance is the
    closing balance without the period's booked movements.
    """
    # One pass over the rows, keeping entries only: balances are first counted
    # from zero and shifted by the opening balance once it is known.
    counted: list[Entry] = []
    pending: list[Entry] = []
    cumulative = ZERO
    for trx in within:
        status = trx.status.lower()
        if status == COMPLETED:
            cumulative += booked_effect(trx)
            counted.append(entry_of(trx, balance=cumulative, fallback=start))
        elif status == PENDING:
            pending.append(entry_of(trx, balance=ZERO, fallback=end))
    after = sum((booked_effect(trx) for trx in later), ZERO)
    set_aside = sum((entry.effect for entry in pending), ZERO)
    closing = account.balance - after - set_aside
    opening = closing - cumulative
    entries = [replace(entry, balance=opening + entry.balance) for entry in counted]
    return Statement(
        account=account,
        start=start,
        end=end,
        opening=opening,
        closing=closing,
        money_in=sum((e.amount for e in entries if not e.is_debit), ZERO),
        money_out=sum((e.amount for e in entries if e.is_debit), ZERO),
        fees=sum((e.fee for e in entries), ZERO),
        entries=tuple(entries),
        pending=tuple(replace(entry, balance=closing) for entry in pending),
    )


def build_statement(session: Credentials, account: t.Iban, start: date, end: date) -> Statement:
    """The account's statement for start..end (local days, inclusive), from the bank."""
    client = get_client()
    today = timezone.localdate()

    def walk(**dates: date) -> Iterator[t.Transaction]:
        def page(number: int) -> t.TransactionPage:
            return client.iban_transaction(
                session,
                iban_id=account.iban_id,
                page=number,
                per_page=PAGE_SIZE,
                order="asc",
                **dates,
            )

        return every_row(page(1), page)

    later = walk(startdate=end + timedelta(days=1)) if end < today else iter(())
    within = walk(startdate=start, enddate=end)
    return assemble(account, start, end, within=within, later=later)
