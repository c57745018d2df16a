"""The banking app: for now, the dashboard with the company's IBAN accounts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from codego.client import get_client
from portal.pages import Company, render_page, signed_in_view


def format_iban(iban: str) -> str:
    """An IBAN in groups of four characters, as printed on paper."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@signed_in_view(live=True)
def dashboard(request: HttpRequest, company: Company) -> HttpResponse:
    # SessionExpired and outages are handled by portal.middleware.CodegoErrorMiddleware.
    ibans = get_client().iban_list(company.credentials)
    accounts = [
        {
            "iban_id": item.iban_id,
            "label": item.label,
            "iban_display": format_iban(item.iban),
            "bic": item.bic,
            "currency": item.currency,
            "balance": item.balance,
        }
        for item in ibans
    ]
    return render_page(
        request, "banking/dashboard.html", {"company_name": company.name, "ibans": accounts}
    )
