from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tuopin.web"
    label = "web"
    verbose_name = "网页"
