"""Writes of poverty workshops and their employees (topic WORKSHOPS: the county office and
人社局). Recognition is never written: tuopin.people.workshops_rules computes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people import access
from tuopin.people.models import Enterprise, Workshop, WorkshopEmployee
from tuopin.people.orgs_enums import WorkshopType
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import canonical_id_number, stored_forms
from tuopin.registry.models import Member


def _keep(user, region_code: str) -> None:
    if user is None:
        return
    if not access.may_read(user, access.WORKSHOPS, region_code):
        raise OutOfScope("region", region_code)
    if not access.may_keep(user, access.WORKSHOPS, region_code):
        raise PermissionDenied("没有权限：维护扶贫车间 (you may not keep workshops)")


def _changed(row, values: dict) -> bool:
    if all(getattr(row, k) == v for k, v in values.items()):
        return False
    for k, v in values.items():
        setattr(row, k, v)
    row.save()
    return True


def workshop_save(
    *,
    acting_user,
    name: str,
    village_code: str,
    type: str,
    operator: Enterprise | None = None,
    established_on: date | None = None,
    total_staff: int | None = None,
) -> tuple[Workshop, str]:
    """Create or update the workshop of that name in the village."""
    name = (name or "").strip()
    if not name:
        raise TuopinError(
            "workshop_name_missing", "车间名称未填写", "the name is missing", field="name"
        )
    village = Region.objects.filter(code=village_code, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise TuopinError(
            "workshop_village_unknown",
            f"“{village_code}”不是行政村代码",
            f"'{village_code}' is not a village code",
            field="village",
        )
    _keep(acting_user, village.code)
    if type not in WorkshopType.values:
        raise TuopinError(
            "workshop_type_unknown",
            "车间类型应为：" + "、".join(str(label) for label in WorkshopType.labels),
            "the type must be one of " + ", ".join(WorkshopType.names),
            field="type",
        )
    values = {
        "operator": operator,
        "type": type,
        "established_on": established_on,
        "total_staff": total_staff,
    }
    with transaction.atomic():
        workshop = Workshop.objects.filter(village=village, name=name).first()
        if workshop is None:
            return Workshop.objects.create(village=village, name=name, **values), "created"
        return workshop, ("updated" if _changed(workshop, values) else "unchanged")


def employee_save(
    *,
    workshop: Workshop,
    name: str,
    id_number: str,
    contract_start: date,
    contract_end: date | None,
    monthly_wage: Decimal | None,
) -> tuple[WorkshopEmployee, str]:
    """One contract of a person in the workshop, linked to the registry member when the
    ID number matches (kept as received otherwise)."""
    if contract_end is not None and contract_end < contract_start:
        raise TuopinError(
            "employee_contract_dates",
            "合同结束日期早于开始日期",
            "the contract ends before it starts",
            field="contract_end",
        )
    number = canonical_id_number(id_number)
    member = Member.objects.filter(id_number__in=stored_forms(number)).first()
    values = {
        "name": (name or "").strip(),
        "member": member,
        "contract_end": contract_end,
        "monthly_wage": monthly_wage,
    }
    with transaction.atomic():
        row = WorkshopEmployee.objects.filter(
            workshop=workshop, id_number=number, contract_start=contract_start
        ).first()
        if row is None:
            return WorkshopEmployee.objects.create(
                workshop=workshop, id_number=number, contract_start=contract_start, **values
            ), "created"
        return row, ("updated" if _changed(row, values) else "unchanged")
