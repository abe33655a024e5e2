"""Writes of the county project library (项目库): a village applies (with its public
notice), each step of the flow (tuopin.projects.lifecycle) by whoever may take it, progress
reports, beneficiaries, edits before entry, and the yearly library version (Q4).

Every write is keyword-only, checks the scope rule (access.py) and the flow's roles, runs
in one transaction and keeps history (simple_history); a refusal says why in Chinese and
English and writes nothing. A project outside the user's regions answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from tuopin.accounts.roles import ROLE_PERMISSIONS, Department, Permission, Role
from tuopin.accounts.selectors import user_assignments
from tuopin.core.bulk import insert_with_history
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.projects import access
from tuopin.projects.disclosure_posting import default_contact
from tuopin.projects.disclosure_services import disclosure_post
from tuopin.projects.enums import (
    DisclosureKind,
    FundNature,
    ProjectCategory,
    ProjectNature,
    ProjectStage,
    SourceLevel,
)
from tuopin.projects.lifecycle import (
    ACTIONS,
    APPRAISERS,
    ROUTABLE,
    Action,
    actions_from,
    appraising_department,
)
from tuopin.projects.models import (
    Disclosure,
    LibraryEntry,
    Project,
    ProjectBeneficiary,
    ProjectFunding,
    ProjectProgress,
    ProjectStep,
)
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import stored_forms
from tuopin.registry.models import Household

S = ProjectStage
# Stages before the library: a project's fields may still be edited.
EDITABLE_STAGES = (S.APPLIED, S.RETURNED, S.REVIEWED, S.APPRAISED, S.APPROVED)
# Stages a project is in the running library version (a refresh carries them over).
CARRIED_STAGES = (S.IN_LIBRARY, S.PLANNED, S.IMPLEMENTING)
# Stages at which beneficiaries may still be linked or unlinked.
BENEFICIARY_STAGES = (*EDITABLE_STAGES, S.IN_LIBRARY, S.PLANNED, S.IMPLEMENTING)
APPLY_ROLES = frozenset({Role.VILLAGE, Role.COUNTY_OFFICE})
Q4_FIRST_MONTH = 10

TEXT_FIELDS = {
    # field -> (Chinese name, English name, required, max length)
    "name": ("项目名称", "name", True, 200),
    "location": ("实施地点说明", "location", False, 200),
    "unit": ("实施单位", "responsible unit", True, 100),
    "person": ("责任人", "responsible person", True, 50),
    "phone": ("联系电话", "phone", False, 30),
    "tasks": ("建设任务", "tasks", True, 0),
    "subsidy_standard": ("补助标准", "subsidy standard", False, 200),
    "targets": ("绩效目标", "performance targets", False, 0),
    "mechanism": ("带贫减贫机制", "benefit mechanism", False, 0),
    "participation": ("群众参与机制", "participation mechanism", False, 0),
}


@dataclass(frozen=True)
class Funding:
    level: str
    nature: str
    amount: Decimal


def _error(code: str, zh: str, en: str, field: str | None = None) -> TuopinError:
    return TuopinError(code, zh, en, field=field)


# ---------------------------------------------------------------- who may act


def _covering_roles(user, region_code: str) -> set[str]:
    """The roles of the user's assignments that cover the region and may manage projects."""
    if user is None:
        return set()
    if user.is_superuser:
        return set(Role.values)
    return {
        a.role
        for a in user_assignments(user)
        if Permission.PROJECT_MANAGE in ROLE_PERMISSIONS[a.role]
        and region_code.startswith(significant_prefix(a.region_id))
    }


def _require_read(user, project: Project) -> None:
    if user is not None and not access.may_read(user, access.LIBRARY, project.region_id):
        raise OutOfScope("project", str(project.pk))


def _require_keep(user, region_code: str, what_zh: str, what_en: str) -> None:
    """Keepers of the library at the region (village, township, county offices)."""
    if user is None or access.may_keep(user, access.LIBRARY, region_code):
        return
    if access.may_read(user, access.LIBRARY, region_code):
        raise PermissionDenied(f"没有权限：{what_zh} (you may not {what_en} here)")
    raise OutOfScope("project", region_code)


