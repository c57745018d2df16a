"""Sending one call to the Codego API and turning its answer into data or a typed error.

Everything about HTTP lives here: Basic auth, bodies in the endpoint's content
type, the timeout, the shared rate limit, the single retry of reads, logging
without secrets, and the mapping of every failure to `codego.errors`. Base URLs
that are not HTTP (the simulator's `sandbox:`) are served by the adapter
registered for them with `register_adapter`.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import requests
from requests.adapters import BaseAdapter
from urllib3 import encode_multipart_formdata

from codego import metrics
from codego.budget import Budget
from codego.endpoints import JSON, MULTIPART, SPECS, TEXT, EndpointSpec
from codego.errors import (
    AccessDenied,
    ApiError,
    CodegoError,
    CredentialsRejected,
    OtpRequired,
    RateLimited,
    SessionExpired,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from codego.types import Credentials, Upload

logger = logging.getLogger("codego")

USER_AGENT = "codego-portal/1.0"
# Codes of the reference's "Error codes" table that are not HTTP statuses.
WRONG_CREDENTIAL, ACCESS_DISABLED, MODULE_INACTIVE = 201, 202, 203


# URL prefix -> factory of the `requests` adapter that serves it. The simulator
# registers "sandbox:" when its Django app loads, so this package never imports it.
_ADAPTERS: dict[str, Callable[[], BaseAdapter]] = {}


def register_adapter(prefix: str, factory: Callable[[], BaseAdapter]) -> None:
    """Serve base URLs starting with `prefix` through an adapter made by `factory`."""
    _ADAPTERS[prefix] = factory


# Told of every call (endpoint, milliseconds): the portal counts calls per request.
_CALL_OBSERVERS: list[Callable[[str, float], None]] = []


def observe_calls(observer: Callable[[str, float], None]) -> None:
    """Have `observer(endpoint, ms)` called after each call, answered or not."""
    if observer not in _CALL_OBSERVERS:
        _CALL_OBSERVERS.append(observer)


_PLAIN = frozenset({str, int, bool, type(None)})


def dumps(value: Any) -> str:
    """JSON text in which a `Decimal` is a number written with its own digits.

    The curl examples send amounts as JSON numbers. `json` cannot write a
    Decimal, and through `float` it would send a binary approximation of the
    cents; the Decimal's own text ("10.00") is an exact JSON number.
    """
    # Most bodies are flat text and numbers, which json writes just as below.
    if type(value) is dict and all(type(k) is str and type(v) in _PLAIN for k, v in value.items()):
        return json.dumps(value, allow_nan=False)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a JSON number: {value}")
        return format(value, "f")
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(key))}: {dumps(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dumps(item) for item in value) + "]"
    return json.dumps(value, allow_nan=False)


class Transport:
    """One `requests.Session` to the API, shared by every call of this process."""

    def __init__(
        self,
        *,
        base_url: str,
        client_key: str,
        secret_key: str,
        api_key: str,
        whitelabel_id: str,
        timeout: float,
        rate_limit: tuple[int, int] = (200, 10),
        http: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.whitelabel_id = whitelabel_id
        self.timeout = timeout
        self.budget = Budget(client_key, *rate_limit)
        self.http = http or requests.Session()
        self.http.auth = (client_key, secret_key)
        self.http.headers["User-Agent"] = USER_AGENT
        self.http.headers["Accept"] = "application/json"
        for prefix, factory in _ADAPTERS.items():
            if self.base_url.startswith(prefix):
                self.http.mount(prefix, factory())
                # An in-process adapter has no proxy or CA bundle to read from the
                # environment, which requests would otherwise look up on every call.
                self.http.trust_env = False
                break
        else:
            if not self.base_url.startswith(("https://", "http://")):
                # Say so now rather than fail on every call with "no connection adapters".
                raise ValueError(f"no adapter serves {self.base_url!r}: is its Django app loaded?")

    def url(self, name: str) -> str:
        return f"{self.base_url}/businessbassapi/{name}"

    def call(
        self,
        name: str,
        data: dict[str, Any] | None = None,
        *,
        session: Credentials | None = None,
        files: dict[str, Upload] | None = None,
    ) -> dict[str, Any]:
        """Send one call and return its JSON body, or raise a `CodegoError`."""
        spec = SPECS[name]
        if spec.session and session is None:
            raise SessionExpired("no session", endpoint=name)
        body: dict[str, Any] = {"whitelabel_id": self.whitelabel_id}
        if spec.apikey:
            body["apikey"] = self.api_key
        if session is not None:
            body["user_id"] = session.user_id
            body["web_token"] = session.web_token
        body.update({k: v for k, v in (data or {}).items() if v is not None})

        attempts = 2 if spec.read_only else 1
        for attempt in range(1, attempts + 1):
            try:
                return self._send_once(spec, body, files, session)
            except UpstreamUnavailable as err:
                if attempt == attempts or not err.retryable:
                    raise
                time.sleep(0.2 + random.random() * 0.3)  # backoff with jitter
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(
        self,
        spec: EndpointSpec,
        body: dict[str, Any],
        files: dict[str, Upload] | None,
        session: Credentials | None,
    ) -> dict[str, Any]:
        self.budget.acquire(spec.name)
        started = time.monotonic()
        http_status: int | None = None
        outcome = "ok"
        try:
            response = self._post(spec, body, files)
            http_status = response.status_code
            return self._parse(spec, response, session)
        except CodegoError as err:
            outcome = type(err).__name__
            raise
        finally:
            elapsed_ms = (time.monotonic() - started) * 1000
            # Endpoint, outcome and time only: bodies carry passwords, OTPs,
            # tokens and files, and the Authorization header is never logged.
            logger.info(
                "codego call endpoint=%s outcome=%s http=%s ms=%d",
                spec.name,
                outcome,
                http_status if http_status is not None else "-",
                elapsed_ms,
            )
            metrics.observe_call(spec.name, elapsed_ms / 1000, outcome)
            for observer in _CALL_OBSERVERS:
                observer(spec.name, elapsed_ms)

    def _post(
        self, spec: EndpointSpec, body: dict[str, Any], files: dict[str, Upload] | None
    ) -> requests.Response:
        kwargs: dict[str, Any] = {"timeout": self.timeout}
        if spec.content_type == MULTIPART and files:
            kwargs["data"] = {k: str(v) for k, v in body.items()}
            kwargs["files"] = files
        elif spec.content_type == MULTIPART:
            # requests writes multipart only when there is a file.
            encoded, content_type = encode_multipart_formdata({k: str(v) for k, v in body.items()})
            kwargs["data"] = encoded
            kwargs["headers"] = {"Content-Type": content_type}
        else:
            assert spec.content_type in (JSON, TEXT)
            kwargs["data"] = dumps(body).encode()
            kwargs["headers"] = {"Content-Type": spec.content_type}
        try:
            return self.http.post(self.url(spec.name), **kwargs)
        except requests.Timeout as err:
            raise UpstreamTimeout("timed out", endpoint=spec.name) from err
        except requests.RequestException as err:
            raise UpstreamUnavailable(
                f"connection failed: {type(err).__name__}", endpoint=spec.name
            ) from err

    def _parse(
        self, spec: EndpointSpec, response: requests.Response, session: Credentials | None
    ) -> dict[str, Any]:
        name, http_status = spec.name, response.status_code
        if http_status == 401:
            raise CredentialsRejected("HTTP 401 Not Authorized", endpoint=name, http_status=401)
        if http_status == 429:
            retry_after = _seconds(response.headers.get("Retry-After"), default=1.0)
            raise RateLimited("HTTP 429", endpoint=name, http_status=429, retry_after=retry_after)
        _raise_for_code(http_status, "", name, http_status)
        if http_status >= 500:
            raise UpstreamUnavailable("server error", endpoint=name, http_status=http_status)
        try:
            payload = response.json()
        except ValueError as err:
            error = UpstreamUnavailable(
                "response is not JSON", endpoint=name, http_status=http_status
            )
            # A 4xx says our request was wrong: the same one fails again.
            error.retryable = http_status < 400
            raise error from err
        if not isinstance(payload, dict):
            raise UpstreamUnavailable(
                "response is not a JSON object", endpoint=name, http_status=http_status
            )
        message = str(payload.get("message") or "")
        status = _int_or_none(payload.get("status"))
        _raise_for_code(status, message, name, http_status)
        _raise_for_code(_int_or_none(payload.get("code")), message, name, http_status)
        if http_status >= 400:
            if status == 0 and message and http_status == 400:
                raise ApiError(message, endpoint=name, http_status=http_status)
            error = UpstreamUnavailable(
                message or "client error", endpoint=name, http_status=http_status
            )
            error.retryable = False  # our request was wrong: the same one fails again
            raise error
        # Two documented responses (profile_details, iban_transaction) have no
        # `status`: a body without one is a success.
        if status is None or status == 1:
            return payload
        if status == -1:
            # The newer reference: -1 = invalid Basic credentials, expired
            # web_token or missing whitelabel_id.
            if session is not None:
                raise SessionExpired(message, endpoint=name, http_status=http_status)
            raise CredentialsRejected(message, endpoint=name, http_status=http_status)
        if status == 2:
            raise OtpRequired(message, endpoint=name, http_status=http_status)
        raise ApiError(message, endpoint=name, http_status=http_status)


def _raise_for_code(code: int | None, message: str, name: str, http_status: int) -> None:
    """Codes 201/202/203 of the reference, wherever they appear."""
    if code == WRONG_CREDENTIAL:
        raise CredentialsRejected(
            message or "wrong credential", endpoint=name, http_status=http_status
        )
    if code in (ACCESS_DISABLED, MODULE_INACTIVE):
        text = "access disabled by admin" if code == ACCESS_DISABLED else "module is not active"
        raise AccessDenied(message or text, endpoint=name, http_status=http_status)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _seconds(value: str | None, *, default: float) -> float:
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default
