"""The sandbox console: staff play compliance and back office through Django pages."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from codego.errors import SessionExpired, UpstreamUnavailable
from sandbox import actions
from sandbox.demo import DEMO_COMPANY, DEMO_EMAIL, seed_demo
from sandbox.models import (
    AdditionalDocument,
    Company,
    CompanyDocument,
    CryptoBalance,
    Fault,
    Iban,
    JournalEntry,
    Mail,
    Notification,
    Otp,
    PlanProposal,
    Transaction,
    WebToken,
)
from tests.conftest import build_transport, create_company, sign_in, submitted_company

pytestmark = pytest.mark.django_db

CONSOLE = "/sandbox/console/"
LOGIN = "/sandbox/console/login/"


@pytest.fixture
def staff() -> User:
    return User.objects.create_user("compliance", password="Staff-pass-1", is_staff=True)


@pytest.fixture
def console(client, staff) -> Client:
    client.force_login(staff)
    return client


def action_url(company: Company, action: str) -> str:
    return reverse("sandbox:console-company-action", args=[company.pk, action])


def post(client: Client, url: str, data: dict | None = None):
    """POST an action and follow the redirect back, as a browser does."""
    return client.post(url, data or {}, follow=True)


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def last_journal() -> JournalEntry:
    """The newest console entry (rendering a page also journals the brand's configSetting)."""
    console = JournalEntry.objects.filter(endpoint__startswith="console:")
    return console.order_by("-created", "-id").first()


def html(response) -> str:
    return response.content.decode()


# --- access -----------------------------------------------------------------------------


def test_routes_are_under_sandbox_console():
    assert reverse("sandbox:console") == CONSOLE
    assert reverse("sandbox:console-login") == LOGIN
    assert reverse("sandbox:console-logout") == "/sandbox/console/logout/"


@pytest.mark.parametrize("path", [CONSOLE, "/sandbox/console/reset/"])
def test_anonymous_is_redirected_to_the_console_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")


def test_anonymous_company_page_and_action_go_to_the_login(client):
    company = submitted_company()

    assert client.get(reverse("sandbox:console-company", args=[company.pk]))["Location"].startswith(
        LOGIN
    )
    response = client.post(action_url(company, "approve"), {"what": "all"})

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    company.refresh_from_db()
    assert company.company_status == Company.Step.PENDING
    assert not JournalEntry.objects.filter(endpoint__startswith="console:").exists()


def test_non_staff_user_is_refused(client):
    user = User.objects.create_user("customer", password="Plain-pass-1")
    client.force_login(user)

    response = client.get(CONSOLE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)

    page = client.get(response["Location"])
    assert "not a staff account" in html(page)
    company = submitted_company()
    client.post(action_url(company, "approve"), {"what": "all"})
    company.refresh_from_db()
    assert company.company_status == Company.Step.PENDING


def test_non_staff_cannot_sign_in(client):
    User.objects.create_user("customer", password="Plain-pass-1")

    response = client.post(LOGIN, {"username": "customer", "password": "Plain-pass-1"})

    assert response.status_code == 200
    assert "not a staff account" in html(response)
    assert client.get(CONSOLE).status_code == 302


def test_staff_login_works_and_keeps_the_customer_session(client, staff):
    customer = sign_in(create_company("customer@acme.test"))
    signed_in = {"user_id": customer.user_id, "web_token": customer.web_token, "is_live": True}
    session = client.session
    session["codego"] = signed_in
    session["last_activity"] = time.time()
    session.save()
    assert client.get(LOGIN).status_code == 200

    response = client.post(LOGIN, {"username": "compliance", "password": "Staff-pass-1"})

    assert response.status_code == 302
    assert response["Location"] == CONSOLE
    assert client.get(CONSOLE).status_code == 200
    assert client.session["codego"] == signed_in

    response = client.post(reverse("sandbox:console-logout"))

    assert response.status_code == 302
    assert client.get(CONSOLE).status_code == 302
    assert client.session["codego"] == signed_in


def test_login_follows_next(client, staff):
    company = submitted_company()
    target = reverse("sandbox:console-company", args=[company.pk])

    response = client.post(
        LOGIN, {"username": "compliance", "password": "Staff-pass-1", "next": target}
    )

    assert response["Location"] == target


def test_guessing_a_staff_password_is_throttled_like_the_portal_sign_in(client, staff, settings):
    settings.THROTTLE_PAIR_LIMIT = 3
    for _ in range(3):
        client.post(LOGIN, {"username": "compliance", "password": "a-guess"})
    # Even the right password waits now, and the page says until when.
    response = client.post(LOGIN, {"username": "compliance", "password": "Staff-pass-1"})
    assert response.status_code == 200
    assert "Too many attempts. Try again at" in response.content.decode()
    assert client.get(CONSOLE).status_code == 302


def test_a_staff_sign_in_clears_the_earlier_failures(client, staff, settings):
    settings.THROTTLE_EMAIL_FREE_FAILURES = 2
    right = {"username": "compliance", "password": "Staff-pass-1"}
    client.post(LOGIN, {"username": "compliance", "password": "a-guess"})
    assert client.post(LOGIN, right).status_code == 302
    client.post(reverse("sandbox:console-logout"))
    # Without the reset, this would be the second failure and the next try would wait.
    client.post(LOGIN, {"username": "compliance", "password": "a-guess"})
    assert client.post(LOGIN, right).status_code == 302


def test_wrong_password_is_refused(client, staff):
    response = client.post(LOGIN, {"username": "compliance", "password": "nope"})

    assert response.status_code == 200
    assert client.get(CONSOLE).status_code == 302


# --- pages ------------------------------------------------------------------------------


def test_company_list_shows_states_newest_first(console):
    live = create_company("live@acme.test", company_name="Live Company SA")
    pending = submitted_company("pending@acme.test", company_name="Pending Company BV")
    actions.request_document(email=pending.email, title="Bank letter")

    response = console.get(CONSOLE)
    page = html(response)

    assert response.status_code == 200
    assert "Live Company SA" in page
    assert "Pending Company BV" in page
    assert page.index("Pending Company BV") < page.index("Live Company SA")
    assert "awaiting verification" in page
    assert "verified" in page
    assert "not live" in page
    assert live.plan.plan_name in page
    row = page[page.index("Pending Company BV") :]
    row = row[: row.index("</tr>")]
    assert row.count("awaiting verification") == 3
    assert re.search(r">\s*1\s*<", row)  # one additional document pending
    assert 'scope="col"' in page


def test_company_list_search_by_email_or_name(console):
    create_company("alpha@acme.test", company_name="Alpha Ltd")
    create_company("beta@other.test", company_name="Beta Ltd")

    by_email = html(console.get(CONSOLE, {"q": "other.test"}))
    by_name = html(console.get(CONSOLE, {"q": "alpha"}))

    assert "Beta Ltd" in by_email
    assert "Alpha Ltd" not in by_email
    assert "Alpha Ltd" in by_name
    assert "Beta Ltd" not in by_name


def test_company_page_shows_everything(console):
    company = seed_demo()
    actions.request_document(email=company.email, title="Proof of address")
    pending = Transaction.objects.filter(
        iban__company=company, status=Transaction.Status.PENDING
    ).first()

    response = console.get(reverse("sandbox:console-company", args=[company.pk]))
    page = html(response)

    assert response.status_code == 200
    assert company.company_name in page
    assert company.email in page
    assert "Software" in page  # a profile field
    for document in company.documents.all():
        assert reverse("sandbox:file", args=[document.file.key]) in page
    assert company.director.first_name in page
    assert "Proof of address" in page
    for proposal in company.proposals.all():
        assert actions.plan_link(proposal).replace("&", "&amp;") in page
    for iban in company.ibans.all():
        assert iban.iban in page
        assert str(iban.balance) in page
    assert pending.trx_id in page
    assert "USDT" in page
    assert company.notifications.first().title in page
    assert Mail.objects.filter(to=company.email).first().subject in page
    for action in actions_on_page(company):
        assert action in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "style=" not in page
    assert "<script>" not in page


def actions_on_page(company: Company) -> list[str]:
    names = [
        "approve",
        "reject",
        "request-document",
        "credit",
        "settle",
        "crypto-deposit",
        "notify",
        "expire-token",
    ]
    return [action_url(company, name) for name in names]


def test_company_page_of_an_onboarding_company_offers_make_live(console):
    company = submitted_company()

    page = html(console.get(reverse("sandbox:console-company", args=[company.pk])))

    assert action_url(company, "make-live") in page
    assert "Ann" in page
    assert "awaiting verification" in page


def test_unknown_company_or_action_is_404(console):
    company = submitted_company()

    assert console.get(reverse("sandbox:console-company", args=[9999])).status_code == 404
    assert console.post(action_url(company, "explode")).status_code == 404


# --- compliance actions -------------------------------------------------------------------


def test_approve_all_verifies_every_step_and_is_journaled(console):
    company = submitted_company()

    response = post(console, action_url(company, "approve"), {"what": "all"})

    assert response.redirect_chain[-1][0] == reverse("sandbox:console-company", args=[company.pk])
    company.refresh_from_db()
    assert company.company_status == Company.Step.VERIFIED
    assert company.document_status == Company.Step.VERIFIED
    assert company.director_status == Company.Step.VERIFIED
    assert any("Approved" in text for text in page_messages(response))
    entry = last_journal()
    assert (entry.endpoint, entry.company_email, entry.http_status) == (
        "console:approve",
        company.email,
        200,
    )
    answer = build_transport().call("getCompanyStatus", {}, session=sign_in(company))
    assert answer["user"]["company_status"] == "2"


@pytest.mark.parametrize("what", ["profile", "documents", "director"])
def test_approve_one_step(console, what):
    company = submitted_company()

    post(console, action_url(company, "approve"), {"what": what})

    company.refresh_from_db()
    field = {"profile": "company_status", "documents": "document_status"}.get(
        what, "director_status"
    )
    assert getattr(company, field) == Company.Step.VERIFIED


def test_approve_additional_documents(console):
    company = submitted_company()
    document = actions.request_document(email=company.email, title="Bank letter")
    document.status = AdditionalDocument.Status.REVIEW
    document.save()

    post(console, action_url(company, "approve"), {"what": "additional"})

    document.refresh_from_db()
    assert document.status == AdditionalDocument.Status.VERIFIED


def test_an_action_error_is_shown_and_journaled_as_400(console):
    company = create_company("nothing@acme.test", live=False)

    response = post(console, action_url(company, "approve"), {"what": "profile"})

    assert "nothing submitted" in " ".join(page_messages(response))
    entry = last_journal()
    assert (entry.endpoint, entry.http_status) == ("console:approve", 400)
    assert "nothing submitted" in entry.outcome


@pytest.mark.parametrize(
    ("what", "reason", "status_key", "reason_key"),
    [
        ("profile", "VAT missing", "company_status", "company"),
        ("director", "Selfie blurry", "director_status", "director_kyc"),
    ],
)
def test_reject_with_reason_shows_in_get_company_status(
    console, what, reason, status_key, reason_key
):
    company = submitted_company()

    post(console, action_url(company, "reject"), {"what": what, "reason": reason})

    answer = build_transport().call("getCompanyStatus", {}, session=sign_in(company))
    assert answer["user"][status_key] == "3"
    assert answer[reason_key]["reject_reason"] == reason
    assert last_journal().endpoint == "console:reject"


@pytest.mark.parametrize("kind", CompanyDocument.Kind.values)
def test_reject_each_document_kind(console, kind):
    company = submitted_company()

    post(console, action_url(company, "reject"), {"what": kind, "reason": "Unreadable scan"})

    answer = build_transport().call("getCompanyDocumentStatus", {}, session=sign_in(company))
    assert answer["company_document"][kind]["status"] == "2"
    assert answer["company_document"][kind]["rejection_reason"] == "Unreadable scan"
    company.refresh_from_db()
    assert company.document_status == Company.Step.REJECTED


def test_reject_requires_a_reason(console):
    company = submitted_company()

    response = post(console, action_url(company, "reject"), {"what": "profile", "reason": " "})

    company.refresh_from_db()
    assert company.company_status == Company.Step.PENDING
    assert page_messages(response)
    assert (last_journal().endpoint, last_journal().http_status) == ("console:reject", 400)


def test_request_document(console):
    company = submitted_company()

    post(
        console,
        action_url(company, "request-document"),
        {"title": "Bank reference letter", "description": "Less than 3 months old."},
    )

    document = company.additional_documents.get()
    assert document.status == AdditionalDocument.Status.REQUESTED
    answer = build_transport().call("getCompanyStatus", {}, session=sign_in(company))
    assert answer["additonal_documents"][0]["title"] == "Bank reference letter"
    assert last_journal().endpoint == "console:request-document"


def test_make_live_without_accept_proposes_the_plan(console):
    company = submitted_company()
    actions.approve(email=company.email)

    post(console, action_url(company, "make-live"), {})

    company.refresh_from_db()
    assert not company.is_live
    assert company.proposals.get().status == PlanProposal.Status.PENDING
    assert Mail.objects.filter(to=company.email, kind="plan_proposal").exists()


def test_make_live_with_accept_makes_the_company_live_with_an_iban(console):
    company = submitted_company()
    actions.approve(email=company.email)

    response = post(console, action_url(company, "make-live"), {"accept": "on"})

    company.refresh_from_db()
    assert company.is_live
    assert company.ibans.exists()
    assert company.proposals.get().status == PlanProposal.Status.ACCEPTED
    assert company.ibans.get().iban in html(response)
    assert last_journal().endpoint == "console:make-live"


# --- back office --------------------------------------------------------------------------


def test_credit_adds_to_the_balance(console):
    company = create_company("money@acme.test", balance=Decimal("100.00"))
    iban = company.ibans.get()
    fee = company.plan.fee(Decimal("250.00"), instant=False, outbound=False)

    response = post(
        console,
        action_url(company, "credit"),
        {"iban": iban.iban, "amount": "250.00", "name": "Globex"},
    )

    iban.refresh_from_db()
    assert iban.balance == Decimal("350.00") - fee
    assert iban.transactions.get().counterparty_name == "Globex"
    assert any("Credited" in text for text in page_messages(response))
    entry = last_journal()
    assert (entry.endpoint, entry.company_email, entry.http_status) == (
        "console:credit",
        company.email,
        200,
    )


def test_credit_refuses_another_companys_iban(console):
    company = create_company("money@acme.test")
    other = create_company("other@acme.test")
    before = other.ibans.get().balance

    post(
        console,
        action_url(company, "credit"),
        {"iban": other.ibans.get().iban, "amount": "10", "name": "X"},
    )

    assert other.ibans.get().balance == before
    assert last_journal().http_status == 400


def test_settle_completes_a_pending_transfer(console):
    company = seed_demo()
    trx = Transaction.objects.filter(
        iban__company=company, status=Transaction.Status.PENDING
    ).first()
    balance = trx.iban.balance

    post(console, action_url(company, "settle"), {"trx": trx.trx_id, "decision": "settle"})

    trx.refresh_from_db()
    assert trx.status == Transaction.Status.COMPLETED
    assert Iban.objects.get(pk=trx.iban_id).balance == balance
    assert last_journal().endpoint == "console:settle"


def test_reject_pending_transfer_refunds_it(console):
    company = seed_demo()
    trx = Transaction.objects.filter(
        iban__company=company, status=Transaction.Status.PENDING, type="debit"
    ).first()
    balance = trx.iban.balance

    post(
        console,
        action_url(company, "settle"),
        {"trx": trx.trx_id, "decision": "reject", "reason": "Beneficiary account closed"},
    )

    trx.refresh_from_db()
    assert trx.status == Transaction.Status.FAILED
    assert trx.failure_reason == "Beneficiary account closed"
    assert Iban.objects.get(pk=trx.iban_id).balance == balance + trx.amount + trx.fees


def test_reject_pending_transfer_needs_a_reason(console):
    company = seed_demo()
    trx = Transaction.objects.filter(
        iban__company=company, status=Transaction.Status.PENDING
    ).first()

    post(console, action_url(company, "settle"), {"trx": trx.trx_id, "decision": "reject"})

    trx.refresh_from_db()
    assert trx.status == Transaction.Status.PENDING
    assert last_journal().http_status == 400


def test_settle_refuses_a_transfer_of_another_company(console):
    demo = seed_demo()
    other = create_company("other@acme.test")
    trx = Transaction.objects.filter(iban__company=demo, status=Transaction.Status.PENDING).first()

    post(console, action_url(other, "settle"), {"trx": trx.trx_id, "decision": "settle"})

    trx.refresh_from_db()
    assert trx.status == Transaction.Status.PENDING


def test_crypto_deposit(console):
    company = create_company("coins@acme.test")

    post(console, action_url(company, "crypto-deposit"), {"coin": "btc", "amount": "0.125"})

    assert CryptoBalance.objects.get(company=company, coin="btc").balance == Decimal("0.125")
    assert last_journal().endpoint == "console:crypto-deposit"


def test_crypto_deposit_refuses_an_unknown_coin(console):
    company = create_company("coins@acme.test")

    post(console, action_url(company, "crypto-deposit"), {"coin": "doge", "amount": "1"})

    assert not CryptoBalance.objects.exists()
    assert last_journal().http_status == 400


def test_notify(console):
    company = create_company("note@acme.test")

    post(
        console,
        action_url(company, "notify"),
        {"title": "Maintenance", "description": "Tonight from 22:00."},
    )

    note = Notification.objects.get(company=company)
    assert (note.title, note.description) == ("Maintenance", "Tonight from 22:00.")
    assert last_journal().endpoint == "console:notify"


def test_expire_token(console):
    company = create_company("tok@acme.test")
    credentials = sign_in(company)

    post(console, action_url(company, "expire-token"))

    assert not WebToken.objects.filter(company=company, revoked=False).exists()
    with pytest.raises(SessionExpired):
        build_transport().call("dashboard", {}, session=credentials)
    assert last_journal().endpoint == "console:expire-token"


def test_seed_demo_button(console):
    response = post(console, reverse("sandbox:console-seed"))

    assert Company.objects.get(email=DEMO_EMAIL).is_live
    assert last_journal().endpoint == "console:seed-demo"
    assert DEMO_COMPANY in html(response)


# --- CSRF and methods ---------------------------------------------------------------------


def test_post_without_csrf_token_is_refused(staff):
    company = submitted_company()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(action_url(company, "approve"), {"what": "all"})
    reset = client.post(reverse("sandbox:console-reset"), {"confirm": "on"})

    assert response.status_code == 403
    assert reset.status_code == 403
    company.refresh_from_db()
    assert company.company_status == Company.Step.PENDING
    assert Company.objects.exists()


@pytest.mark.parametrize(
    "action",
    [
        "approve",
        "reject",
        "request-document",
        "make-live",
        "credit",
        "settle",
        "crypto-deposit",
        "notify",
        "expire-token",
    ],
)
def test_get_on_company_action_urls_is_refused(console, action):
    company = submitted_company()

    assert console.get(action_url(company, action)).status_code == 405


@pytest.mark.parametrize(
    "name", ["console-seed", "console-fault-set", "console-faults-clear", "console-logout"]
)
def test_get_on_bank_action_urls_is_refused(console, name):
    assert console.get(reverse(f"sandbox:{name}")).status_code == 405


def test_get_on_fault_clear_is_refused(console):
    fault = actions.set_fault(endpoint="login", http_status=503)

    assert console.get(reverse("sandbox:console-fault-clear", args=[fault.pk])).status_code == 405
    assert Fault.objects.exists()


# --- faults -------------------------------------------------------------------------------


def test_fault_panel_lists_every_endpoint(console):
    from sandbox.api import ENDPOINTS

    page = html(console.get(CONSOLE))

    for name in ENDPOINTS:
        assert f'value="{name}"' in page
    assert 'value="*"' in page


def test_fault_set_makes_calls_fail_and_clear_restores_them(console):
    post(
        console,
        reverse("sandbox:console-fault-set"),
        {"endpoint": "getCountriesList", "kind": "status", "http_status": "500", "error_rate": "1"},
    )

    fault = Fault.objects.get(endpoint="getCountriesList")
    assert fault.http_status == 500
    assert last_journal().endpoint == "console:fault"
    with pytest.raises(UpstreamUnavailable):
        build_transport().call("getCountriesList", {})
    page = html(console.get(CONSOLE))
    assert "HTTP 500" in page
    assert reverse("sandbox:console-fault-clear", args=[fault.pk]) in page

    post(console, reverse("sandbox:console-fault-clear", args=[fault.pk]))

    assert not Fault.objects.exists()
    assert last_journal().endpoint == "console:fault-clear"
    assert build_transport().call("getCountriesList", {})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"kind": "timeout"}, ("timeout", True)),
        ({"kind": "garbage"}, ("garbage", True)),
        ({"kind": "latency", "latency_ms": "250"}, ("latency_ms", 250)),
    ],
)
def test_fault_kinds(console, data, expected):
    post(
        console,
        reverse("sandbox:console-fault-set"),
        {"endpoint": "*", "error_rate": "0.5", **data},
    )

    fault = Fault.objects.get(endpoint="*")
    assert getattr(fault, expected[0]) == expected[1]
    assert fault.error_rate == 0.5


