"""Test settings: the embedded simulator, whatever a local `.env` says."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")
# Outside debug the simulator runs only when asked for explicitly.
os.environ.setdefault("SANDBOX_ENABLED", "true")

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
# In-memory SQLite and local memory, unless scripts/with-services.sh handed us a
# real PostgreSQL and Redis (`make test-services`): then the suite runs on those.
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
if os.environ.get("CACHE_URL", "").startswith("redis"):
    # One Redis database per xdist worker: the tests' cache.clear() flushes its own only.
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    _redis_url = os.environ["CACHE_URL"].rsplit("/", 1)[0]
    # Backend and fail-fast options as in production, the database number ours.
    CACHES = {"default": {**CACHES["default"], "LOCATION": f"{_redis_url}/{1 + _worker}"}}  # noqa: F405
else:
    CACHES = {"default": {"BACKEND": "portal.cache.LocMemCache"}}
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "sandbox.visitors.RandomSecretHasher",
]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
