"""The dashboard: one `dashboard` call shows the accounts, the money and what happened lately.

`?iban_id=` narrows everything to one IBAN (the same call with that field);
the switch is a plain link that htmx turns into a swap of the page content.

The answer is this session's copy (banking.copies) for a few seconds, and so is
the content rendered from it: a company going back and forth between pages costs
the bank one call and the server one rendering. The page says when the balances
were read; `?refresh=1` reads them again.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize, time_format
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from banking import copies
from banking.charts import kept_balance_chart
from banking.history import company_account
from banking.pages import bank_page, fetch, transaction_urls
from codego import types as t
from portal.pages import Company, render_page
from portal.query import bank_id


@bank_page
def dashboard(request: HttpRequest, company: Company) -> HttpResponse:
    iban_id = _own_account_id(request, company)
    refresh = bool(request.GET.get("refresh"))
    seconds = copies.dashboard_seconds()
    # What the page shows depends on the answer and the language only, so the
    # content is kept as long as the answer, and both are read in one round trip.
    answer_name, page_name = f"dashboard:{iban_id}", f"dashboard-page:{iban_id}:{get_language()}"
    # A refresh reads the bank anyway: the copies it replaces are not even read.
    looked_up = (answer_name, page_name) if not refresh and seconds > 0 else ()
    shelf = copies.Shelf(request, company, *looked_up)
    reading = shelf.get(answer_name) if looked_up else None
    if reading is None:
        reading, problem = fetch(lambda: copies.read_dashboard(company, iban_id))
        if reading is None:
            context = {"company": company, "problem": problem, "iban_id": iban_id}
            content = _render_content(request, context)
            return render_page(request, "banking/dashboard.html", {"content": content}, status=503)
        shelf.put(answer_name, reading, seconds)
    page = shelf.get(page_name) if looked_up else None
    if page is not None and page[0] == reading.read_at:
        content = page[1]
    else:
        content = _content(request, company, reading, iban_id)
        age = (timezone.now() - reading.read_at).total_seconds()
        shelf.put(page_name, (reading.read_at, content), seconds - age)
    return render_page(request, "banking/dashboard.html", {"content": content})


def _own_account_id(request: HttpRequest, company: Company) -> str:
    """`?iban_id=` when it is one of the company's accounts; else "" and a note.

    Only such an id reaches the bank and the names of the session's copies.
    """
    asked = request.GET.get("iban_id", "")
    if not asked:
        return ""
    account, problem = fetch(lambda: company_account(request, company, asked))
    if account is not None:
        return account.iban_id
    if problem and bank_id(asked):
        # The account list failed: the dashboard's own call says whether the bank answers.
        return bank_id(asked)
    messages.warning(
        request, _("That account is not one of yours, so all your accounts are shown.")
    )
    return ""


def as_of(read_at: datetime) -> str:
    """When the dashboard's figures were read, as a sentence."""
    shown = time_format(timezone.template_localtime(read_at), "TIME_FORMAT")
    return _("As of %(time)s") % {"time": shown}


@lru_cache(maxsize=256)
def plan_facts(plan: t.UserPlan, _language: str | None) -> tuple[str, str]:
    """The plan's cards as sentences, once per plan and language (the sentences are as
    the template's blocktranslate wrote them, without localizing each number anew)."""
    physical, virtual = plan.no_plastic_card, plan.no_vc
    return (
        ngettext("%(n)s physical card", "%(n)s physical cards", physical)
        % {"n": localize(physical)},
        ngettext("%(n)s virtual card", "%(n)s virtual cards", virtual) % {"n": localize(virtual)},
    )


def _content(request: HttpRequest, company: Company, reading: copies.Reading, iban_id: str) -> str:
    data = reading.answer
    ibans = data.ibans
    selected = next((i for i in ibans if i.iban_id == iban_id), None) if iban_id else None
    # The dashboard's transactions are the selected IBAN's, or every IBAN's mixed: the
    # chart is that IBAN's balance, or the portfolio's (all accounts) without a filter.
    balance = selected.balance if selected else data.portfolio
    zone = timezone.get_current_timezone()
    chart = kept_balance_chart(
        balance, tuple(data.transactions), timezone.localdate(timezone=zone), zone
    )
    dashboard_url = reverse("banking:dashboard")
    refresh_query = {"iban_id": iban_id, "refresh": 1} if iban_id else {"refresh": 1}
    context = {
        "company": company,
        "iban_id": iban_id,
        "data": data,
        "read_at": reading.read_at,
        "as_of": as_of(reading.read_at),
        "plan_facts": plan_facts(data.user_plan, get_language()) if data.user_plan else None,
        "refresh_url": f"{dashboard_url}?{urlencode(refresh_query)}",
        "ibans": ibans,
        "selected": selected,
        "currency": ibans[0].currency if ibans else "EUR",
        "chart": chart,
        "transactions": list(
            zip(
                data.transactions,
                transaction_urls(trx.unique_id for trx in data.transactions),
                strict=True,
            )
        ),
        "beneficiaries": data.beneficiaries[:5],
        # Each card links to its own view, except when it is the one shown.
        "more_url": "" if selected else dashboard_url,
    }
    return _render_content(request, context)


def _render_content(request: HttpRequest, context: dict[str, object]) -> str:
    """The dashboard's content. It needs the request only (its path), not the context
    processors, which the page around it runs anyway: brand, navigation, badge."""
    return render_to_string("banking/_dashboard.html", {**context, "request": request})
