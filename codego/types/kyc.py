"""The company, its documents and its director: the KYC steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from codego.types.parsing import (
    ZERO,
    first_present,
    parse_rows,
    to_bool,
    to_date,
    to_datetime,
    to_decimal,
    to_dict,
    to_int,
    to_opt_int,
    to_str,
)
from codego.types.states import DocumentState, StepState


@dataclass(frozen=True)
class CompanyProfile:
    """The `company` object of getCompanyStatus and profile_details."""

    id: str = ""
    unique_id: str = ""
    user_id: str = ""
    company_name: str = ""
    date_of_incorporation: date | None = None
    registration_number: str = ""
    vat_number: str = ""
    industry: str = ""
    website: str = ""
    no_employees: str = ""
    spending_amount: Decimal = ZERO
    about_company: str = ""
    registration_country: str = ""
    registration_address1: str = ""
    registration_address2: str = ""
    registration_city: str = ""
    registration_region: str = ""
    registration_zip: str = ""
    same_address: bool = False
    actual_country: str = ""
    actual_address1: str = ""
    actual_address2: str = ""
    actual_city: str = ""
    actual_region: str = ""
    actual_zip: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    profile_status: int = 0
    reject_reason: str = ""
    company_type: str = ""
    risk_level: int | None = None
    company_country: str = ""

    _TEXT = (
        "id",
        "unique_id",
        "user_id",
        "company_name",
        "registration_number",
        "vat_number",
        "industry",
        "website",
        "no_employees",
        "about_company",
        "registration_country",
        "registration_address1",
        "registration_address2",
        "registration_city",
        "registration_region",
        "registration_zip",
        "actual_country",
        "actual_address1",
        "actual_address2",
        "actual_city",
        "actual_region",
        "actual_zip",
        "reject_reason",
        "company_type",
        "company_country",
    )

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            **{key: to_str(data.get(key)) for key in cls._TEXT},
            date_of_incorporation=to_date(data.get("date_of_incorporation")),
            spending_amount=to_decimal(data.get("spending_amount")),
            same_address=to_bool(data.get("same_address")),
            created=to_datetime(data.get("created")),
            updated=to_datetime(data.get("updated")),
            profile_status=to_int(data.get("profile_status")),
            risk_level=to_opt_int(data.get("risk_level")),
        )


@dataclass(frozen=True)
class Director:
    """profile_details `director` (and getCompanyStatus `director_kyc` when present)."""

    id: str = ""
    unique_id: str = ""
    company_id: str = ""
    role: str = ""
    first_name: str = ""
    last_name: str = ""
    dob: date | None = None
    gender: str = ""
    country: str = ""
    mobile: str = ""
    status: int = 0
    created: datetime | None = None
    director_reject_reason: str = ""
    address_country: str = ""
    address: str = ""
    city: str = ""
    zipcode: str = ""
    kyc_id: str = ""

    _TEXT = (
        "id",
        "unique_id",
        "company_id",
        "role",
        "first_name",
        "last_name",
        "gender",
        "country",
        "mobile",
        "director_reject_reason",
        "address_country",
        "address",
        "city",
        "zipcode",
        "kyc_id",
    )

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            **{key: to_str(data.get(key)) for key in cls._TEXT},
            dob=to_date(data.get("dob")),
            status=to_int(data.get("status")),
            created=to_datetime(data.get("created")),
        )

    @classmethod
    def maybe(cls, value: Any) -> Self | None:
        data = to_dict(value)
        return cls.from_api(data) if data else None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class AdditionalDocument:
    """A document compliance asks for, in the states of a step."""

    unique_id: str
    title: str = ""
    description: str = ""
    status: StepState = StepState.TO_DO
    rejection_reason: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            unique_id=to_str(data.get("unique_id")),
            title=to_str(data.get("title")),
            description=to_str(data.get("description")),
            status=StepState(to_int(data.get("status"))),
            rejection_reason=to_str(first_present(data, "rejection_reason", "reject_reason")),
        )

    @property
    def needs_upload(self) -> bool:
        return self.status in (StepState.TO_DO, StepState.REJECTED)


def _additional_documents(data: Mapping[str, Any]) -> tuple[AdditionalDocument, ...]:
    # The doc spells it "additonal_documents" (NOTE, table) and
    # "additional_documnet" (curl); accept those and the correct spelling.
    value = first_present(
        data, "additional_documents", "additonal_documents", "additional_documnet"
    )
    return parse_rows(AdditionalDocument, value)


@dataclass(frozen=True)
class CompanyStatus:
    """getCompanyStatus: the three onboarding steps and what is still missing.

    director_status UNDER_REVIEW with resend 1: KYC link sent; with resend 2:
    may ask to resend.
    """

    company_status: StepState = StepState.TO_DO
    document_status: StepState = StepState.TO_DO
    director_status: StepState = StepState.TO_DO
    resend: int = 0
    is_live: bool = False
    company: CompanyProfile = field(default_factory=CompanyProfile)
    director_kyc: Director | None = None
    additional_documents: tuple[AdditionalDocument, ...] = ()
    phone_number: str = ""
    current_date: datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        user = to_dict(data.get("user"))

        def step(name: str) -> StepState:
            # The example nests the steps in `user`; accept them at the top level too.
            return StepState(to_int(user[name] if name in user else data.get(name)))

        return cls(
            company_status=step("company_status"),
            document_status=step("document_status"),
            director_status=step("director_status"),
            resend=to_int(data.get("resend")),
            is_live=to_bool(first_present(data, "is_live") or user.get("is_live")),
            company=CompanyProfile.from_api(to_dict(data.get("company"))),
            director_kyc=Director.maybe(data.get("director_kyc")),
            additional_documents=_additional_documents(data),
            phone_number=to_str(user.get("phone_number")),
            current_date=to_datetime(data.get("current_date")),
        )

    @property
    def can_resend_kyc_link(self) -> bool:
        return self.director_status == StepState.UNDER_REVIEW and self.resend == 2

    @property
    def all_verified(self) -> bool:
        """The three steps and every additional document verified: the plan offer may come."""
        steps = (self.company_status, self.document_status, self.director_status)
        extra = (document.status for document in self.additional_documents)
        return all(state == StepState.VERIFIED for state in (*steps, *extra))


@dataclass(frozen=True)
class DocumentStatus:
    """One company document; rejected means upload it again."""

    kind: str
    status: DocumentState = DocumentState.UNDER_REVIEW
    rejection_reason: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any], kind: str = "") -> Self:
        return cls(
            kind=kind or to_str(data.get("kind")),
            status=DocumentState(to_int(data.get("status"))),
            rejection_reason=to_str(first_present(data, "rejection_reason", "reject_reason")),
        )

    @property
    def rejected(self) -> bool:
        return self.status == DocumentState.REJECTED


DOCUMENT_KINDS = ("business_registration", "ownership", "financial")


@dataclass(frozen=True)
class CompanyDocumentStatus:
    """getCompanyDocumentStatus. `documents` is empty when nothing was uploaded
    (the NOTE: `company_document` may be `[]`)."""

    company_id: str = ""
    company_status: StepState = StepState.TO_DO
    director_status: StepState = StepState.TO_DO
    document_status: StepState = StepState.TO_DO
    documents: tuple[DocumentStatus, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        company = to_dict(data.get("company"))
        documents = tuple(
            DocumentStatus.from_api(value, kind=to_str(key).lower())
            for key, value in to_dict(data.get("company_document")).items()
            if isinstance(value, Mapping)
        )
        return cls(
            company_id=to_str(company.get("id")),
            company_status=StepState(to_int(company.get("company_status"))),
            director_status=StepState(to_int(company.get("director_status"))),
            document_status=StepState(to_int(company.get("document_status"))),
            documents=documents,
        )

    def document(self, kind: str) -> DocumentStatus | None:
        return next((d for d in self.documents if d.kind == kind.lower()), None)

    @property
    def uploaded(self) -> bool:
        return bool(self.documents) and self.document_status != StepState.TO_DO
