from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "tuopin.policy"
    label = "policy"
    verbose_name = "退出标准与评估"

    def ready(self):
        from tuopin.policy import jobs  # noqa: F401 - registers job handlers
