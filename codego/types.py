"""Typed answers of the Codego API.

Every type is a frozen dataclass with `from_api(data)`, which absorbs the
quirks of the API reference: numbers sent as strings or as numbers, JSON
encoded inside a string, `status` 0/1 flags, missing keys and nulls (defaults,
never `KeyError`), "0000-00-00" dates, "YYYY-MM-DD HH:MM:SS" datetimes (read in
`settings.TIME_ZONE`), "DD-MM-YYYY" notification dates and "17 Jul 2023"
crypto dates. Money is always `Decimal`, never `float`. Ids stay strings.

Each `CodegoClient` method turns the whole JSON body of its endpoint into its
declared type here. What the client sends (`Credentials`, `Upload`) lives here
too, so the transport and the portal share one vocabulary.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any, BinaryIO, Self, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings

ZERO = Decimal("0")


@dataclass(frozen=True)
class Credentials:
    """What a signed-in call adds to its body; lives in the server-side session only."""

    user_id: str
    web_token: str

    def __repr__(self) -> str:  # never print the token, even in a traceback
        return f"Credentials(user_id={self.user_id!r}, web_token='***')"


# name -> (filename, file object or bytes, content type)
Upload = tuple[str, BinaryIO | bytes, str]

# ---------------------------------------------------------------------------
# Parsing helpers: the only place that knows how the API spells values.
# ---------------------------------------------------------------------------


def to_str(value: Any, default: str = "") -> str:
    """Text, stripped; `None` becomes `default`."""
    if value is None:
        return default
    return str(value).strip()


def to_opt_str(value: Any) -> str | None:
    """Text, or `None` for null / empty."""
    text = to_str(value)
    return text or None


def to_int(value: Any, default: int = 0) -> int:
    """An int from 37, "37", "37.0" or " 37 "; anything else is `default`."""
    if value is None or isinstance(value, bool):
        return int(value) if isinstance(value, bool) else default
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            return int(Decimal(str(value).strip()))
        except (InvalidOperation, ValueError):
            return default


def to_opt_int(value: Any) -> int | None:
    """An int, or `None` when the value is missing, empty or not a number."""
    if isinstance(value, int):
        return int(value)
    text = to_str(value)
    try:
        return int(Decimal(text)) if text else None
    except (InvalidOperation, ValueError):
        return None


def to_decimal(value: Any, default: Decimal = ZERO) -> Decimal:
    """Money and rates: "10.00", "00.00", 10, 0.5 (via its text, never binary float)."""
    if value is None or isinstance(value, bool):
        return default
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace(",", "") if not isinstance(value, float) else repr(value)
    if not text:
        return default
    try:
        result = Decimal(text)
    except InvalidOperation:
        return default
    return result if result.is_finite() else default


def to_bool(value: Any) -> bool:
    """1 / "1" / true / "yes" / "on" are true; 0, "0", "", "No", null are false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value != 0
    return to_str(value).lower() in {"1", "true", "yes", "y", "on"}


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d %b %Y", "%d %B %Y", "%d/%m/%Y")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


def _is_zero_date(text: str) -> bool:
    return not text.strip("0-: T/")


def to_date(value: Any) -> date | None:
    """A date from "2023-02-21", "06-12-2023", "17 Jul 2023", "12 may 2024".

    "0000-00-00", "00-00-0000", placeholders and junk are `None`. A datetime
    text gives its date part.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = to_str(value)
    if not text or _is_zero_date(text):
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    moment = to_datetime(text)
    return moment.date() if moment else None


def to_datetime(value: Any) -> datetime | None:
    """An aware datetime from "YYYY-MM-DD HH:MM:SS", read in `settings.TIME_ZONE`.

    "0000-00-00 00:00:00" is `None`; a bare date is midnight of that day.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    text = to_str(value)
    if not text or _is_zero_date(text):
        return None
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    return None


