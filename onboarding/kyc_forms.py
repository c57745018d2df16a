"""Forms of the KYC wizard: the company profile (updatecompanydetails) and the
director (addcompanydirector). Field names are the API's; the choices come from
the cached reference lists (`codego.reference`), so a select only offers what
the bank accepts. Everything the bank would refuse for its shape (required
fields, dates, phone and zip formats) is refused here, before any upstream call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codego import reference
from codego.errors import CodegoError, SessionExpired
from codego.types import CompanyProfile, Director
from portal import texts

ZIP_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 -]*[A-Za-z0-9])?")
PHONE_SEPARATORS = re.compile(r"[\s().-]")
PHONE_RE = re.compile(r"\d{6,15}")
ADULT_AGE = 18

# The registered address and its "actual" twin, copied when same_address is ticked.
ADDRESS_PAIRS = (
    ("registration_country", "actual_country"),
    ("registration_address1", "actual_address1"),
    ("registration_city", "actual_city"),
    ("registration_region", "actual_region"),
    ("registration_zip", "actual_zip"),
)
ACTUAL_FIELDS = tuple(actual for _registered, actual in ADDRESS_PAIRS)

GENDERS = (("male", _("Male")), ("female", _("Female")))
ChoiceList = list[tuple[str, str]]


def _blank(label: str) -> list[tuple[str, str]]:
    return [("", label)]


def country_choices() -> list[tuple[str, str]]:
    countries = sorted(reference.countries(), key=lambda c: c.name.casefold())
    return _blank(str(_("Choose a country"))) + [(c.id, c.name) for c in countries]


def phone_code_choices() -> list[tuple[str, str]]:
    codes = sorted(reference.phone_codes(), key=lambda c: c.country_name.casefold())
    return _blank(str(_("Choose a calling code"))) + [
        (c.phonecode.removeprefix("+"), f"+{c.phonecode.removeprefix('+')} {c.country_name}")
        for c in codes
        if c.phonecode
    ]


def industry_choices() -> list[tuple[str, str]]:
    return _blank(str(_("Choose an industry"))) + [
        (i.value, i.label) for i in reference.industries()
    ]


def company_size_choices() -> list[tuple[str, str]]:
    return _blank(str(_("Choose a size"))) + reference.choices(reference.company_sizes())


def legal_form_choices() -> list[tuple[str, str]]:
    return _blank(str(_("Choose a legal form"))) + reference.choices(reference.legal_forms())


def role_choices() -> list[tuple[str, str]]:
    return _blank(str(_("Choose a role"))) + [(r.key, r.label) for r in reference.roles()]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        **kwargs,
    )


def _text(
    label: str, *, required: bool = True, autocomplete: str = "", **attrs: str
) -> forms.CharField:
    widget_attrs = {**attrs}
    if autocomplete:
        widget_attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label,
        required=required,
        max_length=255,
        widget=forms.TextInput(attrs=widget_attrs),
    )


def _zip(label: str, *, required: bool = True, autocomplete: str = "") -> forms.CharField:
    field = _text(label, required=required, autocomplete=autocomplete, maxlength="12")
    field.max_length = 12
    return field


def clean_zip(value: str) -> str:
    value = " ".join(value.split())
    alnum = sum(ch.isalnum() for ch in value)
    if not ZIP_RE.fullmatch(value) or not 3 <= alnum <= 10:
        raise forms.ValidationError(
            _("Enter a postcode of 3 to 10 letters and digits."), code="invalid_zip"
        )
    return value


class KycForm(forms.Form):
    """Adds aria-invalid/aria-describedby for errors (Django does) and keeps order."""

    required_css_class = "required"
    # A reference list the bank could not give while the form was sent.
    bank_unavailable = False

    def set_choices(self, names: tuple[str, ...], choices: Callable[[], ChoiceList]) -> None:
        """Give the selects `names` a reference list's choices.

        When the bank cannot give the list while a form is sent, each select
        offers the value that was sent, so everything typed is shown again,
        and the form says it was not sent. Without a form sent, there is
        nothing to keep: the outage is the page's.
        """
        try:
            found = choices()
        except SessionExpired:
            raise
        except CodegoError:
            if not self.is_bound:
                raise
            self.bank_unavailable = True
            for name in names:
                sent = str(self.data.get(name, ""))
                # The list's names are the bank's: a number (a country id) says nothing.
                label = str(_("Your choice, kept")) if sent.isdigit() else sent
                self.fields[name].choices = [(sent, label)] if sent else _blank("—")
            return
        for name in names:
            self.fields[name].choices = found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.bank_unavailable:
            raise forms.ValidationError(str(texts.FORM_NOT_SENT), code="bank_unavailable")
        return cleaned


class CompanyDetailsForm(KycForm):
    # The company
    date_of_incorporation = _date_field(_("Date of incorporation"))
    company_type = forms.ChoiceField(label=_("Legal form"))
    registration_number = _text(_("Registration number"))
    vat_number = _text(_("VAT number (optional)"), required=False)
    industry = forms.ChoiceField(label=_("Industry"))
    no_employees = forms.ChoiceField(label=_("Company size"))
    website = _text(_("Website (optional)"), required=False, autocomplete="url", inputmode="url")
    purpose_of_account = forms.CharField(
        label=_("Purpose of the account"),
        help_text=_("In a few words: what the company will use this account for."),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    company_country = forms.ChoiceField(
        label=_("Country of the company"),
        help_text=_("The bank's plans depend on this country."),
    )
    # Registered address
    registration_country = forms.ChoiceField(label=_("Country"))
    registration_address1 = _text(_("Address"), autocomplete="address-line1")
    registration_city = _text(_("City"), autocomplete="address-level2")
    registration_region = _text(_("Region or state"), autocomplete="address-level1")
    registration_zip = _zip(_("Postcode"), autocomplete="postal-code")
    # Where the company actually works
    same_address = forms.BooleanField(
        label=_("The actual address is the registered address"), required=False
    )
    actual_country = forms.ChoiceField(label=_("Country"), required=False)
    actual_address1 = _text(_("Address"), required=False)
    actual_city = _text(_("City"), required=False)
    actual_region = _text(_("Region or state"), required=False)
    actual_zip = _zip(_("Postcode"), required=False)
    # Contact
    phonecode = forms.ChoiceField(label=_("Calling code"))
    phone = forms.CharField(
        label=_("Phone number"),
        help_text=_("Digits only, without the calling code: 6 to 15 digits."),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel-national", "inputmode": "tel"}),
    )

    COMPANY_FIELDS = (
        "date_of_incorporation",
        "company_type",
        "registration_number",
        "vat_number",
        "industry",
        "no_employees",
        "website",
        "purpose_of_account",
        "company_country",
    )
    REGISTERED_FIELDS = tuple(registered for registered, _actual in ADDRESS_PAIRS)
    CONTACT_FIELDS = ("phonecode", "phone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(
            ("registration_country", "actual_country", "company_country"), country_choices
        )
        self.set_choices(("industry",), industry_choices)
        self.set_choices(("no_employees",), company_size_choices)
        self.set_choices(("company_type",), legal_form_choices)
        self.set_choices(("phonecode",), phone_code_choices)
        today = timezone.localdate()
        self.fields["date_of_incorporation"].widget.attrs["max"] = today.isoformat()

    # -- groups for the template ---------------------------------------------

    def _group(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    @property
    def company_fields(self) -> list[forms.BoundField]:
        return self._group(self.COMPANY_FIELDS)

    @property
    def registered_fields(self) -> list[forms.BoundField]:
        return self._group(self.REGISTERED_FIELDS)

    @property
    def actual_fields(self) -> list[forms.BoundField]:
        return self._group(ACTUAL_FIELDS)

    @property
    def contact_fields(self) -> list[forms.BoundField]:
        return self._group(self.CONTACT_FIELDS)

    # -- validation ------------------------------------------------------------

    def clean_date_of_incorporation(self) -> date:
        value = self.cleaned_data["date_of_incorporation"]
        if value > timezone.localdate():
            raise forms.ValidationError(
                _("The date of incorporation cannot be in the future."), code="future"
            )
        return value

    def clean_phone(self) -> str:
        value = PHONE_SEPARATORS.sub("", self.cleaned_data["phone"])
        if not PHONE_RE.fullmatch(value):
            raise forms.ValidationError(
                _("Enter the phone number as 6 to 15 digits."), code="invalid_phone"
            )
        return value

    def clean_registration_zip(self) -> str:
        return clean_zip(self.cleaned_data["registration_zip"])

    def clean_actual_zip(self) -> str:
        value = self.cleaned_data["actual_zip"]
        if not value or self.data.get("same_address"):
            return value
        return clean_zip(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("same_address"):
            # Copied server-side: whatever the actual fields said is replaced.
            for registered, actual in ADDRESS_PAIRS:
                self.errors.pop(actual, None)
                cleaned[actual] = cleaned.get(registered, "")
        else:
            for name in ACTUAL_FIELDS:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        forms.ValidationError(
                            self.fields[name].error_messages["required"], code="required"
                        ),
                    )
        return cleaned

    def api_data(self) -> dict[str, Any]:
        """The keyword arguments of `update_company_details`."""
        data = dict(self.cleaned_data)
        data.pop("same_address", None)
        return data

    # -- prefill -----------------------------------------------------------------

    @staticmethod
    def initial_from(company: CompanyProfile, phone_number: str = "") -> dict[str, Any]:
        """Initial values from getCompanyStatus' company object ("0" means unset)."""

        def value(text: str) -> str:
            return "" if text in ("", "0") else text

        initial: dict[str, Any] = {
            name: value(getattr(company, name, ""))
            for name in (
                "registration_number",
                "vat_number",
                "industry",
                "website",
                "no_employees",
                "company_type",
                "company_country",
                *CompanyDetailsForm.REGISTERED_FIELDS,
                *ACTUAL_FIELDS,
            )
        }
        initial["date_of_incorporation"] = company.date_of_incorporation
        # profile_details / getCompanyStatus answer purpose_of_account as about_company.
        initial["purpose_of_account"] = company.about_company
        initial["same_address"] = company.same_address
        match = re.fullmatch(r"\+?(\d{1,4})[\s-]+(\d{6,15})", phone_number.strip())
        if match:
            initial["phonecode"], initial["phone"] = match.groups()
        return initial