def _sector_departments(user, region_code: str) -> set[str]:
    """The departments of the user's 行业部门 assignments that cover the region."""
    return {
        a.department
        for a in user_assignments(user)
        if a.role == Role.SECTOR and region_code.startswith(significant_prefix(a.region_id))
    }


def may_take(user, project: Project, action: Action) -> bool:
    """The user holds one of the action's roles where the project is; a 行业部门 user
    only for a project their department appraises (lifecycle.appraising_department)."""
    roles = _covering_roles(user, project.region_id) & set(action.roles)
    if roles - {Role.SECTOR}:
        return True
    if not roles:
        return False
    department = appraising_department(project)
    return department is not None and department in _sector_departments(user, project.region_id)


def _refusal(user, project: Project, step: Action) -> PermissionDenied:
    """Why the user may not take the step: another role takes it, or (a 行业部门 user)
    another department appraises the project."""
    covering = _covering_roles(user, project.region_id)
    if Role.SECTOR not in step.roles or Role.SECTOR not in covering:
        roles = "、".join(str(Role(r).label) for r in sorted(step.roles))
        return PermissionDenied(
            f"没有权限：“{step.label}”由{roles}办理 "
            f"(the step '{step.code}' is taken by another role)"
        )
    department = appraising_department(project)
    if department is None:
        return PermissionDenied(
            f"没有权限：“{project.get_category_display()}”类项目须由县扶贫办先指定评审部门 "
            "(the county office routes a project of this category to a department first)"
        )
    return PermissionDenied(
        f"没有权限：本项目由{Department(department).label}评审，县扶贫办可改派评审部门 "
        f"(the project is appraised by the department '{department}'; the county office "
        "may route it to another)"
    )


def application_notice(project: Project) -> Disclosure | None:
    """The project's latest application notice (项目申报公示)."""
    return (
        Disclosure.objects.filter(project=project, kind=DisclosureKind.PROJECT_APPLICATION)
        .order_by("-starts_on", "-id")
        .first()
    )


def _blocker(project: Project, action: Action, on: date) -> TuopinError | None:
    """Why the action cannot be taken now, though the stage and role allow it."""
    if action.code == "review":
        notice = application_notice(project)
        if notice is not None and on <= notice.ends_on:
            return _error(
                "notice_running",
                f"申报公示期至 {notice.ends_on} 结束，公示期满后乡镇方可审核",
                f"the application notice runs until {notice.ends_on}: review after it ends",
            )
    if action.code == "enter":
        missing = [
            (zh, en)
            for value, zh, en in (
                (project.targets, "绩效目标", "performance targets"),
                (project.mechanism, "带贫减贫机制", "a benefit mechanism"),
            )
            if not (value or "").strip()
        ]
        if missing:
            return _error(
                "entry_incomplete",
                f"项目没有{'和'.join(zh for zh, _en in missing)}，不能入库",
                f"a project without {' and '.join(en for _zh, en in missing)} cannot enter "
                "the library",
                field="targets",
            )
    return None


def actions_for(user, project: Project, on: date | None = None) -> list[Action]:
    """The actions the user may take on the project now (the page's buttons)."""
    on = on or date.today()
    return [
        action
        for action in actions_from(project.stage)
        if may_take(user, project, action) and _blocker(project, action, on) is None
    ]


# ---------------------------------------------------------------- checking fields


def _clean_text(values: dict, *, partial: bool = False) -> dict:
    cleaned = {}
    for field, (zh, en, required, length) in TEXT_FIELDS.items():
        if partial and field not in values:
            continue
        value = (values.get(field) or "").strip()
        if required and not value:
            raise _error("field_missing", f"“{zh}”未填写", f"the {en} is missing", field)
        if length and len(value) > length:
            raise _error(
                "field_too_long",
                f"“{zh}”超过 {length} 个字",
                f"the {en} is longer than {length} characters",
                field,
            )
        cleaned[field] = value
    return cleaned


def _choice(value, choices, zh: str, en: str, field: str) -> str:
    for code, label in choices:
        if value in (code, str(label)):
            return code
    labels = "、".join(str(label) for _c, label in choices)
    raise _error("bad_choice", f"{zh}“{value}”无效，应为：{labels}", f"invalid {en}", field)


