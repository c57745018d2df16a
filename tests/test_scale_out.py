"""Limits shared by every worker, and PostgreSQL or Redis going down and coming back.

The cross-process tests run under `make test-services` (PostgreSQL and Redis from
scripts/with-services.sh) and are skipped elsewhere: the portal under gunicorn with
two workers and DEBUG off, the simulator served over HTTP by a second gunicorn as
its upstream, both on the test database and the test's Redis database. Loopback
only; every server is stopped when its test ends, passed or not.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client, RequestFactory

from bench.production import OTP, environment, free_port, gunicorn
from codego.errors import RateLimited
from portal import session as portal_session
from sandbox import bank
from sandbox.models import Company, JournalEntry
from tests.conftest import create_company, journal_calls, most_calls_in_any_window, portal_sign_in
from tests.test_bank_share import assert_fair, flood

ROOT = Path(__file__).resolve().parent.parent
ON_SERVICES = os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get(
    "CACHE_URL", ""
).startswith("redis")
across_processes = pytest.mark.skipif(
    not ON_SERVICES, reason="needs PostgreSQL and Redis: run through `make test-services`"
)
PASSWORD = "Secret-pass-1"
RATE_LIMIT = 200  # calls per 10 s per credential, as the API documents
# The worker's pid and the request id of each answer, to tell which worker served it.
ACCESS_LOG = "--access-logformat 'pid=%(p)s rid=%({x-request-id}o)s %(m)s %(U)s %(s)s'"
BUSY = str(RateLimited.user_message)
TOO_MANY = "Too many requests from your company."
UNAVAILABLE = "The portal is temporarily unavailable"


# ---------------------------------------------------------------------------
# The heartbeat's claim, raced deterministically (any cache, no server)
# ---------------------------------------------------------------------------


def test_two_workers_keeping_one_session_alive_at_once_call_the_bank_once(db, monkeypatch):
    """Another worker's whole heartbeat runs right after this one read the stamp of
    the last call, as on a shared Redis: only one of them calls updateUserLive."""
    company = create_company()
    browser = Client()
    portal_sign_in(browser, company.email)
    session_key = browser.cookies["sessionid"].value
    live_key = f"live:{session_key}"
    cache.set(live_key, time.time() - 31, 300)  # the last call was 31 s ago

    other_worker = RequestFactory().post("/heartbeat/")
    other_worker.session = browser.session  # the same session, loaded by another worker
    backend = caches["default"]
    original_get, original_get_many = backend.get, backend.get_many
    race = {"armed": True}

    def other_worker_runs_now() -> None:
        race["armed"] = False
        assert portal_session.keep_token_alive(other_worker)

    # The stamp is read alone or with the activity clock, in one round trip.
    def racing_get(key: str, *args: object, **kwargs: object) -> object:
        value = original_get(key, *args, **kwargs)
        if race["armed"] and key == live_key:
            other_worker_runs_now()
        return value

    def racing_get_many(keys: list[str], *args: object, **kwargs: object) -> object:
        values = original_get_many(keys, *args, **kwargs)
        if race["armed"] and live_key in keys:
            other_worker_runs_now()
        return values

    monkeypatch.setattr(backend, "get", racing_get)
    monkeypatch.setattr(backend, "get_many", racing_get_many)
    before = journal_calls("updateUserLive")
    assert browser.post("/heartbeat/").status_code == 204
    assert not race["armed"]
    assert journal_calls("updateUserLive") == before + 1


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


@dataclass
class Servers:
    portal: str  # base URL
    log: Path  # the portal's access and error log


def _database_url(port: int | None = None) -> str:
    """The test database, as the servers reach it (through `port` when given)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{port or db['PORT']}/{db['NAME']}"


