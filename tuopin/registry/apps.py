from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tuopin.registry"
    label = "registry"
    verbose_name = "建档立卡"
