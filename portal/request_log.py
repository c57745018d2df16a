"""One structured log line per request, and the request id on every line it causes.

    request rid=5f0c… method=GET path=/dashboard/ status=200 ms=9.2 upstream_calls=1 upstream_ms=4.1

The id comes from a well-formed incoming `X-Request-ID` (set by the proxy) or is
made here; it goes back in the response's `X-Request-ID` header and, through
`RequestIdFilter`, into every log record of the request (the upstream calls'
lines included). The query string is never logged: reset codes and search
terms live there.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from portal import metrics
from portal.outage import is_outage, outage_cause

logger = logging.getLogger("portal.request")

_WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass
class RequestStats:
    request_id: str
    upstream_calls: int = 0
    upstream_ms: float = 0.0


_current: ContextVar[RequestStats | None] = ContextVar("portal_request", default=None)


def current_request_id() -> str:
    stats = _current.get()
    return stats.request_id if stats else "-"


def record_upstream_call(endpoint: str, elapsed_ms: float) -> None:
    """Count one call to the bank against the request being served (if any)."""
    stats = _current.get()
    if stats is not None:
        stats.upstream_calls += 1
        stats.upstream_ms += elapsed_ms


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so formatters can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def _request_id(request: HttpRequest) -> str:
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if _WELL_FORMED_ID.match(incoming) else uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        stats = RequestStats(_request_id(request))
        token = _current.set(stats)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = stats.request_id
            return response
        finally:
            seconds = time.perf_counter() - started
            logger.info(
                "request rid=%s method=%s path=%s status=%s"
                " ms=%.1f upstream_calls=%d upstream_ms=%.1f",
                stats.request_id,
                request.method,
                request.path,
                status,
                seconds * 1000,
                stats.upstream_calls,
                stats.upstream_ms,
            )
            metrics.observe_request(request, status, seconds, stats.upstream_ms / 1000)
            _current.reset(token)


class OutageTracebackFilter(logging.Filter):
    """Drops Django's own error lines (the "Internal Server Error" traceback, then
    "Service Unavailable") for a request that met a database or cache outage: the
    visitor got the themed 503 and `portal.outage` says, in one line, what failed.
    A thousand tracebacks of the same stopped Redis help nobody."""

    def filter(self, record: logging.LogRecord) -> bool:
        if is_outage(getattr(record, "request", None)):
            return False
        return not record.exc_info or outage_cause(record.exc_info[1]) is None


_SHARE_EXCEEDED = "portal_share_exceeded"


def note_share_exceeded(request: HttpRequest) -> None:
    """Mark `request` as refused for its company's share of the bank's budget."""
    setattr(request, _SHARE_EXCEEDED, True)


class ShareLimitedFilter(logging.Filter):
    """Drops Django's "Too Many Requests" line of a request refused for its share:
    `codego.budget` says so once per company and window, not once per request."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(getattr(record, "request", None), _SHARE_EXCEEDED, False)
