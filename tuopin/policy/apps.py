from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "tuopin.policy"
    label = "policy"
    verbose_name = "退出标准与评估"

    def ready(self):
        from tuopin.core.labels import vocabulary_register
        from tuopin.policy import jobs  # noqa: F401 - registers job handlers
        from tuopin.policy.models import (
            RESULTS,
            TIMINGS,
            Engine,
            Level,
            PolicyStatus,
            RunStatus,
        )

        vocabulary_register("result", RESULTS)
        vocabulary_register("level", Level)
        vocabulary_register("engine", Engine)
        vocabulary_register("run_status", RunStatus)
        vocabulary_register("policy_status", PolicyStatus)
        vocabulary_register("timing", TIMINGS)
