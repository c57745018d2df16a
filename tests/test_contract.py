"""Contract: every endpoint of the reference, called as its curl example, answers as documented.

For each of the 47 endpoints in docs/codego-api/endpoints.json the documented
request example, with real ids from a seeded company in place of the
placeholders, goes through the `codego` transport to the simulator, succeeds,
and carries every key of the documented success response with the same JSON
type. It runs in-process and over HTTP.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from schwifty import IBAN

from codego.endpoints import SPECS
from codego.transport import Transport
from codego.types import Credentials
from sandbox import actions
from sandbox.demo import seed_demo
from sandbox.models import Company, Director, Transaction
from sandbox.reference import country_id
from tests.conftest import build_transport, latest_code, sign_in
from tests.helpers import ENDPOINTS, documented, shape_mismatches

SESSION_FIELDS = {"whitelabel_id", "user_id", "web_token"}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
DEMO_EMAIL = "contract@codego.test"
SIGNUPS = itertools.count(1)  # unique emails across the worlds of one database
DEMO_PASSWORD = "Contract-pass-2026"


class World:
    """A seeded live company plus helpers to put the bank in the state an endpoint needs."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.company = seed_demo(email=DEMO_EMAIL, password=DEMO_PASSWORD)
        self.session = sign_in(self.company)
        self.iban = self.company.ibans.order_by("id").first()
        self.beneficiary = self.company.beneficiaries.filter(deleted=False).first()
        self.transaction = Transaction.objects.filter(
            iban__company=self.company, status=Transaction.Status.COMPLETED
        ).first()

    def fresh_company(self) -> tuple[Company, Credentials]:
        """A new customer that just verified its email (KYC not started)."""
        number = next(SIGNUPS)
        email = f"fresh{number}@example.test"
        started = self.transport.call(
            "openAccount", {"company_name": f"Fresh {number} Ltd", "email": email}
        )
        done = self.transport.call(
            "verifyemailotp", {"unique_id": started["unique_id"], "email_otp": latest_code(email)}
        )
        company = Company.objects.get(email=email)
        return company, Credentials(user_id=done["user_id"], web_token=done["web_token"])


Request = tuple[dict[str, Any], dict[str, Any] | None, Credentials | None]


def _example(name: str, **overrides: Any) -> dict[str, Any]:
    """The curl body without what the transport adds itself, with real values in."""
    body = {
        k: v
        for k, v in ENDPOINTS[name]["request_example"].items()
        if k not in SESSION_FIELDS and v != "@file"
    }
    body.update(overrides)
    return body


def _files(name: str) -> dict[str, Any]:
    image_fields = {"beneficiary_image"}
    return {
        field: (f"{field}.png", PNG, "image/png")
        if field in image_fields
        else (f"{field}.pdf", PDF, "application/pdf")
        for field, value in ENDPOINTS[name]["request_example"].items()
        if value == "@file"
    }


def _company_details(world: World) -> Request:
    _, session = world.fresh_company()
    belgium = country_id("BE")
    body = _example(
        "updatecompanydetails",
        registration_country=belgium,
        actual_country=belgium,
        company_country=belgium,
        phonecode="32",
        phone="470123456",
    )
    return body, None, session


def _documents(world: World) -> Request:
    _, session = world.fresh_company()
    return {}, _files("uploadCompanyDocument"), session


def _director(world: World) -> Request:
    _, session = world.fresh_company()
    belgium = country_id("BE")
    # The curl's dob (2023-02-21) is a child's; a director must be an adult.
    body = _example(
        "addcompanydirector", dob="1980-02-21", country=belgium, address_country=belgium
    )
    return body, None, session


def _kyc_link(world: World) -> Request:
    body, _, session = _director(world)
    world.transport.call("addcompanydirector", body, session=session)
    # The link may be asked again once some time has passed since it went out.
    Director.objects.filter(company_id=int(session.user_id)).update(
        link_sent=timezone.now() - timedelta(hours=1)
    )
    return {}, None, session


def _additional_doc(world: World) -> Request:
    document = actions.request_document(
        email=DEMO_EMAIL, title="Driving licence", description="Front and back, in colour."
    )
    return {"unique_id": document.unique_id}, _files("uploadadditionaldoc"), world.session


def _send_money(world: World) -> Request:
    body = _example(
        "iban_sendmoney",
        iban_id=str(world.iban.pk),
        beneficiaries_id=str(world.beneficiary.pk),
    )
    return body, None, world.session


def _confirm(world: World) -> Request:
    body, _, session = _send_money(world)
    started = world.transport.call("iban_sendmoney", body, session=session)
    otp = latest_code(DEMO_EMAIL)
    return {"unique_id": started["unique_id"], "otp": otp}, None, session


def _transactions(world: World) -> Request:
    # The curl filters on one day of 2023 and a name; ask for the seeded months.
    today = timezone.localdate()
    body = _example(
        "iban_transaction",
        startdate=str(today - timedelta(days=365)),
        enddate=str(today),
        search="",
    )
    return body, None, world.session


