""" "Try the demo" in a real browser: a company of the visitor's own, at 1280 and 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sandbox.demo import DEMO_COMPANY
from tests.browser.test_banking_journey import VIEWPORTS, url

pytestmark = pytest.mark.django_db(transaction=True)


def ibans(page: Page) -> set[str]:
    return set(re.findall(r"LT\d{2}(?: \d{4}){4}", page.locator("main").inner_text()))


@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_a_visitor_tries_the_demo_and_lands_on_a_dashboard_of_their_own(
    portal, new_context, check_page, size
):
    page = new_context(viewport=VIEWPORTS[size]).new_page()
    page.goto(f"{portal}/login/")
    check_page(page, f"visitor-demo-{size}-login")

    page.get_by_role("button", name="Try the demo").click()

    expect(page).to_have_url(url("/dashboard/"))
    expect(page.get_by_role("heading", level=1, name=DEMO_COMPANY)).to_be_visible()
    banner = page.get_by_role("complementary", name="Demo")
    expect(banner).to_contain_text("A demo company of your own")
    check_page(page, f"visitor-demo-{size}-dashboard")
    first = ibans(page)
    assert first

    # Another visitor, meanwhile, gets another company.
    other = new_context(viewport=VIEWPORTS[size]).new_page()
    other.goto(f"{portal}/login/")
    other.get_by_role("button", name="Try the demo").click()
    expect(other).to_have_url(url("/dashboard/"))
    assert not first & ibans(other)

    # Start over: a new company for this browser.
    with page.expect_navigation(url=url("/dashboard/")):
        banner.get_by_role("button", name="Start over with a new company").click()
    again = ibans(page)
    assert again
    assert not again & first
