"""Two portal instances behind a real proxy, sharing PostgreSQL and Redis.

Under `make test-services` (skipped elsewhere): two separate gunicorn servers on
their own ports, HAProxy from Debian in front (round robin, a new connection per
request, so consecutive requests go to different instances), the simulator over
HTTP as their upstream. A session started through one instance is served by the
other, a payment pressed on both at once reaches the bank once, and wrong
passwords sent to both add up to one lockout. Loopback only.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings

from bench.production import OTP, free_port, gunicorn, haproxy
from sandbox.models import Beneficiary, JournalEntry
from tests.test_scale_out import (
    PASSWORD,
    _server_env,
    across_processes,
    company_for_servers,
    new_browser,
    post_form,
    sign_in_over_http,
)

pytestmark = [pytest.mark.slow, across_processes]


@dataclass
class Instances:
    proxy: str
    first: str
    second: str


@pytest.fixture
def instances(transactional_db, static_root: Path, tmp_path: Path) -> Iterator[Instances]:
    bank_port, first, second, proxy = (free_port() for _ in range(4))
    simulator = _server_env(
        static_root, bank_port, "sandbox:", WEB_CONCURRENCY="1", GUNICORN_THREADS="8"
    )
    upstream = f"http://127.0.0.1:{bank_port}/sandbox/api"
    with (
        gunicorn(simulator, tmp_path / "simulator.log"),
        gunicorn(_server_env(static_root, first, upstream), tmp_path / "first.log"),
        gunicorn(_server_env(static_root, second, upstream), tmp_path / "second.log"),
        haproxy(tmp_path, proxy, [first, second]),
    ):
        yield Instances(
            proxy=f"http://127.0.0.1:{proxy}",
            first=f"http://127.0.0.1:{first}",
            second=f"http://127.0.0.1:{second}",
        )


def instance_of(answer: requests.Response, log_of: dict[str, Path]) -> str:
    """Which instance answered (its access log has the request id)."""
    rid = answer.headers["X-Request-ID"]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for name, log in log_of.items():
            if f"rid={rid}" in log.read_text():
                return name
        time.sleep(0.1)
    raise AssertionError("the answer is in neither instance's log")


def test_a_session_started_through_one_instance_is_served_by_the_other(instances, tmp_path):
    company = company_for_servers("two@acme.test")
    browser = sign_in_over_http(instances.proxy, company.email)
    logs = {"first": tmp_path / "first.log", "second": tmp_path / "second.log"}

    through_proxy = [browser.get(f"{instances.proxy}/dashboard/", timeout=10) for _ in range(4)]
    assert all(a.status_code == 200 and company.company_name in a.text for a in through_proxy)
    assert {instance_of(a, logs) for a in through_proxy} == {"first", "second"}
    # And straight to each instance, with the same cookies.
    for base in (instances.first, instances.second):
        answer = requests.get(f"{base}/dashboard/", cookies=browser.cookies, timeout=10)
        assert answer.status_code == 200
        assert company.company_name in answer.text


def test_a_payment_pressed_on_both_instances_at_once_is_sent_once(instances):
    company = company_for_servers("pay-twice@acme.test")
    payee = Beneficiary.objects.create(
        company=company, type="business", company_name="Contoso GmbH",
        iban="DE02120300000000202051", bic="BYLADEM1001",
    )  # fmt: skip
    browser = sign_in_over_http(instances.proxy, company.email)
    form = browser.get(f"{instances.proxy}/payments/new/", timeout=10).text
    key = re.search(r'name="payment_key" value="([^"]+)"', form).group(1)
    drafted = post_form(
        browser,
        f"{instances.proxy}/payments/new/",
        {
            "payment_key": key,
            "iban_id": str(company.ibans.get().pk),
            "beneficiaries_id": str(payee.pk),
            "amount": "120.50",
            "payment_option": "sepa",
            "reason_payment": "Invoice 2026-114",
        },
    )
    review = drafted.headers["Location"]
    cookies, token = browser.cookies, browser.cookies["csrftoken"]

    def press(base: str, path: str, data: dict[str, str]) -> requests.Response:
        return requests.post(
            f"{base}{path}",
            data={"csrfmiddlewaretoken": token, **data},
            cookies=cookies,
            headers={"Referer": f"{base}{path}"},
            allow_redirects=False,
            timeout=10,
        )

    both = (instances.first, instances.second) * 3
    with ThreadPoolExecutor(6) as pool:
        sent = list(pool.map(lambda base: press(base, review, {}), both))
    assert all(answer.status_code in (200, 302) for answer in sent)
    assert JournalEntry.objects.filter(endpoint="iban_sendmoney").count() == 1

    confirm = next(
        a.headers["Location"] for a in sent if "/confirm/" in a.headers.get("Location", "")
    )
    with ThreadPoolExecutor(6) as pool:
        confirmed = list(pool.map(lambda base: press(base, confirm, {"otp": OTP}), both))
    assert all(answer.status_code in (200, 302) for answer in confirmed)
    assert JournalEntry.objects.filter(endpoint="iban_confirmotp").count() == 1


def test_wrong_passwords_on_both_instances_add_up_to_one_lockout(instances):
    email = company_for_servers("guess-two@acme.test").email

    def wrong_password(base: str) -> requests.Response:
        browser = new_browser(base)
        return post_form(browser, f"{base}/login/", {"email": email, "password": "x"})

    limit = settings.THROTTLE_PAIR_LIMIT
    bases = [(instances.first, instances.second)[number % 2] for number in range(limit)]
    with ThreadPoolExecutor(4) as pool:
        failures = list(pool.map(wrong_password, bases))
    assert all(answer.status_code != 302 for answer in failures)

    for base in (instances.first, instances.second):
        browser = new_browser(base)
        answer = post_form(browser, f"{base}/login/", {"email": email, "password": PASSWORD})
        assert answer.status_code != 302
        assert "Too many attempts" in answer.text
