"""Throttling of wrong passwords and codes: no visitor can lock another one out.

Behind a proxy every visitor shares its address; the per-email count answers
with a growing delay, not a lockout; a browser that signed in before is judged
by its own failures only; the counters stay right when workers race.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client, RequestFactory

from portal import throttle
from tests.conftest import create_company, journal_calls, portal_sign_in

PASSWORD = "Secret-pass-1"
WRONG = "Wrong-pass-9"
PROXY = "10.0.0.1"
REFUSED = re.compile(r"Too many attempts\. Try again at \d\d:\d\d\.")
MOMENT = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))

pytestmark = pytest.mark.django_db


def visitor(address: str, *, proxy: str | None = None) -> Client:
    """A browser at `address`, directly or through the proxy (which forwards the address)."""
    if proxy:
        return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=address)
    return Client(REMOTE_ADDR=address)


def start_login(client: Client, email: str, password: str = PASSWORD):
    return client.post("/login/", {"email": email, "password": password})


def refused(response) -> bool:
    return bool(REFUSED.search(response.content.decode()))


# ---------------------------------------------------------------------------
# The client address
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", PROXY),  # no trusted proxy: the header is the client's own words
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the first entry is forgeable
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (2, "203.0.113.9", PROXY),  # fewer hops than proxies: not through them
        (1, "not-an-address", "unknown"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_through_exactly_the_trusted_proxies(
    settings, trusted, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert throttle.client_address(request) == expected


def test_behind_the_proxy_one_visitors_wrong_passwords_lock_out_nobody_else(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    create_company()
    create_company("other@acme.test", live=False)
    attacker = visitor("203.0.113.66", proxy=PROXY)
    for _ in range(5):
        assert not refused(start_login(attacker, "other@acme.test", WRONG))
    assert refused(start_login(attacker, "other@acme.test", WRONG))

    # Everyone else comes through the same proxy: each is its own client.
    for n, email in enumerate(("owner@acme.test", "other@acme.test")):
        someone = visitor(f"198.51.100.{n + 1}", proxy=PROXY)
        with time_machine.travel(timedelta(minutes=2)):  # past the per-email delay
            assert start_login(someone, email).status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_header_escapes_nothing(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    create_company()
    for n in range(5):
        start_login(visitor(f"203.0.113.{n}", proxy=PROXY), "owner@acme.test", WRONG)
    calls = journal_calls("login")
    assert refused(start_login(visitor("203.0.113.99", proxy=PROXY), "owner@acme.test"))
    assert journal_calls("login") == calls


# ---------------------------------------------------------------------------
# Limits: per (email, client), per address, per email
# ---------------------------------------------------------------------------


def test_one_address_guessing_many_emails_is_stopped_and_other_addresses_are_not(settings):
    settings.THROTTLE_ADDRESS_LIMIT = 3
    create_company()
    guesser = visitor("203.0.113.7")
    for n in range(3):
        start_login(guesser, f"guess{n}@acme.test", WRONG)
    calls = journal_calls("login")
    assert refused(start_login(guesser, "owner@acme.test"))
    assert journal_calls("login") == calls
    assert start_login(visitor("203.0.113.8"), "owner@acme.test").status_code == 302


def test_failures_for_one_email_from_many_addresses_bring_a_growing_delay_not_a_lockout():
    create_company()
    with time_machine.travel(MOMENT, tick=False) as clock:
        for n in range(5):
            assert not refused(start_login(visitor(f"203.0.113.{n}"), "owner@acme.test", WRONG))
        # Five failures: the next attempt, from anywhere, waits 2 seconds.
        calls = journal_calls("login")
        response = start_login(visitor("198.51.100.1"), "owner@acme.test")
        assert "Too many attempts. Try again at 10:01." in response.content.decode()
        assert journal_calls("login") == calls
        clock.shift(2)
        assert not refused(start_login(visitor("203.0.113.10"), "owner@acme.test", WRONG))
        # The sixth failure doubles the delay to 4 seconds.
        clock.shift(3)
        assert refused(start_login(visitor("198.51.100.1"), "owner@acme.test"))
        clock.shift(1)
        assert start_login(visitor("198.51.100.1"), "owner@acme.test").status_code == 302


def test_the_per_email_delay_never_exceeds_its_cap(settings):
    settings.THROTTLE_EMAIL_MAX_DELAY = 60
    factory = RequestFactory()
    with time_machine.travel(MOMENT, tick=False):
        for n in range(30):
            throttle.record_failure(factory.post("/", REMOTE_ADDR=f"203.0.113.{n}"), "a@acme.test")
        until = throttle.blocked_until(factory.post("/", REMOTE_ADDR="198.51.100.1"), "a@acme.test")
    assert until == MOMENT + timedelta(seconds=60)


def test_the_refusal_is_the_same_message_whatever_the_cause(settings):
    settings.THROTTLE_ADDRESS_LIMIT = 6
    create_company()
    with time_machine.travel(MOMENT, tick=False):
        same_pair = visitor("203.0.113.1")
        for _ in range(5):
            start_login(same_pair, "owner@acme.test", WRONG)
        start_login(same_pair, "guess@acme.test", WRONG)  # the address's sixth failure
        messages = {
            "per email and client": start_login(same_pair, "owner@acme.test"),
            "per address": start_login(same_pair, "fresh@acme.test"),
            "per email, from anywhere": start_login(visitor("198.51.100.1"), "owner@acme.test"),
        }
    shown = {}
    for cause, response in messages.items():
        found = REFUSED.search(response.content.decode())
        assert found, cause
        shown[cause] = re.sub(r"\d\d:\d\d", "HH:MM", found[0])
    assert set(shown.values()) == {"Too many attempts. Try again at HH:MM."}


def test_a_successful_sign_in_clears_the_per_email_delay():
    create_company()
    with time_machine.travel(MOMENT, tick=False) as clock:
        for n in range(8):
            start_login(visitor(f"203.0.113.{n}"), "owner@acme.test", WRONG)
        clock.shift(16)  # the delay after eight failures
        portal_sign_in(visitor("198.51.100.1"), "owner@acme.test")
        # Counting starts again: one more failure brings no delay.
        start_login(visitor("198.51.100.2"), "owner@acme.test", WRONG)
        assert start_login(visitor("198.51.100.3"), "owner@acme.test").status_code == 302


# ---------------------------------------------------------------------------
# Known devices
# ---------------------------------------------------------------------------


def test_a_browser_that_signed_in_before_is_not_slowed_by_other_addresses_failures():
    create_company()
    browser = visitor("198.51.100.1")
    portal_sign_in(browser, "owner@acme.test")
    browser.post("/logout/")
    with time_machine.travel(MOMENT, tick=False):
        for n in range(12):
            start_login(visitor(f"203.0.113.{n}"), "owner@acme.test", WRONG)
        assert refused(start_login(visitor("198.51.100.2"), "owner@acme.test"))
        # The same office address as an attacker, even: the browser answers for itself.
        browser.defaults["REMOTE_ADDR"] = "203.0.113.0"
        assert start_login(browser, "owner@acme.test").status_code == 302


def test_the_known_device_cookie_is_signed_long_lived_and_holds_no_personal_data():
    create_company()
    browser = visitor("198.51.100.1")
    start_login(browser, "owner@acme.test")
    assert throttle.DEVICE_COOKIE not in browser.cookies  # not before the code is right
    response = portal_sign_in(browser, "owner@acme.test")
    cookie = response.cookies[throttle.DEVICE_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 90 * 24 * 3600
    assert "owner" not in cookie.value
    assert "acme" not in cookie.value


def test_a_known_browser_is_still_stopped_by_its_own_wrong_passwords():
    create_company()
    browser = visitor("198.51.100.1")
    portal_sign_in(browser, "owner@acme.test")
    browser.post("/logout/")
    for _ in range(5):
        start_login(browser, "owner@acme.test", WRONG)
    assert refused(start_login(browser, "owner@acme.test"))
    # Its failures are its own: a fresh browser at the same address is not stopped.
    with time_machine.travel(timedelta(minutes=2)):
        assert start_login(visitor("198.51.100.1"), "owner@acme.test").status_code == 302


def test_a_forged_known_device_cookie_counts_for_nothing():
    create_company()
    for n in range(12):
        start_login(visitor(f"203.0.113.{n}"), "owner@acme.test", WRONG)
    forger = visitor("198.51.100.9")
    digest = throttle.email_digest("owner@acme.test")
    forger.cookies[throttle.DEVICE_COOKIE] = f"device:{digest}"
    assert refused(start_login(forger, "owner@acme.test"))


# ---------------------------------------------------------------------------
# Atomic counting
# ---------------------------------------------------------------------------


def test_failures_of_two_workers_at_the_same_moment_are_all_counted(settings, monkeypatch):
    """Another worker's failure lands between this worker's first cache call and its
    next ones, as on a shared Redis: a read-modify-write would lose it."""
    settings.THROTTLE_ADDRESS_LIMIT = 6
    factory = RequestFactory()
    backend = caches["default"]
    race = {"due": False, "n": 0}

    def racing(name: str):
        original = getattr(backend, name)

        def call(*args, **kwargs):
            answer = original(*args, **kwargs)
            if race["due"]:
                race["due"] = False
                race["n"] += 1
                other = factory.post("/", REMOTE_ADDR="203.0.113.5")
                throttle.record_failure(other, f"other{race['n']}@acme.test")
            return answer

        return call

    for name in ("get", "get_many", "set", "add", "incr", "touch"):
        monkeypatch.setattr(backend, name, racing(name))
    for n in range(3):
        race["due"] = True
        throttle.record_failure(factory.post("/", REMOTE_ADDR="203.0.113.5"), f"me{n}@acme.test")
    # Six failures from this address, three of them raced: all counted.
    fresh = factory.post("/", REMOTE_ADDR="203.0.113.5")
    assert throttle.blocked_until(fresh, "fresh@acme.test") is not None
