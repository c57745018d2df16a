"""The credential's call budget, and each party's fair share of it.

One credential serves every company of the portal, and the bank allows it a
number of calls per window (200 per 10 s). Two limits are counted in the Django
cache, so every worker and instance shares them:

- the whole budget, the last guard: past it the bank itself would answer 429;
- a share of it per party, so that one company (a script, a stuck tab) cannot
  use the budget up for all the others. The portal says who is asking
  (`asking_for`): a signed-in company, or an address that has no company yet
  (sign-in, sign-up). A party over its share gets `ShareExceeded`, with the
  seconds until its window has room again.

Calls that complete what the bank has already begun (a payment's confirmation),
keep a session alive or end it are never refused a share: refusing them would
leave things half done. A walk over many pages (an export) may wait for room
(`patiently`) rather than fail half way.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache

from codego import metrics
from codego.errors import RateLimited, ShareExceeded

logger = logging.getLogger("codego.budget")

# Never refused for a party's share (the whole budget still applies):
# iban_confirmotp completes a payment the bank already holds; updateUserLive keeps
# the session of whoever is asking; logout must always work.
OUTSIDE_THE_SHARE = frozenset({"iban_confirmotp", "updateUserLive", "logout"})


COMPANY, ADDRESS = "company", "address"


@dataclass(frozen=True)
class Party:
    """Who is asking: a signed-in company or an address (`kind`), named `name` in the
    counters, with its `share` of the budget (0 to 1)."""

    kind: str
    name: str
    share: float

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"


_party: ContextVar[Party | None] = ContextVar("codego_party", default=None)
_patience: ContextVar[float] = ContextVar("codego_patience", default=0.0)


@contextlib.contextmanager
def asking_for(party: Party | None) -> Iterator[None]:
    """Count the calls made inside this block against `party`'s share."""
    token = _party.set(party)
    try:
        yield
    finally:
        _party.reset(token)


def current_party() -> Party | None:
    return _party.get()


@contextlib.contextmanager
def patiently(seconds: float) -> Iterator[None]:
    """Inside this block a call waits up to `seconds` for room in the budget."""
    token = _patience.set(seconds)
    try:
        yield
    finally:
        _patience.reset(token)


class Window:
    """Calls counted in one-second buckets of the cache, summed over `window` + 1 seconds,
    so no sliding window of `window` seconds ever holds more than `limit` calls.

    A call takes its place first (an atomic increment, shared by every worker on
    Redis) and only then counts: of two calls racing for the last place, the one
    that counts later sees the other's increment, so they cannot both pass. A
    call over the limit gives its place back.
    """

    def __init__(self, prefix: str, limit: int, window: int) -> None:
        self.prefix = prefix
        self.limit = limit
        self.window = window

    def take(self) -> tuple[float, int]:
        """Take a place now: `(0, second taken)`, or `(seconds until one is free, 0)`."""
        second = int(time.time())
        taken = self._take(self._bucket(second))
        # Read after taking, up to the clock's second now: a call slowed across a
        # second boundary still sees the calls other workers counted after it.
        latest = max(second, int(time.time()))
        seconds = range(second - self.window, latest + 1)
        keys = {other: self._bucket(other) for other in seconds if other != second}
        found = cache.get_many(list(keys.values()))
        counts = {other: found.get(key, 0) for other, key in keys.items()}
        counts[second] = taken
        if sum(counts.values()) <= self.limit:
            return 0.0, second
        self.give_back(second)
        return self._wait(counts, latest), 0

    def give_back(self, second: int) -> None:
        with contextlib.suppress(ValueError):  # the bucket expired: nothing to give back
            cache.decr(self._bucket(second))

    def _wait(self, counts: dict[int, int], now: int) -> float:
        """Seconds until the oldest buckets leave the window and leave room for one call."""
        for delay in range(1, self.window + 2):
            kept = sum(n for second, n in counts.items() if second >= now + delay - self.window)
            if kept < self.limit:
                return float(delay)
        return float(self.window + 1)

    def _bucket(self, second: int) -> str:
        return f"{self.prefix}:{second}"

    def _take(self, key: str) -> int:
        """Add this call to the second's bucket; the bucket's count after it."""
        # The timeout only clears old buckets: the count never depends on when they expire.
        timeout = self.window + 5
        if cache.add(key, 1, timeout):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 0, timeout)
            return cache.incr(key)


class Budget:
    """At most `limit` calls per `window` seconds per credential, and a share per party."""

    def __init__(self, credential: str, limit: int, window: int) -> None:
        digest = hashlib.sha256(credential.encode()).hexdigest()[:16]
        self.prefix = f"codego:rl:{digest}"
        self.whole = Window(self.prefix, limit, window)
        self.limit = limit
        self.window = window

    def acquire(self, endpoint: str) -> None:
        """Take a place for one call to `endpoint`, waiting as `patiently` allows,
        or raise `ShareExceeded` / `RateLimited`."""
        deadline = time.monotonic() + _patience.get()
        waited = False
        while True:
            party = _party.get()
            share = self._share(party) if endpoint not in OUTSIDE_THE_SHARE else None
            error: RateLimited | None = None
            wait, taken = share.take() if share is not None else (0.0, 0)
            if wait:
                error = ShareExceeded(
                    "the party's share of the budget is used",
                    retry_after=wait,
                    endpoint=endpoint,
                    for_company=party is not None and party.kind == COMPANY,
                )
            else:
                wait, _ = self.whole.take()
                if wait:
                    if share is not None:
                        share.give_back(taken)
                    error = RateLimited("local rate limit reached", retry_after=wait)
            if error is None:
                return
            limit = "share" if isinstance(error, ShareExceeded) else "whole"
            if time.monotonic() + min(wait, 1.0) > deadline:
                if isinstance(error, ShareExceeded):
                    self._say_once(party, share)
                metrics.BUDGET_REFUSALS.labels(limit).inc()
                raise error
            if not waited:
                metrics.BUDGET_WAITS.labels(limit).inc()
                waited = True
            time.sleep(min(wait, 1.0, max(0.0, deadline - time.monotonic())))

    def _share(self, party: Party | None) -> Window | None:
        if party is None or party.share >= 1:
            return None
        limit = max(1, int(self.limit * party.share))
        return Window(f"{self.prefix}:party:{party.key}", limit, self.window)

    def _say_once(self, party: Party | None, share: Window | None) -> None:
        """One WARNING per party and window, not one per refused call."""
        if party is None or share is None:
            return
        window = int(time.time()) // self.window
        if cache.add(f"{self.prefix}:warned:{party.key}:{window}", 1, self.window * 2):
            logger.warning(
                "share of the bank's budget used up: party=%s limit=%d per %d s",
                party.key,
                share.limit,
                self.window,
            )
