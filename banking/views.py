"""The dashboard: one `dashboard` call shows the accounts, the money and what happened lately.

`?iban_id=` narrows everything to one IBAN (the same call with that field);
the switch is a plain link that htmx turns into a swap of the page content.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from banking.charts import balance_chart, daily_balances
from banking.pages import bank_page, fetch, transaction_url, transactions_url
from codego.client import get_client
from portal.pages import Company, render_page


@bank_page
def dashboard(request: HttpRequest, company: Company) -> HttpResponse:
    iban_id = request.GET.get("iban_id", "").strip()
    # An unknown iban_id makes the bank refuse: the page then offers all accounts.
    data, problem = fetch(lambda: get_client().dashboard(company.credentials, iban_id=iban_id))
    context: dict[str, object] = {"company": company, "problem": problem, "iban_id": iban_id}
    if data is None:
        return render_page(request, "banking/dashboard.html", context, status=503)
    ibans = data.ibans
    selected = next((i for i in ibans if i.iban_id == iban_id), None) if iban_id else None
    # The dashboard's transactions are the selected IBAN's, or every IBAN's mixed: the
    # chart is that IBAN's balance, or the portfolio's (all accounts) without a filter.
    balance = selected.balance if selected else data.portfolio
    series = daily_balances(balance, data.transactions, today=timezone.localdate())
    context.update(
        {
            "data": data,
            "ibans": ibans,
            "selected": selected,
            "currency": ibans[0].currency if ibans else "EUR",
            "chart": balance_chart(series),
            "transactions": [(trx, transaction_url(trx.unique_id)) for trx in data.transactions],
            "beneficiaries": data.beneficiaries[:5],
            "transactions_url": transactions_url(),
            # Each card links to its own view, except when it is the one shown.
            "more_url": "" if selected else reverse("banking:dashboard"),
        }
    )
    return render_page(request, "banking/dashboard.html", context)
