"""The simulated bank's IBAN banking, through the real transport: accounts, payees, transfers."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from schwifty import IBAN

from codego.errors import ApiError
from codego.transport import Transport
from codego.types import Credentials
from sandbox import bank
from sandbox.models import Beneficiary, Company, Iban, Mail, Notification, Plan, Transaction
from tests.conftest import create_company, latest_code, sign_in

BRUSSELS = ZoneInfo("Europe/Brussels")
DE_IBAN = "DE89 3704 0044 0532 0130 00"
NL_IBAN = "NL91ABNA0417164300"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64
SEND_MESSAGE = "Please check your email. We have sent One-Time Password (OTP) for this transaction."
CONFIRM_MESSAGE = (
    "On live we have sent you an email with biometric verification link. Please check your "
    "inbox and complete the verification to process this outbound transaction."
)
_numbers = count(1)


def main_iban(company: Company) -> Iban:
    return company.ibans.order_by("id").first()


def add_beneficiary(
    transport: Transport, session: Credentials, account: str = DE_IBAN, **fields: str
) -> str:
    data = {"type": "personal", "account": account, "first_name": "Jane", "last_name": "Doe"}
    data.update(fields)
    return transport.call("addbeneficary", data, session=session)["beneficiaries_id"]


def send(
    transport: Transport,
    session: Credentials,
    company: Company,
    beneficiary_id: str,
    amount: object = "100.00",
    option: str = "sepa",
    reason: str = "Invoice 42",
) -> str:
    answer = transport.call(
        "iban_sendmoney",
        {
            "amount": amount,
            "payment_option": option,
            "reason_payment": reason,
            "iban_id": str(main_iban(company).pk),
            "beneficiaries_id": beneficiary_id,
        },
        session=session,
    )
    assert answer["message"] == SEND_MESSAGE
    return answer["unique_id"]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def confirm(transport: Transport, session: Credentials, unique_id: str, code: str) -> dict:
    return transport.call("iban_confirmotp", {"unique_id": unique_id, "otp": code}, session=session)


def make_trx(
    iban: Iban,
    *,
    amount: str = "10.00",
    fees: str = "0.00",
    kind: str = "credit",
    status: str = "Completed",
    name: str = "Jane Doe",
    reason: str = "Invoice",
    created: datetime | None = None,
) -> Transaction:
    number = next(_numbers)
    verb = "send" if kind == "debit" else "receive"
    return Transaction.objects.create(
        iban=iban,
        trx_id=f"TRX{number:012d}",
        transaction_id=f"{10_000_000 + number}",
        type=kind,
        amount=Decimal(amount),
        fees=Decimal(fees),
        counterparty_name=name,
        reason_payment=reason,
        description=f"{verb} {amount} EUR {name}",
        status=status,
        created=created or datetime(2024, 3, 10, 12, 0, tzinfo=BRUSSELS),
    )


# --- dashboard and IBANs ----------------------------------------------------------------


def test_the_dashboard_has_every_documented_key_with_the_documented_types(
    transport, live_company, live_session
):
    add_beneficiary(transport, live_session)
    iban = main_iban(live_company)
    for day in range(1, 8):
        make_trx(iban, created=datetime(2024, 3, day, 9, 0, tzinfo=BRUSSELS))
    make_trx(iban, status="Awaiting OTP", created=datetime(2024, 3, 9, 9, 0, tzinfo=BRUSSELS))

    board = transport.call("dashboard", session=live_session)

    assert set(board["beneficiaries"][0]) == {
        "account_type", "beneficiaries_id", "bic", "date", "email", "iban", "image", "name",
        "risklevel",
    }  # fmt: skip
    assert board["beneficiaries"][0]["name"] == "Jane Doe"
    assert board["ibans"] == [
        {
            "balance": "5000.00",
            "bic": iban.bic,
            "currency": "EUR",
            "iban": iban.iban,
            "iban_id": str(iban.pk),
            "label": "Main account",
        }
    ]
    assert board["protFolio"] == "5000.00"
    assert board["userplan"] == {
        "plan_name": "Basic Plan Low Risk",
        "no_vc": "2",
        "no_plastic_card": "1",
        "no_vpc": "0",
    }
    rows = board["transactions"]
    assert len(rows) == 5  # the latest five; the one awaiting its OTP is not shown
    assert [r["created"][:10] for r in rows] == [f"2024-03-0{d}" for d in (7, 6, 5, 4, 3)]
    assert set(rows[0]) == {
        "amount", "beneficiary_name", "created", "currency", "description", "fees",
        "reason_payment", "status", "transaction_id", "trx_id", "type", "unique_id",
    }  # fmt: skip
    assert all(isinstance(value, str) for value in rows[0].values())
    assert rows[0]["currency"] == "eur"
    assert rows[0]["beneficiary_name"] == "Jane Doe"


def test_the_dashboard_for_one_iban_shows_only_that_iban_and_its_transactions(
    transport, live_company, live_session
):
    second = bank.open_iban(live_company, "Payroll")
    second.balance = Decimal("250.50")
    second.save()
    make_trx(main_iban(live_company), name="Main payer")
    make_trx(second, name="Payroll payer")

    board = transport.call("dashboard", {"iban_id": str(second.pk)}, session=live_session)

    assert [i["iban_id"] for i in board["ibans"]] == [str(second.pk)]
    assert board["protFolio"] == "250.50"
    assert [t["beneficiary_name"] for t in board["transactions"]] == ["Payroll payer"]
    assert transport.call("dashboard", session=live_session)["protFolio"] == "5250.50"


def test_the_dashboard_refuses_an_iban_of_another_company(transport, live_session):
    other = create_company("other@acme.test")
    with pytest.raises(ApiError, match="iban_id"):
        transport.call("dashboard", {"iban_id": str(main_iban(other).pk)}, session=live_session)


def test_create_iban_opens_a_checksummed_iban_that_iban_list_shows(
    transport, live_company, live_session
):
    answer = transport.call("createIban", {"label": "Invoices"}, session=live_session)

    assert answer["status"] == 1
    assert answer["message"] == "IBAN created successfully"
    listed = transport.call("iban_list", session=live_session)["ibans"]
    assert [i["label"] for i in listed] == ["Main account", "Invoices"]
    new = listed[1]
    assert new["iban_id"] == answer["iban_id"]
    assert new["balance"] == "0.00"
    assert new["currency"] == "EUR"
    assert str(IBAN(new["iban"])) == new["iban"]  # schwifty checks the checksum


def test_create_iban_needs_a_label_of_at_most_fifty_characters(transport, live_session):
    with pytest.raises(ApiError, match="label"):
        transport.call("createIban", {"label": ""}, session=live_session)
    with pytest.raises(ApiError, match="label"):
        transport.call("createIban", {"label": "x" * 51}, session=live_session)
    transport.call("createIban", {"label": "x" * 50}, session=live_session)


def test_a_company_holds_at_most_ten_ibans(transport, live_company, live_session):
    for number in range(9):
        transport.call("createIban", {"label": f"Account {number}"}, session=live_session)
    with pytest.raises(ApiError, match="at most 10"):
        transport.call("createIban", {"label": "Eleventh"}, session=live_session)
    assert live_company.ibans.count() == 10


def test_a_company_that_is_not_live_cannot_write_and_reads_nothing(transport):
    company = create_company("new@acme.test", live=False)
    session = sign_in(company)
    bank.notify(company, "Welcome", "Finish your onboarding.")

    for name, data in [
        ("createIban", {"label": "Main"}),
        ("addbeneficary", {"type": "personal", "account": DE_IBAN, "first_name": "A"}),
        ("beneficiaries_delete", {"beneficiaries_id": "1"}),
        ("iban_sendmoney", {"amount": "10.00"}),
        ("iban_confirmotp", {"unique_id": "x", "otp": "123456"}),
        ("iban_uploadtrxdoc", {"trx_id": "TRX1"}),
        ("downloadinvoice", {"trx_id": "TRX1"}),
        ("bankstatement", {"from_date": "2024-01-01", "to_date": "2024-01-31"}),
    ]:
        with pytest.raises(ApiError, match="not active yet"):
            transport.call(name, data, session=session)

    assert transport.call("iban_list", session=session)["ibans"] == []
    assert transport.call("beneficiaries_list", session=session)["beneficiary"] == []
    board = transport.call("dashboard", session=session)
    assert board["ibans"] == board["beneficiaries"] == board["transactions"] == []
    assert board["protFolio"] == "0.00"
    history = transport.call("iban_transaction", session=session)
    assert (history["trx"], history["num_rows"], history["total_page"]) == ([], 0, 0)
    assert transport.call("getSelectPlan", session=session) == {
        "status": 1,
        "plan": None,
        "cardList": [],
    }
    assert len(transport.call("notification", session=session)["notifications"]) == 1


# --- beneficiaries ----------------------------------------------------------------------


def test_a_beneficiary_gets_its_bic_and_the_risk_of_its_country(transport, live_session):
    answer = transport.call(
        "addbeneficary",
        {
            "type": "personal",
            "account": DE_IBAN,
            "first_name": "Jane",
            "last_name": "Doe",
            "email": "jane@example.test",
        },
        session=live_session,
    )
    assert answer["status"] == 1
    assert answer["message"] == "success."
    add_beneficiary(
        transport,
        live_session,
        "TR330006100519786457841326",
        type="business",
        company_name="Istanbul Trade AS",
    )
    add_beneficiary(transport, live_session, "AL47212110090000000235698741")
    add_beneficiary(transport, live_session, "MU17BOMM0101101030300200000MUR")

    listed = transport.call("beneficiaries_list", session=live_session)["beneficiary"]
    by_iban = {b["iban"]: b for b in listed}
    jane = by_iban["DE89370400440532013000"]
    assert jane["beneficiaries_id"] == answer["beneficiaries_id"]
    # The BIC schwifty's bank registry gives for the IBAN: Commerzbank's head office.
    assert jane["bic"] == str(IBAN("DE89370400440532013000").bic)
    assert jane["bic"].startswith("COBADEFF")
    assert jane["risklevel"] == "low"
    assert jane["email"] == "jane@example.test"
    assert jane["account_type"] == "sepa"
    assert jane["image"] == ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", jane["date"])
    business = by_iban["TR330006100519786457841326"]
    assert (business["name"], business["risklevel"], business["bic"]) == (
        "Istanbul Trade AS",
        "medium",
        "",
    )
    assert by_iban["AL47212110090000000235698741"]["risklevel"] == "high"
    assert by_iban["MU17BOMM0101101030300200000MUR"]["risklevel"] == "medium"  # not listed


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"account": "DE89370400440532013001"}, "Invalid IBAN."),
        ({"account": "not an iban"}, "Invalid IBAN."),
        ({"account": ""}, "account"),
        ({"last_name": ""}, "last_name"),
        ({"first_name": ""}, "first_name"),
        ({"type": "business", "company_name": ""}, "company_name"),
        ({"type": "robot"}, "type"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_a_beneficiary_with_a_missing_or_invalid_field_is_refused(
    transport, live_session, fields, message
):
    with pytest.raises(ApiError, match=re.escape(message)):
        add_beneficiary(transport, live_session, **fields)
    assert not Beneficiary.objects.exists()


def test_the_same_iban_twice_or_the_companys_own_iban_is_refused(
    transport, live_company, live_session
):
    add_beneficiary(transport, live_session)
    with pytest.raises(ApiError, match=re.escape("This beneficiary already exists.")):
        add_beneficiary(transport, live_session, "de89370400440532013000")
    with pytest.raises(ApiError, match="own IBAN"):
        add_beneficiary(transport, live_session, main_iban(live_company).iban)


def test_a_beneficiary_image_is_judged_by_its_content_and_served_inline(
    transport, live_session, client
):
    with pytest.raises(ApiError, match="PNG or JPEG"):
        transport.call(
            "addbeneficary",
            {"type": "personal", "account": DE_IBAN, "first_name": "J", "last_name": "D"},
            session=live_session,
            files={"beneficiary_image": ("photo.png", b"<svg onload=alert(1)>", "image/png")},
        )
    with pytest.raises(ApiError, match="2 MB"):
        transport.call(
            "addbeneficary",
            {"type": "personal", "account": DE_IBAN, "first_name": "J", "last_name": "D"},
            session=live_session,
            files={"beneficiary_image": ("big.png", PNG + b"\x00" * 3 * 1024 * 1024, "image/png")},
        )
    transport.call(
        "addbeneficary",
        {"type": "personal", "account": DE_IBAN, "first_name": "J", "last_name": "D"},
        session=live_session,
        files={"beneficiary_image": ("photo.bin", JPEG, "application/octet-stream")},
    )

    image = transport.call("beneficiaries_list", session=live_session)["beneficiary"][0]["image"]
    assert image.startswith(reverse("sandbox:file", args=["x"])[:-1])
    response = client.get(image)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == JPEG
    assert client.get(reverse("sandbox:file", args=["unknown"])).status_code == 404


def test_an_account_of_another_customer_of_this_bank_gets_the_banks_bic(transport, live_session):
    other = create_company("other@acme.test")
    add_beneficiary(transport, live_session, main_iban(other).iban)
    listed = transport.call("beneficiaries_list", session=live_session)["beneficiary"]
    assert listed[0]["bic"] == bank.BANK_BIC
    assert listed[0]["risklevel"] == "low"  # Lithuania


def test_a_deleted_beneficiary_disappears_but_past_transfers_keep_its_name(
    transport, live_company, live_session
):
    beneficiary_id = add_beneficiary(transport, live_session)
    unique_id = send(transport, live_session, live_company, beneficiary_id)
    confirm(transport, live_session, unique_id, latest_code(live_company.email, "payment_otp"))

    answer = transport.call(
        "beneficiaries_delete", {"beneficiaries_id": beneficiary_id}, session=live_session
    )

    assert answer == {"status": 1, "message": "beneficiary deleted successfully"}
    assert transport.call("beneficiaries_list", session=live_session)["beneficiary"] == []
    detail = transport.call(
        "iban_transaction_detail", {"unique_id": unique_id}, session=live_session
    )
    assert detail["trx"]["beneficiary_name"] == "Jane Doe"
    with pytest.raises(ApiError, match="beneficiaries_id"):
        transport.call(
            "beneficiaries_delete", {"beneficiaries_id": beneficiary_id}, session=live_session
        )
    with pytest.raises(ApiError, match="beneficiaries_id"):
        send(transport, live_session, live_company, beneficiary_id)
    # Deleted, it can be added again.
    add_beneficiary(transport, live_session)


def test_a_beneficiary_of_another_company_cannot_be_deleted(transport, live_session):
    other = create_company("other@acme.test")
    theirs = add_beneficiary(transport, sign_in(other))
    with pytest.raises(ApiError, match="beneficiaries_id"):
        transport.call("beneficiaries_delete", {"beneficiaries_id": theirs}, session=live_session)
    assert not Beneficiary.objects.get(pk=theirs).deleted


# --- transfers --------------------------------------------------------------------------


def test_money_moves_only_when_the_transfer_is_confirmed_with_its_otp(
    transport, live_company, live_session
):
    beneficiary_id = add_beneficiary(transport, live_session)
    # The curl sends the amount as a JSON number.
    unique_id = send(transport, live_session, live_company, beneficiary_id, amount=10)

    iban = main_iban(live_company)
    iban.refresh_from_db()
    assert iban.balance == Decimal("5000.00")
    trx = Transaction.objects.get(unique_id=unique_id)
    assert trx.status == "Awaiting OTP"
    assert re.fullmatch(r"TRX\d{12}", trx.trx_id)
    assert re.fullmatch(r"\d{8}", trx.transaction_id)
    assert trx.description == "send 10.00 EUR to beneficiary Jane Doe"
    assert transport.call("iban_transaction", session=live_session)["trx"] == []
    mail = Mail.objects.filter(to=live_company.email).first()
    assert "10.00 EUR" in mail.body
    assert "Fee: 1.00 EUR" in mail.body
    assert "Jane Doe" in mail.body

    answer = confirm(
        transport, live_session, unique_id, latest_code(live_company.email, "payment_otp")
    )

    assert answer == {"status": 1, "message": CONFIRM_MESSAGE}
    iban.refresh_from_db()
    assert iban.balance == Decimal("4989.00")  # 10.00 + the low plan's 1.00 SEPA fee
    trx.refresh_from_db()
    assert trx.status == "Pending"
    assert trx.is_upload_document == 0
    assert Notification.objects.filter(company=live_company, title="Transfer sent").exists()


def test_the_fee_follows_the_plan_fixed_plus_percentage_for_sepa_and_instant(
    transport, live_company, live_session
):
    beneficiary_id = add_beneficiary(transport, live_session)
    low = [
        Transaction.objects.get(
            unique_id=send(transport, live_session, live_company, beneficiary_id, "1000.00", o)
        ).fees
        for o in ("sepa", "Sepa Instant")
    ]
    assert low == [Decimal("1.00"), Decimal("2.00")]

    live_company.plan = Plan.objects.get(plan_name="IBAN MR")  # 0.30 % on top
    live_company.save()
    medium = [
        Transaction.objects.get(
            unique_id=send(transport, live_session, live_company, beneficiary_id, "1000.00", o)
        )
        for o in ("SEPA", "sepa_instant")
    ]
    assert [t.fees for t in medium] == [Decimal("4.00"), Decimal("5.00")]
    assert [t.payment_option for t in medium] == ["sepa", "sepa_instant"]


@pytest.mark.parametrize("option", ["sepa instant", "SEPA-INSTANT", "instant", "Sepa_Instant"])
def test_every_spelling_of_sepa_instant_is_accepted(transport, live_company, live_session, option):
    beneficiary_id = add_beneficiary(transport, live_session)
    unique_id = send(transport, live_session, live_company, beneficiary_id, option=option)
    assert Transaction.objects.get(unique_id=unique_id).payment_option == "sepa_instant"


@pytest.mark.parametrize(
    ("amount", "booked"),
    [("10.05", "10.05"), (10, "10.00"), (Decimal("10.05"), "10.05"), (Decimal("7.10"), "7.10")],
    ids=["string", "integer", "json-number", "json-number-trailing-zero"],
)
def test_the_amount_is_accepted_as_a_json_number_or_a_string(
    transport, live_company, live_session, amount, booked
):
    beneficiary_id = add_beneficiary(transport, live_session)
    unique_id = send(transport, live_session, live_company, beneficiary_id, amount=amount)
    assert Transaction.objects.get(unique_id=unique_id).amount == Decimal(booked)


def test_an_amount_sent_as_a_number_with_three_decimals_is_refused(
    transport, live_company, live_session
):
    beneficiary_id = add_beneficiary(transport, live_session)
    with pytest.raises(ApiError, match="2 decimals"):
        send(transport, live_session, live_company, beneficiary_id, amount=Decimal("10.001"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "10.001", "2 decimals"),
        ("amount", "-5", "greater than 0"),
        ("amount", 0, "greater than 0"),
        ("amount", "ten", "must be a number"),
        ("amount", "1000000.01", "not be more than"),
        ("amount", "", "amount field is required"),
        ("payment_option", "swift", "payment_option"),
        ("reason_payment", "", "reason_payment"),
        ("reason_payment", "x" * 141, "reason_payment"),
        ("iban_id", "999999", "iban_id"),
        ("beneficiaries_id", "abc", "beneficiaries_id"),
    ],
)
def test_a_transfer_with_a_missing_or_invalid_field_is_refused(
    transport, live_company, live_session, field, value, message
):
    data = {
        "amount": "10.00",
        "payment_option": "sepa",
        "reason_payment": "Invoice",
        "iban_id": str(main_iban(live_company).pk),
        "beneficiaries_id": add_beneficiary(transport, live_session),
    }
    data[field] = value
    with pytest.raises(ApiError, match=re.escape(message)):
        transport.call("iban_sendmoney", data, session=live_session)
    assert not Transaction.objects.exists()
    assert not Mail.objects.filter(kind="payment_otp").exists()


def test_a_transfer_larger_than_the_balance_plus_fee_is_refused(
    transport, live_company, live_session
):
    beneficiary_id = add_beneficiary(transport, live_session)
    with pytest.raises(ApiError, match=re.escape("Insufficient balance.")):
        send(transport, live_session, live_company, beneficiary_id, "4999.01")  # + 1.00 fee
    send(transport, live_session, live_company, beneficiary_id, "4999.00")


def test_a_wrong_otp_then_the_right_one_debits_once_and_a_second_confirm_is_refused(
    transport, live_company, live_session
):
    beneficiary_id = add_beneficiary(transport, live_session)
    unique_id = send(transport, live_session, live_company, beneficiary_id, "100.00")
    code = latest_code(live_company.email, "payment_otp")

    with pytest.raises(ApiError, match="You have entered wrong otp code"):
        confirm(transport, live_session, unique_id, wrong(code))
    confirm(transport, live_session, unique_id, code)
    with pytest.raises(ApiError, match="already been confirmed"):
        confirm(transport, live_session, unique_id, code)

    iban = main_iban(live_company)
    assert iban.balance == Decimal("4899.00")


def test_three_wrong_otps_cancel_the_transfer(transport, live_company, live_session):
    beneficiary_id = add_beneficiary(transport, live_session)
    unique_id = send(transport, live_session, live_company, beneficiary_id, "100.00")
    code = latest_code(live_company.email, "payment_otp")

    for _ in range(2):
        with pytest.raises(ApiError) as caught:
            confirm(transport, live_session, unique_id, wrong(code))
        assert caught.value.message == "You have entered wrong otp code"
    with pytest.raises(ApiError, match="cancelled"):
        confirm(transport, live_session, unique_id, wrong(code))
    with pytest.raises(ApiError, match="cancelled"):
        confirm(transport, live_session, unique_id, code)

    assert main_iban(live_company).balance == Decimal("5000.00")
    detail = transport.call(
        "iban_transaction_detail", {"unique_id": unique_id}, session=live_session
    )["trx"]
    assert detail["status"] == "Failed"
    assert "3 times" in detail["failure_reason"]


def test_a_confirm_is_refused_when_the_balance_fell_in_the_meantime(
    transport, live_company, live_session
):
    beneficiary_id = add_beneficiary(transport, live_session)
    first = send(transport, live_session, live_company, beneficiary_id, "3000.00")
    first_code = latest_code(live_company.email, "payment_otp")
    second = send(transport, live_session, live_company, beneficiary_id, "3000.00")
    confirm(transport, live_session, second, latest_code(live_company.email, "payment_otp"))

    with pytest.raises(ApiError, match=re.escape("Insufficient balance.")):
        confirm(transport, live_session, first, first_code)
    assert main_iban(live_company).balance == Decimal("1999.00")
    assert Transaction.objects.get(unique_id=first).status == "Failed"


def test_an_unknown_or_foreign_transfer_cannot_be_confirmed(transport, live_session):
    other = create_company("other@acme.test")
    other_session = sign_in(other)
    theirs = send(transport, other_session, other, add_beneficiary(transport, other_session))
    for unique_id in ("nope", theirs):
        with pytest.raises(ApiError, match="unique_id"):
            confirm(transport, live_session, unique_id, latest_code(other.email, "payment_otp"))
    assert Transaction.objects.get(unique_id=theirs).status == "Awaiting OTP"


def test_a_large_transfer_needs_a_document_that_is_checked_by_content(transport, live_session):
    company = create_company("rich@acme.test", balance=Decimal("50000.00"))
    session = sign_in(company)
    beneficiary_id = add_beneficiary(transport, session)
    small = send(transport, session, company, beneficiary_id, "10000.00")
    confirm(transport, session, small, latest_code(company.email, "payment_otp"))
    large = send(transport, session, company, beneficiary_id, "10000.01")
    confirm(transport, session, large, latest_code(company.email, "payment_otp"))

    rows = {r["unique_id"]: r for r in transport.call("iban_transaction", session=session)["trx"]}
    assert rows[small]["is_upload_document"] == "0"
    assert rows[large]["is_upload_document"] == "1"
    large_trx = rows[large]["trx_id"]

    def upload(trx_id: str, filename: str, content: bytes) -> dict:
        return transport.call(
            "iban_uploadtrxdoc",
            {"trx_id": trx_id},
            session=session,
            files={"trx_document": (filename, content, "application/pdf")},
        )

    with pytest.raises(ApiError, match="No document is needed"):
        upload(rows[small]["trx_id"], "invoice.pdf", PDF)
    with pytest.raises(ApiError, match="PDF, JPEG or PNG"):
        upload(large_trx, "invoice.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ApiError, match="trx_id"):
        upload("TRX000000000000", "invoice.pdf", PDF)
    assert upload(large_trx, "invoice.pdf", PDF) == {
        "status": 1,
        "message": "Message successfully sent",
    }
    with pytest.raises(ApiError, match="already been uploaded"):
        upload(large_trx, "invoice.png", PNG)

    detail = transport.call("iban_transaction_detail", {"unique_id": large}, session=session)
    assert detail["trx"]["is_upload_document"] == "2"
    trx = Transaction.objects.get(unique_id=large)
    assert trx.document.content_type == "application/pdf"
    assert bytes(trx.document.data) == PDF
    with pytest.raises(ApiError, match="trx_id"):
        transport.call("iban_uploadtrxdoc", {"trx_id": large_trx}, session=live_session,
                       files={"trx_document": ("a.pdf", PDF, "application/pdf")})  # fmt: skip


# --- history ----------------------------------------------------------------------------


@pytest.fixture
def history(live_company) -> dict[str, Transaction]:
    """Seven transactions over March 2024 on the main IBAN, one on a second IBAN."""
    iban = main_iban(live_company)
    second = bank.open_iban(live_company, "Savings")

    def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
        return datetime(2024, 3, day, hour, minute, tzinfo=BRUSSELS)

    return {
        "a": make_trx(iban, name="Ranjit Singh", created=at(1), reason="Rent March"),
        "b": make_trx(
            iban,
            kind="debit",
            status="Pending",
            name="Acme GmbH",
            created=at(2),
            amount="20.00",
            fees="1.00",
        ),
        "c": make_trx(iban, status="Failed", name="Bob Stone", created=at(3)),
        # 00:30 in Brussels is still the day before in UTC: local dates count.
        "d": make_trx(iban, name="Carla Diaz", created=at(4, 0, 30), reason="Consulting"),
        "e": make_trx(iban, name="Dan Evans", created=at(5)),
        "f": make_trx(iban, name="Eve Fox", created=at(6)),
        "g": make_trx(iban, status="Awaiting OTP", name="Hidden", created=at(7)),
        "s": make_trx(second, name="Saver", created=at(8)),
    }


def trx_page(transport: Transport, session: Credentials, **filters: object) -> dict:
    return transport.call("iban_transaction", filters, session=session)


def test_the_history_rows_have_every_documented_key_and_the_paging_numbers_are_ints(
    transport, live_company, live_session, history
):
    page = trx_page(transport, live_session)

    assert page["status"] == 1
    assert (page["page_number"], page["per_page"], page["num_rows"], page["total_page"]) == (
        1,
        10,
        7,
        1,
    )
    row = next(r for r in page["trx"] if r["unique_id"] == history["b"].unique_id)
    assert row == {
        "is_upload_document": "0",
        "trx_id": history["b"].trx_id,
        "unique_id": history["b"].unique_id,
        "transaction_id": history["b"].transaction_id,
        "beneficiary_name": "Acme GmbH",
        "reason_payment": "Invoice",
        "username": "Acme Trading Ltd",
        "type": "debit",
        "sign": "db",
        "amount": "20.00",
        "fees": "1.00",
        "currency": "eur",
        "description": "send 20.00 EUR Acme GmbH",
        "status": "Pending",
        "transaction_date": "2024-03-02 12:00:00",
        "label": "Main account",
        "iban": main_iban(live_company).iban,
    }
    assert page["trx"][0]["sign"] == "cr"


def test_the_history_pages_and_orders(transport, live_session, history):
    first = trx_page(transport, live_session, page=1, per_page=3, order="asc")
    last = trx_page(transport, live_session, page="3", per_page="3", order="asc")
    beyond = trx_page(transport, live_session, page=4, per_page=3)

    assert (first["num_rows"], first["total_page"]) == (7, 3)
    names = [r["beneficiary_name"] for r in first["trx"]]
    assert names == ["Ranjit Singh", "Acme GmbH", "Bob Stone"]
    assert [r["beneficiary_name"] for r in last["trx"]] == ["Saver"]
    assert last["page_number"] == 3
    assert (beyond["page_number"], beyond["trx"]) == (4, [])
    # A page past the end still says how many rows there are (and a filtered page, its own).
    assert (beyond["num_rows"], beyond["total_page"]) == (7, 3)
    pending = trx_page(transport, live_session, status="pending", per_page=3)
    assert (pending["num_rows"], pending["total_page"], len(pending["trx"])) == (1, 1, 1)
    newest = trx_page(transport, live_session, order="DESC")["trx"]
    assert newest[0]["beneficiary_name"] == "Saver"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "pending"}, {"b"}),
        ({"status": "FAILED"}, {"c"}),
        ({"status": ""}, {"a", "b", "c", "d", "e", "f", "s"}),
        ({"startdate": "2024-03-04", "enddate": "2024-03-05"}, {"d", "e"}),
        ({"startdate": "2024-03-06"}, {"f", "s"}),
        ({"enddate": "2024-03-01"}, {"a"}),
        ({"search": "ranjit"}, {"a"}),
        ({"search": "consult"}, {"d"}),
        ({"search": "acme gmbh"}, {"b"}),
        ({"search": "Hidden"}, set()),
    ],
)
def test_the_history_filters_by_status_local_dates_and_search(
    transport, live_session, history, filters, expected
):
    rows = trx_page(transport, live_session, **filters)["trx"]
    ids = {key for key, trx in history.items() if trx.unique_id in {r["unique_id"] for r in rows}}
    assert ids == expected


def test_the_history_searches_the_transaction_id_and_filters_one_iban_by_either_spelling(
    transport, live_company, live_session, history
):
    by_reference = trx_page(transport, live_session, search=history["e"].transaction_id)
    assert [r["unique_id"] for r in by_reference["trx"]] == [history["e"].unique_id]
    second = history["s"].iban
    for key in ("iban_id", "iab_id"):
        rows = trx_page(transport, live_session, **{key: str(second.pk)})["trx"]
        assert [r["label"] for r in rows] == ["Savings"]


def test_an_empty_history_has_zero_pages(transport, live_session):
    page = trx_page(transport, live_session, search="nobody")
    assert (page["num_rows"], page["total_page"], page["trx"]) == (0, 0, [])


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"order": "sideways"}, "order"),
        ({"status": "lost"}, "status"),
        ({"startdate": "05-12-2023"}, "startdate"),
        ({"enddate": "2024-02-30"}, "enddate"),
        ({"startdate": "2024-03-05", "enddate": "2024-03-04"}, "enddate"),
        ({"iban_id": "999999"}, "iban_id"),
    ],
)
def test_invalid_history_filters_are_refused_naming_the_field(
    transport, live_session, filters, message
):
    with pytest.raises(ApiError, match=message):
        trx_page(transport, live_session, **filters)


def test_the_detail_of_a_transaction_has_the_documented_keys_and_more(
    transport, live_company, live_session
):
    beneficiary_id = add_beneficiary(transport, live_session, NL_IBAN)
    unique_id = send(transport, live_session, live_company, beneficiary_id, "50.00", "instant")
    with pytest.raises(ApiError, match="unique_id"):  # not visible before its OTP
        transport.call("iban_transaction_detail", {"unique_id": unique_id}, session=live_session)
    confirm(transport, live_session, unique_id, latest_code(live_company.email, "payment_otp"))

    trx = transport.call("iban_transaction_detail", {"unique_id": unique_id}, session=live_session)[
        "trx"
    ]

    assert {
        "unique_id", "transaction_id", "beneficiary_name", "reason_payment", "username", "type",
        "sign", "amount", "fees", "description", "status", "transaction_date", "label",
        "biometric_approval", "trx_id", "is_upload_document", "iban", "counterparty_iban",
        "payment_option", "failure_reason",
    } <= set(trx)  # fmt: skip
    assert all(isinstance(value, str) for value in trx.values())
    assert (trx["amount"], trx["fees"], trx["status"]) == ("50.00", "2.00", "Pending")
    assert trx["counterparty_iban"] == NL_IBAN
    assert trx["payment_option"] == "sepa_instant"
    assert trx["biometric_approval"] == "No"
    with pytest.raises(ApiError, match="unique_id"):
        transport.call(
            "iban_transaction_detail", {"unique_id": unique_id}, session=sign_in(
                create_company("other@acme.test"))
        )  # fmt: skip


# --- invoice and statement --------------------------------------------------------------


def test_an_invoice_is_emailed_with_the_transfer_details(transport, live_company, live_session):
    beneficiary_id = add_beneficiary(transport, live_session)
    unique_id = send(transport, live_session, live_company, beneficiary_id, "250.00")
    confirm(transport, live_session, unique_id, latest_code(live_company.email, "payment_otp"))
    trx = Transaction.objects.get(unique_id=unique_id)

    answer = transport.call("downloadinvoice", {"trx_id": trx.trx_id}, session=live_session)

    assert answer == {"status": 1, "message": "Message successfully sent"}
    mail = Mail.objects.filter(to=live_company.email).first()
    assert mail.kind == "invoice"
    for text in (
        "Acme Trading Ltd",
        main_iban(live_company).iban,
        "Jane Doe",
        "Amount: 250.00 EUR",
        "Fee: 1.00 EUR",
        "Total: 251.00 EUR",
        trx.transaction_id,
        bank.stamp(trx.created),
    ):
        assert text in mail.body
    with pytest.raises(ApiError, match="trx_id"):
        transport.call("downloadinvoice", {"trx_id": "TRX999"}, session=live_session)


@pytest.mark.parametrize(("start", "end"), [("from_date", "to_date"), ("startdate", "enddate")])
def test_a_statement_is_emailed_with_opening_and_closing_balances_for_both_date_spellings(
    transport, live_company, live_session, history, start, end
):
    # Balance now 5000.00; booked after the period: d (+10) e (+10) f (+10).
    # Within 2024-03-01..03: a (+10), b (-21), c failed (not booked).
    answer = transport.call(
        "bankstatement",
        {"iban_id": str(main_iban(live_company).pk), start: "2024-03-01", end: "2024-03-03"},
        session=live_session,
    )

    assert answer == {
        "status": 1,
        "message": "Bank statement has been sent to your registered email.",
    }
    mail = Mail.objects.filter(to=live_company.email).first()
    assert mail.kind == "statement"
    assert "Opening balance: 4981.00 EUR" in mail.body
    assert "Closing balance: 4970.00 EUR" in mail.body
    assert history["a"].transaction_id in mail.body
    assert history["b"].transaction_id in mail.body
    assert history["c"].transaction_id not in mail.body
    assert "Savings" not in mail.body


def test_a_statement_without_an_iban_covers_every_iban(transport, live_company, live_session):
    bank.open_iban(live_company, "Savings")
    transport.call(
        "bankstatement", {"from_date": "2024-01-01", "to_date": "2024-12-31"}, session=live_session
    )
    body = Mail.objects.filter(to=live_company.email).first().body
    assert "Main account" in body
    assert "Savings" in body


@pytest.mark.parametrize(
    "dates",
    [
        {"from_date": "2024-11-26", "to_date": "2024-01-27"},
        {"from_date": "27-01-2024", "to_date": "2024-11-26"},
        {"startdate": "2024-01-27", "enddate": "2024-13-01"},
    ],
)
def test_a_statement_with_a_bad_period_cannot_be_downloaded(transport, live_session, dates):
    with pytest.raises(ApiError) as caught:
        transport.call("bankstatement", dates, session=live_session)
    assert caught.value.message == "unable to download the bank statement."
    assert not Mail.objects.filter(kind="statement").exists()


# --- notifications and plan -------------------------------------------------------------


def test_notifications_come_newest_first_with_a_day_month_year_date(
    transport, live_company, live_session
):
    Notification.objects.create(
        company=live_company,
        title="Old",
        description="First",
        created=datetime(2024, 1, 5, 23, 30, tzinfo=BRUSSELS),
    )
    bank.notify(live_company, "New", "Second")
    bank.notify(create_company("other@acme.test"), "Not yours", "Other company")

    notes = transport.call("notification", session=live_session)["notifications"]

    assert [n["title"] for n in notes] == ["New", "Old"]
    assert notes[1] == {
        "id": str(Notification.objects.get(title="Old").pk),
        "title": "Old",
        "description": "First",
        "date": "05-01-2024",
    }


def test_the_selected_plan_comes_with_the_cards_it_includes(transport, live_company, live_session):
    answer = transport.call("getSelectPlan", session=live_session)

    assert answer["status"] == 1
    plan = answer["plan"]
    assert plan["plan_name"] == "Basic Plan Low Risk"
    assert (plan["sepa_out_fee"], plan["sepa_instant_out_fee"]) == ("1.00", "2.00")
    assert (plan["no_vc"], plan["no_plastic_card"], plan["no_vpc"]) == ("2", "1", "0")
    cards = answer["cardList"]
    assert len(cards) == 3  # one plastic and two virtual cards
    created = live_company.created.astimezone(BRUSSELS)
    for card in cards:
        assert set(card) == {
            "card_id", "card_number", "expiry_date", "card_status", "card_lock", "card_image",
            "last_30_days", "available", "limit_spent", "todayspent",
        }  # fmt: skip
        assert re.fullmatch(r"\*{4} \*{4} \*{4} \d{4}", card["card_number"])
        assert card["expiry_date"] == f"{created.month:02d}/{(created.year + 3) % 100:02d}"
        assert (card["card_status"], card["card_lock"]) == ("Active Card", "Unlock")
        assert card["available"] == "5000.00"
    assert len({c["card_id"] for c in cards}) == 3
    assert transport.call("getSelectPlan", session=live_session)["cardList"] == cards
