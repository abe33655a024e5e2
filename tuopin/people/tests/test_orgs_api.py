"""/api/v1/branches, enterprises, workshops and employees: scoped, masked, computed."""

from datetime import date
from decimal import Decimal

import pytest

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.people.branches_services import weak_branch_list
from tuopin.people.enterprises_services import enterprise_save, pairing_save, project_save
from tuopin.people.orgs_enums import WorkshopType
from tuopin.people.workshops_services import employee_save, workshop_save
from tuopin.registry.idnumbers import make_id_number

pytestmark = pytest.mark.django_db


def test_the_api_answers_in_scope_with_masked_numbers(client, make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    village = first_village(RENHE)
    weak_branch_list(acting_user=county, village_code=village.code, year=2018, reasons="软弱")
    enterprise, _ = enterprise_save(
        acting_user=county, name="龙头", credit_code="91411421MA3X5Q2K0L", region_code=MINQUAN
    )
    pairing, _ = pairing_save(
        acting_user=county, enterprise=enterprise, village_code=village.code, form="2"
    )
    project_save(pairing=pairing, name="大棚", money=Decimal("1000"))
    workshop, _ = workshop_save(
        acting_user=county, name="车间", village_code=village.code, type=WorkshopType.HOME
    )
    number = make_id_number("411421", date(1980, 1, 1), 9, "1")
    employee_save(
        workshop=workshop,
        name="甲",
        id_number=number,
        contract_start=date(2018, 1, 1),
        contract_end=None,
        monthly_wage=None,
    )
    client.force_login(county)
    branches = client.get("/api/v1/branches", {"year": 2018}).json()
    assert branches["total"] == 1 and branches["items"][0]["village_code"] == village.code
    (item,) = client.get("/api/v1/enterprises").json()["items"]
    assert item["pairings"][0]["projects"] == [{"name": "大棚", "money": "1000.00"}]
    (shop,) = client.get("/api/v1/workshops", {"year": 2018}).json()["items"]
    assert shop["status"] == "lapsed" and shop["reasons"]
    (person,) = client.get(f"/api/v1/workshops/{workshop.pk}/employees").json()
    assert person["id_number"] != number and person["id_number"].endswith(number[-4:])
    assert person["in_registry"] is False and person["monthly_wage"] is None
    client.force_login(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert client.get("/api/v1/workshops").json()["items"] == []
    assert client.get(f"/api/v1/workshops/{workshop.pk}/employees").status_code == 404
    client.force_login(make_user(Role.SECTOR, MINQUAN, department=Department.HUMAN_RESOURCES))
    assert client.get("/api/v1/branches").status_code == 403
    assert client.get("/api/v1/workshops").json()["total"] == 1