class DirectorForm(KycForm):
    first_name = _text(_("First name"), autocomplete="off")
    last_name = _text(_("Last name"), autocomplete="off")
    dob = _date_field(_("Date of birth"), help_text=_("The director must be at least 18."))
    gender = forms.ChoiceField(label=_("Gender"), choices=_blank(str(_("Choose"))) + list(GENDERS))
    role = forms.ChoiceField(label=_("Role in the company"))
    country = forms.ChoiceField(label=_("Nationality"))
    address_country = forms.ChoiceField(label=_("Country of residence"))
    address = _text(_("Home address"), autocomplete="off")
    city = _text(_("City"), autocomplete="off")
    zipcode = _zip(_("Postcode"), autocomplete="off")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(("country", "address_country"), country_choices)
        self.set_choices(("role",), role_choices)
        latest = _years_before(timezone.localdate(), ADULT_AGE)
        self.fields["dob"].widget.attrs["max"] = latest.isoformat()

    def clean_dob(self) -> date:
        born = self.cleaned_data["dob"]
        if born > _years_before(timezone.localdate(), ADULT_AGE):
            raise forms.ValidationError(
                _("The director must be at least 18 years old."), code="minor"
            )
        return born

    def clean_zipcode(self) -> str:
        return clean_zip(self.cleaned_data["zipcode"])

    def api_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_from(director: Director) -> dict[str, Any]:
        gender = {"m": "male", "f": "female"}.get(director.gender.lower(), director.gender.lower())
        return {
            "first_name": director.first_name,
            "last_name": director.last_name,
            "dob": director.dob,
            "gender": gender,
            "role": director.role,
            "country": "" if director.country == "0" else director.country,
            "address_country": "" if director.address_country == "0" else director.address_country,
            "address": director.address,
            "city": director.city,
            "zipcode": director.zipcode,
        }
