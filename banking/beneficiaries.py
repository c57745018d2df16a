"""Beneficiaries: the list with search, adding one (IBAN checked here first), deleting one.

The IBAN is checked with schwifty (checksum, country, bank's BIC) before the
bank is asked anything, and again inline while it is typed (`iban_check`,
no upstream call). The optional image must be a JPEG or PNG by its content,
at most 2 MB (portal.uploads, as for company documents).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from schwifty import IBAN
from schwifty.exceptions import (
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    SchwiftyException,
)

from banking import copies
from banking.pages import bank_page, fetch, form_problem, outcome_unknown, problem_text
from codego.client import get_client
from codego.errors import CodegoError, SessionExpired
from codego.types import Beneficiary
from portal import session as portal_session
from portal import texts
from portal.pages import Company, render_page
from portal.query import query_text
from portal.uploads import IMAGE_TYPES, MB, UploadField, limit_uploads

MAX_IMAGE_BYTES = 2 * MB
PERSONAL = "personal"
BUSINESS = "business"
# Where "add a new one" on the payment form comes back to.
RETURN_TO_PAYMENT = "payment"


@dataclass(frozen=True)
class CheckedIban:
    iban: str  # compact, upper case
    country: str
    bic: str
    bank: str


def check_iban(value: str) -> CheckedIban:
    """The IBAN's facts, or a ValidationError saying what is wrong with it."""
    compact = "".join(str(value or "").split()).upper()
    if not compact:
        raise forms.ValidationError(_("Enter the beneficiary's IBAN."), code="required")
    try:
        parsed = IBAN(compact)
    except InvalidChecksumDigits as err:
        raise forms.ValidationError(
            _("This IBAN's check digits don't match: one character is probably mistyped."),
            code="checksum",
        ) from err
    except InvalidCountryCode as err:
        raise forms.ValidationError(
            _("An IBAN starts with a country code, like BE71 0961 2345 6769."), code="country"
        ) from err
    except InvalidLength as err:
        raise forms.ValidationError(
            _("This IBAN is too short or too long for its country."), code="length"
        ) from err
    except (SchwiftyException, ValueError) as err:
        raise forms.ValidationError(_("This is not a valid IBAN."), code="invalid") from err
    return CheckedIban(
        iban=str(parsed.compact),
        country=str(getattr(parsed.country, "name", "") or parsed.country_code),
        bic=str(parsed.bic or ""),
        bank=str(getattr(parsed.bank, "name", "") or ""),
    )


