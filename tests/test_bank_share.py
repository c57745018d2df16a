"""Each company's fair share of the bank's call budget (codego.budget).

One credential serves every company, and the bank allows it 200 calls per 10 s.
A company (or, before sign-in, an address) may use a share of that; past it
that company gets 429 with Retry-After, and every other company goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import time_machine

from codego import budget
from codego.errors import RateLimited, ShareExceeded
from sandbox import bank
from sandbox.models import Iban, JournalEntry
from tests.conftest import create_company, latest_code, most_calls_in_any_window, portal_sign_in
from tests.test_banking_payments import PAYEE_IBAN, sent

COMPANY_A = budget.Party(budget.COMPANY, "a", 0.25)
COMPANY_B = budget.Party(budget.COMPANY, "b", 0.25)
TOO_MANY = "Too many requests from your company."


def calls(the_budget: budget.Budget, party: budget.Party | None, n: int, endpoint: str = "x"):
    with budget.asking_for(party):
        for _ in range(n):
            the_budget.acquire(endpoint)


# ---------------------------------------------------------------------------
# The counting, with the cache alone
# ---------------------------------------------------------------------------


def test_a_company_over_its_share_is_refused_while_another_is_served():
    the_budget = budget.Budget("credential", 200, 10)
    calls(the_budget, COMPANY_A, 50)
    with budget.asking_for(COMPANY_A), pytest.raises(ShareExceeded) as refused:
        the_budget.acquire("dashboard")
    assert 1 <= refused.value.retry_after <= 11
    assert refused.value.for_company
    assert str(refused.value.user_message).startswith(TOO_MANY)
    calls(the_budget, COMPANY_B, 50)  # B's own 50 all pass


def test_the_share_is_counted_over_a_sliding_window_and_says_when_there_is_room():
    the_budget = budget.Budget("credential", 200, 10)
    with time_machine.travel(1_000_000, tick=False) as clock:
        calls(the_budget, COMPANY_A, 30)
        clock.shift(4)
        calls(the_budget, COMPANY_A, 20)
        with budget.asking_for(COMPANY_A), pytest.raises(ShareExceeded) as refused:
            the_budget.acquire("dashboard")
        # The first 30 leave the window 7 s on (10 s plus the second they were in).
        assert refused.value.retry_after == 7
        clock.shift(6)
        with budget.asking_for(COMPANY_A), pytest.raises(ShareExceeded):
            the_budget.acquire("dashboard")
        clock.shift(1)
        calls(the_budget, COMPANY_A, 30)


def test_the_whole_budget_still_guards_every_company_together():
    the_budget = budget.Budget("credential", 8, 10)
    for n in range(4):
        calls(the_budget, budget.Party(budget.COMPANY, str(n), 0.25), 2)
    late = budget.Party(budget.COMPANY, "late", 0.25)
    with budget.asking_for(late), pytest.raises(RateLimited) as refused:
        the_budget.acquire("dashboard")
    assert not isinstance(refused.value, ShareExceeded)


def test_a_payments_confirmation_and_the_sessions_own_calls_pass_a_company_over_its_share():
    the_budget = budget.Budget("credential", 200, 10)
    calls(the_budget, COMPANY_A, 50)
    for endpoint in ("iban_confirmotp", "updateUserLive", "logout"):
        calls(the_budget, COMPANY_A, 1, endpoint)
    with budget.asking_for(COMPANY_A), pytest.raises(ShareExceeded):
        the_budget.acquire("iban_sendmoney")


def test_a_walk_over_many_pages_waits_for_room_rather_than_stopping():
    the_budget = budget.Budget("credential", 4, 1)  # a share of 1 call per second
    started = time.monotonic()
    with budget.patiently(5):
        calls(the_budget, COMPANY_A, 3)
    assert 1.5 < time.monotonic() - started < 6


def test_a_company_over_its_share_is_said_once_per_window_not_once_per_call(caplog):
    the_budget = budget.Budget("credential", 200, 10)
    calls(the_budget, COMPANY_A, 50)
    with caplog.at_level(logging.WARNING, logger="codego.budget"):
        for _ in range(20):
            with budget.asking_for(COMPANY_A), pytest.raises(ShareExceeded):
                the_budget.acquire("dashboard")
    lines = [r for r in caplog.records if r.name == "codego.budget"]
    assert len(lines) == 1
    assert "party=company:a" in lines[0].getMessage()


# ---------------------------------------------------------------------------
# The portal's pages
# ---------------------------------------------------------------------------


def use_up_the_share(client, page: str = "/dashboard/?refresh=1") -> None:
    """Page views that each ask the bank, until the company's share is used."""
    for _ in range(60):
        if client.get(page).status_code == 429:
            return
    raise AssertionError("the share never ran out")


@pytest.mark.django_db
def test_a_company_over_its_share_gets_the_429_page_and_another_company_is_served(client, caplog):
    portal_sign_in(client, create_company("a@acme.test").email)
    other = type(client)()
    portal_sign_in(other, create_company("b@acme.test").email)

    with caplog.at_level(logging.WARNING):
        use_up_the_share(client)
        response = client.get("/transactions/")
        served = other.get("/dashboard/?refresh=1")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 11
    html = response.content.decode()
    assert TOO_MANY in html
    assert "Try again" in html
    assert "Traceback" not in html
    assert served.status_code == 200
    assert "Total across your accounts" in served.content.decode()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # One line says it; Django's "Too Many Requests" per request does not.
    assert len([r for r in caplog.records if r.name == "codego.budget"]) == 1
    assert not [r for r in caplog.records if "Too Many Requests" in r.getMessage()]


