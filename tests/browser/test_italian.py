"""The main journeys in Italian: a browser that asks for `it-IT` gets the portal in
Italian with Italian amounts and dates, at 1280 px and at 360 px, axe-clean; the
footer's switch changes the language back and forth.

The labels below are the Italian catalogue's words, so a translation that goes
missing (the English would show) fails here as well as in test_translations.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from sandbox import actions
from sandbox.models import Beneficiary, Iban
from tests.browser.conftest import latest_code
from tests.conftest import create_company

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Secret-pass-1"
VIEWPORTS = {"wide": {"width": 1280, "height": 900}, "narrow": {"width": 360, "height": 780}}


def url(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def sign_in_in_italian(page: Page, portal: str, email: str, check_page, tag: str) -> None:
    page.goto(f"{portal}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    check_page(page, f"{tag}-login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continuare").click()
    expect(page).to_have_url(url("/login/verify/"))
    check_page(page, f"{tag}-login-code")
    page.get_by_label("Codice ricevuto via email").fill(latest_code(email))
    page.get_by_role("button", name="Accedere").click()


@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_an_italian_customer_signs_in_and_pays_with_the_emailed_code(
    portal, new_context, check_page, size
):
    email = f"it-pay-{size}@acme.test"
    company = create_company(email, balance=Decimal("1234.56"))
    iban = Iban.objects.get(company=company)
    actions.credit(iban=iban.iban, amount=Decimal("1000.00"), name="Globex Corporation")
    Beneficiary.objects.create(
        company=company,
        type="business",
        company_name="Contoso GmbH",
        iban="DE02120300000000202051",
        bic="BYLADEM1001",
    )
    page = new_context(viewport=VIEWPORTS[size], locale="it-IT").new_page()
    tag = f"italian-{size}"

    sign_in_in_italian(page, portal, email, check_page, tag)
    expect(page).to_have_url(url("/dashboard/"))
    expect(page.get_by_role("heading", level=1, name="Acme Trading Ltd")).to_be_visible()
    # Grouped with a point, cents after a comma (the credit paid its 1 EUR fee).
    expect(page.locator("main")).to_contain_text("2.233,56\u00a0EUR")
    expect(page.get_by_role("heading", name="Ultimi movimenti")).to_be_visible()
    check_page(page, f"{tag}-dashboard")

    page.get_by_role("link", name="Nuovo bonifico").click()
    expect(page).to_have_url(url("/payments/new/"))
    page.get_by_label("A:", exact=True).select_option(index=1)  # Contoso GmbH, the only one
    amount = page.get_by_label("Importo in EUR")
    amount.fill("12,3x")
    page.get_by_label("Causale").fill("Fattura 2026-114")
    page.get_by_role("button", name="Rivedere il bonifico").click()
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Causale")).to_have_value("Fattura 2026-114")
    check_page(page, f"{tag}-payment-error")
    amount.fill("120,50")  # the decimal comma of Italian
    page.get_by_role("button", name="Rivedere il bonifico").click()

    expect(page).to_have_url(re.compile(r"/payments/[\w-]+/review/$"))
    expect(page.get_by_text("121,50\u00a0EUR")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Contoso GmbH")
    check_page(page, f"{tag}-payment-review")
    page.get_by_role("button", name="Confermare e inviare il codice").click()

    expect(page).to_have_url(re.compile(r"/payments/[\w-]+/confirm/$"))
    check_page(page, f"{tag}-payment-code")
    page.get_by_label("Codice ricevuto via email").fill(latest_code(email))
    page.get_by_role("button", name=re.compile(r"^Inviare \d")).click()

    expect(page.get_by_role("heading", name="Bonifico inviato")).to_be_visible()
    check_page(page, f"{tag}-payment-result")
    page.get_by_role("link", name="Tornare alla panoramica").click()
    expect(page.locator("main")).to_contain_text("2.112,06\u00a0EUR")


def test_the_kyc_overview_in_italian_and_the_switch_back_to_english(
    portal, new_context, check_page
):
    email = "it-kyc@acme.test"
    create_company(email, live=False, company_name="Cioccolato Torino SRL")
    page = new_context(viewport=VIEWPORTS["narrow"], locale="it-IT").new_page()

    sign_in_in_italian(page, portal, email, check_page, "italian-kyc")
    expect(page).to_have_url(url("/onboarding/"))
    expect(page.get_by_role("heading", level=1, name="Cioccolato Torino SRL")).to_be_visible()
    expect(page.locator("#step-company")).to_contain_text("Da completare")
    expect(page.get_by_role("link", name="Compilare il profilo aziendale")).to_be_visible()
    check_page(page, "italian-kyc-overview")

    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(url("/onboarding/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#step-company")).to_contain_text("To do")
    page.get_by_role("button", name="Italiano").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.locator("#step-company")).to_contain_text("Da completare")
