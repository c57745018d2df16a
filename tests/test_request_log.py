"""One structured log line per request, the request id everywhere, HTML compressed."""

from __future__ import annotations

import logging
import re

import pytest

from banking.models import PendingPayment
from sandbox.models import JournalEntry, WebToken
from tests.conftest import create_company, latest_code, portal_sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "Secret-pass-1"  # create_company's

LINE = re.compile(
    r"^request rid=(?P<rid>\S+) method=(?P<method>\S+) path=(?P<path>\S+) status=(?P<status>\d+) "
    r"ms=\d+\.\d upstream_calls=(?P<calls>\d+) upstream_ms=\d+\.\d$"
)


def answered_calls() -> int:
    """Calls the simulator answered (its own bookkeeping entries left out)."""
    return JournalEntry.objects.exclude(endpoint__startswith="bank:").count()


def request_lines(caplog) -> list[re.Match]:
    found = (LINE.match(r.getMessage()) for r in caplog.records if r.name == "portal.request")
    return [match for match in found if match]


def test_each_response_carries_a_request_id_and_a_proxys_well_formed_one_is_kept(client):
    made = client.get("/login/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert (
        client.get("/login/", headers={"X-Request-ID": "edge-1234abcd"})["X-Request-ID"]
        == "edge-1234abcd"
    )
    forged = client.get("/login/", headers={"X-Request-ID": "bad id\nwith=spaces"})
    assert forged["X-Request-ID"] != "bad id\nwith=spaces"


def test_one_line_per_request_counts_the_upstream_calls_and_tags_them_with_its_id(client, caplog):
    company = create_company()
    portal_sign_in(client, company.email)
    caplog.clear()
    before = answered_calls()
    with caplog.at_level(logging.INFO):
        response = client.get("/dashboard/")
    made = answered_calls() - before

    [line] = request_lines(caplog)
    assert line["path"] == "/dashboard/"
    assert line["status"] == "200"
    assert int(line["calls"]) == made >= 1
    assert line["rid"] == response["X-Request-ID"]
    upstream = [r for r in caplog.records if r.name == "codego"]
    assert len(upstream) == made
    assert all(r.request_id == line["rid"] for r in upstream)


def test_the_query_string_never_reaches_the_log(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/password/reset/?code=913572&email=owner%40acme.test")
    assert "913572" not in caplog.text
    assert "acme" not in caplog.text
    [line] = request_lines(caplog)
    assert line["path"] == "/password/reset/"


def test_html_is_compressed_for_browsers_that_accept_it(client):
    response = client.get("/login/", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_a_whole_working_session_logs_no_password_code_token_or_iban(client, caplog):
    """Sign in, add a payee, pay it with the emailed code, search by IBAN: every log
    line of every logger is read, and none holds a secret or an account number."""
    company = create_company()
    own_iban = company.ibans.get()
    payee_iban = "DE89370400440532013000"
    with caplog.at_level(logging.DEBUG):
        portal_sign_in(client, company.email)
        login_code = latest_code(company.email)
        client.post(
            "/beneficiaries/new/",
            {"type": "business", "account": payee_iban, "company_name": "Contoso GmbH"},
        )
        payee = company.beneficiaries.get()
        page = client.get("/payments/new/").content.decode()
        key = re.search(r'name="payment_key" value="([^"]+)"', page).group(1)
        review = client.post(
            "/payments/new/",
            {
                "payment_key": key,
                "iban_id": str(own_iban.pk),
                "beneficiaries_id": str(payee.pk),
                "amount": "12.00",
                "payment_option": "sepa",
                "reason_payment": "Invoice 7",
            },
        )
        confirm = client.post(review["Location"])
        payment_code = latest_code(company.email)
        client.post(confirm["Location"], {"otp": payment_code})
        client.get(f"/transactions/?search={payee_iban}")

    assert PendingPayment.objects.get().state == PendingPayment.State.DONE
    tokens = list(WebToken.objects.values_list("token", flat=True))
    secrets = [PASSWORD, login_code, payment_code, payee_iban, own_iban.iban, *tokens]
    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records
    for secret in secrets:
        assert secret not in logged
