"""The payment form: from which account, to whom, how much, how fast, why.

Its choices come from one `dashboard` answer (IBANs with balances, the
beneficiaries, the plan). The amount is read as people write it in the page's
language: digits, a comma or a point before at most two decimals, thousands
grouped or not; "-3", "0.001", "1,2,3" and "1e9" are refused with words that say
how to write it. The amount plus the plan's fee must fit in the account's balance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banking.fees import SEPA, SEPA_INSTANT, transfer_fee
from banking.models import PendingPayment
from banking.templatetags.money import iban_groups, money
from codego import types as t

MAX_AMOUNT = Decimal("1000000.00")  # the bank's ceiling for one transfer
MAX_REASON = 140
AMOUNT_PATTERN = re.compile(r"\d{1,7}(\.\d{1,2})?")
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,40}")


@dataclass(frozen=True)
class PaymentChoices:
    """What the form offers, from the dashboard answer (or a copy kept in the session)."""

    ibans: tuple[t.Iban, ...]
    beneficiaries: tuple[t.Beneficiary, ...]
    plan: t.Plan | None

    def iban(self, iban_id: str) -> t.Iban | None:
        return next((i for i in self.ibans if i.iban_id == iban_id), None)

    def beneficiary(self, beneficiaries_id: str) -> t.Beneficiary | None:
        return next((b for b in self.beneficiaries if b.beneficiaries_id == beneficiaries_id), None)


def parse_amount(text: str) -> Decimal:
    """An amount typed by a person, or a ValidationError that says how to write it.

    The cents may follow a comma or a point ("1250,50", "1250.50"), and thousands
    may be grouped ("1.250,50", "1,250.50"). A separator before exactly three
    digits at the end is a thousands separator in a language that groups with it
    ("1.250" is 1250 in Italian), and three decimals, refused, in one that writes
    the cents after it ("1.250" in English).
    """
    compact = "".join(str(text or "").split())
    if not compact:
        raise forms.ValidationError(_("Enter an amount."), code="required")
    if compact.startswith("-"):
        raise forms.ValidationError(_("The amount must be more than 0."), code="negative")
    digits = _amount_digits(compact, grouping=get_format("THOUSAND_SEPARATOR"))
    if digits is None:
        raise forms.ValidationError(
            _("Write the amount in digits, like 250 or 1250.50."), code="invalid"
        )
    if not AMOUNT_PATTERN.fullmatch(digits):
        if re.fullmatch(r"\d+\.\d{3,}", digits):
            raise forms.ValidationError(_("Use at most two decimals (cents)."), code="decimals")
        raise forms.ValidationError(
            _("Write the amount in digits, like 250 or 1250.50."), code="invalid"
        )
    amount = Decimal(digits).quantize(Decimal("0.01"))
    if amount <= 0:
        raise forms.ValidationError(_("The amount must be more than 0."), code="zero")
    if amount > MAX_AMOUNT:
        raise forms.ValidationError(
            _("One transfer can be at most %(max)s.") % {"max": money(MAX_AMOUNT, "EUR")},
            code="too_large",
        )
    return amount


def _amount_digits(compact: str, *, grouping: str) -> str | None:
    """`compact` as digits with at most one decimal point, or None when unreadable."""
    if not re.fullmatch(r"[\d.,]+", compact) or not compact[0].isdigit():
        return None
    last = max(compact.rfind("."), compact.rfind(","))
    if last < 0:
        return compact
    head, separator, tail = compact[:last], compact[last], compact[last + 1 :]
    if len(tail) == 3 and separator == grouping:
        # Thousands only: every separator is this one, between groups of three.
        grouped = _ungrouped(compact, separator)
        if grouped is not None:
            return grouped
    whole = _ungrouped(head, "," if separator == "." else ".") if head else None
    if whole is None or not tail.isdigit():
        return None
    return f"{whole}.{tail}"


def _ungrouped(number: str, separator: str) -> str | None:
    """`number` without its thousands `separator`, or None when it groups them wrongly."""
    groups = number.split(separator)
    if not all(g.isdigit() for g in groups):
        return None
    first, rest = groups[0], groups[1:]
    if rest and (len(first) > 3 or first.startswith("0") or any(len(g) != 3 for g in rest)):
        return None
    return "".join(groups)


class PaymentForm(forms.Form):
    payment_key = forms.CharField(widget=forms.HiddenInput)
    replaces = forms.CharField(widget=forms.HiddenInput, required=False)
    iban_id = forms.ChoiceField(label=gettext_lazy("From"))
    beneficiaries_id = forms.ChoiceField(
        label=gettext_lazy("To"),
        error_messages={"required": gettext_lazy("Choose who to pay.")},
    )
    amount = forms.CharField(
        label=gettext_lazy("Amount in EUR"),
        max_length=20,
        help_text=gettext_lazy("Digits, with a comma or a point for the cents, like 1250.50."),
        error_messages={"required": gettext_lazy("Enter an amount.")},
    )
    payment_option = forms.ChoiceField(
        label=gettext_lazy("Speed"),
        widget=forms.RadioSelect,
        initial=SEPA,
        choices=[
            (SEPA, gettext_lazy("SEPA: arrives within 1 to 2 business days")),
            (SEPA_INSTANT, gettext_lazy("SEPA Instant: arrives in seconds")),
        ],
    )
    reason_payment = forms.CharField(
        label=gettext_lazy("Payment reference"),
        max_length=MAX_REASON,
        help_text=gettext_lazy("The beneficiary sees it, for example an invoice number."),
        error_messages={"required": gettext_lazy("Enter a payment reference.")},
    )

    def __init__(self, *args: Any, choices: PaymentChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["iban_id"].choices = [
            (i.iban_id, f"{i.label or i.iban} · {money(i.balance, i.currency)}")
            for i in choices.ibans
        ]
        self.fields["beneficiaries_id"].choices = [("", _("Choose a beneficiary"))] + [
            (b.beneficiaries_id, f"{b.name} · {iban_groups(b.iban)}") for b in choices.beneficiaries
        ]
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.fee: Decimal | None = None

    def clean_payment_key(self) -> str:
        key = self.cleaned_data["payment_key"]
        if not KEY_PATTERN.fullmatch(key):
            raise forms.ValidationError(_("This form has expired. Please fill it in again."))
        return key

    def clean_amount(self) -> Decimal:
        return parse_amount(self.cleaned_data["amount"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        iban = self.choices.iban(data.get("iban_id", ""))
        amount = data.get("amount")
        if iban is None or not isinstance(amount, Decimal):
            return data
        self.fee = transfer_fee(self.choices.plan, amount, data.get("payment_option", SEPA))
        if amount + (self.fee or 0) > iban.balance:
            words = {
                "balance": money(iban.balance, iban.currency),
                "fee": money(self.fee or 0, iban.currency),
            }
            self.add_error(
                "amount",
                _(
                    "That is more than this account holds: "
                    "the balance is %(balance)s and the fee %(fee)s."
                )
                % words,
            )
        return data

    def pending_payment(self, user_id: str) -> PendingPayment:
        """The reviewed payment, not yet saved."""
        data = self.cleaned_data
        iban = self.choices.iban(data["iban_id"])
        payee = self.choices.beneficiary(data["beneficiaries_id"])
        # The choice fields only accept ids of these lists.
        assert iban is not None
        assert payee is not None
        return PendingPayment(
            key=data["payment_key"],
            user_id=user_id,
            iban_id=iban.iban_id,
            iban=iban.iban,
            iban_label=iban.label,
            currency=iban.currency,
            beneficiaries_id=payee.beneficiaries_id,
            payee_name=payee.name,
            payee_iban=payee.iban,
            payee_bic=payee.bic,
            amount=data["amount"],
            fee=self.fee,
            payment_option=data["payment_option"],
            reason_payment=data["reason_payment"].strip(),
        )


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=gettext_lazy("Code from the email"),
        max_length=12,
        error_messages={"required": gettext_lazy("Enter the 6-digit code.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "class": "otp-input"}
        )

    def clean_otp(self) -> str:
        code = "".join(self.cleaned_data["otp"].split())
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("The code has 6 digits."))
        return code
