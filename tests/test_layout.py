"""The page frame every template extends: brand, accessibility, errors, mailbox."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from codego.errors import ApiError, UpstreamUnavailable
from portal import brand as portal_brand
from portal import errors
from sandbox import reference
from sandbox.models import Fault, Mail
from tests.conftest import add_director, create_company

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def html(response) -> str:
    return response.content.decode()


def assert_csp_clean(page: str) -> None:
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page)
    assert not STYLE_ATTRIBUTE.search(page), STYLE_ATTRIBUTE.search(page)
    assert not STYLE_ELEMENT.search(page)
    assert not HANDLER_ATTRIBUTE.search(page), HANDLER_ATTRIBUTE.search(page)


def css_variable(css: str, name: str, *, dark: bool = False) -> str:
    light_part, _, dark_part = css.partition("@media")
    match = re.search(rf"{name}:\s*(#[0-9a-f]{{6}});", dark_part if dark else light_part)
    assert match, css
    return match.group(1)


@pytest.fixture
def mailbox_page(client, db):
    def get(query: str = ""):
        return client.get(f"/sandbox/mailbox/{query}")

    return get


@pytest.fixture(autouse=True)
def _open_mailbox(settings):
    """The mailbox shows every email, as on a developer's machine; who may read
    which email is tests/test_sandbox_mailbox.py's subject."""
    settings.SANDBOX_MAILBOX_OPEN = True


# ------------------------------------------------------------------------------
# Brand in the page frame
# ------------------------------------------------------------------------------


def test_the_brand_name_is_in_the_title_and_the_header(mailbox_page):
    page = html(mailbox_page())
    assert "<title>Sandbox mailbox · Codego Business</title>" in page
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'alt="Codego Business"' in header


def test_the_logo_the_dark_logo_and_the_favicon_come_from_the_brand(mailbox_page):
    page = html(mailbox_page())
    assert '<img class="brand-logo" src="/static/sandbox/brand/logo.svg"' in page
    assert (
        '<source srcset="/static/sandbox/brand/logo-dark.svg" media="(prefers-color-scheme: dark)">'
        in page
    )
    assert '<link rel="icon" href="/static/sandbox/brand/favicon.svg">' in page


def test_the_page_has_a_language_a_skip_link_landmarks_and_the_htmx_csrf_header(mailbox_page):
    page = html(mailbox_page())
    assert '<html lang="en">' in page
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert "<nav " in page
    assert "<footer" in page
    assert re.search(r"""<body hx-headers='\{"X-CSRFToken": "[A-Za-z0-9]+"\}'""", page)
    assert '"includeIndicatorStyles":false' in page
    assert re.search(r'<script src="/static/js/portal.js" defer>', page)
    assert re.search(r'<link rel="stylesheet" href="/static/css/portal.css">', page)


def test_the_footer_shows_the_brand_links_it_has(mailbox_page):
    page = html(mailbox_page())
    footer = page.split("<footer", 1)[1]
    for url in (
        "https://sandbox.example/terms",
        "https://sandbox.example/privacy",
        "https://support.sandbox.example/",
        "https://sandbox.example/contact",
        "https://www.linkedin.com/",
    ):
        assert f'href="{url}"' in footer
    assert "© Codego Business sandbox. Demo data only." in footer
    assert 'href="tel:+3220000000"' in footer
    assert 'href="mailto:hello@sandbox.example"' in footer
    # Empty or null values leave their element out.
    for absent in ("Facebook", "YouTube", "Instagram", "App Store", "Google Play"):
        assert absent not in footer


def test_the_footer_leaves_out_emptied_links_and_shows_added_ones(mailbox_page, monkeypatch):
    monkeypatch.setitem(reference.BRAND, "tc_link", "")
    monkeypatch.setitem(reference.BRAND, "privacy_link", None)
    monkeypatch.setitem(reference.BRAND, "copy_right_text", None)
    monkeypatch.setitem(reference.BRAND, "youtube", "https://www.youtube.com/@bank")
    monkeypatch.setitem(reference.BRAND, "ios_app_link", "https://apps.apple.com/app/id1")
    monkeypatch.setitem(reference.BRAND, "android_app_link", "javascript:alert(1)")
    footer = html(mailbox_page()).split("<footer", 1)[1]
    assert "Terms and conditions" not in footer
    assert "Privacy policy" not in footer
    assert '<p class="copyright">' not in footer
    assert 'href="https://www.youtube.com/@bank"' in footer
    assert 'href="https://apps.apple.com/app/id1"' in footer
    # A link that is not http(s) is not a link the portal shows.
    assert "javascript:" not in footer
    assert "Google Play" not in footer


