"""The transaction rows written in Python (banking.rows) are the markup the templates
they replaced wrote, for every kind of row, in both languages."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from banking import rows
from banking.charts import balance_chart, daily_balances
from codego import types as t

# The templates as they were (the table row of banking/transactions.html and
# banking/_transaction_row.html), kept as the reference.
REFERENCE = Path(__file__).resolve().parent / "reference"
TABLE_ROW = (REFERENCE / "transaction_table_row.html").read_text()
LIST_ITEM = (REFERENCE / "transaction_list_item.html").read_text()

MOMENT = datetime(2026, 3, 5, 14, 7, 9, 123456, tzinfo=ZoneInfo("UTC"))
KINDS = [
    t.Transaction(type="debit", amount=Decimal("120.5"), status="Completed",
                  beneficiary_name="Contoso GmbH", reason_payment="Invoice 2026-114",
                  label="Main account", created=MOMENT, unique_id="u1"),
    t.Transaction(type="credit", amount=Decimal("1234.56"), status="Pending",
                  description="receive 1234.56 EUR", created=MOMENT, is_upload_document=1),
    t.Transaction(sign="db", amount=Decimal("0"), status="Awaiting OTP",
                  beneficiary_name='<script>alert("x")</script> & Co', currency="usd"),
    t.Transaction(type="credit", amount=Decimal("10"), status="weird", label="",
                  reason_payment="Tom & Jerry's <b>"),
    t.Transaction(),
]  # fmt: skip


def normal(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize("trx", KINDS, ids=range(len(KINDS)))
@pytest.mark.parametrize("url", ["/transactions/u1/", ""])
def test_a_table_row_is_the_markup_of_the_template(trx, url, language):
    with translation.override(language):
        expected = Template(TABLE_ROW).render(Context({"rows": [{"trx": trx, "url": url}]}))
        assert normal(rows.table_row(trx, url)) == normal(expected)


@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize("trx", KINDS, ids=range(len(KINDS)))
def test_a_dashboard_line_is_the_markup_of_the_template(trx, language):
    with translation.override(language):
        expected = Template(LIST_ITEM).render(Context({"trx": trx, "url": "/transactions/u1/"}))
        assert normal(rows.list_item(trx, "/transactions/u1/")) == normal(expected)


def test_a_row_written_once_is_written_again_for_another_language_or_time_zone():
    """Moments and amounts are kept once written: per language and time zone, not once."""
    trx = KINDS[0]

    def both() -> tuple[str, str]:
        expected = Template(TABLE_ROW).render(Context({"rows": [{"trx": trx, "url": ""}]}))
        # table_rows keeps each row it wrote: it must be written again all the same.
        assert normal(rows.table_rows([(trx, "")])) == normal(rows.table_row(trx, ""))
        assert normal(rows.list_items([(trx, "")])) == normal(rows.list_item(trx, ""))
        return normal(rows.table_rows([(trx, "")])), normal(expected)

    seen = []
    for language, zone in [("en", None), ("it", None), ("en", "America/New_York"), ("en", None)]:
        with (
            translation.override(language),
            timezone.override(zone or timezone.get_default_timezone()),
        ):
            written, expected = both()
            assert written == expected
            seen.append(written)
    assert seen[0] != seen[1]  # 1,234.50 against 1.234,50 and the month's name
    assert seen[0] != seen[2]  # 15:07 in Brussels is 09:07 in New York
    assert seen[0] == seen[3]


IBAN_CARD = (REFERENCE / "iban_card.html").read_text()
AVATAR = (REFERENCE / "avatar.html").read_text()
ACCOUNTS = [
    t.Iban(iban_id="7", label="Main account", currency="EUR", balance=Decimal("1234.5"),
           iban="BE71096123456769", bic="GKCCBEBB"),
    t.Iban(iban_id="8", label='Tom & Jerry\'s <b>"', currency="usd", balance=Decimal("-3"),
           iban="de89 3704 0044 0532 0130 00", bic=""),
    t.Iban(iban_id="9", label="", currency="", balance=Decimal("0")),
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize("account", ACCOUNTS, ids=range(len(ACCOUNTS)))
@pytest.mark.parametrize(
    "options",
    [
        {"more_url": "/dashboard/", "swap": True},
        {"more_url": "/dashboard/", "level": "h2"},
        {"more_url": ""},
    ],
)
def test_an_account_card_is_the_markup_of_the_template(account, options, language):
    with translation.override(language):
        expected = Template(IBAN_CARD).render(Context({"account": account, **options}))
        written = rows.iban_card(
            account,
            options["more_url"],
            swap=options.get("swap", False),
            level=options.get("level", "h3"),
        )
        assert normal(written) == normal(expected)


@pytest.mark.parametrize(
    "payee",
    [
        t.Beneficiary("1", name="Contoso GmbH"),
        t.Beneficiary("2", name="<b>x</b> & y", image='/files/a"b/'),
        t.Beneficiary("3", name=""),
    ],
)
def test_an_avatar_is_the_markup_of_the_template(payee):
    expected = Template(AVATAR).render(Context({"payee": payee}))
    assert normal(rows.avatar(payee)) == normal(expected)


PAYEE_ITEM = (REFERENCE / "payee_item.html").read_text()
PAYEES = [
    t.Beneficiary("1", name="Contoso GmbH"),
    t.Beneficiary("2", name="<b>x</b> & y", image='/files/a"b/'),
    t.Beneficiary("3&4", name=""),
]


@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize("payment_url", ["/payments/new/", ""])
def test_the_payees_are_the_markup_of_the_template(payment_url, language):
    """Each payee, written once, is the same line in another language and for another URL."""
    context = {"beneficiaries": PAYEES, "payment_url": payment_url}
    with translation.override(language):
        expected = Template(PAYEE_ITEM).render(Context(context))
        for _ in range(2):  # written, then kept
            written = rows.payee_items(PAYEES, payment_url)
            # Only the blanks between two lines differ: the loop's indentation.
            assert re.sub(r">\s+<", "><", normal(written)) == re.sub(
                r">\s+<", "><", normal(expected)
            )


BALANCE_CHART = (REFERENCE / "balance_chart.html").read_text()
TODAY = date(2026, 12, 7)
SERIES = {
    "moving": daily_balances(
        Decimal("1234.56"),
        [
            t.Transaction(type="debit", amount=Decimal("100"), fees=Decimal("1.5"),
                          status="Completed", created=MOMENT.replace(month=11, day=20)),
            t.Transaction(type="credit", amount=Decimal("2000"), status="Pending",
                          created=MOMENT.replace(month=12, day=1)),
        ],
        today=TODAY,
    ),
    "flat": daily_balances(Decimal("10"), [], today=TODAY),
    "none": [],
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize("currency", ["EUR", "usd"])
@pytest.mark.parametrize("series", SERIES, ids=list(SERIES))
def test_the_balance_chart_is_the_markup_of_the_template(series, currency, language):
    chart = balance_chart(SERIES[series])
    with translation.override(language):
        expected = Template(BALANCE_CHART).render(Context({"chart": chart, "currency": currency}))
        assert normal(rows.balance_chart_html(chart, currency)) == normal(expected)