def _server_env(static_root: Path, port: int, upstream: str, **extra: str) -> dict[str, str]:
    overrides = {
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": _database_url(),
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "CODEGO_RATE_LIMIT": str(RATE_LIMIT),
        "SANDBOX_RATE_LIMIT": str(RATE_LIMIT),
        "PYTHONUNBUFFERED": "1",  # the access log is read while the server runs
        "GUNICORN_CMD_ARGS": ACCESS_LOG,
        **extra,
    }
    env = environment(static_root, port, upstream=upstream, **overrides)
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


@contextmanager
def production(
    static_root: Path, workdir: Path, *, workers: int = 2, **portal_extra: str
) -> Iterator[Servers]:
    """The simulator (one worker) and the portal (`workers` workers) as production runs
    them; `portal_extra` changes the portal's environment only."""
    bank_port, portal_port = free_port(), free_port()
    # A bank that takes 30 ms to answer keeps each portal request busy for as long.
    simulator = _server_env(
        static_root,
        bank_port,
        "sandbox:",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="8",
        SANDBOX_LATENCY_MS="30",
    )
    # Two threads and two connections per worker: concurrent requests reach both workers.
    portal = _server_env(
        static_root,
        portal_port,
        f"http://127.0.0.1:{bank_port}/sandbox/api",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS="2",
        GUNICORN_CMD_ARGS=f"{ACCESS_LOG} --worker-connections 2",
        **portal_extra,
    )
    log = workdir / "portal.log"
    with gunicorn(simulator, workdir / "simulator.log"), gunicorn(portal, log):
        yield Servers(portal=f"http://127.0.0.1:{portal_port}", log=log)


@pytest.fixture
def servers(transactional_db, static_root: Path, tmp_path: Path) -> Iterator[Servers]:
    with production(static_root, tmp_path) as running:
        yield running


def company_for_servers(email: str) -> Company:
    """A live company whose password the servers' (production) hasher can check."""
    bank.ensure_plans()  # a flush of an earlier test removed them
    company = create_company(email)
    # Few iterations: the password is checked on every sign-in of the test.
    company.password_hash = PBKDF2PasswordHasher().encode(PASSWORD, "saltsalt", iterations=1000)
    company.save(update_fields=["password_hash"])
    return company


def new_browser(base: str) -> requests.Session:
    """A browser with the sign-in page's CSRF cookie; every request on a new connection,
    so that the kernel hands them to either worker."""
    browser = requests.Session()
    browser.headers["Connection"] = "close"
    assert browser.get(f"{base}/login/", timeout=10).status_code == 200
    return browser


