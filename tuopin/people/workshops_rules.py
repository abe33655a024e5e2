"""Poverty workshops (扶贫车间, topic WORKSHOPS): recognition computed from the data for a
year, and the employment warnings.

Recognition (parameters per county, tuopin.people.parameters): a *qualifying* employee is
a registered poor person (the row's ID number matches a registry member) employed under
contracts covering at least workshop_months_min months of the year at a monthly wage of
at least workshop_wage_min. A workshop is recognised when it has at least
workshop_poor_employees_min qualifying employees and they are at least
workshop_poor_share_min percent of its staff (the total staff when known, else its
employee rows of the year). Otherwise it has lapsed, with every threshold it fails. An
unknown wage is not taken as meeting the minimum.

The check of the same rule, and of one person in two workshops at the same time, is SQL:
tuopin.people.checks (workshop_not_recognised, person_in_two_workshops); this module
keeps the reasons shown on a workshop's page. Warning: one person in a workshop and on a
public-welfare post at the same time. The posts belong to
tuopin.assistance (above this app), so that check takes the post rows as an argument.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from tuopin.people.models import Workshop, WorkshopEmployee
from tuopin.people.params import people_parameter_values

RECOGNISED = "recognised"
LAPSED = "lapsed"
STATUS_LABELS = {RECOGNISED: "已认定", LAPSED: "认定失效"}


def months_in_year(start: date, end: date | None, year: int) -> Decimal:
    """Months (30-day) a contract covers within the year; an open end runs to year end."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    begin, finish = max(start, first), min(end or last, last)
    if finish < begin:
        return Decimal(0)
    return (Decimal((finish - begin).days + 1) / Decimal("30.4")).quantize(Decimal("0.1"))


@dataclass
class Recognition:
    workshop_id: int
    year: int
    staff: int | None  # the staff the share is taken of
    employees: int  # employee rows in the year
    poor: int  # registered poor employees in the year
    qualifying: int
    thresholds: dict
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)

    @property
    def status(self) -> str:
        return LAPSED if self.reasons else RECOGNISED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def reason_texts(self) -> list[str]:
        """The reasons in the active language."""
        english = (get_language() or "").startswith("en")
        return [en if english else zh for zh, en in self.reasons]

    @property
    def share(self) -> Decimal | None:
        if not self.staff:
            return None
        return (Decimal(self.qualifying) * 100 / self.staff).quantize(Decimal("0.1"))


def _year_q(year: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}contract_start__lte": date(year, 12, 31)}) & (
        Q(**{f"{prefix}contract_end__isnull": True})
        | Q(**{f"{prefix}contract_end__gte": date(year, 1, 1)})
    )


def recognitions(workshops: QuerySet, year: int) -> dict[int, Recognition]:
    """workshop id -> its recognition for the year; one query over the employees of all
    the workshops, thresholds per county."""
    workshops = list(workshops.values_list("id", "village_id", "total_staff"))
    thresholds: dict[str, dict] = {}
    for _id, village, _staff in workshops:
        county = village[:6]
        if county not in thresholds:
            thresholds[county] = people_parameter_values(year, county.ljust(12, "0"))
    rows = (
        WorkshopEmployee.objects.filter(_year_q(year), workshop_id__in=[w[0] for w in workshops])
        .values_list(
            "workshop_id",
            "id_number",
            "member_id",
            "contract_start",
            "contract_end",
            "monthly_wage",
        )
        .order_by()
    )
    people: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for workshop_id, number, member, start, end, wage in rows:
        people[workshop_id][number].append((member, months_in_year(start, end, year), wage))
    result = {}
    for workshop_id, village, total_staff in workshops:
        values = thresholds[village[:6]]
        need_people = int(values["workshop_poor_employees_min"])
        need_share = values["workshop_poor_share_min"]
        need_months = values["workshop_months_min"]
        need_wage = values["workshop_wage_min"]
        employed = people.get(workshop_id, {})
        poor = qualifying = 0
        for contracts in employed.values():
            if not any(member for member, _m, _w in contracts):
                continue
            poor += 1
            months = sum(m for _member, m, _w in contracts)
            wages = [w for _member, _m, w in contracts if w is not None]
            if months >= need_months and wages and min(wages) >= need_wage:
                qualifying += 1
        staff = total_staff if total_staff is not None else len(employed)
        recognition = Recognition(
            workshop_id,
            year,
            staff,
            len(employed),
            poor,
            qualifying,
            {
                "poor_employees_min": need_people,
                "poor_share_min": need_share,
                "months_min": need_months,
                "wage_min": need_wage,
            },
        )
        if qualifying < need_people:
            recognition.reasons.append(
                (
                    f"用工满 {need_months} 个月、月工资不低于 {need_wage} 元的贫困劳动力 "
                    f"{qualifying} 人，少于 {need_people} 人",
                    f"{qualifying} poor employees of {need_months}+ months at "
                    f"{need_wage}+ yuan a month, fewer than {need_people}",
                )
            )
        share = recognition.share
        if staff and share is not None and share < need_share:
            recognition.reasons.append(
                (
                    f"贫困劳动力占用工总数 {share}%，低于 {need_share}%",
                    f"poor employees are {share}% of staff, below {need_share}%",
                )
            )
        result[workshop_id] = recognition
    return result


__all__ = ["Workshop", "recognitions"]
