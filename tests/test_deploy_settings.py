"""Production settings: fail fast when something is missing, pass Django's deploy
checks, never serve the simulator unless asked to, and flag a public demo.

Each test starts `manage.py` in a subprocess, because the settings differ from
the test run's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.production import free_port

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
    # Nothing listens there: pages that ask the bank get "unavailable" at once.
    "CODEGO_API_URL": "http://127.0.0.1:9/api",
    "CODEGO_TIMEOUT": "1",
}

# Through the portal's own URLconf and middleware, as a browser over HTTPS would.
GET_STATUS = """
from django.test import Client
browser = Client(HTTP_HOST="portal.example.com")
for path in PATHS:
    print("status", path, browser.get(path, secure=True).status_code)
"""

# A public demo: a migrated in-memory database, one email, a stranger asking for it.
STRANGER_READS_MAILBOX = """
from django.core.management import call_command
from django.test import Client
from sandbox.models import Mail
call_command("migrate", verbosity=0)
Mail.objects.create(to="demo@codego.test", subject="Sign-in code", body="123456", kind="login_otp")
answer = Client(HTTP_HOST="portal.example.com").get(
    "/sandbox/mailbox.json?to=demo@codego.test", secure=True
)
print("answer", answer.status_code, answer.content.decode())
"""


def _run(
    env: dict[str, str], *args: str, command: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`manage.py args` (or `command`) as production would start it."""
    # The test run's own variables (debug, secret, simulator switches, the async
    # switch Playwright needs) must not leak into what production would see.
    leaks = (
        "DEBUG",
        "SECRET_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DJANGO_SETTINGS_MODULE",
        "SANDBOX_",
        "CODEGO_",
        "STATIC_ROOT",
        "TRUSTED_PROXY_COUNT",
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(leaks)}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        command or [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _without(*names: str) -> dict[str, str]:
    return {k: v for k, v in PRODUCTION_ENV.items() if k not in names}


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> dict[str, str]:
    """Production settings with `collectstatic` run (once for this module)."""
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path_factory.mktemp("static"))}
    result = _run(env, "collectstatic", "--noinput", "--verbosity", "0")
    assert result.returncode == 0, result.stderr[-2000:]
    return env


# ---------------------------------------------------------------------------
# Production
# ---------------------------------------------------------------------------


@pytest.mark.slow
def test_production_settings_pass_check_deploy_without_warnings(collected):
    result = _run(collected, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("cache_url", "backend", "with_timeouts"),
    [
        ("locmemcache://portal", "portal.cache.LocMemCache", False),
        ("redis://127.0.0.1:6379/0", "portal.cache.RedisCache", True),
    ],
)
def test_production_caches_are_djangos_backends_with_the_quick_key_check(
    cache_url, backend, with_timeouts
):
    env = {**PRODUCTION_ENV, "CACHE_URL": cache_url}
    show = "from django.conf import settings; c = settings.CACHES['default']; "
    show += "print(c['BACKEND'], 'socket_timeout' in c.get('OPTIONS', {}))"
    result = _run(env, "shell", "-c", show)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-1].split() == [backend, str(with_timeouts)]


@pytest.mark.slow
def test_the_portal_refuses_to_start_without_a_secret_key_when_not_in_debug():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.slow
def test_the_portal_refuses_to_start_without_collectstatic(tmp_path):
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "portal.E001" in result.stderr
    assert "static files manifest" in result.stderr
    assert "collectstatic" in result.stderr


GUNICORN_THREADS = (
    "import runpy; print('threads', runpy.run_path('portal/gunicorn_conf.py')['threads'])"
)


@pytest.mark.parametrize(
    ("variables", "threads"),
    [
        ({}, "4"),  # a bank across the network: threads overlap the waits
        ({"CODEGO_API_URL": "sandbox:", "SANDBOX_ENABLED": "true"}, "1"),  # nothing to wait on
        ({"CODEGO_API_URL": "sandbox:", "SANDBOX_ENABLED": "true", "GUNICORN_THREADS": "3"}, "3"),
        # A simulated delay is a wait again.
        (
            {"CODEGO_API_URL": "sandbox:", "SANDBOX_ENABLED": "true", "SANDBOX_LATENCY_MS": "200"},
            "4",
        ),
        ({"GUNICORN_THREADS": "2"}, "2"),
    ],
)
def test_gunicorn_runs_one_thread_a_worker_only_for_the_embedded_simulator(variables, threads):
    env = {**PRODUCTION_ENV, "GUNICORN_THREADS": "", **variables}  # "": not set
    result = _run(env, command=[sys.executable, "-c", GUNICORN_THREADS])
    assert result.returncode == 0, result.stderr
    assert f"threads {threads}" in result.stdout


