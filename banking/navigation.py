"""The signed-in navigation: one list of sections, the current one marked.

A section whose route is not installed is left out (Crypto, when the app is off).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
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
NOTIFICATIONS = "banking:notifications"  # the section with the unread badge


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


def _segment(url: str) -> str:
    # A section owns every page under its first path segment (/payments/…).
    return "/" + url.strip("/").split("/")[0] + "/"


@lru_cache(maxsize=512)
def _navigation_html(
    language: str, script_prefix: str, urlconf: str | None, current: int, badge: int
) -> str:
    """The shell's navigation: the same for every page of a section with the same badge,
    so each version is rendered once per process."""
    items = [
        NavItem(
            url,
            section.label,
            section.icon,
            current=index == current,
            badge=badge if section.url_name == NOTIFICATIONS else 0,
        )
        for index, (section, url) in enumerate(_section_urls(script_prefix, urlconf))
    ]
    return render_to_string("banking/_navigation.html", {"nav_items": items})


def navigation(request: HttpRequest) -> dict[str, object]:
    """`navigation` (HTML) for the banking shell; empty outside signed-in live pages."""
    company = getattr(request, "company", None)
    if company is None or not company.is_live:
        return {"navigation": ""}
    from banking.notifications import unread_count  # its models load after the apps

    prefix, urlconf = get_script_prefix(), get_urlconf()
    sections = _section_urls(prefix, urlconf)
    current = next(
        (i for i, (_, url) in enumerate(sections) if request.path.startswith(_segment(url))), -1
    )
    has_badge = any(section.url_name == NOTIFICATIONS for section, _ in sections)
    badge = unread_count(request) if has_badge else 0
    render = _navigation_html.__wrapped__ if settings.DEBUG else _navigation_html
    return {"navigation": render(get_language(), prefix, urlconf, current, badge)}
