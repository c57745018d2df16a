"""The wizard and console pages the main journey does not reach, in a real browser.

An additional document asked for by compliance, then uploaded; a rejected company
profile with its reason; the console's fault panel and reset confirmation. Every
page passes `check_page` (axe-core, screenshot, no console error or CSP violation).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Page, expect

from sandbox import actions
from sandbox.models import AdditionalDocument, Company
from tests.conftest import create_company, latest_code, portal_sign_in
from tests.test_kyc_wizard import company_data

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "extra@acme.test"
PASSWORD = "Secret-pass-1"
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def sign_in(page: Page, portal: str) -> None:
    page.goto(f"{portal}/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    page.get_by_label("Code from the email").fill(latest_code(EMAIL))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/onboarding/$"))


def test_an_additional_document_and_a_rejected_profile(page, portal, check_page, tmp_path):
    company = create_company(EMAIL, password=PASSWORD, live=False)
    Company.objects.filter(pk=company.pk).update(
        company_status=Company.Step.PENDING, profile={"company_country": "11"}
    )
    actions.reject(email=EMAIL, what="profile", reason="The VAT number does not match")
    actions.request_document(
        email=EMAIL, title="Proof of address", description="A utility bill under 3 months old."
    )
    sign_in(page, portal)
    expect(page.locator("#step-company")).to_contain_text("The VAT number does not match")
    expect(page.get_by_text("Proof of address")).to_be_visible()
    check_page(page, "extra-overview-rejected-and-requested")

    page.goto(f"{portal}/onboarding/company/")
    expect(page.locator("main")).to_contain_text("The VAT number does not match")
    check_page(page, "extra-company-rejected")

    page.goto(f"{portal}/onboarding/additional-documents/")
    check_page(page, "extra-additional-documents")
    upload = tmp_path / "bill.pdf"
    upload.write_bytes(PDF_BYTES)
    page.get_by_label(re.compile("File for .Proof of address")).set_input_files(upload)
    page.get_by_role("button", name="Upload").click()
    expect(page).to_have_url(re.compile(r"/onboarding/$"))
    assert AdditionalDocument.objects.get().status == AdditionalDocument.Status.REVIEW
    check_page(page, "extra-overview-document-under-review")


def test_the_console_fault_panel_and_reset_confirmation(page, portal, check_page):
    User.objects.create_user("ops", password="Staff-pass-1", is_staff=True)
    page.goto(f"{portal}/sandbox/console/login/")
    page.get_by_label("Username").fill("ops")
    page.get_by_label("Password").fill("Staff-pass-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sandbox/console/$"))

    page.get_by_label("Endpoint").select_option("getCountriesList")
    page.get_by_label("HTTP status").fill("503")
    page.get_by_role("button", name=re.compile("^(Inject|Set|Add) ")).click()
    expect(page.locator("#messages")).to_contain_text("getCountriesList")
    check_page(page, "extra-console-fault-active")

    page.get_by_role("link", name=re.compile("Reset", re.IGNORECASE)).first.click()
    expect(page.get_by_role("heading", level=1, name="Reset the sandbox")).to_be_visible()
    check_page(page, "extra-console-reset-confirm")


def test_the_bank_failing_keeps_the_company_form_and_asks_for_files_again(
    page, portal, check_page, tmp_path
):
    create_company(EMAIL, password=PASSWORD, live=False)
    # A profile sent once and rejected: the form comes prefilled, ready to send again.
    sender = Client()
    portal_sign_in(sender, EMAIL, PASSWORD)
    sender.post("/onboarding/company/", company_data())
    actions.reject(email=EMAIL, what="profile", reason="The VAT number does not match")
    sign_in(page, portal)
    page.goto(f"{portal}/onboarding/company/")
    page.get_by_label("VAT number (optional)").fill("BE0987654321")
    actions.set_fault(endpoint="updatecompanydetails", http_status=500)
    page.get_by_role("button", name="Send for review").click()
    # htmx swapped the form in place: the message on top, the typed values kept.
    expect(page.locator(".form-errors")).to_contain_text("nothing was sent")
    expect(page.get_by_label("VAT number (optional)")).to_have_value("BE0987654321")
    expect(page).to_have_url(re.compile(r"/onboarding/company/$"))
    check_page(page, "extra-company-bank-unavailable")

    actions.set_fault(endpoint="uploadCompanyDocument", timeout=True)
    page.goto(f"{portal}/onboarding/documents/")
    for label in ("Business registration document", "Ownership structure", "Financial statement"):
        upload = tmp_path / f"{label.split()[0].lower()}.pdf"
        upload.write_bytes(PDF_BYTES)
        page.get_by_label(label).set_input_files(upload)
    page.get_by_role("button", name="Upload the documents").click()
    expect(page.locator(".form-errors")).to_contain_text("choose them again")
    expect(page.locator("main")).to_contain_text("Your file “business.pdf” was not sent")
    page.set_viewport_size({"width": 360, "height": 800})
    check_page(page, "extra-documents-bank-unavailable-360")
