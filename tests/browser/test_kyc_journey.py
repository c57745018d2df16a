"""The whole KYC journey in a real browser: sign-up, the wizard, the bank's review
in the sandbox console, the emailed plan offer, and the first look at the account.

Two people: the customer (the `page` fixture's context) and a member of the bank's
staff in a context of their own. They type into labelled fields and press named
buttons; every wizard and console page passes `check_page` (axe-core, screenshot,
no console error or CSP violation).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from sandbox.models import Company
from tests.browser.conftest import latest_code

pytestmark = pytest.mark.django_db(transaction=True)

COMPANY = "Brussels Chocolate SRL"
EMAIL = "kyc-journey@acme.test"
STAFF, STAFF_PASSWORD = "compliance", "Staff-pass-1"

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# The link of the plan offer, as its text. Playwright sends a pattern to the page as
# /source/: its own slashes must be escaped.
OFFER_LINK = re.compile(r"\/plan\/respond\/\?unique_id=")
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16


def url(path: str) -> re.Pattern[str]:
    """The page URL ends with `path` (query strings allowed)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def step(page: Page, key: str):
    """One step (a list item) of the onboarding overview."""
    return page.locator(f"#step-{key}")


def sign_up(page: Page, portal: str, check_page) -> None:
    page.goto(f"{portal}/signup/")
    page.get_by_label("Company name").fill(COMPANY)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(url("/signup/verify/"))
    page.get_by_label("Code from the email").fill(latest_code(EMAIL))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(url("/onboarding/"))
    expect(page.get_by_role("heading", level=1, name=COMPANY)).to_be_visible()
    for key in ("company", "documents", "director"):
        expect(step(page, key)).to_contain_text("To do")
    check_page(page, "kyc-overview-new")


def fill_company_profile(page: Page, check_page) -> None:
    page.get_by_role("link", name="Fill in the company profile").click()
    expect(page).to_have_url(url("/onboarding/company/"))
    expect(page.get_by_role("heading", level=1, name="Company profile")).to_be_visible()
    check_page(page, "kyc-company-form")

    company = page.get_by_role("group", name="The company")
    founded = timezone.localdate() - timedelta(days=9 * 365)
    company.get_by_label("Date of incorporation").fill(founded.isoformat())
    company.get_by_label("Legal form").select_option(label="Private limited liability company")
    company.get_by_label("Registration number").fill("0123.456.789")
    company.get_by_label("VAT number (optional)").fill("BE0123456789")
    company.get_by_label("Industry").select_option(label="Food and beverage")
    company.get_by_label("Company size").select_option(label="Small")
    company.get_by_label("Website (optional)").fill("chocolate.example")
    company.get_by_label("Purpose of the account").fill("Paying cocoa suppliers")
    company.get_by_label("Country of the company").select_option(label="Belgium")

    registered = page.get_by_role("group", name="Registered address")
    registered.get_by_label("Country").select_option(label="Belgium")
    registered.get_by_label("Address").fill("Rue de la Loi 16")
    registered.get_by_label("City").fill("Brussels")
    registered.get_by_label("Region or state").fill("Brussels-Capital")
    registered.get_by_label("Postcode").fill("1000")

    actual = page.get_by_role("group", name=re.compile("^Actual address"))
    expect(actual).to_be_visible()
    same = page.get_by_role("checkbox", name="The actual address is the registered address")
    same.check()
    expect(actual).to_be_hidden()  # static/js/kyc.js: nothing more to fill in

    phone = page.get_by_role("group", name="Phone")
    phone.get_by_label("Calling code").select_option(label="+32 Belgium")
    phone.get_by_label("Phone number").fill("470 12 34 56")
    page.get_by_role("button", name="Send for review").click()

    expect(page).to_have_url(url("/onboarding/"))
    expect(page.locator("#messages")).to_contain_text(
        "Your company profile was sent to the bank for review."
    )
    expect(step(page, "company")).to_contain_text("Waiting for review")
    check_page(page, "kyc-overview-profile-sent")


