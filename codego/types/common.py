"""What the client sends (`Credentials`, `Upload`) and the generic answers.

The transport and the portal share this vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, Self

from codego.types.parsing import to_int, to_str


@dataclass(frozen=True)
class Credentials:
    """What a signed-in call adds to its body; lives in the server-side session only."""

    user_id: str
    web_token: str

    def __repr__(self) -> str:  # never print the token, even in a traceback
        return f"Credentials(user_id={self.user_id!r}, web_token='***')"


# name -> (filename, file object or bytes, content type)
Upload = tuple[str, BinaryIO | bytes, str]


@dataclass(frozen=True)
class Message:
    """A `{"status": 1, "message": ...}` answer."""

    status: int = 1
    message: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(status=to_int(data.get("status"), 1), message=to_str(data.get("message")))


@dataclass(frozen=True)
class TransferStarted:
    """iban_sendmoney: the OTP was emailed; confirm with `unique_id`."""

    unique_id: str
    message: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(unique_id=to_str(data.get("unique_id")), message=to_str(data.get("message")))
