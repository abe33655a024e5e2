"""Village totals stay equal to a direct count after every kind of registry write,
and the list's totals and search read them (or count exactly, or say "more than")."""

from datetime import date
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN, RENHE, SUIXIAN, other_county_village
from tuopin.accounts.roles import Role
from tuopin.core.jobs import worker_loop
from tuopin.core.models import Job, JobStatus
from tuopin.regions.enums import RegionLevel
from tuopin.registry import selectors
from tuopin.registry.enums import HouseholdAttribute, MemberEventKind, PovertyStatus, Relation, Sex
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.models import Household, Member, RegionTotal, RegionYearTotal
from tuopin.registry.seed import seed_registry
from tuopin.registry.selectors import household_search, household_totals
from tuopin.registry.services import (
    household_procedure_apply,
    household_register,
    household_update,
    member_add,
    member_record_event,
    member_update,
)
from tuopin.registry.tests import test_import
from tuopin.registry.tests.factories import family, member
from tuopin.registry.totals import totals_refresh


def direct_counts(level: str) -> dict:
    """(code, status, attribute) -> [households, current members], counted row by row."""
    counts: dict = {}
    for household in Household.objects.all():
        code = household.village_id
        if level == RegionLevel.TOWNSHIP:
            code = code[:9] + "000"
        entry = counts.setdefault((code, household.status, household.attribute), [0, 0])
        entry[0] += 1
        entry[1] += household.members.filter(status="1").count()
    return counts


def stored_totals(level: str = RegionLevel.VILLAGE) -> dict:
    return {
        (t.region_code, t.status, t.attribute): [t.households, t.members]
        for t in RegionTotal.objects.filter(level=level)
    }


def direct_year_counts(level: str) -> dict:
    """(code, year, status) -> [exited households, their members, planned households,
    their members]: households by exit year and by planned exit year, row by row."""
    counts: dict = {}
    for household in Household.objects.all():
        code = household.village_id
        if level == RegionLevel.TOWNSHIP:
            code = code[:9] + "000"
        size = household.members.filter(status="1").count()
        for offset, year in ((0, household.exit_year), (2, household.planned_exit_year)):
            if year is None:
                continue
            entry = counts.setdefault((code, year, household.status), [0, 0, 0, 0])
            entry[offset] += 1
            entry[offset + 1] += size
    return counts


def stored_year_totals(level: str = RegionLevel.VILLAGE) -> dict:
    return {
        (t.region_code, t.year, t.status): [
            t.exited_households,
            t.exited_members,
            t.planned_households,
            t.planned_members,
        ]
        for t in RegionYearTotal.objects.filter(level=level)
    }


def assert_totals_match():
    for level in (RegionLevel.VILLAGE, RegionLevel.TOWNSHIP):
        assert stored_totals(level) == direct_counts(level), level
        assert stored_year_totals(level) == direct_year_counts(level), level
    for model in (RegionTotal, RegionYearTotal):
        assert (
            model.objects.exclude(level__in=[RegionLevel.VILLAGE, RegionLevel.TOWNSHIP]).count()
            == 0
        )


def register(user, village, number, **attributes):
    return household_register(
        acting_user=user,
        village_code=village.code,
        number=number,
        attributes=attributes,
        members=family(),
    )


