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

from locust import HttpUser, between, task

from bench.forms import csrf_token, read_form

PASSWORD = os.environ.get("LOAD_PASSWORD", "Load-pass-2026")
OTP = os.environ["SANDBOX_FIXED_OTP"]  # set by bench/production.py
_numbers = itertools.count(1)


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
