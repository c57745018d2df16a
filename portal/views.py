"""Views of the portal that belong to no single app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: answers without calling upstream."""
    return HttpResponse("ok", content_type="text/plain")