def _money(value, zh: str, en: str, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise _error(
            "bad_amount", f"{zh}“{value}”不是金额", f"the {en} is not an amount", field
        ) from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**12:
        raise _error(
            "bad_amount",
            f"{zh}“{value}”无效（应为不小于 0 的金额，至多两位小数）",
            f"the {en} must be a non-negative amount with at most two decimals",
            field,
        )
    return amount


def _fundings(fundings, amount: Decimal) -> list[Funding]:
    found = []
    for position, item in enumerate(fundings or (), start=1):
        level, nature, money = (
            (item.level, item.nature, item.amount) if isinstance(item, Funding) else item
        )
        found.append(
            Funding(
                _choice(level, SourceLevel.choices, "资金来源级次", "source level", "fundings"),
                _choice(
                    nature or FundNature.SPECIAL,
                    FundNature.choices,
                    "资金性质",
                    "fund nature",
                    "fundings",
                ),
                _money(money, f"第 {position} 项资金来源金额", "funding amount", "fundings"),
            )
        )
    total = sum((f.amount for f in found), Decimal(0))
    if found and total != amount:
        raise _error(
            "fundings_total",
            f"资金来源合计 {total} 元与项目总投资 {amount} 元不符",
            f"the fundings add up to {total}, not the project's amount {amount}",
            "fundings",
        )
    return found


def _villages(county: Region, codes) -> list[Region]:
    codes = [c.strip() for c in codes or () if c and c.strip()]
    found = {
        r.code: r
        for r in Region.objects.filter(
            code__in=codes, level=RegionLevel.VILLAGE, code__startswith=county.prefix
        )
    }
    for code in codes:
        if code not in found:
            raise _error(
                "village_unknown",
                f"实施地点“{code}”不是本县的行政村",
                f"'{code}' is not a village of the county",
                "villages",
            )
    return [found[c] for c in dict.fromkeys(codes)]


def _dates(starts_on, ends_on) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise _error(
            "dates_order",
            f"计划完工日期 {ends_on} 早于计划开工日期 {starts_on}",
            f"the planned end {ends_on} is before the planned start {starts_on}",
            "ends_on",
        )


def _households_planned(value) -> int | None:
    if value in (None, ""):
        return None  # not said: unknown, never 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise _error(
            "bad_number",
            f"计划带动贫困户数“{value}”不是非负整数",
            "the planned households must be a whole number",
            "households_planned",
        )
    return number


def _county_of(region: Region) -> Region:
    return Region.objects.get(code=region.code[:6].ljust(12, "0"))


def _next_code(county: Region, year: int, region: Region) -> str:
    stem = f"{year}-{region.code[6:9]}{region.code[9:]}-"
    taken = set(
        Project.objects.filter(county=county, code__startswith=stem).values_list("code", flat=True)
    )
    number = len(taken) + 1
    while f"{stem}{number:03d}" in taken:
        number += 1
    return f"{stem}{number:03d}"


def _step(project, action: str, acting_user, acted_on, document="", note="") -> ProjectStep:
    return ProjectStep.objects.create(
        project=project,
        action=action,
        stage=project.stage,
        acted_on=acted_on,
        document=(document or "").strip()[:100],
        note=(note or "").strip(),
        acting_user=acting_user,
    )


def _acted_on(project: Project | None, acted_on: date | None) -> date:
    day = acted_on or date.today()
    if day > date.today():
        raise _error(
            "date_future",
            f"办理日期 {day} 晚于今天",
            f"the date {day} is in the future",
            "acted_on",
        )
    if project is not None:
        last = project.steps.aggregate(last=Max("acted_on"))["last"]
        if last and day < last:
            raise _error(
                "date_before_last",
                f"办理日期 {day} 早于上一环节的日期 {last}",
                f"the date {day} is before the previous step's {last}",
                "acted_on",
            )
    return day


