"""Confirmed transfers settle by themselves after SANDBOX_SETTLE_SECONDS, or fail when marked.

The clock is frozen with time-machine and moved by hand; the settlement happens when the
company's next signed-in call arrives, so each test reads through the real transport.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from codego.transport import Transport
from codego.types import Credentials
from sandbox import actions, api, bank
from sandbox.demo import seed_demo
from sandbox.models import Company, Iban, Notification, Transaction, WebToken
from tests.conftest import journal_calls, latest_code, sign_in
from tests.test_sandbox_banking import PDF, add_beneficiary, confirm, main_iban, send

pytestmark = pytest.mark.django_db

OPENING = Decimal("5000.00")


@pytest.fixture(autouse=True)
def _settle_after_30_seconds(settings) -> None:
    settings.SANDBOX_SETTLE_SECONDS = 30
    settings.SANDBOX_TOKEN_TTL = 30 * 24 * 3600  # the clock jumps; the session must not lapse


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(clock, live_company) -> Credentials:
    return sign_in(live_company)


def pay(transport: Transport, session: Credentials, company: Company, amount: str) -> Transaction:
    """A transfer sent and confirmed with its OTP: Pending, its total debited."""
    unique_id = send(transport, session, company, add_beneficiary(transport, session), amount)
    confirm(transport, session, unique_id, latest_code(company.email, "payment_otp"))
    return Transaction.objects.get(unique_id=unique_id)


def status_read_by_the_company(transport: Transport, session: Credentials, trx: Transaction) -> str:
    detail = transport.call(
        "iban_transaction_detail", {"unique_id": trx.unique_id}, session=session
    )
    return detail["trx"]["status"]


def balance(company: Company) -> Decimal:
    return Iban.objects.get(pk=main_iban(company).pk).balance


def test_a_confirmed_transfer_turns_from_pending_to_completed_after_the_delay(
    transport, live_company, session, clock
):
    trx = pay(transport, session, live_company, "100.00")
    assert balance(live_company) == OPENING - Decimal("101.00")  # amount + the 1.00 SEPA fee

    clock.shift(timedelta(seconds=29))
    assert status_read_by_the_company(transport, session, trx) == "Pending"

    clock.shift(timedelta(seconds=2))
    assert status_read_by_the_company(transport, session, trx) == "Completed"
    assert balance(live_company) == OPENING - Decimal("101.00")  # booked once, at the OTP
    assert Notification.objects.filter(company=live_company, title="Transfer completed").exists()
    assert journal_calls("bank:settle") == 1

    transport.call("dashboard", session=session)
    assert journal_calls("bank:settle") == 1  # settled once, never again


def test_any_signed_in_call_settles_what_is_due_before_it_answers(
    transport, live_company, session, clock
):
    trx = pay(transport, session, live_company, "40.00")
    clock.shift(timedelta(seconds=31))

    dashboard = transport.call("dashboard", session=session)

    (row,) = [t for t in dashboard["transactions"] if t["unique_id"] == trx.unique_id]
    assert row["status"] == "Completed"


def test_a_transfer_marked_to_fail_fails_when_due_and_gives_the_money_back(
    transport, live_company, session, clock
):
    trx = pay(transport, session, live_company, "100.00")
    actions.fail_on_settle(trx=trx.trx_id, reason="Beneficiary account closed")

    clock.shift(timedelta(seconds=10))
    assert status_read_by_the_company(transport, session, trx) == "Pending"
    clock.shift(timedelta(seconds=25))
    assert status_read_by_the_company(transport, session, trx) == "Failed"

    trx.refresh_from_db()
    assert trx.failure_reason == "Beneficiary account closed"
    assert balance(live_company) == OPENING
    failed = Notification.objects.get(company=live_company, title="Transfer failed")
    assert "101.00 EUR went back" in failed.description


def test_zero_seconds_means_transfers_settle_only_when_staff_settle_them(
    transport, live_company, session, clock, settings
):
    settings.SANDBOX_SETTLE_SECONDS = 0
    trx = pay(transport, session, live_company, "100.00")

    clock.shift(timedelta(days=3))
    assert status_read_by_the_company(transport, session, trx) == "Pending"
    assert journal_calls("bank:settle") == 0

    actions.settle(trx=trx.trx_id)
    assert status_read_by_the_company(transport, session, trx) == "Completed"


def test_a_transfer_waiting_for_its_document_settles_only_after_the_upload(
    transport, live_company, session, clock
):
    actions.credit(iban=main_iban(live_company).iban, amount="20000.00")
    trx = pay(transport, session, live_company, "10500.00")  # above the document threshold
    assert trx.is_upload_document == 1

    clock.shift(timedelta(hours=1))
    assert status_read_by_the_company(transport, session, trx) == "Pending"

    transport.call(
        "iban_uploadtrxdoc",
        {"trx_id": trx.trx_id},
        session=session,
        files={"trx_document": ("invoice.pdf", PDF, "application/pdf")},
    )
    clock.shift(timedelta(seconds=29))
    assert status_read_by_the_company(transport, session, trx) == "Pending"
    clock.shift(timedelta(seconds=2))
    assert status_read_by_the_company(transport, session, trx) == "Completed"


def test_the_demo_history_keeps_its_pending_transfers_until_staff_settle_them(transport, clock):
    company = seed_demo()
    demo_session = sign_in(company)
    pending = Transaction.objects.filter(iban__company=company, status="Pending").count()
    assert pending

    clock.shift(timedelta(days=1))
    transport.call("iban_list", session=demo_session)

    assert Transaction.objects.filter(iban__company=company, status="Pending").count() == pending
    seeded = Transaction.objects.filter(iban__company=company, status="Pending").first()
    with pytest.raises(actions.ActionError, match="never settles by itself"):
        actions.fail_on_settle(trx=seeded.trx_id, reason="Fraud check")


def test_the_command_marks_a_pending_transfer_to_fail_when_it_settles(
    transport, live_company, session, clock
):
    trx = pay(transport, session, live_company, "20.00")
    out = StringIO()

    call_command(
        "sandbox", "settle", "--trx", trx.trx_id, "--fail-when-due", "--reason", "Fraud check",
        stdout=out,
    )  # fmt: skip

    assert "will fail when it settles (Fraud check)" in out.getvalue()
    trx.refresh_from_db()
    assert (trx.status, trx.fail_on_settle) == ("Pending", "Fraud check")
    clock.shift(timedelta(seconds=31))
    assert status_read_by_the_company(transport, session, trx) == "Failed"


def test_marking_to_fail_needs_a_reason_and_a_pending_transfer(transport, live_company, session):
    trx = pay(transport, session, live_company, "20.00")
    with pytest.raises(actions.ActionError, match="reason"):
        actions.fail_on_settle(trx=trx.trx_id, reason=" ")
    actions.settle(trx=trx.trx_id)
    with pytest.raises(actions.ActionError, match="only Pending"):
        actions.fail_on_settle(trx=trx.trx_id, reason="Too late")


def test_the_console_marks_a_pending_transfer_to_fail_when_it_settles(
    client, transport, live_company, session, django_user_model
):
    staff = django_user_model.objects.create_user("ops", password="Staff-pass-1", is_staff=True)
    client.force_login(staff)
    trx = pay(transport, session, live_company, "20.00")
    url = reverse("sandbox:console-company-action", args=[live_company.pk, "settle"])

    page = client.get(reverse("sandbox:console-company", args=[live_company.pk]))
    assert "Fail when it settles" in page.content.decode()
    assert "settles by itself 30 seconds after" in page.content.decode()

    client.post(url, {"trx": trx.trx_id, "decision": "fail-when-due"}, follow=True)
    trx.refresh_from_db()
    assert trx.fail_on_settle == ""  # refused: no reason given
    response = client.post(
        url,
        {"trx": trx.trx_id, "decision": "fail-when-due", "reason": "Sanctions hit"},
        follow=True,
    )

    trx.refresh_from_db()
    assert (trx.status, trx.fail_on_settle) == ("Pending", "Sanctions hit")
    assert "will fail when it settles" in response.content.decode()
    assert journal_calls("console:settle") == 2


def test_the_quick_look_for_due_transfers_agrees_with_their_definition(
    live_company, clock, settings
):
    """bank.any_due and the pipeline's session read (plain SQL, asked before every call)
    and bank.due_transfers (the ORM)."""
    iban = main_iban(live_company)
    other = seed_demo(email="other@example.test", password="Other-pass-2026")
    now = timezone.now()

    def add(target: Iban, status: str, since_seconds: int | None, document: int = 0) -> None:
        number = Transaction.objects.count()
        Transaction.objects.create(
            iban=target,
            trx_id=f"PROBE{number}",
            transaction_id=f"PROBE{number}",
            type=Transaction.Kind.DEBIT,
            amount=Decimal("1.00"),
            counterparty_name="Payee",
            description="probe",
            status=status,
            is_upload_document=document,
            pending_since=None if since_seconds is None else now - timedelta(seconds=since_seconds),
        )

    WebToken.objects.create(company=live_company, token="due-probe-token")

    def both() -> tuple[bool, bool]:
        call = api.Call("iban_transaction", {"web_token": "due-probe-token"})
        api.authenticate_session(call)
        assert call.transfers_due == bank.any_due(live_company)
        return bank.any_due(live_company), bank.due_transfers(live_company).exists()

    Transaction.objects.filter(iban__company=live_company).delete()
    add(iban, Transaction.Status.PENDING, None)  # the demo history's: staff settle those
    add(iban, Transaction.Status.COMPLETED, 3600)
    add(iban, Transaction.Status.PENDING, 3600, document=1)  # waits for its document
    add(Iban.objects.filter(company=other).first(), Transaction.Status.PENDING, 3600)
    add(iban, Transaction.Status.PENDING, 29)
    assert both() == (False, False)
    clock.shift(timedelta(seconds=1))
    assert both() == (True, True)  # 30 seconds: due exactly then
    settings.SANDBOX_SETTLE_SECONDS = 60
    assert both() == (False, False)
    add(iban, Transaction.Status.PENDING, 3600, document=2)  # its document arrived
    assert both() == (True, True)
