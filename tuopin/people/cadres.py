"""Cadres (干部) as people: registry.Helper is the one person table (docs/adr/0010).

`cadre_find_or_create` is what the roster import, the helper pairings and the forms
call: a cadre is found by ID number when one is given, else by name within the county
(an error when the county has two of the name); a new cadre is created at the county.
`cadre_update` changes a cadre's facts with history. Both check the ID number with the
house validator (tuopin.registry.idnumbers) and keep ID numbers unique."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people import access
from tuopin.registry.enums import UnitLevel
from tuopin.registry.idnumbers import canonical_id_number, check_id_number, stored_forms
from tuopin.registry.models import Helper

FACTS = ("name", "work_unit", "unit_level", "post", "phone")


def county_of(region_code: str) -> str:
    return region_code[:6].ljust(12, "0")


def cadre_id_number(value) -> str:
    """The canonical form of a cadre's ID number, "" when blank; an invalid one raises."""
    if value is None or str(value).strip() == "":
        return ""
    check = check_id_number(value)
    if not check.valid:
        raise check.errors[0].as_error(field="id_number")
    return canonical_id_number(value)


def _unit_level(value) -> str:
    if value in (None, ""):
        return ""
    for code, label in UnitLevel.choices:
        if str(value).strip() in (code, str(label)):
            return code
    raise TuopinError(
        "cadre_unit_level",
        f"单位级别“{value}”无效：应为省直、市直、县直、乡镇或村级",
        f"invalid unit level '{value}'",
        field="unit_level",
    )


def cadre_lookup(*, region_code: str, name: str, id_number: str = "") -> Helper | None:
    """The stored cadre: by ID number when given, else the one of the name in the county.
    Two of the name and no ID number to tell them apart is an error."""
    if id_number:
        found = Helper.objects.filter(id_number__in=stored_forms(id_number)).order_by("pk")
        if found:
            return found[0]
    same = list(
        Helper.objects.filter(
            region__code__startswith=county_of(region_code)[:6], name=name.strip()
        ).order_by("pk")[:3]
    )
    if id_number:
        # A namesake without an ID number is the same cadre; one with another number is not.
        same = [h for h in same if not h.id_number]
    if len(same) > 1:
        raise TuopinError(
            "cadre_ambiguous",
            f"本县有多名干部叫“{name}”，请填写身份证号以区分",
            f"the county has several cadres named '{name}': give the ID number",
            field="name",
        )
    return same[0] if same else None


def _check_keeper(acting_user, region_code: str) -> None:
    if acting_user is None:
        return
    if not access.may_keep(acting_user, access.TEAMS, region_code) and not access.may_keep(
        acting_user, access.HELPERS, region_code
    ):
        if access.may_read(acting_user, access.TEAMS, region_code) or access.may_read(
            acting_user, access.HELPERS, region_code
        ):
            raise PermissionDenied("没有权限：登记干部 (you may not keep cadres here)")
        raise OutOfScope("region", region_code)


def cadre_find_or_create(
    *,
    acting_user,
    region_code: str,
    name: str,
    id_number="",
    work_unit: str = "",
    unit_level="",
    post: str = "",
    phone: str = "",
) -> tuple[Helper, bool]:
    """(cadre, created). Facts given for a found cadre fill only what it lacks."""
    name = (name or "").strip()
    if not name:
        raise TuopinError("cadre_name", "姓名为空", "the name is empty", field="name")
    _check_keeper(acting_user, region_code)
    number = cadre_id_number(id_number)
    level = _unit_level(unit_level)
    with transaction.atomic():
        cadre = cadre_lookup(region_code=region_code, name=name, id_number=number)
        if cadre is not None:
            if cadre.name != name:
                raise TuopinError(
                    "cadre_id_other_name",
                    f"身份证号已登记为“{cadre.name}”，与姓名“{name}”不符",
                    f"the ID number belongs to '{cadre.name}', not '{name}'",
                    field="id_number",
                )
            wanted = {
                "id_number": number,
                "work_unit": work_unit.strip(),
                "unit_level": level,
                "post": post.strip(),
                "phone": phone.strip(),
            }
            missing = {k: v for k, v in wanted.items() if v and not getattr(cadre, k)}
            if missing:
                for key, value in missing.items():
                    setattr(cadre, key, value)
                cadre._history_user = acting_user
                cadre.save(update_fields=list(missing))
            return cadre, False
        cadre = Helper(
            region_id=county_of(region_code),
            name=name,
            id_number=number,
            work_unit=work_unit.strip(),
            unit_level=level,
            post=post.strip(),
            phone=phone.strip(),
        )
        cadre._history_user = acting_user
        cadre.save()
        return cadre, True


def cadre_update(*, acting_user, cadre: Helper, **facts) -> Helper:
    """Change a cadre's facts (name, unit, level, post, phone, ID number); with history."""
    _check_keeper(acting_user, cadre.region_id)
    changes = {}
    for key, value in facts.items():
        if key not in (*FACTS, "id_number"):
            raise TuopinError("cadre_field", f"未知字段：{key}", f"unknown field {key}", field=key)
        if key == "id_number":
            value = cadre_id_number(value)
            if (
                value
                and Helper.objects.filter(id_number__in=stored_forms(value))
                .exclude(pk=cadre.pk)
                .exists()
            ):
                raise TuopinError(
                    "cadre_id_taken",
                    "该身份证号已登记为另一名干部",
                    "the ID number belongs to another cadre",
                    field="id_number",
                )
        elif key == "unit_level":
            value = _unit_level(value)
        else:
            value = (value or "").strip()
        if key == "name" and not value:
            raise TuopinError("cadre_name", "姓名为空", "the name is empty", field="name")
        if getattr(cadre, key) != value:
            changes[key] = value
    if changes:
        with transaction.atomic():
            for key, value in changes.items():
                setattr(cadre, key, value)
            cadre._history_user = acting_user
            cadre.save(update_fields=list(changes))
    return cadre
