"""Statements through the portal: the emailed one (`bankstatement`) and the printable one."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from banking.statements import last_month
from sandbox.models import Mail
from tests.banking_history import BRUSSELS, FAULTS, UNAVAILABLE, add_trx, fault, main_iban
from tests.conftest import journal_calls

pytestmark = pytest.mark.django_db
# The `company` and `signed_in` fixtures.
pytest_plugins = ["tests.banking_history_fixtures"]


def body(response) -> str:
    return response.content.decode()


def march_choice(company) -> tuple[dict[str, object], str]:
    """The statement form for the main account in March 2026, and its query string."""
    iban = main_iban(company)
    return (
        {"iban_id": iban.pk, "from_date": "2026-03-01", "to_date": "2026-03-31"},
        f"iban_id={iban.pk}&from_date=2026-03-01&to_date=2026-03-31",
    )


def march(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=BRUSSELS)


def test_last_month_is_the_whole_previous_calendar_month():
    assert last_month(date(2026, 3, 15)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert last_month(date(2026, 1, 1)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_the_form_starts_with_the_first_account_and_last_month(signed_in, company):
    start, end = last_month(timezone.localdate())

    page = body(signed_in.get("/statements/"))

    assert re.search(rf'<option value="{main_iban(company).pk}" selected>', page)
    assert f'value="{start.isoformat()}"' in page
    assert f'value="{end.isoformat()}"' in page
    assert 'name="action" value="email"' in page
    assert 'name="action" value="print"' in page


def test_the_bank_emails_the_statement_and_the_page_says_where(signed_in, company):
    form, query = march_choice(company)

    response = signed_in.post("/statements/", {**form, "action": "email"})

    assert response.status_code == 302
    assert response["Location"] == f"/statements/?{query}"
    mail = Mail.objects.get(kind="statement")
    assert mail.to == company.email
    assert "2026-03-01 to 2026-03-31" in mail.body
    page = body(signed_in.get(response["Location"]))
    assert "The bank is emailing the statement of Main account" in page
    assert company.email in page
    assert 'value="2026-03-01"' in page  # the choice is kept for another try


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"from_date": "2026-02-30", "to_date": "2026-03-31"}, "from_date", "Enter a date as"),
        ({"from_date": "2026-03-31", "to_date": "2026-03-01"}, "to_date", "before the first day"),
        ({"from_date": "", "to_date": "2026-03-01"}, "from_date", "Enter the first day."),
        ({"from_date": "2999-01-01", "to_date": "2999-01-31"}, "from_date", "in the future"),
    ],
    ids=["impossible-date", "end-before-start", "missing", "future"],
)
@pytest.mark.parametrize("action", ["email", "print"])
def test_bad_dates_are_explained_next_to_the_field(
    signed_in, company, dates, field, message, action
):
    form = {"iban_id": main_iban(company).pk, **dates, "action": action}

    response = signed_in.post("/statements/", form)

    page = body(response)
    assert response.status_code == 200
    assert re.search(rf'id="id_{field}_error"', page)
    assert message in page
    assert f'value="{dates["to_date"]}"' in page  # what was typed is kept
    assert journal_calls("bankstatement") == 0


def test_an_unknown_account_is_refused_by_the_form(signed_in):
    response = signed_in.post(
        "/statements/", {"iban_id": "999999", "from_date": "2026-03-01", "to_date": "2026-03-31"}
    )

    assert "Select a valid choice" in body(response)
    assert journal_calls("bankstatement") == 0


@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_a_statement_the_bank_cannot_send_keeps_the_form_to_try_again(
    signed_in, company, kind, options
):
    fault("bankstatement", **options)
    form, _query = march_choice(company)

    response = signed_in.post("/statements/", {**form, "action": "email"})

    page = body(response)
    assert response.status_code == 200
    assert UNAVAILABLE in page
    assert 'value="2026-03-01"' in page
    assert 'value="2026-03-31"' in page


@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_the_statements_page_without_the_account_list_offers_a_retry(signed_in, kind, options):
    fault("iban_list", **options)

    response = signed_in.get("/statements/")

    assert response.status_code == 503
    assert 'href="/statements/">Try again' in body(response)


# --- the printable statement ----------------------------------------------------------


def test_print_goes_to_the_printable_statement_of_the_same_choice(signed_in, company):
    form, query = march_choice(company)

    response = signed_in.post("/statements/", {**form, "action": "print"})

    assert response.status_code == 302
    assert response["Location"] == f"/statements/print/?{query}"
    assert journal_calls("bankstatement") == 0


def test_the_printable_statement_derives_its_balances_from_today(signed_in, company):
    iban = main_iban(company)  # balance today: 5,000.00
    add_trx(iban, amount="1000.00", created=datetime(2026, 2, 15, 9, 0, tzinfo=BRUSSELS))
    add_trx(iban, amount="200.00", fees="1.00", name="Globex", created=march(2))
    add_trx(iban, kind="debit", amount="50.00", fees="0.50", status="Pending", created=march(9))
    add_trx(iban, kind="debit", amount="30.00", status="Failed", name="Refused", created=march(20))
    add_trx(iban, amount="100.00", created=datetime(2026, 4, 5, 9, 0, tzinfo=BRUSSELS))

    response = signed_in.get(f"/statements/print/?{march_choice(company)[1]}")

    page = body(response)
    assert response.status_code == 200
    summary = re.search(r'<dl class="summary statement-summary">(.*?)</dl>', page, re.S).group(1)
    text = re.sub(r"<[^>]+>", " ", summary)
    text = " ".join(text.replace("\u00a0", " ").split())
    # closing = 5,000 - 100 booked after March + the pending 50.50 set aside, which is
    # not booked yet; opening = closing - 199.00.
    assert text == (
        "Opening balance 4,751.50 EUR Money in +200.00 EUR Money out 0.00 EUR "
        "Fees \u22121.00 EUR Closing balance 4,950.50 EUR"
    )
    assert page.count('class="statement-unbooked"') == 1  # listed apart
    assert "Pending, not yet booked" in page
    assert "Globex" in page
    assert "Refused" not in page  # failed: booked nothing
    assert iban.iban[:4] in page
    assert "Acme Trading Ltd" in page
    assert "js/history.js" in page


def test_a_printable_statement_walks_every_page_of_the_history(signed_in, company):
    iban = main_iban(company)
    for number in range(130):
        add_trx(iban, amount="1.00", created=march(1, 8) + timedelta(minutes=number))
    before = journal_calls("iban_transaction")

    page = body(signed_in.get(f"/statements/print/?{march_choice(company)[1]}"))

    assert page.count("+1.00\u00a0EUR") >= 130
    assert "+130.00\u00a0EUR" in page  # money in
    # Two pages within March, one (empty) page after it.
    assert journal_calls("iban_transaction") - before == 3


def test_a_printable_statement_with_bad_dates_shows_the_form_with_the_message(signed_in, company):
    iban = main_iban(company)

    response = signed_in.get(
        f"/statements/print/?iban_id={iban.pk}&from_date=2026-03-31&to_date=2026-03-01"
    )

    page = body(response)
    assert "before the first day" in page
    assert 'name="action"' in page


@pytest.mark.parametrize("endpoint", ["iban_list", "iban_transaction"])
@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_a_printable_statement_the_bank_cannot_build_offers_a_retry(
    signed_in, company, endpoint, kind, options
):
    add_trx(main_iban(company), created=march(3))
    fault(endpoint, **options)
    url = f"/statements/print/?{march_choice(company)[1]}"

    response = signed_in.get(url)

    page = body(response)
    assert response.status_code == 503
    assert UNAVAILABLE in page
    assert f'href="{url.replace("&", "&amp;")}">Try again' in page