def _post_notice(project: Project, acting_user, starts_on: date) -> Disclosure:
    villages = "、".join(v.name for v in project.villages.order_by("code")) or project.region.name
    return disclosure_post(
        acting_user=acting_user,
        kind=DisclosureKind.PROJECT_APPLICATION,
        region=project.region,
        title=f"{project.region.name}项目申报公示：{project.name}",
        starts_on=starts_on,
        columns=[
            "项目名称",
            "项目类别",
            "建设性质",
            "实施地点",
            "建设任务",
            "项目总投资（元）",
            "计划带动贫困户数",
            "绩效目标",
            "带贫减贫机制",
            "实施单位",
            "责任人",
        ],
        rows=[
            [
                project.name,
                str(project.get_category_display()),
                str(project.get_nature_display()),
                villages,
                project.tasks,
                str(project.amount),
                "未填报" if project.households_planned is None else project.households_planned,
                project.targets or "未填报",
                project.mechanism or "未填报",
                project.unit,
                project.person,
            ]
        ],
        personal={10: "name"},
        place=f"{project.region.name}政务（村务）公开栏",
        contact=default_contact(project.region),
        project=project,
        check_access=False,
    )


# ---------------------------------------------------------------- apply and edit


def project_apply(
    *,
    acting_user,
    region_code: str,
    year: int,
    name: str,
    category: str,
    nature: str,
    unit: str,
    person: str,
    tasks: str,
    amount,
    villages: list[str] | None = None,
    fundings=None,
    code: str = "",
    location: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    phone: str = "",
    subsidy_standard: str = "",
    targets: str = "",
    mechanism: str = "",
    participation: str = "",
    households_planned=None,
    applied_on: date | None = None,
) -> Project:
    """A village's application (or the county office's on its behalf): the project at
    stage 村申报公示, its application notice posted for the minimum period."""
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level != RegionLevel.VILLAGE:
        raise _error(
            "apply_village",
            f"申报单位“{region_code}”不是行政村",
            f"'{region_code}' is not a village",
            "region",
        )
    _require_keep(acting_user, region.code, "申报项目", "apply for a project")
    if acting_user is not None and not (_covering_roles(acting_user, region.code) & APPLY_ROLES):
        raise PermissionDenied(
            "没有权限：项目由村申报，或由县扶贫办代为申报 "
            "(a village applies, or the county office on its behalf)"
        )
    applied_on = _acted_on(None, applied_on)
    fields = _clean_text(
        {
            "name": name,
            "location": location,
            "unit": unit,
            "person": person,
            "phone": phone,
            "tasks": tasks,
            "subsidy_standard": subsidy_standard,
            "targets": targets,
            "mechanism": mechanism,
            "participation": participation,
        }
    )
    amount = _money(amount, "项目总投资", "amount", "amount")
    found_fundings = _fundings(fundings, amount)
    county = _county_of(region)
    places = _villages(county, villages or [region.code])
    _dates(starts_on, ends_on)
    if not (2000 <= int(year) <= applied_on.year + 1):
        raise _error("bad_year", f"申报年度“{year}”无效", f"invalid year '{year}'", "year")
    code = (code or "").strip()
    with transaction.atomic():
        if code and Project.objects.filter(county=county, code=code).exists():
            raise _error(
                "code_taken",
                f"项目编号“{code}”在本县已被使用",
                f"the project code '{code}' is taken in the county",
                "code",
            )
        project = Project(
            county=county,
            region=region,
            code=code or _next_code(county, int(year), region),
            year=int(year),
            category=_choice(category, ProjectCategory.choices, "项目类别", "category", "category"),
            nature=_choice(nature, ProjectNature.choices, "建设性质", "nature", "nature"),
            starts_on=starts_on,
            ends_on=ends_on,
            amount=amount,
            households_planned=_households_planned(households_planned),
            stage=S.APPLIED,
            created_by=acting_user,
            **fields,
        )
        project._history_user = acting_user
        project.save()
        project.villages.set(places)
        for funding in found_fundings:
            row = ProjectFunding(
                project=project, level=funding.level, nature=funding.nature, amount=funding.amount
            )
            row._history_user = acting_user
            row.save()
        _step(project, "apply", acting_user, applied_on, note="村申报，公示")
        _post_notice(project, acting_user, applied_on)
    return project


