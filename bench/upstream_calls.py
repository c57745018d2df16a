"""Upstream call benchmark: the simulator in-process and over HTTP on loopback.

Seeds a company in a throw-away SQLite file, signs in through the real client,
then times a mix of dashboard, iban_transaction, getCountriesList and
updateUserLive calls. Prints calls per second and median / p95 milliseconds.

    .venv/bin/python bench/upstream_calls.py [--calls 400]

The API's own limit (200 calls per 10 s per credential) is lifted for the run,
in the client and in the simulator, to measure the code rather than the limit.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKDIR = Path(tempfile.mkdtemp(prefix="codego-bench-"))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key",
        "DATABASE_URL": f"sqlite:///{WORKDIR / 'bench.sqlite3'}",
        "CODEGO_API_URL": "sandbox:",
        "SANDBOX_ENABLED": "true",
        "SANDBOX_RATE_LIMIT": "1000000",
        "SANDBOX_TOKEN_TTL": "3600",
        "CODEGO_LOG_LEVEL": "WARNING",
        "SANDBOX_LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from codego.transport import Transport  # noqa: E402
from codego.types import Credentials  # noqa: E402
from sandbox import demo  # noqa: E402
from sandbox.models import Mail  # noqa: E402

MIX = ["dashboard", "iban_transaction", "getCountriesList", "updateUserLive"]


def build(base_url: str) -> Transport:
    return Transport(
        base_url=base_url,
        client_key=settings.CODEGO_CLIENT_KEY,
        secret_key=settings.CODEGO_SECRET_KEY,
        api_key=settings.CODEGO_API_KEY,
        whitelabel_id=settings.CODEGO_WHITELABEL_ID,
        timeout=10,
        rate_limit=(1_000_000, 10),
    )


def sign_in(client: Transport, email: str, password: str) -> Credentials:
    started = client.call("login", {"email": email, "password": password})
    code = re.search(r"\b(\d{6})\b", Mail.objects.filter(to=email).first().body).group(1)
    done = client.call("verifyLogin", {"user_id": started["user_id"], "otp": code})
    return Credentials(user_id=done["user_id"], web_token=done["web_token"])


def run_mix(client: Transport, session: Credentials, calls: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in MIX}
    bodies = {"iban_transaction": {"page": 1, "per_page": 10, "order": "desc"}}
    for number in range(calls):
        name = MIX[number % len(MIX)]
        with_session = name != "getCountriesList"
        started = time.perf_counter()
        client.call(name, bodies.get(name), session=session if with_session else None)
        timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def report(label: str, timings: dict[str, list[float]], seconds: float) -> None:
    every = [ms for values in timings.values() for ms in values]
    print(f"\n{label}: {len(every)} calls in {seconds:.2f} s = {len(every) / seconds:.0f} calls/s")
    print(f"  {'endpoint':<18} {'calls':>6} {'median ms':>10} {'p95 ms':>8}")
    for name, values in [*timings.items(), ("all", every)]:
        p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
        print(f"  {name:<18} {len(values):>6} {statistics.median(values):>10.2f} {p95:>8.2f}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    calls = parser.parse_args().calls

    call_command("migrate", verbosity=0)
    company = demo.seed_demo(email="bench@codego.test", password="Bench-pass-2026")
    print(
        f"seeded {company.company_name}: {company.ibans.count()} IBANs, "
        f"{sum(i.transactions.count() for i in company.ibans.all())} transactions"
    )

    in_process = build("sandbox:")
    session = sign_in(in_process, "bench@codego.test", "Bench-pass-2026")
    run_mix(in_process, session, 20)  # warm up
    started = time.perf_counter()
    timings = run_mix(in_process, session, calls)
    report("in-process adapter", timings, time.perf_counter() - started)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "bench/serve.py", str(port)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        over_http = build(f"http://127.0.0.1:{port}/sandbox/api")
        deadline = time.monotonic() + 30
        while True:
            try:
                over_http.call("posPlan")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        run_mix(over_http, session, 20)
        started = time.perf_counter()
        timings = run_mix(over_http, session, calls)
        elapsed = time.perf_counter() - started
        report(f"HTTP on loopback (threaded WSGI server, port {port})", timings, elapsed)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
