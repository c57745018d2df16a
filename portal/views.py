"""Views of the portal that belong to no single app."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from codego.client import get_client
from portal.checks import static_manifest_problem

# One upstream probe per this many seconds, whoever asks: a public /readyz must
# not spend the portal's upstream rate limit (200 calls / 10 s per credential).
UPSTREAM_PROBE_SECONDS = 5
UPSTREAM_PROBE_KEY = "readyz:upstream"

Probe = Callable[[], str | None]


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: answers without calling upstream."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, cache, upstream and static files, each with its latency.

    503 when one of them fails. The answer names what failed and the type of the
    failure, never a host, a URL or a credential.
    """
    checks = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "upstream": _upstream(),
        "static": _timed(static_manifest_problem),
    }
    ready = all(check["ok"] for check in checks.values())
    response = JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )
    add_never_cache_headers(response)
    return response


def _timed(probe: Probe) -> dict[str, Any]:
    """Run `probe` (None = fine, else what is wrong) and time it in milliseconds."""
    started = time.perf_counter()
    try:
        problem = probe()
    except Exception as error:  # whatever fails means "not ready"
        # Only the type: messages of database and network errors name hosts and users.
        problem = type(error).__name__
    result: dict[str, Any] = {
        "ok": problem is None,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if problem is not None:
        result["error"] = problem
    return result


def _database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def _cache() -> str | None:
    key, token = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, token, 10)
    kept = cache.get(key) == token
    cache.delete(key)
    return None if kept else "The cache did not keep a value."


def _config_setting() -> str | None:
    get_client().config_setting()  # a cheap read that needs the credentials to be right
    return None


def _upstream() -> dict[str, Any]:
    """The upstream probe, shared by every worker for `UPSTREAM_PROBE_SECONDS`."""
    # A broken cache only loses the sharing: the cache check reports it.
    with suppress(Exception):
        last = cache.get(UPSTREAM_PROBE_KEY)
        if last is not None:
            return last
    result = _timed(_config_setting)
    with suppress(Exception):
        cache.set(UPSTREAM_PROBE_KEY, result, UPSTREAM_PROBE_SECONDS)
    return result
