"""Pages under the production server, side by side with a bare Django view.

In one run under gunicorn (two workers, DEBUG off, simulator in-process):
requests per second and p50 / p95 for a bare view that renders a small
template, /healthz, /login/, a signed-in empty page (the bare view with a
session) and the money pages (the dashboard both from the session's copy of
the answer and refreshed, i.e. read from the bank and rendered on every
request); each one's ratio to the bare view and to /healthz; the CPU
milliseconds the server's processes spent per request; the weight of each page
with its CSS, JS and images as a browser gets them (compressed); and SQL queries
per page, for a company with few rows and one with many.

The machine's pace drifts from one minute to the next (it is shared), so each
money page is compared with a /healthz measured just before it, in every round.

    .venv/bin/python bench/pages.py [--seconds 5] [--connections 8] [--rounds 3]

Load comes from wrk (Debian's package) on loopback; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from bench.production import OTP, cpu_seconds, environment, free_port, gunicorn, prepare

PASSWORD = "Pages-pass-2026"
FEW, MANY = "pages@codego.test", "busy@codego.test"
BARE = "/bench/bare/"
SIGNED_IN_PAGES = ["/dashboard/", "/transactions/", "/payments/new/"]
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %d\\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def sign_in(base: str, email: str) -> requests.Session:
    browser = requests.Session()
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    page = browser.get(f"{base}/login/")
    browser.post(
        f"{base}/login/",
        {"csrfmiddlewaretoken": token.search(page.text)[1], "email": email, "password": PASSWORD},
        headers={"Referer": f"{base}/login/"},
    )
    page = browser.get(f"{base}/login/verify/")
    done = browser.post(
        f"{base}/login/verify/",
        {"csrfmiddlewaretoken": token.search(page.text)[1], "otp": OTP},
        headers={"Referer": f"{base}/login/verify/"},
    )
    assert done.url.endswith("/dashboard/"), done.url
    return browser


# The pages compared with the floor: each one right after a /healthz of its own.
MONEY_PAGES = ("/transactions/", "/payments/new/", "/dashboard/ refreshed")


def wrk(url: str, seconds: int, connections: int, script: Path, cookie: str = "") -> tuple:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate, p50, p95, errors = output.split("RESULT ")[1].split()
    return float(rate), float(p50), float(p95), int(errors)


class Assets(HTMLParser):
    """Stylesheets, scripts and images a page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") in ("stylesheet", "icon"):
            self.urls.append(found.get("href") or "")
        elif tag in ("script", "img") and found.get("src"):
            self.urls.append(found["src"] or "")


def compressed_size(browser: requests.Session, url: str) -> tuple[int, str]:
    response = browser.get(url, headers={"Accept-Encoding": "br, gzip"}, stream=True)
    body = response.raw.read(decode_content=False)
    return len(body), response.text if "html" in response.headers.get("Content-Type", "") else ""


def page_weight(browser: requests.Session, base: str, path: str) -> tuple[int, int]:
    """Bytes over the wire for the HTML and for its assets, as a browser asks (br, gzip)."""
    html_bytes, _ = compressed_size(browser, base + path)
    assets = Assets()
    assets.feed(browser.get(base + path).text)
    asset_bytes = sum(
        compressed_size(browser, url if url.startswith("http") else base + url)[0]
        for url in dict.fromkeys(assets.urls)
        if url and not url.startswith("data:")
    )
    return html_bytes, asset_bytes


def sql_per_page(env: dict[str, str]) -> str:
    """Portal queries per page (the in-process simulator's own left out), few vs many rows."""
    script = f"""
import django; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from sandbox import actions
from sandbox.models import Company, Iban
busy = Company.objects.get(email={MANY!r})
iban = Iban.objects.filter(company=busy).first()
for n in range(150):
    actions.credit(iban=iban.iban, amount="25.00", name=f"Extra payer {{n}}")
for email in ({FEW!r}, {MANY!r}):
    client = Client()
    client.post("/login/", {{"email": email, "password": {PASSWORD!r}}})
    client.post("/login/verify/", {{"otp": {OTP!r}}})
    for path in {SIGNED_IN_PAGES!r}:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        portal = [q for q in queries.captured_queries if 'sandbox_' not in q["sql"]]
        print(f"{{email:<20}} {{path:<18}} {{len(portal):>3}} portal queries")
"""
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else done.stdout + done.stderr[-2000:]


def balanced(log: Path, start: int) -> bool:
    """Whether both workers served the run's requests (read from the access log).

    wrk opens its connections at once and keeps them; now and then one gthread
    worker accepts them all while the other idles, and the run measures one
    process, not the server (half the rate, whatever the page). Such a run says
    nothing about the page, so it is measured again.
    """
    with log.open("rb") as lines:
        lines.seek(start)
        served = Counter(re.findall(rb"worker=<(\d+)>", lines.read()))
    return len(served) > 1 and min(served.values()) >= 0.2 * sum(served.values())


