"""Forms of sign-up, sign-in and password reset. Field names are the API's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def _email_field(**attrs: str) -> forms.EmailField:
    return forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", **attrs}),
    )


def _otp_field(label: str) -> forms.RegexField:
    return forms.RegexField(
        label=label,
        regex=r"^\s*\d{4,8}\s*$",
        error_messages={"invalid": _("Enter the code from the email: digits only.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "maxlength": "8",
            }
        ),
    )


class SignupForm(forms.Form):
    company_name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = _email_field()


class SignupVerifyForm(forms.Form):
    email_otp = _otp_field(_("Code from the email"))

    def clean_email_otp(self) -> str:
        return self.cleaned_data["email_otp"].strip()


class LoginForm(forms.Form):
    email = _email_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ResendCodeForm(forms.Form):
    """The login API sends a new code only for the password: ask for it again."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LoginVerifyForm(forms.Form):
    otp = _otp_field(_("Code from the email"))

    def clean_otp(self) -> str:
        return self.cleaned_data["otp"].strip()


class ForgotPasswordForm(forms.Form):
    email = _email_field()


class ResetPasswordForm(forms.Form):
    code = _otp_field(_("Code from the email"))
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        min_length=8,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirmation = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password")
        confirmation = cleaned.get("password_confirmation")
        if password and confirmation and password != confirmation:
            self.add_error("password_confirmation", _("The two passwords differ."))
        return cleaned
