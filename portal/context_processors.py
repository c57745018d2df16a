"""Template context shared by every page: the brand and the session state."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from portal.brand import css_version, current_brand, phone_href


def brand(request: HttpRequest) -> dict[str, object]:
    """`brand` (a `codego.types.Brand`, display-safe), `bank_unreachable`,
    `sandbox_enabled`, `signed_in`, plus `brand_css_version` and `brand_phone_href`
    used by base.html."""
    found = getattr(request, "_portal_brand", None)
    if found is None:
        found = current_brand()
        request._portal_brand = found  # once per request, however many renders
    current, unreachable = found
    session = getattr(request, "session", None)
    return {
        "brand": current,
        "bank_unreachable": unreachable,
        "sandbox_enabled": settings.SANDBOX_ENABLED,
        "signed_in": bool(session is not None and session.get("codego")),
        "brand_css_version": css_version(current),
        "brand_phone_href": phone_href(current.phone),
    }
