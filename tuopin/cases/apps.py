from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tuopin.cases"
    label = "cases"
    verbose_name = "动态管理"

    def ready(self):
        from tuopin.cases import jobs  # noqa: F401 - registers job handlers