def test_another_brand_changes_name_logo_and_favicon(mailbox_page, monkeypatch):
    monkeypatch.setitem(reference.BRAND, "site_name", "Acme Bank")
    monkeypatch.setitem(reference.BRAND, "logo", "https://cdn.example/acme.png")
    monkeypatch.setitem(reference.BRAND, "dark_logo", "")
    monkeypatch.setitem(reference.BRAND, "site_favicon", "")
    page = html(mailbox_page())
    assert "· Acme Bank</title>" in page
    assert '<img class="brand-logo" src="https://cdn.example/acme.png" alt="Acme Bank"' in page
    assert "<source" not in page
    assert 'rel="icon"' not in page
    assert "Codego" not in page.split("</header>", 1)[0]


def test_a_brand_without_logo_shows_its_name_as_text(mailbox_page, monkeypatch):
    monkeypatch.setitem(reference.BRAND, "logo", None)
    page = html(mailbox_page())
    assert "<picture>" not in page
    assert '<span class="brand-name">Codego Business</span>' in page


def test_a_failing_config_setting_gives_the_neutral_brand_and_the_unreachable_banner(
    mailbox_page,
):
    Fault.objects.create(endpoint="configSetting", http_status=500)
    response = mailbox_page()
    assert response.status_code == 200
    page = html(response)
    assert "<title>Sandbox mailbox · Business Banking</title>" in page
    assert "Codego" not in page
    assert "<picture>" not in page
    assert '<div class="banner banner-warning" role="alert">' in page
    assert "We can't reach the bank right now." in page
    assert response.context["bank_unreachable"] is True


def test_a_reachable_bank_shows_no_banner(mailbox_page):
    response = mailbox_page()
    assert response.context["bank_unreachable"] is False
    assert "reach the bank" not in html(response)


def test_the_context_says_whether_the_sandbox_is_on_and_the_user_signed_in(mailbox_page):
    context = mailbox_page().context
    assert context["sandbox_enabled"] is True
    assert context["signed_in"] is False
    assert context["brand"].site_name == "Codego Business"
    assert context["brand"].google_captcha_secret == ""


def test_signed_in_pages_get_the_heartbeat_and_the_inactivity_dialog(client, db):
    session = client.session
    session["codego"] = {"user_id": "1"}
    session.save()
    page = html(client.get("/sandbox/mailbox/"))
    assert (
        '<div class="heartbeat" hx-post="/heartbeat/" hx-trigger="every 45s" hx-swap="none"'
        ' aria-hidden="true"></div>' in page
    )
    dialog = page.split('<dialog id="inactivity-dialog"', 1)[1].split("</dialog>", 1)[0]
    assert (
        '<form method="post" action="/session/keep-alive/" hx-post="/session/keep-alive/"' in dialog
    )
    assert 'name="csrfmiddlewaretoken"' in dialog
    assert "Stay signed in" in dialog
    assert_csp_clean(page)


def test_signed_out_pages_have_no_heartbeat_and_no_dialog(mailbox_page):
    page = html(mailbox_page())
    assert "/heartbeat/" not in page
    assert "inactivity-dialog" not in page


def test_messages_are_announced_by_level(db):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.success(request, "Payment sent.")
    messages.error(request, "Payment <b>refused</b>.")
    page = html(errors.page_not_found(request))
    assert '<div class="message message-success" role="status">Payment sent.</div>' in page
    assert (
        '<div class="message message-error" role="alert">Payment &lt;b&gt;refused&lt;/b&gt;.</div>'
        in page
    )


# ------------------------------------------------------------------------------
# /brand.css
# ------------------------------------------------------------------------------


def test_brand_css_is_linked_after_portal_css_with_a_version(mailbox_page):
    page = html(mailbox_page())
    portal_css = page.index('href="/static/css/portal.css"')
    brand_css = page.index('href="/brand.css?v=')
    assert portal_css < brand_css