def test_every_service_write_keeps_the_totals_equal_to_a_direct_count(office, village):
    first = register(office, village, "0001", attribute=HouseholdAttribute.GENERAL)
    register(office, village, "0002", attribute=HouseholdAttribute.DIBAO)
    assert stored_totals()[(village.code, PovertyStatus.NOT_EXITED, "1")] == [1, 4]
    assert_totals_match()

    household_update(
        acting_user=office,
        household=first,
        version=first.version,
        attributes={"attribute": HouseholdAttribute.DIBAO},
    )
    assert stored_totals() == {(village.code, PovertyStatus.NOT_EXITED, "2"): [2, 8]}
    assert stored_totals(RegionLevel.TOWNSHIP) == {(RENHE, PovertyStatus.NOT_EXITED, "2"): [2, 8]}

    son = first.members.get(relation=Relation.SON)
    member_record_event(
        acting_user=office, member=son, kind=MemberEventKind.DEATH, when=date(2019, 1, 1)
    )
    assert_totals_match()
    assert stored_totals()[(village.code, PovertyStatus.NOT_EXITED, "2")] == [2, 7]

    baby = member(Relation.GRANDSON, Sex.MALE, date(2019, 5, 1), name="王小宝")
    added = member_add(acting_user=office, household=first, data=baby)
    assert stored_totals()[(village.code, PovertyStatus.NOT_EXITED, "2")] == [2, 8]
    member_update(acting_user=office, member=added, version=added.version, data={"status": "9"})
    assert_totals_match()
    assert stored_totals()[(village.code, PovertyStatus.NOT_EXITED, "2")] == [2, 7]

    # An approved exit (cases) moves the household to another status and exit year.
    household_procedure_apply(
        acting_user=office,
        household=first,
        reason="test",
        status=PovertyStatus.EXITED_WITH_POLICY,
        exit_year=2018,
    )
    assert_totals_match()
    assert stored_totals()[(village.code, PovertyStatus.EXITED_WITH_POLICY, "2")] == [1, 3]
    assert stored_year_totals()[(village.code, 2018, PovertyStatus.EXITED_WITH_POLICY)][:2] == [
        1,
        3,
    ]


def test_import_by_command_and_by_job_refreshes_the_totals(office, shangqiu, tmp_path):
    path = test_import.write_xlsx(tmp_path / "one.xlsx", test_import.family())
    call_command("import", "registry", str(path), stdout=StringIO())
    assert RegionTotal.objects.filter(level="village").aggregate(
        h=Sum("households"), m=Sum("members")
    ) == {
        "h": 1,
        "m": 3,
    }
    assert_totals_match()

    head = make_id_number("411421", date(1950, 2, 3), 77, "1")
    rows = [test_import.person("411421101201002", "赵一", "男", head, "1950-02-03", "户主", size=1)]
    upload = test_import.write_xlsx(tmp_path / "two.xlsx", rows)
    stored = "uploads/two.xlsx"
    (Path(settings.MEDIA_ROOT) / "uploads").mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / stored).write_bytes(upload.read_bytes())
    Job.objects.create(
        kind="registry.import",
        owner=office,
        region_code=MINQUAN,
        params={"upload": stored, "name": upload.name},
    )
    worker_loop(once=True, heartbeat=False)
    job = Job.objects.get(kind="registry.import")
    assert job.status == JobStatus.SUCCEEDED, (job.error, job.result)
    assert Household.objects.count() == 2
    assert RegionTotal.objects.filter(level="village").aggregate(
        h=Sum("households"), m=Sum("members")
    ) == {
        "h": 2,
        "m": 4,
    }
    assert_totals_match()


def test_seeding_fills_the_totals_and_a_full_refresh_changes_nothing(shangqiu):
    seed_registry(households=40, region_code=MINQUAN, seed=3)
    assert_totals_match()
    before = stored_totals()
    # Rows changed behind the services' back are put right by the next refresh.
    RegionTotal.objects.update(households=0)
    RegionYearTotal.objects.update(planned_members=0)
    assert totals_refresh(prefix="") == len(before)
    assert stored_totals() == before
    assert_totals_match()
    # A village-wide and a township-wide refresh recount only there, townships included.
    village = Household.objects.order_by("id").first().village_id
    RegionTotal.objects.update(members=0)
    totals_refresh(prefix=village)
    assert stored_totals()[next(k for k in before if k[0] == village)][1] > 0
    totals_refresh(prefix=village[:6])
    assert_totals_match()


