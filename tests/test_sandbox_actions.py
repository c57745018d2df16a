"""Staff actions on the simulated bank, driven through `manage.py sandbox <action>`."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from schwifty import IBAN

from codego.errors import SessionExpired, UpstreamUnavailable
from sandbox import reference
from sandbox.models import (
    AdditionalDocument,
    Company,
    CompanyDocument,
    CryptoBalance,
    CryptoTransaction,
    Fault,
    Iban,
    Mail,
    Notification,
    Plan,
    PlanProposal,
    StoredFile,
    Transaction,
    WebToken,
)
from tests.conftest import create_company, sign_in, submitted_company

pytestmark = pytest.mark.django_db

DEMO = "demo@codego.test"


def sandbox(*args: str) -> str:
    out = StringIO()
    call_command("sandbox", *args, stdout=out)
    return out.getvalue()


def country_of_risk(level: str) -> str:
    return next(c["id"] for c in reference.COUNTRIES if c["risk_level"] == level)


# --- seed-demo --------------------------------------------------------------------------


def test_seed_demo_creates_a_live_company_and_prints_its_login():
    out = sandbox("seed-demo")

    company = Company.objects.get(email=DEMO)
    assert company.is_live
    assert company.email_verified
    assert check_password("Demo-pass-2026", company.password_hash)
    assert "demo@codego.test" in out
    assert "Demo-pass-2026" in out
    for iban in company.ibans.all():
        assert iban.iban in out
    assert company.company_status == company.document_status == Company.Step.VERIFIED
    assert company.director_status == Company.Step.VERIFIED
    assert company.profile["company_country"] == reference.country_id("BE")
    assert company.profile["industry"] == "Software"
    assert company.plan == Plan.objects.get(risk="low")
    assert company.proposals.get().status == PlanProposal.Status.ACCEPTED
    documents = company.documents.all()
    assert len(documents) == 3
    assert all(doc.status == CompanyDocument.Status.VERIFIED for doc in documents)
    assert all(bytes(doc.file.data).startswith(b"%PDF-") for doc in documents)
    assert sorted(company.ibans.values_list("label", flat=True)) == ["Main account", "Payroll"]


def test_seed_demo_fills_every_profile_field_the_portal_submits():
    from sandbox.endpoints.kyc import COMPANY_FIELDS

    sandbox("seed-demo")
    company = Company.objects.get(email=DEMO)
    for field, _ in COMPANY_FIELDS:
        assert company.profile[field], field


def test_seed_demo_twice_replaces_the_company_instead_of_failing():
    sandbox("seed-demo")
    first = Company.objects.get(email=DEMO)
    files_before = StoredFile.objects.count()

    sandbox("seed-demo")

    assert Company.objects.filter(email=DEMO).count() == 1
    assert Company.objects.get(email=DEMO).pk != first.pk
    assert StoredFile.objects.count() == files_before


def test_seed_demo_accepts_another_email_and_password():
    out = sandbox("seed-demo", "--email", "other@demo.test", "--password", "Other-pass-1")

    company = Company.objects.get(email="other@demo.test")
    assert check_password("Other-pass-1", company.password_hash)
    assert "other@demo.test" in out


def test_seeded_balances_equal_the_sum_of_their_movements():
    sandbox("seed-demo")

    for iban in Iban.objects.filter(company__email=DEMO):
        movements = sum((trx.booked for trx in iban.transactions.all()), Decimal(0))
        assert iban.balance == movements > 0


def test_seeded_history_has_every_status_fees_from_the_plan_and_four_months():
    sandbox("seed-demo")
    company = Company.objects.get(email=DEMO)
    history = Transaction.objects.filter(iban__company=company)

    for iban in company.ibans.all():
        statuses = set(iban.transactions.values_list("status", flat=True))
        assert {"Completed", "Pending"} <= statuses
    assert {(t.type, t.status) for t in history} >= {
        ("credit", "Completed"),
        ("debit", "Completed"),
        ("debit", "Pending"),
        ("debit", "Failed"),
    }
    assert all(t.failure_reason for t in history.filter(status="Failed"))
    assert set(history.values_list("is_upload_document", flat=True)) == {0, 1, 2}
    assert history.get(is_upload_document=2).document is not None
    plan = company.plan
    for trx in history:
        outbound = trx.type == "debit"
        instant = trx.payment_option == "sepa_instant"
        assert trx.fees == plan.fee(trx.amount, instant=instant, outbound=outbound)
    dates = sorted(history.values_list("created", flat=True))
    assert dates[-1] <= timezone.now()
    assert (dates[-1] - dates[0]).days >= 100
    assert len({(d.year, d.month) for d in dates}) >= 4


def test_seeded_beneficiaries_have_valid_ibans_of_different_countries():
    sandbox("seed-demo")
    people = Company.objects.get(email=DEMO).beneficiaries.all()

    assert len(people) == 3
    assert len({IBAN(b.iban).country_code for b in people}) == 3
    assert {b.type for b in people} == {"personal", "business"}


def test_seeded_crypto_balances_match_their_transactions():
    sandbox("seed-demo")
    company = Company.objects.get(email=DEMO)

    balances = dict(company.crypto.values_list("coin", "balance"))
    assert set(balances) == {"usdt", "btc", "eth"}
    for coin, balance in balances.items():
        total = Decimal(0)
        for trx in company.crypto_transactions.filter(coin=coin):
            total += trx.amount - trx.fees if trx.type == "Deposit" else -(trx.amount + trx.fees)
        assert balance == total > 0
    assert 3 <= company.notifications.count() <= 4


def test_the_seeded_company_can_sign_in_and_see_its_dashboard(transport):
    sandbox("seed-demo")
    credentials = sign_in(Company.objects.get(email=DEMO))

    dashboard = transport.call("dashboard", {}, session=credentials)

    assert dashboard["status"] == 1


def test_reset_empties_the_bank_but_keeps_the_plans():
    sandbox("seed-demo")
    sandbox("fault", "--endpoint", "login", "--status", "500")
    Mail.objects.create(to="x@y.test", subject="s", body="b", kind="k")

    sandbox("reset")

    assert not Company.objects.exists()
    assert not Mail.objects.exists()
    assert not Fault.objects.exists()
    assert not StoredFile.objects.exists()
    assert not Transaction.objects.exists()
    assert set(Plan.objects.values_list("risk", flat=True)) == {"low", "medium", "high"}


# --- compliance -------------------------------------------------------------------------


def test_approve_all_verifies_every_step_and_emails_each_decision():
    company = submitted_company()
    AdditionalDocument.objects.create(
        company=company, title="Bank reference", status=AdditionalDocument.Status.REVIEW
    )

    out = sandbox("approve", "--email", company.email)

    company.refresh_from_db()
    assert company.company_status == company.document_status == Company.Step.VERIFIED
    assert company.director_status == Company.Step.VERIFIED
    assert set(company.documents.values_list("status", flat=True)) == {1}
    assert company.additional_documents.get().status == AdditionalDocument.Status.VERIFIED
    assert Mail.objects.filter(to=company.email, kind="kyc_update").count() == 4
    assert company.notifications.count() == 4
    assert "make-live" in out


def test_approve_profile_only_changes_the_profile():
    company = submitted_company()

    sandbox("approve", "--email", company.email, "--what", "profile")

    company.refresh_from_db()
    assert company.company_status == Company.Step.VERIFIED
    assert company.document_status == company.director_status == Company.Step.PENDING
    assert Mail.objects.get(kind="kyc_update").to == company.email


def test_approve_documents_verifies_the_company_once_all_three_are_verified():
    company = submitted_company()

    sandbox("approve", "--email", company.email, "--what", "documents")

    company.refresh_from_db()
    assert company.document_status == Company.Step.VERIFIED
    assert company.company_status == Company.Step.PENDING


def test_approve_documents_keeps_the_company_rejected_while_one_document_is_rejected():
    company = submitted_company()
    sandbox("reject", "--email", company.email, "--what", "financial", "--reason", "Blurry")

    sandbox("approve", "--email", company.email, "--what", "documents")

    company.refresh_from_db()
    assert company.document_status == Company.Step.REJECTED
    assert company.documents.get(kind="financial").status == CompanyDocument.Status.REJECTED
    assert company.documents.filter(status=CompanyDocument.Status.VERIFIED).count() == 2


def test_approve_director_and_additional_documents():
    company = submitted_company()
    AdditionalDocument.objects.create(
        company=company, title="Proof of address", status=AdditionalDocument.Status.REVIEW
    )
    waiting = AdditionalDocument.objects.create(company=company, title="Not uploaded yet")

    sandbox("approve", "--email", company.email, "--what", "director")
    sandbox("approve", "--email", company.email, "--what", "additional")

    company.refresh_from_db()
    assert company.director_status == Company.Step.VERIFIED
    statuses = dict(company.additional_documents.values_list("title", "status"))
    assert statuses == {"Proof of address": 2, "Not uploaded yet": 0}
    waiting.refresh_from_db()
    assert waiting.status == AdditionalDocument.Status.REQUESTED


def test_approving_a_profile_never_submitted_says_nothing_submitted():
    company = create_company("new@acme.test", live=False)

    with pytest.raises(CommandError, match="nothing submitted"):
        sandbox("approve", "--email", company.email, "--what", "profile")
    with pytest.raises(CommandError, match="waiting for review"):
        sandbox("approve", "--email", company.email)
    assert not Mail.objects.exists()


def test_reject_profile_stores_the_reason_and_emails_it():
    company = submitted_company()

    sandbox("reject", "--email", company.email, "--what", "profile", "--reason", "Wrong VAT")

    company.refresh_from_db()
    assert company.company_status == Company.Step.REJECTED
    assert company.reject_reason == "Wrong VAT"
    mail = Mail.objects.get(to=company.email)
    assert mail.kind == "kyc_update"
    assert "Wrong VAT" in mail.body
    assert "Wrong VAT" in company.notifications.get().description


@pytest.mark.parametrize("kind", ["business_registration", "Ownership", "financial"])
def test_reject_a_document_rejects_it_and_the_document_step(kind):
    company = submitted_company()

    sandbox("reject", "--email", company.email, "--what", kind, "--reason", "Expired")

    company.refresh_from_db()
    document = company.documents.get(kind=kind)
    assert document.status == CompanyDocument.Status.REJECTED
    assert document.rejection_reason == "Expired"
    assert company.document_status == Company.Step.REJECTED
    others = company.documents.exclude(kind=kind)
    assert set(others.values_list("status", flat=True)) == {CompanyDocument.Status.REVIEW}
    assert "Expired" in Mail.objects.get(kind="kyc_update").body


def test_reject_director_stores_the_reason_on_the_director():
    company = submitted_company()

    sandbox("reject", "--email", company.email, "--what", "director", "--reason", "Selfie blurry")

    company.refresh_from_db()
    assert company.director_status == Company.Step.REJECTED
    assert company.director.reject_reason == "Selfie blurry"
    assert "Selfie blurry" in Mail.objects.get(kind="kyc_update").body


def test_rejected_kyc_shows_in_get_company_status(transport):
    company = submitted_company()
    sandbox("reject", "--email", company.email, "--what", "director", "--reason", "Blurry")

    answer = transport.call("getCompanyStatus", {}, session=sign_in(company))

    assert answer["user"]["director_status"] == "3"
    assert answer["director_kyc"]["reject_reason"] == "Blurry"


def test_reject_needs_a_known_step():
    company = submitted_company()

    with pytest.raises(CommandError):
        sandbox("reject", "--email", company.email, "--what", "passport", "--reason", "x")


def test_request_document_asks_for_an_upload_and_emails_the_company(transport):
    company = submitted_company()

    sandbox(
        "request-document",
        "--email",
        company.email,
        "--title",
        "Bank reference letter",
        "--description",
        "Signed by your bank, less than 3 months old.",
    )

    document = company.additional_documents.get()
    assert document.status == AdditionalDocument.Status.REQUESTED
    assert document.description.startswith("Signed by your bank")
    assert "Bank reference letter" in Mail.objects.get(to=company.email).body
    assert company.notifications.count() == 1
    answer = transport.call("getCompanyStatus", {}, session=sign_in(company))
    assert answer["additonal_documents"][0]["title"] == "Bank reference letter"


# --- going live -------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "risk"), [("1", "high"), ("2", "medium"), ("3", "low")])
def test_make_live_proposes_the_plan_of_the_country_risk_group(level, risk):
    company = submitted_company(country=country_of_risk(level))

    out = sandbox("make-live", "--email", company.email)

    proposal = company.proposals.get()
    assert proposal.status == PlanProposal.Status.PENDING
    assert proposal.plan == Plan.objects.get(risk=risk)
    mail = Mail.objects.get(to=company.email, kind="plan_proposal")
    link = f"/plan/respond/?unique_id={proposal.unique_id}"
    assert link in mail.body
    assert link in out
    assert proposal.plan.plan_name in mail.body
    company.refresh_from_db()
    assert not company.is_live
    assert not company.ibans.exists()


def test_make_live_without_a_country_proposes_the_low_risk_plan():
    company = create_company("bare@acme.test", live=False)

    sandbox("make-live", "--email", company.email)

    assert company.proposals.get().plan.risk == "low"


def test_make_live_with_accept_makes_the_company_live_with_an_iban():
    company = submitted_company(country=country_of_risk("2"))

    out = sandbox("make-live", "--email", company.email, "--accept")

    company.refresh_from_db()
    assert company.is_live
    assert company.plan.risk == "medium"
    assert company.proposals.get().status == PlanProposal.Status.ACCEPTED
    iban = company.ibans.get()
    assert iban.iban in out
    assert Mail.objects.filter(to=company.email, kind="account_live").exists()


def test_the_emailed_plan_link_can_be_accepted_through_the_api(transport):
    company = submitted_company()
    sandbox("make-live", "--email", company.email)
    proposal = company.proposals.get()

    answer = transport.call(
        "ibanacceptrejectplan", {"unique_id": proposal.unique_id, "type": "accept"}
    )

    assert answer["status"] == 1
    company.refresh_from_db()
    assert company.is_live


def test_make_live_on_a_live_company_is_refused():
    company = create_company("live@acme.test")

    with pytest.raises(CommandError, match="already live"):
        sandbox("make-live", "--email", company.email)


# --- back office ------------------------------------------------------------------------


def test_credit_books_the_amount_minus_the_plan_inbound_fee():
    company = create_company("pay@acme.test", balance=Decimal("100.00"))
    iban = company.ibans.get()
    fee = company.plan.fee(Decimal("250.00"), instant=False, outbound=False)
    assert fee > 0

    sandbox("credit", "--iban", iban.iban, "--amount", "250.00", "--name", "Globex")

    iban.refresh_from_db()
    trx = iban.transactions.get()
    assert (trx.type, trx.status, trx.amount, trx.fees) == ("credit", "Completed", 250, fee)
    assert trx.counterparty_name == "Globex"
    assert iban.balance == Decimal("100.00") + Decimal("250.00") - fee
    assert company.notifications.get().title == "Payment received"


def test_credit_rejects_a_bad_amount_or_an_unknown_iban():
    iban = create_company("pay@acme.test").ibans.get()

    with pytest.raises(CommandError, match="amount"):
        sandbox("credit", "--iban", iban.iban, "--amount", "ten")
    with pytest.raises(CommandError, match="greater than 0"):
        sandbox("credit", "--iban", iban.iban, "--amount", "-5")
    with pytest.raises(CommandError, match="not be more than"):
        sandbox("credit", "--iban", iban.iban, "--amount", "1e999999999")
    with pytest.raises(CommandError, match="2 decimals"):
        sandbox("credit", "--iban", iban.iban, "--amount", "1.234")
    with pytest.raises(CommandError, match="No account"):
        sandbox("credit", "--iban", "DE89370400440532013000", "--amount", "5")


def test_settle_completes_a_pending_transfer_without_touching_the_balance():
    sandbox("seed-demo")
    trx = Transaction.objects.filter(status="Pending").first()
    before = trx.iban.balance

    sandbox("settle", "--trx", trx.trx_id)

    trx.refresh_from_db()
    trx.iban.refresh_from_db()
    assert trx.status == "Completed"
    assert trx.iban.balance == before


def test_settle_reject_fails_the_transfer_and_refunds_amount_and_fees():
    sandbox("seed-demo")
    trx = Transaction.objects.filter(status="Pending").first()
    before = trx.iban.balance

    sandbox("settle", "--trx", trx.unique_id, "--reject", "--reason", "Beneficiary unknown")

    trx.refresh_from_db()
    trx.iban.refresh_from_db()
    assert trx.status == "Failed"
    assert trx.failure_reason == "Beneficiary unknown"
    assert trx.iban.balance == before + trx.amount + trx.fees
    movements = sum((t.booked for t in trx.iban.transactions.all()), Decimal(0))
    assert trx.iban.balance == movements


def test_only_pending_transactions_can_be_settled():
    sandbox("seed-demo")
    done = Transaction.objects.filter(status="Completed").first()

    with pytest.raises(CommandError, match="only Pending"):
        sandbox("settle", "--trx", done.trx_id)
    with pytest.raises(CommandError, match="No transaction"):
        sandbox("settle", "--trx", "TRX000")


def test_crypto_deposit_raises_the_coin_balance():
    company = create_company("coin@acme.test")

    sandbox("crypto-deposit", "--email", company.email, "--coin", "BTC", "--amount", "0.5")
    sandbox("crypto-deposit", "--email", company.email, "--coin", "btc", "--amount", "0.25")

    assert CryptoBalance.objects.get(company=company, coin="btc").balance == Decimal("0.75")
    deposits = CryptoTransaction.objects.filter(company=company)
    assert [d.type for d in deposits] == ["Deposit", "Deposit"]
    assert all(len(d.hash) == 64 for d in deposits)
    assert company.notifications.count() == 2
    with pytest.raises(CommandError, match="Unknown coin"):
        sandbox("crypto-deposit", "--email", company.email, "--coin", "doge", "--amount", "1")


def test_notify_adds_a_notification():
    company = create_company("note@acme.test")

    sandbox(
        "notify", "--email", company.email, "--title", "Maintenance", "--description", "Sun 2am"
    )

    note = Notification.objects.get(company=company)
    assert (note.title, note.description) == ("Maintenance", "Sun 2am")


def test_expire_token_revokes_every_live_token(transport):
    company = create_company("tok@acme.test")
    credentials = sign_in(company)
    sign_in(company)

    out = sandbox("expire-token", "--email", company.email)

    assert "2" in out
    assert not WebToken.objects.filter(company=company, revoked=False).exists()
    with pytest.raises(SessionExpired):
        transport.call("dashboard", {}, session=credentials)


# --- faults and mail --------------------------------------------------------------------


def test_fault_set_replaces_and_clear_removes_them():
    sandbox("fault", "--endpoint", "login", "--status", "503")
    sandbox("fault", "--endpoint", "login", "--timeout", "--error-rate", "0.5")
    sandbox("fault", "--endpoint", "*", "--latency-ms", "200")

    fault = Fault.objects.get(endpoint="login")
    assert (fault.http_status, fault.timeout, fault.error_rate) == (None, True, 0.5)
    assert Fault.objects.get(endpoint="*").latency_ms == 200

    sandbox("fault", "--clear")

    assert not Fault.objects.exists()


def test_a_fault_makes_the_endpoint_fail(transport):
    sandbox("fault", "--endpoint", "getCountriesList", "--status", "500")

    with pytest.raises(UpstreamUnavailable):
        transport.call("getCountriesList", {})


def test_fault_refuses_an_unknown_endpoint_or_no_effect():
    with pytest.raises(CommandError, match="Unknown endpoint"):
        sandbox("fault", "--endpoint", "nope", "--status", "500")
    with pytest.raises(CommandError):
        sandbox("fault", "--endpoint", "login")


def test_mailbox_json_lists_mails_newest_first():
    company = submitted_company()
    sandbox("request-document", "--email", company.email, "--title", "A", "--description", "")
    sandbox("make-live", "--email", company.email)
    Mail.objects.create(to="other@acme.test", subject="x", body="y", kind="z")

    rows = json.loads(sandbox("mailbox", "--to", company.email, "--json"))

    assert [row["kind"] for row in rows] == ["plan_proposal", "document_request"]
    assert set(rows[0]) == {"to", "subject", "body", "kind", "created"}
    text = sandbox("mailbox")
    assert "other@acme.test" in text
    assert "plan_proposal" in text


def test_an_unknown_email_is_a_command_error():
    for args in (
        ["approve"],
        ["reject", "--what", "profile", "--reason", "x"],
        ["request-document", "--title", "T", "--description", "D"],
        ["make-live"],
        ["crypto-deposit", "--coin", "btc", "--amount", "1"],
        ["notify", "--title", "T", "--description", "D"],
        ["expire-token"],
    ):
        with pytest.raises(CommandError, match="No company"):
            sandbox(args[0], "--email", "ghost@nowhere.test", *args[1:])
