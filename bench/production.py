"""The production server as `make serve` runs it, for the load test and the page benchmark.

gunicorn with two gthread workers and DEBUG off, on a free loopback port, with a
fresh SQLite file (or DATABASE_URL / CACHE_URL when set) and one seeded demo
company per login asked for. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
GUNICORN_CONF = "portal/gunicorn_conf.py"
OTP = "246810"  # SANDBOX_FIXED_OTP: simulated users need no mailbox


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(workdir: Path, port: int, *, upstream: str, **extra: str) -> dict[str, str]:
    """Production settings on plain-HTTP loopback; `upstream` is CODEGO_API_URL."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdef0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",  # plain HTTP on loopback, no TLS proxy in front
            "SANDBOX_ENABLED": "true",
            "CODEGO_API_URL": upstream,
            "SANDBOX_FIXED_OTP": OTP,
            "SANDBOX_TOKEN_TTL": "3600",
            # The real API allows 200 calls per 10 s per credential; lifted here
            # to measure the portal, not the bank's quota.
            "CODEGO_RATE_LIMIT": "1000000",
            "SANDBOX_RATE_LIMIT": "1000000",
            "SANDBOX_JOURNAL_KEEP": "1000000",  # every call counted afterwards
            "CODEGO_LOG_LEVEL": "WARNING",
            "SANDBOX_LOG_LEVEL": "WARNING",
            "STATIC_ROOT": str(workdir / "static"),
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            **extra,
        }
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    return env


def prepare(env: dict[str, str], logins: list[tuple[str, str]]) -> None:
    """Migrations, static files and one seeded demo company per (email, password).

    The simulator checks passwords as a bank would (PBKDF2, about 0.3 s of CPU
    each); that is the bank's cost, not the portal's, so the seeded companies'
    hashes use 1,000 iterations and 50 sign-ins at once measure the portal.
    """
    script = (
        "import django, sys; django.setup()\n"
        "from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('collectstatic', '--noinput', verbosity=0)\n"
        "from sandbox import demo\n"
        "class Quick(PBKDF2PasswordHasher):\n"
        "    iterations = 1000\n"
        f"for email, password in {logins!r}:\n"
        "    company = demo.seed_demo(email=email, password=password)\n"
        "    company.password_hash = make_password(password, hasher=Quick())\n"
        "    company.save(update_fields=['password_hash'])\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)


def wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up")


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """The server running until the block ends (then stopped, whatever happened)."""
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "portal.wsgi:application", "-c", GUNICORN_CONF],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(int(env["PORT"]))
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


HAPROXY_CONFIG = """
global
    maxconn 1024
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option http-server-close
frontend portal
    bind 127.0.0.1:{port}
    default_backend instances
backend instances
    balance roundrobin
{servers}
"""


@contextmanager
def haproxy(workdir: Path, port: int, backends: list[int]) -> Iterator[None]:
    """Debian's HAProxy on `port`, round robin over the instances on `backends`
    (a new server connection per request); stopped when the block ends."""
    servers = "\n".join(f"    server i{n} 127.0.0.1:{b}" for n, b in enumerate(backends))
    config = workdir / "haproxy.cfg"
    config.write_text(HAPROXY_CONFIG.format(port=port, servers=servers))
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    proxy = subprocess.Popen(
        [binary, "-db", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_up(port, seconds=15)
        yield
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by a server's processes: its master and
    workers (they share its process group), and workers that have ended."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        # After the name: state ppid pgrp ... utime(11) stime(12) cutime(13) cstime(14).
        if int(fields[2]) == server.pid:
            total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")
