"""What the service module counts for `/metrics` (served by portal.metrics).

Calls to the bank by endpoint and outcome with their time, and the calls that
waited for, or were refused, room in the bank's call budget. Labels are the
endpoint names of `codego.endpoints` and the error classes of `codego.errors`:
a fixed, small set. Under gunicorn each worker writes its own file in
`PROMETHEUS_MULTIPROC_DIR` and the endpoint adds them up.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# From a cached reference list (a few ms) to the transport's timeout.
UPSTREAM_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

UPSTREAM_CALLS = Counter(
    "codego_upstream_calls",
    "Calls to the bank, by endpoint and outcome (ok, or the error class).",
    ["endpoint", "outcome"],
)
UPSTREAM_SECONDS = Histogram(
    "codego_upstream_seconds",
    "Time of one call to the bank, by endpoint.",
    ["endpoint"],
    buckets=UPSTREAM_BUCKETS,
)
BUDGET_WAITS = Counter(
    "codego_budget_waits",
    "Calls that waited for room in the bank's call budget, by what was full "
    "(share: the company's or address's share; whole: the credential's budget).",
    ["limit"],
)
BUDGET_REFUSALS = Counter(
    "codego_budget_refusals",
    "Calls refused for want of room in the bank's call budget, by what was full.",
    ["limit"],
)


def observe_call(endpoint: str, seconds: float, outcome: str) -> None:
    UPSTREAM_CALLS.labels(endpoint, outcome).inc()
    UPSTREAM_SECONDS.labels(endpoint).observe(seconds)