def project_update(*, acting_user, project: Project, **changes) -> Project:
    """Edit a project's fields before it enters the library (history keeps each version)."""
    _require_read(acting_user, project)
    _require_keep(acting_user, project.region_id, "修改项目", "edit the project")
    if project.stage not in EDITABLE_STAGES:
        raise _error(
            "not_editable",
            f"项目处于“{project.get_stage_display()}”，入库后不能再修改",
            "a project's fields cannot change once it is in the library",
        )
    fields = _clean_text(changes, partial=True)
    if "amount" in changes:
        fields["amount"] = _money(changes["amount"], "项目总投资", "amount", "amount")
    for field, choices, zh in (
        ("category", ProjectCategory.choices, "项目类别"),
        ("nature", ProjectNature.choices, "建设性质"),
    ):
        if field in changes:
            fields[field] = _choice(changes[field], choices, zh, field, field)
    for field in ("starts_on", "ends_on"):
        if field in changes:
            fields[field] = changes[field]
    if "households_planned" in changes:
        fields["households_planned"] = _households_planned(changes["households_planned"])
    _dates(fields.get("starts_on", project.starts_on), fields.get("ends_on", project.ends_on))
    amount = fields.get("amount", project.amount)
    with transaction.atomic():
        if "fundings" in changes:
            found = _fundings(changes["fundings"], amount)
            project.fundings.all().delete()
            for funding in found:
                row = ProjectFunding(
                    project=project,
                    level=funding.level,
                    nature=funding.nature,
                    amount=funding.amount,
                )
                row._history_user = acting_user
                row.save()
        elif "amount" in changes and project.fundings.exists():
            _fundings(
                [Funding(f.level, f.nature, f.amount) for f in project.fundings.all()], amount
            )
        if "villages" in changes:
            project.villages.set(_villages(project.county, changes["villages"]))
        for field, value in fields.items():
            setattr(project, field, value)
        project._history_user = acting_user
        project.save()
    return project


# ---------------------------------------------------------------- the flow


def project_act(
    *,
    action: str,
    project: Project,
    acting_user,
    acted_on: date | None = None,
    document: str = "",
    note: str = "",
    plan_year: int | None = None,
) -> Project:
    """Take one step of the flow: refused from any other stage (no skipped step), for a
    role the step does not name, or before what the step needs (the notice's end, the
    targets); filed as a ProjectStep."""
    step = ACTIONS.get(action)
    if step is None:
        raise _error("action_unknown", f"没有“{action}”这一环节", f"no step '{action}'", "action")
    _require_read(acting_user, project)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.stage not in step.sources:
            allowed = "、".join(str(S(s).label) for s in step.sources)
            raise _error(
                "step_not_allowed",
                f"项目处于“{project.get_stage_display()}”，不能“{step.label}”"
                f"（只能从“{allowed}”办理，不能跳过环节）",
                f"a project at '{project.stage}' cannot take the step '{step.code}': "
                "no step may be skipped",
                "action",
            )
        if acting_user is not None and not may_take(acting_user, project, step):
            raise _refusal(acting_user, project, step)
        day = _acted_on(project, acted_on)
        blocker = _blocker(project, step, day)
        if blocker is not None:
            raise blocker
        if step.code in ("return", "remove") and not (note or "").strip():
            raise _error(
                "reason_missing",
                f"“{step.label}”须写明原因",
                f"the step '{step.code}' needs a reason",
                "note",
            )
        if step.code == "plan":
            project.plan_year = _plan_year(plan_year, day)
        if step.code == "enter":
            _enter(project, day, document, acting_user)
        if step.code == "remove":
            _remove(project, day, note, acting_user)
        project.stage = step.target
        project._history_user = acting_user
        project.save()
        _step(project, step.code, acting_user, day, document, note)
        if step.code == "reapply":
            _post_notice(project, acting_user, day)
    return project


def may_route(user, project: Project) -> bool:
    """The county office of the project, before the appraisal is taken."""
    return project.stage in ROUTABLE and Role.COUNTY_OFFICE in _covering_roles(
        user, project.region_id
    )


