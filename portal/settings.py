"""Settings for the business banking portal.

Every value comes from the environment (or an optional `.env`); `.env.example`
documents them all. Production fails fast instead of running with dev defaults.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import environ
from django.conf import global_settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "codego",
    "sandbox",
    "portal",
    "onboarding",
    "banking",
    "crypto_wallets",
]

MIDDLEWARE = [
    # Outermost: its log line times and counts everything below it.
    "portal.request_log.RequestLogMiddleware",
    # Database or cache down anywhere below: the themed 503, without touching either.
    "portal.middleware.OutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed (with Django's BREACH padding); whitenoise serves static files itself.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the visitor's choice (session, then cookie), else the browser's.
    "portal.languages.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.throttle.KnownDeviceMiddleware",
    # Who is asking the bank (a company, or an address): each has its share of the budget.
    "portal.middleware.BankShareMiddleware",
    "portal.middleware.SessionActivityMiddleware",
    "portal.middleware.CodegoErrorMiddleware",
]

ROOT_URLCONF = "portal.urls"

# Django's hashers, and last (so never the default) the one the simulator hashes a
# demo visitor's random password with (sandbox.visitors).
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "sandbox.visitors.RandomSecretHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
WSGI_APPLICATION = "portal.wsgi.application"
# Django's form templates, the ones every field renders, written in Python (same text).
FORM_RENDERER = "portal.form_renderer.FastTemplates"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.brand",
                "banking.navigation.navigation",
            ],
            # kept_lookups: Django's extends and url, with what they look up kept.
            "builtins": ["portal.templatetags.moments", "portal.templatetags.kept_lookups"],
        },
    },
]

# ------------------------------------------------------------------------------
# Database and cache
# ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A connection lives a minute rather than one request: opening one is a new
# PostgreSQL server process (SQLite: the file, its pragmas and Django's SQL
# functions). Checked before reuse, so a restarted server costs no error.
# `?conn_max_age=0` in DATABASE_URL opens one per request again.
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE: the portal, the in-process simulator and concurrent
    # requests write the same file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer fails the request in seconds (the outage page).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://portal")}
# Django's own backends with a quicker check of each key (portal/cache.py).
_QUICK_KEY_CHECK = {
    "django.core.cache.backends.locmem.LocMemCache": "portal.cache.LocMemCache",
    "django.core.cache.backends.redis.RedisCache": "portal.cache.RedisCache",
}
CACHES["default"]["BACKEND"] = _QUICK_KEY_CHECK.get(
    CACHES["default"]["BACKEND"], CACHES["default"]["BACKEND"]
)
if CACHES["default"]["BACKEND"] == "portal.cache.RedisCache":
    # Redis down: one quick retry, then the outage page; redis-py's default
    # retries with backoff take about 5 s per cache call, and a hung server forever.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 2, "retry": Retry(NoBackoff(), 1)}
    )

# ------------------------------------------------------------------------------
# Internationalisation
# ------------------------------------------------------------------------------
LOCALE_PATHS = [BASE_DIR / "locale"]
# English is the source; every other language is a catalogue in locale/<code>/
# (README, "Languages"). PORTAL_LANGUAGES limits and orders them: the first is
# the default for a browser that asks for none of them.
_CATALOGUES = sorted(p.name for p in LOCALE_PATHS[0].glob("*") if (p / "LC_MESSAGES").is_dir())
PORTAL_LANGUAGES = env.list("PORTAL_LANGUAGES", default=["en", *_CATALOGUES])
_unknown = [code for code in PORTAL_LANGUAGES if code != "en" and code not in _CATALOGUES]
if _unknown or not PORTAL_LANGUAGES:
    raise ImproperlyConfigured(
        f"PORTAL_LANGUAGES names languages without a catalogue in locale/: {_unknown}"
    )
LANGUAGES = [(code, LANG_INFO[code]["name_local"].capitalize()) for code in PORTAL_LANGUAGES]
LANGUAGE_CODE = PORTAL_LANGUAGES[0]
# Dates, times and numbers as the portal writes them per language (portal/formats/).
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Static files
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Where `collectstatic` writes the files and their manifest (relative: to the project).
STATIC_ROOT = BASE_DIR / env.str("STATIC_ROOT", default="staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "portal.storage.MinifiedManifestStaticFilesStorage"
        )
    },
}

# ------------------------------------------------------------------------------
# Security
# ------------------------------------------------------------------------------
# Sessions read from the cache, written through to the database: any worker
# serves any request, and a cache restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Off only for plain-HTTP loopback runs (the load test); check --deploy warns then.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
# The language a visitor chose in the footer, for their next visits.
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes of the orchestrator speak plain HTTP to the container.
# Probes and the metrics scraper talk to the workers directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
}

# ------------------------------------------------------------------------------
# Sign-in throttling (portal/throttle.py)
# ------------------------------------------------------------------------------
# Proxies in front of the portal that append to X-Forwarded-For; 0 = REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# /metrics (Prometheus text format): off unless METRICS_ENABLED; then only for these
# networks, or a scraper sending "Authorization: Bearer <METRICS_TOKEN>" (portal.metrics).
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
try:
    METRICS_NETWORKS = tuple(ipaddress.ip_network(net, strict=False) for net in METRICS_ALLOWED_IPS)
except ValueError as error:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {error}") from error
# Seconds a lockout lasts, counted from the first failure.
THROTTLE_WINDOW = env.int("THROTTLE_WINDOW", default=15 * 60)
# Failures per (email, client) and per client address across emails.
THROTTLE_PAIR_LIMIT = env.int("THROTTLE_PAIR_LIMIT", default=5)
THROTTLE_ADDRESS_LIMIT = env.int("THROTTLE_ADDRESS_LIMIT", default=20)
# Per email from anywhere: a delay from this many failures on, doubling, capped.
THROTTLE_EMAIL_FREE_FAILURES = env.int("THROTTLE_EMAIL_FREE_FAILURES", default=5)
THROTTLE_EMAIL_DELAY = env.int("THROTTLE_EMAIL_DELAY", default=2)
THROTTLE_EMAIL_MAX_DELAY = env.int("THROTTLE_EMAIL_MAX_DELAY", default=60)
THROTTLE_KNOWN_DEVICE_DAYS = env.int("THROTTLE_KNOWN_DEVICE_DAYS", default=180)

# ------------------------------------------------------------------------------
# Logging: one line per upstream call from the `codego` logger.
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.request_log.RequestIdFilter"},
        "not_an_outage": {"()": "portal.request_log.OutageTracebackFilter"},
        "not_share_limited": {"()": "portal.request_log.ShareLimitedFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s rid=%(request_id)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "portal.request": {"level": env.str("PORTAL_LOG_LEVEL", default="INFO")},
        "codego": {"level": env.str("CODEGO_LOG_LEVEL", default="INFO")},
        "sandbox": {"level": env.str("SANDBOX_LOG_LEVEL", default="INFO")},
        "django.request": {"filters": ["not_an_outage", "not_share_limited"]},
    },
}

# ------------------------------------------------------------------------------
# Codego Business API
# ------------------------------------------------------------------------------
# Demo credentials of the embedded simulator; a real deployment sets its own.
# Outside debug the simulator is never implied: it runs only with SANDBOX_ENABLED=true.
_SANDBOX_FLAG = env.bool("SANDBOX_ENABLED", default=None)
CODEGO_API_URL = env.str("CODEGO_API_URL", default="sandbox:" if DEBUG or _SANDBOX_FLAG else "")
if not CODEGO_API_URL:
    raise ImproperlyConfigured(
        "CODEGO_API_URL must be set when DEBUG is false: the Codego API to talk to, "
        "or set SANDBOX_ENABLED=true to run a public demo on the embedded simulator."
    )
CODEGO_CLIENT_KEY = env.str("CODEGO_CLIENT_KEY", default="sandbox-client-key")
CODEGO_SECRET_KEY = env.str("CODEGO_SECRET_KEY", default="sandbox-secret-key")
CODEGO_API_KEY = env.str("CODEGO_API_KEY", default="sandbox-api-key")
CODEGO_WHITELABEL_ID = env.str("CODEGO_WHITELABEL_ID", default="sandbox-whitelabel")
CODEGO_TIMEOUT = env.float("CODEGO_TIMEOUT", default=10.0)
# Requests per 10 s per credential (API reference, "Rate limit"), shared via the cache.
CODEGO_RATE_LIMIT = (env.int("CODEGO_RATE_LIMIT", default=200), 10)
# The part of that budget one signed-in company, or one address without a company
# yet (sign-in, sign-up), may use in any window: one flooding client cannot lock
# every other company out (codego.budget). 1 = no share, only the whole budget.
CODEGO_COMPANY_SHARE = env.float("CODEGO_COMPANY_SHARE", default=0.25)
CODEGO_ADDRESS_SHARE = env.float("CODEGO_ADDRESS_SHARE", default=0.25)
if not (0 < CODEGO_COMPANY_SHARE <= 1 and 0 < CODEGO_ADDRESS_SHARE <= 1):
    raise ImproperlyConfigured(
        "CODEGO_COMPANY_SHARE and CODEGO_ADDRESS_SHARE must be fractions above 0, at most 1."
    )
CODEGO_REFERENCE_TTL = env.int("CODEGO_REFERENCE_TTL", default=3600)
# Seconds a browser session keeps its copy of the dashboard answer (banking.copies);
# 0: every dashboard view asks the bank.
DASHBOARD_COPY_SECONDS = env.int("DASHBOARD_COPY_SECONDS", default=20)

# ------------------------------------------------------------------------------
# Embedded simulator
# ------------------------------------------------------------------------------
SANDBOX_ENABLED = (
    _SANDBOX_FLAG if _SANDBOX_FLAG is not None else DEBUG and CODEGO_API_URL == "sandbox:"
)
if CODEGO_API_URL == "sandbox:" and not DEBUG and not SANDBOX_ENABLED:
    raise ImproperlyConfigured(
        "CODEGO_API_URL=sandbox: is the embedded simulator, a demo bank: with DEBUG false "
        "it needs SANDBOX_ENABLED=true, or point CODEGO_API_URL at the Codego API."
    )
# Every visitor reads every email only on a developer's machine; elsewhere a visitor
# sees the mail to addresses typed in the same browser session, staff see all.
SANDBOX_MAILBOX_OPEN = DEBUG
SANDBOX_FIXED_OTP = env.str("SANDBOX_FIXED_OTP", default="")
SANDBOX_TOKEN_TTL = env.int("SANDBOX_TOKEN_TTL", default=60)
SANDBOX_LATENCY_MS = env.int("SANDBOX_LATENCY_MS", default=0)
# Seconds until a confirmed transfer settles by itself; 0: only staff settle them.
SANDBOX_SETTLE_SECONDS = env.int("SANDBOX_SETTLE_SECONDS", default=30)
# Requests per 10 s per credential before HTTP 429, as the real API documents.
SANDBOX_RATE_LIMIT = env.int("SANDBOX_RATE_LIMIT", default=200)
# Journal entries kept (the console shows the newest); a load test keeps them all.
SANDBOX_JOURNAL_KEEP = env.int("SANDBOX_JOURNAL_KEEP", default=500)
# The public demo's "Try the demo": each visitor's own company lives this many hours,
# at most this many at once, and one address starts at most this many an hour.
SANDBOX_DEMO_HOURS = env.int("SANDBOX_DEMO_HOURS", default=24)
SANDBOX_DEMO_MAX = env.int("SANDBOX_DEMO_MAX", default=500)
SANDBOX_DEMO_STARTS_PER_HOUR = env.int("SANDBOX_DEMO_STARTS_PER_HOUR", default=5)
# Where the simulator's emails point (plan accept link).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
