"""The whitelabel brand of every page, and the `/brand.css` accent stylesheet.

The brand comes from the bank's `configSetting` (`codego.reference.brand()`,
cached per whitelabel). Nothing about it is hard-coded: when the bank cannot
be reached, pages fall back to the last brand seen or to a neutral one and say
the bank is unreachable, but they never break.

Colours: `site_color` is accepted only as `#rgb` / `#rrggbb`. The stylesheet
derives from it an accent for UI (at least 3:1 against the page backgrounds),
one for link text (at least 4.5:1) and the text colour on the accent (black or
white, whichever contrasts more), for the light and the dark scheme.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from codego import reference
from codego.types import Brand

logger = logging.getLogger("portal.brand")

NEUTRAL_SITE_NAME = "Business Banking"
NEUTRAL_ACCENT = "#3a5a78"
# Page backgrounds of static/css/portal.css (page and card surfaces), per scheme.
LIGHT_BACKGROUNDS = ("#ffffff", "#f4f5f7")
DARK_BACKGROUNDS = ("#121417", "#1c1f24")
UI_CONTRAST = 3.0
TEXT_CONTRAST = 4.5

# How long a failed configSetting is remembered before asking the bank again,
# so a bank that is down does not slow every page down.
UNREACHABLE_TTL = 15
LAST_GOOD_TTL = 7 * 24 * 3600

URL_FIELDS = (
    "logo",
    "dark_logo",
    "site_favicon",
    "support_link",
    "tc_link",
    "privacy_link",
    "contact_url",
    "facebooklink",
    "twitterlink",
    "googlelink",
    "youtube",
    "instagram",
    "linkdin",
    "android_app_link",
    "ios_app_link",
    "business_website_url",
    "personal_website_url",
)

NEUTRAL_BRAND = Brand(site_name=NEUTRAL_SITE_NAME)

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")

RGB = tuple[int, int, int]


# ------------------------------------------------------------------------------
# The brand
# ------------------------------------------------------------------------------


def _cache_key(suffix: str) -> str:
    return f"portal:brand:{settings.CODEGO_WHITELABEL_ID}:{suffix}"


def current_brand() -> tuple[Brand, bool]:
    """The brand to show, and True when the bank could not be reached.

    Never raises: a failing configSetting gives the last brand seen (or the
    neutral one) and True. Every page asks, so the usual answer costs one cache
    round trip and no write.
    """
    unreachable_key, last_good_key = _cache_key("unreachable"), _cache_key("last-good")
    kept = cache.get_many([unreachable_key, reference.cache_key("brand"), last_good_key])
    if not kept.get(unreachable_key):
        try:
            fetched = kept.get(reference.cache_key("brand")) or reference.brand()
        except Exception:  # a failing brand must never break a page
            logger.warning("configSetting failed; showing the fallback brand", exc_info=True)
            cache.set(unreachable_key, True, UNREACHABLE_TTL)
        else:
            clean = display_brand(fetched)
            if kept.get(last_good_key) != clean:
                cache.set(last_good_key, clean, LAST_GOOD_TTL)
            return clean, False
    return kept.get(last_good_key) or NEUTRAL_BRAND, True


@lru_cache(maxsize=8)
def display_brand(brand: Brand) -> Brand:
    """A copy safe to put in a page: no secret, only http(s) or same-site URLs."""
    changes: dict[str, str] = {name: safe_url(getattr(brand, name, "")) for name in URL_FIELDS}
    changes["google_captcha_secret"] = ""
    changes["site_name"] = brand.site_name or brand.site_shortname or NEUTRAL_SITE_NAME
    changes["site_color"] = brand.site_color if parse_hex(brand.site_color) else ""
    for name in ("contact_email", "site_email", "email"):
        value = getattr(brand, name, "")
        changes[name] = value if value and _EMAIL.fullmatch(value) else ""
    return dataclasses.replace(brand, **changes)


def safe_url(value: str | None) -> str:
    """`value` when it is an absolute http(s) URL or a path on this site, else ""."""
    value = (value or "").strip()
    if not value or any(ord(ch) < 32 or ch in "\\<>\"'" for ch in value):
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme in ("http", "https") and parts.netloc:
        return value
    if not parts.scheme and not parts.netloc and value.startswith("/"):
        return value
    return ""


@lru_cache(maxsize=64)
def phone_href(phone: str) -> str:
    """A `tel:` target for `phone` (digits and a leading + only), or ""."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    return f"tel:{digits}" if re.fullmatch(r"\+?\d{3,20}", digits) else ""


