"""Sign-up, sign-in with OTP, password reset and sign-out (the KYC wizard is onboarding/kyc.py).

Each view validates a Django form, calls `codego`, and renders a template
(the form fragment alone for htmx). The bank's refusals (`ApiError`) are shown
next to the form; when the bank cannot be reached the form says so and keeps
what was typed. Nothing secret is kept between steps: the session holds ids and
the email address, never a password.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from codego import reference
from codego.client import get_client
from codego.errors import ApiError, CodegoError
from portal import demo, texts, throttle
from portal import session as portal_session
from portal.pages import Company, render_page
from portal.query import query_text

from .forms import (
    ForgotPasswordForm,
    LoginForm,
    LoginVerifyForm,
    ResendCodeForm,
    ResetPasswordForm,
    SignupForm,
    SignupVerifyForm,
)

logger = logging.getLogger("onboarding")

PendingView = Callable[[HttpRequest, dict[str, Any]], HttpResponse]

PENDING_SIGNUP = "pending_signup"
PENDING_LOGIN = "pending_login"
PENDING_RESET = "pending_reset"
SIGNUP_OTP_ATTEMPTS = 2  # verifyemailotp: "Only two attempt allow to verify email account."


def _mailbox_url(email: str) -> str | None:
    if not settings.SANDBOX_ENABLED or not email:
        return None
    return f"{reverse('sandbox:mailbox')}?{urlencode({'to': email})}"


def _pending(key: str, start: str) -> Callable[[PendingView], Callable[..., HttpResponse]]:
    """A step after `start` (a URL name): without its `key` in the session, go back there.

    The view gets the session entry as `pending`.
    """

    def decorator(view: PendingView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            pending = request.session.get(key)
            if not pending:
                return portal_session.redirect(request, reverse(start))
            return view(request, pending)

        return wrapper

    return decorator


def _throttled(request: HttpRequest, form: Any, email: str) -> bool:
    """Whether `email` is locked out for now; the form then shows the refusal."""
    refusal = throttle.refusal(request, email)
    if refusal:
        form.add_error(None, refusal)
    return bool(refusal)


def _code_context(form: Any, email: str, **extra: Any) -> dict[str, Any]:
    """The context of a page that asks for the code emailed to `email`."""
    return {"form": form, "email": email, "mailbox_url": _mailbox_url(email), **extra}


def _password_login(request: HttpRequest, email: str, password: str, wrong: str) -> tuple[Any, str]:
    """Call `login`, which emails a sign-in code; on failure, the message to show."""
    try:
        return get_client().login(email=email, password=password), ""
    except ApiError:
        throttle.record_failure(request, email)
        return None, wrong
    except CodegoError as error:
        return None, texts.bank_unavailable(error)


def _after_sign_in(request: HttpRequest, next_url: str | None = None) -> str:
    company = Company.from_request(request)
    if company is not None and company.is_live:
        return portal_session.safe_next(request, next_url) or reverse("banking:dashboard")
    return reverse("onboarding:overview")


# ---------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    if not portal_session.is_signed_in(request):
        return HttpResponseRedirect(reverse("onboarding:login"))
    return HttpResponseRedirect(_after_sign_in(request))


# ---------------------------------------------------------------------------
# Sign-up: openAccount, then verifyemailotp
# ---------------------------------------------------------------------------


def _captcha_site_key() -> str:
    """The brand's reCAPTCHA site key, or "" when the brand has none (the default)."""
    try:
        return reference.brand().google_captcha_client.strip()
    except CodegoError as error:
        # open_account will meet the same outage and say so.
        logger.warning("configSetting failed: %s", type(error).__name__)
        return ""


def _captcha_refusal(request: HttpRequest) -> str | None:
    """None when the visitor passed the brand's reCAPTCHA (or there is none)."""
    if not _captcha_site_key():
        return None
    token = request.POST.get("g-recaptcha-response", "").strip()
    not_robot = _("Please confirm you are not a robot.")
    if not token:
        return not_robot
    try:
        get_client().verify_google_captcha(g_recaptcha_response=token)
    except ApiError:
        return not_robot
    except CodegoError as error:
        return texts.bank_unavailable(error)
    return None


# Google's reCAPTCHA script and frame, allowed on the signup page only and only
# when the brand configures a site key.
RECAPTCHA_CSP = {
    "script-src": ["https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/"],
    "frame-src": ["https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/"],
}


