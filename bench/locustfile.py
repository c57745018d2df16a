"""Locust users for `make load`: companies at work.

`WorkingDay` (`make load`): each user signs in once as its own company
(load<N>@codego.test, the code pinned by SANDBOX_FIXED_OTP), then works as a person
does, a few seconds between pages: mostly the dashboard and the transactions (with
a filter, a search, the next page), now and then a transaction's detail, a CSV
export, the notifications, a payment of 1.00 EUR (pressing "Confirm and send the
code" twice, as a double click would) with its code; it signs out when it stops.

`SignInEachTime` (`make load-signins`): the worst case, a whole session per
cycle: sign-in, dashboard, transactions, a payment, sign-out, with short waits.

bench/load.py starts the servers, runs one of them headless and checks the journal.
"""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import HttpUser, between, task

from bench.forms import csrf_token, read_form

PASSWORD = os.environ.get("LOAD_PASSWORD", "Load-pass-2026")
OTP = os.environ["SANDBOX_FIXED_OTP"]  # set by bench/production.py
_numbers = itertools.count(1)


class Company(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.email = f"load{next(_numbers)}@codego.test"

    def _post(self, url: str, data: dict[str, str], name: str, referer: str):
        return self.client.post(url, data, name=name, headers={"Referer": self.host + referer})

    def _sign_in(self) -> bool:
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
        return "/dashboard/" in signed_in.url

    def _sign_out(self) -> None:
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


class SignInEachTime(Company):
    """The old mix: every cycle a whole session, sign-in (a password check) included."""

    wait_time = between(0.5, 1.5)

    @task
    def working_session(self) -> None:
        if not self._sign_in():
            return
        self.client.get("/dashboard/", name="/dashboard/")
        self.client.get("/transactions/", name="/transactions/")
        self._pay()
        self._sign_out()


TRANSACTION_LINK = re.compile(r'href="(/transactions/[A-Za-z0-9_-]+/)"')


class WorkingDay(Company):
    """A person at work: signed in once, a few seconds on each page; after a spell of
    work (8 to 15 pages) signs out, and back in for the next."""

    wait_time = between(2, 8)

    def on_start(self) -> None:
        super().on_start()
        self._start_spell()

    def _start_spell(self) -> None:
        self.signed_in = self._sign_in()
        self.pages_left = random.randint(8, 15)

    def _page_done(self) -> None:
        self.pages_left -= 1
        if self.pages_left <= 0:
            self._sign_out()
            self._start_spell()

    @task(6)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="/dashboard/")
        self._page_done()

    @task(5)
    def transactions(self) -> None:
        page = self.client.get("/transactions/", name="/transactions/")
        self.links = TRANSACTION_LINK.findall(page.text)
        self._page_done()

    @task(2)
    def filtered(self) -> None:
        query = random.choice(
            ["status=Completed", "search=Invoice", "status=Pending&order=asc", "page=2"]
        )
        self.client.get(f"/transactions/?{query}", name="/transactions/?filters")
        self._page_done()

    @task(2)
    def detail(self) -> None:
        links = getattr(self, "links", [])
        if links:
            self.client.get(random.choice(links), name="/transactions/<id>/")
        self._page_done()

    @task(1)
    def export(self) -> None:
        self.client.get("/transactions/export.csv", name="/transactions/export.csv")
        self._page_done()

    @task(1)
    def notifications(self) -> None:
        self.client.get("/notifications/", name="/notifications/")
        self._page_done()

    @task(1)
    def payment(self) -> None:
        self._pay()
        self._page_done()