def post_form(browser: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    token = browser.cookies["csrftoken"]
    return browser.post(
        url, data={"csrfmiddlewaretoken": token, **data}, allow_redirects=False, timeout=10
    )


def sign_in_over_http(base: str, email: str) -> requests.Session:
    browser = new_browser(base)
    answer = post_form(browser, f"{base}/login/", {"email": email, "password": PASSWORD})
    assert answer.status_code == 302, answer.text[:500]
    answer = post_form(browser, f"{base}/login/verify/", {"otp": OTP})
    assert answer.status_code == 302, answer.text[:500]
    return browser


def workers_that_served(log: Path, answers: list[requests.Response]) -> set[str]:
    """The pids of the workers that answered `answers` (from the access log, which
    gunicorn writes just after the answer is sent)."""
    wanted = {answer.headers["X-Request-ID"] for answer in answers}
    deadline = time.monotonic() + 5
    while True:
        found = re.findall(r"pid=<?(\d+)>? rid=(\S+)", log.read_text())
        by_request = {rid: pid for pid, rid in found if rid in wanted}
        if len(by_request) == len(wanted) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(by_request) == len(wanted), "answers missing from the access log"
    return set(by_request.values())


# ---------------------------------------------------------------------------
# Limits across workers
# ---------------------------------------------------------------------------


@pytest.mark.slow
@across_processes
def test_one_company_flooding_two_workers_leaves_another_served(servers):
    flooder = sign_in_over_http(servers.portal, company_for_servers("flood@acme.test").email)
    other = sign_in_over_http(servers.portal, company_for_servers("calm@acme.test").email)
    for browser in (flooder, other):
        browser.headers["Connection"] = "close"  # either worker may take each request
    JournalEntry.objects.all().delete()

    result = flood(servers.portal, flooder, [other])

    assert_fair(result, RATE_LIMIT)
    # The share is counted once for both workers: about a quarter of the budget passed.
    served = [answer for answer in result["a"] if answer.status_code == 200]
    assert len(served) <= RATE_LIMIT // 4
    assert len(workers_that_served(servers.log, result["a"])) == 2
    assert "ERROR" not in servers.log.read_text()


@pytest.mark.slow
@across_processes
def test_250_page_calls_in_10_seconds_on_two_workers_reach_the_bank_at_most_200_times(servers):
    browsers = [
        sign_in_over_http(servers.portal, company_for_servers(f"burst{n}@acme.test").email)
        for n in range(5)
    ]
    answers: list[requests.Response] = []
    started = time.monotonic()

    def browse(index: int) -> None:
        for turn in range(50):
            # 250 page views evenly over 10 s, five browsers taking turns.
            due = started + (turn * len(browsers) + index) * 10 / 250
            time.sleep(max(0.0, due - time.monotonic()))
            answers.append(browsers[index].get(f"{servers.portal}/accounts/", timeout=10))

    with ThreadPoolExecutor(len(browsers)) as pool:
        list(pool.map(browse, range(len(browsers))))
    took = time.monotonic() - started

    assert len(answers) == 250
    assert took < 20, f"the 250 page views took {took:.1f} s"
    assert {a.status_code for a in answers} <= {200, 429, 503}
    busy = [a for a in answers if a.status_code != 200]
    # Sign-ins and 250 page views do not fit in 200 calls: some are turned away, clearly
    # (a company past its share of the budget with 429, the whole budget with 503).
    assert busy
    assert all(BUSY in a.text or TOO_MANY in a.text for a in busy)
    assert all("Traceback" not in a.text for a in busy)
    assert most_calls_in_any_window(10) <= RATE_LIMIT
    # The portal held back, so the bank never had to refuse.
    assert not JournalEntry.objects.filter(http_status=429).exists()
    assert len(workers_that_served(servers.log, answers)) == 2


@pytest.mark.slow
@across_processes
def test_one_session_beating_on_both_workers_keeps_its_token_alive_with_one_call(servers):
    browser = sign_in_over_http(servers.portal, company_for_servers("beat@acme.test").email)
    cookies = browser.cookies.get_dict()
    headers = {"X-CSRFToken": cookies["csrftoken"], "Connection": "close"}
    live_key = f"live:{cookies['sessionid']}"
    beats: list[requests.Response] = []

    def beat(_: int) -> requests.Response:
        url = f"{servers.portal}/heartbeat/"
        return requests.post(url, cookies=cookies, headers=headers, timeout=10)

    for _round in range(3):
        cache.set(live_key, time.time() - 31, 300)  # as if the last call was 31 s ago
        before = journal_calls("updateUserLive")
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(beat, range(16)))
        assert [a.status_code for a in answers] == [204] * 16
        assert journal_calls("updateUserLive") == before + 1
        beats += answers
    assert len(workers_that_served(servers.log, beats)) == 2


@pytest.mark.slow
@across_processes
def test_wrong_passwords_on_both_workers_add_up_to_one_lockout(servers):
    email = company_for_servers("guess@acme.test").email

    def wrong_password(_: int) -> requests.Response:
        browser = new_browser(servers.portal)
        return post_form(browser, f"{servers.portal}/login/", {"email": email, "password": "x"})

    with ThreadPoolExecutor(5) as pool:
        failures = list(pool.map(wrong_password, range(settings.THROTTLE_PAIR_LIMIT)))
    assert all(a.status_code != 302 for a in failures)
    # Counted per process, each worker would have seen fewer than five.
    assert len(workers_that_served(servers.log, failures)) == 2

    def right_password(_: int) -> requests.Response:
        browser = new_browser(servers.portal)
        return post_form(
            browser, f"{servers.portal}/login/", {"email": email, "password": PASSWORD}
        )

    with ThreadPoolExecutor(4) as pool:
        refused = list(pool.map(right_password, range(4)))
    assert all(a.status_code != 302 and "Too many attempts" in a.text for a in refused)


