"""Readiness tells the truth: database, cache, upstream and static files, each timed;
503 when one of them fails. Liveness (/healthz) does no I/O at all."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from sandbox import actions
from tests.conftest import journal_calls

CHECKS = {"database", "cache", "upstream", "static"}


def failed(response) -> dict[str, str]:
    return {
        name: c.get("error", "") for name, c in response.json()["checks"].items() if not c["ok"]
    }


@pytest.mark.django_db
def test_readyz_reports_each_dependency_with_its_latency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "ready"
    assert set(answer["checks"]) == CHECKS
    for check in answer["checks"].values():
        assert check["ok"] is True
        assert isinstance(check["ms"], float | int)
        assert check["ms"] >= 0
    assert "no-store" in response["Cache-Control"]
    assert journal_calls("configSetting") == 1


@pytest.mark.django_db
def test_readyz_shows_no_secret_and_no_address(client):
    actions.set_fault(endpoint="configSetting", http_status=500)
    body = client.get("/readyz").content.decode()
    for secret in (
        django_settings.CODEGO_CLIENT_KEY,
        django_settings.CODEGO_SECRET_KEY,
        django_settings.CODEGO_API_KEY,
        django_settings.CODEGO_API_URL,
        django_settings.SECRET_KEY,
    ):
        assert secret not in body


@pytest.mark.django_db
def test_readyz_asks_the_bank_at_most_once_every_few_seconds(client):
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    assert journal_calls("configSetting") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fault", [{"http_status": 500}, {"timeout": True}, {"garbage": True}])
def test_an_unreachable_bank_makes_readyz_answer_503(client, fault):
    actions.set_fault(endpoint="configSetting", **fault)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert set(failed(response)) == {"upstream"}
    assert failed(response)["upstream"]  # the kind of failure, e.g. UpstreamUnavailable


@pytest.mark.django_db
def test_a_missing_static_manifest_makes_readyz_answer_503(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert set(failed(response)) == {"static"}
    assert "manifest" in failed(response)["static"]


def test_an_unreachable_database_makes_readyz_answer_503(client):
    # No `db` fixture: pytest-django refuses every query, as a database that is down.
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "database" in failed(response)


@pytest.mark.django_db
def test_a_cache_that_keeps_nothing_makes_readyz_answer_503(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "cache" in failed(response)


def test_healthz_answers_without_any_io(client):
    # No `db` fixture either: a query would fail the request.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_the_probes_answer_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/login/").status_code == 301
