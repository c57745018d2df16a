"""Crypto wallets in a real browser: overview, a coin's deposit page, its QR code.

Every page passes `check_page` (axe-core, screenshot, no console error or CSP
violation), wide (1280 px) and on a phone (360 px, dark mode).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sandbox import actions
from tests.browser.test_auth_journeys import PASSWORD, sign_in, url
from tests.conftest import create_company
from tests.test_crypto_wallets import btc_needs_a_memo, decode_svg, rewrite_answers

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "crypto@acme.test"
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
# The right edge of the widest element of the crypto content (the shell is not ours).
RIGHTMOST = """() => Math.max(...[...document.querySelectorAll('.crypto-page, .crypto-page *')]
    .map(element => element.getBoundingClientRect().right))"""


def signed_in_with_coins(page: Page, portal: str, check_page, tag: str) -> None:
    """A live company holding BTC and USDT, signed in through the portal's pages."""
    create_company(EMAIL, password=PASSWORD, company_name="Crypto Works BV")
    actions.crypto_deposit(email=EMAIL, coin="btc", amount="0.0421")
    actions.crypto_deposit(email=EMAIL, coin="usdt", amount="1250.5")
    sign_in(page, portal, check_page, email=EMAIL, password=PASSWORD, tag=tag)
    expect(page).to_have_url(url("/dashboard/"))


def test_a_customer_opens_the_wallets_then_a_coin_and_copies_its_address(
    new_context, portal, check_page
):
    context = new_context(viewport=WIDE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    signed_in_with_coins(page, portal, check_page, "crypto")

    page.get_by_role("link", name="Crypto", exact=True).click()
    expect(page).to_have_url(url("/crypto/"))
    expect(page.get_by_role("heading", level=1, name="Crypto wallets")).to_be_visible()
    expect(page.get_by_text("Total value")).to_be_visible()
    expect(page.locator(".crypto-trx")).to_have_count(2)
    check_page(page, "crypto-overview-1280")

    page.get_by_role("link", name="Bitcoin").click()
    expect(page).to_have_url(url("/crypto/btc/"))
    expect(page.get_by_role("heading", level=1, name="Bitcoin BTC")).to_be_visible()
    qr = page.get_by_role("img", name=re.compile("QR code of your BTC deposit address"))
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 180 and box["height"] == box["width"]  # noqa: PT018 - one size
    check_page(page, "crypto-coin-btc-1280")

    address = page.locator("#address-bitcoin").inner_text()
    assert decode_svg(qr.evaluate("svg => svg.outerHTML")) == address
    page.get_by_role("button", name="Copy address").click()
    expect(page.get_by_role("button", name="Address copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address


def test_the_coin_page_fits_a_phone_in_dark_mode_with_a_scannable_code(
    new_context, portal, check_page
):
    page = new_context(viewport=PHONE, color_scheme="dark").new_page()
    signed_in_with_coins(page, portal, check_page, "crypto-phone")

    page.goto(f"{portal}/crypto/")
    expect(page.get_by_role("heading", level=1, name="Crypto wallets")).to_be_visible()
    check_page(page, "crypto-overview-360-dark")
    assert page.evaluate(RIGHTMOST) <= PHONE["width"]

    page.goto(f"{portal}/crypto/usdt/")
    codes = page.locator("svg.qr-code")
    expect(codes).to_have_count(2)
    check_page(page, "crypto-coin-usdt-360-dark")
    assert page.evaluate(RIGHTMOST) <= PHONE["width"]
    # Dark modules on a white square, whatever the colour scheme.
    background = codes.first.evaluate("svg => getComputedStyle(svg).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    assert codes.first.bounding_box()["width"] >= 180


def test_without_javascript_the_address_is_plain_text_and_no_copy_button_shows(
    new_context, portal, check_page
):
    page = new_context(viewport=WIDE, java_script_enabled=False).new_page()
    signed_in_with_coins(page, portal, check_page, "crypto-nojs")

    page.goto(f"{portal}/crypto/btc/")
    expect(page.locator("#address-bitcoin")).to_be_visible()
    expect(page.get_by_role("button", name="Copy address")).to_have_count(0)
    check_page(page, "crypto-coin-btc-nojs")


def test_a_memo_coin_and_a_failing_history_read_clearly(
    new_context, portal, check_page, monkeypatch
):
    page = new_context(viewport=PHONE).new_page()
    signed_in_with_coins(page, portal, check_page, "crypto-memo")

    btc_needs_a_memo(monkeypatch, "104729")
    actions.set_fault(endpoint="getTrxcoin", http_status=500)
    page.goto(f"{portal}/crypto/btc/")
    expect(page.get_by_text("Always include this memo.")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("The bank is unavailable right now")
    check_page(page, "crypto-coin-memo-history-down-360")

    actions.clear_faults()
    page.get_by_role("link", name="Try again").click()
    expect(page.locator(".crypto-trx")).to_have_count(1)


def test_crypto_switched_off_says_whom_to_ask(new_context, portal, check_page, monkeypatch):
    page = new_context(viewport=WIDE).new_page()
    signed_in_with_coins(page, portal, check_page, "crypto-off")
    rewrite_answers(monkeypatch, "getAllwallet", lambda body: {**body, "is_crypto": 0})

    page.goto(f"{portal}/crypto/")
    expect(
        page.get_by_role("heading", name="Crypto is not enabled for your account")
    ).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="hello@sandbox.example")).to_be_visible()
    check_page(page, "crypto-not-enabled-1280")
