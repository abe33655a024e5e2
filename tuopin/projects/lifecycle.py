"""The flow of a project (domain.md §7) as data: each action, the stages it starts from,
the stage it leads to, and who may take it. A service refuses an action from any other
stage, so no step can be skipped; each action taken is filed as a ProjectStep.

village applies (public notice) → township reviews → county sector appraisal → county
leading group approves → enters the library (performance targets mandatory) → annual
plan (Q4) → implementation with progress reports → completion acceptance →
announcement. A reviewer may return a project to the village (it re-applies); the county
may remove a project from the library before it is built (filed, with a reason)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tuopin.accounts.roles import Department, Role
from tuopin.projects.enums import ProjectCategory as C
from tuopin.projects.enums import ProjectStage as S


@dataclass(frozen=True)
class Action:
    code: str
    label: object  # lazy Chinese label
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]


ACTIONS = {
    a.code: a
    for a in (
        Action("reapply", _("重新申报"), (S.RETURNED,), S.APPLIED, frozenset({Role.VILLAGE})),
        Action("review", _("乡镇审核通过"), (S.APPLIED,), S.REVIEWED, frozenset({Role.TOWNSHIP})),
        Action(
            "appraise",
            _("县行业部门论证通过"),
            (S.REVIEWED,),
            S.APPRAISED,
            frozenset({Role.SECTOR, Role.COUNTY_OFFICE}),
        ),
        Action(
            "approve",
            _("县领导小组审定"),
            (S.APPRAISED,),
            S.APPROVED,
            frozenset({Role.COUNTY_OFFICE}),
        ),
        Action("enter", _("入库"), (S.APPROVED,), S.IN_LIBRARY, frozenset({Role.COUNTY_OFFICE})),
        Action(
            "plan", _("纳入年度计划"), (S.IN_LIBRARY,), S.PLANNED, frozenset({Role.COUNTY_OFFICE})
        ),
        Action(
            "start", _("开工实施"), (S.PLANNED,), S.IMPLEMENTING, frozenset({Role.COUNTY_OFFICE})
        ),
        Action(
            "accept",
            _("竣工验收"),
            (S.IMPLEMENTING,),
            S.COMPLETED,
            frozenset({Role.COUNTY_OFFICE}),
        ),
        Action("announce", _("公告"), (S.COMPLETED,), S.ANNOUNCED, frozenset({Role.COUNTY_OFFICE})),
        Action(
            "return",
            _("退回村重新申报"),
            (S.APPLIED, S.REVIEWED, S.APPRAISED),
            S.RETURNED,
            frozenset({Role.TOWNSHIP, Role.SECTOR, Role.COUNTY_OFFICE}),
        ),
        Action(
            "remove",
            _("出库"),
            (S.IN_LIBRARY, S.PLANNED),
            S.REMOVED,
            frozenset({Role.COUNTY_OFFICE}),
        ),
    )
}


# 县级行业部门评审: the department that appraises a project of each category (the county
# office may route a project to another department, `Project.appraiser`). A category
# without a department of its own on the platform (产业发展 is 农业农村局's, roads and
# water are 交通局's and 水利局's, none of which has users here) is appraised by the
# department the county office routes it to, or by the county office itself.
APPRAISERS: dict[str, str | None] = {
    C.INDUSTRY: None,
    C.EMPLOYMENT: Department.HUMAN_RESOURCES,
    C.RELOCATION: Department.ENERGY,  # 易地扶贫搬迁 is led by 发改委
    C.EDUCATION: Department.EDUCATION,
    C.HEALTH: Department.HEALTH,
    C.HOUSING: Department.HOUSING,
    C.FINANCE: Department.FINANCE,
    C.INFRASTRUCTURE: None,
    C.PUBLIC_SERVICE: None,
    C.SOCIAL_SECURITY: Department.CIVIL_AFFAIRS,
    C.OTHER: None,
}
# Stages in which the county office may still route a project to a department: before
# the appraisal is taken.
ROUTABLE = (S.APPLIED, S.REVIEWED)


def appraising_department(project) -> str | None:
    """The department whose sector users appraise (or return) the project: the one the
    county office routed it to, else its category's."""
    return project.appraiser or APPRAISERS.get(project.category)


def actions_from(stage: str) -> list[Action]:
    """The actions a project at `stage` can take next, in the flow's order."""
    return [action for action in ACTIONS.values() if stage in action.sources]
