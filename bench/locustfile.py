"""Locust users for `make load`: a company's working session, start to end.

Each user signs in as its own company (load<N>@codego.test, the code pinned by
SANDBOX_FIXED_OTP), opens the dashboard and the transactions, pays 1.00 EUR to
one of its beneficiaries (pressing "Confirm and send the code" twice, as a
double click would), confirms with the code, and signs out. bench/load.py
starts the server, runs this file headless and checks the journal.
"""

from __future__ import annotations

import itertools
import os
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "Load-pass-2026")
OTP = os.environ["SANDBOX_FIXED_OTP"]  # set by bench/production.py
_numbers = itertools.count(1)


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


class Company(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.email = f"load{next(_numbers)}@codego.test"

    def _post(self, url: str, data: dict[str, str], name: str, referer: str):
        return self.client.post(url, data, name=name, headers={"Referer": self.host + referer})

    @task
    def working_session(self) -> None:
        login = self.client.get("/login/", name="/login/")
        credentials = {"email": self.email, "password": PASSWORD}
        self._post(
            "/login/",
            {"csrfmiddlewaretoken": csrf_token(login.text), **credentials},
            "/login/ (password)",
            "/login/",
        )
        verify = self.client.get("/login/verify/", name="/login/verify/")
        signed_in = self._post(
            "/login/verify/",
            {"csrfmiddlewaretoken": csrf_token(verify.text), "otp": OTP},
            "/login/verify/ (code)",
            "/login/verify/",
        )
        if "/dashboard/" not in signed_in.url:
            signed_in.failure = True
            return
        self.client.get("/dashboard/", name="/dashboard/")
        self.client.get("/transactions/", name="/transactions/")
        self._pay()
        page = self.client.get("/dashboard/", name="/dashboard/")
        self._post(
            "/logout/", {"csrfmiddlewaretoken": csrf_token(page.text)}, "/logout/", "/dashboard/"
        )

    def _pay(self) -> None:
        new = self.client.get("/payments/new/", name="/payments/new/")
        form = read_form(new.text, "/payments/new/")
        data = {
            **form.fields,
            "iban_id": form.options.get("iban_id", [""])[0],
            "beneficiaries_id": form.options.get("beneficiaries_id", [""])[0],
            "amount": "1.00",
            "payment_option": "sepa",
            "reason_payment": "Load test",
        }
        review = self._post("/payments/new/", data, "/payments/new/ (submit)", "/payments/new/")
        path = review.url.removeprefix(self.host)
        if "/review/" not in path:
            review.failure = True
            return
        token = csrf_token(review.text)
        # A double click: the same confirmation twice. The bank must see one payment.
        for _ in range(2):
            confirm = self._post(
                path, {"csrfmiddlewaretoken": token}, "/payments/<key>/review/ (send code)", path
            )
        confirm_path = confirm.url.removeprefix(self.host)
        self._post(
            confirm_path,
            {"csrfmiddlewaretoken": csrf_token(confirm.text), "otp": OTP},
            "/payments/<id>/confirm/ (code)",
            confirm_path,
        )
