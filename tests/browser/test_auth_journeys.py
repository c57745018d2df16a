"""Sign-up, sign-in, password reset, sign-out and the sandbox mailbox, in a real browser.

People type into labelled fields and press named buttons; every page visited
passes `check_page` (axe-core, screenshot, no console error or CSP violation).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sandbox.models import Company
from tests.browser.conftest import latest_code
from tests.conftest import create_company

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Secret-pass-1"


def url(path: str) -> re.Pattern[str]:
    """The page URL ends with `path` (query strings allowed)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def sign_up(page: Page, portal: str, check_page, *, company: str, email: str, tag: str) -> None:
    page.goto(f"{portal}/signup/")
    expect(page.get_by_role("heading", name="Open a business account")).to_be_visible()
    check_page(page, f"{tag}-signup")
    page.get_by_label("Company name").fill(company)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(url("/signup/verify/"))
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    expect(page.get_by_text(f"We sent a 6-digit code to {email}")).to_be_visible()
    check_page(page, f"{tag}-signup-verify")
    page.get_by_label("Code from the email").fill(latest_code(email))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(url("/onboarding/"))
    expect(page.get_by_role("heading", level=1, name=company)).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Your email address is verified")
    check_page(page, f"{tag}-onboarding")


def sign_in(
    page: Page,
    portal: str,
    check_page,
    *,
    email: str,
    password: str,
    tag: str,
    wrong_code_first: bool = False,
) -> None:
    page.goto(f"{portal}/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_page(page, f"{tag}-login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(url("/login/verify/"))
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    check_page(page, f"{tag}-login-verify")
    code = page.get_by_label("Code from the email")
    if wrong_code_first:
        # The error replaces the form in place and is tied to the field.
        code.fill("111111" if latest_code(email) != "111111" else "222222")
        page.get_by_role("button", name="Sign in").click()
        expect(code).to_have_attribute("aria-invalid", "true")
        expect(code).to_have_accessible_description(re.compile("wrong", re.IGNORECASE))
        expect(code).to_be_focused()
        expect(page).to_have_url(url("/login/verify/"))
        check_page(page, f"{tag}-login-verify-wrong-code")
    code.fill(latest_code(email))
    page.get_by_role("button", name="Sign in").click()


def test_signup_then_verify_lands_on_onboarding(page, portal, check_page):
    sign_up(page, portal, check_page, company="New Co Ltd", email="new@acme.test", tag="signup")
    assert Company.objects.get(email="new@acme.test").email_verified


def test_login_of_a_live_company_lands_on_the_dashboard(page, portal, check_page):
    company = create_company("owner@acme.test", password=PASSWORD)
    sign_in(page, portal, check_page, email=company.email, password=PASSWORD, tag="live")

    expect(page).to_have_url(url("/dashboard/"))
    expect(page.get_by_role("heading", level=1, name="Acme Trading Ltd")).to_be_visible()
    iban = company.ibans.get().iban
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    expect(page.locator(".iban-card .mono").first).to_have_text(grouped)
    expect(page.locator(".iban-balance")).to_contain_text("5,000.00")
    check_page(page, "live-dashboard")


def test_login_of_a_company_not_live_lands_on_onboarding(page, portal, check_page):
    create_company("fresh@acme.test", password=PASSWORD, company_name="Fresh Co", live=False)
    sign_in(
        page,
        portal,
        check_page,
        email="fresh@acme.test",
        password=PASSWORD,
        tag="not-live",
        wrong_code_first=True,
    )

    expect(page).to_have_url(url("/onboarding/"))
    expect(page.get_by_role("heading", level=1, name="Fresh Co")).to_be_visible()
    expect(page.get_by_role("heading", name="What to do now")).to_be_visible()
    check_page(page, "not-live-onboarding")


def test_forgot_password_then_reset_then_sign_in_with_the_new_one(page, portal, check_page):
    create_company("owner@acme.test", password=PASSWORD)
    new_password = "Brand-new-pass-2"

    # The old password is forgotten: the sign-in fails, focus returns to the form.
    page.goto(f"{portal}/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill("Not-my-password-0")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    expect(page.get_by_label("Email")).to_be_focused()
    check_page(page, "reset-login-wrong-password")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(url("/password/forgot/"))
    check_page(page, "reset-forgot")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_role("button", name="Send the code").click()

    expect(page).to_have_url(url("/password/reset/"))
    expect(page.locator("#messages")).to_contain_text("we sent a code")
    check_page(page, "reset-reset")
    page.get_by_label("Code from the email").fill(latest_code("owner@acme.test"))
    page.get_by_label(re.compile(r"^New password:?$")).fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Change the password").click()

    expect(page).to_have_url(url("/login/"))
    expect(page.locator("#messages")).to_contain_text("Your password has been changed")
    check_page(page, "reset-login-message")

    sign_in(page, portal, check_page, email="owner@acme.test", password=new_password, tag="reset")
    expect(page).to_have_url(url("/dashboard/"))
    expect(page.get_by_role("heading", level=1, name="Acme Trading Ltd")).to_be_visible()


def test_sign_out_then_the_dashboard_asks_to_sign_in(page, portal, check_page):
    create_company("owner@acme.test", password=PASSWORD)
    sign_in(page, portal, check_page, email="owner@acme.test", password=PASSWORD, tag="logout")
    expect(page).to_have_url(url("/dashboard/"))

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(url("/login/"))
    expect(page.locator("#messages")).to_have_text("You have been signed out.")
    check_page(page, "logout-signed-out")

    page.goto(f"{portal}/dashboard/")
    expect(page).to_have_url(url("/login/"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_mailbox_lists_the_code_and_opens_it(page, portal, check_page):
    email = "mail@acme.test"
    page.goto(f"{portal}/signup/")
    page.get_by_label("Company name").fill("Mail Co")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(url("/signup/verify/"))

    # The sandbox hint opens the mailbox for this address in a new tab.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Sandbox: read the code in the mailbox").click()
    mailbox = opened.value
    expect(mailbox).to_have_url(url("/sandbox/mailbox/"))
    expect(mailbox.get_by_role("heading", name="Sandbox mailbox")).to_be_visible()
    table = mailbox.get_by_role("table", name=f"Emails to {email}")
    expect(table.get_by_role("row")).to_have_count(2)  # header + the code
    expect(table.get_by_role("cell", name=email)).to_be_visible()
    check_page(mailbox, "mailbox-list")

    code = latest_code(email)
    table.get_by_role("link").click()
    expect(mailbox).to_have_url(re.compile(r"/sandbox/mailbox/\d+/"))
    expect(mailbox.locator(".mail-body")).to_contain_text(code)
    check_page(mailbox, "mailbox-message")
    mailbox.get_by_role("link", name="Back to the mailbox").click()
    expect(mailbox.get_by_label("Recipient")).to_have_value(email)
    mailbox.close()

    # Back in the first tab, the code from the mailbox finishes the sign-up.
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(url("/onboarding/"))
    expect(page.get_by_role("heading", level=1, name="Mail Co")).to_be_visible()


def test_signup_works_without_javascript(new_context, portal, check_page):
    page = new_context(java_script_enabled=False).new_page()
    sign_up(page, portal, check_page, company="No Script Ltd", email="nojs@acme.test", tag="nojs")


def test_login_fits_a_narrow_phone_screen(new_context, portal, check_page):
    # A phone in dark mode: the other journeys audit the light colours.
    page = new_context(viewport={"width": 360, "height": 740}, color_scheme="dark").new_page()
    page.goto(f"{portal}/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_page(page, "narrow-login-dark")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The keyboard's first stop is the skip link, which leads to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