def project_route(*, acting_user, project: Project, department: str, note: str = "") -> Project:
    """The county office routes the project to the department that appraises it (blank:
    the department of its category) before the appraisal; filed as a step ("route")."""
    if department and department not in Department.values:
        raise _error(
            "department_unknown",
            f"没有“{department}”这一行业部门",
            f"no department '{department}'",
            "department",
        )
    _require_read(acting_user, project)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if acting_user is not None and Role.COUNTY_OFFICE not in _covering_roles(
            acting_user, project.region_id
        ):
            raise PermissionDenied(
                "没有权限：评审部门由县扶贫办指定 (only the county office routes a project)"
            )
        if project.stage not in ROUTABLE:
            raise _error(
                "route_too_late",
                f"项目处于“{project.get_stage_display()}”，已过行业部门评审，不能再指定评审部门",
                f"a project at '{project.stage}' is past the appraisal: it cannot be routed",
                "department",
            )
        project.appraiser = department
        project._history_user = acting_user
        project.save()
        by_category = APPRAISERS.get(project.category)
        label = (
            Department(department).label
            if department
            else (Department(by_category).label if by_category else "县扶贫办")
        )
        text = f"指定评审部门：{label}"
        _step(
            project,
            "route",
            acting_user,
            date.today(),
            note=f"{text}。{note.strip()}" if note.strip() else text,
        )
    return project


def _plan_year(plan_year, day: date) -> int:
    year = int(plan_year or day.year)
    if year == day.year or (year == day.year + 1 and day.month >= Q4_FIRST_MONTH):
        return year
    raise _error(
        "plan_year",
        f"只能纳入本年度（{day.year}）计划，或在第四季度纳入下一年度（{day.year + 1}）计划，"
        f"不能纳入 {year} 年度计划",
        f"a project goes into this year's plan, or next year's in the fourth quarter, not {year}",
        "plan_year",
    )


def _enter(project: Project, day: date, document: str, acting_user) -> None:
    years = [day.year]
    if LibraryEntry.objects.filter(project__county=project.county, year=day.year + 1).exists():
        years.append(day.year + 1)  # next year's version already made (Q4): in it too
    for year in years:
        entry = LibraryEntry.objects.filter(project=project, year=year).first() or LibraryEntry(
            project=project, year=year
        )
        entry.entered_on, entry.document = day, (document or "").strip()[:100]
        entry.removed_on, entry.removal_reason = None, ""
        entry._history_user = acting_user
        entry.save()


def _remove(project: Project, day: date, reason: str, acting_user) -> None:
    for entry in LibraryEntry.objects.filter(project=project, removed_on__isnull=True):
        entry.removed_on, entry.removal_reason = day, reason.strip()[:200]
        entry._history_user = acting_user
        entry.save()


def library_refresh(
    *, acting_user, county_code: str, year: int, acted_on: date | None = None, document: str = ""
) -> int:
    """The `year` version of the county library, made in the fourth quarter of the year
    before: every project in the library not completed or removed enters it (one
    statement). Returns the entries added; a second run adds none."""
    county = Region.objects.filter(code=county_code, level=RegionLevel.COUNTY).first()
    if county is None:
        raise _error("county_unknown", f"“{county_code}”不是县", f"'{county_code}' is not a county")
    if acting_user is not None and Role.COUNTY_OFFICE not in _covering_roles(
        acting_user, county.code
    ):
        if not access.may_read(acting_user, access.LIBRARY, county.code):
            raise OutOfScope("region", county.code)
        raise PermissionDenied("没有权限：项目库由县扶贫办更新 (the county office refreshes it)")
    day = acted_on or date.today()
    if not (int(year) == day.year + 1 and day.month >= Q4_FIRST_MONTH):
        raise _error(
            "refresh_quarter",
            f"{year} 年度项目库只能在 {int(year) - 1} 年第四季度更新",
            f"the {year} library is made in the fourth quarter of {int(year) - 1}",
        )
    carried = (
        Project.objects.filter(county=county, stage__in=CARRIED_STAGES)
        .exclude(library_entries__year=year)
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "project_id": pk,
            "year": int(year),
            "entered_on": day,
            "document": (document or "").strip()[:100],
        }
        for pk in carried
    ]
    with transaction.atomic():
        insert_with_history(LibraryEntry, rows, user=acting_user, reason="项目库年度更新")
    return len(rows)


# ---------------------------------------------------------------- progress and beneficiaries


