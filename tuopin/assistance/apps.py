import re

from django.apps import AppConfig


def ledger_kind_labels() -> dict[str, str]:
    """The ledgers by code, named in the active language."""
    from django.utils.translation import get_language

    from tuopin.assistance.kinds import KINDS

    english = (get_language() or "").startswith("en")
    return {code: kind.label_en if english else kind.label_zh for code, kind in KINDS.items()}


class AssistanceConfig(AppConfig):
    name = "tuopin.assistance"
    label = "assistance"
    verbose_name = "行业帮扶台账"

    def ready(self):
        from tuopin.accounts.roles import Department
        from tuopin.assistance import enums
        from tuopin.core.labels import vocabulary_register

        vocabulary_register("department", Department)
        # A measure's source (registry.Measure.source): the ledger it came from.
        vocabulary_register("ledger_kind", ledger_kind_labels)
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