@pytest.mark.django_db
def test_an_htmx_request_over_the_share_gets_a_note_at_the_top_of_its_page(client):
    portal_sign_in(client, create_company().email)
    use_up_the_share(client)

    response = client.get("/dashboard/?refresh=1", headers={"HX-Request": "true"})

    assert response.status_code == 429
    assert response["HX-Retarget"] == "#messages"
    assert response["HX-Reselect"] == "#too-many"
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="too-many"' in html
    assert TOO_MANY in html


@pytest.mark.django_db
def test_pages_from_the_sessions_copies_cost_no_share_and_refresh_does(client):
    company = create_company()
    portal_sign_in(client, company.email)
    client.get("/dashboard/")
    before = JournalEntry.objects.count()

    for _ in range(80):  # more than the share: none of them asks the bank
        assert client.get("/dashboard/").status_code == 200
    assert JournalEntry.objects.count() == before

    use_up_the_share(client)
    # Its copy is still shown (it asks nothing); asking again is refused.
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/dashboard/?refresh=1").status_code == 429


@pytest.mark.django_db
def test_a_payment_already_sent_gets_its_confirmation_over_the_share(client):
    company = create_company()
    portal_sign_in(client, company.email)
    from codego.client import get_client
    from tests.conftest import sign_in

    get_client().add_beneficiary(
        sign_in(company), type="business", account=PAYEE_IBAN, company_name="Contoso GmbH"
    )
    payee_id = str(company.beneficiaries.get().pk)
    payment = sent(client, Iban.objects.get(company=company), payee_id)
    use_up_the_share(client)

    code = latest_code(company.email)
    response = client.post(f"/payments/{payment.unique_id}/confirm/", {"otp": code})

    assert response.status_code in (200, 302), response.content.decode()[:2000]
    ok = JournalEntry.objects.filter(endpoint="iban_confirmotp", outcome="ok")
    assert ok.count() == 1


@pytest.mark.django_db
def test_sign_ins_from_one_address_have_a_share_of_their_own(client, settings):
    settings.CODEGO_ADDRESS_SHARE = 0.02  # 4 calls per 10 s
    company = create_company()
    answers = [
        client.post("/login/", {"email": company.email, "password": "Secret-pass-1"})
        for _ in range(6)
    ]
    html = answers[-1].content.decode()
    assert "Too many requests from your network." in html
    assert answers[-1].status_code < 500
    # Another address signs in as usual.
    other = type(client)(REMOTE_ADDR="192.0.2.7")
    portal_sign_in(other, company.email)
    assert other.get("/dashboard/").status_code == 200


# ---------------------------------------------------------------------------
# A flood from several threads, as a script or a stuck tab would send it
# ---------------------------------------------------------------------------


def _browser(base: str, email: str) -> requests.Session:
    browser = requests.Session()
    assert browser.get(f"{base}/login/", timeout=10).status_code == 200

    def post(path: str, data: dict[str, str]) -> requests.Response:
        token = browser.cookies["csrftoken"]
        return browser.post(
            f"{base}{path}", data={"csrfmiddlewaretoken": token, **data}, timeout=10
        )

    assert post("/login/", {"email": email, "password": "Secret-pass-1"}).status_code == 200
    assert post("/login/verify/", {"otp": latest_code(email)}).url.endswith("/dashboard/")
    return browser


def flood(base: str, flooder: requests.Session, others: list[requests.Session]) -> dict:
    """300 of A's page views in 10 s from six threads; five views of each other company."""
    answers: list[requests.Response] = []
    theirs: list[requests.Response] = []
    lock = threading.Lock()
    started = time.monotonic()

    def a(thread: int) -> None:
        for turn in range(50):
            due = started + (turn * 6 + thread) * 10 / 300
            time.sleep(max(0.0, due - time.monotonic()))
            answer = flooder.get(f"{base}/dashboard/?refresh=1", timeout=10)
            with lock:
                answers.append(answer)

    def b(browser: requests.Session) -> None:
        for n, page in enumerate(
            ("/dashboard/", "/transactions/", "/accounts/", "/beneficiaries/", "/notifications/")
        ):
            time.sleep(max(0.0, started + 1 + n * 1.8 - time.monotonic()))
            answer = browser.get(f"{base}{page}", timeout=10)
            with lock:
                theirs.append(answer)

    with ThreadPoolExecutor(6 + len(others)) as pool:
        jobs = [pool.submit(a, n) for n in range(6)] + [pool.submit(b, o) for o in others]
        for job in jobs:
            job.result()
    return {"a": answers, "b": theirs, "took": time.monotonic() - started}


def assert_fair(result: dict, budget_per_window: int) -> None:
    a, b = result["a"], result["b"]
    assert len(a) == 300
    assert result["took"] < 25
    assert {answer.status_code for answer in a} <= {200, 429}
    refused = [answer for answer in a if answer.status_code == 429]
    assert refused
    assert all(1 <= int(answer.headers["Retry-After"]) <= 11 for answer in refused)
    assert all(TOO_MANY in answer.text for answer in refused)
    assert [answer.status_code for answer in b] == [200] * len(b), [x.text[:300] for x in b]
    assert all("Traceback" not in answer.text for answer in a + b)
    assert most_calls_in_any_window(10) <= budget_per_window


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_one_company_flooding_from_six_threads_leaves_another_served(live_server, caplog, settings):
    # The live server speaks plain HTTP on loopback: cookies without the Secure flag.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    bank.ensure_plans()  # a flush of an earlier test removed them
    flooder = _browser(live_server.url, create_company("flood@acme.test").email)
    other = _browser(live_server.url, create_company("calm@acme.test").email)
    JournalEntry.objects.all().delete()

    with caplog.at_level(logging.WARNING):
        result = flood(live_server.url, flooder, [other])

    assert_fair(result, 200)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