def test_fault_form_errors_are_refused(console):
    response = post(
        console,
        reverse("sandbox:console-fault-set"),
        {"endpoint": "nope", "kind": "status", "error_rate": "1"},
    )

    assert not Fault.objects.exists()
    assert page_messages(response)
    assert last_journal().http_status == 400


def test_clear_all_faults(console):
    actions.set_fault(endpoint="login", http_status=503)
    actions.set_fault(endpoint="*", timeout=True)

    post(console, reverse("sandbox:console-faults-clear"))

    assert not Fault.objects.exists()
    assert last_journal().endpoint == "console:fault-clear-all"


# --- reset --------------------------------------------------------------------------------


def test_reset_requires_confirmation(console):
    create_company("keep@acme.test")

    assert 'name="confirm"' in html(console.get(reverse("sandbox:console-reset")))
    refused = console.post(reverse("sandbox:console-reset"), {})

    assert refused.status_code == 400
    assert Company.objects.exists()

    post(console, reverse("sandbox:console-reset"), {"confirm": "on"})

    assert not Company.objects.exists()
    assert last_journal().endpoint == "console:reset"
    assert User.objects.filter(username="compliance").exists()


# --- journal ------------------------------------------------------------------------------


def test_journal_shows_recent_calls_and_no_secrets(console):
    company = create_company("secret@acme.test", password="Known-secret-pass-77")
    transport = build_transport()
    transport.call("login", {"email": company.email, "password": "Known-secret-pass-77"})
    with pytest.raises(Exception):  # noqa: B017, PT011 - a refused login, whatever its class
        transport.call("login", {"email": company.email, "password": "Wrong-secret-pass-88"})
    code = Otp.objects.filter(company=company).latest("created").code

    page = html(console.get(CONSOLE))

    journal = page[page.index('id="journal"') :]
    assert ">login<" in journal
    assert company.email in journal
    assert "Known-secret-pass-77" not in page
    assert "Wrong-secret-pass-88" not in page
    assert not re.search(rf"(?<!\d){code}(?!\d)", page)
    for entry in JournalEntry.objects.all():
        assert "Known-secret-pass-77" not in entry.outcome
        assert code not in entry.outcome


