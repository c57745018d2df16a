"""The portal's own check of an uploaded file, before anything goes to the bank.

A file is judged by its content, never by its name or the content type the
browser declared: its first bytes must be those of an accepted type (PDF, JPEG
or PNG by default). It must not be empty and not be larger than the limit,
whatever the request-size settings say. What passes is a `CheckedUpload`: the
file, the detected content type and a safe file name with the extension of that
type, ready to be sent as a `codego.transport.Upload`.

`UploadField` is the form field (company documents, additional documents, and
later beneficiary images and transaction documents); `check_upload` is the same
check for code that has an `UploadedFile` without a form.

`limit_uploads` (a view decorator) adds `LimitedUploadHandler` in front of
Django's upload handlers: a file past the limit is not kept, in memory or on
disk, while the request is read; it reaches the form as an empty file that
still knows its real size, so the form says it is too large. This does not
depend on DATA_UPLOAD_MAX_MEMORY_SIZE or FILE_UPLOAD_MAX_MEMORY_SIZE (the first
does not count files at all). The size of the whole request body is the web
server's to cap.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from codego.types import Upload

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 10 * MB

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCUMENT_TYPES: tuple[str, ...] = (PDF, JPEG, PNG)
IMAGE_TYPES: tuple[str, ...] = (JPEG, PNG)

# Magic bytes: the only evidence of a file's type we trust.
SIGNATURES: dict[str, bytes] = {
    PDF: b"%PDF-",
    JPEG: b"\xff\xd8\xff",
    PNG: b"\x89PNG\r\n\x1a\n",
}
HEAD_BYTES = max(len(signature) for signature in SIGNATURES.values())
LABELS: dict[str, str] = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
# The extension a file of each type gets upstream; the others that mean the same are kept.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
}
MAX_NAME_CHARS = 100
DEFAULT_STEM = "document"


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the check: its detected type and the name to send it under."""

    file: UploadedFile
    content_type: str
    filename: str

    def as_upload(self) -> Upload:
        """The `(filename, file, content type)` tuple the codego client sends."""
        self.file.seek(0)
        return (self.filename, self.file.file or self.file, self.content_type)

    @property
    def original_name(self) -> str:
        return os.path.basename((self.file.name or "").replace("\\", "/"))


def detect_type(upload: UploadedFile, allowed: tuple[str, ...] = DOCUMENT_TYPES) -> str | None:
    """The accepted type whose magic bytes start the file, or None."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    for content_type in allowed:
        if head.startswith(SIGNATURES[content_type]):
            return content_type
    return None


def safe_filename(name: str | None, content_type: str) -> str:
    """`name` without any folder, odd characters or a misleading extension.

    The extension is the detected type's: "scan.pdf" holding a PNG becomes "scan.png".
    """
    base = os.path.basename((name or "").replace("\\", "/"))
    base = unicodedata.normalize("NFKC", base)
    stem, extension = os.path.splitext(base)
    stem = re.sub(r"[^\w.\- ]+", "", stem, flags=re.UNICODE)
    stem = re.sub(r"\s+", "_", stem).strip("._-")
    extensions = EXTENSIONS[content_type]
    extension = extension.lower() if extension.lower() in extensions else extensions[0]
    stem = stem[: MAX_NAME_CHARS - len(extension)] or DEFAULT_STEM
    return f"{stem}{extension}"


def _kinds(allowed: tuple[str, ...]) -> str:
    labels = [LABELS[content_type] for content_type in allowed]
    if len(labels) == 1:
        return labels[0]
    return gettext("%(first)s or %(last)s") % {
        "first": ", ".join(labels[:-1]),
        "last": labels[-1],
    }


def _megabytes(limit: int) -> str:
    return f"{limit // MB}" if limit % MB == 0 else f"{limit / MB:.1f}"


def check_upload(
    upload: UploadedFile,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    allowed: tuple[str, ...] = DOCUMENT_TYPES,
) -> CheckedUpload:
    """Refuse an empty, too large or wrong-type file; else the checked upload."""
    size = upload.size or 0
    if size <= 0:
        raise ValidationError(gettext("This file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            gettext("This file is larger than %(size)s MB.") % {"size": _megabytes(max_bytes)},
            code="too_large",
        )
    content_type = detect_type(upload, allowed)
    if content_type is None:
        raise ValidationError(
            gettext("Upload a %(kinds)s file. This file's content is not one of those.")
            % {"kinds": _kinds(allowed)},
            code="wrong_type",
        )
    return CheckedUpload(
        file=upload,
        content_type=content_type,
        filename=safe_filename(upload.name, content_type),
    )


class UploadField(forms.FileField):
    """A file input whose cleaned value is a `CheckedUpload` (or None when left empty)."""

    def __init__(
        self,
        *,
        max_bytes: int = MAX_UPLOAD_BYTES,
        allowed: tuple[str, ...] = DOCUMENT_TYPES,
        **kwargs: Any,
    ) -> None:
        self.max_bytes = max_bytes
        self.allowed = allowed
        kwargs.setdefault("widget", forms.FileInput)
        super().__init__(**kwargs)
        # Django's own "empty" check speaks first for a 0-byte file: same words.
        self.error_messages["empty"] = _("This file is empty.")
        self.error_messages["required"] = _("Choose a file.")

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ",".join(self.allowed)
        return attrs

    def clean(self, data: Any, initial: Any = None) -> CheckedUpload | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        return check_upload(upload, max_bytes=self.max_bytes, allowed=self.allowed)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return data is not None


# ---------------------------------------------------------------------------
# While the request is read: never keep more than the limit of one file
# ---------------------------------------------------------------------------


class OversizedUpload(UploadedFile):
    """A file that went past the limit: no content, only its name and real size."""

    def __init__(self, name: str, content_type: str, size: int, **kwargs: Any) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size, **kwargs)


class LimitedUploadHandler(FileUploadHandler):
    """First upload handler: stops passing a file's data on once it exceeds `max_bytes`.

    The handlers after it (memory or temporary file) keep at most `max_bytes`
    of it and are then ignored: the file becomes an `OversizedUpload`.
    """

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int = MAX_UPLOAD_BYTES):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            return None  # the next handlers see no more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received > self.max_bytes:
            return OversizedUpload(
                self.file_name or "",
                self.content_type or "",
                self.received,
                charset=self.charset,
                content_type_extra=self.content_type_extra,
            )
        return None  # let the next handler build the file


def limit_uploads(
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: files past `max_bytes` are dropped while the request is read.

    Upload handlers must be set before anything reads `request.POST`, and the
    CSRF middleware does: so the view is CSRF-exempt outside and CSRF-protected
    inside, as Django's documentation describes. Put it outermost.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            request.upload_handlers.insert(0, LimitedUploadHandler(request, max_bytes=max_bytes))
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorator
