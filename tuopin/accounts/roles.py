"""Roles, the region levels they sit at, and what each may do.

`docs/permissions.md` is generated from this table (`tuopin roles --markdown`)
and a test keeps the two identical.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_OFFICE = "city_office", _("市扶贫办")
    COUNTY_OFFICE = "county_office", _("县扶贫办")
    TOWNSHIP = "township", _("乡镇干部")
    VILLAGE = "village", _("村干部/驻村工作队")
    SECTOR = "sector", _("行业部门")
    INSPECTOR = "inspector", _("督查人员")
    HOTLINE = "hotline", _("热线接线员")
    AUDITOR = "auditor", _("审计人员（只读）")
    HELPER = "helper", _("帮扶责任人")


class Department(models.TextChoices):
    """The sector department of a 行业部门 user: it sees and edits only its own ledgers."""

    HUMAN_RESOURCES = "hrss", _("人社局")
    FINANCE = "finance", _("金融办/银行")
    EDUCATION = "education", _("教育局")
    HEALTH = "health", _("卫健委/医保局")
    HOUSING = "housing", _("住建局")
    ENERGY = "energy", _("发改委/能源")
    FORESTRY = "forestry", _("林业局")
    DISABLED = "disabled", _("残联")
    CIVIL_AFFAIRS = "civil", _("民政局")
    ORGANISATION = "organisation", _("组织部")
    TREASURY = "treasury", _("财政局")


# Roles that watch the offices; only the city office (or an administrator) grants them.
OVERSIGHT_ROLES = frozenset({Role.AUDITOR, Role.INSPECTOR})

ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.CITY_OFFICE: ("city",),
    Role.COUNTY_OFFICE: ("county",),
    Role.TOWNSHIP: ("township",),
    Role.VILLAGE: ("village",),
    Role.SECTOR: ("city", "county"),
    Role.INSPECTOR: ("city", "county"),
    Role.HOTLINE: ("city", "county"),
    Role.AUDITOR: ("city", "county", "township", "village"),
    # A helper's assignment is the county of their unit; what they see is narrower: the
    # households they are paired with now (tuopin.people.my_pairings).
    Role.HELPER: ("county",),
}


class Permission(models.TextChoices):
    REGION_VIEW = "region.view", _("查看区划")
    REGION_EDIT = "region.edit", _("维护区划属性（贫困村、人口）")
    REGISTRY_VIEW = "registry.view", _("查看建档立卡数据")
    REGISTRY_EDIT = "registry.edit", _("录入、修改建档立卡数据")
    REGISTRY_IMPORT = "registry.import", _("导入建档立卡表格")
    DATA_EXPORT = "data.export", _("导出数据")
    PERSON_REVEAL = "person.reveal", _("查看完整身份证号（留痕）")
    POLICY_EDIT = "policy.edit", _("修订退出标准")
    EVALUATION_RUN = "evaluation.run", _("运行退出评估")
    INDICATOR_EDIT = "indicator.edit", _("录入贫困村、贫困县退出指标")
    CASE_PROPOSE = "case.propose", _("发起识别、退出、返贫、监测")
    CASE_REVIEW = "case.review", _("审核（乡镇）")
    CASE_APPROVE = "case.approve", _("审批（县）")
    ASSISTANCE_EDIT = "assistance.edit", _("维护行业帮扶台账")
    LEDGER_VIEW = "ledger.view", _("查看行业台账、覆盖核查")
    PEOPLE_VIEW = "people.view", _("查看驻村工作队、帮扶结对、企业与车间")
    PEOPLE_EDIT = "people.edit", _("维护驻村工作队、帮扶结对、走访、企业与车间")
    PROJECT_VIEW = "project.view", _("查看项目库、资金与预警")
    PROJECT_MANAGE = "project.manage", _("办理项目库、资金台账、预警处置、公告公示")
    SUPERVISION = "supervision.inspect", _("督查巡查、考核")
    HOTLINE_HANDLE = "hotline.handle", _("受理热线工单")
    AUDIT_VIEW = "audit.view", _("查看访问日志")
    USERS_MANAGE = "users.manage", _("管理本区域用户")
    JOBS_RUN = "jobs.run", _("提交后台任务")
    PAIRING_VISIT = "pairing.visit", _("查看本人结对户、录入走访记录")


P = Permission
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CITY_OFFICE: frozenset(
        {
            P.REGION_VIEW,
            P.REGION_EDIT,
            P.REGISTRY_VIEW,
            P.LEDGER_VIEW,
            P.POLICY_EDIT,
            P.EVALUATION_RUN,
            P.INDICATOR_EDIT,
            P.DATA_EXPORT,
            P.PERSON_REVEAL,
            P.CASE_APPROVE,
            P.PROJECT_MANAGE,
            P.SUPERVISION,
            P.AUDIT_VIEW,
            P.USERS_MANAGE,
            P.JOBS_RUN,
            P.PEOPLE_VIEW,
            P.PROJECT_VIEW,
        }
    ),
    Role.COUNTY_OFFICE: frozenset(
        {
            P.REGION_VIEW,
            P.REGION_EDIT,
            P.REGISTRY_VIEW,
            P.LEDGER_VIEW,
            P.EVALUATION_RUN,
            P.INDICATOR_EDIT,
            P.REGISTRY_EDIT,
            P.REGISTRY_IMPORT,
            P.DATA_EXPORT,
            P.PERSON_REVEAL,
            P.CASE_APPROVE,
            P.ASSISTANCE_EDIT,
            P.PROJECT_MANAGE,
            P.USERS_MANAGE,
            P.JOBS_RUN,
            P.PEOPLE_VIEW,
            P.PEOPLE_EDIT,
            P.PROJECT_VIEW,
        }
    ),
    Role.TOWNSHIP: frozenset(
        {
            P.REGION_VIEW,
            P.REGISTRY_VIEW,
            P.LEDGER_VIEW,
            P.EVALUATION_RUN,
            P.REGISTRY_EDIT,
            P.REGISTRY_IMPORT,
            P.DATA_EXPORT,
            P.PERSON_REVEAL,
            P.CASE_REVIEW,
            P.JOBS_RUN,
            P.PEOPLE_VIEW,
            P.PEOPLE_EDIT,
            P.PROJECT_VIEW,
            P.PROJECT_MANAGE,
        }
    ),
    Role.VILLAGE: frozenset(
        {
            P.REGION_VIEW,
            P.REGISTRY_VIEW,
            P.LEDGER_VIEW,
            P.REGISTRY_EDIT,
            P.PERSON_REVEAL,
            P.CASE_PROPOSE,
            P.JOBS_RUN,
            P.PEOPLE_VIEW,
            P.PEOPLE_EDIT,
            P.PROJECT_VIEW,
            P.PROJECT_MANAGE,
        }
    ),
    # A sector user reads their department's ledgers and checks, and of the registry only
    # what those need (the household card of tuopin.assistance.household_card), never
    # the registry's own pages: so no registry.view.
    Role.SECTOR: frozenset(
        {
            P.REGION_VIEW,
            P.LEDGER_VIEW,
            P.PERSON_REVEAL,
            P.ASSISTANCE_EDIT,
            P.DATA_EXPORT,
            P.JOBS_RUN,
            P.PEOPLE_VIEW,
            P.PEOPLE_EDIT,
            P.PROJECT_VIEW,
            P.PROJECT_MANAGE,
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            P.REGION_VIEW,
            P.REGISTRY_VIEW,
            P.LEDGER_VIEW,
            P.PERSON_REVEAL,
            P.SUPERVISION,
            P.JOBS_RUN,
            P.PEOPLE_VIEW,
            P.PROJECT_VIEW,
        }
    ),
    Role.HOTLINE: frozenset({P.REGION_VIEW, P.REGISTRY_VIEW, P.HOTLINE_HANDLE}),
    Role.AUDITOR: frozenset(
        {
            P.REGION_VIEW,
            P.REGISTRY_VIEW,
            P.LEDGER_VIEW,
            P.PEOPLE_VIEW,
            P.AUDIT_VIEW,
            P.DATA_EXPORT,
            P.JOBS_RUN,
            P.PROJECT_VIEW,
        }
    ),
    # A cadre who logs in as themselves: the divisions of their county, and of people
    # only their own paired households and their visits (no registry.view, people.view).
    Role.HELPER: frozenset({P.REGION_VIEW, P.PAIRING_VISIT}),
}


# Sections other apps add to docs/permissions.md (registered from their AppConfig.ready,
# as vocabularies are): accounts knows no ledger, the assistance app says who reads which.
_DOC_SECTIONS: list = []


def permissions_doc_section_register(section) -> None:
    """`section()` returns markdown lines appended to the permissions document."""
    if section not in _DOC_SECTIONS:
        _DOC_SECTIONS.append(section)


def permissions_markdown() -> str:
    """The permissions table as it stands in docs/permissions.md (always in Chinese)."""
    with translation.override("zh-hans"):
        return _permissions_markdown()


def _permissions_markdown() -> str:
    roles = list(Role)
    lines = [
        "# 角色与权限 (roles and permissions)",
        "",
        "Generated by `tuopin roles --markdown` from `tuopin/accounts/roles.py`; a test keeps",
        "this file and the code identical. Every permission applies only inside the regions",
        "of the user's assignments (the region scope); a user may hold several assignments.",
        "",
        "| 角色 role | 区划层级 levels |",
        "|---|---|",
    ]
    lines += [f"| {role.label} `{role.value}` | {', '.join(ROLE_LEVELS[role])} |" for role in roles]
    lines += [
        "",
        "| 权限 permission | " + " | ".join(str(role.label) for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        marks = ["✓" if permission in ROLE_PERMISSIONS[role] else "" for role in roles]
        lines.append(f"| {permission.label} `{permission.value}` | " + " | ".join(marks) + " |")
    for section in _DOC_SECTIONS:
        lines += ["", *section()]
    return "\n".join(lines) + "\n"