# ------------------------------------------------------------------------------
# Colours (WCAG 2.2 relative luminance and contrast ratio)
# ------------------------------------------------------------------------------


def parse_hex(value: str | None) -> RGB | None:
    """(r, g, b) of a strict `#rgb` / `#rrggbb` colour, else None."""
    if not value or not _HEX.fullmatch(value.strip()):
        return None
    digits = value.strip()[1:]
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(rgb: RGB) -> str:
    """Black or white, whichever contrasts more with `rgb`."""
    return "#000000" if contrast(rgb, (0, 0, 0)) >= contrast(rgb, (255, 255, 255)) else "#ffffff"


def _mix(rgb: RGB, toward: RGB, share: float) -> RGB:
    return tuple(round(c + (t - c) * share) for c, t in zip(rgb, toward, strict=True))  # type: ignore[return-value]


def ensure_contrast(rgb: RGB, backgrounds: tuple[str, ...], ratio: float) -> RGB:
    """`rgb`, darkened (light pages) or lightened (dark pages) until it reaches
    `ratio` against every background."""
    grounds = [parse_hex(b) for b in backgrounds]
    toward: RGB = (0, 0, 0) if luminance(grounds[0]) > 0.5 else (255, 255, 255)  # type: ignore[arg-type]
    for step in range(101):
        candidate = _mix(rgb, toward, step / 100)
        if all(contrast(candidate, g) >= ratio for g in grounds):  # type: ignore[arg-type]
            return candidate
    return toward


@lru_cache(maxsize=32)
def accent_css(site_color: str) -> str:
    """The `/brand.css` text for `site_color` (the neutral accent if it is invalid)."""
    rgb = parse_hex(site_color) or parse_hex(NEUTRAL_ACCENT)
    assert rgb is not None
    blocks = []
    for backgrounds in (LIGHT_BACKGROUNDS, DARK_BACKGROUNDS):
        ui = ensure_contrast(rgb, backgrounds, UI_CONTRAST)
        link = ensure_contrast(rgb, backgrounds, TEXT_CONTRAST)
        blocks.append(
            f"  --accent: {to_hex(ui)};\n"
            f"  --accent-text: {text_on(ui)};\n"
            f"  --accent-link: {to_hex(link)};\n"
        )
    light, dark = blocks
    return (
        "/* Brand accent from the bank's configSetting. */\n"
        f":root {{\n{light}}}\n"
        "@media (prefers-color-scheme: dark) {\n"
        f"  :root {{\n{dark.replace('  --', '    --')}  }}\n"
        "}\n"
    )


def css_version(brand: Brand) -> str:
    return _css_version(brand.site_color)


@lru_cache(maxsize=64)
def _css_version(site_color: str) -> str:
    """A short fingerprint of the stylesheet, for `/brand.css?v=` cache busting."""
    return hashlib.sha256(accent_css(site_color).encode()).hexdigest()[:10]


@require_safe
def brand_css(request: HttpRequest) -> HttpResponse:
    """`:root { --accent; --accent-text; --accent-link }` for the current brand."""
    brand, unreachable = current_brand()
    response = HttpResponse(accent_css(brand.site_color), content_type="text/css; charset=utf-8")
    # Versioned links (?v=) change when the colour does; an unreachable bank is
    # asked again soon.
    max_age = 60 if unreachable else 3600
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response
