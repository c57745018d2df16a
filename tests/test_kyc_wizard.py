"""The KYC wizard through the views, the real client and the embedded simulator:
the overview, the company profile, the director, the plans, and the signup captcha.
The bank's compliance team is played by `sandbox.actions`."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from sandbox import actions, reference
from sandbox.models import Company, Mail
from tests.conftest import create_company, journal_calls, portal_sign_in, submit_documents

PASSWORD = "Secret-pass-1"
EMAIL = "kyc@acme.test"
HX = {"HX-Request": "true"}

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str = EMAIL) -> None:
    response = portal_sign_in(client, email, PASSWORD)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def company(db) -> Company:
    return create_company(EMAIL, live=False, company_name="Acme Trading Ltd")


@pytest.fixture
def signed_in(client, company) -> Client:
    sign_in(client)
    return client


BE = reference.country_id("BE")


def company_data(**overrides: str) -> dict[str, str]:
    data = {
        "date_of_incorporation": "2015-03-01",
        "company_type": "2",
        "registration_number": "0123.456.789",
        "vat_number": "BE0123456789",
        "industry": "Software",
        "no_employees": "1",
        "website": "acme.example",
        "purpose_of_account": "Paying suppliers",
        "company_country": BE,
        "registration_country": BE,
        "registration_address1": "Rue de la Loi 16",
        "registration_city": "Brussels",
        "registration_region": "Brussels-Capital",
        "registration_zip": "1000",
        "actual_country": BE,
        "actual_address1": "Meir 1",
        "actual_city": "Antwerp",
        "actual_region": "Antwerp",
        "actual_zip": "2000",
        "phonecode": "32",
        "phone": "470 12 34 56",
    }
    data.update(overrides)
    return data


def director_data(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Ann",
        "last_name": "Peeters",
        "dob": "1980-05-17",
        "gender": "female",
        "role": "director",
        "country": BE,
        "address_country": BE,
        "address": "Veldstraat 3",
        "city": "Ghent",
        "zipcode": "9000",
    }
    data.update(overrides)
    return data


def body(response) -> str:
    return response.content.decode()


def main(page: str) -> str:
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def step(page: str, key: str) -> str:
    """The HTML of one step of the overview."""
    match = re.search(
        rf'<li class="card kyc-step[^"]*" id="step-{key}">(.*?)(?=id="step-|</ol>)', page, re.S
    )
    assert match, f"no step {key}"
    return match.group(1)


def sign_in_again(client: Client) -> None:
    """After time travel the portal session (5 min) and the token (60 s) have lapsed."""
    client.logout()
    client.cookies.clear()
    sign_in(client)


# ---------------------------------------------------------------------------
# Overview and company profile
# ---------------------------------------------------------------------------


def test_signed_out_overview_goes_to_login(client):
    response = client.get("/onboarding/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fonboarding%2F"


def test_fresh_company_overview_says_profile_to_do(signed_in):
    page = body(signed_in.get("/onboarding/"))
    assert "Acme Trading Ltd" in page
    assert "Company profile" in step(page, "company")
    for key in ("company", "documents", "director"):
        assert "To do" in step(page, key)
    # One primary button: the next thing to do.
    assert main(page).count("button-primary") == 1
    assert re.search(r'class="button button-primary" href="/onboarding/company/"', page)
    assert "/onboarding/documents/" in page
    # Nothing waits for review: no polling.
    assert "hx-trigger" not in page.split('id="kyc-steps"')[1].split(">")[0]
    # getCompanyDocumentStatus only once documents exist.
    assert journal_calls("getCompanyStatus") == 1
    assert journal_calls("getCompanyDocumentStatus") == 0


def test_company_form_has_real_controls(signed_in):
    page = body(signed_in.get("/onboarding/company/"))
    assert 'type="date" name="date_of_incorporation"' in page
    assert re.search(r'<select name="registration_country"[^>]*>', page)
    assert f'<option value="{BE}">Belgium</option>' in page
    assert '<option value="32">+32 Belgium</option>' in page
    assert '<option value="Software">Software</option>' in page
    assert '<option value="2">Private limited liability company</option>' in page
    assert '<option value="1">Small</option>' in page
    assert 'type="checkbox" name="same_address"' in page
    assert "js/kyc.js" in page


def test_company_validation_names_fields_and_keeps_values(signed_in):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    data = company_data(
        date_of_incorporation=future,
        phone="12ab",
        registration_number="",
        registration_city="",
        registration_zip="1",
    )
    response = signed_in.post("/onboarding/company/", data)
    assert response.status_code == 200
    page = body(response)
    assert "The date of incorporation cannot be in the future." in page
    assert "Enter the phone number as 6 to 15 digits." in page
    assert "Enter a postcode of 3 to 10 letters and digits." in page
    assert 'id="id_registration_number_error"' in page
    assert 'id="id_registration_city_error"' in page
    assert re.search(r'name="phone" value="12ab"[^>]*aria-invalid="true"', page)
    # Nothing typed is lost.
    assert 'value="Rue de la Loi 16"' in page
    assert 'value="BE0123456789"' in page
    assert f'value="{future}"' in page
    # Nothing reached the bank.
    assert journal_calls("updatecompanydetails") == 0


def test_an_expired_token_on_the_company_form_keeps_what_was_typed_for_after_sign_in(
    signed_in, company
):
    actions.expire_token(email=company.email)
    cache.clear()  # the heartbeat's "recently refreshed" mark, so the form's own call meets it
    referer = {"Referer": "http://testserver/onboarding/company/"}
    response = signed_in.post("/onboarding/company/", company_data(), headers=referer)
    assert response["Location"].startswith("/login/?next=")
    sign_in(signed_in)
    page = body(signed_in.get("/onboarding/company/"))
    assert 'value="0123.456.789"' in page
    assert 'value="Rue de la Loi 16"' in page
    assert "Paying suppliers" in page


def test_company_form_htmx_answers_the_fragment(signed_in):
    response = signed_in.post("/onboarding/company/", company_data(phone="1"), headers=HX)
    page = body(response)
    assert page.lstrip().startswith('<div class="form-area">')
    assert "<html" not in page
    response = signed_in.post("/onboarding/company/", company_data(), headers=HX)
    assert response["HX-Redirect"] == "/onboarding/"


def test_same_address_copies_the_registered_address(signed_in, company):
    data = company_data(same_address="on")
    for name in ("actual_country", "actual_address1", "actual_city", "actual_region", "actual_zip"):
        data[name] = ""
    response = signed_in.post("/onboarding/company/", data)
    assert response.status_code == 302, body(response)[:3000]
    company.refresh_from_db()
    assert company.profile["actual_address1"] == "Rue de la Loi 16"
    assert company.profile["actual_zip"] == "1000"
    assert company.profile["actual_country"] == BE


def test_missing_actual_address_is_refused_without_same_address(signed_in):
    data = company_data(actual_address1="", actual_city="")
    page = body(signed_in.post("/onboarding/company/", data))
    assert 'id="id_actual_address1_error"' in page
    assert 'id="id_actual_city_error"' in page


def test_company_profile_review_then_verified(signed_in, company):
    response = signed_in.post("/onboarding/company/", company_data())
    assert response.status_code == 302
    assert response["Location"] == "/onboarding/"
    company.refresh_from_db()
    assert company.company_status == Company.Step.PENDING
    assert company.profile["phone"] == "470123456"

    page = body(signed_in.get("/onboarding/"))
    assert "sent to the bank for review" in page
    assert "Waiting for review" in step(page, "company")
    assert 'hx-get="/onboarding/?poll=1"' in page
    assert 'hx-trigger="every 10s"' in page
    # Read-only while the bank reviews.
    summary = body(signed_in.get("/onboarding/company/"))
    assert '<form method="post" action="/onboarding/company/"' not in summary
    for shown in ("Rue de la Loi 16", "Belgium", "Software", "+32"):
        assert shown in summary
    assert signed_in.post("/onboarding/company/", company_data()).status_code == 302
    assert journal_calls("updatecompanydetails") == 1

    # The poll sees the same state: 200 with the polling fragment.
    poll = signed_in.get("/onboarding/?poll=1", headers=HX)
    assert poll.status_code == 200
    assert 'hx-get="/onboarding/?poll=2"' in body(poll)
    assert "<html" not in body(poll)

    actions.approve(email=EMAIL, what="profile")
    page = body(signed_in.get("/onboarding/"))
    assert "Verified" in step(page, "company")
    assert re.search(r'class="button button-primary" href="/onboarding/documents/"', page)
    # Nothing waits for review now: the poll stops (286) with the final fragment.
    poll = signed_in.get("/onboarding/?poll=3", headers=HX)
    assert poll.status_code == 286
    assert "Verified" in body(poll)
    assert "hx-trigger" not in body(poll)


def test_polling_stops_after_five_minutes(signed_in):
    signed_in.post("/onboarding/company/", company_data())
    poll = signed_in.get("/onboarding/?poll=30", headers=HX)
    assert poll.status_code == 286
    assert "Reload it to see the latest status" in body(poll)


def test_rejected_profile_shows_reason_and_is_editable_prefilled(signed_in, company):
    signed_in.post("/onboarding/company/", company_data())
    actions.reject(email=EMAIL, what="profile", reason="Wrong VAT number")

    page = body(signed_in.get("/onboarding/"))
    assert "Rejected" in step(page, "company")
    assert "Wrong VAT number" in page
    assert re.search(r'class="button button-primary" href="/onboarding/company/"', page)
    assert signed_in.get("/onboarding/?poll=1", headers=HX).status_code == 286

    form = body(signed_in.get("/onboarding/company/"))
    assert "Wrong VAT number" in form
    assert 'action="/onboarding/company/"' in form
    assert 'value="BE0123456789"' in form
    assert 'value="2015-03-01"' in form
    assert 'value="Meir 1"' in form
    assert '<option value="Software" selected>' in form
    assert '<option value="32" selected>' in form
    assert 'value="470123456"' in form
    assert "Paying suppliers</textarea>" in form

    response = signed_in.post("/onboarding/company/", company_data(vat_number="BE0987654321"))
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.company_status == Company.Step.PENDING
    assert company.profile["vat_number"] == "BE0987654321"


def test_bank_refusal_is_shown_next_to_the_field(signed_in, monkeypatch):
    # A website the simulator refuses for length: the form allows 255 characters.
    from sandbox.endpoints import kyc as sandbox_kyc

    monkeypatch.setattr(sandbox_kyc, "MAX_TEXT", 10)
    page = body(signed_in.post("/onboarding/company/", company_data()))
    assert "The registration_number field must be at most 10 characters." in page
    assert 'id="id_registration_number_error"' in page


# ---------------------------------------------------------------------------
# Director
# ---------------------------------------------------------------------------


def test_director_form_roles_from_get_role(signed_in):
    page = body(signed_in.get("/onboarding/directors/"))
    for key, label in reference.ROLES.items():
        assert f'<option value="{key}">{label}</option>' in page
    assert '<option value="male">Male</option>' in page
    assert 'type="date" name="dob"' in page
    assert re.search(r'<select name="address_country"', page)


def test_director_under_18_is_refused(signed_in):
    today = timezone.localdate()
    minor = today.replace(year=today.year - 17).isoformat()
    page = body(signed_in.post("/onboarding/directors/", director_data(dob=minor)))
    assert "The director must be at least 18 years old." in page
    assert 'id="id_dob_error"' in page
    assert 'value="Peeters"' in page
    assert journal_calls("addcompanydirector") == 0


def test_director_saved_link_sent_resend_after_ten_minutes(client, company):
    sign_in(client)
    response = client.post("/onboarding/directors/", director_data())
    assert response.status_code == 302
    assert response["Location"] == "/onboarding/"
    director = company.director
    assert director.gender == "female"  # sent as "f"
    assert director.role == "director"

    page = body(client.get("/onboarding/"))
    director_step = step(page, "director")
    assert "Waiting for review" in director_step
    assert "link was sent for the director" in director_step
    assert "Resend the KYC link" not in page
    assert 'hx-trigger="every 10s"' in page
    saved = body(client.get("/onboarding/directors/"))
    for shown in ("Ann", "Peeters", "Board Member(Director)", "Female"):
        assert shown in saved
    assert 'action="/onboarding/directors/"' not in saved
    assert "Resend the KYC link" not in saved

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        sign_in_again(client)
        page = body(client.get("/onboarding/"))
        assert "You may ask for the link again" in step(page, "director")
        assert "Resend the KYC link" in page
        assert "Resend the KYC link" in body(client.get("/onboarding/directors/"))
        before = Mail.objects.filter(kind="kyc_link").count()
        response = client.post("/onboarding/directors/resend/", {"next": "/onboarding/directors/"})
        assert response.status_code == 302
        assert response["Location"] == "/onboarding/directors/"
        assert Mail.objects.filter(kind="kyc_link").count() == before + 1
        page = body(client.get("/onboarding/"))
        assert "send the identity check link again" in page
        assert "Resend the KYC link" not in page
        # Too early again: the bank's refusal is shown as a message.
        response = client.post("/onboarding/directors/resend/", follow=True)
        assert "The KYC link was sent recently" in body(response)


def test_rejected_director_shows_reason_and_is_editable(signed_in, company):
    signed_in.post("/onboarding/directors/", director_data())
    actions.reject(email=EMAIL, what="director", reason="Passport expired")

    page = body(signed_in.get("/onboarding/"))
    assert "Rejected" in step(page, "director")
    assert "Passport expired" in page
    form = body(signed_in.get("/onboarding/directors/"))
    assert "Passport expired" in form
    assert 'action="/onboarding/directors/"' in form
    assert 'value="Peeters"' in form
    assert '<option value="female" selected>' in form
    response = signed_in.post("/onboarding/directors/", director_data(city="Bruges"))
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.director_status == Company.Step.PENDING


# ---------------------------------------------------------------------------
# Documents and additional documents (states on the overview)
# ---------------------------------------------------------------------------


def test_documents_states_and_rejection_reason(signed_in, company):
    submit_documents(company)
    page = body(signed_in.get("/onboarding/"))
    documents = step(page, "documents")
    assert "Business registration document" in documents
    assert "Waiting for review" in documents
    actions.reject(email=EMAIL, what="financial", reason="Balance sheet unsigned")
    documents = step(body(signed_in.get("/onboarding/")), "documents")
    assert "Balance sheet unsigned" in documents
    assert "Rejected" in documents
    assert "/onboarding/documents/" in documents


def test_requested_additional_document_appears_with_link(signed_in):
    actions.request_document(
        email=EMAIL, title="Bank reference letter", description="Signed by your bank"
    )
    page = body(signed_in.get("/onboarding/"))
    additional = step(page, "additional")
    assert "Bank reference letter" in additional
    assert "Signed by your bank" in additional
    assert "To do" in additional
    assert 'href="/onboarding/additional-documents/"' in additional


# ---------------------------------------------------------------------------
# Everything verified, going live
# ---------------------------------------------------------------------------


def verify_everything(client: Client, company: Company) -> None:
    client.post("/onboarding/company/", company_data())
    client.post("/onboarding/directors/", director_data())
    submit_documents(company)
    actions.approve(email=EMAIL, what="all")


def test_all_verified_says_the_bank_emails_a_plan_offer(signed_in, company):
    verify_everything(signed_in, company)
    page = body(signed_in.get("/onboarding/"))
    assert "Everything is verified" in page
    assert "The bank will email you a plan offer" in page
    assert re.search(r'class="button button-primary" href="/onboarding/plan/"', page)
    # Waiting for the offer to be accepted: keep checking.
    assert 'hx-trigger="every 10s"' in page


def test_live_company_overview_goes_to_dashboard(signed_in, company):
    verify_everything(signed_in, company)
    actions.make_live(email=EMAIL, accept=True)

    poll = signed_in.get("/onboarding/?poll=1", headers=HX)
    assert poll["HX-Redirect"] == "/dashboard/"
    response = signed_in.get("/onboarding/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert signed_in.get("/dashboard/").status_code == 200
    assert signed_in.get("/")["Location"] == "/dashboard/"


# ---------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------


def country_of_risk(level: str) -> tuple[str, str]:
    country = next(c for c in reference.COUNTRIES if c["risk_level"] == level)
    return country["id"], country["country_name"]


PLAN_NAMES = {"1": "IBAN HR", "2": "IBAN MR", "3": "Basic Plan Low Risk"}


@pytest.mark.parametrize("level", ["1", "2", "3"])
def test_plan_page_shows_the_plans_of_the_country_risk_level(signed_in, company, level):
    country, name = country_of_risk(level)
    company.profile = {"company_country": country}
    company.save()
    page = body(signed_in.get("/onboarding/plan/"))
    assert name in page
    assert PLAN_NAMES[level] in page
    for other, plan in PLAN_NAMES.items():
        if other != level:
            assert plan not in page
    assert "the bank emails you a plan offer" in page


def test_plan_page_table_of_fees(signed_in, company):
    company.profile = {"company_country": country_of_risk("2")[0]}
    company.save()
    page = body(signed_in.get("/onboarding/plan/"))
    assert "€900.00" in page  # plan price
    assert "€1.00 + 0.30 %" in page  # SEPA out: fixed + percentage
    assert "SEPA Instant transfer in" in page
    assert "Monthly account fee" in page
    # posPlan and the source-of-funds list.
    for shown in ("Paid Plan", "€5.00", "€1.49"):
        assert shown in page
    assert "Self employement" in page


def test_plan_page_without_country_shows_every_plan(signed_in):
    page = body(signed_in.get("/onboarding/plan/"))
    for plan in PLAN_NAMES.values():
        assert plan in page
    assert "€1,800.00" in page


# ---------------------------------------------------------------------------
# Sign-up reCAPTCHA (verifygooglecaptcha) when the brand has a site key
# ---------------------------------------------------------------------------

SIGNUP = {"company_name": "New Co Ltd", "email": "new@acme.test"}


def test_signup_without_captcha_key_calls_no_captcha(client):
    response = client.post("/signup/", SIGNUP)
    assert response["Location"] == "/signup/verify/"
    assert journal_calls("verifygooglecaptcha") == 0


@pytest.fixture
def captcha_brand(monkeypatch):
    monkeypatch.setitem(reference.BRAND, "google_captcha_client", "site-key-123")
    monkeypatch.setitem(reference.BRAND, "google_captcha_secret", "secret-123")


def test_signup_shows_the_captcha_widget_only_with_a_key(client, monkeypatch):
    plain = client.get("/signup/")
    assert "g-recaptcha" not in body(plain)
    assert "google.com" not in plain["Content-Security-Policy"]
    monkeypatch.setitem(reference.BRAND, "google_captcha_client", "site-key-123")
    cache.clear()  # the brand is cached reference data
    page = client.get("/signup/")
    assert 'data-sitekey="site-key-123"' in body(page)
    assert "https://www.google.com/recaptcha/" in page["Content-Security-Policy"]
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_signup_with_captcha_key_requires_the_token(client, captcha_brand):
    page = body(client.post("/signup/", SIGNUP))
    assert "Please confirm you are not a robot." in page
    assert 'value="New Co Ltd"' in page
    assert journal_calls("openAccount") == 0
    assert journal_calls("verifygooglecaptcha") == 0


def test_signup_with_captcha_key_refuses_a_failed_check(client, captcha_brand):
    page = body(client.post("/signup/", {**SIGNUP, "g-recaptcha-response": "invalid"}))
    assert "Please confirm you are not a robot." in page
    assert journal_calls("verifygooglecaptcha") == 1
    assert journal_calls("openAccount") == 0


def test_signup_with_captcha_key_passes_a_good_token(client, captcha_brand):
    response = client.post("/signup/", {**SIGNUP, "g-recaptcha-response": "token-ok"})
    assert response["Location"] == "/signup/verify/"
    assert journal_calls("verifygooglecaptcha") == 1
    assert journal_calls("openAccount") == 1
