"""Sign-up, sign-in, password reset and sign-out through the views, the real client
and the embedded simulator. OTPs are read from the simulator's mailbox."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from sandbox.models import Company, Fault, Mail, WebToken
from tests.conftest import create_company, journal_calls, latest_code, portal_sign_in

PASSWORD = "Secret-pass-1"
UNAVAILABLE = "The bank is unavailable right now. Please try again."

pytestmark = pytest.mark.django_db


def wrong_code(email: str) -> str:
    right = latest_code(email)
    return "111111" if right != "111111" else "222222"


def start_login(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return client.post("/login/", {"email": email, "password": password, **extra})


# ---------------------------------------------------------------------------
# Sign-up
# ---------------------------------------------------------------------------


def start_signup(client: Client, email: str = "new@acme.test", company: str = "New Co Ltd"):
    response = client.post("/signup/", {"company_name": company, "email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/signup/verify/"
    return response


def test_signup_verify_lands_on_onboarding(client):
    assert client.get("/signup/").status_code == 200
    start_signup(client)

    page = client.get("/signup/verify/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "new@acme.test" in body
    # Sandbox mode: a hint to the mailbox for this address.
    assert "Sandbox: read the code in the mailbox" in body
    assert "/sandbox/mailbox/?to=new%40acme.test" in body
    assert 'autocomplete="one-time-code"' in body
    assert 'inputmode="numeric"' in body

    response = client.post("/signup/verify/", {"email_otp": latest_code("new@acme.test")})
    assert response.status_code == 302
    assert response["Location"] == "/onboarding/"
    page = client.get("/onboarding/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "New Co Ltd" in body
    assert "emailed you your password" in body
    assert Company.objects.get(email="new@acme.test").email_verified


def test_signup_duplicate_email_shows_bank_message_and_keeps_values(client):
    create_company("owner@acme.test")
    response = client.post("/signup/", {"company_name": "Other Co", "email": "owner@acme.test"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Email already exists." in body
    assert 'value="Other Co"' in body
    assert 'value="owner@acme.test"' in body
    # The error is tied to the email field.
    assert 'id="id_email_error"' in body
    assert re.search(
        r'<input[^>]*aria-invalid="true"[^>]*name="email"|'
        r'<input[^>]*name="email"[^>]*aria-invalid="true"',
        body,
    )


def test_signup_wrong_otp_once_keeps_the_form(client):
    start_signup(client)
    response = client.post("/signup/verify/", {"email_otp": wrong_code("new@acme.test")})
    assert response.status_code == 200
    body = response.content.decode()
    assert "You have entered wrong otp code" in body
    assert 'name="email_otp"' in body
    # The second try with the right code still works.
    response = client.post("/signup/verify/", {"email_otp": latest_code("new@acme.test")})
    assert response["Location"] == "/onboarding/"


def test_second_wrong_signup_otp_ends_the_attempt(client):
    start_signup(client)
    client.post("/signup/verify/", {"email_otp": wrong_code("new@acme.test")})
    response = client.post("/signup/verify/", {"email_otp": wrong_code("new@acme.test")})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Too many wrong codes. Please start again." in body
    assert 'href="/signup/"' in body
    assert 'name="email_otp"' not in body
    # The pending signup is gone.
    assert client.get("/signup/verify/")["Location"] == "/signup/"
    # Starting again works.
    start_signup(client)
    response = client.post("/signup/verify/", {"email_otp": latest_code("new@acme.test")})
    assert response["Location"] == "/onboarding/"


# ---------------------------------------------------------------------------
# Sign-in
# ---------------------------------------------------------------------------


def test_home_sends_signed_out_visitors_to_login(client):
    assert client.get("/")["Location"] == "/login/"


def test_login_live_company_lands_on_dashboard(client):
    company = create_company()
    page = client.get("/login/")
    body = page.content.decode()
    assert 'autocomplete="email"' in body
    assert 'autocomplete="current-password"' in body

    response = portal_sign_in(client, company.email)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    page = client.get("/dashboard/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Acme Trading Ltd" in body
    iban = company.ibans.get().iban
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert grouped in body
    assert "5,000.00\u00a0EUR" in body  # the money filter keeps amount and currency together
    assert client.get("/")["Location"] == "/dashboard/"


def test_login_company_not_live_lands_on_onboarding(client):
    company = create_company("new@acme.test", live=False, company_name="Fresh Co")
    response = portal_sign_in(client, company.email)
    assert response["Location"] == "/onboarding/"
    assert "Fresh Co" in client.get("/onboarding/").content.decode()
    assert client.get("/")["Location"] == "/onboarding/"
    # Not live yet: no dashboard.
    assert client.get("/dashboard/")["Location"] == "/onboarding/"


def test_signed_out_dashboard_redirects_to_login_with_next(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fdashboard%2F"
    page = client.get(response["Location"])
    assert 'name="next" value="/dashboard/"' in page.content.decode()


def test_local_next_is_honoured(client):
    company = create_company()
    response = portal_sign_in(client, company.email, next="/onboarding/?step=1")
    assert response["Location"] == "/onboarding/?step=1"


@pytest.mark.parametrize(
    "target", ["https://evil.example/steal", "//evil.example/", "http://evil.example"]
)
def test_external_next_is_ignored(client, target):
    company = create_company()
    page = client.get("/login/", {"next": target})
    assert "evil.example" not in page.content.decode()
    response = portal_sign_in(client, company.email, next=target)
    assert response["Location"] == "/dashboard/"


def test_wrong_password_and_unknown_email_say_the_same(client):
    create_company()
    wrong = start_login(client, "owner@acme.test", "Wrong-pass-9")
    unknown = start_login(client, "nobody@acme.test", "Wrong-pass-9")
    for response, email in ((wrong, "owner@acme.test"), (unknown, "nobody@acme.test")):
        assert response.status_code == 200
        body = response.content.decode()
        assert "Wrong email or password." in body
        assert f'value="{email}"' in body  # what was typed stays
        assert "Wrong-pass-9" not in body  # except the password


def test_wrong_login_otp(client):
    company = create_company()
    start_login(client, company.email)
    response = client.post("/login/verify/", {"otp": wrong_code(company.email)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "You have entered wrong otp code" in body
    assert 'id="id_otp_error"' in body
    assert "Sandbox: read the code in the mailbox" in body
    assert "/login/?email=owner%40acme.test" in body  # "sign in again", prefilled
    assert not WebToken.objects.exists()
    response = client.post("/login/verify/", {"otp": latest_code(company.email)})
    assert response["Location"] == "/dashboard/"


def test_send_a_new_login_code_replaces_the_old_one(client):
    company = create_company()
    start_login(client, company.email)
    first = latest_code(company.email)
    response = client.post("/login/resend/", {"password": PASSWORD}, follow=True)
    assert "We sent a new code to owner@acme.test." in response.content.decode()
    assert journal_calls("login") == 2
    second = latest_code(company.email)
    if second != first:  # the simulator replaced the code: the old one is dead
        response = client.post("/login/verify/", {"otp": first})
        assert response.status_code == 200
    response = client.post("/login/verify/", {"otp": second})
    assert response["Location"] == "/dashboard/"


def test_send_a_new_login_code_needs_the_right_password(client):
    company = create_company()
    start_login(client, company.email)
    response = client.post("/login/resend/", {"password": "not-it"}, follow=True)
    assert "Wrong password. No new code was sent." in response.content.decode()
    assert Mail.objects.filter(to=company.email).count() == 1
    assert client.get("/login/resend/").status_code == 405


def test_throttled_after_five_wrong_passwords(client):
    create_company()
    moment = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    with time_machine.travel(moment, tick=False):
        for _ in range(5):
            response = start_login(client, "owner@acme.test", "Wrong-pass-9")
            assert "Wrong email or password." in response.content.decode()
        calls = journal_calls("login")
        # Even the right password is refused now, before anything goes upstream.
        response = start_login(client, "owner@acme.test", PASSWORD)
        assert response.status_code == 200
        assert "Too many attempts. Try again at 10:15." in response.content.decode()
        assert journal_calls("login") == calls
    with time_machine.travel(moment.replace(minute=16), tick=False):
        assert start_login(client, "owner@acme.test", PASSWORD).status_code == 302


# Per client address across emails, behind proxies, known devices: tests/test_throttle.py


def test_throttled_after_five_wrong_login_codes(client):
    company = create_company()
    start_login(client, company.email)
    for _ in range(5):
        client.post("/login/verify/", {"otp": wrong_code(company.email)})
        start_login(client, company.email)  # the bank allows 3 tries per code
    calls = journal_calls("verifyLogin")
    response = client.post("/login/verify/", {"otp": latest_code(company.email)})
    assert "Too many attempts. Try again at" in response.content.decode()
    assert journal_calls("verifyLogin") == calls


# ---------------------------------------------------------------------------
# Password reset
# ---------------------------------------------------------------------------


def test_forgot_reset_then_login_with_the_new_password(client):
    create_company()
    response = client.post("/password/forgot/", {"email": "owner@acme.test"})
    assert response["Location"] == "/password/reset/"
    page = client.get("/password/reset/")
    body = page.content.decode()
    assert "If the address is registered, we sent a code" in body
    assert 'autocomplete="new-password"' in body

    new_password = "New-secret-pass-2"
    mismatch = client.post(
        "/password/reset/",
        {
            "code": latest_code("owner@acme.test"),
            "password": new_password,
            "password_confirmation": "Something-else-3",
        },
    )
    assert "The two passwords differ." in mismatch.content.decode()

    response = client.post(
        "/password/reset/",
        {
            "code": latest_code("owner@acme.test"),
            "password": new_password,
            "password_confirmation": new_password,
        },
    )
    assert response["Location"] == "/login/"
    assert "Your password has been changed" in client.get("/login/").content.decode()
    assert "Wrong email or password." in start_login(client, "owner@acme.test").content.decode()
    assert portal_sign_in(client, "owner@acme.test", new_password)["Location"] == "/dashboard/"


def test_forgot_unknown_email_looks_the_same(client):
    response = client.post("/password/forgot/", {"email": "nobody@acme.test"})
    assert response["Location"] == "/password/reset/"
    assert (
        "If the address is registered, we sent a code"
        in client.get("/password/reset/").content.decode()
    )
    response = client.post(
        "/password/reset/",
        {"code": "123456", "password": "New-pass-2x", "password_confirmation": "New-pass-2x"},
    )
    assert response.status_code == 200
    assert "This code is wrong or has expired." in response.content.decode()


def test_reset_wrong_code_says_the_same(client):
    create_company()
    client.post("/password/forgot/", {"email": "owner@acme.test"})
    response = client.post(
        "/password/reset/",
        {
            "code": wrong_code("owner@acme.test"),
            "password": "New-pass-2x",
            "password_confirmation": "New-pass-2x",
        },
    )
    assert "This code is wrong or has expired." in response.content.decode()


# ---------------------------------------------------------------------------
# Sign-out
# ---------------------------------------------------------------------------


def test_logout_is_post_only_and_the_old_cookie_is_dead(client):
    company = create_company()
    portal_sign_in(client, company.email)
    assert client.get("/dashboard/").status_code == 200
    old_cookie = client.cookies["sessionid"].value

    assert client.get("/logout/").status_code == 405
    assert client.get("/dashboard/").status_code == 200  # still signed in

    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "You have been signed out." in client.get("/login/").content.decode()
    assert WebToken.objects.get().revoked  # signed out at the bank too

    client.cookies["sessionid"] = old_cookie
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_logout_ignores_upstream_failure(client):
    company = create_company()
    portal_sign_in(client, company.email)
    Fault.objects.create(endpoint="logout", http_status=503)
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert client.get("/dashboard/")["Location"].startswith("/login/")


# ---------------------------------------------------------------------------
# Upstream failures, htmx, CSRF
# ---------------------------------------------------------------------------


def test_upstream_down_shows_inline_message_and_keeps_values(client):
    create_company()
    Fault.objects.create(endpoint="login", http_status=503)
    response = start_login(client, "owner@acme.test")
    assert response.status_code == 200
    body = response.content.decode()
    assert UNAVAILABLE in body
    assert 'value="owner@acme.test"' in body


def test_upstream_down_on_signup(client):
    Fault.objects.create(endpoint="openAccount", http_status=503)
    response = client.post("/signup/", {"company_name": "New Co Ltd", "email": "n@acme.test"})
    assert response.status_code == 200
    body = response.content.decode()
    assert UNAVAILABLE in body
    assert 'value="New Co Ltd"' in body


def test_htmx_posts_get_fragments_and_client_redirects(client):
    company = create_company()
    hx = {"HX-Request": "true"}
    response = client.post(
        "/login/", {"email": company.email, "password": "Wrong-pass-9"}, headers=hx
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wrong email or password." in body
    assert "<html" not in body
    assert 'class="form-area"' in body

    response = client.post("/login/", {"email": company.email, "password": PASSWORD}, headers=hx)
    assert response["HX-Redirect"] == "/login/verify/"
    response = client.post("/login/verify/", {"otp": latest_code(company.email)}, headers=hx)
    assert response["HX-Redirect"] == "/dashboard/"


def test_csrf_is_enforced():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"email": "owner@acme.test", "password": PASSWORD})
    assert response.status_code == 403
    assert journal_calls("login") == 0


def test_dashboard_outage_is_a_503_page_not_a_sign_out(client):
    company = create_company()
    portal_sign_in(client, company.email)
    Fault.objects.create(endpoint="dashboard", http_status=503)
    response = client.get("/dashboard/")
    assert response.status_code == 503
    Fault.objects.all().delete()
    assert client.get("/dashboard/").status_code == 200
