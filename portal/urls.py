from django.conf import settings
from django.urls import include, path, register_converter

from portal import brand, languages, metrics, session, views
from portal.query import BankIdConverter

# Ids in paths (`<bank_id:unique_id>`) have the bank's id shape, or the page is a 404.
register_converter(BankIdConverter, "bank_id")

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("brand.css", brand.brand_css, name="brand-css"),
    # Session machinery used by every signed-in page (templates/includes/session.html).
    path("heartbeat/", session.heartbeat, name="heartbeat"),
    path("session/keep-alive/", session.keep_alive, name="keep-alive"),
    path("language/", languages.choose_language, name="language"),
    path("", include("onboarding.urls")),
    path("", include("banking.urls")),
    path("crypto/", include("crypto_wallets.urls")),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