# ---------------------------------------------------------------------------
# PostgreSQL or Redis down
# ---------------------------------------------------------------------------


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen]:
    """A throw-away Redis on loopback, stopped when the block ends."""
    server = subprocess.Popen(  # noqa: S603 - our own Redis, on loopback
        [
            shutil.which("redis-server") or "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


class Relay:
    """A loopback TCP relay in front of a server. `cut()` is the server stopping:
    open connections are reset and new ones refused; `restore()` brings it back."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.open: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        if self.listener is not None:
            with suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
            self.listener.close()
            self.listener = None
        for sock in list(self.open):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:  # cut
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def assert_outage_page(answer: requests.Response) -> None:
    assert answer.status_code == 503
    assert UNAVAILABLE in answer.text
    assert "Traceback" not in answer.text
    assert answer.headers["Retry-After"]


@pytest.mark.slow
@across_processes
def test_pages_answer_503_while_redis_is_stopped_and_work_again_when_it_is_back(
    transactional_db, static_root, tmp_path
):
    email = company_for_servers("redis@acme.test").email
    redis_port = free_port()
    with ExitStack() as stack:
        redis = stack.enter_context(redis_server(redis_port))
        cache_url = f"redis://127.0.0.1:{redis_port}/0"
        base = stack.enter_context(production(static_root, tmp_path, CACHE_URL=cache_url)).portal
        browser = sign_in_over_http(base, email)
        assert browser.get(f"{base}/dashboard/", timeout=10).status_code == 200

        redis.terminate()
        redis.wait(timeout=10)
        for path in ("/dashboard/", "/accounts/", "/login/"):
            started = time.monotonic()
            assert_outage_page(browser.get(f"{base}{path}", timeout=10))
            assert time.monotonic() - started < 5  # failing fast, not hanging

        stack.enter_context(redis_server(redis_port))  # back, and empty
        # The session was written through to PostgreSQL: still signed in.
        assert browser.get(f"{base}/dashboard/", timeout=10).status_code == 200
        assert new_browser(base).get(f"{base}/login/", timeout=10).status_code == 200


@pytest.mark.slow
@across_processes
def test_pages_answer_503_while_postgresql_is_unreachable_and_work_again_when_it_is_back(
    transactional_db, static_root, tmp_path
):
    """The portal's database goes away (the bank's stays up). A relay in front of
    PostgreSQL is cut and restored: stopping the shared server would take the other
    test worker's database down with it."""
    email = company_for_servers("postgres@acme.test").email
    relay = Relay(int(connection.settings_dict["PORT"]))
    try:
        with production(static_root, tmp_path, DATABASE_URL=_database_url(relay.port)) as running:
            base = running.portal
            browser = sign_in_over_http(base, email)
            assert browser.get(f"{base}/dashboard/", timeout=10).status_code == 200

            relay.cut()
            # A sign-in must save its new session.
            visitor = new_browser(base)
            answer = post_form(visitor, f"{base}/login/", {"email": email, "password": PASSWORD})
            assert_outage_page(answer)
            # A session the cache no longer holds must be read from the database.
            cache.clear()
            for path in ("/dashboard/", "/accounts/"):
                assert_outage_page(browser.get(f"{base}{path}", timeout=10))

            relay.restore()
            assert browser.get(f"{base}/dashboard/", timeout=10).status_code == 200
    finally:
        relay.cut()
