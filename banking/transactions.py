"""Transactions: the filtered history (`iban_transaction`) and one transaction's page.

The list is a GET form (field names are the API's: `iban_id`, `status`,
`startdate`, `enddate`, `search`, `order`) whose values stay in the URL, with
`page` for pagination; htmx swaps the page content without a reload. One
transaction (`iban_transaction_detail`) shows every field in words, takes the
supporting document the bank asks for (`iban_uploadtrxdoc`), asks the bank to
email its invoice (`downloadinvoice`) and prints as a receipt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from banking import copies
from banking.history import compact_iban, session_accounts, session_beneficiaries
from banking.pages import (
    attachment,
    bank_page,
    fetch,
    problem_text,
    transaction_urls,
)
from banking.pdf import paper_context, render_pdf
from codego import types as t
from codego.client import get_client
from codego.errors import ApiError, CodegoError, SessionExpired, UpstreamTimeout
from portal import session as portal_session
from portal import texts
from portal.pages import Company, render_page
from portal.query import PlainTextField, query_id, query_page
from portal.uploads import MAX_UPLOAD_BYTES, MB, UploadField, limit_uploads

LIST_TEMPLATE = "banking/transactions.html"
DETAIL_TEMPLATE = "banking/transaction_detail.html"
RECEIPT_TEMPLATE = "banking/transaction_receipt.html"
NOT_FOUND_TEMPLATE = "banking/transaction_not_found.html"
PER_PAGE = 20
MAX_SEARCH = 100

# is_upload_document: the reference's note defines 1 (the bank needs a document);
# its example shows "2" unexplained. The simulator, like the bank's back office,
# uses 2 for "a document was uploaded".
DOCUMENT_NEEDED = 1
DOCUMENT_RECEIVED = 2


# ---------------------------------------------------------------------------
# The filters
# ---------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        # <input type="date"> shows and sends ISO dates whatever the language.
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_ERRORS = {"invalid": gettext_lazy("Enter a date as YYYY-MM-DD, for example 2026-03-31.")}


def account_choices(accounts: list[t.Iban] | None, chosen: str) -> list[tuple[str, str]]:
    """The IBAN select: every account; without the list, at least the one chosen (kept)."""
    if accounts is None:
        return [(chosen, _("Account %(id)s") % {"id": chosen})] if chosen else []
    return [
        (account.iban_id, f"{account.label or _('Account')} · …{compact_iban(account.iban)[-4:]}")
        for account in accounts
    ]


class TransactionFilterForm(forms.Form):
    iban_id = forms.ChoiceField(label=gettext_lazy("Account"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=(
            ("", gettext_lazy("Any status")),
            ("Pending", gettext_lazy("Pending")),
            ("Completed", gettext_lazy("Completed")),
            ("Failed", gettext_lazy("Failed")),
        ),
    )
    startdate = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    enddate = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    search = PlainTextField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=MAX_SEARCH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("Name or reference")}
        ),
    )
    order = forms.ChoiceField(
        label=gettext_lazy("Order"),
        required=False,
        choices=(("desc", gettext_lazy("Newest first")), ("asc", gettext_lazy("Oldest first"))),
    )

    def __init__(self, *args: Any, accounts: list[t.Iban] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = str(self.data.get("iban_id", "")).strip() if self.is_bound else ""
        self.accounts = accounts or []
        everything = ("", _("All accounts"))
        self.fields["iban_id"].choices = [everything, *account_choices(accounts, chosen)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("startdate"), cleaned.get("enddate")
        if start and end and end < start:
            self.add_error("enddate", _("The end date is before the start date."))
        return cleaned

    def api_filters(self) -> dict[str, Any]:
        """The iban_transaction fields of these filters (call after is_valid())."""
        data = self.cleaned_data
        return {
            "iban_id": data.get("iban_id") or "",
            "status": data.get("status") or "",
            "startdate": data.get("startdate"),
            "enddate": data.get("enddate"),
            "search": (data.get("search") or "").strip(),
            "order": data.get("order") or "desc",
        }

    @property
    def narrowed(self) -> bool:
        """Whether any filter (not the order) narrows the list."""
        return self.is_bound and any(
            str(self.data.get(name, "")).strip()
            for name in ("iban_id", "status", "startdate", "enddate", "search")
        )

    def account(self, iban_id: str) -> t.Iban | None:
        return next((a for a in self.accounts if a.iban_id == iban_id), None)

    def fields_html(self) -> str:
        """The filter fields' HTML, remembered (see FIELDS_HTML)."""
        data = self.data
        typed = tuple(
            (name, tuple(data.getlist(name)) if hasattr(data, "getlist") else data.get(name))
            for name in self.fields
        )
        key = (get_language(), typed, tuple(self.fields["iban_id"].choices))
        html = FIELDS_HTML.get(key)
        if html is None:
            if len(FIELDS_HTML) >= FIELDS_HTML_KEPT:
                FIELDS_HTML.clear()
            html = FIELDS_HTML[key] = render_to_string(FIELDS_TEMPLATE, {"form": self})
        return html