def test_journal_shows_at_most_50_rows(console):
    JournalEntry.objects.bulk_create(
        JournalEntry(endpoint=f"call{i}", http_status=200, outcome="ok", milliseconds=1)
        for i in range(60)
    )

    response = console.get(CONSOLE)

    assert len(response.context["journal"]) == 50


# --- create-staff -------------------------------------------------------------------------


def test_create_staff_command_creates_and_updates_a_staff_user(client):
    out = StringIO()
    call_command(
        "sandbox", "create-staff", "--username", "staff", "--password", "First-pass-1", stdout=out
    )

    user = User.objects.get(username="staff")
    assert user.is_staff
    assert user.check_password("First-pass-1")
    assert "First-pass-1" not in out.getvalue()

    call_command(
        "sandbox",
        "create-staff",
        "--username",
        "staff",
        "--password",
        "Second-pass-2",
        "--email",
        "staff@bank.test",
        stdout=StringIO(),
    )

    user.refresh_from_db()
    assert user.check_password("Second-pass-2")
    assert user.email == "staff@bank.test"
    assert User.objects.count() == 1
    response = client.post(LOGIN, {"username": "staff", "password": "Second-pass-2"})
    assert response["Location"] == CONSOLE


def test_create_staff_with_email_only():
    call_command(
        "sandbox",
        "create-staff",
        "--email",
        "ops@bank.test",
        "--password",
        "Ops-pass-1",
        stdout=StringIO(),
    )

    user = User.objects.get(username="ops@bank.test")
    assert user.is_staff
    assert user.email == "ops@bank.test"