@pytest.mark.slow
def test_gunicorn_refuses_to_start_without_collectstatic(tmp_path):
    """`make serve`'s server runs the system checks before any worker starts."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path), "PORT": "0"}
    result = _run(env, command=[gunicorn, "-c", "portal/gunicorn_conf.py", "portal.wsgi"])
    assert result.returncode != 0
    assert "portal.E001" in result.stdout + result.stderr


@pytest.mark.slow
def test_gunicorn_serves_as_make_serve_starts_it_with_nothing_but_the_documented_variables(
    collected,
):
    """No DJANGO_SETTINGS_MODULE: `make serve` sets only what the README lists."""
    port = free_port()
    env = {k: v for k, v in collected.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"PORT": str(port), "WEB_CONCURRENCY": "1", "ALLOWED_HOSTS": "127.0.0.1"}
    server = _start_gunicorn(env)
    server.terminate()
    server.wait(timeout=30)


def _start_gunicorn(env: dict[str, str]) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    server = subprocess.Popen(  # noqa: S603 - our own server with fixed arguments
        [gunicorn, "-c", "portal/gunicorn_conf.py", "portal.wsgi:application"],
        cwd=ROOT,
        env={**clean, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{env['PORT']}/healthz", timeout=1):
                return server
        except OSError:
            assert server.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not come up"
            time.sleep(0.2)


@pytest.mark.slow
def test_metrics_under_gunicorn_add_up_every_workers_requests(collected):
    """Two workers, each counting in its own file: /metrics answers for both."""
    port = free_port()
    env = {k: v for k, v in collected.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"PORT": str(port), "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "1"}
    env |= {"ALLOWED_HOSTS": "127.0.0.1", "METRICS_ENABLED": "true"}
    server = _start_gunicorn(env)
    line = 'portal_requests_total{method="GET",status="200",view="healthz"}'

    def counted() -> float:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            rows = [row for row in answer.read().decode().splitlines() if row.startswith(line)]
        return float(rows[0].split()[-1]) if rows else 0.0

    def probe(_: int) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
            pass

    try:
        before = counted()
        # Eight at a time on two single-threaded workers: both of them serve.
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(probe, range(40)))
        after = counted()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert after - before == 40


@pytest.mark.slow
def test_without_an_upstream_the_portal_refuses_to_start_rather_than_run_the_simulator():
    """Once, this served the simulator and its mailbox, sign-in codes included."""
    result = _run(_without("CODEGO_API_URL"), "check")
    assert result.returncode != 0
    assert "CODEGO_API_URL must be set when DEBUG is false" in result.stderr
    assert "SANDBOX_ENABLED=true" in result.stderr


@pytest.mark.slow
def test_the_in_process_simulator_needs_an_explicit_switch_outside_debug():
    result = _run({**PRODUCTION_ENV, "CODEGO_API_URL": "sandbox:"}, "check")
    assert result.returncode != 0
    assert "needs SANDBOX_ENABLED=true" in result.stderr


@pytest.mark.slow
def test_production_serves_no_sandbox_route(collected):
    paths = ["/sandbox/mailbox.json?to=demo@codego.test", "/sandbox/mailbox/", "/sandbox/console/"]
    script = GET_STATUS.replace("PATHS", repr([*paths, "/login/"]))
    result = _run(collected, "shell", "-c", script)
    assert result.returncode == 0, result.stderr[-2000:]
    statuses = dict(
        line.split(" ")[1:] for line in result.stdout.splitlines() if line.startswith("status ")
    )
    assert statuses == {
        "/sandbox/mailbox.json?to=demo@codego.test": "404",
        "/sandbox/mailbox/": "404",
        "/sandbox/console/": "404",
        "/login/": "200",
    }


@pytest.mark.slow
def test_collected_css_and_js_are_minified_hashed_and_compressed(collected):
    root = Path(collected["STATIC_ROOT"])
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    source = (ROOT / "static/css/portal.css").read_text()
    served = (root / manifest["css/portal.css"]).read_text()
    assert "/*" in source
    assert "/*" not in served
    assert len(served) < 0.9 * len(source)
    # Every rule is still there: the same selectors, minus whitespace.
    assert ".hero-amount{" in served
    assert "@media" in served
    assert (root / (manifest["css/portal.css"] + ".br")).exists()
    script = (root / manifest["js/portal.js"]).read_text()
    assert "\n  " not in script
    assert "addEventListener" in script
    vendor = manifest["vendor/htmx/htmx-2.0.11.min.js"]
    assert (root / vendor).read_bytes() == (
        ROOT / "static/vendor/htmx/htmx-2.0.11.min.js"
    ).read_bytes()


# ---------------------------------------------------------------------------
# A public demo: DEBUG off, simulator on by choice
# ---------------------------------------------------------------------------


@pytest.mark.slow
def test_check_deploy_warns_that_a_public_demo_is_a_demo(collected):
    demo = {**_without("CODEGO_API_URL"), "STATIC_ROOT": collected["STATIC_ROOT"]}
    demo["SANDBOX_ENABLED"] = "true"
    result = _run(demo, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "portal.W001" in result.stderr
    assert "This is a demo deployment" in result.stderr
    # Still a warning, not an error: the demo starts.
    assert _run(demo, "check", "--deploy").returncode == 0


@pytest.mark.slow
def test_in_a_public_demo_a_stranger_reads_nobodys_mail(collected):
    demo = {**_without("CODEGO_API_URL"), "STATIC_ROOT": collected["STATIC_ROOT"]}
    demo["SANDBOX_ENABLED"] = "true"
    result = _run(demo, "shell", "-c", STRANGER_READS_MAILBOX)
    assert result.returncode == 0, result.stderr[-2000:]
    answer = next(line for line in result.stdout.splitlines() if line.startswith("answer "))
    _answer, status, body = answer.split(" ", 2)
    assert status == "200"
    assert json.loads(body) == {"emails": []}
