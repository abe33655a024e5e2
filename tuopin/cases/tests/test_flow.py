"""Whole cases driven through the API by users of each level, and every forbidden move."""

import datetime
import io
import json

import pytest
from django.test import Client

from conftest import MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.cases.models import Case, CaseEvent, Notice, OutsideRecord
from tuopin.policy.tests.test_henan import household
from tuopin.regions.models import Region
from tuopin.registry.models import Household

pytestmark = pytest.mark.django_db


class People:
    def __init__(self, make_user):
        self.village_code = first_village(RENHE).code
        self.proposer = self._client(make_user(Role.VILLAGE, self.village_code))
        self.work_team = self._client(make_user(Role.VILLAGE, self.village_code))
        self.township = self._client(make_user(Role.TOWNSHIP, RENHE))
        self.county = self._client(make_user(Role.COUNTY_OFFICE, MINQUAN))
        other_township = Region.objects.filter(parent_id=MINQUAN).exclude(code=RENHE).first()
        self.stranger = self._client(make_user(Role.TOWNSHIP, other_township.code))

    @staticmethod
    def _client(user) -> Client:
        client = Client()
        client.force_login(user)
        client.user = user
        return client


@pytest.fixture
def people(make_user):
    return People(make_user)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def act(client, case_id, action, **extra):
    return post(client, f"/api/v1/cases/{case_id}/actions", {"action": action, **extra})


def snapshot(case_id):
    case = Case.objects.get(pk=case_id)
    household = case.household
    return (
        case.status,
        case.step_index,
        CaseEvent.objects.filter(case=case).count(),
        household.status if household else None,
        household.version if household else None,
    )


def refused(client, case_id, action, **extra):
    """The action is refused with a Chinese message and nothing about the case changes."""
    before = snapshot(case_id)
    response = act(client, case_id, action, **extra)
    assert response.status_code in (403, 404), response.content
    if response.status_code == 403:
        assert response.json()["message_zh"]
    assert snapshot(case_id) == before
    return response


def end_notice(case_id):
    """Let the notice period run out (instead of waiting seven days)."""
    notice = Case.objects.get(pk=case_id).notice
    Notice.objects.filter(pk=notice.pk).update(
        starts=notice.starts - datetime.timedelta(days=8),
        ends=notice.ends - datetime.timedelta(days=8),
    )


def test_an_exit_goes_from_proposal_to_the_registry_and_every_wrong_move_is_refused(people):
    target = household("EX-1")
    response = post(
        people.proposer, "/api/v1/cases", {"kind": "exit", "year": 2018, "household_id": target.pk}
    )
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["step"] == "household_consent" and case["evaluation_result"] == "pass"
    case_id = case["id"]
    assert refused(people.stranger, case_id, "consent").status_code == 404  # another township
    refused(people.township, case_id, "consent")  # not the township's step
    assert act(people.proposer, case_id, "consent").json()["step"] == "village_notice"
    refused(people.work_team, case_id, "close_notice")  # the notice is still running
    end_notice(case_id)
    refused(people.proposer, case_id, "close_notice")  # the proposer cannot approve
    assert act(people.work_team, case_id, "close_notice").json()["step"] == "township_review"
    refused(people.work_team, case_id, "approve")  # a village user at the township's step
    refused(people.county, case_id, "approve")  # the county cannot skip the township
    assert act(people.township, case_id, "approve").json()["step"] == "county_approval"
    done = act(people.county, case_id, "approve", comment="同意退出").json()
    assert done["status"] == "approved" and done["allowed_actions"] == []
    target.refresh_from_db()
    assert (target.status, target.exit_year) == ("2", 2018)
    assert target.history.first().history_change_reason.startswith("贫困退出事项")
    refused(people.county, case_id, "approve")  # nothing more to do
    assert Notice.objects.filter(kind="announcement", listed__pk=case_id).exists()
    timeline = [e["action"] for e in people.county.get(f"/api/v1/cases/{case_id}").json()["events"]]
    assert timeline == ["propose", "consent", "close_notice", "approve", "approve"]


