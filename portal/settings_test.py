"""Test settings: the embedded simulator, whatever a local `.env` says."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")

from portal.settings import *  # noqa: F403

CODEGO_API_URL = "sandbox:"
CODEGO_CLIENT_KEY = "sandbox-client-key"
CODEGO_SECRET_KEY = "sandbox-secret-key"  # noqa: S105
CODEGO_API_KEY = "sandbox-api-key"
CODEGO_WHITELABEL_ID = "sandbox-whitelabel"
CODEGO_TIMEOUT = 5.0
SANDBOX_ENABLED = True
SANDBOX_FIXED_OTP = ""
SANDBOX_TOKEN_TTL = 60
SANDBOX_LATENCY_MS = 0
SANDBOX_RATE_LIMIT = 200
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
