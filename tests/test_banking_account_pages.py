"""Notifications (with the unread badge), the profile and the cards, through the portal."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from banking.models import SeenNotification
from sandbox import actions
from sandbox.models import Company, Director
from tests.banking_history import FAULTS, UNAVAILABLE, fault
from tests.conftest import add_director, create_company, journal_calls, portal_sign_in

pytestmark = pytest.mark.django_db
# The `company` and `signed_in` fixtures.
pytest_plugins = ["tests.banking_history_fixtures"]


def body(response) -> str:
    return response.content.decode()


def badge(page: str) -> str | None:
    """The unread count shown next to Notifications in the navigation, if any."""
    found = re.search(r'href="/notifications/"[^>]*>.*?<span class="badge">(.*?)</a>', page, re.S)
    if not found:
        return None
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


# --- notifications --------------------------------------------------------------------


def test_notifications_are_listed_newest_first_with_localized_dates(signed_in, company):
    actions.notify_company(email=company.email, title="Payment received", description="40 EUR")
    actions.notify_company(email=company.email, title="Document required", description="Upload")

    page = body(signed_in.get("/notifications/"))

    assert page.index("Document required") < page.index("Payment received")
    assert "2 new notifications since your last visit" in page
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">', page)


def test_the_badge_counts_unseen_notifications_until_the_page_is_visited(signed_in, company):
    actions.notify_company(email=company.email, title="One", description="a")
    actions.notify_company(email=company.email, title="Two", description="b")

    assert badge(body(signed_in.get("/transactions/"))) == "( 2 unread)"

    signed_in.get("/notifications/")

    assert badge(body(signed_in.get("/transactions/"))) is None
    assert SeenNotification.objects.count() == 2


def test_the_badge_does_not_ask_the_bank_on_every_page(signed_in, company):
    actions.notify_company(email=company.email, title="One", description="a")
    before = journal_calls("notification")

    for _page in range(3):
        signed_in.get("/transactions/")
        signed_in.get("/cards/")

    assert journal_calls("notification") - before == 1


def test_seen_notifications_stay_seen_after_signing_in_again(client, signed_in, company):
    actions.notify_company(email=company.email, title="Old news", description="a")
    signed_in.get("/notifications/")
    signed_in.post("/logout/")
    cache.clear()
    actions.notify_company(email=company.email, title="Fresh news", description="b")

    portal_sign_in(client, company.email)

    assert badge(body(client.get("/cards/"))) == "( 1 unread)"
    page = body(client.get("/notifications/"))
    assert "1 new notification since your last visit" in page
    fresh, old = page.index("Fresh news"), page.index("Old news")
    assert page.count(">New</span>") == 1
    assert page.index(">New</span>") < old
    assert fresh < old


def test_the_badge_is_silent_when_the_bank_cannot_say(signed_in, company):
    actions.notify_company(email=company.email, title="One", description="a")
    fault("notification", http_status=500)

    response = signed_in.get("/cards/")

    assert response.status_code == 200
    assert badge(body(response)) is None


def test_no_notifications_is_said_plainly(signed_in):
    assert "No notifications yet" in body(signed_in.get("/notifications/"))


# --- profile ------------------------------------------------------------------------------


def test_the_profile_shows_company_director_and_contact_with_states_in_words(client):
    company = create_company("profile@acme.test", company_name="Profile Works BV")
    Company.objects.filter(pk=company.pk).update(
        phone_number="+32 470 12 34 56",
        profile={
            "registration_number": "BE0123456789",
            "vat_number": "BE0123456789",
            "registration_address1": "Rue Neuve 1",
            "registration_city": "Brussels",
            "registration_zip": "1000",
            "industry": "Bakery",
        },
    )
    director = add_director(company)
    Director.objects.filter(pk=director.pk).update(mobile="+32 470 99 88 77")
    portal_sign_in(client, company.email)

    response = client.get("/profile/")

    page = body(response)
    assert response.status_code == 200
    for text in (
        "Profile Works BV",
        "BE0123456789",
        "Rue Neuve 1",
        "1000 Brussels",
        "Bakery",
        "Ann Peeters",
        "+32 470 99 88 77",
        "profile@acme.test",
        "+32 470 12 34 56",
    ):
        assert text in page, text
    assert page.count('data-state="verified"') == 2  # company and director, in words
    assert ">Verified</span>" in page
    assert "<input" not in page.split('id="profile"')[1].split("</main>")[0]  # read-only


# --- cards ----------------------------------------------------------------------------------


def test_cards_show_only_their_last_four_digits_and_their_state(signed_in, company):
    page = body(signed_in.get("/cards/"))

    numbers = re.findall(r"Card ending in (\d{4})", page)
    assert len(numbers) == 3  # the low-risk plan: 1 plastic card and 2 virtual ones
    assert not re.search(r"\d{4}[ *]+\d{4}", page)  # never more than the last four
    assert ">Active Card</span>" in page
    assert ">Unlocked</span>" in page
    assert "Spent today" in page
    assert "Spent in the last 30 days" in page
    assert "5,000.00\u00a0EUR" in page  # available


def test_a_company_without_cards_sees_an_empty_state(signed_in, company):
    Company.objects.filter(pk=company.pk).update(plan=None)

    page = body(signed_in.get("/cards/"))

    assert "You have no card yet" in page


# --- faults on each page --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [
        ("/notifications/", "notification"),
        ("/profile/", "profile_details"),
        ("/cards/", "getSelectPlan"),
    ],
)
@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_a_page_the_bank_cannot_fill_says_so_with_a_retry(signed_in, path, endpoint, kind, options):
    fault(endpoint, **options)

    response = signed_in.get(path)

    page = body(response)
    assert response.status_code == 503
    assert UNAVAILABLE in page
    assert f'href="{path}">Try again' in page
    assert 'class="shell-nav"' in page


def test_an_expired_session_on_a_history_page_signs_in_again_and_comes_back(signed_in, company):
    actions.expire_token(email=company.email)
    cache.clear()  # the heartbeat's "recently refreshed" mark, so the page's own call meets it

    response = signed_in.get("/cards/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
