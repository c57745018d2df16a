"""The simulator's request pipeline, shared by the HTTP view and the in-process adapter.

A request goes: Basic auth -> body parsing (JSON, JSON as text/plain, multipart)
-> `whitelabel_id` -> injected faults -> rate limit -> session check -> handler.
Handlers live in `sandbox.endpoints` and register themselves with `@endpoint`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import logging
import random
import secrets
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from sandbox import bank, sql
from sandbox.models import Company, Fault, JournalEntry, WebToken

logger = logging.getLogger("sandbox")

RATE_LIMIT_WINDOW = 10  # seconds; the limit itself is settings.SANDBOX_RATE_LIMIT
FAULT_RETRY_AFTER = 2  # seconds an injected HTTP 429 asks the client to wait
# What an injected business answer says when staff gave no message.
FAULT_MESSAGES = {
    0: "The bank could not process this request.",
    -1: "Your session has expired. Please log in again.",
}


class Reject(Exception):
    """A business failure: answered as `{"status": 0, "message": ...}`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SessionRejected(Exception):
    """Missing, unknown or lapsed `web_token`: answered as `status: -1`.

    The newer public reference documents `status: -1` for an expired token.
    """


class SimulatedTimeout(Exception):
    """An injected timeout; the transport decides how to make the client wait."""


@dataclass
class Call:
    """What a handler sees: the parsed body, the files and the signed-in company."""

    endpoint: str
    data: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)
    company: Company | None = None
    token: WebToken | None = None
    transfers_due: bool = False  # read with the session: some are due to settle

    def get(self, *names: str, default: str = "") -> str:
        """The first present value among `names` (aliases the doc uses), as a string."""
        for name in names:
            value = self.data.get(name)
            if value is not None and str(value).strip() != "":
                return str(value).strip()
        return default

    def require(self, *names: str, label: str | None = None) -> str:
        """Like `get`, but a missing value rejects the call naming the field."""
        value = self.get(*names)
        if not value:
            raise Reject(f"The {label or names[0]} field is required.")
        return value

    def require_file(self, name: str) -> UploadedFile:
        upload = self.files.get(name)
        if upload is None or not upload.size:
            raise Reject(f"The {name} file is required.")
        return upload

    @property
    def session_company(self) -> Company:
        assert self.company is not None, "endpoint registered without session=True"
        return self.company