def _signup_page(request: HttpRequest, form: SignupForm) -> HttpResponse:
    site_key = _captcha_site_key()
    context = {"form": form, "captcha_site_key": site_key}
    response = render_page(request, "onboarding/signup.html", context, fragment="form")
    if site_key:
        response._csp_update = RECAPTCHA_CSP  # type: ignore[attr-defined] - read by django-csp
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = _captcha_refusal(request)
        if refusal:
            form.add_error(None, refusal)
            return _signup_page(request, form)
        try:
            started = get_client().open_account(
                company_name=form.cleaned_data["company_name"], email=form.cleaned_data["email"]
            )
        except ApiError as error:
            form.add_error("email", error.user_message)
        except CodegoError as error:
            form.add_error(None, texts.bank_unavailable(error))
        else:
            request.session[PENDING_SIGNUP] = {
                "unique_id": started.unique_id,
                "email": form.cleaned_data["email"],
                "attempts": 0,
            }
            demo.remember_mailbox_address(request, form.cleaned_data["email"])
            return portal_session.redirect(request, reverse("onboarding:signup-verify"))
    return _signup_page(request, form)


@require_http_methods(["GET", "HEAD", "POST"])
@_pending(PENDING_SIGNUP, "onboarding:signup")
def signup_verify(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    email = pending["email"]
    form = SignupVerifyForm(request.POST or None)
    context = _code_context(form, email)
    if request.method == "POST" and form.is_valid() and not _throttled(request, form, email):
        try:
            signed_in = get_client().verify_email_otp(
                unique_id=pending["unique_id"], email_otp=form.cleaned_data["email_otp"]
            )
        except ApiError as error:
            throttle.record_failure(request, email)
            attempts = int(pending.get("attempts", 0)) + 1
            if attempts >= SIGNUP_OTP_ATTEMPTS:
                del request.session[PENDING_SIGNUP]
                context["start_again"] = True
                form.add_error(None, _("Too many wrong codes. Please start again."))
            else:
                request.session[PENDING_SIGNUP] = {**pending, "attempts": attempts}
                form.add_error("email_otp", error.user_message)
        except CodegoError as error:
            form.add_error(None, texts.bank_unavailable(error))
        else:
            del request.session[PENDING_SIGNUP]
            throttle.reset(email)
            portal_session.sign_in(request, signed_in, email=email)
            messages.success(
                request,
                _("Your email address is verified. We emailed you your password."),
            )
            return portal_session.redirect(request, reverse("onboarding:overview"))
    return render_page(request, "onboarding/signup_verify.html", context, fragment="form")


# ---------------------------------------------------------------------------
# Sign-in: login, then verifyLogin
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and portal_session.is_signed_in(request):
        if request.GET.get("expired"):
            # The inactivity dialog ran out in the browser: end the session here too.
            portal_session.end_inactive(request)
            return HttpResponseRedirect(reverse("onboarding:login"))
        return HttpResponseRedirect(_after_sign_in(request))
    if request.method == "POST":
        form = LoginForm(request.POST)
    else:
        initial = {
            "email": query_text(request, "email", max_length=254),
            "next": portal_session.safe_next(request, request.GET.get("next")) or "",
        }
        form = LoginForm(initial=initial)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if _throttled(request, form, email):
            return render_page(request, "onboarding/login.html", {"form": form}, fragment="form")
        # One message for an unknown address and a wrong password.
        started, error = _password_login(
            request, email, form.cleaned_data["password"], _("Wrong email or password.")
        )
        if error:
            form.add_error(None, error)
        else:
            # A fresh key once the password is right (fixation), another at the OTP.
            if portal_session.is_signed_in(request):
                portal_session.sign_out(request)
            request.session.cycle_key()
            request.session[PENDING_LOGIN] = {
                "user_id": started.user_id,
                "email": email,
                "next": portal_session.safe_next(request, form.cleaned_data.get("next")) or "",
            }
            demo.remember_mailbox_address(request, email)
            return portal_session.redirect(request, reverse("onboarding:login-verify"))
    return render_page(request, "onboarding/login.html", {"form": form}, fragment="form")


@require_http_methods(["GET", "HEAD", "POST"])
@_pending(PENDING_LOGIN, "onboarding:login")
def login_verify(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    email = pending["email"]
    form = LoginVerifyForm(request.POST or None)
    context = _code_context(
        form,
        email,
        login_again_url=f"{reverse('onboarding:login')}?{urlencode({'email': email})}",
        resend_form=ResendCodeForm(),
    )
    if request.method == "POST" and form.is_valid() and not _throttled(request, form, email):
        try:
            signed_in = get_client().verify_login(
                user_id=pending["user_id"], otp=form.cleaned_data["otp"]
            )
        except ApiError as error:
            throttle.record_failure(request, email)
            form.add_error("otp", error.user_message)
        except CodegoError as error:
            form.add_error(None, texts.bank_unavailable(error))
        else:
            next_url = pending.get("next") or None
            del request.session[PENDING_LOGIN]
            throttle.reset(email)
            portal_session.sign_in(request, signed_in, email=email)
            return portal_session.redirect(request, _after_sign_in(request, next_url))
    return render_page(request, "onboarding/login_verify.html", context, fragment="form")


@require_POST
@_pending(PENDING_LOGIN, "onboarding:login")
def login_resend(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    """Send a new sign-in code: `login` again with the password, never stored."""
    email = pending["email"]
    form = ResendCodeForm(request.POST)
    verify_url = reverse("onboarding:login-verify")
    refusal = throttle.refusal(request, email)
    if refusal:
        messages.error(request, refusal)
    elif form.is_valid():
        started, error = _password_login(
            request,
            email,
            form.cleaned_data["password"],
            _("Wrong password. No new code was sent."),
        )
        if error:
            messages.error(request, error)
        else:
            request.session[PENDING_LOGIN] = {**pending, "user_id": started.user_id}
            messages.success(request, _("We sent a new code to %(email)s.") % {"email": email})
    else:
        messages.error(request, _("Enter your password to get a new code."))
    return portal_session.redirect(request, verify_url)


# ---------------------------------------------------------------------------
# Password reset: forgotpassword, then resetpassword
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            started = get_client().forgot_password(email=email)
        except ApiError:
            # Unknown address: the same answer as for a known one (no probing).
            request.session[PENDING_RESET] = {"email": email, "unique_id": "", "user_id": ""}
        except CodegoError as error:
            form.add_error(None, texts.bank_unavailable(error))
            return render_page(
                request, "onboarding/password_forgot.html", {"form": form}, fragment="form"
            )
        else:
            request.session[PENDING_RESET] = {
                "email": email,
                "unique_id": started.unique_id,
                "user_id": started.user_id,
            }
        demo.remember_mailbox_address(request, email)
        messages.info(request, _("If the address is registered, we sent a code to it."))
        return portal_session.redirect(request, reverse("onboarding:password-reset"))
    return render_page(request, "onboarding/password_forgot.html", {"form": form}, fragment="form")


@require_http_methods(["GET", "HEAD", "POST"])
@_pending(PENDING_RESET, "onboarding:password-forgot")
def password_reset(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    email = pending["email"]
    form = ResetPasswordForm(request.POST or None)
    context = _code_context(form, email)
    if request.method == "POST" and form.is_valid() and not _throttled(request, form, email):
        wrong_code = _("This code is wrong or has expired.")
        if not pending.get("unique_id"):
            throttle.record_failure(request, email)
            form.add_error("code", wrong_code)
            return render_page(request, "onboarding/password_reset.html", context, fragment="form")
        try:
            get_client().reset_password(
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                unique_id=pending["unique_id"],
                user_id=pending["user_id"],
            )
        except ApiError as error:
            message = error.user_message
            if "password" in message.lower():
                form.add_error("password", message)
            else:
                throttle.record_failure(request, email)
                form.add_error("code", wrong_code)
        except CodegoError as error:
            form.add_error(None, texts.bank_unavailable(error))
        else:
            del request.session[PENDING_RESET]
            throttle.reset(email)
            messages.success(request, _("Your password has been changed. Please sign in."))
            return portal_session.redirect(request, reverse("onboarding:login"))
    return render_page(request, "onboarding/password_reset.html", context, fragment="form")


# ---------------------------------------------------------------------------
# Sign-out
# ---------------------------------------------------------------------------


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    company = Company.from_request(request)
    if company is not None:
        try:
            get_client().logout(company.credentials)
        except CodegoError as error:
            # Signed out here whatever the bank says; its token lapses on its own.
            logger.warning("logout upstream failed: %s", type(error).__name__)
    portal_session.sign_out(request)
    messages.info(request, _("You have been signed out."))
    return portal_session.redirect(request, reverse("onboarding:login"))
