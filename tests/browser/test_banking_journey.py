"""Money out in a real browser: dashboard → new beneficiary → payment → code → result.

Run at 1280 px and 360 px, in light and dark; every page passes `check_page`
(axe-core, screenshot, no console error or CSP violation).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from sandbox import actions
from sandbox.models import Iban
from tests.browser.conftest import latest_code
from tests.conftest import create_company

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Secret-pass-1"
PAYEE_IBAN = "DE02 1203 0000 0000 2020 51"
VIEWPORTS = {"wide": {"width": 1280, "height": 900}, "narrow": {"width": 360, "height": 780}}


def url(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def sign_in(page: Page, portal: str, email: str) -> None:
    page.goto(f"{portal}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(url("/login/verify/"))
    page.get_by_label("Code from the email").fill(latest_code(email))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url("/dashboard/"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_a_customer_adds_a_beneficiary_and_pays_it_with_the_emailed_code(
    portal, new_context, check_page, size, scheme
):
    email = f"pay-{size}-{scheme}@acme.test"
    company = create_company(email)
    iban = Iban.objects.get(company=company)
    actions.credit(iban=iban.iban, amount=Decimal("1250.00"), name="Globex Corporation")
    context = new_context(viewport=VIEWPORTS[size], color_scheme=scheme)
    page = context.new_page()
    tag = f"banking-{size}-{scheme}"

    sign_in(page, portal, email)
    expect(page.get_by_role("heading", level=1, name="Acme Trading Ltd")).to_be_visible()
    expect(page.get_by_text("Globex Corporation")).to_be_visible()
    check_page(page, f"{tag}-dashboard")

    page.get_by_role("link", name="New payment").click()
    expect(page).to_have_url(url("/payments/new/"))
    page.get_by_role("link", name="Add your first beneficiary").click()
    expect(page).to_have_url(url("/beneficiaries/new/"))
    page.get_by_text("A business").click()
    page.get_by_label("Company name").fill("Contoso GmbH")
    page.get_by_label("IBAN").fill(PAYEE_IBAN)
    expect(page.locator("#iban-facts")).to_contain_text("BYLADEM1001")
    check_page(page, f"{tag}-beneficiary-new")
    page.get_by_role("button", name="Add the beneficiary").click()

    expect(page).to_have_url(url("/payments/new/"))
    toast = page.locator(".toasts .message-success")
    expect(toast).to_contain_text("Contoso GmbH is now a beneficiary.")
    toast.get_by_role("button", name="Dismiss").click()
    expect(toast).to_have_count(0)
    expect(page.locator("#id_beneficiaries_id")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Amount in EUR").fill("1.505")
    page.get_by_label("Payment reference").fill("Invoice 2026-114")
    page.get_by_role("button", name="Review the payment").click()
    amount = page.get_by_label("Amount in EUR")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Use at most two decimals (cents).")).to_be_visible()
    check_page(page, f"{tag}-payment-error")
    amount.fill("120.50")
    page.get_by_role("button", name="Review the payment").click()

    expect(page).to_have_url(re.compile(r"/payments/[\w-]+/review/$"))
    expect(page.get_by_text("121.50\u00a0EUR")).to_be_visible()
    check_page(page, f"{tag}-payment-review")
    page.get_by_role("button", name="Confirm and send the code").click()

    expect(page).to_have_url(re.compile(r"/payments/[\w-]+/confirm/$"))
    check_page(page, f"{tag}-payment-code")
    page.get_by_label("Code from the email").fill(latest_code(email))
    page.get_by_role("button", name=re.compile(r"^Send \d")).click()

    expect(page.get_by_role("heading", name="Payment sent")).to_be_visible()
    check_page(page, f"{tag}-payment-result")
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page.get_by_text("Contoso GmbH").first).to_be_visible()
    check_page(page, f"{tag}-dashboard-after")


def test_accounts_open_and_the_dashboard_narrows_to_one_of_them(portal, new_context, check_page):
    email = "lists@acme.test"
    create_company(email)
    page = new_context(viewport=VIEWPORTS["wide"]).new_page()
    sign_in(page, portal, email)
    page.goto(f"{portal}/accounts/new/")
    check_page(page, "banking-account-new")
    page.get_by_label("Name of the account").fill("Payroll")
    page.get_by_role("button", name="Open the account").click()
    expect(page).to_have_url(url("/accounts/"))
    expect(page.locator(".toasts", has_text="Your new account Payroll is open.")).to_be_visible()
    expect(page.get_by_role("button", name="Copy the IBAN of Payroll")).to_be_visible()
    check_page(page, "banking-accounts")

    page.goto(f"{portal}/dashboard/")
    page.get_by_role("link", name="See Payroll in detail").click()  # an htmx swap
    expect(page).to_have_url(re.compile(r"/dashboard/\?iban_id=\d+$"))
    expect(page.get_by_role("heading", level=1, name="Payroll")).to_be_visible()
    check_page(page, "banking-dashboard-one-account")
    page.get_by_role("link", name="All accounts").click()
    expect(page.get_by_role("heading", level=1, name="Acme Trading Ltd")).to_be_visible()
    page.goto(f"{portal}/beneficiaries/")
    check_page(page, "banking-beneficiaries-empty")


def test_the_payment_works_without_javascript(portal, new_context, check_page):
    email = "nojs@acme.test"
    company = create_company(email)
    context = new_context(viewport=VIEWPORTS["narrow"], java_script_enabled=False)
    page = context.new_page()
    sign_in(page, portal, email)
    page.goto(f"{portal}/beneficiaries/new/")
    page.get_by_label("A business").check()
    page.get_by_label("Company name").fill("Fabrikam NV")
    page.get_by_label("IBAN").fill("BE71 0961 2345 6769")
    page.get_by_role("button", name="Add the beneficiary").click()
    expect(page).to_have_url(url("/beneficiaries/"))
    # Without scripts the message stays at the top of the page.
    expect(page.locator("#messages .message-success")).to_contain_text("Fabrikam NV is now")
    check_page(page, "banking-nojs-beneficiaries")
    page.get_by_role("link", name="Pay Fabrikam NV").click()
    page.get_by_label("Amount in EUR").fill("10")
    page.get_by_label("Payment reference").fill("Test")
    page.get_by_role("button", name="Review the payment").click()
    page.get_by_role("button", name="Confirm and send the code").click()
    page.get_by_label("Code from the email").fill(latest_code(company.email))
    page.get_by_role("button", name=re.compile(r"^Send \d")).click()
    expect(page.get_by_role("heading", name="Payment sent")).to_be_visible()


def test_the_dashboard_says_when_it_read_the_balances_and_refresh_reads_them_again(
    portal, new_context, check_page
):
    email = "refresh@acme.test"
    create_company(email)
    page = new_context(viewport=VIEWPORTS["narrow"]).new_page()
    sign_in(page, portal, email)
    balance = page.locator(".hero-amount")
    expect(balance).to_have_text("5,000.00\u00a0EUR")
    expect(page.locator(".as-of")).to_contain_text("As of")
    iban = Iban.objects.get(company__email=email)
    actions.credit(iban=iban.iban, amount=Decimal("250.00"), name="Globex Corporation")
    page.reload()  # the session's copy: money from outside shows after Refresh
    expect(balance).to_have_text("5,000.00\u00a0EUR")
    page.get_by_role("link", name="Refresh").click()  # an htmx swap
    iban.refresh_from_db()
    expect(balance).to_have_text(f"{iban.balance:,.2f}\u00a0EUR")
    expect(page.get_by_text("Globex Corporation").first).to_be_visible()
    expect(page).to_have_url(url("/dashboard/"))
    assert "refresh" not in page.url
    check_page(page, "banking-dashboard-refreshed")
