"""The simulator's front door: Basic auth, whitelabel, rate limit, faults, both transports."""

from __future__ import annotations

import base64
import json

import pytest
import requests
import time_machine
from django.conf import settings

from codego.errors import (
    ApiError,
    CredentialsRejected,
    RateLimited,
    SessionExpired,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from codego.types import Credentials
from sandbox.models import Fault, JournalEntry
from tests.conftest import build_transport


def test_wrong_basic_auth_is_refused_with_http_401(db):
    client = build_transport(secret_key="not-the-secret")
    with pytest.raises(CredentialsRejected) as caught:
        client.call("configSetting")
    assert caught.value.http_status == 401


def test_a_wrong_whitelabel_id_is_an_authentication_failure(db):
    client = build_transport(whitelabel_id="someone-else")
    with pytest.raises(CredentialsRejected, match="whitelabel_id"):
        client.call("getCountriesList")


def test_a_session_call_without_a_known_token_is_a_session_expiry(transport):
    with pytest.raises(SessionExpired):
        transport.call("dashboard", session=Credentials(user_id="1", web_token="nope"))


def test_the_201st_request_in_ten_seconds_gets_http_429(db):
    # Our own limiter would stop first; lift it to see the simulator's.
    client = build_transport(rate_limit=(10_000, 10))
    with time_machine.travel("2026-03-02 10:00:00", tick=False):
        for _ in range(200):
            client.call("posPlan")
        with pytest.raises(RateLimited) as caught:
            client.call("posPlan")
    assert caught.value.http_status == 429
    with time_machine.travel("2026-03-02 10:00:11", tick=False):
        assert client.call("posPlan")["status"] == 1


def test_an_injected_http_error_reaches_the_client_as_unavailable(transport):
    Fault.objects.create(endpoint="getRole", http_status=503)
    with pytest.raises(UpstreamUnavailable) as caught:
        transport.call("getRole")
    assert caught.value.http_status == 503
    assert transport.call("getindustries")["status"] == 1


def test_an_injected_garbage_body_is_unavailable_not_a_crash(transport):
    Fault.objects.create(endpoint="*", garbage=True)
    with pytest.raises(UpstreamUnavailable, match="not JSON"):
        transport.call("posPlan")


def test_a_fault_for_one_endpoint_wins_over_the_one_for_every_endpoint(transport):
    Fault.objects.create(endpoint="*", garbage=True)
    Fault.objects.create(endpoint="getRole", http_status=503)
    with pytest.raises(UpstreamUnavailable) as caught:
        transport.call("getRole")
    assert caught.value.http_status == 503
    with pytest.raises(UpstreamUnavailable, match="not JSON"):
        transport.call("posPlan")


def test_an_injected_timeout_is_a_timeout_in_process(transport):
    Fault.objects.create(endpoint="configSetting", timeout=True)
    with pytest.raises(UpstreamTimeout):
        transport.call("configSetting")


def test_every_call_is_journaled_without_secrets(transport):
    with pytest.raises(ApiError):
        transport.call("login", {"email": "nobody@example.test", "password": "Hunter2-secret"})
    entry = JournalEntry.objects.first()
    assert entry.endpoint == "login"
    assert "wrong email or password" in entry.outcome.lower()
    assert "Hunter2" not in json.dumps(list(JournalEntry.objects.values()), default=str)


def test_an_unknown_endpoint_is_404(db):
    client = build_transport()
    response = client.http.post(client.url("noSuchThing"), json={})
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_curl_examples_work_over_http(live_server):
    """The reference's curl shape: POST JSON with Basic auth to /businessbassapi/<name>."""
    credentials = f"{settings.CODEGO_CLIENT_KEY}:{settings.CODEGO_SECRET_KEY}"
    response = requests.post(
        f"{live_server.url}/sandbox/api/businessbassapi/getCompanySizesList",
        data=json.dumps({"whitelabel_id": settings.CODEGO_WHITELABEL_ID}),
        headers={
            "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
            "Content-Type": "application/json",
        },
        timeout=10,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 1
    assert isinstance(body["dropdown"], str)
    assert json.loads(body["dropdown"])[0]["name"] == "Small"

    over_http = build_transport(f"{live_server.url}/sandbox/api")
    assert over_http.call("getRole")["role"]["director"] == "Board Member(Director)"


def test_trimming_the_journal_keeps_the_newest_entries_and_never_a_later_one(db):
    from sandbox.api import trim_journal

    JournalEntry.objects.bulk_create(
        [
            JournalEntry(endpoint=f"call{n}", http_status=200, outcome="ok", milliseconds=1)
            for n in range(10)
        ]
    )
    assert trim_journal(4) == 6
    assert sorted(JournalEntry.objects.values_list("endpoint", flat=True)) == [
        "call6",
        "call7",
        "call8",
        "call9",
    ]
    assert trim_journal(4) == 0
    # Only entries up to the oldest kept one go, never a newer one.
    JournalEntry.objects.create(endpoint="late", http_status=200, outcome="ok", milliseconds=1)
    trim_journal(4)
    assert JournalEntry.objects.filter(endpoint="late").exists()
    assert JournalEntry.objects.count() == 4
