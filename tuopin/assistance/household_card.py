"""What a sector user sees of a registered household: the household card (本户核查信息).

A 行业部门 user holds no registry.view (accounts/roles.py): they read their department's
ledgers and coverage checks, and of the registry only the fields those checks read,
listed below per department (coverage/checks.py reads them). Everyone sees who the
household is: its number, village, poverty status and its members' names, relation,
sex, masked ID number (the full one is a logged reveal), age and status. Income, phone,
bank account, land, causes of poverty and the rest of the registry stay on the registry's
own household page, which the office roles open instead of this card.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from tuopin.accounts.roles import Department, Role
from tuopin.accounts.selectors import user_assignments
from tuopin.core.regioncodes import significant_prefix
from tuopin.registry.enums import MemberStatus
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.models import Household, Member

D = Department
# Registry fields each department's checks read: (household fields, member fields).
DEPARTMENT_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # Public-welfare posts and employment: able to work, of working age, working.
    D.HUMAN_RESOURCES: ((), ("labour", "work_status", "work_months", "education")),
    # Small loans: the borrower's age and capacity, one loan per household.
    D.FINANCE: ((), ("labour",)),
    # School age, enrolment, the stage's aid.
    D.EDUCATION: ((), ("education", "student_status")),
    # Insurance and serious illness.
    D.HEALTH: (
        (),
        (
            "is_chronically_ill",
            "is_seriously_ill",
            "has_basic_medical_insurance",
            "has_serious_illness_insurance",
        ),
    ),
    # C/D houses of the priority groups.
    D.HOUSING: (("housing_grade", "owns_house", "attribute"), ("is_disabled",)),
    # PV income for households without labour.
    D.ENERGY: (("attribute",), ("labour",)),
    # Rangers able to work.
    D.FORESTRY: ((), ("labour",)),
    # Disabled members, their certificates and subsidies.
    D.DISABLED: ((), ("is_disabled",)),
    # 低保/特困 in the registry against the civil-affairs list.
    D.CIVIL_AFFAIRS: (("attribute",), ("receives_dibao",)),
}
HOUSEHOLD_BASE = ("number", "status")
MEMBER_BASE = ("name", "relation", "sex", "id_number", "age", "status")


@dataclass
class HouseholdCard:
    household: Household
    departments: list[str]
    facts: list[tuple[str, str]]  # (label, text) of the household
    member_headers: list[str]
    # (member, [(field name, text)]): the template offers the reveal at "id_number".
    members: list[tuple[Member, list[tuple[str, str]]]] = field(default_factory=list)


def card_departments(user, household: Household) -> list[str]:
    """The departments of the user's sector assignments over the household's village."""
    village = household.village_id
    found = {
        a.department
        for a in user_assignments(user)
        if a.role == Role.SECTOR
        and a.department
        and village.startswith(significant_prefix(a.region_id))
    }
    return [d for d in Department.values if d in found]


def card_fields(departments: list[str]) -> tuple[list[str], list[str]]:
    household_fields, member_fields = list(HOUSEHOLD_BASE), list(MEMBER_BASE)
    for department in departments:
        more_household, more_member = DEPARTMENT_FIELDS.get(department, ((), ()))
        household_fields += [f for f in more_household if f not in household_fields]
        member_fields += [f for f in more_member if f not in member_fields]
    return household_fields, member_fields


def household_card(user, household: Household) -> HouseholdCard:
    """The card of a household the user may see (the caller checked the scope)."""
    departments = card_departments(user, household)
    household_fields, member_fields = card_fields(departments)
    facts = [(_("所在村"), household.village.name)]
    facts += [(_label(Household, name), _text(household, name)) for name in household_fields]
    members = household.members.order_by("relation", "birth_date", "id")
    current = sum(1 for m in members if m.status == MemberStatus.NORMAL)
    facts.append((_("现有人口"), str(current)))
    today = timezone.localdate()
    return HouseholdCard(
        household=household,
        departments=departments,
        facts=facts,
        member_headers=[_label(Member, name) for name in member_fields],
        members=[(m, [(name, _text(m, name, today)) for name in member_fields]) for m in members],
    )


def _label(model: type[Model], name: str) -> str:
    if name == "age":
        return _("年龄（周岁）")
    return str(model._meta.get_field(name).verbose_name)


def _text(row: Model, name: str, today: date | None = None) -> str:
    """A value as the card shows it: a label for a code, 是/否 for a fact, and 未填报
    for anything unknown (never 0, never 否)."""
    if name == "age":
        born = row.birth_date
        if born is None:
            return _("未填报")
        return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))
    value = getattr(row, name)
    if name == "id_number":
        return mask_id_number(value) if value else _("未填报")
    if value is None or value == "":
        return _("未填报")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    model_field = row._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)
