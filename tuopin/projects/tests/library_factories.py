"""Projects of the library for the tests: an application of a village of 人和镇 and the
users of each step, with the flow taken as far as a test needs."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.projects.library_services import project_act, project_apply
from tuopin.projects.lifecycle import ACTIONS

# The flow's steps in order, with who takes each.
FLOW = [
    ("review", "township"),
    ("appraise", "sector"),
    ("approve", "county"),
    ("enter", "county"),
    ("plan", "county"),
    ("start", "county"),
    ("accept", "county"),
    ("announce", "county"),
]
FIELDS = {
    "year": 2018,
    "name": "朱寨村产业路",
    "category": "education",  # appraised by 教育局, the sector user's department
    "nature": "new",
    "unit": "人和镇人民政府",
    "person": "张三丰",
    "tasks": "修建水泥路 2 公里",
    "amount": "300000",
    "fundings": [("central", "special", "200000"), ("county", "special", "100000")],
    "targets": "新修道路 2 公里，受益贫困户 30 户",
    "mechanism": "优先雇用贫困户务工",
    "households_planned": 30,
}


class Users:
    def __init__(self, make_user):
        self.village_region = first_village(RENHE)
        self.village = make_user(Role.VILLAGE, self.village_region.code)
        self.township = make_user(Role.TOWNSHIP, RENHE)
        self.county = make_user(Role.COUNTY_OFFICE, MINQUAN)
        self.sector = make_user(Role.SECTOR, MINQUAN, department=Department.EDUCATION)

    def apply(self, *, days_ago: int = 20, **changes):
        return project_apply(
            acting_user=self.village,
            region_code=self.village_region.code,
            applied_on=date.today() - timedelta(days=days_ago),
            **{**FIELDS, **changes},
        )

    def walk(self, project, until: str):
        """Take the flow's steps from where the project stands up to and including `until`."""
        for action, who in FLOW:
            if project.stage == ACTIONS[until].target:
                break
            if project.stage not in ACTIONS[action].sources:
                continue
            project = project_act(action=action, project=project, acting_user=getattr(self, who))
            if action == until:
                return project
        return project
