"""System checks for the portal's deployment: `runserver`, `migrate` and `check` run them.

- portal.E001: with `DEBUG` false, a manifest static files storage without a
  complete manifest makes every page (error pages included) answer 500 with
  "Missing staticfiles manifest entry": refuse to start instead.
- portal.W001 (`check --deploy`): the embedded simulator is on, so this is a
  demo deployment with public `/sandbox/` routes, not a bank.
- portal.W002 (`check --deploy`): `SANDBOX_FIXED_OTP` makes every code known.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning

SHOWN_MISSING = 5  # static files named in the message; the count says the rest


def _static_paths() -> set[str]:
    """Every static file `collectstatic` would collect, as named in the manifest."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    paths = set()
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None) or ""
            paths.add(PurePath(prefix, path).as_posix())
    return paths


def static_manifest_problem() -> str | None:
    """Why pages would fail for want of a static file's manifest entry, or None.

    Reads the manifest this process loaded, which is what pages use: a
    `collectstatic` run after the process started does not repair it.
    """
    storage: Any = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin) or not storage.manifest_strict:
        return None
    entries = storage.hashed_files
    if not entries:
        return f"The static files manifest ({storage.manifest_name}) is missing or empty."
    missing = sorted(_static_paths() - set(entries))
    if not missing:
        return None
    shown = ", ".join(missing[:SHOWN_MISSING])
    return f"The static files manifest has no entry for {len(missing)} file(s): {shown}."


# Untagged on purpose: `collectstatic` runs only the staticfiles-tagged checks,
# so it can still write the manifest this check asks for.
@register()
def static_manifest_check(app_configs: list[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    problem = static_manifest_problem()
    if problem is None:
        return []
    return [
        Error(
            f"{problem} Every page would answer 500.",
            hint="Run `python manage.py collectstatic --noinput` before starting the portal.",
            id="portal.E001",
        )
    ]


@register(Tags.security, deploy=True)
def demo_deployment_check(app_configs: list[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.SANDBOX_ENABLED or settings.CODEGO_API_URL == "sandbox:":
        messages.append(
            CheckWarning(
                "This is a demo deployment: the embedded simulator is on, with its "
                "mailbox, staff console and API under /sandbox/.",
                hint=(
                    "Fine for a public demo (README, 'Public demo'). A bank sets "
                    "CODEGO_API_URL to the Codego API and leaves SANDBOX_ENABLED unset."
                ),
                id="portal.W001",
            )
        )
    if settings.SANDBOX_FIXED_OTP:
        messages.append(
            CheckWarning(
                "SANDBOX_FIXED_OTP is set: every one-time code the simulator issues is "
                "the same, known value.",
                hint="Leave SANDBOX_FIXED_OTP empty outside scripted tests.",
                id="portal.W002",
            )
        )
    return messages
