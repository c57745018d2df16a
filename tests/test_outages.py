"""The cache or the database down: the themed 503, never a 500, and back by itself.

In-process, the cache goes down for real: the settings point it at a Redis port
where nothing listens. The same with a stopped Redis and PostgreSQL under
gunicorn is in tests/test_scale_out.py.
"""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from portal.outage import outage_cause
from tests.conftest import create_company, portal_sign_in

pytestmark = pytest.mark.django_db

# Port 1 on loopback: connection refused at once, as from a stopped Redis.
CACHE_DOWN = override_settings(
    CACHES={
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
)
UNAVAILABLE = "The portal is temporarily unavailable"


@pytest.fixture
def client() -> Client:
    """A browser as the server sees it: a failure is a response, not a raised exception."""
    return Client(raise_request_exception=False)


def assert_outage_page(response) -> str:
    assert response.status_code == 503
    page = response.content.decode()
    assert UNAVAILABLE in page
    for detail in ("Traceback", "Redis", "Error 111"):
        assert detail not in page
    assert response["Retry-After"].isdigit()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    return page


def test_with_the_cache_down_the_sign_in_page_is_the_themed_503_and_comes_back_by_itself(client):
    assert client.get("/login/").status_code == 200
    with CACHE_DOWN:
        page = assert_outage_page(client.get("/login/?next=/dashboard/"))
        assert 'href="/login/?next=/dashboard/"' in page  # "Try again" comes back here
        assert "Business Banking" in page  # the neutral brand: the operator's is cached
    assert client.get("/login/").status_code == 200


def test_with_the_cache_down_a_signed_in_page_is_the_503_and_the_session_survives(client):
    company = create_company()
    portal_sign_in(client, company.email)
    assert client.get("/dashboard/").status_code == 200
    with CACHE_DOWN:
        assert_outage_page(client.get("/dashboard/"))
    # Sessions are written through to the database: nobody was signed out.
    assert client.get("/dashboard/").status_code == 200


def test_an_outage_logs_one_line_per_request_not_a_traceback(client, caplog):
    with CACHE_DOWN, caplog.at_level("WARNING"):
        assert_outage_page(client.get("/login/"))
    assert [r for r in caplog.records if r.name == "django.request"] == []
    (line,) = [r.getMessage() for r in caplog.records if r.name == "portal.outage"]
    assert "ConnectionError" in line
    assert "127.0.0.1:1" in line


def test_an_unexpected_error_still_logs_its_traceback(caplog):
    from portal.request_log import OutageTracebackFilter

    try:
        raise ValueError("a bug")
    except ValueError:
        import sys

        record = logging.LogRecord("django.request", 40, "", 0, "boom", (), sys.exc_info())
    assert OutageTracebackFilter().filter(record) is True


def test_an_htmx_request_during_an_outage_gets_the_message_in_the_main_part(client):
    with CACHE_DOWN:
        response = client.get("/login/", headers={"HX-Request": "true"})
    assert_outage_page(response)
    assert response["HX-Retarget"] == "#main"
    assert response["HX-Reselect"] == "#main"


def test_a_form_sent_during_an_outage_is_answered_with_a_way_back_not_a_retry(client):
    with CACHE_DOWN:
        response = client.post(
            "/login/",
            {"email": "owner@acme.test", "password": "x"},
            headers={"Referer": "http://testserver/login/"},
        )
        page = assert_outage_page(response)
    assert 'href="http://testserver/login/"' in page
    assert "check your transactions before you send it again" in page


def test_a_referer_of_another_site_is_never_the_way_back(client):
    with CACHE_DOWN:
        response = client.post("/login/", {}, headers={"Referer": "https://evil.example/"})
        page = assert_outage_page(response)
    assert "evil.example" not in page


def test_the_failure_is_found_behind_the_error_it_was_raised_from():
    refused = RedisConnectionError("refused")
    wrapped = RuntimeError("while rendering")
    wrapped.__cause__ = refused  # as `raise RuntimeError(...) from refused` leaves it
    assert outage_cause(wrapped) is refused
    assert isinstance(outage_cause(OperationalError("server closed")), OperationalError)
    assert outage_cause(ValueError("a bug, not an outage")) is None