Handler = Callable[[Call], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    name: str
    handler: Handler
    session: bool
    reads_only: bool


ENDPOINTS: dict[str, Endpoint] = {}


def endpoint(
    name: str, *, session: bool = False, reads_only: bool = False
) -> Callable[[Handler], Handler]:
    """Register a handler for `/businessbassapi/<name>`; `reads_only`: it changes nothing,
    so it runs outside a write transaction."""

    def register(handler: Handler) -> Handler:
        ENDPOINTS[name] = Endpoint(
            name=name, handler=handler, session=session, reads_only=reads_only
        )
        return handler

    return register


@dataclass
class Answer:
    """What the transport turns into an HTTP response."""

    status: int
    body: bytes
    content_type: str = "application/json"
    timeout: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def check_basic_auth(header: str) -> bool:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return False
    try:
        user, _, password = base64.b64decode(encoded.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return secrets.compare_digest(user, settings.CODEGO_CLIENT_KEY) and secrets.compare_digest(
        password, settings.CODEGO_SECRET_KEY
    )


def parse_body(request: HttpRequest) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """JSON (as application/json or text/plain) or multipart form data."""
    content_type = request.content_type or ""
    if content_type.startswith("multipart/") or content_type == (
        "application/x-www-form-urlencoded"
    ):
        return {k: request.POST.get(k) for k in request.POST}, {
            k: request.FILES[k] for k in request.FILES
        }
    raw = request.body
    if not raw.strip():
        return {}, {}
    try:
        # Fractions as Decimal: an amount sent as the number 10.05 keeps its exact cents.
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as err:
        raise Reject("The request body is not valid JSON.") from err
    if not isinstance(data, dict):
        raise Reject("The request body must be a JSON object.")
    return data, {}


def rate_limited(credential: str) -> bool:
    """Count this call; True past 200 calls in the last 10 seconds (per-second buckets)."""
    now = int(time.time())
    key = f"sandbox:rl:{credential}:{now}"
    cache.add(key, 0, RATE_LIMIT_WINDOW + 2)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_LIMIT_WINDOW + 2)
    keys = [f"sandbox:rl:{credential}:{now - i}" for i in range(RATE_LIMIT_WINDOW)]
    return sum(cache.get_many(keys).values()) > settings.SANDBOX_RATE_LIMIT


# The pipeline's own queries (the session, faults, the journal) run on every call:
# as plain SQL they skip the ORM's compiling, which costs more than the queries.
# The token, its company and whether transfers of the company are due to settle, in
# one read; a token whose company went finds nothing.
SESSION_SQL = (
    "SELECT {token}, {company}, EXISTS({due}) FROM sandbox_webtoken t"
    " JOIN sandbox_company c ON c.id = t.company_id WHERE t.token = %s"
)
FAULT_PROBE = (
    "SELECT id FROM sandbox_fault WHERE endpoint IN (%s, '*') ORDER BY endpoint DESC LIMIT 1"
)
JOURNAL_INSERT = (
    "INSERT INTO sandbox_journalentry"
    " (created, endpoint, company_email, http_status, outcome, milliseconds)"
    " VALUES (%s, %s, %s, %s, %s, %s)"
)


@functools.cache
def _session_sql() -> str:
    return SESSION_SQL.format(
        token=sql.columns(WebToken, "t"),
        company=sql.columns(Company, "c"),
        due=bank.DUE_PROBE.format(company="c.id"),
    )


def authenticate_session(call: Call) -> None:
    """Find the company of `user_id` + `web_token`; lapsed tokens are refused."""
    token_value = call.get("web_token")
    user_id = call.get("user_id")
    if not token_value:
        raise SessionRejected("The web_token field is required.")
    found = sql.fetch(_session_sql(), [*bank.due_probe_params(), token_value])
    token, company = sql.instances(found[0], WebToken, Company) if found else (None, None)
    if token is None or token.revoked:
        raise SessionRejected("Invalid web token. Please log in again.")
    token.company = company
    if user_id and user_id != token.company.user_id:
        raise SessionRejected("The web token does not belong to this user.")
    ttl = timedelta(seconds=settings.SANDBOX_TOKEN_TTL)
    if timezone.now() - token.last_live > ttl:
        raise SessionRejected("Your session has expired. Please log in again.")
    call.company = token.company
    call.token = token
    call.transfers_due = bool(found[0][-1])


def _active_fault(name: str) -> Fault | None:
    """The fault set for `name`, else the one for every endpoint ("*"), if it fires now.

    Nearly always there is none: the fault itself is read only when there is one.
    """
    found = sql.fetch(FAULT_PROBE, [name])
    fault = Fault.objects.filter(pk=found[0][0]).first() if found else None
    if fault is None or random.random() >= fault.error_rate:
        return None
    return fault


def _journal(name: str, call: Call | None, status: int, outcome: str, started: float) -> None:
    email = call.company.email if call and call.company else ""
    if not email and call is not None:
        email = str(call.data.get("email") or "")[:254]
    milliseconds = int((time.monotonic() - started) * 1000)
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            JOURNAL_INSERT, [created, name[:60], email, status, outcome[:200], milliseconds]
        )
    if random.random() < 0.02:  # trim now and then, not on every call
        trim_journal(settings.SANDBOX_JOURNAL_KEEP)


def trim_journal(keep: int) -> int:
    """Delete all but the newest `keep` entries; returns how many went.

    Only entries older than the oldest one kept go: an entry another worker
    writes meanwhile is newer, so it stays (a "keep these ids" list read first
    would have deleted it).
    """
    newest = JournalEntry.objects.order_by("-id").values_list("id", flat=True)
    boundary = newest[keep : keep + 1].first()
    if boundary is None:
        return 0
    deleted, _ = JournalEntry.objects.filter(id__lte=boundary).delete()
    return deleted


@dataclass
class _Reply:
    answer: Answer
    outcome: str


