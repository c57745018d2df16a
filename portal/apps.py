from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        # The portal's system checks register themselves on import.
        from codego.transport import observe_calls
        from portal import checks  # noqa: F401
        from portal.request_log import record_upstream_call

        # Upstream calls are counted per request for the request log line.
        observe_calls(record_upstream_call)
