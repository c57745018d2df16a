from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Codego simulator"

    def ready(self) -> None:
        # Handlers register themselves with the pipeline on import.
        from sandbox import endpoints  # noqa: F401