def upload_documents(page: Page, check_page, tmp_path: Path) -> None:
    page.get_by_role("link", name="Upload the company documents").click()
    expect(page).to_have_url(url("/onboarding/documents/"))
    expect(page.get_by_role("heading", level=1, name="Company documents")).to_be_visible()
    # The wizard's navigation stays, and says where we are.
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Documents")).to_have_attribute("aria-current", "page")
    check_page(page, "kyc-documents-form")

    files = {
        "Business registration document": ("registration.pdf", PDF_BYTES),
        "Ownership structure": ("ownership.png", PNG_BYTES),
        "Financial statement": ("accounts.pdf", PDF_BYTES),
    }
    for label, (name, content) in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        page.get_by_label(label).set_input_files(path)
    page.get_by_role("button", name="Upload the documents").click()

    expect(page).to_have_url(url("/onboarding/"))
    expect(page.locator("#messages")).to_contain_text("Your documents were uploaded.")
    documents = step(page, "documents")
    expect(documents).to_contain_text("Waiting for review")
    for title in ("Business registration document", "Ownership structure", "Financial statement"):
        expect(documents.get_by_role("listitem").filter(has_text=title)).to_contain_text(
            "Waiting for review"
        )
    check_page(page, "kyc-overview-documents-sent")


def add_director(page: Page, check_page) -> None:
    page.get_by_role("link", name="Add the director").click()
    expect(page).to_have_url(url("/onboarding/directors/"))
    expect(page.get_by_role("heading", level=1, name="Director")).to_be_visible()
    check_page(page, "kyc-director-form")

    born = timezone.localdate().replace(year=timezone.localdate().year - 45, day=1)
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Last name").fill("Peeters")
    page.get_by_label("Date of birth").fill(born.isoformat())
    page.get_by_label("Gender").select_option(label="Female")
    page.get_by_label("Role in the company").select_option(label="Board Member(Director)")
    page.get_by_label("Nationality").select_option(label="Belgium")
    page.get_by_label("Country of residence").select_option(label="Belgium")
    page.get_by_label("Home address").fill("Veldstraat 3")
    page.get_by_label("City").fill("Ghent")
    page.get_by_label("Postcode").fill("9000")
    page.get_by_role("button", name="Save the director").click()

    expect(page).to_have_url(url("/onboarding/"))
    expect(page.locator("#messages")).to_contain_text("The director's details were saved.")
    director = step(page, "director")
    expect(director).to_contain_text("Waiting for review")
    expect(director).to_contain_text("The identity check link was sent for the director.")
    check_page(page, "kyc-overview-director-sent")