# The filters' HTML follows from the language, what was typed and the accounts to
# choose from (their errors too), and a visit repeats them page after page: a
# lookup instead of about 1.5 ms of Django's field rendering. Bounded, per process.
FIELDS_TEMPLATE = "onboarding/_fields.html"
FIELDS_HTML: dict[tuple, str] = {}
FIELDS_HTML_KEPT = 1000


def filter_accounts(request: HttpRequest, company: Company) -> list[t.Iban]:
    """The accounts of the IBAN filter; asked again when the chosen one is new to us."""
    accounts = session_accounts(request, company)
    # Only an id of the bank's shape is worth asking again for: a made-up one costs no call.
    chosen = query_id(request, "iban_id")
    if chosen and all(account.iban_id != chosen for account in accounts):
        accounts = session_accounts(request, company, refresh=True)
    return accounts


def detail_url(trx: t.Transaction) -> str:
    # The reference's history rows carry trx_id but no unique_id, which the
    # detail call takes; the simulator sends both. Link by unique_id when there.
    return detail_urls([trx])[0]


def detail_urls(rows: Iterable[t.Transaction]) -> list[str]:
    """`detail_url` of each row of a page."""
    return transaction_urls(trx.unique_id or trx.trx_id for trx in rows)


@dataclass(frozen=True)
class Row:
    trx: t.Transaction
    url: str


def count_words(num_rows: int, page_number: int, total_page: int) -> dict[str, str]:
    """The list's sentences about its size. As blocktranslate tags they localized the
    same numbers four times, most of the page's template time outside the rows."""
    rows, number, total = localize(num_rows), localize(page_number), localize(total_page)
    where = {"number": number, "total": total}
    return {
        "export": ngettext(
            "Export %(counter)s row to CSV", "Export %(counter)s rows to CSV", num_rows
        )
        % {"counter": rows},
        "count": ngettext("%(counter)s transaction", "%(counter)s transactions", num_rows)
        % {"counter": rows},
        "page": _("page %(number)s of %(total)s") % where,
        "pages": _("Page %(number)s of %(total)s") % where,
    }


@bank_page
def transaction_list(request: HttpRequest, company: Company) -> HttpResponse:
    accounts, problem = fetch(lambda: filter_accounts(request, company))
    form = TransactionFilterForm(request.GET, accounts=accounts)
    context: dict[str, Any] = {"form": form, "problem": problem, "result": None}
    if problem:
        # The filters cannot be checked without the accounts, and a bank that
        # failed this call would most likely fail the history too: one call only.
        return render_page(request, LIST_TEMPLATE, context, status=503)
    if not form.is_valid():
        return render_page(request, LIST_TEMPLATE, context)
    number = query_page(request)
    result, problem = fetch(
        lambda: get_client().iban_transaction(
            company.credentials, page=number, per_page=PER_PAGE, **form.api_filters()
        )
    )
    context["problem"] = problem
    if result is None:
        return render_page(request, LIST_TEMPLATE, context, status=503)
    context.update(
        {
            "result": result,
            "rows": [
                Row(trx, url)
                for trx, url in zip(result.rows, detail_urls(result.rows), strict=True)
            ],
            "page_number": number,
            "has_previous": number > 1,
            # total_page is as the bank sent it (never clamped, see TransactionPage).
            "has_next": number < result.total_page,
            "past_the_end": not result.rows and number > 1 and result.total_page > 0,
            "words": count_words(result.num_rows, number, result.total_page),
        }
    )
    return render_page(request, LIST_TEMPLATE, context)


