"""Themed error pages: 400 to 500, the bank unavailable, the database or cache down.

None of them shows technical detail: no exception text, no endpoint, no
upstream message, no stack trace.
"""

from __future__ import annotations

import logging

from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from codego.errors import CodegoError, RateLimited, ShareExceeded
from portal import request_log
from portal.brand import NEUTRAL_BRAND, css_version, current_brand
from portal.outage import is_outage

logger = logging.getLogger("portal.errors")

_PLAIN_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Server error</title>'
    "</head><body><h1>Something went wrong</h1><p>Please try again in a moment.</p>"
    "</body></html>"
)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """For `CSRF_FAILURE_VIEW`: an expired form, said plainly."""
    return render(request, "errors/403.html", {"csrf_failed": True}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors: whatever failed must not fail again."""
    if is_outage(request):
        # The cache or database is down: the outage page replaces this one anyway.
        return HttpResponse(_PLAIN_500, status=500)
    try:
        brand, unreachable = current_brand()
        html = loader.get_template("errors/500.html").render(
            {
                "brand": brand,
                "bank_unreachable": unreachable,
                "brand_css_version": css_version(brand),
                "signed_in": False,
                "sandbox_enabled": settings.SANDBOX_ENABLED,
            }
        )
    except Exception:
        logger.exception("the themed 500 page failed; sending the plain one")
        html = _PLAIN_500
    return HttpResponse(html, status=500)


def upstream_unavailable(request: HttpRequest, error: CodegoError) -> HttpResponse:
    """503 with `error.user_message`, and a way to try again (GET) or go back (POST)."""
    current = _same_site(request, request.headers.get("HX-Current-URL", ""))
    if request.method in ("GET", "HEAD"):
        # An htmx fragment is retried by reloading the page that asked for it.
        retry_url = current if request.headers.get("HX-Request") and current else ""
        retry_url = retry_url or request.get_full_path()
        back_url = ""
    else:
        retry_url = ""
        referer = _same_site(request, request.headers.get("Referer", ""))
        back_url = current or referer or reverse("onboarding:home")
    response = render(
        request,
        "errors/upstream.html",
        {
            "message": str(error.user_message or CodegoError.user_message),
            "retryable": error.retryable,
            "retry_url": retry_url,
            "back_url": back_url,
        },
        status=503,
    )
    if error.retryable:
        seconds = error.retry_after if isinstance(error, RateLimited) else 5
        response["Retry-After"] = str(max(1, round(seconds)))
    if request.headers.get("HX-Request"):
        # Show the page's main part in place of the page's main part
        # (base.html lets htmx swap 503 responses).
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Reselect"] = "#main"
    return response


def share_exceeded(request: HttpRequest, error: ShareExceeded) -> HttpResponse:
    """429 with `Retry-After`: this company (or address) used its share of the bank's calls.

    A page gets the themed page with "Try again"; an htmx request a short message
    at the top of the page it came from, which stays as it was.
    """
    request_log.note_share_exceeded(request)
    context = {"message": error.user_message}
    if request.headers.get("HX-Request"):
        response = render(request, "errors/_too_many.html", context, status=429)
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "innerHTML"
        response["HX-Reselect"] = "#too-many"
    else:
        get = request.method in ("GET", "HEAD")
        back = _same_site(request, request.headers.get("Referer", "")) or reverse("onboarding:home")
        context.update(
            {
                "title": _("Too many requests"),
                "retryable": True,
                "retry_url": request.get_full_path() if get else "",
                "back_url": "" if get else back,
            }
        )
        response = render(request, "errors/upstream.html", context, status=429)
    response["Retry-After"] = str(error.seconds)
    return response


def _same_site(request: HttpRequest, url: str) -> str:
    """`url` when it points at this site, else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


# Seconds a client is told to wait when the database or the cache is down.
OUTAGE_RETRY_AFTER = 10


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The "temporarily unavailable" page, from the template alone.

    No context processor, session, cache or database: those are what failed.
    The brand is the neutral one (the operator's is in the cache), and the
    headers the middleware below would add are set here.
    """
    if request.method in ("GET", "HEAD"):
        retry_url, back_url = request.get_full_path(), ""
    else:
        referer = request.headers.get("Referer", "")
        same_site = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        retry_url, back_url = "", referer if referer and same_site else "/"
    html = loader.get_template("errors/unavailable.html").render(
        {
            "brand": NEUTRAL_BRAND,
            "brand_css_version": css_version(NEUTRAL_BRAND),
            "signed_in": False,
            "retry_url": retry_url,
            "back_url": back_url,
        }
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    response["Content-Security-Policy"] = build_policy()
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    add_never_cache_headers(response)
    if request.headers.get("HX-Request"):
        # As for the bank's 503: the page's main part replaces the page's main part.
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Reselect"] = "#main"
    return response
