"""SEPA payments: form → review → code → result, and every way it must not happen twice.

The bank is the simulator, reached through the real client; calls are counted
on its journal.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.utils import timezone

from banking.models import PendingPayment
from codego.client import get_client
from sandbox import actions
from sandbox.models import Iban, JournalEntry, Plan, Transaction
from tests.banking_money import company_fixture, signed_in_fixture  # noqa: F401
from tests.conftest import create_company, journal_calls, latest_code, portal_sign_in, sign_in

pytestmark = pytest.mark.django_db

State = PendingPayment.State
PAYEE_IBAN = "DE89370400440532013000"


def ok_calls(endpoint: str) -> int:
    """Calls the bank answered with success (journal_calls counts refusals too)."""
    return JournalEntry.objects.filter(endpoint=endpoint, outcome="ok").count()


@pytest.fixture
def iban(company) -> Iban:
    return Iban.objects.get(company=company)


@pytest.fixture
def payee_id(company) -> str:
    get_client().add_beneficiary(
        sign_in(company), type="business", account=PAYEE_IBAN, company_name="Contoso GmbH"
    )
    return str(company.beneficiaries.get().pk)


def form_key(html: str) -> str:
    match = re.search(r'name="payment_key" value="([^"]+)"', html)
    assert match, html[:3000]
    return match.group(1)


def payment_data(client, iban: Iban, payee_id: str, **changes: str) -> dict[str, str]:
    page = client.get("/payments/new/").content.decode()
    data = {
        "payment_key": form_key(page),
        "iban_id": str(iban.pk),
        "beneficiaries_id": payee_id,
        "amount": "120.50",
        "payment_option": "sepa",
        "reason_payment": "Invoice 2026-114",
    }
    data.update(changes)
    return data


def reviewed(client, iban: Iban, payee_id: str, **changes: str) -> PendingPayment:
    response = client.post("/payments/new/", payment_data(client, iban, payee_id, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    payment = PendingPayment.objects.get()
    assert response["Location"] == f"/payments/{payment.key}/review/"
    return payment


def sent(client, iban: Iban, payee_id: str, **changes: str) -> PendingPayment:
    payment = reviewed(client, iban, payee_id, **changes)
    response = client.post(f"/payments/{payment.key}/review/")
    payment.refresh_from_db()
    assert payment.state == State.AWAITING_OTP
    assert response["Location"] == f"/payments/{payment.unique_id}/confirm/"
    return payment


# -- the form ------------------------------------------------------------------------------


def test_the_form_offers_accounts_with_balance_payees_and_the_plan_s_fees_in_one_call(
    signed_in, iban, payee_id
):
    before = journal_calls("dashboard")
    html = signed_in.get("/payments/new/").content.decode()
    assert journal_calls("dashboard") == before + 1
    assert "Main account · 5,000.00\u00a0EUR" in html
    assert "Contoso GmbH · DE89 3704 0044 0532 0130 00" in html
    assert "Fee 1.00\u00a0EUR" in html  # SEPA on the low-risk plan
    assert "Fee 2.00\u00a0EUR" in html  # SEPA Instant
    assert 'name="payment_option"' in html
    assert "Or add a new beneficiary" in html


def test_beneficiaries_id_in_the_address_chooses_the_payee(signed_in, payee_id):
    html = signed_in.get(f"/payments/new/?beneficiaries_id={payee_id}").content.decode()
    assert f'<option value="{payee_id}" selected>' in html


def test_pay_again_fills_every_field(signed_in, iban, payee_id):
    query = (
        f"iban_id={iban.pk}&beneficiaries_id={payee_id}&amount=42.00"
        "&payment_option=sepa_instant&reason_payment=Rent+May"
    )
    html = signed_in.get(f"/payments/new/?{query}").content.decode()
    assert 'value="42.00"' in html
    assert 'value="Rent May"' in html
    assert 'value="sepa_instant" id="id_payment_option_1" required checked' in html


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1,2,3", "Write the amount in digits"),
        ("-3", "must be more than 0"),
        ("0.001", "at most two decimals"),
        ("1e9", "Write the amount in digits"),
        ("0", "must be more than 0"),
        ("", "Enter an amount."),
        ("2000000", "at most 1,000,000.00"),
    ],
    ids=["stray-commas", "negative", "three-decimals", "exponent", "zero", "empty", "too-large"],
)
def test_a_bad_amount_is_refused_next_to_the_field_keeping_the_rest(
    signed_in, iban, payee_id, amount, words
):
    data = payment_data(signed_in, iban, payee_id, amount=amount)
    response = signed_in.post("/payments/new/", data)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert words in html
    assert 'value="Invoice 2026-114"' in html
    assert f'value="{amount}"' in html or not amount
    assert not PendingPayment.objects.exists()


def test_an_amount_plus_fee_above_the_balance_is_refused_before_the_review(
    signed_in, iban, payee_id
):
    data = payment_data(signed_in, iban, payee_id, amount="4999.50")  # + 1.00 fee > 5000
    response = signed_in.post("/payments/new/", data)
    assert "the balance is 5,000.00\u00a0EUR and the fee 1.00\u00a0EUR" in unescape(
        response.content.decode()
    )
    assert not PendingPayment.objects.exists()
    exact = payment_data(signed_in, iban, payee_id, amount="4999.00")
    assert signed_in.post("/payments/new/", exact).status_code == 302


def test_the_fee_is_the_plan_s_fixed_fee_plus_its_percentage_as_the_bank_takes_it(
    signed_in, company, iban, payee_id
):
    company.plan = Plan.objects.get(plan_name="IBAN MR")  # 1.00 EUR + 0.30 %
    company.save()
    payment = reviewed(signed_in, iban, payee_id, amount="1000.00")
    assert payment.fee == Decimal("4.00")
    signed_in.post(f"/payments/{payment.key}/review/")
    payment.refresh_from_db()
    assert Transaction.objects.get(unique_id=payment.unique_id).fees == payment.fee


def test_a_missing_payee_and_reference_are_said_next_to_their_fields(signed_in, iban, payee_id):
    data = payment_data(signed_in, iban, payee_id, beneficiaries_id="", reason_payment="")
    html = signed_in.post("/payments/new/", data).content.decode()
    assert "Choose who to pay." in html
    assert "Enter a payment reference." in html


# -- the review ----------------------------------------------------------------------------


def test_the_review_shows_payee_amount_fee_total_and_source_without_calling_the_bank(
    signed_in, iban, payee_id
):
    payment = reviewed(signed_in, iban, payee_id, payment_option="sepa_instant")
    before = JournalEntry.objects.count()
    html = signed_in.get(f"/payments/{payment.key}/review/").content.decode()
    assert JournalEntry.objects.exclude(endpoint="updateUserLive").count() == before
    assert "Contoso GmbH" in html
    assert "DE89 3704 0044 0532 0130 00" in html
    assert "120.50\u00a0EUR" in html
    assert "2.00\u00a0EUR" in html  # SEPA Instant fee
    assert "122.50\u00a0EUR" in html
    assert "Main account" in html
    assert "Confirm and send the code" in html
    assert journal_calls("iban_sendmoney") == 0


def test_the_whole_payment_debits_the_account_once_and_links_to_the_transaction(
    signed_in, company, iban, payee_id
):
    payment = sent(signed_in, iban, payee_id)
    page = signed_in.get(f"/payments/{payment.unique_id}/confirm/").content.decode()
    assert "Enter the code we emailed you" in page
    assert "Send a new code" in page
    response = signed_in.post(
        f"/payments/{payment.unique_id}/confirm/", {"otp": latest_code(company.email)}
    )
    assert response["Location"] == f"/payments/{payment.unique_id}/confirm/"
    result = signed_in.get(response["Location"]).content.decode()
    assert "Payment sent" in result
    assert f'href="/transactions/{payment.unique_id}/"' in result
    assert "Pay again" in result
    iban.refresh_from_db()
    assert iban.balance == Decimal("5000.00") - Decimal("120.50") - Decimal("1.00")
    trx = Transaction.objects.get(unique_id=payment.unique_id)
    assert trx.status == Transaction.Status.PENDING
    assert trx.amount == Decimal("120.50")
    assert (journal_calls("iban_sendmoney"), journal_calls("iban_confirmotp")) == (1, 1)


def test_the_dashboard_after_a_payment_shows_the_new_balance_at_once(
    signed_in, company, iban, payee_id
):
    assert "5,000.00\u00a0EUR" in signed_in.get("/dashboard/").content.decode()
    payment = sent(signed_in, iban, payee_id)
    signed_in.post(f"/payments/{payment.unique_id}/confirm/", {"otp": latest_code(company.email)})
    # 5,000.00 - 120.50 - 1.00 fee: the session's copy was dropped when the money moved.
    assert "4,878.50\u00a0EUR" in signed_in.get("/dashboard/").content.decode()


def test_the_form_is_checked_on_a_fresh_answer_not_the_session_s_copy(
    signed_in, company, iban, payee_id
):
    data = payment_data(signed_in, iban, payee_id, amount="5200.00")
    actions.credit(iban=iban.iban, amount=Decimal("1000.00"))
    response = signed_in.post("/payments/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]


# -- exactly once --------------------------------------------------------------------------


def test_a_double_click_on_confirm_sends_once(signed_in, iban, payee_id):
    payment = reviewed(signed_in, iban, payee_id)
    first = signed_in.post(f"/payments/{payment.key}/review/")
    second = signed_in.post(f"/payments/{payment.key}/review/")
    payment.refresh_from_db()
    assert first["Location"] == second["Location"] == f"/payments/{payment.unique_id}/confirm/"
    assert journal_calls("iban_sendmoney") == 1


def test_a_second_tab_while_the_first_is_sending_does_not_call_the_bank(signed_in, iban, payee_id):
    payment = reviewed(signed_in, iban, payee_id)
    PendingPayment.objects.filter(pk=payment.pk).update(state=State.SENDING)  # tab 1 in flight
    response = signed_in.post(f"/payments/{payment.key}/review/")
    assert response.status_code == 200
    assert "being processed" in unescape(response.content.decode())
    assert journal_calls("iban_sendmoney") == 0


def test_a_payment_stuck_in_sending_becomes_uncertain_and_is_never_resent(
    signed_in, iban, payee_id
):
    payment = reviewed(signed_in, iban, payee_id)
    long_ago = timezone.now() - timedelta(minutes=5)
    PendingPayment.objects.filter(pk=payment.pk).update(state=State.SENDING, updated=long_ago)
    html = unescape(signed_in.post(f"/payments/{payment.key}/review/").content.decode())
    assert "don't know yet whether this payment went through" in html
    assert journal_calls("iban_sendmoney") == 0


def test_back_and_resubmitting_the_form_finds_the_same_payment(signed_in, iban, payee_id):
    data = payment_data(signed_in, iban, payee_id)
    signed_in.post("/payments/new/", data)
    payment = PendingPayment.objects.get()
    signed_in.post(f"/payments/{payment.key}/review/")
    # Back to the form, the browser sends it again, even with another amount.
    again = signed_in.post("/payments/new/", {**data, "amount": "999.00"})
    assert again["Location"] == f"/payments/{payment.key}/review/"
    follow = signed_in.get(again["Location"])
    payment.refresh_from_db()
    assert follow["Location"] == f"/payments/{payment.unique_id}/confirm/"
    assert PendingPayment.objects.count() == 1
    assert payment.amount == Decimal("120.50")
    assert journal_calls("iban_sendmoney") == 1


def test_amount_and_payee_cannot_change_between_review_and_confirm(
    signed_in, company, iban, payee_id
):
    payment = reviewed(signed_in, iban, payee_id)
    signed_in.post(
        f"/payments/{payment.key}/review/", {"amount": "4000.00", "beneficiaries_id": "1"}
    )
    payment.refresh_from_db()
    trx = Transaction.objects.get(unique_id=payment.unique_id)
    assert trx.amount == Decimal("120.50")
    assert str(trx.beneficiary_id) == payee_id


def test_change_makes_a_new_draft_and_the_old_review_can_no_longer_send(signed_in, iban, payee_id):
    old = reviewed(signed_in, iban, payee_id)
    page = signed_in.get(f"/payments/new/?change={old.key}").content.decode()
    assert 'value="120.50"' in page
    data = {
        "payment_key": form_key(page),
        "replaces": old.key,
        "iban_id": str(iban.pk),
        "beneficiaries_id": payee_id,
        "amount": "80.00",
        "payment_option": "sepa",
        "reason_payment": "Invoice 2026-114",
    }
    signed_in.post("/payments/new/", data)
    old.refresh_from_db()
    assert old.state == State.FAILED
    response = signed_in.post(f"/payments/{old.key}/review/")  # the stale tab
    assert "This payment was not sent" in unescape(response.content.decode())
    assert journal_calls("iban_sendmoney") == 0


def test_the_right_code_sent_twice_confirms_once(signed_in, company, iban, payee_id):
    payment = sent(signed_in, iban, payee_id)
    code = latest_code(company.email)
    signed_in.post(f"/payments/{payment.unique_id}/confirm/", {"otp": code})
    second = signed_in.post(f"/payments/{payment.unique_id}/confirm/", {"otp": code})
    assert second.status_code == 200
    assert "Payment sent" in second.content.decode()
    assert journal_calls("iban_confirmotp") == 1


def test_a_code_typed_while_another_tab_confirms_does_not_call_the_bank(
    signed_in, company, iban, payee_id
):
    payment = sent(signed_in, iban, payee_id)
    PendingPayment.objects.filter(pk=payment.pk).update(state=State.CONFIRMING)
    response = signed_in.post(
        f"/payments/{payment.unique_id}/confirm/", {"otp": latest_code(company.email)}
    )
    assert response["Location"] == f"/payments/{payment.key}/review/"
    assert "being processed" in signed_in.get(response["Location"]).content.decode()
    assert journal_calls("iban_confirmotp") == 0


def test_a_timeout_on_send_is_never_retried_and_points_to_the_transactions(
    signed_in, iban, payee_id
):
    payment = reviewed(signed_in, iban, payee_id)
    actions.set_fault(endpoint="iban_sendmoney", timeout=True)
    response = signed_in.post(f"/payments/{payment.key}/review/")
    html = unescape(response.content.decode())
    assert response.status_code == 503
    assert "don't know yet whether this payment went through" in html
    assert 'href="/transactions/"' in html
    actions.clear_faults()
    again = signed_in.post(f"/payments/{payment.key}/review/")
    assert "don't know yet" in unescape(again.content.decode())
    assert journal_calls("iban_sendmoney") == 1
    payment.refresh_from_db()
    assert payment.state == State.UNCERTAIN


def test_a_garbage_answer_to_confirm_is_an_unknown_outcome_not_retried(
    signed_in, company, iban, payee_id
):
    payment = sent(signed_in, iban, payee_id)
    actions.set_fault(endpoint="iban_confirmotp", garbage=True)
    code = latest_code(company.email)
    response = signed_in.post(f"/payments/{payment.unique_id}/confirm/", {"otp": code})
    assert response["Location"] == f"/payments/{payment.key}/review/"
    actions.clear_faults()
    signed_in.post(f"/payments/{payment.unique_id}/confirm/", {"otp": code})
    assert journal_calls("iban_confirmotp") == 1
    payment.refresh_from_db()
    assert payment.state == State.UNCERTAIN


def test_a_payment_of_another_company_is_not_found(client, signed_in, iban, payee_id):
    payment = reviewed(signed_in, iban, payee_id)
    other = create_company("other@acme.test")
    client.logout()
    portal_sign_in(client, other.email)
    assert client.post(f"/payments/{payment.key}/review/").status_code == 404
    assert journal_calls("iban_sendmoney") == 0


# -- the code ------------------------------------------------------------------------------


def test_a_wrong_code_says_so_and_counts_down_then_the_payment_is_cancelled(
    signed_in, company, iban, payee_id
):
    payment = sent(signed_in, iban, payee_id)
    url = f"/payments/{payment.unique_id}/confirm/"
    first = signed_in.post(url, {"otp": "000000"})
    assert first.status_code == 200
    assert "wrong otp code" in first.content.decode()
    assert "2 attempts left" in first.content.decode()
    assert 'value="000000"' in first.content.decode()
    signed_in.post(url, {"otp": "000001"})
    third = signed_in.post(url, {"otp": "000002"})
    assert third["Location"] == f"/payments/{payment.key}/review/"
    page = signed_in.get(third["Location"]).content.decode()
    assert "This payment was not sent" in page
    assert "No money left your account." in page
    signed_in.post(url, {"otp": latest_code(company.email)})
    assert journal_calls("iban_confirmotp") == 3
    iban.refresh_from_db()
    assert iban.balance == Decimal("5000.00")


def test_a_code_that_is_not_six_digits_is_refused_without_a_call(signed_in, iban, payee_id):
    payment = sent(signed_in, iban, payee_id)
    response = signed_in.post(f"/payments/{payment.unique_id}/confirm/", {"otp": "12ab"})
    assert "The code has 6 digits." in unescape(response.content.decode())
    assert journal_calls("iban_confirmotp") == 0


def test_send_a_new_code_replaces_the_transfer_and_the_new_code_works(
    signed_in, company, iban, payee_id
):
    payment = sent(signed_in, iban, payee_id)
    first_id = payment.unique_id
    response = signed_in.post(f"/payments/{first_id}/resend/")
    payment.refresh_from_db()
    assert payment.unique_id != first_id
    assert response["Location"] == f"/payments/{payment.unique_id}/confirm/"
    signed_in.post(response["Location"], {"otp": latest_code(company.email)})
    payment.refresh_from_db()
    assert payment.state == State.DONE
    iban.refresh_from_db()
    assert iban.balance == Decimal("4878.50")  # debited once


def test_insufficient_balance_at_the_bank_ends_the_payment_with_its_words(
    signed_in, iban, payee_id
):
    payment = reviewed(signed_in, iban, payee_id)
    Iban.objects.filter(pk=iban.pk).update(balance=Decimal("10.00"))  # spent meanwhile
    response = signed_in.post(f"/payments/{payment.key}/review/")
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Insufficient balance." in html
    assert "Start again with these details" in html
    payment.refresh_from_db()
    assert payment.state == State.FAILED


# -- an expired session mid-payment ---------------------------------------------------------


def test_an_expired_token_at_send_signs_in_again_and_returns_to_the_same_review(
    client, signed_in, company, iban, payee_id
):
    payment = reviewed(signed_in, iban, payee_id)
    actions.expire_token(email=company.email)
    response = signed_in.post(f"/payments/{payment.key}/review/")
    review = f"/payments/{payment.key}/review/"
    assert response["Location"] == f"/login/?next=%2Fpayments%2F{payment.key}%2Freview%2F"
    payment.refresh_from_db()
    assert payment.state == State.DRAFT
    back = portal_sign_in(client, company.email, next=review)
    assert back["Location"] == review
    assert "Confirm and send the code" in client.get(review).content.decode()
    client.post(review)
    payment.refresh_from_db()
    assert payment.state == State.AWAITING_OTP
    assert ok_calls("iban_sendmoney") == 1
    assert PendingPayment.objects.count() == 1


def test_an_expired_token_at_the_code_comes_back_to_the_code_without_sending_again(
    client, signed_in, company, iban, payee_id
):
    payment = sent(signed_in, iban, payee_id)
    code = latest_code(company.email)
    actions.expire_token(email=company.email)
    response = signed_in.post(f"/payments/{payment.unique_id}/confirm/", {"otp": code})
    review = f"/payments/{payment.key}/review/"
    assert response["Location"] == "/login/?next=" + review.replace("/", "%2F")
    back = portal_sign_in(client, company.email, next=review)
    assert client.get(back["Location"])["Location"] == f"/payments/{payment.unique_id}/confirm/"
    client.post(f"/payments/{payment.unique_id}/confirm/", {"otp": code})
    payment.refresh_from_db()
    assert payment.state == State.DONE
    assert journal_calls("iban_sendmoney") == 1
    assert ok_calls("iban_confirmotp") == 1


def test_a_token_found_expired_before_the_send_leads_back_to_the_same_review(
    client, signed_in, company, iban, payee_id
):
    payment = reviewed(signed_in, iban, payee_id)
    review = f"/payments/{payment.key}/review/"
    actions.expire_token(email=company.email)
    cache.clear()  # 30 s later: the portal checks the token before the view runs
    response = signed_in.post(review, headers={"Referer": f"http://testserver{review}"})
    assert response["Location"].startswith("/login/?next=")
    assert journal_calls("iban_sendmoney") == 0
    back = portal_sign_in(client, company.email, next=unquote(response["Location"][13:]))
    assert back["Location"] == f"http://testserver{review}"
    client.post(review)
    assert ok_calls("iban_sendmoney") == 1


# -- upstream faults on each call --------------------------------------------------------------

FAULTS = [{"http_status": 500}, {"http_status": 503}, {"timeout": True}, {"garbage": True}]
FAULT_IDS = ["http-500", "http-503", "timeout", "garbage"]


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_a_dashboard_fault_on_the_form_page_offers_a_retry(signed_in, fault):
    actions.set_fault(endpoint="dashboard", **fault)
    response = signed_in.get("/payments/new/?beneficiaries_id=3")
    assert response.status_code == 503
    assert 'href="/payments/new/?beneficiaries_id=3"' in unescape(response.content.decode())


@pytest.mark.parametrize("fault", FAULTS, ids=FAULT_IDS)
def test_a_dashboard_fault_on_submit_keeps_everything_typed(signed_in, iban, payee_id, fault):
    data = payment_data(signed_in, iban, payee_id)
    actions.set_fault(endpoint="dashboard", **fault)
    response = signed_in.post("/payments/new/", data)
    html = unescape(response.content.decode())
    assert response.status_code == 503
    assert "nothing was sent" in html
    assert 'value="120.50"' in html
    assert 'value="Invoice 2026-114"' in html
    assert f'<option value="{payee_id}" selected>' in html
    assert not PendingPayment.objects.exists()


@pytest.mark.parametrize("fault", [{"http_status": 500}, {"http_status": 503}], ids=FAULT_IDS[:2])
def test_a_send_refused_by_an_outage_can_be_retried_by_the_customer(
    signed_in, iban, payee_id, fault
):
    payment = reviewed(signed_in, iban, payee_id)
    actions.set_fault(endpoint="iban_sendmoney", **fault)
    response = signed_in.post(f"/payments/{payment.key}/review/")
    assert response.status_code == 503
    assert "Confirm and send the code" in unescape(response.content.decode())
    payment.refresh_from_db()
    assert payment.state == State.DRAFT
    actions.clear_faults()
    signed_in.post(f"/payments/{payment.key}/review/")
    assert ok_calls("iban_sendmoney") == 1


@pytest.mark.parametrize("fault", [{"http_status": 500}, {"http_status": 503}], ids=FAULT_IDS[:2])
def test_a_confirm_refused_by_an_outage_keeps_the_code_for_a_retry(
    signed_in, company, iban, payee_id, fault
):
    payment = sent(signed_in, iban, payee_id)
    code = latest_code(company.email)
    actions.set_fault(endpoint="iban_confirmotp", **fault)
    response = signed_in.post(f"/payments/{payment.unique_id}/confirm/", {"otp": code})
    assert response.status_code == 503
    assert f'value="{code}"' in unescape(response.content.decode())
    assert "unavailable" in unescape(response.content.decode())
    actions.clear_faults()
    signed_in.post(f"/payments/{payment.unique_id}/confirm/", {"otp": code})
    payment.refresh_from_db()
    assert payment.state == State.DONE


def test_a_send_timeout_on_resend_is_an_unknown_outcome(signed_in, iban, payee_id):
    payment = sent(signed_in, iban, payee_id)
    actions.set_fault(endpoint="iban_sendmoney", timeout=True)
    signed_in.post(f"/payments/{payment.unique_id}/resend/")
    payment.refresh_from_db()
    assert payment.state == State.UNCERTAIN
    assert journal_calls("iban_sendmoney") == 2


def test_old_drafts_and_old_payments_are_purged_recent_ones_kept(signed_in, iban, payee_id):
    recent_draft = reviewed(signed_in, iban, payee_id)
    now = timezone.now()
    PendingPayment.objects.filter(pk=recent_draft.pk).update(updated=now - timedelta(days=6))
    old_draft = PendingPayment.objects.create(
        **{**_fields(recent_draft), "key": "old-draft", "updated": now - timedelta(days=8)}
    )
    old_done = PendingPayment.objects.create(
        **{
            **_fields(recent_draft),
            "key": "old-done",
            "state": State.DONE,
            "updated": now - timedelta(days=91),
        }
    )
    recent_done = PendingPayment.objects.create(
        **{
            **_fields(recent_draft),
            "key": "recent-done",
            "state": State.DONE,
            "updated": now - timedelta(days=30),
        }
    )
    assert PendingPayment.purge_old() == 2
    left = set(PendingPayment.objects.values_list("key", flat=True))
    assert left == {recent_draft.key, recent_done.key}
    assert old_draft.key not in left
    assert old_done.key not in left


def _fields(payment: PendingPayment) -> dict:
    skip = {"id", "key", "state", "updated", "created"}
    return {f.name: getattr(payment, f.name) for f in payment._meta.fields if f.name not in skip}


def test_a_new_payment_now_and_then_purges_the_old_ones(signed_in, iban, payee_id, monkeypatch):
    monkeypatch.setattr("banking.payments.PURGE_CHANCE", 1.0)
    first = reviewed(signed_in, iban, payee_id)
    PendingPayment.objects.filter(pk=first.pk).update(updated=timezone.now() - timedelta(days=8))
    signed_in.post("/payments/new/", payment_data(signed_in, iban, payee_id))
    assert not PendingPayment.objects.filter(pk=first.pk).exists()
    assert PendingPayment.objects.count() == 1
