"""Public reference endpoints: brand, lists, plans and the captcha check."""

from __future__ import annotations

import json
from typing import Any

from sandbox import reference
from sandbox.api import Call, Reject, endpoint
from sandbox.bank import ensure_plans, money
from sandbox.models import Plan


@endpoint("configSetting")
def config_setting(call: Call) -> dict[str, Any]:
    return {
        "status": 1,
        "config": dict(reference.BRAND),
        "links": {"business_website_url": "", "personal_website_url": ""},
    }


@endpoint("posPlan")
def pos_plan(call: Call) -> dict[str, Any]:
    return {"status": 1, "plan": dict(reference.POS_PLAN)}


@endpoint("getCountriesList")
def countries_list(call: Call) -> dict[str, Any]:
    countries = [
        {
            "id": c["id"],
            "country_code": c["country_code"],
            "country_name": c["country_name"],
            "phonecode": c["phonecode"],
            "iso3": c["iso3"],
            "status": "1",
            "is_iban": "1" if c["europe_country"] == "1" else "0",
            "europe_country": c["europe_country"],
            "solaris_iban": "1" if c["europe_country"] == "1" else "0",
            "shipping_cost": "5",
        }
        for c in reference.COUNTRIES
    ]
    return {"status": 1, "countries": countries}


@endpoint("getPhoneCode")
def phone_codes(call: Call) -> dict[str, Any]:
    countries = [
        {
            "id": c["id"],
            "country_code": c["country_code"],
            "country_name": c["country_name"],
            "phonecode": c["phonecode"],
        }
        for c in reference.COUNTRIES
    ]
    return {"status": 1, "countries": countries}


@endpoint("getindustries")
def industries(call: Call) -> dict[str, Any]:
    return {"status": 1, "industries": [{name: name} for name in reference.INDUSTRIES]}


@endpoint("getCompanySizesList")
def company_sizes(call: Call) -> dict[str, Any]:
    # The reference sends this list as a JSON-encoded string.
    return {"status": 1, "dropdown": json.dumps(reference.COMPANY_SIZES, separators=(",", ":"))}


@endpoint("getCompanyLegalFormsList")
def legal_forms(call: Call) -> dict[str, Any]:
    return {"status": 1, "dropdown": json.dumps(reference.LEGAL_FORMS, separators=(",", ":"))}


@endpoint("getRole")
def roles(call: Call) -> dict[str, Any]:
    return {"status": 1, "role": dict(reference.ROLES)}


@endpoint("getSourcefund")
def source_of_funds(call: Call) -> dict[str, Any]:
    return {"status": 1, "data": list(reference.SOURCE_OF_FUNDS)}


def plan_json(plan: Plan) -> dict[str, str]:
    return {
        "unique_id": plan.unique_id,
        "id": str(plan.pk),
        "tag": plan.tag,
        "plan_name": plan.plan_name,
        "eur_plan_price": money(plan.eur_plan_price),
        "description": plan.description,
        "features": plan.features,
        "sepa_out_fee": money(plan.sepa_out_fee),
        "sepa_in_fee": money(plan.sepa_in_fee),
        "sepa_instant_out_fee": money(plan.sepa_instant_out_fee),
        "sepa_instant_in_fee": money(plan.sepa_instant_in_fee),
        "sepa_out_fee_percentage": money(plan.sepa_out_fee_percentage),
        "sepa_in_fee_percentage": money(plan.sepa_in_fee_percentage),
        "sepa_instant_out_fee_percentage": money(plan.sepa_instant_out_fee_percentage),
        "sepa_instant_in_fee_percentage": money(plan.sepa_instant_in_fee_percentage),
        "risk": plan.risk,
        "monthly_account": money(plan.monthly_account),
    }


@endpoint("getPlan")
def plans(call: Call) -> dict[str, Any]:
    ensure_plans()
    groups: dict[str, list[dict[str, str]]] = {"low": [], "medium": [], "high": []}
    for plan in Plan.objects.order_by("id"):
        groups[plan.risk].append(plan_json(plan))
    return {
        "status": 1,
        "low_plans": groups["low"],
        "medium_plans": groups["medium"],
        "high_plans": groups["high"],
        "countries": [
            {"id": c["id"], "name": c["country_name"], "risk_level": c["risk_level"]}
            for c in reference.COUNTRIES
        ],
    }


@endpoint("verifygooglecaptcha")
def verify_captcha(call: Call) -> dict[str, Any]:
    # No network here: the simulator accepts any non-empty token except the
    # documented test value for a failed check.
    token = call.require("g_recaptcha_response")
    if token == "invalid":  # noqa: S105 - a test value, not a secret
        raise Reject("Captcha verification failed.")
    return {"status": 1, "message": "Succesfully verified"}
