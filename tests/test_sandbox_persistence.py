"""The simulator is a bank, not a canned reply: its state survives a restart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SIGN_UP = """
from codego.transport import Transport
from django.conf import settings
t = Transport(base_url="sandbox:", client_key=settings.CODEGO_CLIENT_KEY,
              secret_key=settings.CODEGO_SECRET_KEY, api_key="k",
              whitelabel_id=settings.CODEGO_WHITELABEL_ID, timeout=5)
started = t.call("openAccount", {"company_name": "Restart Ltd", "email": "restart@example.test"})
done = t.call("verifyemailotp", {"unique_id": started["unique_id"], "email_otp": "424242"})
print(done["password"])
"""

LOG_IN = """
import sys
from codego.transport import Transport
from django.conf import settings
t = Transport(base_url="sandbox:", client_key=settings.CODEGO_CLIENT_KEY,
              secret_key=settings.CODEGO_SECRET_KEY, api_key="k",
              whitelabel_id=settings.CODEGO_WHITELABEL_ID, timeout=5)
started = t.call("login", {"email": "restart@example.test", "password": sys.argv[-1]})
print(started["company_name"])
"""


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
def test_accounts_survive_a_restart_of_the_process(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": "restart-test-key",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bank.sqlite3'}",
        "CODEGO_API_URL": "sandbox:",
        "SANDBOX_FIXED_OTP": "424242",
        "CODEGO_LOG_LEVEL": "WARNING",
    }
    _manage(env, "migrate", "--noinput", "-v0")
    password = _manage(env, "shell", "-c", SIGN_UP).strip().splitlines()[-1]
    # A second process: nothing is shared with the first but the database file.
    script = LOG_IN.replace("sys.argv[-1]", repr(password))
    assert _manage(env, "shell", "-c", script).strip().splitlines()[-1] == "Restart Ltd"