class BeneficiaryForm(forms.Form):
    type = forms.ChoiceField(
        label=gettext_lazy("Who is it?"),
        choices=[(PERSONAL, gettext_lazy("A person")), (BUSINESS, gettext_lazy("A business"))],
        widget=forms.RadioSelect,
        initial=BUSINESS,
    )
    company_name = forms.CharField(
        label=gettext_lazy("Company name"), max_length=200, required=False
    )
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100, required=False)
    account = forms.CharField(
        label=gettext_lazy("IBAN"),
        max_length=50,
        error_messages={"required": gettext_lazy("Enter the beneficiary's IBAN.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("Email (optional)"),
        required=False,
        help_text=gettext_lazy("We don't write to it; it is kept with the beneficiary."),
    )
    beneficiary_image = UploadField(
        label=gettext_lazy("Picture or logo (optional)"),
        required=False,
        max_bytes=MAX_IMAGE_BYTES,
        allowed=IMAGE_TYPES,
        help_text=gettext_lazy("A JPEG or PNG file of at most 2 MB."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account = self.fields["account"]
        account.widget.attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "mono",
                # Checked while typed, by the portal alone (see iban_check).
                "hx-get": reverse("banking:iban-check"),
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#iban-facts",
                "hx-swap": "outerHTML",
                "hx-sync": "this:replace",
            }
        )
        self.checked: CheckedIban | None = None

    def clean_account(self) -> str:
        self.checked = check_iban(self.cleaned_data["account"])
        return self.checked.iban

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("type") == PERSONAL:
            for name, words in (
                ("first_name", _("Enter the first name.")),
                ("last_name", _("Enter the last name.")),
            ):
                if not (data.get(name) or "").strip():
                    self.add_error(name, words)
        elif data.get("type") == BUSINESS and not (data.get("company_name") or "").strip():
            self.add_error("company_name", _("Enter the company's name."))
        return data


def _matches(beneficiary: Beneficiary, query: str) -> bool:
    words = query.lower()
    compact = "".join(query.split()).upper()
    return words in beneficiary.name.lower() or (bool(compact) and compact in beneficiary.iban)


@bank_page
def beneficiaries(request: HttpRequest, company: Company) -> HttpResponse:
    query = query_text(request, "q")
    rows, problem = fetch(lambda: get_client().beneficiaries_list(company.credentials))
    shown = [b for b in rows or [] if not query or _matches(b, query)]
    context = {
        "beneficiaries": shown,
        "total": len(rows or []),
        "query": query,
        "problem": problem,
        "loaded": rows is not None,
    }
    # The search box swaps only the results; the whole page otherwise.
    fragment = "results" if request.headers.get("HX-Target") == "payee-results" else "content"
    status = 503 if problem else 200
    return render_page(
        request, "banking/beneficiaries.html", context, fragment=fragment, status=status
    )


def _after_adding(form: BeneficiaryForm) -> str:
    if form.cleaned_data.get("next") == RETURN_TO_PAYMENT:
        # addbeneficary answers no id in the reference: the payment form finds it by IBAN.
        return (
            reverse("banking:payment-new")
            + "?"
            + urlencode({"account": form.cleaned_data["account"]})
        )
    return reverse("banking:beneficiaries")


@limit_uploads(MAX_IMAGE_BYTES)
@require_http_methods(["GET", "HEAD", "POST"])
@bank_page
def beneficiary_new(request: HttpRequest, company: Company) -> HttpResponse:
    initial = {"next": RETURN_TO_PAYMENT if request.GET.get("next") == RETURN_TO_PAYMENT else ""}
    if request.method == "GET":
        # Typed before the bank ended the session: the page shows it again.
        initial.update(portal_session.take_typed(request))
    form = BeneficiaryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        personal = data["type"] == PERSONAL
        image = data.get("beneficiary_image")
        try:
            get_client().add_beneficiary(
                company.credentials,
                type=data["type"],
                account=data["account"],
                first_name=data["first_name"].strip() if personal else "",
                last_name=data["last_name"].strip() if personal else "",
                company_name="" if personal else data["company_name"].strip(),
                email=data["email"],
                beneficiary_image=image.as_upload() if image else None,
            )
        except SessionExpired:
            raise
        except CodegoError as error:
            # A chosen file cannot be put back into the page: say so.
            form.add_error(None, form_problem(error, with_file=image is not None))
        else:
            name = (
                f"{data['first_name']} {data['last_name']}".strip()
                if personal
                else data["company_name"]
            )
            copies.forget(request, company)  # the lists changed at the bank
            messages.success(request, _("%(name)s is now a beneficiary.") % {"name": name.strip()})
            return portal_session.redirect(request, _after_adding(form))
    checked = form.checked if form.is_bound else None
    context = {"form": form, "checked": checked}
    return render_page(request, "banking/beneficiary_new.html", context, fragment="form")


@bank_page
def iban_check(request: HttpRequest, company: Company) -> HttpResponse:
    """The inline IBAN check: country, bank and BIC, or what is wrong (no bank call)."""
    value = query_text(request, "account", max_length=64)
    checked, problem = None, ""
    if value.strip():
        try:
            checked = check_iban(value)
        except forms.ValidationError as error:
            problem = error.messages[0]
    context = {"checked": checked, "iban_problem": problem}
    return render(request, "banking/beneficiary_new.html#iban-facts", context)


@require_http_methods(["GET", "HEAD", "POST"])
@bank_page
def beneficiary_delete(
    request: HttpRequest, company: Company, beneficiaries_id: str
) -> HttpResponse:
    problem = ""
    if request.method == "POST":
        try:
            get_client().beneficiaries_delete(
                company.credentials, beneficiaries_id=beneficiaries_id
            )
        except SessionExpired:
            raise
        except CodegoError as error:
            # No answer: it may be deleted already; the list below tells.
            problem = str(texts.FORM_OUTCOME_UNKNOWN) if outcome_unknown(error) else ""
            problem = problem or problem_text(error)
        else:
            copies.forget(request, company)  # the lists changed at the bank
            messages.success(request, _("The beneficiary was deleted."))
            return portal_session.redirect(request, reverse("banking:beneficiaries"))
    rows, fetch_problem = fetch(lambda: get_client().beneficiaries_list(company.credentials))
    payee = next((b for b in rows or [] if b.beneficiaries_id == beneficiaries_id), None)
    if rows is not None and payee is None:
        messages.info(request, _("This beneficiary is no longer in your list."))
        return portal_session.redirect(request, reverse("banking:beneficiaries"))
    context = {
        "payee": payee,
        "problem": problem or fetch_problem,
        "beneficiaries_id": beneficiaries_id,
    }
    return render_page(
        request,
        "banking/beneficiary_delete.html",
        context,
        status=503 if context["problem"] else 200,
    )
