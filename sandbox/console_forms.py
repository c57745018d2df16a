"""Forms of the sandbox console: staff login and one small form per staff action.

Each form only checks the shape of the input; `sandbox.actions` checks it against the
bank's state and answers with an `ActionError` the console shows as it is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal import throttle
from sandbox import actions, reference
from sandbox.models import CompanyDocument


class StaffAuthenticationForm(AuthenticationForm):
    """Django's login form, for staff users only."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _("This account is not a staff account of the sandbox console."),
    }

    def clean(self) -> dict[str, Any]:
        # The same throttle as the portal's sign-in: a public demo's console must not
        # be a place to guess staff passwords.
        who = "console:" + str(self.data.get("username") or "").strip().lower()
        refused = throttle.refusal(self.request, who)
        if refused:
            raise ValidationError(refused, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.record_failure(self.request, who)
            raise
        throttle.reset(who)
        return cleaned

    def confirm_login_allowed(self, user) -> None:  # type: ignore[no-untyped-def]
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(self.error_messages["not_staff"], code="not_staff")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Email or company name"), required=False, max_length=200)


APPROVE_LABELS = {
    "profile": _("Company profile"),
    "documents": _("Company documents"),
    "director": _("Director"),
    "additional": _("Additional documents"),
    "all": _("Everything awaiting review"),
}

REJECT_LABELS = {
    "profile": _("Company profile"),
    CompanyDocument.Kind.BUSINESS_REGISTRATION.value: _("Business registration document"),
    CompanyDocument.Kind.OWNERSHIP.value: _("Ownership document"),
    CompanyDocument.Kind.FINANCIAL.value: _("Financial document"),
    "director": _("Director"),
}


class ApproveForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What to approve"),
        initial="all",
        choices=[(what, APPROVE_LABELS[what]) for what in actions.APPROVE_WHAT],
    )


class RejectForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What to reject"),
        choices=[(what, REJECT_LABELS[what]) for what in actions.REJECT_WHAT],
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RequestDocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=1000, widget=forms.Textarea
    )


class MakeLiveForm(forms.Form):
    accept = forms.BooleanField(label=_("Accept the plan immediately"), required=False)


class CreditForm(forms.Form):
    iban = forms.ChoiceField(label=_("IBAN"))
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    name = forms.CharField(label=_("Sender name"), max_length=200, initial="SEPA sender")

    def __init__(self, *args, ibans: list[str] | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["iban"].choices = [(iban, iban) for iban in ibans or []]


class SettleForm(forms.Form):
    DECISIONS = (
        ("settle", _("Settle")),
        ("reject", _("Reject")),
        ("fail-when-due", _("Fail when it settles")),
    )

    trx = forms.CharField(label=_("Transaction"), max_length=60)
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    reason = forms.CharField(label=_("Reason for rejecting"), required=False, max_length=300)

    def clean(self) -> dict:
        data = super().clean()
        failing = data.get("decision") in ("reject", "fail-when-due")
        if failing and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason to reject the transfer."))
        return data


class CryptoDepositForm(forms.Form):
    coin = forms.ChoiceField(
        label=_("Coin"),
        choices=[(symbol, symbol.upper()) for symbol in reference.COINS],
    )
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.00000001"), max_digits=23, decimal_places=8
    )


class NotifyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea)


def endpoint_choices() -> list[tuple[str, str]]:
    from sandbox.api import ENDPOINTS

    return [("*", _("* (every endpoint)")), *((name, name) for name in sorted(ENDPOINTS))]


class FaultForm(forms.Form):
    KINDS = (
        ("status", _("HTTP status")),
        ("timeout", _("Timeout")),
        ("garbage", _("Garbage body")),
        ("latency", _("Latency")),
        ("refusal", _("Refusal (status 0)")),
        ("session", _("Token refused (status -1)")),
    )
    ANSWER_STATUS = {"refusal": 0, "session": -1}

    endpoint = forms.ChoiceField(label=_("Endpoint"), choices=endpoint_choices)
    kind = forms.ChoiceField(label=_("Fault"), choices=KINDS)
    http_status = forms.IntegerField(
        label=_("HTTP status"), required=False, min_value=100, max_value=599, initial=500
    )
    latency_ms = forms.IntegerField(
        label=_("Latency (ms)"), required=False, min_value=1, max_value=120_000
    )
    error_rate = forms.FloatField(
        label=_("Error rate (0 to 1)"), min_value=0.01, max_value=1.0, initial=1.0
    )
    message = forms.CharField(label=_("Message (status answers)"), required=False, max_length=200)

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == "status" and data.get("http_status") is None:
            self.add_error("http_status", _("Give the HTTP status the endpoint should answer."))
        if kind == "latency" and not data.get("latency_ms"):
            self.add_error("latency_ms", _("Give the latency in milliseconds."))
        return data

    def fault_arguments(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "endpoint": data["endpoint"],
            "http_status": data["http_status"] if kind == "status" else None,
            "timeout": kind == "timeout",
            "garbage": kind == "garbage",
            "latency_ms": (data["latency_ms"] or 0) if kind == "latency" else 0,
            "error_rate": data["error_rate"],
            "answer_status": self.ANSWER_STATUS.get(kind),
            "message": data["message"] if kind in self.ANSWER_STATUS else "",
        }


class ResetForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that every simulated company, email, fault and file is deleted."),
        error_messages={"required": _("Tick the box to confirm the reset.")},
    )


def error_text(form: forms.Form) -> str:
    """Every error of a bound form as one sentence list, field labels first."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            parts.append(f"{label}: {error}" if label else str(error))
    return " ".join(parts)
