from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tuopin.cases"
    label = "cases"
    verbose_name = "动态管理"

    def ready(self):
        from django.utils.translation import gettext

        from tuopin.cases import jobs  # noqa: F401 - registers job handlers
        from tuopin.cases.enums import EVENT_ACTIONS, CaseKind, CaseStatus, NoticeKind, StepKind
        from tuopin.cases.routes import STEP_TITLES
        from tuopin.core.labels import vocabulary_register

        vocabulary_register("case_kind", CaseKind)
        vocabulary_register("case_status", CaseStatus)
        vocabulary_register("case_action", EVENT_ACTIONS)
        vocabulary_register("step_kind", StepKind)
        vocabulary_register("notice_kind", NoticeKind)
        vocabulary_register("step", lambda: {c: gettext(t) for c, t in STEP_TITLES.items()})
