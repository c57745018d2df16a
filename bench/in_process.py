"""Django for an in-process benchmark: production settings, the simulator embedded,
SQLite in a temporary folder, logs quiet and no rate limits in the way."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(name: str, **overrides: str) -> Path:
    """Set up Django (`overrides` are more environment variables); its work folder."""
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix=f"codego-{name}-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key",
            "DATABASE_URL": f"sqlite:///{workdir / f'{name}.sqlite3'}",
            "CODEGO_API_URL": "sandbox:",
            "SANDBOX_ENABLED": "true",
            "SANDBOX_RATE_LIMIT": "1000000",
            "CODEGO_RATE_LIMIT": "1000000",
            "SANDBOX_TOKEN_TTL": "3600",
            "CODEGO_LOG_LEVEL": "WARNING",
            "SANDBOX_LOG_LEVEL": "WARNING",
            "PORTAL_LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            **overrides,
        }
    )
    import django

    django.setup()
    return workdir
