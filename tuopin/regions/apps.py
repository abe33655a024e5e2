from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "tuopin.regions"
    label = "regions"
    verbose_name = "行政区划"

    def ready(self):
        from tuopin.regions import jobs  # noqa: F401 - registers job handlers
