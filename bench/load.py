"""`make load`: 50 companies working at once on the production server, measured.

Starts the portal as `make serve` does (gunicorn, two workers, DEBUG off) on a
loopback port, with the simulator served over HTTP as its upstream, seeds one
company per simulated user, and runs bench/locustfile.py headless for a bounded
time. Then it reports, and fails (exit 1) when any of it is wrong:

- errors (must be 0), p50 / p95 / p99 and requests per second per page;
- upstream calls per page, from the portal's own request log lines;
- no payment sent twice: on the simulator's journal, at most one `iban_sendmoney`
  per payment and one `iban_confirmotp` per transfer, although every user
  double-clicks; the portal's payments are listed by state.

    .venv/bin/python bench/load.py [--users 50] [--spawn-rate 10] [--seconds 60] [--instances 2]

With `--instances 2` (`make load-two`), two portal servers, each on a port of its
own, share PostgreSQL and Redis behind Debian's HAProxy (round robin).

Uses DATABASE_URL / CACHE_URL when set (scripts/with-services.sh gives
PostgreSQL and Redis), else a fresh SQLite file. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.production import (
    ROOT,
    VENV_BIN,
    cpu_seconds,
    environment,
    free_port,
    gunicorn,
    haproxy,
    prepare,
)

PASSWORD = "Load-pass-2026"
MIXES = {"day": "WorkingDay", "signins": "SignInEachTime"}
REQUEST_LINE = re.compile(
    r"request rid=\S+ method=(\S+) path=(\S+) status=(\d+) ms=([\d.]+)"
    r" upstream_calls=(\d+) upstream_ms=([\d.]+)"
)


def journal_counts(env: dict[str, str], since: float) -> dict[str, int]:
    """Answered calls per endpoint since `since`, and the portal's payments per state."""
    script = (
        "import django, json, datetime; django.setup()\n"
        "from django.db.models import Count\n"
        "from banking.models import PendingPayment\n"
        "from sandbox.models import JournalEntry\n"
        f"since = datetime.datetime.fromtimestamp({since}, datetime.timezone.utc)\n"
        "rows = JournalEntry.objects.filter(created__gte=since).values('endpoint')"
        ".annotate(n=Count('id'))\n"
        "counts = {row['endpoint']: row['n'] for row in rows}\n"
        "states = PendingPayment.objects.values('state').annotate(n=Count('id'))\n"
        "counts.update({f\"payment {row['state']}\": row['n'] for row in states})\n"
        "print(json.dumps(counts))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def page_of(path: str) -> str:
    """A path with its ids folded, so every payment counts as one page."""
    path = re.sub(r"^/payments/[^/]+/(review|confirm)/$", r"/payments/<id>/\1/", path)
    return re.sub(r"^/transactions/[^/]+/$", "/transactions/<id>/", path)


def upstream_per_page(logs: list[Path]) -> dict[str, tuple[int, float, float]]:
    """Per page: requests, mean upstream calls, and the median of the portal's own
    milliseconds (the request's time minus its upstream calls', both logged)."""
    calls: dict[str, list[int]] = defaultdict(list)
    own_ms: dict[str, list[float]] = defaultdict(list)
    lines = [line for log in logs for line in log.read_text(errors="replace").splitlines()]
    for line in lines:
        match = REQUEST_LINE.search(line)
        if match and not match.group(2).startswith("/sandbox/"):
            page = f"{match.group(1)} {page_of(match.group(2))}"
            calls[page].append(int(match.group(5)))
            own_ms[page].append(float(match.group(4)) - float(match.group(6)))
    return {
        page: (len(counts), statistics.mean(counts), statistics.median(own_ms[page]))
        for page, counts in calls.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    # People arrive over the first half minute, not all in one second.
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--instances", type=int, default=1, help="portal servers; more than one behind HAProxy"
    )
    parser.add_argument(
        "--mix",
        choices=sorted(MIXES),
        default="day",
        help="day: signed in once, a person's pace; signins: a whole session per cycle",
    )
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="portal-load-"))
    port, bank_port = free_port(), free_port()
    env = environment(
        workdir, port, upstream=f"http://127.0.0.1:{bank_port}/sandbox/api", PORTAL_LOG_LEVEL="INFO"
    )
    # The bank runs in a server of its own, as it would: a portal worker waiting
    # for an answer must not hold the thread that would give it.
    bank_env = {
        **env,
        "PORT": str(bank_port),
        "CODEGO_API_URL": "sandbox:",
        "GUNICORN_THREADS": "8",
    }
    print(f"seeding {options.users} companies …", flush=True)
    prepare(env, [(f"load{n}@codego.test", PASSWORD) for n in range(1, options.users + 1)])

    with ExitStack() as running:
        bank = running.enter_context(gunicorn(bank_env, workdir / "bank.log"))
        logs, portals = serve_instances(running, env, workdir, port, options.instances)
        cpu_before = cpu_seconds(bank), sum(cpu_seconds(server) for server in portals)
        started = time.time()
        print(f"{options.users} users for {options.seconds} s on 127.0.0.1:{port} …", flush=True)
        subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(options.users),
                "--spawn-rate",
                str(options.spawn_rate),
                "--run-time",
                f"{options.seconds}s",
                "--stop-timeout",
                "20",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(workdir / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                MIXES[options.mix],
            ],
            env={**env, "LOAD_PASSWORD": PASSWORD},
            cwd=ROOT,
            check=False,
            timeout=options.seconds + 120,
        )
        cpu = (
            cpu_seconds(bank) - cpu_before[0],
            sum(cpu_seconds(server) for server in portals) - cpu_before[1],
        )

    return report(workdir, env, started, upstream_per_page(logs), cpu)


