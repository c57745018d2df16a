"""The simulated bank's accounts and onboarding, driven through the real client transport."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from codego.errors import ApiError, SessionExpired
from codego.transport import Transport
from codego.types import Credentials
from sandbox.models import (
    AdditionalDocument,
    Company,
    CompanyDocument,
    Director,
    Iban,
    Mail,
    Plan,
    PlanProposal,
    StoredFile,
    WebToken,
)
from sandbox.reference import INDUSTRIES, country_id
from tests.conftest import create_company, latest_code, sign_in
from tests.helpers import assert_shape, documented

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def refusal(transport: Transport, name: str, data: dict[str, str]) -> str:
    """The exact message of a refused public call."""
    with pytest.raises(ApiError) as caught:
        transport.call(name, data)
    return caught.value.message


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def sign_up(transport: Transport, email: str = "new@acme.test") -> tuple[dict, Credentials]:
    started = transport.call("openAccount", {"email": email, "company_name": "New Co Ltd"})
    done = transport.call(
        "verifyemailotp",
        {"unique_id": started["unique_id"], "email_otp": latest_code(email, "signup_otp")},
    )
    return done, Credentials(user_id=done["user_id"], web_token=done["web_token"])


@pytest.fixture
def company(db) -> Company:
    """A verified company at the start of onboarding."""
    return create_company("onboard@acme.test", live=False)


@pytest.fixture
def session(company) -> Credentials:
    return sign_in(company)


def details(**changes: str) -> dict[str, str]:
    body = {
        "date_of_incorporation": "2019-05-14",
        "registration_number": "HRB 12345",
        "vat_number": "DE123456789",
        "industry": INDUSTRIES[0],
        "website": "www.acme.test",
        "no_employees": "1",
        "purpose_of_account": "Paying suppliers",
        "registration_country": country_id("DE"),
        "registration_address1": "Hauptstrasse 1",
        "registration_city": "Berlin",
        "registration_region": "Berlin",
        "registration_zip": "10115",
        "actual_country": country_id("DE"),
        "actual_address1": "Hauptstrasse 1",
        "actual_city": "Berlin",
        "actual_region": "Berlin",
        "actual_zip": "10115",
        "company_country": country_id("DE"),
        "company_type": "2",
        "phonecode": "49",
        "phone": "301234567",
    }
    body.update(changes)
    return body


def director(**changes: str) -> dict[str, str]:
    body = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "dob": "1980-12-10",
        "role": "director",
        "country": country_id("GB"),
        "address_country": country_id("GB"),
        "address": "12 St James's Square",
        "city": "London",
        "zipcode": "SW1Y 4JH",
        "gender": "f",
    }
    body.update(changes)
    return body


def all_documents() -> dict[str, tuple[str, bytes, str]]:
    return {
        "business_reg_document": ("registration.pdf", PDF, "application/pdf"),
        "ownership_structure_document": ("owners.png", PNG, "image/png"),
        "financial_document": ("accounts.jpg", JPEG, "image/jpeg"),
    }


# Signup


def test_a_signup_code_from_the_mail_verifies_the_email_and_gives_a_working_token(transport):
    started = transport.call("openAccount", {"email": "new@acme.test", "company_name": "New Co"})
    assert_shape(started, documented("openAccount"))
    assert started["device_model"] == started["device_type"] == ""
    mail = Mail.objects.filter(to="new@acme.test").first()
    assert mail.kind == "signup_otp"
    assert "10 minutes" in mail.body

    done = transport.call(
        "verifyemailotp",
        {
            "unique_id": started["unique_id"],
            "email_otp": latest_code("new@acme.test", "signup_otp"),
        },
    )
    assert_shape(done, documented("verifyemailotp"))
    assert done["is_live"] == 0
    assert done["user_id"] == started["user_id"]
    assert done["password"] in Mail.objects.get(kind="signup_password").body
    session = Credentials(user_id=done["user_id"], web_token=done["web_token"])
    assert transport.call("getCompanyStatus", session=session)["user"]["id"] == done["user_id"]
    # The generated password is the one that signs in.
    login = transport.call("login", {"email": "new@acme.test", "password": done["password"]})
    assert login["user_id"] == done["user_id"]


def test_signup_echoes_the_device_fields_when_they_are_sent(transport):
    started = transport.call(
        "openAccount",
        {
            "email": "new@acme.test",
            "company_name": "New Co",
            "device_model": "iPhone",
            "device_type": "Apple Phone",
        },
    )
    assert (started["device_model"], started["device_type"]) == ("iPhone", "Apple Phone")


def test_opening_an_account_with_the_email_of_a_verified_company_is_refused(transport, company):
    with pytest.raises(ApiError, match=r"Email already exists."):
        transport.call("openAccount", {"email": "ONBOARD@acme.test", "company_name": "Again"})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "company_name": "X"}, "email"),
        ({"company_name": "X"}, "email"),
        ({"email": "new@acme.test"}, "company_name"),
    ],
)
def test_opening_an_account_with_a_bad_field_names_the_field(transport, body, field):
    with pytest.raises(ApiError, match=field):
        transport.call("openAccount", body)


def test_a_wrong_signup_code_can_be_followed_by_the_right_one(transport):
    started = transport.call("openAccount", {"email": "new@acme.test", "company_name": "New Co"})
    code = latest_code("new@acme.test", "signup_otp")
    with pytest.raises(ApiError, match="You have entered wrong otp code"):
        transport.call(
            "verifyemailotp", {"unique_id": started["unique_id"], "email_otp": wrong(code)}
        )
    done = transport.call("verifyemailotp", {"unique_id": started["unique_id"], "email_otp": code})
    assert done["status"] == 1


def test_two_wrong_signup_codes_lock_the_signup_until_it_is_started_again(transport):
    started = transport.call("openAccount", {"email": "new@acme.test", "company_name": "Old Name"})
    code = latest_code("new@acme.test", "signup_otp")
    with pytest.raises(ApiError, match="wrong otp code"):
        transport.call(
            "verifyemailotp", {"unique_id": started["unique_id"], "email_otp": wrong(code)}
        )
    with pytest.raises(ApiError, match="Too many wrong codes"):
        transport.call(
            "verifyemailotp", {"unique_id": started["unique_id"], "email_otp": wrong(code)}
        )
    # Even the right code no longer works with that unique_id.
    with pytest.raises(ApiError, match="start the signup again"):
        transport.call("verifyemailotp", {"unique_id": started["unique_id"], "email_otp": code})

    again = transport.call("openAccount", {"email": "new@acme.test", "company_name": "New Name"})
    assert again["unique_id"] != started["unique_id"]
    assert again["user_id"] == started["user_id"]
    assert again["company_name"] == "New Name"
    with pytest.raises(ApiError, match="wrong otp code"):  # attempts start over
        transport.call("verifyemailotp", {"unique_id": again["unique_id"], "email_otp": "x"})
    done = transport.call(
        "verifyemailotp",
        {"unique_id": again["unique_id"], "email_otp": latest_code("new@acme.test", "signup_otp")},
    )
    assert done["company_name"] == "New Name"


# Login


def test_login_answers_the_same_message_for_a_wrong_password_and_an_unknown_email(
    transport, company
):
    with pytest.raises(ApiError) as wrong_password:
        transport.call("login", {"email": company.email, "password": "not-the-password1"})
    with pytest.raises(ApiError) as unknown_email:
        transport.call("login", {"email": "nobody@acme.test", "password": "Secret-pass-1"})
    assert wrong_password.value.message == unknown_email.value.message == "Wrong email or password."
    assert not Mail.objects.filter(kind="login_otp").exists()


def test_login_of_an_email_not_yet_verified_asks_to_verify_it_first(transport):
    transport.call("openAccount", {"email": "new@acme.test", "company_name": "New Co"})
    with pytest.raises(ApiError, match=r"Please verify your email address first."):
        transport.call("login", {"email": "new@acme.test", "password": "whatever1"})


def test_a_login_code_can_be_wrong_once_and_then_right(transport, company):
    started = transport.call("login", {"email": company.email, "password": "Secret-pass-1"})
    assert_shape(started, documented("login"))
    code = latest_code(company.email, "login_otp")
    with pytest.raises(ApiError, match="You have entered wrong otp code"):
        transport.call("verifyLogin", {"user_id": started["user_id"], "otp": wrong(code)})
    done = transport.call("verifyLogin", {"user_id": started["user_id"], "otp": code})
    assert_shape(done, documented("verifyLogin"))
    session = Credentials(user_id=done["user_id"], web_token=done["web_token"])
    assert transport.call("profile_details", session=session)["user"]["email"] == company.email


def test_three_wrong_login_codes_expire_the_code(transport, company):
    started = transport.call("login", {"email": company.email, "password": "Secret-pass-1"})
    code = latest_code(company.email, "login_otp")
    for _ in range(3):
        with pytest.raises(ApiError, match="wrong otp code"):
            transport.call("verifyLogin", {"user_id": started["user_id"], "otp": wrong(code)})
    with pytest.raises(ApiError, match=r"The code has expired. Please sign in again."):
        transport.call("verifyLogin", {"user_id": started["user_id"], "otp": code})


@pytest.mark.parametrize(("minutes", "accepted"), [(9, True), (11, False)])
def test_a_login_code_lives_ten_minutes(transport, company, minutes, accepted):
    sent = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(sent, tick=False):
        started = transport.call("login", {"email": company.email, "password": "Secret-pass-1"})
    code = latest_code(company.email, "login_otp")
    with time_machine.travel(sent + timedelta(minutes=minutes), tick=False):
        if accepted:
            assert transport.call("verifyLogin", {"user_id": started["user_id"], "otp": code})
        else:
            with pytest.raises(ApiError, match="The code has expired"):
                transport.call("verifyLogin", {"user_id": started["user_id"], "otp": code})


def test_a_password_reset_sets_the_new_password_and_signs_every_session_out(transport, company):
    old_session = sign_in(company)
    started = transport.call("forgotpassword", {"email": company.email})
    assert_shape(started, documented("forgotpassword"))
    assert started["name"] == company.company_name
    code = latest_code(company.email, "password_reset")
    reset = {"unique_id": started["unique_id"], "user_id": started["user_id"], "code": code}

    with pytest.raises(ApiError, match=r"password.*8 characters"):
        transport.call("resetpassword", {**reset, "password": "short1"})
    with pytest.raises(ApiError, match="letter and a digit"):
        transport.call("resetpassword", {**reset, "password": "onlyletters"})
    with pytest.raises(ApiError, match="wrong otp code"):
        transport.call("resetpassword", {**reset, "code": wrong(code), "password": "Better-pass-2"})
    assert transport.call("resetpassword", {**reset, "password": "Better-pass-2"}) == {"status": 1}

    assert Mail.objects.filter(kind="password_changed", to=company.email).exists()
    with pytest.raises(SessionExpired):
        transport.call("profile_details", session=old_session)
    with pytest.raises(ApiError, match=r"Wrong email or password."):
        transport.call("login", {"email": company.email, "password": "Secret-pass-1"})
    assert transport.call("login", {"email": company.email, "password": "Better-pass-2"})


def test_a_password_reset_for_an_unknown_email_is_refused(transport):
    with pytest.raises(ApiError, match=r"Email address not found."):
        transport.call("forgotpassword", {"email": "nobody@acme.test"})


def test_logout_revokes_the_token(transport, session):
    assert transport.call("logout", session=session) == {"status": 1}
    assert WebToken.objects.get(token=session.web_token).revoked
    with pytest.raises(SessionExpired):
        transport.call("getCompanyStatus", session=session)


def test_a_token_lapses_without_keep_alive_and_lives_on_with_it(transport, company):
    ttl = settings.SANDBOX_TOKEN_TTL
    start = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(start, tick=False):
        idle, kept = sign_in(company), sign_in(company)
    with time_machine.travel(start + timedelta(seconds=ttl - 10), tick=False):
        assert transport.call("updateUserLive", session=kept) == {
            "status": 1,
            "message": "updated",
        }
    with time_machine.travel(start + timedelta(seconds=ttl + 5), tick=False):
        with pytest.raises(SessionExpired):
            transport.call("getCompanyStatus", session=idle)
        assert transport.call("getCompanyStatus", session=kept)["status"] == 1
    with (
        time_machine.travel(start + timedelta(seconds=2 * ttl), tick=False),
        pytest.raises(SessionExpired),
    ):
        transport.call("getCompanyStatus", session=kept)


# Company details


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"registration_number": ""}, "registration_number"),
        ({"date_of_incorporation": "14/05/2019"}, "date_of_incorporation"),
        ({"date_of_incorporation": "2999-01-01"}, "date_of_incorporation"),
        ({"registration_country": "1597525"}, "registration_country"),
        ({"actual_country": ""}, "actual_country"),
        ({"company_country": "abc"}, "company_country"),
        ({"industry": "Space piracy"}, "industry"),
        ({"no_employees": "lots"}, "no_employees"),
        ({"company_type": "99"}, "company_type"),
        ({"phonecode": "4x"}, "phonecode"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "30-123-456"}, "phone"),
    ],
)
def test_company_details_errors_name_the_field(transport, session, company, changes, field):
    with pytest.raises(ApiError, match=field):
        transport.call("updatecompanydetails", details(**changes), session=session)
    company.refresh_from_db()
    assert company.company_status == Company.Step.TO_DO


def test_company_details_accept_the_optional_fields_missing_and_a_size_by_name(
    transport, session, company
):
    body = details(no_employees="Medium")
    for optional in ("vat_number", "website", "company_type"):
        del body[optional]
    assert transport.call("updatecompanydetails", body, session=session) == {
        "status": 1,
        "message": "success",
    }


def test_submitted_company_details_wait_for_review_and_cannot_be_sent_again(
    transport, session, company
):
    transport.call("updatecompanydetails", details(), session=session)
    company.refresh_from_db()
    assert company.company_status == Company.Step.PENDING
    assert company.phone_number == "+49 301234567"
    with pytest.raises(ApiError, match="already submitted and waiting for review"):
        transport.call("updatecompanydetails", details(), session=session)

    # Compliance rejects: the details can be sent again, and the reason is cleared.
    company.company_status, company.reject_reason = Company.Step.REJECTED, "Wrong address"
    company.save()
    status = transport.call("getCompanyStatus", session=session)
    assert status["company"]["profile_status"] == "3"
    assert status["company"]["reject_reason"] == "Wrong address"
    transport.call("updatecompanydetails", details(actual_city="Hamburg"), session=session)
    company.refresh_from_db()
    assert (company.company_status, company.reject_reason) == (Company.Step.PENDING, "")
    assert company.profile["actual_city"] == "Hamburg"

    company.company_status = Company.Step.VERIFIED
    company.save()
    with pytest.raises(ApiError, match="already verified"):
        transport.call("updatecompanydetails", details(), session=session)


# Company documents


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"MZ\x90\x00 an executable named like a pdf", "must be a PDF, JPEG or PNG"),
        (b"", "file is empty"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
    ids=["wrong type by content", "empty", "too large"],
)
def test_company_documents_are_checked_by_their_content(transport, session, content, error):
    files = {**all_documents(), "business_reg_document": ("registration.pdf", content, "x/y")}
    with pytest.raises(ApiError, match=error) as caught:
        transport.call("uploadCompanyDocument", session=session, files=files)
    assert "business_reg_document" in caught.value.message
    assert not CompanyDocument.objects.exists()
    assert not StoredFile.objects.exists()


def test_all_three_documents_are_required_first_and_then_only_the_rejected_one(
    transport, session, company
):
    files = all_documents()
    del files["financial_document"]
    with pytest.raises(ApiError, match="financial_document"):
        transport.call("uploadCompanyDocument", session=session, files=files)

    answer = transport.call("uploadCompanyDocument", session=session, files=all_documents())
    assert answer == {"status": 1, "message": "Company documents uploaded successfully"}
    company.refresh_from_db()
    assert company.document_status == Company.Step.PENDING
    stored = CompanyDocument.objects.get(kind="Ownership").file
    assert (stored.content_type, stored.size, bytes(stored.data)) == ("image/png", len(PNG), PNG)
    with pytest.raises(ApiError, match="waiting for review"):
        transport.call("uploadCompanyDocument", session=session, files=all_documents())

    # Compliance verifies two and rejects the ownership structure.
    CompanyDocument.objects.exclude(kind="Ownership").update(status=1)
    CompanyDocument.objects.filter(kind="Ownership").update(status=2, rejection_reason="Unsigned")
    company.document_status = Company.Step.REJECTED
    company.save()
    listed = transport.call("getCompanyDocumentStatus", session=session)
    assert listed["company"]["document_status"] == "3"
    assert listed["company_document"]["Ownership"] == {
        "status": "2",
        "rejection_reason": "Unsigned",
    }
    assert listed["company_document"]["financial"] == {"status": "1", "rejection_reason": None}

    only_other = {"financial_document": ("accounts.pdf", PDF, "application/pdf")}
    with pytest.raises(ApiError, match="ownership_structure_document"):
        transport.call("uploadCompanyDocument", session=session, files=only_other)
    verified_file = CompanyDocument.objects.get(kind="financial").file_id
    transport.call("uploadCompanyDocument", session=session, files=all_documents())
    listed = transport.call("getCompanyDocumentStatus", session=session)
    assert listed["company"]["document_status"] == "1"
    assert listed["company_document"]["Ownership"] == {"status": "0", "rejection_reason": None}
    assert listed["company_document"]["financial"]["status"] == "1"  # not replaced
    assert CompanyDocument.objects.get(kind="financial").file_id == verified_file
    assert StoredFile.objects.count() == 3  # the rejected file was replaced, not kept

    CompanyDocument.objects.update(status=1)
    with pytest.raises(ApiError, match="already verified"):
        transport.call("uploadCompanyDocument", session=session, files=all_documents())


def test_document_status_is_an_empty_list_before_any_upload(transport, session, company):
    listed = transport.call("getCompanyDocumentStatus", session=session)
    assert listed["company_document"] == []
    assert listed["company"] == {
        "id": company.user_id,
        "company_status": "0",
        "director_status": "0",
        "document_status": "0",
        "status": "1",
    }


# Director


@pytest.mark.parametrize(
    ("role", "gender", "stored_gender"),
    [("director", "m", "male"), ("Board Member(Director)", "female", "female")],
    ids=["curl forms", "table forms"],
)
def test_the_director_role_and_gender_are_accepted_in_both_documented_forms(
    transport, session, company, role, gender, stored_gender
):
    answer = transport.call(
        "addcompanydirector", director(role=role, gender=gender), session=session
    )
    assert answer == documented("addcompanydirector")
    saved = Director.objects.get(company=company)
    assert (saved.role, saved.gender) == ("director", stored_gender)
    company.refresh_from_db()
    assert company.director_status == Company.Step.PENDING
    assert saved.kyc_id in Mail.objects.get(kind="kyc_link", to=company.email).body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"dob": (date.today() - timedelta(days=17 * 365)).isoformat()}, "dob"),
        ({"dob": "10.12.1980"}, "dob"),
        ({"role": "janitor"}, "role"),
        ({"gender": "x"}, "gender"),
        ({"country": "0"}, "country"),
        ({"zipcode": ""}, "zipcode"),
    ],
    ids=["under 18", "bad date", "role", "gender", "country", "zipcode"],
)
def test_bad_director_details_are_refused_naming_the_field(
    transport, session, company, changes, field
):
    with pytest.raises(ApiError, match=field):
        transport.call("addcompanydirector", director(**changes), session=session)
    assert not Director.objects.exists()


def test_the_kyc_link_can_be_asked_again_ten_minutes_after_it_was_sent(transport, company):
    start = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(start, tick=False):
        session = sign_in(company)
        with pytest.raises(ApiError, match="no director verification waiting"):
            transport.call("sendkyclink", session=session)
        transport.call("addcompanydirector", director(), session=session)
        status = transport.call("getCompanyStatus", session=session)
        assert (status["user"]["director_status"], status["resend"]) == ("1", 1)
        assert status["director_kyc"]["first_name"] == "Ada"
        with pytest.raises(ApiError, match="already submitted"):
            transport.call("addcompanydirector", director(), session=session)
    with time_machine.travel(start + timedelta(minutes=9), tick=False):
        session = sign_in(company)
        assert transport.call("getCompanyStatus", session=session)["resend"] == 1
        with pytest.raises(ApiError, match="sent recently"):
            transport.call("sendkyclink", session=session)
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        session = sign_in(company)
        assert transport.call("getCompanyStatus", session=session)["resend"] == 2
        answer = transport.call("sendkyclink", session=session)
        assert answer == {"status": 1, "message": "KYC link sent successfully"}
        assert transport.call("getCompanyStatus", session=session)["resend"] == 1
    assert Mail.objects.filter(kind="kyc_link").count() == 2


def test_a_rejected_director_can_be_sent_again(transport, session, company):
    transport.call("addcompanydirector", director(), session=session)
    Director.objects.update(reject_reason="Blurry passport")
    company.director_status = Company.Step.REJECTED
    company.save()
    status = transport.call("getCompanyStatus", session=session)
    assert status["director_kyc"]["reject_reason"] == "Blurry passport"
    transport.call("addcompanydirector", director(city="Bath"), session=session)
    saved = Director.objects.get()
    assert (saved.city, saved.reject_reason) == ("Bath", "")


# Additional documents


def test_an_additional_document_requested_by_compliance_can_be_uploaded(
    transport, session, company
):
    requested = AdditionalDocument.objects.create(
        company=company, title="Driving licence", description="Front and back"
    )
    listed = transport.call("getCompanyStatus", session=session)["additonal_documents"]
    assert listed == [
        {
            "unique_id": requested.unique_id,
            "title": "Driving licence",
            "description": "Front and back",
            "status": "0",
            "rejection_reason": "",
        }
    ]
    with pytest.raises(ApiError, match="addition_doc"):
        transport.call(
            "uploadadditionaldoc",
            {"unique_id": requested.unique_id},
            session=session,
            files={"addition_doc": ("licence.gif", b"GIF89a....", "image/gif")},
        )
    with pytest.raises(ApiError, match="unique_id"):
        transport.call(
            "uploadadditionaldoc",
            {"unique_id": "someone-elses"},
            session=session,
            files={"addition_doc": ("licence.jpg", JPEG, "image/jpeg")},
        )
    answer = transport.call(
        "uploadadditionaldoc",
        {"unique_id": requested.unique_id},
        session=session,
        files={"addition_doc": ("licence.jpg", JPEG, "image/jpeg")},
    )
    assert answer == documented("uploadadditionaldoc")
    listed = transport.call("getCompanyStatus", session=session)["additonal_documents"]
    assert listed[0]["status"] == "1"
    with pytest.raises(ApiError, match="waiting for review"):
        transport.call(
            "uploadadditionaldoc",
            {"unique_id": requested.unique_id},
            session=session,
            files={"addition_doc": ("licence.jpg", JPEG, "image/jpeg")},
        )


# Status and profile


def test_company_status_reflects_every_step_with_string_statuses(transport, session, company):
    before = transport.call("getCompanyStatus", session=session)
    assert_shape(before, documented("getCompanyStatus"))
    assert before["user"]["phone_number"] is None
    assert before["director_kyc"] is None
    assert before["is_live"] == 0
    assert before["additonal_documents"] == []
    assert before["company"]["date_of_incorporation"] == "0000-00-00"

    transport.call("updatecompanydetails", details(), session=session)
    transport.call("uploadCompanyDocument", session=session, files=all_documents())
    transport.call("addcompanydirector", director(), session=session)
    after = transport.call("getCompanyStatus", session=session)
    assert_shape(after, documented("getCompanyStatus"))
    assert {k: after["user"][k] for k in after["user"]} == {
        "id": company.user_id,
        "company_status": "1",
        "director_status": "1",
        "document_status": "1",
        "status": "1",
        "phone_number": "+49 301234567",
    }
    assert after["company"]["registration_number"] == "HRB 12345"
    assert after["company"]["about_company"] == "Paying suppliers"
    assert after["company"]["risk_level"] == "3"
    assert after["company"]["same_address"] == "1"
    assert_shape(after["director_kyc"], documented("profile_details")["director"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", after["current_date"])


def test_profile_details_has_every_documented_key(transport, session, company):
    empty = transport.call("profile_details", session=session)
    # Without a director the object is null; the documented one is checked below.
    assert_shape(empty, {**documented("profile_details"), "director": None})
    assert empty["director"] is None
    assert empty["user"]["country_of_residence"] == ""

    transport.call("updatecompanydetails", details(), session=session)
    transport.call("addcompanydirector", director(), session=session)
    full = transport.call("profile_details", session=session)
    assert_shape(full, documented("profile_details"))
    assert_shape(full["director"], documented("profile_details")["director"])
    assert full["user"]["country_of_residence"] == country_id("DE")
    assert full["director"]["status"] == "1"
    assert full["director"]["company_id"] == company.user_id


# Plan answer


@pytest.fixture
def proposal(company) -> PlanProposal:
    return PlanProposal.objects.create(company=company, plan=Plan.objects.get(risk="low"))


@pytest.mark.parametrize("id_field", ["requestid", "unique_id", "request_id"])
def test_accepting_the_plan_makes_the_company_live_with_an_iban(
    transport, company, proposal, id_field
):
    answer = transport.call(
        "ibanacceptrejectplan", {id_field: proposal.unique_id, "type": "accept"}
    )
    assert answer == {"status": 1, "message": "Thankyou for your cooperation"}
    company.refresh_from_db()
    assert company.is_live
    assert company.plan == proposal.plan
    assert Iban.objects.filter(company=company).count() == 1
    message = refusal(
        transport, "ibanacceptrejectplan", {id_field: proposal.unique_id, "type": "reject"}
    )
    assert message == "This request has been already approved"
    assert transport.call("getCompanyStatus", session=sign_in(company))["is_live"] == 1


def test_rejecting_the_plan_keeps_the_company_off_live(transport, company, proposal):
    transport.call("ibanacceptrejectplan", {"unique_id": proposal.unique_id, "type": "reject"})
    company.refresh_from_db()
    assert not company.is_live
    assert not Iban.objects.filter(company=company).exists()
    message = refusal(
        transport, "ibanacceptrejectplan", {"requestid": proposal.unique_id, "type": "accept"}
    )
    assert message == "This request has been already rejected"


def test_a_plan_answer_with_a_bad_id_or_type_is_refused(transport, proposal):
    message = refusal(transport, "ibanacceptrejectplan", {"requestid": "nope", "type": "accept"})
    assert message == "Invalid request"
    with pytest.raises(ApiError, match="type"):
        transport.call("ibanacceptrejectplan", {"requestid": proposal.unique_id, "type": "maybe"})
    with pytest.raises(ApiError, match="requestid"):
        transport.call("ibanacceptrejectplan", {"type": "accept"})
    proposal.refresh_from_db()
    assert proposal.status == PlanProposal.Status.PENDING
