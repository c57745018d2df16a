"""Onboarding (KYB/KYC): company details, company documents, director, additional documents.

Status codes follow the notes of getCompanyStatus (company/document/director
status 0 to do, 1 awaiting review, 2 verified, 3 rejected), getCompanyDocumentStatus
(per document 0 review, 1 verified, 2 rejected) and uploadadditionaldoc
(0 to upload, 1 review, 2 verified, 3 rejected).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from sandbox import reference
from sandbox.api import Call, Reject, endpoint
from sandbox.bank import send_mail, stamp
from sandbox.models import AdditionalDocument, Company, CompanyDocument, Director
from sandbox.uploads import check_upload, store_upload

# After this long without a director verification, getCompanyStatus says resend: 2.
KYC_RESEND_AFTER = timedelta(minutes=10)
MAX_TEXT = 255

# updatecompanydetails: (field, required)
COMPANY_FIELDS = (
    ("date_of_incorporation", True),
    ("registration_number", True),
    ("vat_number", False),
    ("industry", True),
    ("website", False),
    ("no_employees", True),
    ("purpose_of_account", True),
    ("registration_country", True),
    ("registration_address1", True),
    ("registration_city", True),
    ("registration_region", True),
    ("registration_zip", True),
    ("actual_country", True),
    ("actual_address1", True),
    ("actual_city", True),
    ("actual_region", True),
    ("actual_zip", True),
    ("company_country", True),
    ("company_type", False),
    ("phonecode", True),
    ("phone", True),
)
COUNTRY_FIELDS = ("registration_country", "actual_country", "company_country")

# uploadCompanyDocument form field -> key of `company_document` in getCompanyDocumentStatus
DOCUMENT_FIELDS = {
    "business_reg_document": CompanyDocument.Kind.BUSINESS_REGISTRATION,
    "ownership_structure_document": CompanyDocument.Kind.OWNERSHIP,
    "financial_document": CompanyDocument.Kind.FINANCIAL,
}

DIRECTOR_FIELDS = (
    "first_name",
    "last_name",
    "dob",
    "role",
    "country",
    "address_country",
    "address",
    "city",
    "zipcode",
    "gender",
)
GENDERS = {"m": "male", "male": "male", "f": "female", "female": "female"}
DIRECTOR_SAVED = "Company board member detail successfully saved. KYC Link only send in live mode."


def _text(value: str, field: str) -> str:
    if len(value) > MAX_TEXT:
        raise Reject(f"The {field} field must be at most {MAX_TEXT} characters.")
    return value


def _past_date(value: str, field: str) -> date:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as err:
        raise Reject(f"The {field} field must be a date as YYYY-MM-DD.") from err
    if day > timezone.localdate():
        raise Reject(f"The {field} field cannot be in the future.")
    return day


def _country(value: str, field: str) -> str:
    if value not in reference.COUNTRIES_BY_ID:
        raise Reject(f"The {field} field must be the id of a country of the countries list.")
    return value


def _is_company_size(value: str) -> bool:
    for size in reference.COMPANY_SIZES:
        if value == str(size["id"]) or value.lower() == str(size["name"]).lower():
            return True
    return value.isdigit() and int(value) > 0


def company_json(company: Company) -> dict[str, str]:
    """The company object of getCompanyStatus and profile_details, from the stored profile."""
    profile: dict[str, str] = company.profile or {}

    def value(key: str, default: str = "") -> str:
        return str(profile.get(key) or default)

    registration = [value(f"registration_{k}") for k in ("address1", "city", "region", "zip")]
    actual = [value(f"actual_{k}") for k in ("address1", "city", "region", "zip")]
    same_address = (
        bool(profile)
        and registration == actual
        and value("registration_country") == value("actual_country")
    )
    country = reference.COUNTRIES_BY_ID.get(value("company_country"))
    return {
        "id": str(company.pk),
        "unique_id": company.company_unique_id,
        "user_id": company.user_id,
        "company_name": company.company_name,
        "date_of_incorporation": value("date_of_incorporation", "0000-00-00"),
        "registration_number": value("registration_number"),
        "vat_number": value("vat_number"),
        "industry": value("industry"),
        "website": value("website"),
        "no_employees": value("no_employees"),
        "spending_amount": "0.00",
        "about_company": value("purpose_of_account"),
        "registration_country": value("registration_country", "0"),
        "registration_address1": value("registration_address1"),
        "registration_address2": "",
        "registration_city": value("registration_city"),
        "registration_region": value("registration_region"),
        "registration_zip": value("registration_zip"),
        "same_address": "1" if same_address else "0",
        "actual_country": value("actual_country", "0"),
        "actual_address1": value("actual_address1"),
        "actual_address2": "",
        "actual_city": value("actual_city"),
        "actual_region": value("actual_region"),
        "actual_zip": value("actual_zip"),
        "created": stamp(company.created),
        "updated": stamp(company.updated),
        "profile_status": str(company.company_status),
        "reject_reason": company.reject_reason,
        "company_type": value("company_type", "0"),
        "risk_level": country["risk_level"] if country else "",
        "company_country": value("company_country", "0"),
    }


def director_json(company: Company) -> dict[str, str] | None:
    """The director object of profile_details (and getCompanyStatus), or None without one."""
    director = Director.objects.filter(company=company).first()
    if director is None:
        return None
    return {
        "id": str(director.pk),
        "whitelabel_id": company.whitelabel_id,
        "company_id": str(company.pk),
        "unique_id": director.unique_id,
        "role": director.role,
        "first_name": director.first_name,
        "last_name": director.last_name,
        "dob": director.dob,
        "country": director.country,
        "mobile": director.mobile,
        "status": str(company.director_status),
        "created": stamp(director.created),
        "director_reject_reason": director.reject_reason,
        "address_country": director.address_country,
        "address": director.address,
        "city": director.city,
        "zipcode": director.zipcode,
        "kyc_id": director.kyc_id,
        "gender": director.gender,
    }


def resend_state(company: Company) -> int:
    """getCompanyStatus `resend`: 1 = the KYC link is out, 2 = it may be asked for again."""
    if company.director_status != Company.Step.PENDING:
        return 1
    director = Director.objects.filter(company=company).first()
    if director is None:
        return 1
    if director.link_sent is None or timezone.now() - director.link_sent > KYC_RESEND_AFTER:
        return 2
    return 1


def kyc_link(director: Director) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/sandbox/kyc/{director.kyc_id}"


def _mail_kyc_link(company: Company, director: Director) -> None:
    # The API has no director email field: the company gets the copy the mailbox shows.
    send_mail(
        company.email,
        gettext("KYC verification link for your director"),
        gettext(
            "Hello %(company)s,\n\n%(director)s can complete the identity verification at:\n"
            "%(link)s\n"
        )
        % {
            "company": company.company_name,
            "director": f"{director.first_name} {director.last_name}",
            "link": kyc_link(director),
        },
        kind="kyc_link",
    )


def _open_step(status: int, *, pending: str, verified: str) -> None:
    """Refuse to take a step again while the bank reviews it or once it is verified."""
    if status == Company.Step.PENDING:
        raise Reject(pending)
    if status == Company.Step.VERIFIED:
        raise Reject(verified)


@endpoint("updatecompanydetails", session=True)
def update_company_details(call: Call) -> dict[str, Any]:
    """Submit the company profile for review."""
    company = call.session_company
    _open_step(
        company.company_status,
        pending="Company details are already submitted and waiting for review.",
        verified="Company details are already verified.",
    )

    profile: dict[str, str] = {}
    for field, required in COMPANY_FIELDS:
        profile[field] = _text(call.require(field) if required else call.get(field), field)
    _past_date(profile["date_of_incorporation"], "date_of_incorporation")
    for field in COUNTRY_FIELDS:
        _country(profile[field], field)
    if profile["industry"] not in reference.INDUSTRIES:
        raise Reject("The industry field must be a value of the industries list.")
    if not _is_company_size(profile["no_employees"]):
        raise Reject("The no_employees field must be a company size or a positive number.")
    legal_forms = {str(form["id"]) for form in reference.LEGAL_FORMS}
    if profile["company_type"] and profile["company_type"] not in legal_forms:
        raise Reject("The company_type field must be the id of a legal form.")
    # A leading "+" is how people write a calling code; the digits are what count.
    phonecode = profile["phonecode"].removeprefix("+")
    if not re.fullmatch(r"\d{1,4}", phonecode):
        raise Reject("The phonecode field must be 1 to 4 digits.")
    if not re.fullmatch(r"\d{6,15}", profile["phone"]):
        raise Reject("The phone field must be 6 to 15 digits.")
    profile["phonecode"] = phonecode

    company.profile = profile
    company.company_status = Company.Step.PENDING
    company.reject_reason = ""
    company.phone_number = f"+{phonecode} {profile['phone']}"
    company.save()
    return {"status": 1, "message": "success"}


@endpoint("uploadCompanyDocument", session=True)
def upload_company_document(call: Call) -> dict[str, Any]:
    """Upload the three company documents, or again the ones compliance rejected."""
    company = call.session_company
    existing = {doc.kind: doc for doc in company.documents.select_related("file")}
    needed = [
        field
        for field, kind in DOCUMENT_FIELDS.items()
        if kind not in existing or existing[kind].status == CompanyDocument.Status.REJECTED
    ]
    if not needed:
        if all(doc.status == CompanyDocument.Status.VERIFIED for doc in existing.values()):
            raise Reject("The company documents are already verified.")
        raise Reject("The company documents are already submitted and waiting for review.")

    # Check every file before storing any, so a bad one leaves nothing half done.
    checked = {field: check_upload(call.files.get(field), field) for field in needed}
    for field, content_type in checked.items():
        stored = store_upload(call.files[field], content_type)
        kind = DOCUMENT_FIELDS[field]
        document = existing.get(kind)
        if document is None:
            CompanyDocument.objects.create(company=company, kind=kind, file=stored)
            continue
        old_file = document.file
        document.file = stored
        document.status = CompanyDocument.Status.REVIEW
        document.rejection_reason = ""
        document.save()
        old_file.delete()
    company.document_status = Company.Step.PENDING
    company.save(update_fields=["document_status", "updated"])
    return {"status": 1, "message": "Company documents uploaded successfully"}


def _status_summary(company: Company) -> dict[str, str]:
    return {
        "id": str(company.pk),
        "company_status": str(company.company_status),
        "director_status": str(company.director_status),
        "document_status": str(company.document_status),
        "status": "1",
    }


@endpoint("getCompanyDocumentStatus", session=True)
def company_document_status(call: Call) -> dict[str, Any]:
    """Review status of each company document."""
    company = call.session_company
    documents: dict[str, Any] | list[Any] = {
        doc.kind: {
            "status": str(doc.status),
            "rejection_reason": doc.rejection_reason or None,
        }
        for doc in company.documents.order_by("id")
    }
    # The note: company_document is [] (an empty array) when nothing was uploaded.
    return {"status": 1, "company": _status_summary(company), "company_document": documents or []}


@endpoint("getCompanyStatus", session=True)
def company_status(call: Call) -> dict[str, Any]:
    """Every onboarding status, the profile, the director and the additional documents."""
    company = call.session_company
    director = director_json(company)
    if director is not None:
        director["reject_reason"] = director["director_reject_reason"]
    additional = [
        {
            "unique_id": doc.unique_id,
            "title": doc.title,
            "description": doc.description,
            "status": str(doc.status),
            "rejection_reason": doc.rejection_reason,
        }
        for doc in company.additional_documents.order_by("id")
    ]
    return {
        "status": 1,
        "is_live": int(company.is_live),
        "user": {**_status_summary(company), "phone_number": company.phone_number or None},
        "company": company_json(company),
        "director_kyc": director,
        "resend": resend_state(company),
        "current_date": stamp(timezone.now()),
        # uploadadditionaldoc's table and NOTE spell it "additonal_documents"
        # (its curl says "additional_documnet"); the NOTE's spelling is sent.
        "additonal_documents": additional,
    }


def _role(value: str) -> str:
    # The curl sends a getRole key ("director"), the table its label: accept both.
    for key, label in reference.ROLES.items():
        if value.lower() in (key.lower(), label.lower()):
            return key
    raise Reject("The role field must be a role of the roles list.")


def _adult_dob(value: str) -> str:
    born = _past_date(value, "dob")
    today = timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < 18:
        raise Reject("The dob field must be of a director at least 18 years old.")
    return value


@endpoint("addcompanydirector", session=True)
def add_company_director(call: Call) -> dict[str, Any]:
    """Save the director and send the KYC link."""
    company = call.session_company
    _open_step(
        company.director_status,
        pending="The director details are already submitted and waiting for verification.",
        verified="The director details are already verified.",
    )

    values = {field: _text(call.require(field), field) for field in DIRECTOR_FIELDS}
    values["dob"] = _adult_dob(values["dob"])
    values["role"] = _role(values["role"])
    for field in ("country", "address_country"):
        _country(values[field], field)
    # The curl sends "m", the table "male, female": accept both, store the word.
    gender = GENDERS.get(values["gender"].lower())
    if gender is None:
        raise Reject("The gender field must be male or female.")
    values["gender"] = gender
    values["mobile"] = _text(call.get("mobile"), "mobile")

    now = timezone.now()
    director, _ = Director.objects.update_or_create(
        company=company, defaults={**values, "reject_reason": "", "link_sent": now}
    )
    company.director_status = Company.Step.PENDING
    company.save(update_fields=["director_status", "updated"])
    _mail_kyc_link(company, director)
    return {"status": 1, "message": DIRECTOR_SAVED}


@endpoint("sendkyclink", session=True)
def send_kyc_link(call: Call) -> dict[str, Any]:
    """Send the director's KYC link again, once the last one is old enough."""
    company = call.session_company
    director = Director.objects.filter(company=company).first()
    if company.director_status != Company.Step.PENDING or director is None:
        raise Reject("There is no director verification waiting for a link.")
    if resend_state(company) != 2:
        raise Reject("The KYC link was sent recently. You can ask again later.")
    director.link_sent = timezone.now()
    director.save(update_fields=["link_sent"])
    _mail_kyc_link(company, director)
    return {"status": 1, "message": "KYC link sent successfully"}


@endpoint("uploadadditionaldoc", session=True)
def upload_additional_document(call: Call) -> dict[str, Any]:
    """Upload a document compliance asked for (getCompanyStatus `additonal_documents`)."""
    company = call.session_company
    unique_id = call.require("unique_id")
    document = company.additional_documents.filter(unique_id=unique_id).first()
    if document is None:
        raise Reject("The unique_id field does not match a requested document.")
    if document.status == AdditionalDocument.Status.REVIEW:
        raise Reject("This document is already uploaded and waiting for review.")
    if document.status == AdditionalDocument.Status.VERIFIED:
        raise Reject("This document is already verified.")
    upload = call.files.get("addition_doc")
    content_type = check_upload(upload, "addition_doc")
    assert upload is not None  # check_upload refused a missing file
    old_file = document.file
    document.file = store_upload(upload, content_type)
    document.status = AdditionalDocument.Status.REVIEW
    document.rejection_reason = ""
    document.save()
    if old_file is not None:
        old_file.delete()
    return {"status": 1, "message": "Document uploaded successfully"}
