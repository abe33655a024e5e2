from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tuopin.api"
    label = "api"
    verbose_name = "接口"