# ---------------------------------------------------------------------------
# One transaction
# ---------------------------------------------------------------------------


class TransactionDocumentForm(forms.Form):
    trx_document = UploadField(label=gettext_lazy("Supporting document"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trx_document"].help_text = _(
            "An invoice, contract or order that explains this payment. PDF, JPEG or PNG, "
            "at most %(size)s MB."
        ) % {"size": MAX_UPLOAD_BYTES // MB}


def payment_option_label(option: str) -> str:
    words = {"sepa": _("SEPA transfer"), "sepa_instant": _("SEPA Instant transfer")}
    return words.get(option.strip().lower(), option)


def pay_again_url(request: HttpRequest, company: Company, trx: t.TransactionDetail) -> str:
    """A new payment to the same payee, when the payee is still in the company's list.

    The detail names the payee and (in the simulator) their IBAN, not their
    beneficiaries_id: the payee list, kept briefly per session, maps one to the other.
    """
    if not trx.is_debit:
        return ""
    try:
        url = reverse("banking:payment-new")
    except NoReverseMatch:
        return ""
    payees, _problem = fetch(lambda: session_beneficiaries(request, company))
    wanted_iban = compact_iban(trx.counterparty_iban)
    if payees is None:
        # The list is unavailable: the payment form looks the payee up by IBAN and name.
        query = {"account": wanted_iban, "beneficiary_name": trx.beneficiary_name.strip()}
        return f"{url}?{urlencode(query)}"
    name = trx.beneficiary_name.strip().lower()
    match = next(
        (p for p in payees or [] if wanted_iban and compact_iban(p.iban) == wanted_iban), None
    ) or next((p for p in payees or [] if name and p.name.strip().lower() == name), None)
    return f"{url}?{urlencode({'beneficiaries_id': match.beneficiaries_id})}" if match else ""


def load_detail(
    request: HttpRequest, company: Company, unique_id: str, template: str
) -> tuple[t.TransactionDetail | None, HttpResponse | None]:
    """The transaction, or the page to answer instead: not found (404) or the bank's outage."""
    try:
        trx = get_client().iban_transaction_detail(company.credentials, unique_id=unique_id)
    except SessionExpired:
        raise
    except ApiError:
        # The bank refuses an unknown unique_id with status 0 ("The unique_id is not valid.").
        trx = None
    except CodegoError as error:
        context = {"problem": problem_text(error), "retry_url": request.get_full_path()}
        if request.method == "POST":
            context["retry_url"] = reverse("banking:transaction", args=[unique_id])
            if request.FILES:  # a chosen file cannot come back with the page
                context["problem"] = str(texts.FILE_NOT_SENT)
        return None, render_page(request, template, context, status=503)
    if trx is None or not (trx.unique_id or trx.trx_id):
        return None, render(request, NOT_FOUND_TEMPLATE, {}, status=404)
    return trx, None


def receipt_context(company: Company, trx: t.TransactionDetail, unique_id: str) -> dict[str, Any]:
    """What the transaction's page and its receipt both show."""
    return {
        "trx": trx,
        "company": company,
        "unique_id": unique_id,
        "payment_option": payment_option_label(trx.payment_option),
        # What the account gave or got: a debit costs its fee on top, a credit pays it.
        "total": trx.amount + trx.fees if trx.is_debit else trx.amount - trx.fees,
    }


def detail_context(
    request: HttpRequest,
    company: Company,
    trx: t.TransactionDetail,
    unique_id: str,
    **extra: Any,
) -> dict[str, Any]:
    needs_document = trx.is_upload_document == DOCUMENT_NEEDED
    context = {
        **receipt_context(company, trx, unique_id),
        "needs_document": needs_document,
        "document_received": trx.is_upload_document == DOCUMENT_RECEIVED,
        "document_form": TransactionDocumentForm() if needs_document else None,
        "pay_again_url": pay_again_url(request, company, trx),
    }
    context.update(extra)
    return context


@bank_page
def transaction_detail(request: HttpRequest, company: Company, unique_id: str) -> HttpResponse:
    trx, answer = load_detail(request, company, unique_id, DETAIL_TEMPLATE)
    if answer is not None:
        return answer
    context = detail_context(request, company, trx, unique_id)
    return render_page(request, DETAIL_TEMPLATE, context)


@bank_page
def transaction_receipt(request: HttpRequest, company: Company, unique_id: str) -> HttpResponse:
    trx, answer = load_detail(request, company, unique_id, RECEIPT_TEMPLATE)
    if answer is not None:
        return answer
    context = {**receipt_context(company, trx, unique_id), "printed": timezone.localdate()}
    return render_page(request, RECEIPT_TEMPLATE, context)


@bank_page
def transaction_receipt_pdf(request: HttpRequest, company: Company, unique_id: str) -> HttpResponse:
    """The receipt (payment advice) as a PDF, from the same machinery as statements."""
    trx, answer = load_detail(request, company, unique_id, RECEIPT_TEMPLATE)
    if answer is not None:
        return answer
    context = {**paper_context(), **receipt_context(company, trx, unique_id)}
    reference = trx.transaction_id or trx.trx_id or unique_id
    footer = _("Receipt %(reference)s") % {"reference": reference}
    made = render_pdf(request, "banking/pdf/receipt.html", context, footer=footer)
    return attachment(made, "application/pdf", f"receipt-{unique_id}.pdf")


def _back_to(unique_id: str) -> str:
    return reverse("banking:transaction", args=[unique_id])


@limit_uploads()
@require_http_methods(["GET", "HEAD", "POST"])
@bank_page
def transaction_document(request: HttpRequest, company: Company, unique_id: str) -> HttpResponse:
    """Upload the supporting document the bank asked for (is_upload_document 1)."""
    if request.method == "GET":  # e.g. back here after signing in again
        return portal_session.redirect(request, _back_to(unique_id))
    trx, answer = load_detail(request, company, unique_id, DETAIL_TEMPLATE)
    if answer is not None:
        return answer
    if trx.is_upload_document != DOCUMENT_NEEDED:
        messages.info(request, _("The bank does not need a document for this transaction."))
        return portal_session.redirect(request, _back_to(unique_id))
    form = TransactionDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            get_client().iban_upload_trx_doc(
                company.credentials,
                trx_id=trx.trx_id,
                trx_document=form.cleaned_data["trx_document"].as_upload(),
            )
        except SessionExpired:
            raise
        except UpstreamTimeout:
            form.add_error(
                None,
                _(
                    "The bank did not answer in time, so your document may or may not have "
                    "arrived. Open the transaction again before you send it once more."
                ),
            )
        except ApiError as error:
            form.add_error(
                None,
                _("%(problem)s Your browser cannot keep the file: choose it again.")
                % {"problem": error.user_message},
            )
        except CodegoError as error:
            form.add_error(
                None,
                _("%(problem)s Your file was not sent: choose it again and press Upload.")
                % {"problem": problem_text(error)},
            )
        else:
            copies.forget(request, company)  # the transaction's state changed at the bank
            messages.success(
                request, _("Your document was sent to the bank. It will review it shortly.")
            )
            return portal_session.redirect(request, _back_to(unique_id))
    context = detail_context(request, company, trx, unique_id, document_form=form)
    return render_page(request, DETAIL_TEMPLATE, context, fragment="document-form")


@require_http_methods(["GET", "HEAD", "POST"])
@bank_page
def transaction_invoice(request: HttpRequest, company: Company, unique_id: str) -> HttpResponse:
    """Ask the bank to email the invoice: downloadinvoice answers with no file at all."""
    trx_id = str(request.POST.get("trx_id", "")).strip()[:100]
    if request.method == "POST" and trx_id:
        try:
            get_client().download_invoice(company.credentials, trx_id=trx_id)
        except SessionExpired:
            raise
        except CodegoError as error:
            messages.error(
                request,
                _("%(problem)s Press “Email me the invoice” to try again.")
                % {"problem": problem_text(error)},
            )
        else:
            messages.success(
                request,
                _("The bank is emailing the invoice to %(email)s.")
                % {"email": company.email or _("your registered email address")},
            )
    return portal_session.redirect(request, _back_to(unique_id))