def test_an_objection_stops_the_case_until_resolved(people):
    target = household("OB-1")
    case_id = post(
        people.proposer, "/api/v1/cases", {"kind": "exit", "year": 2018, "household_id": target.pk}
    ).json()["id"]
    act(people.proposer, case_id, "consent")
    refused(people.work_team, case_id, "object")  # an objection needs its content
    assert (
        act(people.work_team, case_id, "object", comment="家中仍有危房").json()["status"]
        == "objection"
    )
    end_notice(case_id)
    refused(people.work_team, case_id, "close_notice")
    refused(people.township, case_id, "approve")
    assert (
        act(people.township, case_id, "dismiss", comment="已核实，房屋为 B 级").json()["status"]
        == "open"
    )
    assert act(people.work_team, case_id, "close_notice").json()["step"] == "township_review"


def test_an_upheld_objection_rejects_and_the_registry_stays(people):
    target = household("OB-2")
    case_id = post(
        people.proposer, "/api/v1/cases", {"kind": "exit", "year": 2018, "household_id": target.pk}
    ).json()["id"]
    act(people.proposer, case_id, "consent")
    act(people.work_team, case_id, "object", comment="收入不实")
    assert act(people.township, case_id, "uphold", comment="属实").json()["status"] == "rejected"
    target.refresh_from_db()
    assert target.status == "1" and target.exit_year is None


def test_same_year_exit_is_refused_and_a_failing_evaluation_needs_a_county_reason(people):
    new = household("NEW-1", facts={"identified_year": 2018})
    response = post(
        people.proposer, "/api/v1/cases", {"kind": "exit", "year": 2018, "household_id": new.pk}
    )
    assert response.status_code == 403 and response.json()["code"] == "same_year_exit"
    assert not Case.objects.exists()
    poor = household("POOR-1", income="3000.00")  # 1,500 per head
    case = post(
        people.proposer, "/api/v1/cases", {"kind": "exit", "year": 2018, "household_id": poor.pk}
    ).json()
    assert case["evaluation_result"] == "fail"
    case_id = case["id"]
    act(people.proposer, case_id, "consent")
    end_notice(case_id)
    act(people.work_team, case_id, "close_notice")
    act(people.township, case_id, "approve")
    refused(people.county, case_id, "approve")  # no reason given
    done = act(
        people.county, case_id, "approve", override_reason="收入核实有误，已补录务工收入"
    ).json()
    assert done["status"] == "approved" and done["override_reason"]
    page = people.county.get("/cases/overrides/").content.decode()
    assert "POOR-1" in page and "已补录务工收入" in page


def test_identification_is_cross_checked_and_enters_the_registry_when_approved(people):
    from tuopin.registry.tests.factories import family

    members = family()
    OutsideRecord.objects.create(
        source="car", id_number=members[1]["id_number"], name="李秀英", detail="小型轿车"
    )
    body = {
        "kind": "identification",
        "year": 2018,
        "region_code": people.village_code,
        "reason": "因病致贫",
        "payload": {
            "number": "ID-NEW-1",
            "members": [{**m, "birth_date": m["birth_date"].isoformat()} for m in members],
        },
    }
    case = post(people.proposer, "/api/v1/cases", body).json()
    assert case["payload"]["cross_check"][0]["detail"] == "小型轿车"
    case_id = case["id"]
    act(people.work_team, case_id, "approve")
    end_notice(case_id)
    act(people.work_team, case_id, "close_notice")
    act(people.township, case_id, "approve")
    end_notice(case_id)
    act(people.work_team, case_id, "close_notice")
    assert not Household.objects.filter(number="ID-NEW-1").exists()
    act(people.county, case_id, "approve")
    created = Household.objects.get(number="ID-NEW-1")
    assert (created.status, created.identified_year, created.members.count()) == ("1", 2018, 4)
    assert Case.objects.get(pk=case_id).household == created


