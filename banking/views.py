"""The banking app: for now, the dashboard with the company's IBAN accounts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from codego.client import get_client
from portal import session as portal_session
from portal.session import signed_in_required


def format_iban(iban: str) -> str:
    """An IBAN in groups of four characters, as printed on paper."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@signed_in_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not portal_session.is_live(request):
        return HttpResponseRedirect(reverse("kyc-overview"))
    session = portal_session.credentials(request)
    assert session is not None
    # SessionExpired and outages are handled by portal.middleware.CodegoErrorMiddleware.
    ibans = get_client().iban_list(session)
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
    return render(
        request,
        "banking/dashboard.html",
        {"company_name": portal_session.company_name(request), "ibans": accounts},
    )
