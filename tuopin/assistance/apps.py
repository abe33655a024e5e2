import re

from django.apps import AppConfig


def ledger_kind_labels() -> dict[str, str]:
    """The ledgers by code, named in the active language."""
    from django.utils.translation import get_language

    from tuopin.assistance.kinds import KINDS

    english = (get_language() or "").startswith("en")
    return {code: kind.label_en if english else kind.label_zh for code, kind in KINDS.items()}


def ledger_scope_doc() -> list[str]:
    """docs/permissions.md: which ledgers each department keeps, who reads them, and what
    of the registry a department's user sees."""
    from tuopin.accounts.roles import Department
    from tuopin.assistance.household_card import card_fields
    from tuopin.assistance.kinds import kinds_of_department
    from tuopin.registry.models import Household, Member

    def names(model, fields) -> str:
        return "、".join(
            "年龄" if f == "age" else str(model._meta.get_field(f).verbose_name) for f in fields
        )

    lines = [
        "## 行业台账 (sector ledgers)",
        "",
        "A 行业部门 user is a role, a department and a region: they read and keep (type, edit,",
        "review) only their department's ledgers, in their region. The city, county, township",
        "and village offices, inspectors and auditors read every ledger of their region",
        "(ledger.view); the county office (assistance.edit) also keeps them. The hotline reads",
        "none. A ledger or a row outside the user's reach answers 404 like a missing one.",
        "",
        "A 行业部门 user holds no registry.view: no registry list, household page, export or",
        "registry API. Of a registered household of their region they see the card",
        "「本户核查信息」 (`/ledgers/households/{id}/`): the registry fields their department's",
        "checks read, below, with ID numbers masked and revealed one at a time, logged.",
        "",
        "| 行业部门 department | 台账 ledgers | 户 household fields | 人 member fields |",
        "|---|---|---|---|",
    ]
    for department in Department:
        kinds = "、".join(f"{k.label_zh} `{k.code}`" for k in kinds_of_department(department.value))
        household_fields, member_fields = card_fields([department.value])
        lines.append(
            f"| {department.label} `{department.value}` | {kinds} | "
            f"{names(Household, household_fields)} | {names(Member, member_fields)} |"
        )
    return lines


class AssistanceConfig(AppConfig):
    name = "tuopin.assistance"
    label = "assistance"
    verbose_name = "行业帮扶台账"

    def ready(self):
        from tuopin.accounts.roles import Department, permissions_doc_section_register
        from tuopin.assistance import enums
        from tuopin.core.labels import vocabulary_register

        vocabulary_register("department", Department)
        permissions_doc_section_register(ledger_scope_doc)
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

        from tuopin.assistance import jobs  # noqa: F401 - registers the import's job
        from tuopin.assistance.coverage.on_copy import mirrored_models
        from tuopin.registry.analytic import mirrors

        # The coverage refresh counts the checks on the analytic copy (coverage/on_copy.py).
        mirrors.register(*mirrored_models())
