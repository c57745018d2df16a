"""Statements: the bank's emailed statement (`bankstatement`), and ours as a page and files.

One form chooses an account and a period (last month by default). "Email me
the statement" posts `bankstatement` (`iban_id`, `from_date`, `to_date`, the
curl's names; the table says startdate / enddate) and the bank emails it, its
answer carries no file. "Printable statement" opens /statements/print/, and the
download buttons /statements/export/ in PDF, CAMT.053, MT940 or CSV, all drawn
from one statement model built from the history (banking.statement_model).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from banking.history import session_accounts
from banking.pages import attachment, bank_page, fetch
from banking.pdf import paper_context, render_pdf
from banking.profile import company_address
from banking.statement_files import camt053, file_stem, mt940, statement_csv
from banking.statement_model import Statement, build_statement
from banking.templatetags.money import iban_groups
from banking.transactions import DATE_ERRORS, DateInput, account_choices
from codego import types as t
from codego.client import get_client
from portal import session as portal_session
from portal.pages import Company, render_page, send_form
from portal.query import bank_id

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
        action = request.POST.get("action", "")
        if action == "print":
            return portal_session.redirect(
                request, f"{reverse('banking:statement-print')}?{form.query()}"
            )
        if action in FORMATS:
            return prepare_download(request, company, form, action)
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
# The statement of one account and period: printable, and as files
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FileFormat:
    media_type: str
    suffix: str


FORMATS = {
    "pdf": FileFormat("application/pdf", "pdf"),
    "camt053": FileFormat("application/xml", "xml"),
    # .sta: what MT940 files are usually called, and what importers look for.
    "mt940": FileFormat("text/plain; charset=us-ascii", "sta"),
    "csv": FileFormat("text/csv; charset=utf-8", "csv"),
}
READY_SECONDS = 120  # a PDF prepared for an htmx request waits this long to be fetched
READY_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")  # secrets.token_urlsafe(18)


def export_url(form: StatementForm, file_format: str) -> str:
    return f"{reverse('banking:statement-export')}?{form.query()}&format={file_format}"


def chosen_statement(
    request: HttpRequest, company: Company, query: Any, *, file_format: str | None = None
) -> tuple[StatementForm, Statement | None, HttpResponse | None]:
    """The form for `query` and its statement, or the page to answer instead.

    A bad choice gives the statements page with the errors next to the fields; an
    account id of the bank's shape that is not one of the company's, 404; the bank
    failing before the statement is whole, the statements page with a retry (503):
    a file is never sent half made.
    """
    # Asked afresh, not from the session's copy: a statement starts from today's balance.
    accounts, problem = fetch(lambda: get_client().iban_list(company.credentials))
    form = StatementForm(query, accounts=accounts)
    context: dict[str, Any] = {"form": form, "problem": problem, "accounts": accounts}
    if problem:
        return form, None, render_page(request, FORM_TEMPLATE, context, status=503)
    if not form.is_valid():
        chosen = bank_id(query.get("iban_id"))
        if chosen and not any(account.iban_id == chosen for account in accounts):
            raise Http404("not one of the company's accounts")
        return form, None, render_page(request, FORM_TEMPLATE, context, fragment="form")
    if file_format is not None and file_format not in FORMATS:
        form.add_error(None, _("Choose a file format: PDF, CAMT.053, MT940 or CSV."))
        return form, None, render_page(request, FORM_TEMPLATE, context, status=400)
    data = form.cleaned_data
    statement, problem = fetch(
        lambda: build_statement(
            company.credentials, form.account, data["from_date"], data["to_date"]
        )
    )
    if statement is None:
        context["problem"] = problem
        return form, None, render_page(request, FORM_TEMPLATE, context, status=503)
    return form, statement, None


@bank_page
def statement_print(request: HttpRequest, company: Company) -> HttpResponse:
    form, statement, answer = chosen_statement(request, company, request.GET)
    if answer is not None:
        return answer
    context = {
        "statement": statement,
        "company": company,
        "printed": timezone.localdate(),
        "back_url": f"{reverse('banking:statements')}?{form.query()}",
        "pdf_url": export_url(form, "pdf"),
    }
    return render_page(request, PRINT_TEMPLATE, context)


def statement_pdf(request: HttpRequest, company: Company, statement: Statement) -> bytes:
    """The statement as a branded A4 PDF (asks the bank for the company's address)."""
    firm = get_client().profile_details(company.credentials).company
    context = {
        **paper_context(),
        "statement": statement,
        "holder": firm.company_name or company.name,
        "holder_registration": firm.registration_number,
        "holder_address": company_address(firm, "registration"),
    }
    footer = _("Statement of %(iban)s from %(start)s to %(end)s") % {
        "iban": iban_groups(statement.account.iban),
        "start": formats.date_format(statement.start),
        "end": formats.date_format(statement.end),
    }
    return render_pdf(request, "banking/pdf/statement.html", context, footer=footer)


def file_answer(body: bytes | Iterator[str], stem: str, file_format: str) -> HttpResponse:
    kind = FORMATS[file_format]
    return attachment(body, kind.media_type, f"{stem}.{kind.suffix}")


def statement_file(
    request: HttpRequest, company: Company, statement: Statement, file_format: str
) -> bytes | Iterator[str]:
    """The statement in `file_format`: PDF bytes, or the text of the others as it streams."""
    if file_format == "pdf":
        return statement_pdf(request, company, statement)
    if file_format == "camt053":
        return camt053(
            statement, owner=company.name, bic=statement.account.bic, created=timezone.now()
        )
    if file_format == "mt940":
        return mt940(statement)
    return statement_csv(statement)


@require_http_methods(["GET", "HEAD"])
@bank_page
def statement_export(request: HttpRequest, company: Company) -> HttpResponse:
    """GET /statements/export/?iban_id&from_date&to_date&format: the statement as a file."""
    file_format = request.GET.get("format", "")
    form, statement, answer = chosen_statement(
        request, company, request.GET, file_format=file_format
    )
    if answer is not None:
        return answer
    body, problem = fetch(lambda: statement_file(request, company, statement, file_format))
    if body is None:
        context = {"form": form, "problem": problem, "accounts": [statement.account]}
        return render_page(request, FORM_TEMPLATE, context, status=503)
    return file_answer(body, file_stem(statement), file_format)


def _ready_key(request: HttpRequest, token: str) -> str:
    return f"banking:statement-ready:{request.session.session_key}:{token}"


def prepare_download(
    request: HttpRequest, company: Company, form: StatementForm, file_format: str
) -> HttpResponse:
    """The statements form's download buttons.

    Without JavaScript the browser goes to the file's URL and downloads it. An
    htmx request has the PDF made while the page shows that it is being
    prepared, then fetches it once from a short-lived, session-bound address.
    """
    if not (request.htmx and file_format == "pdf"):
        return portal_session.redirect(request, export_url(form, file_format))
    _, statement, answer = chosen_statement(request, company, request.POST)
    if answer is not None:
        return answer
    made, problem = fetch(lambda: statement_pdf(request, company, statement))
    if made is None:
        context = {"form": form, "problem": problem, "accounts": [statement.account]}
        return render_page(request, FORM_TEMPLATE, context, fragment="form", status=503)
    token = secrets.token_urlsafe(18)
    cache.set(_ready_key(request, token), (file_stem(statement), made), READY_SECONDS)
    return HttpResponseClientRedirect(reverse("banking:statement-ready", args=[token]))


@require_http_methods(["GET", "HEAD"])
@bank_page
def statement_ready(request: HttpRequest, company: Company, token: str) -> HttpResponse:
    """The PDF prepare_download made, once; 404 after that or for another session."""
    if not READY_TOKEN.fullmatch(token):
        raise Http404("not the address of a prepared statement")
    key = _ready_key(request, token)
    kept = cache.get(key)
    if kept is None:
        raise Http404("no statement prepared under this address")
    cache.delete(key)
    stem, made = kept
    return file_answer(made, stem, "pdf")