def summary(measured: list[tuple]) -> tuple:
    """Median rate, p50, p95 and CPU ms a request of the rounds, and their errors added up."""
    rate, p50, p95, cpu = (median(run[i] for run in measured) for i in (0, 1, 2, 4))
    return rate, p50, p95, sum(run[3] for run in measured), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="PAGE",
        help="measure only these rows (as the table names them); the bare view and /healthz always",
    )
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="portal-pages-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = environment(
        workdir,
        port,
        upstream="sandbox:",
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        PORTAL_LOG_LEVEL="WARNING",
    )
    prepare(env, [(FEW, PASSWORD), (MANY, PASSWORD)])
    script = workdir / "report.lua"
    script.write_text(WRK_REPORT)

    with gunicorn(env, workdir / "server.log") as server:
        browser = sign_in(base, FEW)
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        runs = [
            ("bare view", BARE, ""),
            ("/healthz", "/healthz", ""),
            ("/login/", "/login/", ""),
            ("signed-in empty page", BARE, cookie),
            *[(path, path, cookie) for path in SIGNED_IN_PAGES],
            # Every request reads the bank and renders anew: a first visit, or Refresh.
            ("/dashboard/ refreshed", "/dashboard/?refresh=1", cookie),
        ]
        if options.only:
            kept = {"bare view", "/healthz", *options.only}
            runs = [run for run in runs if run[0] in kept]
        # Server, simulator and load generator share two cores, so one run of a page
        # can land on a busy moment: every page is measured once per round, the rounds
        # interleaved, and each figure is the median of its rounds.
        rounds: dict[str, list[tuple]] = {name: [] for name, _, _ in runs}
        # Each money page's rate over the /healthz measured just before it, per round.
        shares: dict[str, list[float]] = {name: [] for name, _, _ in runs if name in MONEY_PAGES}
        log = workdir / "server.log"
        again = 0

        def measure(path: str, with_cookie: str) -> tuple:
            nonlocal again
            for _attempt in range(5):
                start, cpu = log.stat().st_size, cpu_seconds(server)
                rate, p50, p95, errors = wrk(
                    base + path, options.seconds, options.connections, script, with_cookie
                )
                spent = cpu_seconds(server) - cpu
                if balanced(log, start):
                    break
                again += 1
            cpu_ms = spent * 1000 / max(rate * options.seconds, 1)
            return rate, p50, p95, errors, cpu_ms

        for _ in range(options.rounds):
            for name, path, with_cookie in runs:
                if name in shares:
                    floor = measure("/healthz", "")
                    rounds["/healthz"].append(floor)
                measured = measure(path, with_cookie)
                rounds[name].append(measured)
                if name in shares:
                    shares[name].append(measured[0] / floor[0])
        results = {name: summary(measured) for name, measured in rounds.items()}
        print(
            f"median of {options.rounds} rounds of {options.seconds} s, "
            f"{options.connections} connections ({again} runs measured again: "
            "one worker had taken every connection);\na money page's x healthz is the "
            "median over the rounds of its rate over the /healthz measured just before it"
        )
        print(
            f"{'page':<22} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'x bare':>7} {'x healthz':>9} {'cpu ms':>7} {'errors':>6}"
        )
        for name, (rate, p50, p95, errors, cpu_ms) in results.items():
            ratio = rate / results["bare view"][0]
            floor = median(shares[name]) if name in shares else rate / results["/healthz"][0]
            print(
                f"{name:<22} {rate:>8.0f} {p50:>7.1f} {p95:>7.1f} "
                f"{ratio:>7.2f} {floor:>9.3f} {cpu_ms:>7.2f} {errors:>6}"
            )
        if options.only:
            return

        print(f"\n{'page weight':<22} {'HTML':>8} {'assets':>8} {'total KB':>9}")
        for path in ["/login/", *SIGNED_IN_PAGES]:
            html_bytes, asset_bytes = page_weight(
                browser if path != "/login/" else requests.Session(), base, path
            )
            print(
                f"{path:<22} {html_bytes:>8} {asset_bytes:>8} "
                f"{(html_bytes + asset_bytes) / 1024:>9.1f}"
            )

    bare = results["bare view"][0]
    print("\ntargets")
    print(f"  /dashboard/ ≥ 0.25 x bare: {results['/dashboard/'][0] / bare:.2f}")
    empty = results["signed-in empty page"][0]
    print(f"  signed-in empty page ≥ 0.6 x signed out: {empty / bare:.2f}")
    for name, measured in shares.items():
        print(
            f"  {name} ≥ 0.15 x /healthz: {median(measured):.3f}"
            f" (rounds {min(measured):.3f} to {max(measured):.3f})"
        )
    print("\nSQL queries per page (few rows, then many)")
    print(sql_per_page(env), end="")


if __name__ == "__main__":
    main()
