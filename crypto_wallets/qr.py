"""Deposit QR codes drawn on the server as inline SVG (segno): no image service, no script.

The SVG has a viewBox and no size, so CSS sizes it; it carries no `style`
attribute (the CSP allows none) and paints its own light background with the
four-module quiet zone, so phones read it in dark mode too.
"""

from __future__ import annotations

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

QUIET_ZONE = 4  # modules of light border the QR standard asks for
DARK, LIGHT = "#000000", "#ffffff"


def qr_svg(data: str, *, label: str) -> SafeString:
    """`data` as a QR code: an `<svg role="img">` whose accessible name is `label`."""
    # Level M survives a smudged screen; no boost, so the code never grows denser.
    code = segno.make(data, error="m", boost_error=False, micro=False)
    svg = code.svg_inline(
        scale=1,
        border=QUIET_ZONE,
        dark=DARK,
        light=LIGHT,
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
    )
    attributes = f'role="img" aria-label="{escape(label)}" focusable="false" '
    return mark_safe(svg.replace("<svg ", f"<svg {attributes}", 1))  # noqa: S308 - segno's own markup
