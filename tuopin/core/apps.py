from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tuopin.core"
    label = "core"
    verbose_name = "基础"
