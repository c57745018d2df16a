"""/metrics: the Prometheus text format, off by default, never public."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import create_company, portal_sign_in

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def enabled(settings):
    settings.METRICS_ENABLED = True
    return settings


def test_off_by_default_it_is_not_there(client):
    assert client.get("/metrics").status_code == 404


def test_it_counts_requests_upstream_calls_and_copies(enabled, client):
    portal_sign_in(client, create_company().email)
    client.get("/dashboard/")
    client.get("/dashboard/")  # the second from the session's copy

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'portal_requests_total{method="GET",status="200",view="banking:dashboard"}' in text
    assert 'portal_request_seconds_bucket{le="0.1",view="banking:dashboard"}' in text
    assert 'portal_own_seconds_count{view="banking:dashboard"}' in text
    assert 'codego_upstream_calls_total{endpoint="dashboard",outcome="ok"}' in text
    assert 'codego_upstream_seconds_count{endpoint="dashboard"}' in text
    assert 'portal_copy_reads_total{copy="dashboard",result="hit"}' in text
    assert 'portal_copy_reads_total{copy="dashboard",result="miss"}' in text


def test_an_unlisted_address_gets_a_404_and_a_token_opens_it(enabled):
    enabled.METRICS_TOKEN = "scrape-secret-0123456789"
    outside = {"REMOTE_ADDR": "203.0.113.5"}

    assert Client(**outside).get("/metrics").status_code == 404
    wrong = Client(**outside, HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.get("/metrics").status_code == 404
    right = Client(**outside, HTTP_AUTHORIZATION="Bearer scrape-secret-0123456789")
    assert right.get("/metrics").status_code == 200


def test_a_listed_network_is_let_in(enabled):
    import ipaddress

    enabled.METRICS_NETWORKS = (ipaddress.ip_network("10.0.0.0/8"),)

    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 404


def test_the_workers_figures_add_up(tmp_path):
    """Under gunicorn each worker is a process: two of them count into one directory,
    and the endpoint's collector adds them up."""
    env = {"PATH": "/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = "from codego.metrics import observe_call; observe_call('dashboard', 0.02, 'ok')"
    for _worker in range(2):
        subprocess.run([sys.executable, "-c", count], cwd=ROOT, env=env, check=True)  # noqa: S603
    read = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings_test';"
        "django.setup(); from portal.metrics import exposition; print(exposition().decode())"
    )
    shown = subprocess.run(  # noqa: S603 - our own modules with fixed arguments
        [sys.executable, "-c", read], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout

    assert 'codego_upstream_calls_total{endpoint="dashboard",outcome="ok"} 2.0' in shown
