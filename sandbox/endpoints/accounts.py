"""Accounts: signup, login with OTP, password reset, session keep-alive, profile, plan answer."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext

from sandbox.api import Call, Reject, endpoint
from sandbox.bank import (
    accept_plan,
    check_otp,
    issue_otp,
    new_password,
    new_token,
    reject_plan,
    send_mail,
)
from sandbox.endpoints.kyc import company_json, director_json
from sandbox.models import Company, Otp, PlanProposal, new_unique_id

SIGNUP_ATTEMPTS = 2  # verifyemailotp note: "Only two attempt allow to verify email account."
WRONG_OTP = "You have entered wrong otp code"
WRONG_LOGIN = "Wrong email or password."


def _email(call: Call) -> str:
    email = call.require("email")
    try:
        validate_email(email)
    except ValidationError as err:
        raise Reject("The email field must be a valid email address.") from err
    return email


def _company_by_email(email: str) -> Company | None:
    return Company.objects.filter(email__iexact=email).first()


def _company_by_user_id(user_id: str) -> Company | None:
    if not user_id.isdigit():
        return None
    return Company.objects.filter(pk=int(user_id)).first()


def _mail_otp(company: Company, code: str, subject: str, purpose: str, kind: str) -> None:
    words = {"company": company.company_name, "purpose": purpose, "code": code}
    send_mail(
        company.email,
        subject,
        gettext(
            "Hello %(company)s,\n\nyour verification code %(purpose)s is %(code)s.\n"
            "It is valid for 10 minutes. Never share it with anyone."
        )
        % words,
        kind=kind,
    )


def _check_password_rule(password: str) -> None:
    if len(password) < 8 or not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise Reject(
            "The password field must be at least 8 characters long "
            "and contain a letter and a digit."
        )


def _code_sent(call: Call, company: Company, unique_id: str) -> dict[str, Any]:
    """The answer of openAccount and login: a code was emailed for `unique_id`."""
    return {
        "status": 1,
        "is_live": int(company.is_live),
        "company_name": company.company_name,
        "unique_id": unique_id,
        "whitelabel_id": company.whitelabel_id,
        # The examples answer device_model/device_type no request sends: echo them, else "".
        "device_model": call.get("device_model"),
        "device_type": call.get("device_type"),
        "user_id": company.user_id,
    }


@endpoint("openAccount")
def open_account(call: Call) -> dict[str, Any]:
    """Start a signup: the OTP goes to the email."""
    email = _email(call)
    company_name = call.require("company_name")
    if len(company_name) > 200:
        raise Reject("The company_name field must be at most 200 characters.")
    company = _company_by_email(email)
    if company is not None and company.email_verified:
        raise Reject("Email already exists.")
    if company is None:
        company = Company.objects.create(
            whitelabel_id=call.get("whitelabel_id"), email=email, company_name=company_name
        )
    else:
        # An abandoned (or locked) signup starts over: a new id and fresh attempts.
        Otp.objects.filter(
            purpose=Otp.Purpose.SIGNUP, reference=company.signup_id, used=False
        ).update(used=True)
        company.signup_id = new_unique_id()
        company.signup_attempts = 0
        company.company_name = company_name
        company.save()
    code = issue_otp(company, Otp.Purpose.SIGNUP, company.signup_id)
    _mail_otp(
        company,
        code,
        gettext("Your verification code"),
        gettext("to open your account"),
        "signup_otp",
    )
    return _code_sent(call, company, company.signup_id)


def _lock_signup(company: Company) -> None:
    """Make the signup id unusable: the customer has to call openAccount again."""
    Otp.objects.filter(purpose=Otp.Purpose.SIGNUP, reference=company.signup_id, used=False).update(
        used=True
    )
    company.signup_id = new_unique_id()
    company.save(update_fields=["signup_id", "signup_attempts", "updated"])


@endpoint("verifyemailotp")
def verify_email_otp(call: Call) -> dict[str, Any]:
    """Verify the signup OTP (two attempts); the password is generated and emailed."""
    unique_id = call.require("unique_id")
    code = call.require("email_otp")
    company = Company.objects.filter(signup_id=unique_id).first()
    if company is None:
        raise Reject("The unique_id is not valid. Please start the signup again.")
    if company.email_verified:
        raise Reject("The email address is already verified. Please log in.")
    result = check_otp(Otp.Purpose.SIGNUP, unique_id, code, max_attempts=SIGNUP_ATTEMPTS)
    if result is not True:
        if result is False:
            company.signup_attempts += 1
        if result is None or company.signup_attempts >= SIGNUP_ATTEMPTS:
            _lock_signup(company)
            raise Reject("Too many wrong codes. Please start the signup again.")
        company.save(update_fields=["signup_attempts", "updated"])
        raise Reject(WRONG_OTP)

    password = new_password()
    company.email_verified = True
    company.password_hash = make_password(password)
    company.signup_attempts = 0
    company.save()
    send_mail(
        company.email,
        gettext("Your business account is ready"),
        gettext(
            "Hello %(company)s,\n\nyour email address is verified. Sign in with:\n"
            "Email: %(email)s\nPassword: %(password)s\n\n"
            "Change this password after your first sign-in."
        )
        % {"company": company.company_name, "email": company.email, "password": password},
        kind="signup_password",
    )
    token = new_token(company)
    return {
        "status": 1,
        "is_live": int(company.is_live),
        "company_name": company.company_name,
        "email": company.email,
        "message": "Email address has been successfully verified",
        "password": password,
        "user_id": company.user_id,
        "web_token": token.token,
    }


@endpoint("login")
def login(call: Call) -> dict[str, Any]:
    """Check email and password; the login OTP goes to the email."""
    email = call.require("email")
    password = call.require("password")
    company = _company_by_email(email)
    if company is not None and not company.email_verified:
        raise Reject("Please verify your email address first.")
    # One message for an unknown email and a wrong password: no account probing.
    if company is None or not check_password(password, company.password_hash):
        raise Reject(WRONG_LOGIN)
    code = issue_otp(company, Otp.Purpose.LOGIN, company.user_id)
    _mail_otp(company, code, gettext("Your sign-in code"), gettext("to sign in"), "login_otp")
    return _code_sent(call, company, company.company_unique_id)


@endpoint("verifyLogin")
def verify_login(call: Call) -> dict[str, Any]:
    """Check the login OTP (three attempts) and hand out a web token."""
    user_id = call.require("user_id")
    code = call.require("otp")
    company = _company_by_user_id(user_id)
    if company is None:
        raise Reject("The user_id is not valid. Please sign in again.")
    call.company = company  # the journal knows whose code it was
    result = check_otp(Otp.Purpose.LOGIN, company.user_id, code)
    if result is None:
        raise Reject("The code has expired. Please sign in again.")
    if result is False:
        raise Reject(WRONG_OTP)
    token = new_token(company)
    return {
        "company_name": company.company_name,
        "is_live": int(company.is_live),
        "status": 1,
        "user_id": company.user_id,
        "web_token": token.token,
        "whitelabel_id": company.whitelabel_id,
    }


@endpoint("forgotpassword")
def forgot_password(call: Call) -> dict[str, Any]:
    """Start a password reset: the OTP goes to the email."""
    email = call.require("email")
    company = _company_by_email(email)
    if company is None:
        raise Reject("Email address not found.")
    if not company.email_verified:
        raise Reject("Please verify your email address first.")
    reference = new_unique_id()
    code = issue_otp(company, Otp.Purpose.RESET, reference)
    _mail_otp(
        company,
        code,
        gettext("Reset your password"),
        gettext("to reset your password"),
        "password_reset",
    )
    return {
        "status": 1,
        "name": company.company_name,
        "unique_id": reference,
        "user_id": company.user_id,
    }


@endpoint("resetpassword")
def reset_password(call: Call) -> dict[str, Any]:
    """Set a new password with the reset OTP; every session ends."""
    password = call.require("password")
    code = call.require("code")
    unique_id = call.require("unique_id")
    user_id = call.require("user_id")
    # Checked before the OTP so a weak password does not cost an attempt.
    _check_password_rule(password)
    company = _company_by_user_id(user_id)
    if (
        company is None
        or not Otp.objects.filter(
            company=company, purpose=Otp.Purpose.RESET, reference=unique_id
        ).exists()
    ):
        raise Reject("The unique_id is not valid. Please ask for a new code.")
    result = check_otp(Otp.Purpose.RESET, unique_id, code)
    if result is None:
        raise Reject("The code has expired. Please ask for a new one.")
    if result is False:
        raise Reject(WRONG_OTP)
    company.password_hash = make_password(password)
    company.save(update_fields=["password_hash", "updated"])
    company.tokens.filter(revoked=False).update(revoked=True)
    send_mail(
        company.email,
        gettext("Your password was changed"),
        gettext(
            "Hello %(company)s,\n\nthe password of your business account was changed "
            "and every session was signed out. If this was not you, contact support at once."
        )
        % {"company": company.company_name},
        kind="password_changed",
    )
    return {"status": 1}


@endpoint("logout", session=True)
def logout(call: Call) -> dict[str, Any]:
    """Revoke the web token."""
    assert call.token is not None
    call.token.revoked = True
    call.token.save(update_fields=["revoked"])
    return {"status": 1}


@endpoint("updateUserLive", session=True)
def update_user_live(call: Call) -> dict[str, Any]:
    """Keep the web token alive for another SANDBOX_TOKEN_TTL seconds."""
    assert call.token is not None
    call.token.last_live = timezone.now()
    call.token.save(update_fields=["last_live"])
    return {"status": 1, "message": "updated"}


@endpoint("profile_details", session=True)
def profile_details(call: Call) -> dict[str, Any]:
    """User, company and director profile."""
    company = call.session_company
    # The example has no "status"; it is added so clients can check it like any other.
    return {
        "status": 1,
        "user": {
            "company_name": company.company_name,
            "email": company.email,
            "phone_number": company.phone_number,
            "country_of_residence": str((company.profile or {}).get("company_country") or ""),
        },
        "company": company_json(company),
        "director": director_json(company),
    }


@endpoint("ibanacceptrejectplan")
def accept_reject_plan(call: Call) -> dict[str, Any]:
    """The customer's answer to the plan offered by email."""
    # The curl sends "requestid", the table "unique_id", the description "request_id".
    request_id = call.require("requestid", "unique_id", "request_id", label="requestid")
    answer = call.require("type").lower()
    if answer not in ("accept", "reject"):
        raise Reject("The type field must be accept or reject.")
    proposal = (
        PlanProposal.objects.select_related("company", "plan").filter(unique_id=request_id).first()
    )
    if proposal is None:
        raise Reject("Invalid request")
    if proposal.status == PlanProposal.Status.ACCEPTED:
        raise Reject("This request has been already approved")
    if proposal.status == PlanProposal.Status.REJECTED:
        raise Reject("This request has been already rejected")
    if answer == "accept":
        accept_plan(proposal)
    else:
        reject_plan(proposal)
    return {"status": 1, "message": "Thankyou for your cooperation"}
