"""The company's profile (`profile_details`), read-only, with the bank's review states in words.

Country fields hold ids of `getCountriesList`; the cached reference list turns
them into names (the id is shown when the list is unreachable).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from banking.pages import bank_page, fetch
from codego import reference
from codego import types as t
from codego.client import get_client
from codego.errors import CodegoError
from portal import states
from portal.pages import Company, render_page

# risk_level of the company's country, as getPlan's countries rate it.
RISK_WORDS = {1: "high", 2: "medium", 3: "low"}


def review_state(status: int) -> states.State:
    # profile_status and the director's status count like getCompanyStatus's steps.
    return states.of_step(t.StepState(status))


def risk_label(level: int | None) -> str:
    words = {"high": _("High"), "medium": _("Medium"), "low": _("Low")}
    return words.get(RISK_WORDS.get(level or 0, ""), _("Not rated"))


def country_name(country_id: str) -> str:
    if not country_id or country_id == "0":
        return ""
    try:
        found = reference.country(country_id)
    except CodegoError:
        return country_id
    return found.name if found else country_id


def address(*parts: str) -> list[str]:
    return [part for part in parts if part and part.strip()]


def company_address(firm: t.CompanyProfile, prefix: str) -> list[str]:
    """The registration_* or actual_* address of the company, line by line."""

    def part(name: str) -> str:
        return str(getattr(firm, f"{prefix}_{name}", "") or "")

    return address(
        part("address1"),
        part("address2"),
        " ".join(address(part("zip"), part("city"))),
        part("region"),
        country_name(part("country")),
    )


@bank_page
def profile(request: HttpRequest, company: Company) -> HttpResponse:
    found, problem = fetch(lambda: get_client().profile_details(company.credentials))
    if found is None:
        return render_page(request, "banking/profile.html", {"problem": problem}, status=503)
    firm, director = found.company, found.director
    context = {
        "problem": "",
        "user": found.user,
        "firm": firm,
        "director": director,
        "residence": country_name(found.user.country_of_residence),
        "company_state": review_state(firm.profile_status),
        "director_state": review_state(director.status) if director else None,
        "risk": risk_label(firm.risk_level),
        "registered_address": company_address(firm, "registration"),
        "actual_address": company_address(firm, "actual"),
        "director_country": country_name(director.country) if director else "",
        "director_address": address(
            director.address,
            " ".join(address(director.zipcode, director.city)),
            country_name(director.address_country),
        )
        if director
        else [],
    }
    return render_page(request, "banking/profile.html", context)