def serve_instances(
    running: ExitStack, env: dict[str, str], workdir: Path, port: int, count: int
) -> tuple[list[Path], list[subprocess.Popen]]:
    """`count` portal servers sharing the database and cache; from two on, each on a port
    of its own behind HAProxy on `port`. Their logs and processes."""
    if count <= 1:
        log = workdir / "server.log"
        return [log], [running.enter_context(gunicorn(env, log))]
    ports = [free_port() for _ in range(count)]
    logs = [workdir / f"server-{number}.log" for number in range(1, count + 1)]
    servers = [
        running.enter_context(gunicorn({**env, "PORT": str(own_port)}, log))
        for own_port, log in zip(ports, logs, strict=True)
    ]
    running.enter_context(haproxy(workdir, port, ports))
    return logs, servers


def report(
    workdir: Path,
    env: dict[str, str],
    started: float,
    upstream: dict[str, tuple[int, float, float]],
    cpu: tuple[float, float],
) -> int:
    with (workdir / "load_stats.csv").open() as stats_file:
        rows = list(csv.DictReader(stats_file))
    columns = ("requests", "errors", "p50", "p95", "p99")
    print(f"\n{'page':<42} " + " ".join(f"{c:>8}" for c in columns) + f" {'req/s':>7}")
    errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all pages"
        errors += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        print(
            f"{name:<42} {row['Request Count']:>8} {row['Failure Count']:>8} "
            f"{row['50%']:>8} {row['95%']:>8} {row['99%']:>8} {float(row['Requests/s']):>7.1f}"
        )
    print(
        "(milliseconds)\n\nfrom the request log, per page: upstream calls (mean) and the"
        " portal's own time (the request minus its upstream calls, p50 ms)"
    )
    for page, (count, mean, own) in sorted(upstream.items()):
        print(f"  {page:<44} {mean:>5.2f} calls {own:>6.1f} ms  ({count} requests)")

    journal = journal_counts(env, started)
    sent, confirmed = journal.get("iban_sendmoney", 0), journal.get("iban_confirmotp", 0)
    review = "POST /payments/<id>/review/"
    reviews = sum(count for page, (count, _calls, _own) in upstream.items() if page == review)
    print(
        f"\npayments: {reviews} 'send the code' presses, {sent} iban_sendmoney, "
        f"{confirmed} iban_confirmotp on the simulator's journal"
    )
    requests_served = sum(count for count, _calls, _own in upstream.values())
    calls_answered = sum(n for name, n in journal.items() if not name.startswith("payment "))
    bank_cpu, portal_cpu = cpu
    print(
        f"CPU: portal {portal_cpu:.1f} s for {requests_served} requests "
        f"({portal_cpu / max(requests_served, 1) * 1000:.1f} ms each); simulator "
        f"{bank_cpu:.1f} s for {calls_answered} calls "
        f"({bank_cpu / max(calls_answered, 1) * 1000:.1f} ms each)"
    )
    states = {name: n for name, n in sorted(journal.items()) if name.startswith("payment ")}
    print("portal payments by state: " + ", ".join(f"{k[8:]} {n}" for k, n in states.items()))
    # Each payment was pressed twice: the bank may see at most one transfer per
    # payment, and at most one confirmation per transfer.
    twice = sent > reviews // 2 or confirmed > sent
    print(f"errors: {errors}; payment sent twice: {'YES' if twice else 'no'}")
    return 1 if errors or twice else 0


if __name__ == "__main__":
    sys.exit(main())
