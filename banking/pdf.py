"""PDF papers (statements, receipts) from a template, with WeasyPrint.

The PDF is drawn from HTML and CSS like a page, by Pango from Debian. It may
load only the portal's own static files (the operator's logo when it is one of
them, the stylesheet): never the network, so a brand URL pointing elsewhere, or
text a customer typed, cannot make the server fetch anything.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.brand import (
    NEUTRAL_ACCENT,
    TEXT_CONTRAST,
    current_brand,
    ensure_contrast,
    parse_hex,
    to_hex,
)

STYLESHEET = "banking/pdf/paper.css"  # a template: it carries the brand colour and words
# Relative URLs in the template resolve against this made-up origin; only its
# static paths are served, by `_static_only`.
BASE_URL = "https://portal.invalid/"
MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}  # fmt: skip


def static_file(url: str) -> Path | None:
    """The file of a same-site static URL ("/static/…" or BASE_URL + that), or None."""
    parts = urlsplit(url)
    if parts.scheme and f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
        return None
    prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
    path = unquote(parts.path)
    if not path.startswith(prefix) or ".." in path.split("/"):
        return None
    found = finders.find(path.removeprefix(prefix))
    if not found:
        return None
    file = Path(found if isinstance(found, str) else found[0])
    return file if file.suffix.lower() in MEDIA_TYPES else None


def paper_logo(url: str) -> str:
    """The brand logo's URL when the PDF can draw it (one of our static files), else ""."""
    return url if url and static_file(url) else ""


def css_string(value: str) -> str:
    """`value` as a quoted CSS string (control characters dropped)."""
    cleaned = "".join(ch for ch in value if ch >= " " and ch != "\x7f")
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_pdf(
    request: HttpRequest | None, template: str, context: dict[str, Any], *, footer: str
) -> bytes:
    """The template drawn as an A4 PDF, `footer` at the foot of every page."""
    # Imported here: WeasyPrint takes a second to load, and only PDFs need it.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            file = static_file(url)
            if file is None:
                raise ValueError("a PDF loads only the portal's static files")
            return URLFetcherResponse(
                url,
                body=file.read_bytes(),
                headers={"Content-Type": MEDIA_TYPES[file.suffix.lower()]},
            )

    fetcher = StaticOnly()
    html = render_to_string(template, context, request=request)
    css = render_to_string(STYLESHEET, {**context, "footer_note": css_string(footer)})
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=css, base_url=BASE_URL, url_fetcher=fetcher)])


def page_counter() -> str:
    """ "Page X of Y" as a CSS `content` value, in the active language."""
    words = _("Page %(number)s of %(total)s") % {"number": "\0", "total": "\1"}
    parts = []
    for piece in re.split("([\0\1])", words):
        if piece == "\0":
            parts.append("counter(page)")
        elif piece == "\1":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def paper_context() -> dict[str, Any]:
    """What every paper shows: the operator's brand and when it was produced."""
    brand, _unreachable = current_brand()
    rgb = parse_hex(brand.site_color) or parse_hex(NEUTRAL_ACCENT)
    return {
        "brand": brand,
        # Readable as text on white paper, however light the operator's colour.
        "brand_colour": to_hex(ensure_contrast(rgb, ("#ffffff",), TEXT_CONTRAST)),
        "logo": paper_logo(brand.logo),
        "page_counter": page_counter(),
        "produced": timezone.now(),
    }