def test_return_member_change_and_monitoring(people):
    exited = household("RT-1", facts={"status": "2", "exit_year": 2017})
    case_id = post(
        people.proposer,
        "/api/v1/cases",
        {"kind": "return", "year": 2018, "household_id": exited.pk},
    ).json()["id"]
    act(people.work_team, case_id, "approve")
    end_notice(case_id)
    act(people.work_team, case_id, "close_notice")
    act(people.township, case_id, "approve")
    end_notice(case_id)
    act(people.work_team, case_id, "close_notice")
    act(people.county, case_id, "approve")
    exited.refresh_from_db()
    assert (exited.status, exited.returned_year) == ("4", 2018)
    # A member change waits for the township.
    member = exited.members.first()
    change = post(
        people.proposer,
        "/api/v1/cases",
        {
            "kind": "member_change",
            "year": 2018,
            "household_id": exited.pk,
            "payload": {"member": member.pk, "event": "death", "date": "2018-05-01"},
        },
    ).json()["id"]
    member.refresh_from_db()
    assert member.status == "1"
    act(people.township, change, "approve")
    member.refresh_from_db()
    assert member.status == "2" and member.events.get().kind == "death"
    # Monitoring: the county confirms, then removes the risk.
    watched = household("MN-1", facts={"status": "2", "exit_year": 2017}, income="4000.00")
    monitor = post(
        people.proposer,
        "/api/v1/cases",
        {"kind": "monitoring", "year": 2018, "household_id": watched.pk},
    ).json()["id"]
    refused(people.township, monitor, "approve")
    assert act(people.county, monitor, "approve").json()["status"] == "monitoring"
    refused(people.township, monitor, "remove_risk")
    assert act(people.county, monitor, "remove_risk").json()["status"] == "closed"


def test_village_and_county_exit(people, make_user):
    village = first_village(RENHE)
    Region.objects.filter(code=village.code).update(is_poor_village=True)
    case_id = post(
        people.proposer,
        "/api/v1/cases",
        {"kind": "village_exit", "year": 2018, "region_code": village.code},
    ).json()["id"]
    act(people.township, case_id, "approve")
    act(people.county, case_id, "approve")
    assert Region.objects.get(code=village.code).poor_exited_year == 2018
    # The vendored divisions record 民权县's real exit in 2018; replay it as a case.
    Region.objects.filter(code=MINQUAN).update(poor_exited_year=None)
    county_case = post(
        people.county,
        "/api/v1/cases",
        {"kind": "county_exit", "year": 2018, "region_code": MINQUAN},
    )
    assert county_case.status_code == 201, county_case.content
    county_id = county_case.json()["id"]
    city = People._client(make_user(Role.CITY_OFFICE, "411400000000"))
    refused(people.county, county_id, "approve")  # the city reviews first
    assert act(city, county_id, "approve").json()["step"] == "province_result"
    assert act(city, county_id, "approve", comment="省评估通过").json()["status"] == "approved"
    assert Region.objects.get(code=MINQUAN).poor_exited_year == 2018


