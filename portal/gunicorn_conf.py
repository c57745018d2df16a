"""gunicorn settings for `make serve`: threaded workers on loopback, access log to stdout.

PORT (8000), WEB_CONCURRENCY (twice the cores) and GUNICORN_THREADS (4 for a bank
over the network, 1 for the embedded simulator) come from the environment; a TLS
proxy in front terminates HTTPS and forwards to 127.0.0.1.
"""

import multiprocessing
import os
import tempfile
from pathlib import Path

# As manage.py and portal/wsgi.py: on_starting below sets Django up before any
# worker imports the application.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# /metrics adds up every worker's figures from files in one directory; it must be
# named before anything imports prometheus_client (README, "Metrics").
METRICS = os.environ.get("METRICS_ENABLED", "").lower() in ("1", "true", "yes", "on")
if METRICS and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portal-metrics-")

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))


def _default_threads() -> int:
    """Four threads to overlap the waits on a bank across the network; one when the
    upstream is the embedded simulator without a simulated delay. It answers inside
    the worker, so there is nothing to wait for and threads only take turns at the
    GIL: under `wrk` one thread served 40 to 50 % more money pages a second than four."""
    from django.conf import settings

    embedded = settings.CODEGO_API_URL == "sandbox:" and not settings.SANDBOX_LATENCY_MS
    return 1 if embedded else 4


threads = int(os.environ.get("GUNICORN_THREADS") or _default_threads())
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
# No query string in the access log: reset links and filters stay out of it.
# %(p)s is the worker's pid, as "<1234>": which worker served what.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s worker=%(p)s'
forwarded_allow_ips = "127.0.0.1"


def on_starting(server: object) -> None:
    """Run Django's system checks before any worker starts: a missing static
    manifest (portal.E001) or a bad setting stops the server instead of serving 500s."""
    import django
    from django.core.management import call_command

    if METRICS:  # figures of an earlier run are not this one's
        for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
            stale.unlink()
    django.setup()
    call_command("check")


def child_exit(server: object, worker: object) -> None:
    """A worker is gone: its gauges go with it (its counters stay in the sums)."""
    if METRICS:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
