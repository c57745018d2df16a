"""What can go wrong when talking to the Codego API, as types a view can act on.

- `ApiError`: the bank said no (`status: 0`); its message is for the user.
- `SessionExpired`: the `web_token` is gone; sign the user out.
- `CredentialsRejected` / `AccessDenied`: our API credentials or modules are
  wrong; the user can do nothing but try later, operators must be told.
- `RateLimited`, `UpstreamUnavailable`: the bank is busy or down; retry later.
  `ShareExceeded`: this company used its share of the calls; it may retry later.

Every error carries `retryable` so callers know whether "try again" makes sense.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class CodegoError(Exception):
    """Base of every failure of a Codego call."""

    retryable = False
    user_message = _("The bank could not complete this request. Please try again later.")

    def __init__(self, message: str = "", *, endpoint: str = "", http_status: int | None = None):
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint
        self.http_status = http_status

    def __str__(self) -> str:
        where = f"{self.endpoint}: " if self.endpoint else ""
        status = f" (HTTP {self.http_status})" if self.http_status else ""
        return f"{where}{self.message or type(self).__name__}{status}"


class ApiError(CodegoError):
    """A business failure (`status: 0`): the message is the bank's, shown to the user."""

    @property
    def user_message(self) -> str:  # type: ignore[override]
        return self.message or str(CodegoError.user_message)


class OtpRequired(ApiError):
    """`status: 2` in the newer reference: the action needs an OTP first."""


class NotAuthenticated(CodegoError):
    """Base of the authentication failures."""


class SessionExpired(NotAuthenticated):
    """The `web_token` is unknown or lapsed (`status: -1` on a session call)."""

    user_message = _("Your session has expired. Please sign in again.")


class CredentialsRejected(NotAuthenticated):
    """HTTP 401, `status: -1` on a public call, or code 201: our API keys are wrong."""


class AccessDenied(CodegoError):
    """Code 202 (access disabled by admin) or 203 (module not active)."""

    user_message = _("This service is not available for your account. Please contact support.")


class RateLimited(CodegoError):
    """HTTP 429, or our own limiter refusing to exceed 200 calls in 10 seconds."""

    retryable = True
    user_message = _("The bank is busy right now. Please try again in a few seconds.")

    def __init__(self, message: str = "", *, retry_after: float = 1.0, **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ShareExceeded(RateLimited):
    """Our limiter: this company (or address) used its share of the calls; others go on."""

    def __init__(self, message: str = "", *, for_company: bool = True, **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.for_company = for_company

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.retry_after))

    @property
    def user_message(self) -> str:  # type: ignore[override]
        if self.for_company:
            text = ngettext(
                "Too many requests from your company. Please try again in %(seconds)d second.",
                "Too many requests from your company. Please try again in %(seconds)d seconds.",
                self.seconds,
            )
        else:
            text = ngettext(
                "Too many requests from your network. Please try again in %(seconds)d second.",
                "Too many requests from your network. Please try again in %(seconds)d seconds.",
                self.seconds,
            )
        return text % {"seconds": self.seconds}


class UpstreamUnavailable(CodegoError):
    """Timeout, connection failure, 5xx, 400/404 or a body that is not JSON."""

    retryable = True
    user_message = _("The bank is unavailable right now. Please try again in a moment.")


class UpstreamTimeout(UpstreamUnavailable):
    """No answer within `CODEGO_TIMEOUT`; a write may or may not have happened."""
