"""Reference data: configSetting (the brand), countries, phone codes, industries,
the other option lists, plans.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Self

from codego.types.parsing import (
    ZERO,
    first_present,
    parse_rows,
    to_bool,
    to_decimal,
    to_dict,
    to_int,
    to_json,
    to_list,
    to_opt_int,
    to_opt_str,
    to_str,
)

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
            code=to_str(first_present(data, "country_code", "code")),
            name=to_str(first_present(data, "country_name", "name")),
            phonecode=to_str(data.get("phonecode")),
            is_iban=to_bool(data.get("is_iban")),
            europe=to_bool(data.get("europe_country")),
            iso3=to_str(data.get("iso3")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(parse_rows(cls, data.get("countries")))


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
        return list(parse_rows(cls, data.get("countries")))


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
        return list(parse_rows(cls, data.get("dropdown")))


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
            cls(to_str(first_present(r, "key", "id")), to_str(first_present(r, "label", "name")))
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
            low=parse_rows(Plan, data.get("low_plans")),
            medium=parse_rows(Plan, data.get("medium_plans")),
            high=parse_rows(Plan, data.get("high_plans")),
            countries=parse_rows(PlanCountry, data.get("countries")),
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
