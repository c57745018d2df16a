"""The language of the portal: the visitor's choice, else what the browser asks for.

The footer's switch posts to `/language/` (a form, no script needed); the choice
is kept in the session and in a cookie, so it holds after signing in and on the
next visit. URLs stay the same in every language. Without a choice, the
browser's Accept-Language decides, among `settings.LANGUAGES` only.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from portal.session import safe_next

SESSION_KEY = "language"


def supported(code: object) -> str:
    """`code` when it is one of the portal's languages, else ""."""
    return code if isinstance(code, str) and code in dict(settings.LANGUAGES) else ""


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (cookie, then Accept-Language), with the session's
    choice first."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = supported(request.session.get(SESSION_KEY))
        if not chosen:
            super().process_request(request)
            return
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The footer's switch: keep the choice and go back to the page it was made on.

    That page is the Referer (same-site only): the footer does not repeat the
    page's address, so nothing of a URL is echoed into the page.
    """
    back = (
        safe_next(request, request.POST.get("next"))
        or safe_next(request, request.headers.get("Referer"))
        or reverse("onboarding:home")
    )
    response = HttpResponseRedirect(back)
    chosen = supported(request.POST.get("language"))
    if chosen:
        request.session[SESSION_KEY] = chosen
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