def _upload_trx_doc(world: World) -> Request:
    needing = Transaction.objects.filter(iban__company=world.company, is_upload_document=1)
    return {"trx_id": needing.first().trx_id}, _files("iban_uploadtrxdoc"), world.session


def _statement(world: World) -> Request:
    today = timezone.localdate()
    body = _example(
        "bankstatement",
        iban_id=str(world.iban.pk),
        from_date=str(today - timedelta(days=120)),
        to_date=str(today),
    )
    return body, None, world.session


def _beneficiary(world: World) -> Request:
    account = str(IBAN.generate("DE", bank_code="37040044", account_code="0532013000"))
    body = _example(
        "addbeneficary",
        account=account,
        email="payee@example.test",
        first_name="Ada",
        last_name="Lovelace",
        company_name="",
    )
    return body, _files("addbeneficary"), world.session


def _plan_response(world: World) -> Request:
    company, _ = world.fresh_company()
    proposal = actions.make_live(email=company.email)
    return _example("ibanacceptrejectplan", requestid=proposal.unique_id, type="accept"), None, None


def _reset_password(world: World) -> Request:
    started = world.transport.call("forgotpassword", {"email": DEMO_EMAIL})
    body = {
        "password": "Brand-new-pass-7",
        "code": latest_code(DEMO_EMAIL),
        "unique_id": started["unique_id"],
        "user_id": started["user_id"],
    }
    return body, None, None


def _verify_email(world: World) -> Request:
    started = world.transport.call(
        "openAccount", {"company_name": "Verify Me Ltd", "email": "verify@example.test"}
    )
    body = {"unique_id": started["unique_id"], "email_otp": latest_code("verify@example.test")}
    return body, None, None


def _verify_login(world: World) -> Request:
    started = world.transport.call("login", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    return {"user_id": started["user_id"], "otp": latest_code(DEMO_EMAIL)}, None, None


def _session_call(name: str, **overrides: Callable[[World], Any]) -> Callable[[World], Request]:
    def build(world: World) -> Request:
        values = {key: make(world) for key, make in overrides.items()}
        return _example(name, **values), _files(name) or None, world.session

    return build


PREPARE: dict[str, Callable[[World], Request]] = {
    "verifygooglecaptcha": lambda w: (
        _example("verifygooglecaptcha", g_recaptcha_response="token-from-widget"),
        None,
        None,
    ),
    "openAccount": lambda w: (
        _example("openAccount", company_name="Newco SRL", email="newco@example.test"),
        None,
        None,
    ),
    "verifyemailotp": _verify_email,
    "login": lambda w: ({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}, None, None),
    "verifyLogin": _verify_login,
    "updatecompanydetails": _company_details,
    "uploadCompanyDocument": _documents,
    "addcompanydirector": _director,
    "sendkyclink": _kyc_link,
    "uploadadditionaldoc": _additional_doc,
    "dashboard": _session_call("dashboard"),
    "createIban": _session_call("createIban"),
    "addbeneficary": _beneficiary,
    "beneficiaries_delete": _session_call(
        "beneficiaries_delete", beneficiaries_id=lambda w: str(w.beneficiary.pk)
    ),
    "iban_sendmoney": _send_money,
    "iban_confirmotp": _confirm,
    "iban_transaction": _transactions,
    "iban_transaction_detail": _session_call(
        "iban_transaction_detail", unique_id=lambda w: w.transaction.unique_id
    ),
    "iban_uploadtrxdoc": _upload_trx_doc,
    "downloadinvoice": _session_call("downloadinvoice", trx_id=lambda w: w.transaction.trx_id),
    "bankstatement": _statement,
    "ibanacceptrejectplan": _plan_response,
    "forgotpassword": lambda w: ({"email": DEMO_EMAIL}, None, None),
    "resetpassword": _reset_password,
}


def prepare(name: str, world: World) -> Request:
    if name in PREPARE:
        return PREPARE[name](world)
    session = world.session if SPECS[name].session else None
    return _example(name), None, session


def exercise(name: str, world: World) -> list[str]:
    data, files, session = prepare(name, world)
    answer = world.transport.call(name, data, session=session, files=files)
    return shape_mismatches(documented(name), answer)


def test_the_contract_covers_every_endpoint_of_the_reference():
    assert len(ENDPOINTS) == 47
    assert set(SPECS) == set(ENDPOINTS)
    for name, spec in SPECS.items():
        assert spec.content_type == ENDPOINTS[name]["content_type"], name
        assert spec.session == (ENDPOINTS[name]["auth"] == "session"), name


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_each_endpoint_answers_its_documented_example_in_process(name, transport):
    assert exercise(name, World(transport)) == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_endpoint_answers_its_documented_example_over_http(live_server):
    over_http = build_transport(f"{live_server.url}/sandbox/api", rate_limit=(10_000, 10))
    problems = {}
    for name in ENDPOINTS:
        world = World(over_http)
        mismatches = exercise(name, world)
        if mismatches:
            problems[name] = mismatches
        world.session = None  # the next world seeds its own company
    assert problems == {}
