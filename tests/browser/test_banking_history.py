"""History and papers in a real browser, on the demo company's four months of history.

Transactions filtered → one transaction → its document uploaded → its receipt →
a statement (emailed and printable) → notifications → profile → cards, at
1280 px and 360 px. Every page passes `check_page` (axe-core, screenshot, no
console error or CSP violation); the receipt is also shot as it prints.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sandbox.demo import seed_demo
from sandbox.models import Mail, Transaction
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_banking_journey import PASSWORD, VIEWPORTS, sign_in, url

pytestmark = pytest.mark.django_db(transaction=True)

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_a_customer_finds_a_payment_documents_it_and_prints_papers(
    portal, new_context, check_page, tmp_path, size
):
    email = f"history-{size}@acme.test"
    seed_demo(email=email, password=PASSWORD)
    page = new_context(viewport=VIEWPORTS[size]).new_page()
    tag = f"history-{size}"
    sign_in(page, portal, email)

    # The list, then a search by reference: htmx swaps the table and the URL keeps it.
    page.goto(f"{portal}/transactions/")
    expect(page.get_by_role("heading", level=1, name="Transactions")).to_be_visible()
    check_page(page, f"{tag}-transactions")
    page.get_by_label("Search").fill("Hardware")
    page.get_by_label("Status").select_option("Pending")
    page.get_by_role("button", name="Show transactions").click()
    expect(page).to_have_url(re.compile(r"search=Hardware"))
    expect(page.get_by_text("1 transaction", exact=True)).to_be_visible()
    check_page(page, f"{tag}-transactions-filtered")

    # The transaction asks for a document: upload it.
    page.get_by_role("link", name="Fabrikam BV").click()
    expect(page.get_by_text("The bank needs a document for this payment")).to_be_visible()
    check_page(page, f"{tag}-transaction-detail")
    upload = tmp_path / "order.pdf"
    upload.write_bytes(PDF_BYTES)
    page.get_by_label("Supporting document").set_input_files(upload)
    page.get_by_role("button", name="Upload").click()
    expect(
        page.locator(".message-success:visible", has_text="Your document was sent")
    ).to_be_visible()
    assert Transaction.objects.get(reason_payment="Hardware order").is_upload_document == 2
    check_page(page, f"{tag}-transaction-documented")

    # Its receipt, on screen and as it prints.
    page.get_by_role("link", name="Printable receipt").click()
    expect(page.get_by_role("heading", level=1, name="Payment receipt")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    check_page(page, f"{tag}-receipt")
    page.emulate_media(media="print")
    expect(page.locator(".shell-nav")).to_be_hidden()
    screenshot(page, SCREENSHOTS / f"{tag}-receipt-print.png")
    page.emulate_media(media="screen")

    # Statements: emailed, then printable for the same choice.
    page.goto(f"{portal}/statements/")
    check_page(page, f"{tag}-statements")
    page.get_by_role("button", name="Email me the statement").click()
    expect(
        page.locator(".message-success:visible", has_text="The bank is emailing the statement")
    ).to_be_visible()
    assert Mail.objects.filter(to=email, kind="statement").exists()
    page.get_by_role("button", name="Printable statement").click()
    expect(page).to_have_url(url("/statements/print/"))
    expect(page.get_by_text("Opening balance").first).to_be_visible()
    check_page(page, f"{tag}-statement-print")

    # Notifications: the badge counts them until they are seen.
    expect(page.locator(".shell-nav .badge")).to_contain_text("unread")
    page.goto(f"{portal}/notifications/")
    expect(page.get_by_role("heading", name="Document required")).to_be_visible()
    expect(page.locator(".shell-nav .badge")).to_have_count(0)
    check_page(page, f"{tag}-notifications")

    page.goto(f"{portal}/profile/")
    expect(page.get_by_text("Eva Janssens")).to_be_visible()
    check_page(page, f"{tag}-profile")

    page.goto(f"{portal}/cards/")
    expect(
        page.get_by_role("heading", name=re.compile(r"^Card ending in \d{4}$")).first
    ).to_be_visible()
    check_page(page, f"{tag}-cards")


def test_the_filters_work_without_javascript(portal, new_context, check_page):
    email = "history-noscript@acme.test"
    seed_demo(email=email, password=PASSWORD)
    page = new_context(viewport=VIEWPORTS["narrow"], java_script_enabled=False).new_page()
    sign_in(page, portal, email)

    # A browser without a date picker sends what was typed: said next to the field.
    page.goto(f"{portal}/transactions/?startdate=31-02-2026&search=Salary")
    expect(page.get_by_text("Enter a date as YYYY-MM-DD")).to_be_visible()
    expect(page.get_by_label("Search")).to_have_value("Salary")
    page.get_by_label("From").fill("")
    page.get_by_role("button", name="Show transactions").click()
    expect(page.get_by_text("Salary month 1")).to_be_visible()
    check_page(page, "history-noscript-transactions")
