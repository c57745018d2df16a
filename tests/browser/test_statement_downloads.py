"""Statement files from /statements/ in a real browser: each of the four downloads,
with JavaScript (htmx; the PDF is made while the page says so) and without it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sandbox.demo import seed_demo
from tests.browser.test_banking_journey import PASSWORD, VIEWPORTS, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

BUTTONS = {"PDF": ("pdf", b"%PDF-"), "CAMT.053": ("xml", b"<?xml"), "MT940": ("sta", b":20:")}
BUTTONS["CSV"] = ("csv", "\ufeff".encode())


def download(page: Page, button: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button, exact=True).click()
    file = info.value
    return file.suggested_filename, Path(file.path()).read_bytes()


@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_each_statement_file_downloads_from_the_statements_page(
    portal, new_context, check_page, size
):
    email = f"statement-files-{size}@acme.test"
    seed_demo(email=email, password=PASSWORD)
    page = new_context(viewport=VIEWPORTS[size], accept_downloads=True).new_page()
    sign_in(page, portal, email)

    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{portal}/statements/")
    expect(page.get_by_role("group", name="Download")).to_be_visible()
    check_page(page, f"statement-files-{size}")
    for button, (suffix, start) in BUTTONS.items():
        name, data = download(page, button)
        assert re.fullmatch(
            rf"statement-[A-Z]{{2}}\d{{2}}\w+-\d{{4}}-\d\d-\d\d-\d{{4}}-\d\d-\d\d\.{suffix}", name
        )
        assert data.startswith(start), button
    # htmx had the PDF made first, then fetched it once from its own address.
    assert any(re.search(r"/statements/export/[\w-]{24}/$", address) for address in asked)
    # Still the statements page, ready for another file.
    expect(page.get_by_role("heading", level=1, name="Statements")).to_be_visible()
    check_page(page, f"statement-files-{size}-after")


def test_the_downloads_work_without_javascript(portal, new_context, check_page):
    email = "statement-files-noscript@acme.test"
    seed_demo(email=email, password=PASSWORD)
    context = new_context(
        viewport=VIEWPORTS["narrow"], java_script_enabled=False, accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, portal, email)

    page.goto(f"{portal}/statements/")
    expect(page.get_by_role("group", name="Download")).to_be_visible()
    check_page(page, "statement-files-noscript")
    for button in ("PDF", "CSV"):
        name, data = download(page, button)
        assert name.endswith(f".{BUTTONS[button][0]}")
        assert data.startswith(BUTTONS[button][1])