def test_the_registry_status_cannot_be_edited_around_the_procedure(people):
    target = household("ST-1")
    response = people.county.patch(
        f"/api/v1/households/{target.pk}",
        json.dumps({"version": target.version, "status": "2"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "status_by_procedure"
    target.refresh_from_db()
    assert target.status == "1"


def test_my_tasks_lists_what_waits_for_my_role(people):
    target = household("TK-1")
    case_id = post(
        people.proposer, "/api/v1/cases", {"kind": "exit", "year": 2018, "household_id": target.pk}
    ).json()["id"]
    assert [c["id"] for c in people.proposer.get("/api/v1/cases/tasks").json()] == [case_id]
    assert people.township.get("/api/v1/cases/tasks").json() == []
    assert people.stranger.get("/api/v1/cases/tasks").json() == []
    act(people.proposer, case_id, "consent")
    end_notice(case_id)
    act(people.work_team, case_id, "close_notice")
    assert [c["id"] for c in people.township.get("/api/v1/cases/tasks").json()] == [case_id]
    page = people.township.get("/cases/tasks/").content.decode()
    assert "TK-1" in page


def test_public_notice_page_shows_masked_data_without_login(people):
    target = household(
        "PN-1",
        members=[
            {
                "name": "王建国",
                "birth_date": datetime.date(1968, 5, 1),
                "relation": "02",
                "id_number": "411421196805012418",
                "student_status": "01",
                "has_basic_medical_insurance": True,
                "has_serious_illness_insurance": True,
                "is_disabled": False,
                "is_seriously_ill": False,
            }
        ],
    )
    case_id = post(
        people.proposer,
        "/api/v1/cases",
        {"kind": "exit", "year": 2018, "household_id": target.pk, "reason": "达到退出标准"},
    ).json()["id"]
    act(people.proposer, case_id, "consent")
    listing = Client().get("/notices/").content.decode()
    notice = Case.objects.get(pk=case_id).notice
    assert notice.title in listing
    page = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert "PN-1" in page and "王*国" in page and "王建国" not in page
    assert "411421196805012418" not in page and "411421" in page
    printable = people.township.get(f"/cases/notices/{notice.pk}/print/").content.decode()
    assert "王*国" in printable and "公示期为" in printable


def test_a_village_batch_proposes_every_passing_household_and_is_decided_as_a_list(people):
    from tuopin.cases.models import Batch
    from tuopin.core.jobs import worker_loop
    from tuopin.core.models import Job

    passing = [household("BT-1"), household("BT-2")]
    household("BT-3", facts={"water_safe": False})  # fails the water clause
    household("BT-4", facts={"identified_year": 2018})  # new this year
    response = people.proposer.post(
        "/cases/batches/exit/", {"village": people.village_code, "year": 2018}
    )
    job = Job.objects.get(kind="cases.exit_batch")
    assert response.url == f"/jobs/{job.pk}/"
    worker_loop(once=True, heartbeat=False)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    batch = Batch.objects.get(pk=job.result["batch"])
    assert sorted(c.household.number for c in batch.cases.all()) == [h.number for h in passing]
    for client, action in ((people.proposer, "consent"), (people.work_team, "close_notice")):
        if action == "close_notice":
            for case in batch.cases.all():
                end_notice(case.pk)
        client.post(f"/cases/batches/{batch.pk}/act/", {"action": action})
        worker_loop(once=True, heartbeat=False)
    # The township spot-checks 20%: one of the two, the same one on every visit.
    page = people.township.get(f"/cases/batches/{batch.pk}/").content.decode()
    assert 'data-testid="sample"' in page
    sample = page.split('data-testid="sample"')[1].split("</div>")[0]
    assert sum(h.number in sample for h in passing) == 1
    assert people.township.get(f"/cases/batches/{batch.pk}/").content.decode().count(sample) == 1
    people.township.post(f"/cases/batches/{batch.pk}/act/", {"action": "approve"})
    worker_loop(once=True, heartbeat=False)
    people.county.post(f"/cases/batches/{batch.pk}/act/", {"action": "approve"})
    worker_loop(once=True, heartbeat=False)
    statuses = set(
        Household.objects.filter(number__in=["BT-1", "BT-2"]).values_list("status", flat=True)
    )
    assert statuses == {"2"}
    assert Household.objects.get(number="BT-3").status == "1"


def test_monitoring_candidates_and_a_confirmed_household_without_a_new_measure(people):
    from django.utils import timezone

    from tuopin.cases.selectors import monitoring_candidates, monitoring_without_measure

    low = household(
        "MC-1", facts={"status": "2", "exit_year": 2017}, income="8000.00"
    )  # 4,000 < 4,492.5
    household("MC-2", facts={"status": "2", "exit_year": 2017}, income="20000.00")
    county_user = people.county.user
    candidates = [h.number for h in monitoring_candidates(county_user, MINQUAN, 2018)]
    assert candidates == ["MC-1"]
    case_id = post(
        people.proposer,
        "/api/v1/cases",
        {"kind": "monitoring", "year": 2018, "household_id": low.pk},
    ).json()["id"]
    act(people.county, case_id, "approve")
    assert list(monitoring_without_measure(county_user)) == []
    CaseEvent.objects.filter(case_id=case_id).update(
        at=timezone.now() - datetime.timedelta(days=31)
    )
    assert [c.pk for c in monitoring_without_measure(county_user)] == [case_id]
    from tuopin.registry.models import Measure

    Measure.objects.create(household=low, category="01", year=2018, date=timezone.localdate())
    assert list(monitoring_without_measure(county_user)) == []


def test_crosscheck_load_replaces_one_list_and_feeds_identification(tmp_path, people):
    from django.core.management import call_command

    source = tmp_path / "cars.csv"
    source.write_text(
        "姓名,身份证号,登记内容\n李秀英,４１１４２１１９７００８０９２４２x ,小型轿车\n",
        encoding="utf-8",
    )
    call_command("crosscheck", "load", str(source), "--source", "car", stdout=io.StringIO())
    record = OutsideRecord.objects.get(source="car")
    assert record.id_number == "41142119700809242X" and record.detail == "小型轿车"
    OutsideRecord.objects.create(source="payroll", id_number="1", name="x")
    call_command("crosscheck", "load", str(source), "--source", "car", stdout=io.StringIO())
    assert OutsideRecord.objects.filter(source="car").count() == 1
    assert OutsideRecord.objects.filter(source="payroll").count() == 1


def test_a_county_officer_with_the_township_role_cannot_take_both_reviews(people, make_user):
    """The probe's case: a county user also holding the township role approved a village
    exit twice. The second review needs a second person."""
    from tuopin.accounts.services import assignment_grant

    village = first_village(RENHE)
    Region.objects.filter(code=village.code).update(is_poor_village=True)
    officer = make_user(Role.COUNTY_OFFICE, MINQUAN)
    granted_by = make_user(Role.COUNTY_OFFICE, MINQUAN)
    assignment_grant(
        acting_user=granted_by,
        user=officer,
        role=Role.TOWNSHIP,
        region=Region.objects.get(code=RENHE),
    )
    both = People._client(officer)
    case_id = post(
        people.proposer,
        "/api/v1/cases",
        {"kind": "village_exit", "year": 2018, "region_code": village.code},
    ).json()["id"]
    assert act(both, case_id, "approve").json()["step"] == "county_approval"
    response = refused(both, case_id, "approve")
    assert "两级审核" in response.json()["message_zh"]
    assert act(people.county, case_id, "approve").json()["status"] == "approved"
    deciders = CaseEvent.objects.filter(case_id=case_id, action="approve")
    assert deciders.values("actor").distinct().count() == 2


def test_crosscheck_load_refuses_a_hostile_file_like_every_reader(tmp_path, people):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from tuopin.registry.tests.test_hostile_files import family_xlsx, repeated, rezip

    bomb = rezip(
        family_xlsx(tmp_path),
        tmp_path / "bomb.xlsx",
        add={"xl/media/image1.png": repeated(b"\0", 64 << 20)},
        level=9,
    )
    OutsideRecord.objects.create(source="car", id_number="1", name="旧名单")
    with pytest.raises(CommandError) as refused:
        call_command("crosscheck", "load", str(bomb), "--source", "car", stdout=io.StringIO())
    assert "100:1" in str(refused.value)
    assert OutsideRecord.objects.filter(source="car").count() == 1  # the old list is kept


def test_the_case_page_names_the_shipped_steps_in_the_reader_s_language(people):
    """Route titles are stored in Chinese and shown translated; none stays Chinese in English."""
    target = household("EN-1")
    case_id = post(
        people.proposer, "/api/v1/cases", {"kind": "exit", "year": 2018, "household_id": target.pk}
    ).json()["id"]
    url = f"/cases/{case_id}/"
    chinese = people.county.get(url).content.decode()
    assert "贫困户签字认可" in chinese and "县审批并公告" in chinese
    people.county.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = people.county.get(url).content.decode()
    assert "The household signs its consent" in english
    assert "County approval and announcement" in english
    assert "贫困户签字认可" not in english and "县审批并公告" not in english
    listed = people.county.get("/cases/").content.decode()
    assert "The household signs its consent" in listed and "贫困户签字认可" not in listed