def to_json(value: Any) -> Any:
    """A value that may arrive JSON-encoded inside a string (the `dropdown` lists)."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None
    return value


def to_list(value: Any) -> list[Any]:
    """A list from a list, a JSON string of a list, or a dict of rows; else `[]`."""
    value = to_json(value)
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return list(value.values())
    return []


def to_dict(value: Any) -> dict[str, Any]:
    """A dict from a dict or a JSON string of one; `[]`, null and junk are `{}`."""
    value = to_json(value)
    return dict(value) if isinstance(value, Mapping) else {}


T = TypeVar("T")


def _rows(cls: type[T], value: Any) -> tuple[T, ...]:
    """Each mapping of a list (or JSON string of one) through `cls.from_api`."""
    rows = to_list(value)
    return tuple(cls.from_api(row) for row in rows if isinstance(row, Mapping))  # type: ignore[attr-defined]


def _first(data: Mapping[str, Any], *names: str) -> Any:
    """The first present, non-null value among the spellings `names`."""
    for name in names:
        if data.get(name) is not None:
            return data[name]
    return None


# ---------------------------------------------------------------------------
# The bank's states. IntEnum, so `state == 2` still holds where code compares
# with the bank's integers.
# ---------------------------------------------------------------------------


class _BankState(IntEnum):
    """A state the bank sends as a small integer code."""

    @classmethod
    def _missing_(cls, value: object) -> Self:
        # A code the reference does not list reads as the first state (to do, or
        # under review): the portal never shows something verified by accident.
        return next(iter(cls))


class StepState(_BankState):
    """company_status / document_status / director_status and additional documents."""

    TO_DO = 0
    UNDER_REVIEW = 1
    VERIFIED = 2
    REJECTED = 3


class DocumentState(_BankState):
    """Each company document of getCompanyDocumentStatus (numbered unlike the steps)."""

    UNDER_REVIEW = 0
    VERIFIED = 1
    REJECTED = 2


# ---------------------------------------------------------------------------
# Generic answers
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A `{"status": 1, "message": ...}` answer."""

    status: int = 1
    message: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(status=to_int(data.get("status"), 1), message=to_str(data.get("message")))


@dataclass(frozen=True)
class TransferStarted:
    """iban_sendmoney: the OTP was emailed; confirm with `unique_id`."""

    unique_id: str
    message: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(unique_id=to_str(data.get("unique_id")), message=to_str(data.get("message")))


# ---------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------

_BRAND_KEYS = (
    "site_name",
    "site_shortname",
    "site_email",
    "site_color",
    "contact_email",
    "email",
    "logo",
    "site_favicon",
    "copy_right_text",
    "facebooklink",
    "twitterlink",
    "googlelink",
    "youtube",
    "instagram",
    "linkdin",
    "address",
    "phone",
    "dark_logo",
    "support_link",
    "tc_link",
    "privacy_link",
    "android_app_link",
    "ios_app_link",
    "google_captcha_client",
    "contact_url",
)


@dataclass(frozen=True)
class Brand:
    """configSetting: every `config` key (null → "") plus the two `links`."""

    site_name: str = ""
    site_shortname: str = ""
    site_email: str = ""
    site_color: str = ""
    contact_email: str = ""
    email: str = ""
    logo: str = ""
    site_favicon: str = ""
    copy_right_text: str = ""
    facebooklink: str = ""
    twitterlink: str = ""
    googlelink: str = ""
    youtube: str = ""
    instagram: str = ""
    linkdin: str = ""
    address: str = ""
    phone: str = ""
    dark_logo: str = ""
    support_link: str = ""
    tc_link: str = ""
    privacy_link: str = ""
    android_app_link: str = ""
    ios_app_link: str = ""
    google_captcha_client: str = ""
    contact_url: str = ""
    # A server-side secret the API hands out; never shown, never in repr.
    google_captcha_secret: str = field(default="", repr=False)
    business_website_url: str = ""
    personal_website_url: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        """From the whole configSetting body (or its `config` object alone)."""
        config = to_dict(data.get("config")) if "config" in data else dict(data)
        links = to_dict(data.get("links"))
        values = {key: to_str(config.get(key)) for key in _BRAND_KEYS}
        return cls(
            **values,
            google_captcha_secret=to_str(config.get("google_captcha_secret")),
            business_website_url=to_str(links.get("business_website_url")),
            personal_website_url=to_str(links.get("personal_website_url")),
        )

    @property
    def name(self) -> str:
        return self.site_name or self.site_shortname


