"""The simulator's injected faults that the fault suite needs besides status, timeout
and garbage: HTTP 429 with Retry-After, HTTP 401, and the business answers
`status` 0 and `status` -1, from the actions, the console and the command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from codego.errors import ApiError, CredentialsRejected, RateLimited, SessionExpired
from sandbox import actions
from sandbox.api import FAULT_RETRY_AFTER
from sandbox.models import Fault, JournalEntry
from tests.conftest import build_transport

pytestmark = pytest.mark.django_db


def test_an_injected_429_says_when_to_come_back(transport):
    actions.set_fault(endpoint="getRole", http_status=429)
    with pytest.raises(RateLimited) as caught:
        transport.call("getRole")
    assert caught.value.http_status == 429
    assert caught.value.retry_after == FAULT_RETRY_AFTER


def test_an_injected_401_is_our_credentials_refused(transport):
    actions.set_fault(endpoint="getRole", http_status=401)
    with pytest.raises(CredentialsRejected) as caught:
        transport.call("getRole")
    assert caught.value.http_status == 401


def test_an_injected_status_0_is_a_refusal_with_its_message(transport, live_session):
    actions.set_fault(endpoint="iban_list", answer_status=0, message="Account frozen.")
    with pytest.raises(ApiError, match="Account frozen"):
        transport.call("iban_list", session=live_session)
    assert JournalEntry.objects.first().outcome == "fault: status 0"


def test_an_injected_status_0_without_a_message_says_something(transport, live_session):
    actions.set_fault(endpoint="iban_list", answer_status=0)
    with pytest.raises(ApiError) as caught:
        transport.call("iban_list", session=live_session)
    assert caught.value.user_message


def test_an_injected_status_minus_1_is_an_expired_session_on_a_session_call(
    transport, live_session
):
    actions.set_fault(endpoint="*", answer_status=-1)
    with pytest.raises(SessionExpired):
        transport.call("dashboard", session=live_session)
    # On a public call the same answer means our credentials were refused.
    with pytest.raises(CredentialsRejected):
        transport.call("getRole")


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"answer_status": 1}, "0 or -1"),
        ({"answer_status": 0, "message": "x" * 201}, "at most 200"),
        ({}, "Choose a fault"),
    ],
)
def test_a_fault_that_makes_no_sense_is_refused(options, words):
    with pytest.raises(actions.ActionError, match=words):
        actions.set_fault(endpoint="login", **options)
    assert not Fault.objects.exists()


@pytest.mark.parametrize(("kind", "status"), [("refusal", 0), ("session", -1)])
def test_the_console_injects_status_answers(client, kind, status):
    staff = User.objects.create_user("staff", password="Staff-pass-1", is_staff=True)
    client.force_login(staff)
    client.post(
        reverse("sandbox:console-fault-set"),
        {"endpoint": "login", "kind": kind, "error_rate": "1", "message": "Closed today."},
    )
    fault = Fault.objects.get(endpoint="login")
    assert (fault.answer_status, fault.message) == (status, "Closed today.")
    assert (
        f"status {status}: Closed today." in client.get(reverse("sandbox:console")).content.decode()
    )


def test_the_command_injects_a_status_answer():
    out = StringIO()
    call_command(
        "sandbox", "fault", "--endpoint", "login", "--answer-status", "0", "--message", "No.",
        stdout=out,
    )  # fmt: skip
    fault = Fault.objects.get(endpoint="login")
    assert (fault.answer_status, fault.message) == (0, "No.")
    assert "login now answers status 0" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_retry_after_header_also_goes_over_http(live_server):
    actions.set_fault(endpoint="getRole", http_status=429)
    over_http = build_transport(f"{live_server.url}/sandbox/api")
    with pytest.raises(RateLimited) as caught:
        over_http.call("getRole")
    assert caught.value.retry_after == FAULT_RETRY_AFTER


def test_a_client_built_for_the_suite_sees_the_fault_only_on_its_endpoint(db):
    actions.set_fault(endpoint="getRole", answer_status=0)
    assert build_transport().call("getindustries")["status"] == 1
