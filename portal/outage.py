"""Telling a database or cache outage apart from any other failure of a request.

The request log, the error pages and the outage middleware all ask the same
question; they find the answer here, below all of them.
"""

from __future__ import annotations

import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpRequest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Connection failures of PostgreSQL (and SQLite's "database is locked") and Redis.
OUTAGE_ERRORS = (
    DatabaseOperationalError,
    DatabaseInterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)
_OUTAGE_ATTRIBUTE = "portal_outage"


def outage_cause(error: BaseException | None) -> BaseException | None:
    """The database or cache failure behind `error` (itself or what it was raised from)."""
    for _depth in range(10):  # a chain, never a cycle we follow forever
        if error is None or isinstance(error, OUTAGE_ERRORS):
            return error
        error = error.__cause__ or error.__context__
    return None


def _note_outage(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Django turns an exception into a 500 response in the middleware layer it
    escaped from, so it never reaches `OutageMiddleware`; this receiver of
    `got_request_exception` (sent while the exception is being handled) marks
    the request for it instead."""
    cause = outage_cause(sys.exc_info()[1])
    if cause is not None and request is not None:
        setattr(request, _OUTAGE_ATTRIBUTE, cause)


def outage_of(request: object) -> BaseException | None:
    """The database or cache failure met while answering `request`, if any."""
    return getattr(request, _OUTAGE_ATTRIBUTE, None)


def is_outage(request: object) -> bool:
    """Whether a database or cache failure was met while answering `request`."""
    return outage_of(request) is not None


got_request_exception.connect(_note_outage, dispatch_uid="portal.outage")
