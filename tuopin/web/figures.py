"""What the home and region pages show: a region's figures with their links, and the
user's work. Reads only; the registry figures come from stored totals
(`tuopin.registry.summary`), the case figures from the cases table, which is small
(open cases of a city: thousands) and read through its (region, status) index.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission, scope_filter, user_assignments
from tuopin.assistance.coverage import checks_read_by
from tuopin.assistance.coverage.snapshot import coverage_scorecard
from tuopin.cases.enums import FINISHED, CaseKind, CaseStatus, StepKind
from tuopin.cases.models import Case, Route
from tuopin.cases.selectors import OVERDUE_DAYS
from tuopin.core.regioncodes import significant_prefix
from tuopin.people.access import may_keep
from tuopin.people.my_pairings import my_households_due
from tuopin.people.sections import sections_for_user
from tuopin.policy.selectors import TARGETS_2018
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.summary import RegionFigures, region_figures
from tuopin.web.project_figures import project_work_links

# The year of the city's work plan (domain.md §1): "this year" of the figures.
FIGURES_YEAR = 2018


def _url(name: str, **query) -> str:
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def _url_args(name: str, *args, **query) -> str:
    return reverse(name, args=args) + f"?{urlencode(query)}"


def households_url(region: Region, **filters) -> str:
    return _url("registry:households", region=region.code, **filters)


@dataclass
class CaseStep:
    kind: str
    step: str
    status: str
    count: int
    url: str


def open_cases_by_step(user, region: Region) -> list[CaseStep]:
    """Open cases of the region in the user's scope, per kind, step and status; one
    grouped query (a step is a position in the case's route)."""
    cases = scope_filter(Case.objects.all(), user, "region__code").filter(
        region__code__startswith=region.prefix
    )
    rows = (
        cases.exclude(status__in=FINISHED)
        .values_list("kind", "status", "step_index", "route__steps")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple, int] = {}
    for kind, status, index, steps, n in rows:
        code, title = (
            (steps[index]["code"], gettext(steps[index]["title"]))
            if index < len(steps)
            else ("", "")
        )
        key = (kind, code, title, status)
        counts[key] = counts.get(key, 0) + n
    kinds = list(CaseKind.values)
    return [
        CaseStep(
            kind=CaseKind(kind).label,
            step=title or "—",
            status=CaseStatus(status).label,
            count=n,
            url=_url("cases:list", region=region.code, kind=kind, status=status, step=code),
        )
        for (kind, code, title, status), n in sorted(
            counts.items(), key=lambda item: (kinds.index(item[0][0]), item[0][2])
        )
    ]


def region_panel(user, region: Region, year: int = FIGURES_YEAR) -> dict:
    """A region's figures, each with the link to the list it counts."""
    figures: RegionFigures = region_figures(region, year)
    links = {
        "all": households_url(region),
        "still_poor": households_url(region, status="poor"),
        "exited": households_url(region, status="exited", exit_year=year),
        "planned": households_url(region, planned_exit_year=year),
        "still_to_exit": households_url(region, status="poor", planned_exit_year=year),
        "villages": _url("policy:village_ledger", region=region.code, year=year),
        "quality": _url("quality:scorecard", region=region.code, year=year),
        "counties": _url("policy:county_ledger", region=region.code, year=year),
    }
    ledgers = [
        (_("贫困户名单"), links["all"]),
        (_("短板台账"), _url_args("policy:ledger", "shortfall", region=region.code, year=year)),
        (_("脱贫清单"), _url_args("policy:ledger", "exit", region=region.code, year=year)),
        (_("贫困村退出"), links["villages"]),
        (_("疑点数据"), links["quality"]),
    ]
    if region.level in (RegionLevel.CITY, RegionLevel.COUNTY):
        ledgers.append((_("县级汇总与目标"), links["counties"]))
    return {
        "region": region,
        "figures": figures,
        "statuses": [
            (code, label, counts, households_url(region, status=code))
            for code, label, counts in figures.by_status
        ],
        "links": links,
        "ledgers": ledgers,
        "targets": TARGETS_2018 if region.level == RegionLevel.CITY and year == 2018 else None,
        "cases": open_cases_by_step(user, region),
        "cases_url": _url("cases:list", region=region.code),
    }


def task_counts(user) -> tuple[int, int]:
    """(cases waiting for me, of them overdue): what `cases.selectors.my_tasks` lists,
    counted in one query instead of building every case (a city holds thousands).

    The same rules: a case waits for me at a step of one of my roles, in a region under
    an assignment of that role; an objection waits for village and township users, a
    monitoring case for the county office. Overdue: a notice ended more than 3 days
    ago, any other step (not monitoring) entered more than OVERDUE_DAYS days ago. A test
    keeps the two equal."""
    prefixes: dict[str, list[str]] = defaultdict(list)
    for assignment in user_assignments(user):
        prefixes[assignment.role].append(significant_prefix(assignment.region_id))

    def under(*roles) -> Q | None:
        found = [Q(region__code__startswith=p) for role in roles for p in prefixes.get(role, [])]
        return reduce(or_, found) if found else None

    at_step = Q(status__in=[CaseStatus.OPEN, CaseStatus.OBJECTION])
    waiting, notices = [], []
    for route_id, steps in Route.objects.values_list("id", "steps"):
        for index, step in enumerate(steps):
            here = Q(route_id=route_id, step_index=index)
            if step["kind"] == StepKind.NOTICE:
                notices.append(here)
            where = under(step["role"])
            if where is not None:
                waiting.append(here & at_step & where)
    for status, roles in (
        (CaseStatus.OBJECTION, ("village", "township")),
        (CaseStatus.MONITORING, ("county_office",)),
    ):
        where = under(*roles)
        if where is not None:
            waiting.append(Q(status=status) & where)
    if not waiting:
        return 0, 0
    at_notice = at_step & reduce(or_, notices, Q(pk__in=[]))
    today, now = timezone.localdate(), timezone.now()
    overdue = (at_notice & Q(notice__ends__lt=today - datetime.timedelta(days=3))) | (
        ~at_notice
        & ~Q(status=CaseStatus.MONITORING)
        & Q(step_entered_at__lte=now - datetime.timedelta(days=OVERDUE_DAYS + 1))
    )
    counts = (
        scope_filter(Case.objects.all(), user, "region__code")
        .filter(reduce(or_, waiting))
        .aggregate(n=Count("id"), overdue=Count("id", filter=overdue))
    )
    return counts["n"], counts["overdue"]


def my_work(user) -> dict:
    """What the user must do next: the task list, and the places the role works in."""
    tasks, overdue = task_counts(user)
    links = []

    def offer(permission: str, label: str, url: str) -> None:
        if has_permission(user, permission):
            links.append((label, url))

    offer(Permission.CASE_PROPOSE, _("发起识别、退出、返贫、监测"), reverse("cases:propose"))
    offer(Permission.REGISTRY_IMPORT, _("导入建档立卡表格"), reverse("registry:import"))
    offer(Permission.REGISTRY_EDIT, _("疑点数据核实"), reverse("quality:scorecard"))
    offer(Permission.EVALUATION_RUN, _("运行退出评估"), reverse("policy:runs"))
    offer(Permission.CASE_APPROVE, _("县级汇总与目标"), reverse("policy:county_ledger"))
    offer(Permission.SUPERVISION, _("疑点数据"), reverse("quality:scorecard"))
    offer(Permission.AUDIT_VIEW, _("访问日志"), reverse("audit:access_log"))
    offer(Permission.HOTLINE_HANDLE, _("查询贫困户"), reverse("registry:households"))
    offer(Permission.ASSISTANCE_EDIT, _("行业台账"), reverse("assistance:ledgers"))
    if checks_read_by(user):  # the checks of the ledgers the user reads
        links.append((_("覆盖核查"), reverse("assistance:coverage")))
    # The parts of 帮扶力量 the user keeps (ratings to confirm, visits, attendance, teams…).
    links += [
        (section.label, reverse(section.url_name))
        for section in sections_for_user(user)
        if may_keep(user, section.topic)
    ]
    links += project_work_links(user)  # projects waiting for the user's step, funds, notices
    seen, unique = set(), []
    for label, url in links:
        if url not in seen:
            seen.add(url)
            unique.append((label, url))
    return {
        "tasks": tasks,
        "tasks_label": _("待我办理的事项"),
        "overdue": overdue,
        "tasks_url": reverse("cases:tasks"),
        "links": unique,
    }


def ledger_work(user, ledgers: list) -> dict:
    """The work of a user who reads ledgers but not the registry (a sector user): the
    rows of their ledgers waiting for review, and where they import, check and set."""
    links = []
    if ledgers and has_permission(user, Permission.ASSISTANCE_EDIT):
        links.append((_("导入行业台账"), reverse("assistance:import_index")))
    if checks_read_by(user):
        links.append((_("覆盖核查"), reverse("assistance:coverage")))
    if ledgers:
        links.append((_("台账参数"), reverse("assistance:coverage_parameters")))
    # A department's part of 帮扶力量 (组织部: teams and branches; 人社局: workshops).
    people_sections = sections_for_user(user)
    links += [(section.label, reverse(section.url_name)) for section in people_sections]
    if people_sections:
        links.append((_("帮扶力量参数"), reverse("people:parameters")))
    links += project_work_links(user)  # 财政局: the funds, warnings and notices it keeps
    return {
        # A department that keeps no ledger (组织部) has no rows to review.
        "tasks": sum(figures.pending for figures in ledgers) if ledgers else None,
        "tasks_label": _("待审核的台账记录"),
        "overdue": None,
        "tasks_url": reverse("assistance:ledgers"),
        "links": links,
    }


@dataclass
class CheckFigure:
    label: str
    count: int
    unit: str
    url: str


def ledger_panel(user, region: Region, year: int = FIGURES_YEAR) -> dict:
    """A sector user's region: the registry's totals (counts only: the registry's lists
    are not theirs to open) and the findings of the coverage checks they read, each
    linked to its list."""
    checks = checks_read_by(user)
    found, snapshot = [], None
    if checks:
        card, snapshot = coverage_scorecard(user, region_code=region.code, year=year, checks=checks)
        found = [
            CheckFigure(
                label=row.check.label,
                count=row.total,
                unit=row.check.unit_info.label,
                url=_url_args(
                    "assistance:coverage_list", row.check.code, region=region.code, year=year
                ),
            )
            for row in card.rows
        ]
    return {
        "region": region,
        "figures": region_figures(region, year),
        "checks": found,
        "computed_at": snapshot.computed_at if snapshot else None,
        "scorecard_url": _url("assistance:coverage", region=region.code, year=year),
    }


def helper_work(user) -> dict:
    """A cadre logged in as themselves: the households they are paired with, the visits
    due among them, the way to their list."""
    rows = my_households_due(user)
    return {
        "tasks": sum(1 for row in rows if row.overdue),
        "tasks_label": _("应走访的结对户"),
        "tasks_url": reverse("people:my_households"),
        "overdue": None,
        "links": [(_("我的结对户"), reverse("people:my_households"))],
        "rows": rows,
    }
