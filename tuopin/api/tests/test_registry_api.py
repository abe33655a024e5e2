import json

import pytest
from django.test import Client

from conftest import MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Role
from tuopin.accounts.services import api_token_issue
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.models import Household, Member
from tuopin.registry.tests.factories import family


def as_json(client, method, url, body):
    return getattr(client, method)(
        url, json.dumps(body, default=str), content_type="application/json"
    )


@pytest.fixture
def office(make_user):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = Client()
    client.force_login(user)
    return client


def payload(village_code, number="0001", members=None):
    return {
        "village_code": village_code,
        "number": number,
        "main_cause": "01",
        "other_causes": ["07"],
        "water_safe": True,
        "members": members or [{**m, "birth_date": m["birth_date"].isoformat()} for m in family()],
    }


def test_a_household_is_created_read_and_patched_with_a_version(office):
    village = first_village(RENHE).code
    created = as_json(office, "post", "/api/v1/households", payload(village))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["other_causes"] == ["07"] and len(body["members"]) == 4
    head = Member.objects.get(household_id=body["id"], relation="02")
    assert body["members"][0]["id_number"] == mask_id_number(head.id_number)
    url = f"/api/v1/households/{body['id']}"
    patched = as_json(office, "patch", url, {"version": body["version"], "phone": "13800000000"})
    assert patched.status_code == 200 and patched.json()["phone"] == "138****0000"
    stale = as_json(office, "patch", url, {"version": body["version"], "phone": "13900000000"})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_edit"
    assert Household.objects.get(pk=body["id"]).phone == "13800000000"


def test_invalid_input_lists_every_problem_and_writes_nothing(office):
    members = [{**m, "birth_date": m["birth_date"].isoformat()} for m in family()]
    members[1]["sex"] = members[0]["sex"]
    members[2]["id_number"] = (
        members[2]["id_number"][:-1] + "0"
        if not members[2]["id_number"].endswith("0")
        else members[2]["id_number"][:-1] + "1"
    )
    response = as_json(
        office, "post", "/api/v1/households", payload(first_village(RENHE).code, members=members)
    )
    assert response.status_code == 400
    codes = {(p["code"], p["member"]) for p in response.json()["problems"]}
    assert ("spouse_same_sex", 1) in codes and ("id_check_digit", 2) in codes
    assert not Household.objects.exists()


def test_a_bad_code_value_is_a_400_not_a_crash(office):
    body = payload(first_village(RENHE).code)
    body["main_cause"] = "77"
    response = as_json(office, "post", "/api/v1/households", body)
    assert response.status_code == 400 and response.json()["problems"][0]["field"] == "main_cause"
    problem = response.json()["problems"][0]
    assert "主要致贫原因" in problem["message_zh"] and "77" in problem["message_zh"]
    assert problem["message_en"].isascii() and "77" in problem["message_en"]


def test_scoped_reads_and_writes(office, make_user):
    foreign = as_json(
        office, "post", "/api/v1/households", payload(other_county_village(SUIXIAN).code)
    )
    assert foreign.status_code == 404 and not Household.objects.exists()
    as_json(office, "post", "/api/v1/households", payload(first_village(RENHE).code))
    suixian = Client()
    suixian.force_login(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert suixian.get("/api/v1/households").json()["items"] == []
    household = Household.objects.get()
    assert suixian.get(f"/api/v1/households/{household.pk}").status_code == 404


def test_full_id_numbers_need_the_reveal_permission_and_are_logged(office, make_user):
    as_json(office, "post", "/api/v1/households", payload(first_village(RENHE).code))
    member = Member.objects.first()
    assert office.get(f"/api/v1/members/{member.pk}/id-number").json() == {
        "id_number": member.id_number
    }
    assert AccessLog.objects.filter(kind=AccessKind.REVEAL, object_id=str(member.pk)).exists()
    hotline = make_user(Role.HOTLINE, MINQUAN)
    _, key = api_token_issue(acting_user=hotline, user=hotline, name="热线系统")
    machine = Client(headers={"Authorization": f"Bearer {key}"})
    assert machine.get("/api/v1/households").json()["items"][0]["size"] == 4
    assert machine.get(f"/api/v1/members/{member.pk}/id-number").status_code == 403
    # A sector user's machine reads ledgers, not the registry: neither list nor number.
    sector = make_user(Role.SECTOR, MINQUAN, department="education")
    _, key = api_token_issue(acting_user=sector, user=sector, name="教育局")
    machine = Client(headers={"Authorization": f"Bearer {key}"})
    assert machine.get("/api/v1/households").status_code == 403
    assert machine.get(f"/api/v1/members/{member.pk}").status_code == 403
    assert machine.get(f"/api/v1/members/{member.pk}/id-number").status_code == 403
    assert machine.get("/api/v1/ledgers").status_code == 200


def test_member_events_through_the_api(office):
    as_json(office, "post", "/api/v1/households", payload(first_village(RENHE).code))
    daughter = Member.objects.get(relation="30")
    response = as_json(
        office,
        "post",
        f"/api/v1/members/{daughter.pk}/events",
        {"kind": "marriage_out", "date": "2018-04-01"},
    )
    assert response.status_code == 201 and response.json()["status"] == "4"
    page = office.get("/api/v1/households").json()["items"][0]
    assert page["size"] == 3


def test_members_are_listed_and_read_in_scope(office, make_user):
    as_json(office, "post", "/api/v1/households", payload(first_village(RENHE).code))
    household = Household.objects.get()
    page = office.get("/api/v1/members", {"region": "411421000000", "limit": 3}).json()
    assert len(page["items"]) == 3 and page["next_after"] == page["items"][-1]["id"]
    rest = office.get("/api/v1/members", {"after": page["next_after"]}).json()
    assert len(rest["items"]) == 1 and rest["next_after"] is None
    member = rest["items"][0]
    assert member["household_number"] == household.number and "*" in member["id_number"]
    detail = office.get(f"/api/v1/members/{member['id']}").json()
    assert detail["village_code"] == household.village_id
    assert office.get("/api/v1/members", {"household": household.pk}).json()["items"]
    assert office.get("/api/v1/members", {"region": "411422"}).json()["items"] == []
    suixian = Client()
    suixian.force_login(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert suixian.get("/api/v1/members").json()["items"] == []
    assert suixian.get(f"/api/v1/members/{member['id']}").status_code == 404


def test_a_region_filter_takes_a_full_code_of_any_level_or_refuses_garbage(office):
    as_json(office, "post", "/api/v1/households", payload(first_village(RENHE).code))
    for region in ("411421000000", "411421", f"{RENHE}", RENHE[:9]):
        assert len(office.get("/api/v1/households", {"region": region}).json()["items"]) == 1
    refused = office.get("/api/v1/households", {"region": "民权"})
    assert refused.status_code == 400 and refused.json()["code"] == "region_code_invalid"


def test_schema_errors_answer_400_in_both_languages(office):
    as_json(office, "post", "/api/v1/households", payload(first_village(RENHE).code))
    household = Household.objects.get()
    missing = as_json(office, "patch", f"/api/v1/households/{household.pk}", {"phone": "1"})
    assert missing.status_code == 400
    body = missing.json()
    assert body["code"] == "invalid_input" and body["problems"][0]["field"] == "version"
    assert "必须填写" in body["message_zh"] and "version" in body["message_en"]
    too_many = office.get("/api/v1/households", {"limit": 100000}).json()
    assert too_many["problems"][0]["field"] == "limit" and "最大值" in too_many["message_zh"]
    anonymous = Client().get("/api/v1/households")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