def project_progress_report(
    *, acting_user, project: Project, percent, note: str = "", reported_on: date | None = None
) -> ProjectProgress:
    _require_read(acting_user, project)
    _require_keep(acting_user, project.region_id, "报告项目进度", "report progress")
    if project.stage != S.IMPLEMENTING:
        raise _error(
            "not_implementing",
            f"项目处于“{project.get_stage_display()}”，只有实施中的项目才能报告进度",
            "progress is reported only while the project is implemented",
        )
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise _error(
            "bad_percent", "形象进度应为 0 到 100 的整数", "the percent is 0 to 100", "percent"
        )
    day = reported_on or date.today()
    if day > date.today():
        raise _error("date_future", f"报告日期 {day} 晚于今天", "the date is in the future")
    last = project.progress.order_by("-reported_on", "-id").first()
    if last is not None and percent < last.percent:
        raise _error(
            "percent_down",
            f"形象进度 {percent}% 低于上次报告的 {last.percent}%",
            f"{percent}% is below the last report's {last.percent}%",
            "percent",
        )
    with transaction.atomic():
        row = ProjectProgress(
            project=project,
            reported_on=day,
            percent=percent,
            note=(note or "").strip(),
            reported_by=acting_user,
        )
        row._history_user = acting_user
        row.save()
    return row


def _household(project: Project, text: str) -> Household:
    text = (text or "").strip()
    county = project.county.prefix
    found = list(
        Household.objects.filter(number=text, village__code__startswith=county)[:2]
    ) or list(
        Household.objects.filter(
            members__id_number__in=stored_forms(text) or [text],
            village__code__startswith=county,
        ).distinct()[:2]
    )
    if not found:
        raise _error(
            "household_unknown",
            f"本县建档立卡库中没有户编号或身份证号为“{text[:6]}…”的户",
            "no registered household of the county has this number or ID number",
            "household",
        )
    if len(found) > 1:
        raise _error(
            "household_ambiguous",
            f"户编号“{text}”在本县不唯一，请用户主身份证号",
            "the household number is not unique in the county: use an ID number",
            "household",
        )
    return found[0]


def beneficiary_add(
    *, acting_user, project: Project, household: str, how: str = ""
) -> ProjectBeneficiary:
    """Link a registered household of the county (by 户编号 or a member's ID number)."""
    _require_read(acting_user, project)
    _require_keep(acting_user, project.region_id, "登记受益户", "link beneficiaries")
    if project.stage not in BENEFICIARY_STAGES:
        raise _error(
            "beneficiaries_closed",
            f"项目处于“{project.get_stage_display()}”，不能再调整受益户",
            "the beneficiaries of a finished or removed project are closed",
        )
    found = _household(project, household)
    if ProjectBeneficiary.objects.filter(project=project, household=found).exists():
        raise _error(
            "beneficiary_twice",
            f"户 {found.number} 已是本项目受益户",
            "the household is already a beneficiary",
            "household",
        )
    with transaction.atomic():
        row = ProjectBeneficiary(project=project, household=found, how=(how or "").strip()[:100])
        row._history_user = acting_user
        row.save()
    return row


def beneficiary_remove(*, acting_user, beneficiary: ProjectBeneficiary) -> None:
    project = beneficiary.project
    _require_read(acting_user, project)
    _require_keep(acting_user, project.region_id, "移除受益户", "unlink beneficiaries")
    if project.stage not in BENEFICIARY_STAGES:
        raise _error(
            "beneficiaries_closed",
            f"项目处于“{project.get_stage_display()}”，不能再调整受益户",
            "the beneficiaries of a finished or removed project are closed",
        )
    with transaction.atomic():
        beneficiary._history_user = acting_user
        beneficiary.delete()


def notice_ends(project: Project) -> date | None:
    notice = application_notice(project)
    return notice.ends_on if notice else None


def review_opens_on(project: Project) -> date | None:
    ends = notice_ends(project)
    return ends + timedelta(days=1) if ends else None


__all__ = [
    "Funding",
    "actions_for",
    "beneficiary_add",
    "beneficiary_remove",
    "library_refresh",
    "project_act",
    "project_apply",
    "project_progress_report",
    "project_update",
]
