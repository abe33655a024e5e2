"""Enterprises (百企帮百村, topic ENTERPRISES): their unified social credit code, their
pairings with villages, projects and the people who benefit, linked to the registry by ID
number (a person not found is kept as received: 不在建档立卡库中)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people import access
from tuopin.people.models import (
    Enterprise,
    EnterprisePairing,
    IndustrialPark,
    PairingBeneficiary,
    PairingProject,
)
from tuopin.people.orgs_enums import PairingForm
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import canonical_id_number, stored_forms
from tuopin.registry.models import Member


def credit_code_clean(value) -> str:
    """The code as stored (upper case, no blanks), or a TuopinError naming what is wrong:
    length, characters, or the check digit (GB 32100-2015, python-stdnum cn.uscc)."""
    text = "".join(str(value or "").split()).upper()
    if not text:
        raise TuopinError(
            "credit_code_missing",
            "统一社会信用代码未填写",
            "the unified social credit code is missing",
            field="credit_code",
        )
    try:
        return uscc.validate(text)
    except stdnum_errors.InvalidLength:
        zh, en = (
            f"统一社会信用代码“{text}”应为 18 位",
            f"credit code '{text}' must have 18 characters",
        )
    except stdnum_errors.InvalidFormat:
        zh = f"统一社会信用代码“{text}”含有不允许的字符"
        en = f"credit code '{text}' has characters that are not allowed"
    except stdnum_errors.InvalidChecksum:
        zh = f"统一社会信用代码“{text}”校验位错误"
        en = f"credit code '{text}' has a wrong check character"
    except stdnum_errors.ValidationError:
        zh, en = f"统一社会信用代码“{text}”无效", f"credit code '{text}' is invalid"
    raise TuopinError("credit_code_invalid", zh, en, field="credit_code")


def _keep(user, region_code: str) -> None:
    if user is None:
        return
    if not access.may_read(user, access.ENTERPRISES, region_code):
        raise OutOfScope("region", region_code)
    if not access.may_keep(user, access.ENTERPRISES, region_code):
        raise PermissionDenied("没有权限：维护帮扶企业 (you may not keep enterprises)")


def enterprise_save(
    *,
    acting_user,
    name: str,
    credit_code: str,
    region_code: str,
    legal_representative: str = "",
    chamber: str = "",
    is_leading: bool = False,
) -> tuple[Enterprise, str]:
    """Create or update by credit code; returns (enterprise, "created"|"updated"|"unchanged")."""
    code = credit_code_clean(credit_code)
    name = (name or "").strip()
    if not name:
        raise TuopinError(
            "enterprise_name_missing", "企业名称未填写", "the name is missing", field="name"
        )
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise TuopinError(
            "enterprise_region_unknown",
            f"区划代码“{region_code}”不存在",
            f"no region with the code '{region_code}'",
            field="region",
        )
    _keep(acting_user, region.code)
    values = {
        "name": name,
        "region_id": region.code,
        "legal_representative": (legal_representative or "").strip(),
        "chamber": (chamber or "").strip(),
        "is_leading": bool(is_leading),
    }
    with transaction.atomic():
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            return Enterprise.objects.create(credit_code=code, **values), "created"
        if enterprise.region_id != region.code:
            _keep(acting_user, enterprise.region_id)
        if all(getattr(enterprise, k) == v for k, v in values.items()):
            return enterprise, "unchanged"
        for k, v in values.items():
            setattr(enterprise, k, v)
        enterprise.save()
        return enterprise, "updated"


def pairing_save(
    *,
    acting_user,
    enterprise: Enterprise,
    village_code: str,
    form: str,
    started_on: date | None = None,
) -> tuple[EnterprisePairing, str]:
    village = Region.objects.filter(code=village_code, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise TuopinError(
            "pairing_village_unknown",
            f"结对村代码“{village_code}”不是行政村",
            f"'{village_code}' is not a village code",
            field="village",
        )
    _keep(acting_user, village.code)
    if form not in PairingForm.values:
        raise TuopinError(
            "pairing_form_unknown",
            "帮扶形式应为：" + "、".join(str(label) for label in PairingForm.labels),
            "the form must be one of " + ", ".join(PairingForm.names),
            field="form",
        )
    with transaction.atomic():
        pairing, created = EnterprisePairing.objects.get_or_create(
            enterprise=enterprise, village=village, form=form, defaults={"started_on": started_on}
        )
        if created:
            return pairing, "created"
        if started_on is not None and pairing.started_on != started_on:
            pairing.started_on = started_on
            pairing.save()
            return pairing, "updated"
        return pairing, "unchanged"


def project_save(
    *, pairing: EnterprisePairing, name: str, money: Decimal | None
) -> tuple[PairingProject, str]:
    project = PairingProject.objects.filter(pairing=pairing, name=name).first()
    if project is None:
        return PairingProject.objects.create(pairing=pairing, name=name, money=money), "created"
    if project.money == money:
        return project, "unchanged"
    project.money = money
    project.save()
    return project, "updated"


def member_by_id_number(id_number: str) -> Member | None:
    number = canonical_id_number(id_number)
    return Member.objects.filter(id_number__in=stored_forms(number)).first() if number else None


def beneficiary_save(
    *, pairing: EnterprisePairing, id_number: str, name: str, kind: str
) -> tuple[PairingBeneficiary, str]:
    number = canonical_id_number(id_number) or id_number.strip()
    member = member_by_id_number(number)
    row = PairingBeneficiary.objects.filter(pairing=pairing, id_number=number).first()
    values = {"name": name, "kind": kind, "member": member}
    if row is None:
        return PairingBeneficiary.objects.create(pairing=pairing, id_number=number, **values), (
            "created"
        )
    if all(getattr(row, k) == v for k, v in values.items()):
        return row, "unchanged"
    for k, v in values.items():
        setattr(row, k, v)
    row.save()
    return row, "updated"


def park_add(*, acting_user, township_code: str, year: int, name: str) -> IndustrialPark:
    """A township's industrial park (扶贫产业园区) for a year: what 乡有扶贫产业园区 counts."""
    name = (name or "").strip()
    if not name:
        raise TuopinError(
            "park_name_missing", "园区名称未填写", "the name is missing", field="name"
        )
    township = Region.objects.filter(code=township_code, level=RegionLevel.TOWNSHIP).first()
    if township is None:
        raise TuopinError(
            "park_township_unknown",
            f"乡镇代码“{township_code}”不存在",
            f"no township with the code '{township_code}'",
            field="township",
        )
    _keep(acting_user, township.code)
    if IndustrialPark.objects.filter(township=township, year=year, name=name).exists():
        raise TuopinError(
            "park_twice",
            f"{township.name}{year} 年已有园区“{name}”",
            f"{township.name} already has the park '{name}' in {year}",
            field="name",
        )
    return IndustrialPark.objects.create(township=township, year=year, name=name)


def park_remove(*, acting_user, park_id: int) -> None:
    park = IndustrialPark.objects.filter(pk=park_id).first()
    if park is None or not access.may_read(acting_user, access.ENTERPRISES, park.township_id):
        raise OutOfScope("industrial_park", str(park_id))
    _keep(acting_user, park.township_id)
    park.delete()
