"""Upstream calls per portal page, and how long each page takes, in-process.

Signs a live company and an onboarding company in through the portal's own pages,
then renders each signed-in page a few times. The simulator journals every call
it answers, so the count is exact: the first render (cold reference cache) and
the next ones (warm) are reported apart.

    .venv/bin/python bench/page_calls.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.in_process import start_django

start_django("pages")

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.forms import read_form  # noqa: E402
from sandbox import demo  # noqa: E402
from sandbox.models import JournalEntry, Mail, Transaction  # noqa: E402

LIVE_PAGES = [
    "/dashboard/",
    "/accounts/",
    "/accounts/new/",
    "/beneficiaries/",
    "/beneficiaries/new/",
    "/payments/new/",
    "/transactions/",
    "/statements/",
    "/statements/print/",
    "/notifications/",
    "/profile/",
    "/cards/",
    "/crypto/",
    "/crypto/btc/",
]
ONBOARDING_PAGES = [
    "/onboarding/",
    "/onboarding/company/",
    "/onboarding/documents/",
    "/onboarding/directors/",
    "/onboarding/additional-documents/",
    "/onboarding/plan/",
]
PUBLIC_PAGES = ["/login/", "/signup/", "/password/forgot/"]


def sign_in(client: Client, email: str, password: str) -> None:
    client.post("/login/", {"email": email, "password": password})
    body = Mail.objects.filter(to=email).first().body
    code = re.search(r"\b(\d{6})\b", body).group(1)
    response = client.post("/login/verify/", {"otp": code})
    assert response.status_code == 302, response.content[:500]


def measure(client: Client, path: str, repeat: int) -> tuple[Counter, Counter, list[float]]:
    """Calls of the first render, calls of one later render, and every render's ms."""
    timings = []
    cold = warm = Counter()
    for number in range(repeat):
        before = JournalEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        started = time.perf_counter()
        response = client.get(path, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        calls = Counter(
            JournalEntry.objects.filter(id__gt=before).values_list("endpoint", flat=True)
        )
        if number == 0:
            cold = calls
        elif number == 1:
            warm = calls
    return cold, warm, timings


def money_pages(client: Client, email: str) -> list[str]:
    """A transaction's detail and receipt, and the review of a payment drafted now."""
    trx = Transaction.objects.filter(iban__company__email=email).order_by("-id").first()
    form = read_form(client.get("/payments/new/").content.decode(), "/payments/new/")
    review = client.post(
        "/payments/new/",
        {
            **form.fields,
            "iban_id": form.options["iban_id"][0],
            "beneficiaries_id": form.options["beneficiaries_id"][0],
            "amount": "10.00",
            "payment_option": "sepa",
            "reason_payment": "Bench",
        },
    )
    assert review.status_code == 302, review.content[:500]
    return [
        f"/transactions/{trx.unique_id}/",
        f"/transactions/{trx.unique_id}/receipt/",
        review["Location"],
    ]


def describe(calls: Counter) -> str:
    return ", ".join(
        f"{name} x{count}" if count > 1 else name for name, count in sorted(calls.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # production static storage
    demo.seed_demo(email="pages@codego.test", password="Pages-pass-2026")
    onboarding = demo.seed_demo(email="kyc@codego.test", password="Kyc-pass-2026")
    onboarding.is_live = False
    onboarding.save()

    print(f"{'page':<36} {'cold calls':>10} {'warm calls':>10} {'median ms':>10} {'p95 ms':>8}")
    plans = [
        (None, PUBLIC_PAGES),
        (("pages@codego.test", "Pages-pass-2026"), LIVE_PAGES),
        (("kyc@codego.test", "Kyc-pass-2026"), ONBOARDING_PAGES),
    ]
    for login, pages in plans:
        client = Client()
        if login:
            sign_in(client, *login)
        if pages is LIVE_PAGES:
            pages = [*pages, *money_pages(client, "pages@codego.test")]
        for path in pages:
            cache.clear()  # cold reference data for the first render of each page
            cold, warm, timings = measure(client, path, repeat)
            p95 = statistics.quantiles(timings, n=20)[-1]
            label = re.sub(r"/(transactions|payments)/[^/]+/", r"/\1/<id>/", path)
            print(
                f"{label:<36} {sum(cold.values()):>10} {sum(warm.values()):>10} "
                f"{statistics.median(timings):>10.1f} {p95:>8.1f}"
            )
            print(f"{'':<4}warm: {describe(warm) or '-'}")


if __name__ == "__main__":
    main()
