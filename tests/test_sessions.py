"""The signed-in session: key rotation, the token kept server-side, the heartbeat,
the 5-minute inactivity limit, expired upstream tokens and no-store caching."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from sandbox.models import Company, JournalEntry, Mail, WebToken
from tests.conftest import create_company, journal_calls, latest_code, portal_sign_in

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
INACTIVE = "You were signed out after 5 minutes of inactivity."
EXPIRED = "Your session has expired. Please sign in again."
START = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))


def heartbeat(client: Client):
    return client.post("/heartbeat/", headers=HX)


@pytest.fixture
def clock(client, live_company):
    """Signed in as `live_company` at START, with the clock standing still there."""
    with time_machine.travel(START, tick=False) as traveller:
        portal_sign_in(client, live_company.email)
        yield traveller


def test_session_key_rotates_at_login_and_at_the_otp_step(client):
    company = create_company()
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies["sessionid"] = session.session_key
    first = client.cookies["sessionid"].value

    client.post("/login/", {"email": company.email, "password": "Secret-pass-1"})
    second = client.cookies["sessionid"].value
    assert second != first

    client.post("/login/verify/", {"otp": latest_code(company.email)})
    third = client.cookies["sessionid"].value
    assert third not in (first, second)
    assert client.get("/dashboard/").status_code == 200


def test_session_key_rotates_at_signup_verification(client):
    client.post("/signup/", {"company_name": "New Co", "email": "new@acme.test"})
    before = client.cookies["sessionid"].value
    client.post("/signup/verify/", {"email_otp": latest_code("new@acme.test")})
    assert client.cookies["sessionid"].value != before


def test_token_never_leaves_the_server(client, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("codego", "sandbox", "portal", "django", "onboarding"):
        caplog.set_level(logging.DEBUG, logger=name)
    bodies: list[str] = []

    def keep(response):
        bodies.append(response.content.decode(errors="replace"))
        bodies.extend(f"{key}: {value}" for key, value in response.items())
        return response

    # Sign-up ...
    keep(client.get("/signup/"))
    keep(client.post("/signup/", {"company_name": "New Co", "email": "new@acme.test"}))
    keep(client.get("/signup/verify/"))
    keep(client.post("/signup/verify/", {"email_otp": latest_code("new@acme.test")}))
    keep(client.get("/onboarding/"))
    keep(client.post("/heartbeat/", headers=HX))
    keep(client.post("/logout/"))
    # ... the bank makes the company live ...
    company = Company.objects.get(email="new@acme.test")
    company.is_live = True
    company.save()
    from sandbox import bank

    bank.open_iban(company, "Main account")
    mail = Mail.objects.filter(to="new@acme.test", kind="signup_password").get()
    password = re.search(r"Password: (\S+)", mail.body).group(1)
    # ... sign-in and dashboard.
    keep(client.get("/login/"))
    keep(client.post("/login/", {"email": "new@acme.test", "password": password}))
    keep(client.get("/login/verify/"))
    keep(client.post("/login/verify/", {"otp": latest_code("new@acme.test")}))
    keep(client.get("/dashboard/"))
    keep(client.post("/heartbeat/", headers=HX))
    keep(client.post("/session/keep-alive/", headers=HX))
    keep(client.get("/dashboard/", headers=HX))

    tokens = list(WebToken.objects.values_list("token", flat=True))
    assert len(tokens) == 2
    cookies = [morsel.OutputString() for morsel in client.cookies.values()]
    for token in tokens:
        assert not any(token in text for text in bodies)
        assert not any(token in cookie for cookie in cookies)
        assert token not in caplog.text
        for record in caplog.records:
            assert token not in record.getMessage()
    assert caplog.records  # logging did run


def test_heartbeat_calls_update_user_live_at_most_every_30_seconds(client, clock):
    other_tab = Client()
    other_tab.cookies["sessionid"] = client.cookies["sessionid"].value
    baseline = journal_calls("updateUserLive")

    # Just signed in: the token is fresh, no call yet.
    assert heartbeat(client).status_code == 204
    assert journal_calls("updateUserLive") == baseline

    clock.shift(31)
    assert heartbeat(client).status_code == 204
    assert heartbeat(other_tab).status_code == 204
    assert heartbeat(client).status_code == 204
    assert journal_calls("updateUserLive") == baseline + 1
    # A real request within the same 30 s shares the dedupe.
    assert client.get("/dashboard/").status_code == 200
    assert journal_calls("updateUserLive") == baseline + 1

    clock.shift(31)
    assert heartbeat(other_tab).status_code == 204
    assert heartbeat(client).status_code == 204
    assert journal_calls("updateUserLive") == baseline + 2

    # Real requests keep the token alive too.
    clock.shift(31)
    assert client.get("/dashboard/").status_code == 200
    assert journal_calls("updateUserLive") == baseline + 3


def test_heartbeat_requires_post(client):
    company = create_company()
    portal_sign_in(client, company.email)
    assert client.get("/heartbeat/").status_code == 405


def test_heartbeat_is_not_activity(client, clock):
    # Heartbeats every 40 s keep the bank's token alive ...
    for _ in range(7):
        clock.shift(40)
        assert heartbeat(client).status_code == 204
    # ... but 5 minutes without a real request end the session.
    clock.shift(21)  # 301 s after sign-in
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert INACTIVE in client.get("/login/").content.decode()


def test_status_polls_are_not_activity(client):
    company = create_company(live=False)
    with time_machine.travel(START, tick=False) as clock:
        portal_sign_in(client, company.email)
        # The KYC overview polls itself while a step waits for review ...
        for number in range(7):
            clock.shift(40)
            heartbeat(client)
            poll = client.get(f"/onboarding/?poll={number}", headers=HX)
            assert poll.status_code in (200, 286)
        # ... which must not keep an idle session open.
        clock.shift(21)
        response = client.get("/onboarding/?poll=8", headers=HX)
        assert response["HX-Redirect"] == "/login/"


def test_real_requests_restart_the_inactivity_clock(client, clock):
    for _ in range(2):
        for _ in range(6):
            clock.shift(40)
            assert heartbeat(client).status_code == 204
        # 240 s idle: a click on "Stay signed in".
        assert client.post("/session/keep-alive/", headers=HX).status_code == 204
    clock.shift(40)
    assert client.get("/dashboard/").status_code == 200


def test_keep_alive_without_htmx_redirects_back(client):
    company = create_company()
    portal_sign_in(client, company.email)
    response = client.post("/session/keep-alive/", HTTP_REFERER="http://testserver/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/dashboard/"
    response = client.post("/session/keep-alive/", HTTP_REFERER="https://evil.example/")
    assert response["Location"] == "/"


def test_inactivity_timeout_signs_out(client, clock):
    clock.shift(301)
    calls = journal_calls("updateUserLive")
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert journal_calls("updateUserLive") == calls  # ended before any upstream call
    page = client.get("/login/")
    assert INACTIVE in page.content.decode()
    assert client.get("/dashboard/")["Location"].startswith("/login/?next=")


def test_inactivity_timeout_htmx_gets_a_client_redirect(client, clock):
    clock.shift(301)
    response = client.get("/dashboard/", headers=HX)
    assert response["HX-Redirect"] == "/login/"


def test_heartbeat_after_inactivity_ends_the_session(client, clock):
    clock.shift(301)
    response = heartbeat(client)
    assert response["HX-Redirect"] == "/login/?expired=1"
    assert INACTIVE in client.get("/login/").content.decode()
    assert client.get("/dashboard/")["Location"].startswith("/login/")


def test_revoked_upstream_token_signs_out_on_the_next_page(client):
    company = create_company()
    portal_sign_in(client, company.email)
    WebToken.objects.update(revoked=True)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    # Signing in again comes back to the page.
    assert response["Location"] == "/login/?next=%2Fdashboard%2F"
    assert EXPIRED in client.get("/login/").content.decode()
    assert client.get("/dashboard/")["Location"].startswith("/login/")


def test_lapsed_upstream_token_signs_out_from_the_heartbeat(client, clock, live_company):
    clock.shift(40)
    assert heartbeat(client).status_code == 204
    # The expire-token staff action of the simulator.
    WebToken.objects.filter(company=live_company).update(revoked=True)
    clock.shift(31)
    response = heartbeat(client)
    assert response["HX-Redirect"] == "/login/?expired=1"
    assert EXPIRED in client.get("/login/").content.decode()


def test_lapsed_token_on_a_real_request(client, clock):
    """A page opened after the token lapsed (no heartbeat ran): signed out, not a 500."""
    clock.shift(90)
    response = client.get("/dashboard/", headers=HX)
    assert response["HX-Redirect"] == "/login/?next=%2Fdashboard%2F"  # and back after
    assert EXPIRED in client.get("/login/").content.decode()


def test_signed_in_pages_are_not_cached(client):
    company = create_company(live=False)
    portal_sign_in(client, company.email)
    for path in ("/onboarding/", "/onboarding/company/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
    assert "no-store" in heartbeat(client)["Cache-Control"]


def test_healthz_makes_no_upstream_call(client):
    company = create_company()
    assert client.get("/healthz").status_code == 200
    assert JournalEntry.objects.count() == 0
    with time_machine.travel(START, tick=False) as clock:
        portal_sign_in(client, company.email)
        clock.shift(31)  # past the updateUserLive dedupe
        before = JournalEntry.objects.count()
        assert client.get("/healthz").status_code == 200
        assert JournalEntry.objects.count() == before


def test_heartbeat_checks_csrf(client):
    company = create_company()
    portal_sign_in(client, company.email)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies["sessionid"] = client.cookies["sessionid"].value
    assert strict.post("/heartbeat/", headers=HX).status_code == 403


def test_expired_login_link_from_the_inactivity_dialog_signs_out(client):
    company = create_company()
    portal_sign_in(client, company.email)
    response = client.get("/login/?expired=1")
    assert response["Location"] == "/login/"
    assert INACTIVE in client.get("/login/").content.decode()
    assert client.get("/dashboard/")["Location"].startswith("/login/")


def test_login_page_sends_signed_in_visitors_home(client):
    company = create_company()
    portal_sign_in(client, company.email)
    assert client.get("/login/")["Location"] == "/dashboard/"


def _stored_session(client: Client) -> str:
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.cookies["sessionid"].value).session_data


def test_a_busy_session_is_written_at_most_every_15_seconds(client, clock):
    client.post("/session/keep-alive/", headers=HX)
    written = _stored_session(client)
    clock.shift(10)
    client.post("/session/keep-alive/", headers=HX)
    assert _stored_session(client) == written  # 10 s later: no database write
    clock.shift(6)
    client.post("/session/keep-alive/", headers=HX)
    assert _stored_session(client) != written  # 16 s after the stamp: written again


def test_an_unwritten_activity_still_counts_for_the_inactivity_limit(client, clock):
    client.post("/session/keep-alive/", headers=HX)
    clock.shift(10)  # activity kept in the cache only, not in the session
    client.post("/session/keep-alive/", headers=HX)
    for _ in range(7):  # heartbeats keep the bank's token alive; they are not activity
        clock.shift(40)
        assert heartbeat(client).status_code == 204
    clock.shift(15)  # 305 s after the session's stamp, 295 s after the last request
    response = client.post("/session/keep-alive/", headers=HX)
    assert response.status_code == 204
