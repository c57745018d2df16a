"""Sign-up, sign-in and password reset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from codego.types.common import Credentials
from codego.types.parsing import to_bool, to_str


@dataclass(frozen=True)
class SignupStarted:
    """openAccount: an OTP was emailed; verify it with `unique_id`."""

    unique_id: str
    user_id: str = ""
    company_name: str = ""
    is_live: bool = False

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            unique_id=to_str(data.get("unique_id")),
            user_id=to_str(data.get("user_id")),
            company_name=to_str(data.get("company_name")),
            is_live=to_bool(data.get("is_live")),
        )


@dataclass(frozen=True)
class LoginStarted:
    """login: the password was right, an OTP was emailed; verify it with `user_id`."""

    user_id: str
    unique_id: str = ""
    company_name: str = ""
    is_live: bool = False

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            user_id=to_str(data.get("user_id")),
            unique_id=to_str(data.get("unique_id")),
            company_name=to_str(data.get("company_name")),
            is_live=to_bool(data.get("is_live")),
        )


@dataclass(frozen=True)
class SignedIn:
    """verifyemailotp / verifyLogin: the session. The token never appears in `repr`.

    The verifyemailotp answer also carries a `password`; it is dropped here.
    """

    user_id: str
    web_token: str = field(repr=False)
    is_live: bool = False
    company_name: str = ""
    email: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            user_id=to_str(data.get("user_id")),
            web_token=to_str(data.get("web_token")),
            is_live=to_bool(data.get("is_live")),
            company_name=to_str(data.get("company_name")),
            email=to_str(data.get("email")),
        )

    def __repr__(self) -> str:
        return (
            f"SignedIn(user_id={self.user_id!r}, web_token='***', is_live={self.is_live!r}, "
            f"company_name={self.company_name!r}, email={self.email!r})"
        )

    @property
    def credentials(self) -> Credentials:
        return Credentials(user_id=self.user_id, web_token=self.web_token)


@dataclass(frozen=True)
class PasswordResetStarted:
    """forgotpassword: an OTP was emailed; resetpassword needs `unique_id` + `user_id`."""

    unique_id: str
    user_id: str = ""
    name: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            unique_id=to_str(data.get("unique_id")),
            user_id=to_str(data.get("user_id")),
            name=to_str(data.get("name")),
        )
