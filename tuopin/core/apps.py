from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tuopin.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from tuopin.core.jobs import job_kinds
        from tuopin.core.labels import in_language, vocabulary_register
        from tuopin.core.models import JobStatus

        vocabulary_register("job_status", JobStatus)
        vocabulary_register(
            "job_kind",
            lambda: {
                code: in_language(f"{kind.label_zh} ({kind.label_en})")
                for code, kind in job_kinds().items()
            },
        )
