"""Serving stored uploads (beneficiary images, documents) by their unguessable key."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from sandbox.models import StoredFile


def file_url(key: str | None) -> str:
    """The URL of the stored file with this key, or "" for no file or no route serving files."""
    if key is None:
        return ""
    try:
        return reverse("sandbox:file", args=[key])
    except NoReverseMatch:
        return ""


@require_safe
def stored_file(request: HttpRequest, key: str) -> HttpResponse:
    """The file's bytes with its type, shown inline and never sniffed as something else."""
    stored = StoredFile.objects.filter(key=key).first()
    if stored is None:
        raise Http404("No such file.")
    data = bytes(stored.data)
    response = HttpResponse(data, content_type=stored.content_type or "application/octet-stream")
    # The name came from the uploader: quotes, line breaks or non-ASCII would break the header.
    safe_name = (
        "".join(c for c in stored.name if c.isascii() and c.isprintable() and c not in '"\\')
        or "file"
    )
    response["Content-Disposition"] = f'inline; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    # An uploaded file opened directly must not run as a page of our origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Length"] = str(len(data))
    return response