def test_the_migration_counts_the_year_totals_of_an_existing_registry(shangqiu):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tuopin.registry.migrations.0006_region_year_totals")
    seed_registry(households=30, region_code=MINQUAN, seed=6)
    refreshed = {level: stored_year_totals(level) for level in ("village", "township")}
    RegionYearTotal.objects.all().delete()
    migration.fill(apps, None)
    assert {level: stored_year_totals(level) for level in refreshed} == refreshed
    assert refreshed["village"]


def test_list_totals_sum_the_table_and_count_other_filters(office, village, make_user, monkeypatch):
    register(office, village, "0001", identified_year=2016)
    register(office, village, "0002", identified_year=2014, status=PovertyStatus.RETURNED)
    foreign = other_county_village(SUIXIAN)
    household_register(
        acting_user=make_superuser(),
        village_code=foreign.code,
        number="0009",
        attributes={},
        members=family(county="411422"),
    )
    expected = {"households": 2, "members": 8, "capped": False}
    assert household_totals(office) == expected
    assert household_totals(office, region_prefix=village.code[:9]) == expected
    assert household_totals(office, region_prefix=village.code) == expected  # village rows
    assert household_totals(office, region_prefix="4114") == expected  # narrowed to the scope
    assert household_totals(office, region_prefix=SUIXIAN[:6])["households"] == 0
    assert household_totals(make_superuser())["households"] == 3
    assert household_totals(make_user(Role.VILLAGE, foreign.code))["members"] == 4
    assert household_totals(office, status=PovertyStatus.RETURNED)["households"] == 1
    # Not in the table: counted in the registry, exactly.
    assert household_totals(office, identified_year=2016) == {
        "households": 1,
        "members": 4,
        "capped": False,
    }
    assert household_totals(office, text="王建国")["households"] == 2
    monkeypatch.setattr(selectors, "COUNT_CAP", 1)
    assert household_totals(office, text="王建国") == {
        "households": 1,
        "members": None,
        "capped": True,
    }
    page = client_for(office).get(reverse("registry:households"), {"q": "王建国"})
    assert "超过 1 户" in page.content.decode()


def make_superuser():
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.filter(username="root-totals").first()
    return superuser or get_user_model().objects.create_superuser(
        "root-totals", password="x-Shangqiu#2018"
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_search_resolves_ids_in_any_width_numbers_and_names_within_scope(office, village):
    household = register(office, village, "411421101201000123")
    head = household.members.get(relation=Relation.HEAD)
    mine = set(household_search(office, text=head.id_number).values_list("pk", flat=True))
    assert mine == {household.pk}
    typed = head.id_number.replace("1", "１").lower()
    assert list(household_search(office, text=f"  {typed} ")) == [household]
    assert list(household_search(office, text="4114211012010001")) == [household]
    assert list(household_search(office, text="411421101201000124")) == []
    assert list(household_search(office, text=head.name)) == [household]
    # Another county's household is not found by its exact ID number.
    foreign = household_register(
        acting_user=make_superuser(),
        village_code=other_county_village(SUIXIAN).code,
        number="0009",
        attributes={},
        members=family(county="411422"),
    )
    foreign_id = foreign.members.get(relation=Relation.HEAD).id_number
    assert list(household_search(office, text=foreign_id)) == []


def test_a_legacy_15_digit_number_finds_its_18_digit_holder(office, village):
    legacy = "411421680501001"  # born 1968-05-01, order 001
    upgraded = make_legacy_upgrade(legacy)
    members = family()
    members[0]["id_number"] = upgraded
    household = household_register(
        acting_user=office, village_code=village.code, number="0003", attributes={}, members=members
    )
    assert Member.objects.filter(id_number=upgraded).exists()
    assert list(household_search(office, text=legacy)) == [household]


def make_legacy_upgrade(legacy: str) -> str:
    from tuopin.registry.idnumbers import check_id_number

    return check_id_number(legacy).normalised
