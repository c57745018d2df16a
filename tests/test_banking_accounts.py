"""Accounts: the list (`iban_list`) and opening one (`createIban`, label of 1 to 50 characters)."""

from __future__ import annotations

import pytest

from sandbox import actions
from sandbox.models import Iban
from tests.banking_money import company_fixture, signed_in_fixture  # noqa: F401
from tests.conftest import journal_calls

pytestmark = pytest.mark.django_db


def test_the_accounts_page_lists_every_iban_with_one_call(signed_in, company):
    iban = Iban.objects.get(company=company)
    before = journal_calls("iban_list")
    html = signed_in.get("/accounts/").content.decode()
    assert journal_calls("iban_list") == before + 1
    assert "Main account" in html
    assert iban.bic in html
    assert "5,000.00\u00a0EUR" in html
    assert 'aria-current="page"' in html


def test_a_new_account_is_opened_and_listed(signed_in, company):
    response = signed_in.post("/accounts/new/", {"label": "Payroll"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert Iban.objects.filter(company=company, label="Payroll").exists()
    html = signed_in.get("/accounts/").content.decode()
    assert "Your new account Payroll is open." in html
    assert "Payroll" in html


@pytest.mark.parametrize(
    ("label", "words"),
    [("", "Give the account a name."), ("x" * 51, "Use at most 50 characters.")],
    ids=["empty", "51-characters"],
)
def test_a_bad_label_is_refused_next_to_the_field_without_calling_the_bank(signed_in, label, words):
    before = journal_calls("createIban")
    response = signed_in.post("/accounts/new/", {"label": label})
    assert response.status_code == 200
    assert words in response.content.decode()
    assert journal_calls("createIban") == before


def test_a_fifty_character_label_is_accepted(signed_in, company):
    signed_in.post("/accounts/new/", {"label": "y" * 50})
    assert Iban.objects.filter(company=company, label="y" * 50).exists()


@pytest.mark.parametrize(
    "fault",
    [{"http_status": 503}, {"timeout": True}, {"garbage": True}],
    ids=["http-503", "timeout", "garbage"],
)
def test_an_upstream_fault_on_create_keeps_the_label_and_offers_a_retry(signed_in, fault):
    actions.set_fault(endpoint="createIban", **fault)
    response = signed_in.post("/accounts/new/", {"label": "Taxes"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Taxes"' in html
    assert "unavailable" in html
    assert "<html" not in html  # only the form was swapped


def test_the_bank_s_refusal_is_shown_with_the_form(signed_in, company):
    for number in range(9):
        signed_in.post("/accounts/new/", {"label": f"Pot {number}"})
    response = signed_in.post("/accounts/new/", {"label": "One too many"})
    assert "at most 10 IBANs" in response.content.decode()


@pytest.mark.parametrize(
    "fault", [{"http_status": 500}, {"garbage": True}], ids=["http-500", "garbage"]
)
def test_an_upstream_fault_on_the_list_shows_an_inline_message(signed_in, fault):
    actions.set_fault(endpoint="iban_list", **fault)
    response = signed_in.get("/accounts/")
    assert response.status_code == 503
    assert "Try again" in response.content.decode()


def test_a_new_account_shows_at_once_in_the_transaction_filters(signed_in):
    assert "Payroll" not in signed_in.get("/transactions/").content.decode()  # list now cached
    signed_in.post("/accounts/new/", {"label": "Payroll"})
    assert "Payroll" in signed_in.get("/transactions/").content.decode()
