""" "Try the demo": how long a visitor waits for a company of their own, in-process.

Production settings (PBKDF2 for real passwords, SQLite in a temporary folder),
the simulator embedded: each start makes the company (two IBANs, payees, four
months of history, crypto, notifications) and signs in through login and
verifyLogin. Reports the median and the slowest of `--starts` starts.

    .venv/bin/python bench/demo_start.py [--starts 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.in_process import start_django

start_django("demo", SANDBOX_DEMO_STARTS_PER_HOUR="1000000")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    times = []
    for _ in range(args.starts):
        client = Client(secure=True)
        began = time.perf_counter()
        answer = client.post("/demo/start/")
        times.append(time.perf_counter() - began)
        assert answer.status_code == 302, answer.status_code
    print(f"{args.starts} starts: median {statistics.median(times) * 1000:.0f} ms, "
          f"slowest {max(times) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