Config = Brand


@dataclass(frozen=True)
class PosPlan:
    plan_name: str = ""
    monthly_fee: Decimal = ZERO
    card_trx_fee: Decimal = ZERO

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        plan = to_dict(data.get("plan")) if "plan" in data else dict(data)
        return cls(
            plan_name=to_str(plan.get("plan_name")),
            monthly_fee=to_decimal(plan.get("monthly_fee")),
            card_trx_fee=to_decimal(plan.get("card_trx_fee")),
        )


@dataclass(frozen=True)
class Country:
    id: str
    code: str = ""
    name: str = ""
    phonecode: str = ""
    is_iban: bool = False
    europe: bool = False
    iso3: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            id=to_str(data.get("id")),
            code=to_str(_first(data, "country_code", "code")),
            name=to_str(_first(data, "country_name", "name")),
            phonecode=to_str(data.get("phonecode")),
            is_iban=to_bool(data.get("is_iban")),
            europe=to_bool(data.get("europe_country")),
            iso3=to_str(data.get("iso3")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(_rows(cls, data.get("countries")))


@dataclass(frozen=True)
class PhoneCode:
    id: str
    country_code: str = ""
    country_name: str = ""
    phonecode: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            id=to_str(data.get("id")),
            country_code=to_str(data.get("country_code")),
            country_name=to_str(data.get("country_name")),
            phonecode=to_str(data.get("phonecode")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(_rows(cls, data.get("countries")))


@dataclass(frozen=True)
class Industry:
    """getindustries rows are `{value: label}` objects (both equal in the doc)."""

    value: str
    label: str

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        result: list[Self] = []
        for row in to_list(data.get("industries")):
            if isinstance(row, Mapping):
                result.extend(cls(to_str(k), to_str(v) or to_str(k)) for k, v in row.items())
            elif to_str(row):
                result.append(cls(to_str(row), to_str(row)))
        return result


@dataclass(frozen=True)
class Option:
    """A company size or legal form (`dropdown`, a JSON string of {id, name, hardvalue})."""

    id: str
    name: str = ""
    hardvalue: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            id=to_str(data.get("id")),
            name=to_str(data.get("name")),
            hardvalue=to_opt_str(data.get("hardvalue")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(_rows(cls, data.get("dropdown")))


@dataclass(frozen=True)
class Role:
    """A director role: `key` is what addcompanydirector sends, `label` what people read."""

    key: str
    label: str

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        roles = to_json(data.get("role"))
        if isinstance(roles, Mapping):
            return [cls(to_str(k), to_str(v)) for k, v in roles.items()]
        return [
            cls(to_str(_first(r, "key", "id")), to_str(_first(r, "label", "name")))
            for r in to_list(roles)
            if isinstance(r, Mapping)
        ]


def source_funds_from_api(data: Mapping[str, Any]) -> list[str]:
    return [to_str(v) for v in to_list(data.get("data")) if to_str(v)]


_PLAN_FEES = (
    "eur_plan_price",
    "sepa_out_fee",
    "sepa_in_fee",
    "sepa_instant_out_fee",
    "sepa_instant_in_fee",
    "sepa_out_fee_percentage",
    "sepa_in_fee_percentage",
    "sepa_instant_out_fee_percentage",
    "sepa_instant_in_fee_percentage",
    "monthly_account",
)


@dataclass(frozen=True)
class Plan:
    id: str
    unique_id: str = ""
    tag: str = ""
    plan_name: str = ""
    description: str = ""
    features: str = ""
    risk: str = ""
    eur_plan_price: Decimal = ZERO
    sepa_out_fee: Decimal = ZERO
    sepa_in_fee: Decimal = ZERO
    sepa_instant_out_fee: Decimal = ZERO
    sepa_instant_in_fee: Decimal = ZERO
    sepa_out_fee_percentage: Decimal = ZERO
    sepa_in_fee_percentage: Decimal = ZERO
    sepa_instant_out_fee_percentage: Decimal = ZERO
    sepa_instant_in_fee_percentage: Decimal = ZERO
    monthly_account: Decimal = ZERO

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            id=to_str(data.get("id")),
            unique_id=to_str(data.get("unique_id")),
            tag=to_str(data.get("tag")),
            plan_name=to_str(data.get("plan_name")),
            description=to_str(data.get("description")),
            features=to_str(data.get("features")),
            risk=to_str(data.get("risk")).lower(),
            **{fee: to_decimal(data.get(fee)) for fee in _PLAN_FEES},
        )


@dataclass(frozen=True)
class PlanCountry:
    id: str
    name: str = ""
    risk_level: int | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            id=to_str(data.get("id")),
            name=to_str(data.get("name")),
            risk_level=to_opt_int(data.get("risk_level")),
        )


# getPlan NOTE: risk_level 1 -> High Risk plans, 2 -> Medium, 3 -> Low.
RISK_LEVEL_PLANS = {1: "high", 2: "medium", 3: "low"}


@dataclass(frozen=True)
class PlanCatalogue:
    low: tuple[Plan, ...] = ()
    medium: tuple[Plan, ...] = ()
    high: tuple[Plan, ...] = ()
    countries: tuple[PlanCountry, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            low=_rows(Plan, data.get("low_plans")),
            medium=_rows(Plan, data.get("medium_plans")),
            high=_rows(Plan, data.get("high_plans")),
            countries=_rows(PlanCountry, data.get("countries")),
        )

    @property
    def country_risk(self) -> dict[str, int]:
        """Country id → risk level (1 high .. 3 low)."""
        return {c.id: c.risk_level for c in self.countries if c.risk_level is not None}

    def for_risk_level(self, level: int | str | None) -> tuple[Plan, ...]:
        """The plans to offer for a country risk level: 1 → high, 2 → medium, 3 → low."""
        group = RISK_LEVEL_PLANS.get(to_int(level, default=-1))
        return getattr(self, group) if group else ()

    def for_country(self, country_id: str | int) -> tuple[Plan, ...]:
        return self.for_risk_level(self.country_risk.get(to_str(country_id)))

    @property
    def all_plans(self) -> tuple[Plan, ...]:
        return self.low + self.medium + self.high


# ---------------------------------------------------------------------------
# Sign-up, sign-in, password reset
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignupStarted:
    """openAccount: an OTP was emailed; verify it with `unique_id`."""

    unique_id: str
    user_id: str = ""
    company_name: str = ""
    is_live: bool = False

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            unique_id=to_str(data.get("unique_id")),
            user_id=to_str(data.get("user_id")),
            company_name=to_str(data.get("company_name")),
            is_live=to_bool(data.get("is_live")),
        )


