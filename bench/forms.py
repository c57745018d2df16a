"""Reading the portal's forms as a browser would, for the benchmarks' simulated users."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The fields of the form posting to `action`: inputs' values, selects' options."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside = action, False
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = attributes.get("action") == self.action
        elif not self.inside:
            return
        elif tag == "input" and attributes.get("name"):
            self.fields.setdefault(attributes["name"], attributes.get("value", ""))
        elif tag == "select":
            self._select = attributes.get("name")
        elif tag == "option" and self._select and attributes.get("value"):
            self.options.setdefault(self._select, []).append(attributes["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None


def read_form(html: str, action: str) -> FormReader:
    reader = FormReader(action)
    reader.feed(html)
    return reader


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""
