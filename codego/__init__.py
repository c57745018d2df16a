"""The only code that talks to the Codego Business BaaS API.

Views call `get_client()` (typed methods, one per endpoint) and
`codego.reference` (cached reference lists), and catch `codego.errors`.
"""

from codego.client import CodegoClient, get_client
from codego.errors import (
    AccessDenied,
    ApiError,
    CodegoError,
    CredentialsRejected,
    NotAuthenticated,
    OtpRequired,
    RateLimited,
    SessionExpired,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from codego.types import Credentials, Upload

__all__ = [
    "AccessDenied",
    "ApiError",
    "CodegoClient",
    "CodegoError",
    "Credentials",
    "CredentialsRejected",
    "NotAuthenticated",
    "OtpRequired",
    "RateLimited",
    "SessionExpired",
    "Upload",
    "UpstreamTimeout",
    "UpstreamUnavailable",
    "get_client",
]
