"""Template context shared by every page: the brand and the session state."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest

from portal.brand import css_version, current_brand, phone_href
from portal.demo import VISITOR_KEY


def brand(request: HttpRequest) -> dict[str, object]:
    """`brand` (a `codego.types.Brand`, display-safe), `bank_unreachable`,
    `sandbox_enabled`, `signed_in`, `visitor_demo_expires` (a demo visitor's own
    company: when it goes), plus `brand_css_version` and `brand_phone_href` used by
    base.html."""
    found = getattr(request, "_portal_brand", None)
    if found is None:
        found = current_brand()
        request._portal_brand = found  # once per request, however many renders
    current, unreachable = found
    session = getattr(request, "session", None)
    signed_in = bool(session is not None and session.get("codego"))
    return {
        "brand": current,
        "bank_unreachable": unreachable,
        "sandbox_enabled": settings.SANDBOX_ENABLED,
        "sandbox_demo_hours": settings.SANDBOX_DEMO_HOURS,
        "signed_in": signed_in,
        "visitor_demo_expires": _visitor_expiry(session) if signed_in else None,
        "brand_css_version": css_version(current),
        "brand_phone_href": phone_href(current.phone),
    }


def _visitor_expiry(session: object) -> datetime | None:
    if not settings.SANDBOX_ENABLED:
        return None
    kept = session.get(VISITOR_KEY)  # type: ignore[attr-defined]
    signed_in_as = str((session.get("codego") or {}).get("email") or "")  # type: ignore[attr-defined]
    if not isinstance(kept, dict) or kept.get("email") != signed_in_as:
        return None  # signed in to another company since
    try:
        return datetime.fromisoformat(str(kept.get("expires")))
    except ValueError:
        return None