def check_plans(page: Page, check_page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Plans").click()
    expect(page).to_have_url(url("/onboarding/plan/"))
    expect(page.get_by_role("heading", level=1, name="Plans")).to_be_visible()
    expect(page.get_by_text("For a company of Belgium")).to_be_visible()
    expect(page.get_by_role("table", name="Price and fees of each plan")).to_be_visible()
    check_page(page, "kyc-plans")
    page.get_by_role("link", name="Back to the overview").click()
    expect(page).to_have_url(url("/onboarding/"))


def staff_reviews_and_proposes_the_plan(staff: Page, portal: str, check_page) -> None:
    User.objects.create_user(STAFF, password=STAFF_PASSWORD, is_staff=True)
    staff.goto(f"{portal}/sandbox/console/")
    expect(staff).to_have_url(url("/sandbox/console/login/"))
    check_page(staff, "kyc-console-login")
    staff.get_by_label("Username").fill(STAFF)
    staff.get_by_label("Password").fill(STAFF_PASSWORD)
    staff.get_by_role("button", name="Sign in").click()

    expect(staff).to_have_url(url("/sandbox/console/"))
    companies = staff.get_by_role("table", name=re.compile("compan(y|ies), newest first"))
    row = companies.get_by_role("row").filter(has_text=EMAIL)
    expect(row).to_contain_text("not live")
    check_page(staff, "kyc-console-index")
    row.get_by_role("link", name=COMPANY).click()

    expect(staff.get_by_role("heading", level=1, name=COMPANY)).to_be_visible()
    check_page(staff, "kyc-console-company-to-review")
    approve = staff.locator("form").filter(
        has=staff.get_by_role("heading", name="Approve", exact=True)
    )
    # One step at a time, as a reviewer who looked at each of them would.
    for what, key in (
        ("Company profile", "profile"),
        ("Company documents", "documents"),
        ("Director", "director"),
    ):
        approve.get_by_label("What to approve").select_option(label=what)
        approve.get_by_role("button", name="Approve").click()
        expect(staff.locator("#messages")).to_have_text(f"Approved: {key}.")

    overview = staff.get_by_role("region", name="Overview")
    for label in ("Company profile", "Documents", "Director"):
        term = overview.locator("dt", has_text=re.compile(f"^{label}$"))
        expect(term.locator("xpath=following-sibling::dd[1]")).to_contain_text(
            re.compile("verified", re.IGNORECASE)
        )

    propose = staff.locator("form").filter(
        has=staff.get_by_role("heading", name="Propose the plan")
    )
    expect(propose.get_by_label("Accept the plan immediately")).not_to_be_checked()
    propose.get_by_role("button", name="Propose plan / make live").click()
    expect(staff.locator("#messages")).to_contain_text(re.compile(r"Proposed the .+ plan by email"))
    proposals = staff.get_by_role("region", name="Plan proposals")
    expect(proposals.get_by_role("link", name=OFFER_LINK)).to_be_visible()
    expect(
        overview.locator("dt", has_text="Live").locator("xpath=following-sibling::dd[1]")
    ).to_have_text("not live")
    check_page(staff, "kyc-console-company-plan-proposed")
    assert not Company.objects.get(email=EMAIL).is_live


def accept_the_offer(page: Page, portal: str, check_page) -> None:
    page.goto(f"{portal}/sandbox/mailbox/?to={EMAIL}")
    table = page.get_by_role("table", name=f"Emails to {EMAIL}")
    table.get_by_role("link", name=re.compile("^Your business plan:")).click()
    expect(page).to_have_url(re.compile(r"/sandbox/mailbox/\d+/"))
    expect(
        page.get_by_role("heading", level=1, name=re.compile("^Your business plan:"))
    ).to_be_visible()
    check_page(page, "kyc-mailbox-plan-offer")
    page.locator(".mail-body").get_by_role("link", name=OFFER_LINK).click()

    expect(page).to_have_url(re.compile(r"/plan/respond/\?unique_id="))
    expect(page.get_by_role("heading", level=1, name="Your plan offer")).to_be_visible()
    expect(page.get_by_text(f"Accept the plan offered to {COMPANY} in the email?")).to_be_visible()
    check_page(page, "kyc-plan-respond")
    page.get_by_role("button", name="Accept the plan").click()
    expect(page.get_by_role("status")).to_contain_text("your plan is accepted")
    check_page(page, "kyc-plan-accepted")


def test_signup_kyc_review_plan_offer_then_the_dashboard(
    page, new_context, portal, settings, check_page, tmp_path
):
    # The plan offer email links to this live server.
    settings.PORTAL_BASE_URL = portal

    sign_up(page, portal, check_page)
    fill_company_profile(page, check_page)
    upload_documents(page, check_page, tmp_path)
    add_director(page, check_page)
    check_plans(page, check_page)
    expect(step(page, "plan")).to_contain_text("After verification")

    staff = new_context().new_page()
    staff_reviews_and_proposes_the_plan(staff, portal, check_page)

    # The customer's overview now says everything is verified, the offer is on its way.
    page.reload()
    expect(page.get_by_role("heading", name="Everything is verified")).to_be_visible()
    check_page(page, "kyc-overview-all-verified")

    accept_the_offer(page, portal, check_page)

    # The button leads to /onboarding/, which now sends a live company to its account.
    page.get_by_role("link", name="Continue to your account").click()
    expect(page).to_have_url(url("/dashboard/"))
    expect(page.get_by_role("heading", level=1, name=COMPANY)).to_be_visible()
    iban = Company.objects.get(email=EMAIL).ibans.get().iban
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    expect(page.locator(".iban-card .mono").first).to_have_text(grouped)
    check_page(page, "kyc-dashboard")

    # The wizard is over: the overview now leads to the account.
    page.goto(f"{portal}/onboarding/")
    expect(page).to_have_url(url("/dashboard/"))
