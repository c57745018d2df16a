"""sandbox.history (plain SQL, read on nearly every page) against its definition in the ORM:
the same rows, values and counts for every filter, order and page, on SQLite and on
PostgreSQL (make test-services)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q

from sandbox import history
from sandbox.demo import seed_demo
from sandbox.models import Company, Iban, Transaction
from tests.test_sandbox_banking import make_trx

BRUSSELS = ZoneInfo("Europe/Brussels")
SEARCHES = ["", "jane", "JANE 50", "50%", "a_b", "k\\s", "o'brien", "Ünï"]
PAGES = [(10, 0), (7, 7), (100, 0), (5, 500)]  # (limit, offset); the last is past the end


def by_orm(
    company: Company, filters: history.Filters, newest_first: bool, limit: int, offset: int
) -> tuple[list[dict], int]:
    """The definition: what the customer sees, filtered as iban_transaction documents."""
    rows = Transaction.objects.filter(iban__company=company).exclude(
        status=Transaction.Status.AWAITING_OTP
    )
    if filters.iban_id is not None:
        rows = rows.filter(iban_id=filters.iban_id)
    if filters.status:
        rows = rows.filter(status=filters.status)
    # __date: each row's moment as a local date.
    if filters.first_day:
        rows = rows.filter(created__date__gte=filters.first_day)
    if filters.last_day:
        rows = rows.filter(created__date__lte=filters.last_day)
    if search := filters.search:
        rows = rows.filter(
            Q(counterparty_name__icontains=search)
            | Q(reason_payment__icontains=search)
            | Q(description__icontains=search)
            | Q(transaction_id__icontains=search)
        )
    order = ("-created", "-id") if newest_first else ("created", "id")
    rows = rows.order_by(*order)
    return list(rows.values(*history.KEYS)[offset : offset + limit]), rows.count()


@pytest.fixture
def company(db) -> Company:
    company = seed_demo(email="history@example.test", password="History-pass-2026")
    Transaction.objects.filter(iban__company=company).delete()
    main, second = Iban.objects.filter(company=company).order_by("id")[:2]
    local = datetime(2024, 3, 10, tzinfo=BRUSSELS)
    moments = [
        local,  # midnight, local
        local - timedelta(microseconds=1),  # the last moment of the day before
        local + timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999),
        local + timedelta(days=1),
        datetime(2024, 3, 31, 1, 30, tzinfo=BRUSSELS),  # the night the clocks go forward
        datetime(2024, 10, 27, 2, 30, tzinfo=BRUSSELS),
    ]
    names = ["Jane Doe", "JANE 50% off", "a_b Ltd", "Back\\Slash", "O'Brien", "Ünïcode SA"]
    shown = [Transaction.Status.PENDING, Transaction.Status.COMPLETED, Transaction.Status.FAILED]
    for number, (moment, name, status) in enumerate(itertools.product(moments, names, shown)):
        make_trx(
            main if number % 3 else second,
            amount=f"{number * 1000 + 0.05:.2f}",
            fees="1.25" if number % 2 else "0.00",
            kind="debit" if number % 2 else "credit",
            status=status,
            name=name,
            reason=f"Invoice {number}",
            created=moment,
        )
    # Hidden from the list: a transfer awaiting its OTP, and another company's rows.
    make_trx(main, status=Transaction.Status.AWAITING_OTP, name="Jane Doe", created=local)
    other = seed_demo(email="other-history@example.test", password="History-pass-2026")
    make_trx(other.ibans.first(), name="Jane Doe", created=local)
    return company


def test_every_filter_order_and_page_reads_what_the_orm_reads(company):
    second = Iban.objects.filter(company=company).order_by("id")[1]
    days = [None, date(2024, 3, 10), date(2024, 3, 11), date(2024, 10, 27)]
    combinations = [
        combination
        for combination in itertools.product(
            [None, second.pk], ["", "Failed"], days, days, SEARCHES
        )
        if not (combination[2] and combination[3] and combination[3] < combination[2])
    ]
    found = 0
    for number, combination in enumerate(combinations):
        filters = history.Filters(*combination)
        # Both orders of each filter, on one of the pages in turn.
        limit, offset = PAGES[number % len(PAGES)]
        for newest_first in (True, False):
            page = history.visible_transactions(
                company, filters, newest_first=newest_first, limit=limit, offset=offset
            )
            rows, count = by_orm(company, filters, newest_first, limit, offset)
            assert page.rows == rows, (filters, newest_first, limit, offset)
            assert page.num_rows == count, (filters, newest_first, limit, offset)
            found += bool(rows)
    assert found > 100  # not only empty lists compared


def test_the_values_are_those_of_the_orm_with_their_types(company):
    page = history.visible_transactions(company, limit=500)
    expected, count = by_orm(company, history.Filters(), True, 500, 0)
    assert page.rows == expected
    assert page.num_rows == count == len(expected)
    first = page.rows[0]
    assert isinstance(first["created"], datetime)
    assert first["created"].tzinfo is not None
    assert isinstance(first["amount"], Decimal)
    assert isinstance(first["fees"], Decimal)
    assert isinstance(first["is_upload_document"], int)
    assert {row["amount"] for row in page.rows} >= {Decimal("1000.05"), Decimal("0.05")}


def test_a_list_that_is_not_counted_reads_only_the_rows(company):
    page = history.visible_transactions(company, limit=5, counted=False)
    assert page.num_rows is None
    assert page.rows == by_orm(company, history.Filters(), True, 5, 0)[0]


def test_rows_read_again_are_fresh_and_follow_what_changed(company):
    """The conversion is kept by the database's values: a row read twice is a new dict
    each time, and a changed row reads as changed."""
    from sandbox.endpoints.banking import _trx_row

    first = history.visible_transactions(company, limit=3).rows
    first[0]["status"] = "tampered"
    again = history.visible_transactions(company, limit=3).rows
    assert again[0]["status"] != "tampered"
    assert again == by_orm(company, history.Filters(), True, 3, 0)[0]

    written = _trx_row(again[0], "Acme")
    written["amount"] = "tampered"
    assert _trx_row(again[0], "Acme")["amount"] != "tampered"
    assert _trx_row(again[0], "Other")["username"] == "Other"

    trx = Transaction.objects.filter(unique_id=again[0]["unique_id"]).get()
    failed = Transaction.Status.FAILED
    trx.status = failed if trx.status != failed else Transaction.Status.COMPLETED
    trx.save(update_fields=["status"])
    changed = history.visible_transactions(company, limit=3).rows
    assert changed[0]["status"] == trx.status
    assert _trx_row(changed[0], "Acme")["status"] == trx.status
