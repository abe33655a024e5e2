from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tuopin.registry"
    label = "registry"
    verbose_name = "建档立卡"

    def ready(self):
        from tuopin.registry import jobs  # noqa: F401 - registers job handlers
