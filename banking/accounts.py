"""IBAN accounts: the list (`iban_list`) and opening a new one (`createIban`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from banking import copies
from banking.pages import bank_page, fetch, form_problem
from codego.client import get_client
from codego.errors import CodegoError, SessionExpired
from portal import session as portal_session
from portal.pages import Company, render_page

MAX_LABEL = 50  # createIban refuses longer labels


class AccountForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Name of the account"),
        max_length=MAX_LABEL,
        help_text=gettext_lazy("For example Payroll or Taxes. 1 to 50 characters."),
        error_messages={
            "required": gettext_lazy("Give the account a name."),
            "max_length": gettext_lazy("Use at most 50 characters."),
        },
    )


@bank_page
def accounts(request: HttpRequest, company: Company) -> HttpResponse:
    ibans, problem = fetch(lambda: get_client().iban_list(company.credentials))
    context = {"ibans": ibans or [], "problem": problem, "loaded": ibans is not None}
    return render_page(request, "banking/accounts.html", context, status=503 if problem else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@bank_page
def account_new(request: HttpRequest, company: Company) -> HttpResponse:
    # Typed before the bank ended the session: the page shows it again.
    typed = portal_session.take_typed(request) if request.method == "GET" else {}
    form = AccountForm(request.POST or None, initial=typed)
    if request.method == "POST" and form.is_valid():
        label = form.cleaned_data["label"]
        try:
            get_client().create_iban(company.credentials, label=label)
        except SessionExpired:
            raise
        except CodegoError as error:
            form.add_error(None, form_problem(error))
        else:
            copies.forget(request, company)  # the lists changed at the bank
            messages.success(request, _("Your new account %(label)s is open.") % {"label": label})
            return portal_session.redirect(request, reverse("banking:accounts"))
    return render_page(request, "banking/accounts_new.html", {"form": form}, fragment="form")
