"""Statements: the bank's emailed statement (`bankstatement`) and a printable one of ours.

One form chooses an account and a period (last month by default) and offers
two buttons: "Email me the statement" posts `bankstatement` (`iban_id`,
`from_date`, `to_date`, the curl's names; the table says startdate / enddate)
and the bank emails it, its answer carries no file; "Printable statement"
opens /statements/print/ for the same choice, built from the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from banking.charts import booked_effect
from banking.history import PAGE_SIZE, every_row, session_accounts
from banking.pages import bank_page, fetch
from banking.transactions import DATE_ERRORS, DateInput, account_choices, detail_url
from codego import types as t
from codego.client import get_client
from codego.types import Credentials
from portal import session as portal_session
from portal.pages import Company, render_page, send_form

FORM_TEMPLATE = "banking/statements.html"
PRINT_TEMPLATE = "banking/statement_print.html"
FIELDS = ("iban_id", "from_date", "to_date")


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class StatementForm(forms.Form):
    iban_id = forms.ChoiceField(
        label=gettext_lazy("Account"),
        error_messages={"required": gettext_lazy("Choose an account.")},
    )
    from_date = forms.DateField(
        label=gettext_lazy("From"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": gettext_lazy("Enter the first day.")},
    )
    to_date = forms.DateField(
        label=gettext_lazy("To"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": gettext_lazy("Enter the last day.")},
    )

    def __init__(self, *args: Any, accounts: list[t.Iban] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = str(self.data.get("iban_id", "")).strip() if self.is_bound else ""
        self.accounts = accounts or []
        self.fields["iban_id"].choices = account_choices(accounts, chosen)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and start > timezone.localdate():
            self.add_error("from_date", _("The first day is in the future."))
        elif start and end and end < start:
            self.add_error("to_date", _("The last day is before the first day."))
        return cleaned

    @property
    def account(self) -> t.Iban | None:
        iban_id = self.cleaned_data.get("iban_id")
        return next((a for a in self.accounts if a.iban_id == iban_id), None)

    def query(self) -> str:
        data = self.cleaned_data
        return urlencode(
            {
                "iban_id": data["iban_id"],
                "from_date": data["from_date"].isoformat(),
                "to_date": data["to_date"].isoformat(),
            }
        )


def initial_choice(request: HttpRequest, accounts: list[t.Iban] | None) -> dict[str, Any]:
    """What the form starts with: the URL's choice (back from printing), else last month."""
    start, end = last_month(timezone.localdate())
    first = accounts[0].iban_id if accounts else ""
    return {
        "iban_id": request.GET.get("iban_id") or first,
        "from_date": request.GET.get("from_date") or start,
        "to_date": request.GET.get("to_date") or end,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@bank_page
def statements(request: HttpRequest, company: Company) -> HttpResponse:
    accounts, problem = fetch(lambda: session_accounts(request, company))
    if request.method == "POST":
        form = StatementForm(request.POST, accounts=accounts)
    else:
        form = StatementForm(initial=initial_choice(request, accounts), accounts=accounts)
    context: dict[str, Any] = {"form": form, "problem": problem, "accounts": accounts}
    if problem:
        return render_page(request, FORM_TEMPLATE, context, status=503)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "print":
            return portal_session.redirect(
                request, f"{reverse('banking:statement-print')}?{form.query()}"
            )
        data = form.cleaned_data
        sent = send_form(
            form,
            lambda: get_client().bank_statement(
                company.credentials,
                iban_id=data["iban_id"],
                from_date=data["from_date"],
                to_date=data["to_date"],
            ),
        )
        if sent:
            account = form.account
            messages.success(
                request,
                _(
                    "The bank is emailing the statement of %(account)s from %(start)s to "
                    "%(end)s to %(email)s."
                )
                % {
                    "account": account.label if account else data["iban_id"],
                    "start": formats.date_format(data["from_date"]),
                    "end": formats.date_format(data["to_date"]),
                    "email": company.email or _("your registered email address"),
                },
            )
            return portal_session.redirect(
                request, f"{reverse('banking:statements')}?{form.query()}"
            )
    return render_page(request, FORM_TEMPLATE, context, fragment="form")


# ---------------------------------------------------------------------------
# The printable statement
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    trx: t.Transaction
    url: str
    effect: Decimal  # what it did to the balance (0 when it failed)
    balance: Decimal  # the balance after it

    @property
    def booked(self) -> bool:
        return self.trx.status.lower() in ("pending", "completed")


@dataclass(frozen=True)
class Statement:
    account: t.Iban
    start: date
    end: date
    opening: Decimal
    closing: Decimal
    money_in: Decimal
    money_out: Decimal
    fees: Decimal
    lines: tuple[StatementLine, ...]


def build_statement(
    session: Credentials, account: t.Iban, start: date, end: date, *, today: date
) -> Statement:
    """The account's statement for start..end (local days, inclusive).

    The API gives today's balance and the movements, not past balances, so they
    are derived backwards: the closing balance (end of `end`) is today's
    balance minus what every movement after `end` booked, and the opening
    balance (start of `start`) is the closing balance minus what the period's
    movements booked. A debit booked -(amount + fee), a credit +(amount - fee);
    a failed transfer booked nothing (charts.booked_effect, as the bank does).
    """
    client = get_client()

    def walk(**dates: date) -> list[t.Transaction]:
        def page(number: int) -> t.TransactionPage:
            return client.iban_transaction(
                session,
                iban_id=account.iban_id,
                page=number,
                per_page=PAGE_SIZE,
                order="asc",
                **dates,
            )

        return list(every_row(page(1), page))

    later = walk(startdate=end + timedelta(days=1)) if end < today else []
    within = walk(startdate=start, enddate=end)
    closing = account.balance - sum((booked_effect(trx) for trx in later), Decimal(0))
    opening = closing - sum((booked_effect(trx) for trx in within), Decimal(0))

    lines = []
    running = opening
    for trx in within:
        effect = booked_effect(trx)
        running += effect
        lines.append(StatementLine(trx, detail_url(trx), effect, running))
    booked = [line.trx for line in lines if line.booked]
    return Statement(
        account=account,
        start=start,
        end=end,
        opening=opening,
        closing=closing,
        money_in=sum((trx.amount for trx in booked if not trx.is_debit), Decimal(0)),
        money_out=sum((trx.amount for trx in booked if trx.is_debit), Decimal(0)),
        fees=sum((trx.fees for trx in booked), Decimal(0)),
        lines=tuple(lines),
    )


@bank_page
def statement_print(request: HttpRequest, company: Company) -> HttpResponse:
    # Asked afresh, not from the session's copy: the statement starts from today's balance.
    accounts, problem = fetch(lambda: get_client().iban_list(company.credentials))
    form = StatementForm(request.GET, accounts=accounts)
    context: dict[str, Any] = {"form": form, "problem": problem, "company": company}
    if problem:
        return render_page(request, PRINT_TEMPLATE, context, status=503)
    if not form.is_valid() or form.account is None:
        context["accounts"] = accounts
        return render_page(request, FORM_TEMPLATE, context)
    data = form.cleaned_data
    today = timezone.localdate()
    statement, problem = fetch(
        lambda: build_statement(
            company.credentials, form.account, data["from_date"], data["to_date"], today=today
        )
    )
    context.update(
        {
            "statement": statement,
            "problem": problem,
            "printed": today,
            "back_url": f"{reverse('banking:statements')}?{form.query()}",
        }
    )
    return render_page(request, PRINT_TEMPLATE, context, status=503 if problem else 200)