def _reply(status: int, payload: dict[str, Any], outcome: str) -> _Reply:
    return _Reply(Answer(status=status, body=json.dumps(payload).encode()), outcome)


def _fault_reply(fault: Fault) -> _Reply | None:
    """What an injected fault answers instead of the handler; None for latency alone."""
    if fault.timeout:
        return _Reply(Answer(504, b"", timeout=True), "fault: timeout")
    if fault.garbage:
        body = b"<html><body>502 Bad Gateway</body></html>"
        return _Reply(Answer(200, body, "text/html"), "fault: garbage")
    if fault.answer_status is not None:
        message = fault.message or FAULT_MESSAGES[fault.answer_status]
        payload = {"status": fault.answer_status, "message": message}
        return _reply(200, payload, f"fault: status {fault.answer_status}")
    if fault.http_status:
        status = fault.http_status
        # The bodies the real pipeline gives these statuses (see `_answer`).
        message = {401: "Not Authorized", 429: "Too many requests."}.get(status, "System Error")
        reply = _reply(
            status, {"status": -1 if status == 401 else 0, "message": message}, f"{status}"
        )
        if status == 429:
            reply.answer.headers["Retry-After"] = str(FAULT_RETRY_AFTER)
        return reply
    return None


def answer(request: HttpRequest, name: str) -> Answer:
    """Run one API call through the whole pipeline and journal its outcome."""
    started = time.monotonic()
    if settings.SANDBOX_LATENCY_MS:
        time.sleep(settings.SANDBOX_LATENCY_MS / 1000)
    call, reply = _answer(request, name)
    _journal(name, call, reply.answer.status, reply.outcome, started)
    logger.info("sandbox %s -> %s %s", name, reply.answer.status, reply.outcome)
    return reply.answer


def _answer(request: HttpRequest, name: str) -> tuple[Call | None, _Reply]:
    if request.method != "POST":
        return None, _reply(405, {"status": 0, "message": "Use POST."}, "405")
    if not check_basic_auth(request.headers.get("Authorization", "")):
        return None, _reply(401, {"status": -1, "message": "Not Authorized"}, "401")
    spec = ENDPOINTS.get(name)
    if spec is None:
        return None, _reply(404, {"status": 0, "message": "Not Found"}, "404")
    try:
        data, files = parse_body(request)
    except Reject as reject:
        return None, _reply(400, {"status": 0, "message": reject.message}, "400")
    call = Call(endpoint=name, data=data, files=files)

    fault = _active_fault(name)
    if fault is not None:
        if fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        faulty = _fault_reply(fault)
        if faulty is not None:
            return call, faulty

    # Counted per credential; a digest keeps the secret out of cache keys.
    credential = hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()
    if rate_limited(credential[:16]):
        return call, _reply(429, {"status": 0, "message": "Too many requests."}, "429")

    whitelabel_id = call.get("whitelabel_id")
    if whitelabel_id != settings.CODEGO_WHITELABEL_ID:
        message = (
            "Invalid whitelabel_id." if whitelabel_id else "The whitelabel_id field is required."
        )
        return call, _reply(200, {"status": -1, "message": message}, message)

    try:
        # A Reject commits what the handler wrote before it (a wrong OTP counts
        # as an attempt); handlers validate input before they change anything.
        # A read takes no write transaction: on SQLite that is one lock for the
        # whole database, and the dashboards of fifty companies would queue on it.
        with nullcontext() if spec.reads_only else transaction.atomic():
            try:
                if spec.session:
                    authenticate_session(call)
                    # Transfers due to settle do so before the company's call reads anything.
                    bank.settle_due(call.session_company, known_due=call.transfers_due)
                payload = spec.handler(call)
            except SessionRejected as rejected:
                message = str(rejected)
                return call, _reply(200, {"status": -1, "message": message}, message)
            except Reject as reject:
                message = reject.message
                return call, _reply(200, {"status": 0, "message": message}, message)
    except Exception:
        logger.exception("sandbox handler %s failed", name)
        return call, _reply(500, {"status": 0, "message": "System Error"}, "500")
    return call, _reply(200, payload, "ok")