@dataclass(frozen=True)
class LoginStarted:
    """login: the password was right, an OTP was emailed; verify it with `user_id`."""

    user_id: str
    unique_id: str = ""
    company_name: str = ""
    is_live: bool = False

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            user_id=to_str(data.get("user_id")),
            unique_id=to_str(data.get("unique_id")),
            company_name=to_str(data.get("company_name")),
            is_live=to_bool(data.get("is_live")),
        )


@dataclass(frozen=True)
class SignedIn:
    """verifyemailotp / verifyLogin: the session. The token never appears in `repr`.

    The verifyemailotp answer also carries a `password`; it is dropped here.
    """

    user_id: str
    web_token: str = field(repr=False)
    is_live: bool = False
    company_name: str = ""
    email: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            user_id=to_str(data.get("user_id")),
            web_token=to_str(data.get("web_token")),
            is_live=to_bool(data.get("is_live")),
            company_name=to_str(data.get("company_name")),
            email=to_str(data.get("email")),
        )

    def __repr__(self) -> str:
        return (
            f"SignedIn(user_id={self.user_id!r}, web_token='***', is_live={self.is_live!r}, "
            f"company_name={self.company_name!r}, email={self.email!r})"
        )

    @property
    def credentials(self) -> Credentials:
        return Credentials(user_id=self.user_id, web_token=self.web_token)