def test_brand_css_is_css_with_the_brand_accent_and_white_text_on_it(client, db):
    response = client.get("/brand.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "max-age=" in response["Cache-Control"]
    css = html(response)
    assert css_variable(css, "--accent") == "#0b5cad"
    assert css_variable(css, "--accent-text") == "#ffffff"
    assert css_variable(css, "--accent-link") == "#0b5cad"
    # On the dark page the accent is lightened until it stands out.
    dark = portal_brand.parse_hex(css_variable(css, "--accent", dark=True))
    assert portal_brand.contrast(dark, portal_brand.parse_hex("#1c1f24")) >= 3


def test_a_white_accent_gets_dark_text_and_is_darkened_for_the_light_page(db, monkeypatch):
    monkeypatch.setitem(reference.BRAND, "site_color", "#ffffff")
    css = html(portal_brand.brand_css(RequestFactory().get("/brand.css")))
    assert css_variable(css, "--accent-text") == "#000000"
    accent = portal_brand.parse_hex(css_variable(css, "--accent"))
    link = portal_brand.parse_hex(css_variable(css, "--accent-link"))
    for background in portal_brand.LIGHT_BACKGROUNDS:
        assert portal_brand.contrast(accent, portal_brand.parse_hex(background)) >= 3
        assert portal_brand.contrast(link, portal_brand.parse_hex(background)) >= 4.5


def test_a_short_hex_colour_is_accepted(db, monkeypatch):
    monkeypatch.setitem(reference.BRAND, "site_color", "#06c")
    css = html(portal_brand.brand_css(RequestFactory().get("/brand.css")))
    assert css_variable(css, "--accent") == "#0066cc"
    assert css_variable(css, "--accent-text") == "#ffffff"


@pytest.mark.parametrize(
    "colour",
    ["red", "#12345", "#0b5cad; } body { background: url(//evil.example) }", "", None, "#gggggg"],
)
def test_an_invalid_site_color_is_ignored(db, monkeypatch, colour):
    monkeypatch.setitem(reference.BRAND, "site_color", colour)
    css = html(portal_brand.brand_css(RequestFactory().get("/brand.css")))
    assert css_variable(css, "--accent") == portal_brand.NEUTRAL_ACCENT
    assert "evil" not in css
    assert "red" not in css
    assert css.count("{") == css.count("}") == 3


def test_brand_css_falls_back_to_the_neutral_accent_when_the_bank_is_unreachable(db):
    Fault.objects.create(endpoint="configSetting", http_status=500)
    response = portal_brand.brand_css(RequestFactory().get("/brand.css"))
    assert response.status_code == 200
    assert css_variable(html(response), "--accent") == portal_brand.NEUTRAL_ACCENT


def test_the_accent_text_is_whichever_of_black_and_white_contrasts_more():
    assert portal_brand.text_on((255, 255, 255)) == "#000000"
    assert portal_brand.text_on(portal_brand.parse_hex("#0b5cad")) == "#ffffff"
    assert portal_brand.text_on(portal_brand.parse_hex("#ffd700")) == "#000000"
    assert round(portal_brand.contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0


# ------------------------------------------------------------------------------
# Error pages
# ------------------------------------------------------------------------------


def test_an_unknown_url_gets_the_themed_404_page(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = html(response)
    assert "<title>Page not found · Codego Business</title>" in page
    assert 'alt="Codego Business"' in page
    assert "/no/such/page/" not in page
    assert_csp_clean(page)


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [
        (errors.bad_request, 400, "Bad request"),
        (errors.permission_denied, 403, "Access denied"),
        (errors.page_not_found, 404, "Page not found"),
    ],
)
def test_error_pages_are_themed_and_show_no_technical_detail(db, handler, status, title):
    request = RequestFactory().get("/somewhere/")
    response = handler(request, Exception("SECRET internal detail at line 42"))
    assert response.status_code == status
    page = html(response)
    assert f"<title>{title} · Codego Business</title>" in page
    assert "SECRET" not in page
    assert "Traceback" not in page
    assert_csp_clean(page)


def test_the_csrf_failure_page_says_the_form_expired(db):
    response = errors.csrf_failure(RequestFactory().post("/x/"), reason="CSRF token missing.")
    assert response.status_code == 403
    page = html(response)
    assert "This form has expired" in page
    assert "CSRF token missing" not in page


def test_the_500_page_is_themed(db):
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = html(response)
    assert "<title>Something went wrong · Codego Business</title>" in page
    assert_csp_clean(page)


def test_the_500_page_survives_a_failing_brand_call(db, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr("codego.reference.brand", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = html(response)
    assert "<title>Something went wrong · Business Banking</title>" in page
    assert "boom" not in page


def test_the_500_page_survives_a_broken_template(db, monkeypatch):
    def broken(name):
        raise RuntimeError("template engine down")

    monkeypatch.setattr("portal.errors.loader.get_template", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in html(response)


def test_a_server_error_in_a_view_renders_the_themed_500_page(client, db, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("sandbox.views.Mail.objects.all", explode)
    client.raise_request_exception = False
    response = client.get("/sandbox/mailbox/")
    assert response.status_code == 500
    page = html(response)
    assert "Something went wrong on our side" in page
    assert "database on fire" not in page


# ------------------------------------------------------------------------------
# The bank is unavailable
# ------------------------------------------------------------------------------


def upstream_error() -> UpstreamUnavailable:
    return UpstreamUnavailable(
        "upstream said: SQLSTATE[HY000] gone away", endpoint="iban_sendmoney", http_status=502
    )


def test_an_unavailable_bank_on_a_get_gives_503_with_a_try_again_link(db):
    request = RequestFactory().get("/accounts/?page=2")
    response = errors.upstream_unavailable(request, upstream_error())
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = html(response)
    assert "The bank is unavailable right now. Please try again in a moment." in page
    assert '<a class="button button-primary" href="/accounts/?page=2">Try again</a>' in page
    for detail in ("SQLSTATE", "gone away", "iban_sendmoney", "502", "Traceback"):
        assert detail not in page
    assert_csp_clean(page)


def test_an_unavailable_bank_on_a_post_links_back_to_the_form(db):
    request = RequestFactory().post(
        "/payments/new/", HTTP_REFERER="http://testserver/payments/new/?iban=1"
    )
    page = html(errors.upstream_unavailable(request, upstream_error()))
    assert 'href="http://testserver/payments/new/?iban=1">Go back</a>' in page
    assert "Try again" not in page


def test_a_foreign_referer_is_never_linked(db):
    request = RequestFactory().post("/payments/new/", HTTP_REFERER="https://evil.example/phish")
    page = html(errors.upstream_unavailable(request, upstream_error()))
    assert "evil.example" not in page
    assert '<a class="button button-primary" href="/">Go back</a>' in page


def test_an_htmx_request_is_retried_from_the_page_that_made_it(db):
    request = RequestFactory().get(
        "/accounts/balance-fragment/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/accounts/",
    )
    response = errors.upstream_unavailable(request, upstream_error())
    assert response.status_code == 503
    assert response["HX-Retarget"] == "#main"
    assert 'href="http://testserver/accounts/">Try again</a>' in html(response)


def test_a_business_error_shows_its_own_message_without_the_technical_parts(db):
    error = ApiError("Insufficient balance", endpoint="iban_sendmoney", http_status=200)
    response = errors.upstream_unavailable(RequestFactory().get("/x/"), error)
    assert response.status_code == 503
    assert "Insufficient balance" in html(response)
    assert "iban_sendmoney" not in html(response)
    assert not response.has_header("Retry-After")


# ------------------------------------------------------------------------------
# Sandbox mailbox
# ------------------------------------------------------------------------------


def make_mail(to: str, subject: str, minutes_ago: int, body: str = "Hello") -> Mail:
    return Mail.objects.create(
        to=to,
        subject=subject,
        body=body,
        kind="test",
        created=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_the_mailbox_lists_emails_newest_first(mailbox_page):
    make_mail("a@acme.test", "Oldest subject", 30)
    make_mail("b@acme.test", "Newest subject", 1)
    make_mail("a@acme.test", "Middle subject", 10)
    page = html(mailbox_page())
    positions = [page.index(s) for s in ("Newest subject", "Middle subject", "Oldest subject")]
    assert positions == sorted(positions)
    assert "b@acme.test" in page
    assert_csp_clean(page)


def test_the_mailbox_filters_by_recipient(mailbox_page):
    make_mail("a@acme.test", "For A", 2)
    make_mail("b@acme.test", "For B", 1)
    page = html(mailbox_page("?to=A@acme.test"))
    assert "For A" in page
    assert "For B" not in page
    assert 'value="A@acme.test"' in page
    assert 'method="get"' in page


def test_an_empty_mailbox_says_so(mailbox_page):
    assert "No emails yet." in html(mailbox_page())
    assert "No emails to x@acme.test yet." in html(mailbox_page("?to=x@acme.test"))


def test_an_email_is_readable_with_clickable_links_and_escaped_markup(client, db):
    mail = make_mail(
        "a@acme.test",
        "Verify your email",
        1,
        body="Hi <b>there</b>,\nopen http://127.0.0.1:8000/plan/accept?token=abc to continue.",
    )
    response = client.get(f"/sandbox/mailbox/{mail.pk}/")
    assert response.status_code == 200
    page = html(response)
    assert "<title>Verify your email · Sandbox mailbox · Codego Business</title>" in page
    assert (
        '<a href="http://127.0.0.1:8000/plan/accept?token=abc" rel="nofollow">'
        "http://127.0.0.1:8000/plan/accept?token=abc</a>" in page
    )
    assert "&lt;b&gt;there&lt;/b&gt;" in page
    assert "<b>there</b>" not in page
    assert_csp_clean(page)


def test_the_mailbox_links_each_email_and_an_unknown_email_is_a_404(mailbox_page, client):
    mail = make_mail("a@acme.test", "Hello", 1)
    assert f'href="/sandbox/mailbox/{mail.pk}/"' in html(mailbox_page())
    assert client.get("/sandbox/mailbox/999999/").status_code == 404


def test_the_emailed_kyc_link_explains_the_sandbox_and_points_to_the_console(client, db):
    company = create_company("kyc-link@acme.test", live=False)
    director = add_director(company)
    response = client.get(f"/sandbox/kyc/{director.kyc_id}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ann Peeters, director of Acme Trading Ltd" in page
    assert f"/sandbox/console/companies/{company.pk}/" in page
    assert client.get("/sandbox/kyc/unknown").status_code == 404
