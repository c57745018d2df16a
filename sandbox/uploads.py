"""Checking and keeping uploaded files: judged by content, never by name or declared type."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from sandbox.api import Reject
from sandbox.models import StoredFile

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
IMAGE_TYPES = ("image/png", "image/jpeg")

# Magic bytes of the accepted types: the name and declared type are the sender's word.
SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


def check_upload(
    upload: UploadedFile | None,
    field: str,
    *,
    limit: int = MAX_DOCUMENT_BYTES,
    allowed: tuple[str, ...] = DOCUMENT_TYPES,
) -> str:
    """Refuse a missing, empty, oversized or wrong-type file; return its detected type."""
    if upload is None:
        raise Reject(f"The {field} file is required.")
    if not upload.size:
        raise Reject(f"The {field} file is empty.")
    if upload.size > limit:
        raise Reject(f"The {field} file is larger than {limit // (1024 * 1024)} MB.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type in allowed:
        if head.startswith(SIGNATURES[content_type]):
            return content_type
    kinds = [LABELS[t] for t in allowed]
    listed = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} or {kinds[-1]}"
    raise Reject(f"The {field} file must be a {listed} document.")


def store_upload(upload: UploadedFile, content_type: str) -> StoredFile:
    """Keep a checked upload with the type detected from its content."""
    upload.seek(0)
    data = upload.read()
    name = (upload.name or "document")[-255:]
    return StoredFile.objects.create(
        name=name, content_type=content_type, size=len(data), data=data
    )