@dataclass(frozen=True)
class PasswordResetStarted:
    """forgotpassword: an OTP was emailed; resetpassword needs `unique_id` + `user_id`."""

    unique_id: str
    user_id: str = ""
    name: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            unique_id=to_str(data.get("unique_id")),
            user_id=to_str(data.get("user_id")),
            name=to_str(data.get("name")),
        )


# ---------------------------------------------------------------------------
# Company, documents, director
# ---------------------------------------------------------------------------


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
            rejection_reason=to_str(_first(data, "rejection_reason", "reject_reason")),
        )

    @property
    def needs_upload(self) -> bool:
        return self.status in (StepState.TO_DO, StepState.REJECTED)


def _additional_documents(data: Mapping[str, Any]) -> tuple[AdditionalDocument, ...]:
    # The doc spells it "additonal_documents" (NOTE, table) and
    # "additional_documnet" (curl); accept those and the correct spelling.
    value = _first(data, "additional_documents", "additonal_documents", "additional_documnet")
    return _rows(AdditionalDocument, value)


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
            is_live=to_bool(_first(data, "is_live") or user.get("is_live")),
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
            rejection_reason=to_str(_first(data, "rejection_reason", "reject_reason")),
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


# ---------------------------------------------------------------------------
# Profile, IBANs, beneficiaries, transactions, dashboard
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileUser:
    company_name: str = ""
    email: str = ""
    phone_number: str = ""
    country_of_residence: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            company_name=to_str(data.get("company_name")),
            email=to_str(data.get("email")),
            phone_number=to_str(data.get("phone_number")),
            country_of_residence=to_str(data.get("country_of_residence")),
        )


@dataclass(frozen=True)
class Profile:
    """profile_details (its example has no `status`)."""

    user: ProfileUser = field(default_factory=ProfileUser)
    company: CompanyProfile = field(default_factory=CompanyProfile)
    director: Director | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            user=ProfileUser.from_api(to_dict(data.get("user"))),
            company=CompanyProfile.from_api(to_dict(data.get("company"))),
            director=Director.maybe(data.get("director")),
        )


@dataclass(frozen=True)
class Iban:
    iban_id: str
    label: str = ""
    currency: str = "EUR"
    balance: Decimal = ZERO
    iban: str = ""
    bic: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            iban_id=to_str(_first(data, "iban_id", "id")),
            label=to_str(data.get("label")),
            currency=to_str(data.get("currency"), "EUR") or "EUR",
            balance=to_decimal(data.get("balance")),
            iban=to_str(data.get("iban")),
            bic=to_str(data.get("bic")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(_rows(cls, data.get("ibans")))


@dataclass(frozen=True)
class Beneficiary:
    beneficiaries_id: str
    name: str = ""
    email: str = ""
    iban: str = ""
    bic: str = ""
    image: str = ""
    account_type: str = ""
    date: datetime | None = None
    risklevel: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            beneficiaries_id=to_str(_first(data, "beneficiaries_id", "id")),
            name=to_str(data.get("name")),
            email=to_str(data.get("email")),
            iban=to_str(_first(data, "iban", "account")),
            bic=to_str(data.get("bic")),
            image=to_str(data.get("image")),
            account_type=to_str(_first(data, "account_type", "type")),
            date=to_datetime(data.get("date")),
            risklevel=to_str(data.get("risklevel")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(_rows(cls, _first(data, "beneficiary", "beneficiaries")))


def _transaction_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "unique_id": to_str(data.get("unique_id")),
        "trx_id": to_str(data.get("trx_id")),
        "transaction_id": to_str(data.get("transaction_id")),
        "type": to_str(data.get("type")).lower(),
        "sign": to_str(data.get("sign")),
        "amount": to_decimal(data.get("amount")),
        "fees": to_decimal(data.get("fees")),
        "currency": to_str(data.get("currency"), "EUR").upper() or "EUR",
        "status": to_str(data.get("status")),
        "description": to_str(data.get("description")),
        "beneficiary_name": to_str(data.get("beneficiary_name")),
        "reason_payment": to_str(data.get("reason_payment")),
        "username": to_str(data.get("username")),
        "label": to_str(data.get("label")),
        # Not in the reference's row; the account's IBAN when the bank sends it.
        "iban": to_str(data.get("iban")),
        "created": to_datetime(_first(data, "created", "transaction_date")),
        "is_upload_document": to_int(data.get("is_upload_document")),
    }


@dataclass(frozen=True)
class Transaction:
    """A dashboard or iban_transaction row. `created` is `created` or `transaction_date`.

    is_upload_document 1 means the bank wants a document for it (iban_uploadtrxdoc).
    """

    unique_id: str = ""
    trx_id: str = ""
    transaction_id: str = ""
    type: str = ""
    sign: str = ""
    amount: Decimal = ZERO
    fees: Decimal = ZERO
    currency: str = "EUR"
    status: str = ""
    description: str = ""
    beneficiary_name: str = ""
    reason_payment: str = ""
    username: str = ""
    label: str = ""
    iban: str = ""
    created: datetime | None = None
    is_upload_document: int = 0

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(**_transaction_fields(data))

    @property
    def needs_document(self) -> bool:
        return self.is_upload_document == 1

    @property
    def is_debit(self) -> bool:
        return self.type == "debit" or self.sign == "db"


@dataclass(frozen=True)
class TransactionDetail(Transaction):
    """iban_transaction_detail `trx`."""

    biometric_approval: bool = False
    # Not in the reference's example; kept when the bank sends them.
    counterparty_iban: str = ""
    payment_option: str = ""
    failure_reason: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        trx = to_dict(data.get("trx")) if "trx" in data else dict(data)
        return cls(
            **_transaction_fields(trx),
            biometric_approval=to_bool(trx.get("biometric_approval")),
            counterparty_iban=to_str(trx.get("counterparty_iban")),
            payment_option=to_str(trx.get("payment_option")),
            failure_reason=to_str(trx.get("failure_reason")),
        )


@dataclass(frozen=True)
class TransactionPage:
    """iban_transaction: one page, parsed as sent (the doc's example has
    page_number 3 of total_page 2; nothing is clamped)."""

    page_number: int = 1
    per_page: int = 0
    num_rows: int = 0
    total_page: int = 0
    rows: tuple[Transaction, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            page_number=to_int(_first(data, "page_number", "page"), 1),
            per_page=to_int(data.get("per_page")),
            num_rows=to_int(data.get("num_rows")),
            total_page=to_int(data.get("total_page")),
            rows=_rows(Transaction, _first(data, "trx", "transactions")),
        )


@dataclass(frozen=True)
class UserPlan:
    plan_name: str = ""
    no_vc: int = 0
    no_plastic_card: int = 0
    no_vpc: int = 0

    @classmethod
    def maybe(cls, value: Any) -> Self | None:
        data = to_dict(value)
        if not data:
            return None
        return cls(
            plan_name=to_str(data.get("plan_name")),
            no_vc=to_int(data.get("no_vc")),
            no_plastic_card=to_int(data.get("no_plastic_card")),
            no_vpc=to_int(data.get("no_vpc")),
        )


@dataclass(frozen=True)
class Dashboard:
    beneficiaries: tuple[Beneficiary, ...] = ()
    ibans: tuple[Iban, ...] = ()
    portfolio: Decimal = ZERO
    user_plan: UserPlan | None = None
    transactions: tuple[Transaction, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            beneficiaries=_rows(Beneficiary, data.get("beneficiaries")),
            ibans=_rows(Iban, data.get("ibans")),
            # The doc spells it "protFolio".
            portfolio=to_decimal(_first(data, "protFolio", "portfolio", "portFolio")),
            user_plan=UserPlan.maybe(data.get("userplan")),
            transactions=_rows(Transaction, data.get("transactions")),
        )


@dataclass(frozen=True)
class Notification:
    id: str
    title: str = ""
    description: str = ""
    date: date | None = None  # "DD-MM-YYYY"; "00-00-0000" is None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            id=to_str(data.get("id")),
            title=to_str(data.get("title")),
            description=to_str(data.get("description")),
            date=to_date(data.get("date")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(_rows(cls, data.get("notifications")))


# ---------------------------------------------------------------------------
# Crypto and cards
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CoinBalance:
    """One coin of getAllwallet / crypto_wallet `coin` (keyed by symbol)."""

    symbol: str
    title: str = ""
    currency_id: str = ""
    currency_name: str = ""
    coin_type: str = ""
    tokenof: str = ""
    image: str = ""
    address: str = ""
    crypto_balance: Decimal = ZERO
    eur_balance: Decimal = ZERO
    usd_balance: Decimal = ZERO
    eur_price: Decimal = ZERO
    usd_price: Decimal = ZERO
    usd_percent_change_24h: Decimal = ZERO
    decimal_digit: int = 8
    cmc_rank: int | None = None
    explorer_link: str = ""
    official_link: str = ""
    is_memo: bool = False
    dest_tag: str = ""  # the memo / destination tag deposits need when `is_memo`

    @classmethod
    def from_api(cls, data: Mapping[str, Any], symbol: str = "") -> Self:
        return cls(
            symbol=(symbol or to_str(_first(data, "currency_symbol", "currency_name"))).lower(),
            title=to_str(data.get("title")),
            currency_id=to_str(data.get("currency_id")),
            currency_name=to_str(data.get("currency_name")),
            coin_type=to_str(data.get("coin_type")),
            tokenof=to_str(data.get("tokenof")),
            image=to_str(data.get("image")),
            address=to_str(data.get("address")),
            crypto_balance=to_decimal(data.get("crypto_balance")),
            eur_balance=to_decimal(data.get("eur_balance")),
            usd_balance=to_decimal(data.get("usd_balance")),
            eur_price=to_decimal(data.get("eur_price")),
            usd_price=to_decimal(data.get("usd_price")),
            usd_percent_change_24h=to_decimal(data.get("usd_percent_change_24h")),
            decimal_digit=to_int(data.get("decimal_digit"), 8),
            cmc_rank=to_opt_int(data.get("cmc_rank")),
            # The doc spells it "expoloer_link".
            explorer_link=to_str(_first(data, "expoloer_link", "explorer_link")),
            official_link=to_str(data.get("official_link")),
            is_memo=to_bool(data.get("is_memo")),
            dest_tag=to_str(data.get("dest_tag")),
        )


def _coins(value: Any) -> tuple[CoinBalance, ...]:
    coins = to_json(value)
    if isinstance(coins, Mapping):
        return tuple(
            CoinBalance.from_api(row, symbol=to_str(key))
            for key, row in coins.items()
            if isinstance(row, Mapping)
        )
    return _rows(CoinBalance, coins)


def _coin(coins: tuple[CoinBalance, ...], symbol: str) -> CoinBalance | None:
    return next((c for c in coins if c.symbol == symbol.lower()), None)


def _wallet_totals(data: Mapping[str, Any]) -> dict[str, Any]:
    """The crypto module flags and balances both getAllwallet and crypto_wallet carry."""
    return {
        "is_crypto": to_bool(data.get("is_crypto")),
        "crypto_module": to_str(data.get("crypto_module")),
        "total_eur_balance": to_decimal(data.get("total_eur_balance")),
        "total_usd_balance": to_decimal(data.get("total_usd_balance")),
    }


@dataclass(frozen=True)
class CryptoOverview:
    """getAllwallet: totals (numbers here, strings in crypto_wallet) and coins."""

    is_crypto: bool = False
    crypto_module: str = ""
    total_eur_balance: Decimal = ZERO
    total_usd_balance: Decimal = ZERO
    coins: tuple[CoinBalance, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(**_wallet_totals(data), coins=_coins(data.get("coin")))

    def coin(self, symbol: str) -> CoinBalance | None:
        return _coin(self.coins, symbol)


@dataclass(frozen=True)
class CoinWallet:
    """crypto_wallet: one coin, its deposit addresses per network and its prices."""

    coin: CoinBalance | None = None
    networks: tuple[tuple[str, str], ...] = ()  # (network, address)
    buy_price: Decimal = ZERO
    sell_price: Decimal = ZERO
    is_crypto: bool = False
    crypto_module: str = ""
    debitcard_wallet: Decimal = ZERO
    total_eur_balance: Decimal = ZERO
    total_usd_balance: Decimal = ZERO

    @classmethod
    def from_api(cls, data: Mapping[str, Any], symbol: str = "") -> Self:
        coins = _coins(data.get("coin"))
        coin = _coin(coins, symbol) if symbol else None
        coin = coin or (coins[0] if coins else None)
        addresses = to_dict(data.get("address"))
        key = coin.symbol if coin else ""
        entry = to_dict(addresses.get(key)) or (
            to_dict(next(iter(addresses.values()))) if addresses else {}
        )
        networks = tuple(
            (to_str(n.get("network")), to_str(_first(n, "qr_address", "address")))
            for n in to_list(entry.get("networks"))
            if isinstance(n, Mapping)
        )
        prices = to_dict(data.get("getprice"))
        return cls(
            coin=coin,
            networks=networks,
            buy_price=to_decimal(prices.get("buy_price")),
            sell_price=to_decimal(prices.get("sell_price")),
            debitcard_wallet=to_decimal(data.get("debitcard_wallet")),
            **_wallet_totals(data),
        )


@dataclass(frozen=True)
class CryptoTransaction:
    """getTrxlastest / getTrxcoin row; `created` is like "17 Jul 2023"."""

    transaction_id: str = ""
    type: str = ""
    trx_type: str = ""
    description: str = ""
    coinname: str = ""
    coinsymbol: str = ""
    convert_symbol: str = ""
    created: date | None = None
    status: str = ""
    status_color: str = ""
    color: str = ""
    hash: str = ""
    has_link: str = ""
    amount: Decimal = ZERO
    fees: Decimal = ZERO
    total: Decimal = ZERO

    _TEXT = (
        "transaction_id",
        "type",
        "trx_type",
        "description",
        "coinname",
        "coinsymbol",
        "convert_symbol",
        "status",
        "status_color",
        "color",
        "hash",
        "has_link",
    )

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            **{key: to_str(data.get(key)) for key in cls._TEXT},
            created=to_date(data.get("created")),
            amount=to_decimal(data.get("amount")),
            fees=to_decimal(data.get("fees")),
            total=to_decimal(data.get("total")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(_rows(cls, data.get("trx")))


@dataclass(frozen=True)
class Card:
    card_id: str
    card_number: str = ""
    expiry_date: str = ""
    card_status: str = ""
    card_lock: str = ""
    card_image: str = ""
    last_30_days: Decimal = ZERO
    available: Decimal = ZERO
    limit_spent: Decimal = ZERO
    todayspent: Decimal = ZERO

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            card_id=to_str(data.get("card_id")),
            card_number=to_str(data.get("card_number")),
            expiry_date=to_str(data.get("expiry_date")),
            card_status=to_str(data.get("card_status")),
            card_lock=to_str(data.get("card_lock")),
            card_image=to_str(data.get("card_image")),
            last_30_days=to_decimal(data.get("last_30_days")),
            available=to_decimal(data.get("available")),
            limit_spent=to_decimal(data.get("limit_spent")),
            todayspent=to_decimal(data.get("todayspent")),
        )

    @property
    def locked(self) -> bool:
        return to_str(self.card_lock).lower() == "lock"


@dataclass(frozen=True)
class SelectedPlan:
    """getSelectPlan: the doc's example is a `cardList`; a `plan` object is optional."""

    cards: tuple[Card, ...] = ()
    plan: Plan | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        plan = to_dict(_first(data, "plan", "selected_plan", "userplan"))
        return cls(
            cards=_rows(Card, _first(data, "cardList", "cardlist", "cards")),
            plan=Plan.from_api(plan) if plan else None,
        )
