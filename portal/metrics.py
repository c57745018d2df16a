"""`/metrics`: the portal's figures in the Prometheus text format, for the operator only.

Off unless `METRICS_ENABLED`; then answered only to the addresses of
`METRICS_ALLOWED_IPS` (loopback by default) or to a scraper that sends
`Authorization: Bearer <METRICS_TOKEN>`; to anyone else it is a 404 like any
unknown page. Under gunicorn every worker writes its figures to its own file in
`PROMETHEUS_MULTIPROC_DIR` (portal/gunicorn_conf.py makes one) and this adds
them up, so any worker answers for all.

Counted here: requests by view, method and status with their time and the
portal's own share of it (the time less the upstream calls'), and reads of the
sessions' copies of bank answers, hit or miss. `codego.metrics` counts the
upstream calls and the waits for the bank's call budget.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from portal.throttle import client_address

# A page is a few ms of the portal's own and up to the bank's timeout in all.
REQUEST_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter(
    "portal_requests",
    "Requests answered, by view (URL name), method and status.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "portal_request_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=REQUEST_BUCKETS,
)
OWN_SECONDS = Histogram(
    "portal_own_seconds",
    "Time to answer a request less its calls to the bank, by view.",
    ["view"],
    buckets=REQUEST_BUCKETS,
)
COPIES = Counter(
    "portal_copy_reads",
    "Reads of the sessions' short copies of bank answers, by copy and result (hit, miss).",
    ["copy", "result"],
)


def view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else "") or "unmatched"


def observe_request(request: HttpRequest, status: int, seconds: float, upstream: float) -> None:
    view = view_name(request)
    REQUESTS.labels(view, request.method or "-", str(status)).inc()
    REQUEST_SECONDS.labels(view).observe(seconds)
    OWN_SECONDS.labels(view).observe(max(0.0, seconds - upstream))


def observe_copy(name: str, hit: bool) -> None:
    # "dashboard:<iban id>" is counted as "dashboard": labels stay few.
    COPIES.labels(name.split(":", 1)[0], "hit" if hit else "miss").inc()


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_NETWORKS)


def exposition() -> bytes:
    """Every figure in the text format, of every worker when they share a directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_ENABLED or not _allowed(request):
        raise Http404("no such page")
    # The classic text format (names with underscores), which every Prometheus reads.
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
    response["Cache-Control"] = "no-store"
    return response
