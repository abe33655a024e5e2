"""Writes of the weak Party branches (topic BRANCHES): listing a village for a year, its
rectification plan and paired leader, progress notes, and the sign-off (销号).

Whoever keeps the topic there (county office, township, 组织部) lists, plans and notes;
only the county office or the county 组织部 signs off. A branch outside the user's keep
is a 404 like a missing one."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tuopin.accounts.roles import Department, Role
from tuopin.accounts.selectors import UNRESTRICTED, scope_prefixes, user_assignments
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.people import access
from tuopin.people.models import BranchNote, WeakBranch
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.models import Helper

SIGN_OFF_ROLES = {Role.COUNTY_OFFICE}


def may_sign_off(user, region_code: str) -> bool:
    """The county office or the county 组织部 of the branch's county (or above: the city
    may not, 销号 is the county's)."""
    if scope_prefixes(user) is UNRESTRICTED:
        return True
    for assignment in user_assignments(user):
        county_level = len(significant_prefix(assignment.region_id)) == 6
        organisation = (
            assignment.role == Role.SECTOR and assignment.department == Department.ORGANISATION
        )
        if (
            county_level
            and (assignment.role in SIGN_OFF_ROLES or organisation)
            and region_code.startswith(significant_prefix(assignment.region_id))
        ):
            return True
    return False


def _kept_village(user, village_code: str) -> Region:
    village = Region.objects.filter(code=village_code, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise TuopinError(
            "branch_village_unknown",
            f"行政村代码“{village_code}”不存在",
            f"no village with the code '{village_code}'",
            field="village",
        )
    if not access.may_read(user, access.BRANCHES, village.code):
        raise OutOfScope("region", village_code)
    if not access.may_keep(user, access.BRANCHES, village.code):
        raise PermissionDenied("没有权限：维护软弱涣散村党组织 (you may not keep weak branches)")
    return village


def _check_year(year) -> int:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise TuopinError(
            "branch_year", f"年度“{year}”无效", f"invalid year '{year}'", field="year"
        )
    return year


def weak_branch_list(
    *, acting_user, village_code: str, year: int, reasons: str, listed_on: date | None = None
) -> WeakBranch:
    """Put a village's branch on the county's list for the year (or update its reasons)."""
    village = _kept_village(acting_user, village_code)
    _check_year(year)
    reasons = (reasons or "").strip()
    if not reasons:
        raise TuopinError(
            "branch_reasons_missing",
            "请填写软弱涣散情形",
            "the reasons (situations) are required",
            field="reasons",
        )
    with transaction.atomic():
        branch = WeakBranch.objects.filter(village=village, year=year).first()
        if branch is None:
            return WeakBranch.objects.create(
                village=village, year=year, reasons=reasons, listed_on=listed_on
            )
        if (branch.reasons, branch.listed_on) != (reasons, listed_on):
            branch.reasons, branch.listed_on = reasons, listed_on
            branch.save()
        return branch


def _kept_branch(user, branch: WeakBranch) -> WeakBranch:
    if not access.may_read(user, access.BRANCHES, branch.village_id):
        raise OutOfScope("weak_branch", str(branch.pk))
    if not access.may_keep(user, access.BRANCHES, branch.village_id):
        raise PermissionDenied("没有权限：维护软弱涣散村党组织 (you may not keep weak branches)")
    return branch


def _not_signed_off(branch: WeakBranch) -> None:
    if branch.signed_off_on is not None:
        raise TuopinError(
            "branch_signed_off",
            "该村党组织已销号，不能再修改",
            "the branch is signed off and can no longer change",
        )


def weak_branch_plan(
    *,
    acting_user,
    branch: WeakBranch,
    measures: str,
    deadline: date | None,
    leader_id: int | None,
) -> WeakBranch:
    """The rectification plan (一村一策) and the county or township leader paired with it."""
    _kept_branch(acting_user, branch)
    _not_signed_off(branch)
    leader = None
    if leader_id is not None:
        county = branch.village_id[:6]
        leader = Helper.objects.filter(pk=leader_id, region__code__startswith=county).first()
        if leader is None:
            raise TuopinError(
                "branch_leader_unknown",
                "联系领导须是本县（区）的干部",
                "the leader must be a cadre of the county",
                field="leader",
            )
    if deadline is not None and branch.listed_on is not None and deadline < branch.listed_on:
        raise TuopinError(
            "branch_deadline_early",
            "整顿时限不能早于列入日期",
            "the deadline cannot precede the listing date",
            field="deadline",
        )
    with transaction.atomic():
        branch.measures, branch.deadline, branch.leader = (measures or "").strip(), deadline, leader
        branch.save()
    return branch


def branch_note_add(*, acting_user, branch: WeakBranch, on: date, text: str) -> BranchNote:
    _kept_branch(acting_user, branch)
    _not_signed_off(branch)
    text = (text or "").strip()
    if not text:
        raise TuopinError(
            "branch_note_empty", "请填写整顿进展", "the note text is required", field="text"
        )
    if on > date.today():
        raise TuopinError(
            "branch_note_future",
            "日期不能晚于今天",
            "the date cannot be in the future",
            field="date",
        )
    return BranchNote.objects.create(branch=branch, date=on, text=text, recorded_by=acting_user)


def weak_branch_sign_off(*, acting_user, branch: WeakBranch, on: date) -> WeakBranch:
    """销号: only the county office or 组织部; the plan must exist first."""
    if not access.may_read(acting_user, access.BRANCHES, branch.village_id):
        raise OutOfScope("weak_branch", str(branch.pk))
    if not may_sign_off(acting_user, branch.village_id):
        raise PermissionDenied(
            "没有权限：只有县级扶贫办或组织部可以销号 (only the county may sign off)"
        )
    _not_signed_off(branch)
    if not branch.measures:
        raise TuopinError(
            "branch_plan_missing",
            "尚未制定整顿措施，不能销号",
            "no rectification plan yet: cannot sign off",
        )
    if on > date.today() or (branch.listed_on is not None and on < branch.listed_on):
        raise TuopinError(
            "branch_sign_off_date",
            "销号日期应在列入日期之后、且不晚于今天",
            "the sign-off date must follow the listing and not be in the future",
            field="date",
        )
    with transaction.atomic():
        branch.signed_off_on, branch.signed_off_by = on, acting_user
        branch.save()
    return branch
