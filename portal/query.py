"""Reading what a URL carries: only values of the expected shape go any further.

A query string or a path segment is whatever anyone typed, or a scanner sent.
Nothing of it reaches the bank, the database or a cache key before it is read
here: ids in the bank's id shape, pages as bounded integers, free text bounded
and without control characters (dates are read by the filter forms' DateFields).
A value of the wrong shape reads as absent, so the page shows what it shows
without it, never an error of the bank's or ours.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.http import HttpRequest

# The reference's ids are numbers ("25"), lowercase words of 50 letters and digits
# (unique_id) or shorter tags; our own keys are URL-safe base64. Letters, digits,
# "-", "_" and (not first) "." leave room for other spellings of ids; no id is
# longer than 100 characters, nor holds a space, a slash or a control character.
BANK_ID_PATTERN = r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}"
_BANK_ID = re.compile(BANK_ID_PATTERN)
# More than any page of a history holds (100,000 pages of 100 rows).
MAX_PAGE = 99_999
# A search box's text: longer is not a search of a name or a reference.
MAX_TEXT = 100
# Longer addresses to come back to are cut to their path: browsers and proxies
# refuse a few kilobytes of URL, Django a redirect of 16 KB.
MAX_RETURN_URL = 2000
# Unicode categories that are no text a person types: controls (NUL among them),
# format characters, lone surrogates, private use, unassigned.
_NOT_TEXT = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))


def bank_id(value: object) -> str:
    """`value` when it has the shape of a bank id, else ""."""
    text = str(value or "").strip()
    return text if _BANK_ID.fullmatch(text) else ""


def query_id(request: HttpRequest, name: str) -> str:
    """The query parameter `name` as a bank id, or "" (absent or of another shape)."""
    return bank_id(request.GET.get(name, ""))


def plain_text(value: object, *, max_length: int | None = MAX_TEXT) -> str:
    """`value` without control or format characters, spaces folded, at most `max_length`."""
    kept = "".join(
        " " if char.isspace() else char
        for char in str(value or "")
        if char.isspace() or unicodedata.category(char) not in _NOT_TEXT
    )
    return " ".join(kept.split())[:max_length]


def query_text(request: HttpRequest, name: str, *, max_length: int = MAX_TEXT) -> str:
    """The query parameter `name` as plain text (see `plain_text`)."""
    return plain_text(request.GET.get(name, ""), max_length=max_length)


def query_page(request: HttpRequest, name: str = "page") -> int:
    """A page number from 1 to `MAX_PAGE`; anything else is page 1."""
    text = request.GET.get(name, "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_PAGE else 1


def query_count(request: HttpRequest, name: str, *, maximum: int) -> int:
    """A whole number from 0 to `maximum`; anything else is 0."""
    text = request.GET.get(name, "").strip()
    return min(int(text), maximum) if text.isascii() and text.isdigit() and len(text) < 10 else 0


def return_path(request: HttpRequest) -> str:
    """Where to come back to after signing in: the path with its query, or the path
    alone when the query is too long to carry along."""
    full = request.get_full_path()
    return full if len(full) <= MAX_RETURN_URL else request.path


def with_query(path: str, query: str) -> str:
    """`path?query`, or `path` when there is no query or it is too long to carry along."""
    return f"{path}?{query}" if query and len(path) + len(query) < MAX_RETURN_URL else path


class PlainTextField(forms.CharField):
    """A text field of a filter form: control characters dropped, spaces folded.

    The length is still checked, so a text too long is said next to the field.
    """

    def to_python(self, value: object) -> str:
        return plain_text(super().to_python(value), max_length=None)


class BankIdConverter:
    """`<bank_id:name>` in a URL: a path segment of another shape is a 404 at once."""

    regex = BANK_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
