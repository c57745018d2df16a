from __future__ import annotations

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Codego simulator"

    def ready(self) -> None:
        # Handlers register themselves with the pipeline on import.
        from codego.transport import register_adapter
        from sandbox import endpoints  # noqa: F401
        from sandbox.adapter import SCHEME, SandboxAdapter

        # The client reaches the simulator through this hook: codego/ never imports sandbox/.
        register_adapter(SCHEME, SandboxAdapter)
