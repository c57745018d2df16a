"""The signed-in navigation: one list of sections, the current one marked.

A section whose route is not installed is left out (Crypto, when the app is off).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str | Promise
    icon: str  # the id of a <symbol> in templates/banking/_icons.html


SECTIONS = (
    Section("banking:dashboard", _("Dashboard"), "home"),
    Section("banking:accounts", _("Accounts"), "bank"),
    Section("banking:payment-new", _("Payments"), "send"),
    Section("banking:transactions", _("Transactions"), "list"),
    Section("banking:beneficiaries", _("Beneficiaries"), "people"),
    Section("banking:statements", _("Statements"), "doc"),
    Section("banking:cards", _("Cards"), "card"),
    Section("crypto:overview", _("Crypto"), "coin"),
    Section("banking:notifications", _("Notifications"), "bell"),
    Section("banking:profile", _("Profile"), "user"),
)


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str | Promise
    icon: str
    current: bool
    badge: int = 0


@lru_cache(maxsize=8)
def _section_urls(script_prefix: str, urlconf: str | None) -> tuple[tuple[Section, str], ...]:
    """Each installed section with its URL; the same on every page of a deployment."""
    found = []
    for section in SECTIONS:
        try:
            found.append((section, reverse(section.url_name)))
        except NoReverseMatch:
            continue
    return tuple(found)


def _items(request: HttpRequest) -> list[NavItem]:
    items = []
    for section, url in _section_urls(get_script_prefix(), get_urlconf()):
        # A section owns every page under its first path segment (/payments/…).
        segment = "/" + url.strip("/").split("/")[0] + "/"
        current = request.path.startswith(segment)
        badge = 0
        if section.url_name == "banking:notifications":
            from banking.notifications import unread_count  # its models load after apps

            badge = unread_count(request)
        items.append(NavItem(url, section.label, section.icon, current, badge))
    return items


def navigation(request: HttpRequest) -> dict[str, object]:
    """`nav_items` for the banking shell; empty outside signed-in live pages."""
    company = getattr(request, "company", None)
    if company is None or not company.is_live:
        return {"nav_items": []}
    return {"nav_items": _items(request)}
