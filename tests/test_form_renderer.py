"""The form templates written in Python (portal.form_renderer) print what Django's
own templates print, character for character, for every form of the portal: empty,
filled, and with errors, in both languages."""

from __future__ import annotations

import inspect
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils import translation

import banking.accounts
import banking.beneficiaries
import banking.payment_forms
import banking.statements
import banking.transactions
import onboarding.document_forms
import onboarding.forms
import onboarding.kyc_forms
import sandbox.console_forms
from banking.payment_forms import PaymentChoices
from codego import types as t
from portal.form_renderer import FastTemplates

MODULES = [
    onboarding.forms,
    onboarding.document_forms,
    onboarding.kyc_forms,
    banking.payment_forms,
    banking.accounts,
    banking.transactions,
    banking.statements,
    banking.beneficiaries,
    sandbox.console_forms,
]
ACCOUNTS = [
    t.Iban(iban_id="7", label="Main <account>", balance=Decimal("1200.5"), iban="DE8937040044"),
    t.Iban(iban_id="8", label="Taxes & fees", currency="USD"),
]
PAYEES = (t.Beneficiary(beneficiaries_id="3", name='Contoso "GmbH"', iban="FR7630006000"),)
NEEDS = {
    "accounts": ACCOUNTS,
    "choices": PaymentChoices(tuple(ACCOUNTS), PAYEES, None),
    "unique_id": "doc-1",
}
# Values a person may type into any field: plain, hostile and empty.
TYPED = ["Tom & Jerry's <b>", "2026-13-45", "", "8", "12,50"]


def portal_forms() -> list[type[forms.Form]]:
    found = {
        form
        for module in MODULES
        for _name, form in inspect.getmembers(module, inspect.isclass)
        if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__
    }
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__name__}")


def build(form_class: type[forms.Form], renderer: Any, data: dict | None) -> forms.Form:
    accepted = inspect.signature(form_class.__init__).parameters
    extra = {name: value for name, value in NEEDS.items() if name in accepted}
    if data is None:
        return form_class(renderer=renderer, **extra)
    return form_class(data, renderer=renderer, **extra)


def printed(form_class: type[forms.Form], renderer: Any, data: dict | None) -> str:
    form = build(form_class, renderer, data)
    if data is not None:
        form.is_valid()
    return str(form) + "".join(field.as_field_group() for field in form)


def test_every_form_of_the_portal_is_found():
    names = {form.__name__ for form in portal_forms()}
    assert {"LoginForm", "PaymentForm", "TransactionFilterForm", "DirectorForm"} <= names


def test_the_portal_renders_forms_with_the_python_templates():
    assert settings.FORM_RENDERER == "portal.form_renderer.FastTemplates"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize("form_class", portal_forms(), ids=lambda form: form.__name__)
def test_a_form_prints_what_the_django_templates_print(form_class, language):
    fields = build(form_class, None, None).fields
    fillings = [None, {}] + [dict.fromkeys(fields, value) for value in TYPED]
    with translation.override(language):
        for data in fillings:
            expected = printed(form_class, DjangoTemplates(), data)
            assert printed(form_class, FastTemplates(), data) == expected, data


class ChoiceWidgets(forms.Form):
    """Radio buttons and checkboxes as no portal form has them yet: groups, several
    chosen, a class, hostile labels."""

    GROUPS = [
        ("Fast <ones>", [("instant", "Instant & now"), ("sepa", "SEPA")]),
        ("slow", 'Cheque "paper"'),
    ]
    option = forms.ChoiceField(choices=GROUPS, widget=forms.RadioSelect(attrs={"class": "pick"}))
    extras = forms.MultipleChoiceField(
        choices=[("a", "A <1>"), ("b", "B & 2"), ("c", "C")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(label="I agree <fully>")


@pytest.mark.parametrize(
    "data",
    [None, {}, {"option": "sepa", "extras": ["a", "c"], "agree": "on"}, {"option": "nope"}],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_radio_buttons_and_checkboxes_print_what_the_django_templates_print(data, auto_id):
    def printed_with(renderer: Any) -> str:
        if data is None:
            form = ChoiceWidgets(renderer=renderer, auto_id=auto_id)
        else:
            form = ChoiceWidgets(data, renderer=renderer, auto_id=auto_id)
            form.is_valid()
        return str(form) + "".join(field.as_field_group() for field in form)

    expected = printed_with(DjangoTemplates())
    assert "<label" in expected
    assert "checkbox" in expected
    assert printed_with(FastTemplates()) == expected
