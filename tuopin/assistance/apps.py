import re

from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "tuopin.assistance"
    label = "assistance"
    verbose_name = "行业帮扶台账"

    def ready(self):
        from tuopin.accounts.roles import Department
        from tuopin.assistance import enums
        from tuopin.core.labels import vocabulary_register

        vocabulary_register("department", Department)
        for name in (
            "ReviewStatus",
            "EmploymentStatus",
            "EmploymentForm",
            "ServiceKind",
            "PostType",
            "PostFunding",
            "TrainingMode",
            "LoanPurpose",
            "LoanState",
            "CheckerLevel",
            "SchoolStage",
            "EnrolmentStatus",
            "DropoutOutcome",
            "AidItem",
            "DisabilityCategory",
            "DisabilityGrade",
            "ChronicDisease",
            "PriorityGroup",
            "RenovationMethod",
            "AssistanceKind",
            "TekunMode",
            "RangerState",
            "PaymentKind",
            "PvDistributionMode",
            "DisabilitySubsidy",
        ):
            # AidItem -> "aid_item", as the other apps name their vocabularies.
            vocabulary_register(re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(), getattr(enums, name))

        from tuopin.assistance import jobs  # noqa: F401 - registers the import's job
