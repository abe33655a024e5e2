"""The home and region pages show a region's figures from the stored totals, equal to a
direct count of the registry after every kind of write, each a link to what it counts;
the county summary sums, for the city, the newest run of every county."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Role
from tuopin.assistance.coverage import checks_read_by
from tuopin.cases.tests.test_flow import People, act, end_notice, post
from tuopin.policy.models import PolicyVersion
from tuopin.policy.runs import evaluation_run
from tuopin.policy.tests.test_henan import ADULT, household
from tuopin.regions.models import Region
from tuopin.registry.enums import EXITED, STILL_POOR, HouseholdAttribute, PovertyStatus
from tuopin.registry.models import Household, Member
from tuopin.registry.quality_snapshot import quality_refresh
from tuopin.registry.seed import seed_registry
from tuopin.registry.services import household_procedure_apply, household_update
from tuopin.registry.tests import test_import
from tuopin.registry.totals import totals_refresh

pytestmark = pytest.mark.django_db
YEAR = 2018


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown(page: str, testid: str, end: str = "(?:td|a|div)") -> str:
    """The text of the element carrying `data-testid` up to the first closing `end` tag,
    tags removed."""
    match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</{end}>', page, re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


def first_number(text: str) -> int:
    return int(re.search(r"\d+", text).group())


def people(households) -> int:
    return Member.objects.filter(household__in=households, status="1").count()


def direct(prefix: str) -> dict:
    """The figures of the region counted straight from the registry."""
    under = Household.objects.filter(village__code__startswith=prefix)
    figures = {}
    for code in PovertyStatus.values:
        of_status = under.filter(status=code)
        figures[f"status-{code}-households"] = of_status.count()
        figures[f"status-{code}-members"] = people(of_status)
    poor = under.filter(status__in=STILL_POOR)
    exited = under.filter(status__in=EXITED, exit_year=YEAR)
    to_exit = poor.filter(planned_exit_year=YEAR)
    figures.update(
        {
            "still-poor-households": poor.count(),
            "still-poor-members": people(poor),
            "exited": (people(exited), exited.count()),
            "still-to-exit": (people(to_exit), to_exit.count()),
        }
    )
    return figures


def on_page(page: str) -> dict:
    figures = {}
    for code in PovertyStatus.values:
        for kind in ("households", "members"):
            key = f"status-{code}-{kind}"
            figures[key] = int(shown(page, key))
    for key in ("still-poor-households", "still-poor-members"):
        figures[key] = int(shown(page, key))
    for key in ("exited", "still-to-exit"):
        numbers = [int(n) for n in re.findall(r"\d+", shown(page, f"figure-{key}", "a"))]
        figures[key] = (numbers[0], numbers[-1])  # people, then (… N 户)
    return figures


def assert_home_equals_registry(client, prefix: str) -> dict:
    page = client.get("/").content.decode()
    assert on_page(page) == direct(prefix)
    return direct(prefix)


def test_home_figures_equal_the_registry_after_seed_import_edit_and_approval(make_user, tmp_path):
    county = login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    seed_registry(households=60, region_code=MINQUAN, seed=5)
    before = assert_home_equals_registry(county, "411421")
    assert sum(before[f"status-{c}-households"] for c in PovertyStatus.values) == 60

    # An import through the command (which refreshes the totals afterwards).
    path = test_import.write_xlsx(tmp_path / "one.xlsx", test_import.family())
    call_command("import", "registry", str(path), stdout=StringIO())
    assert_home_equals_registry(county, "411421")

    # An edit and an approved exit (the registry service a case approval calls).
    still_poor = Household.objects.filter(
        village__code__startswith="411421", status=PovertyStatus.NOT_EXITED
    ).first()
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    household_update(
        acting_user=office,
        household=still_poor,
        version=still_poor.version,
        attributes={"attribute": HouseholdAttribute.TEKUN},
    )
    household_procedure_apply(
        acting_user=office,
        household=still_poor,
        reason="test",
        status=PovertyStatus.EXITED_WITH_POLICY,
        exit_year=YEAR,
    )
    after = assert_home_equals_registry(county, "411421")
    assert after["exited"][1] == before["exited"][1] + 1
    # The township and the city see their parts of the same totals.
    township = login(make_user(Role.TOWNSHIP, RENHE))
    assert_home_equals_registry(township, RENHE[:9])
    assert_home_equals_registry(login(make_user(Role.CITY_OFFICE, CITY)), "4114")


def test_an_approved_exit_case_moves_the_figures(make_user):
    team = People(make_user)
    target = household("FIG-1")
    target.planned_exit_year = YEAR
    target.identified_year = 2016
    target.save()
    totals_refresh(prefix="")  # the helper writes through the ORM, not the services
    county = login(team.county.user)
    before = assert_home_equals_registry(county, "411421")
    assert before["still-to-exit"] == (2, 1)
    case_id = post(
        team.proposer, "/api/v1/cases", {"kind": "exit", "year": YEAR, "household_id": target.pk}
    ).json()["id"]
    page = county.get("/").content.decode()
    cases = page[page.index('data-testid="figures-cases"') :]
    assert "贫困户签字认可" in cases[: cases.index("</table>")]  # the open case at its step
    act(team.proposer, case_id, "consent")
    end_notice(case_id)
    act(team.work_team, case_id, "close_notice")
    act(team.township, case_id, "approve")
    assert act(team.county, case_id, "approve").json()["status"] == "approved"
    after = assert_home_equals_registry(county, "411421")
    assert after["exited"] == (before["exited"][0] + 2, before["exited"][1] + 1)
    assert after["still-to-exit"] == (0, 0)


def test_each_figure_links_to_the_list_it_counts(make_user):
    seed_registry(households=30, region_code=MINQUAN, seed=7)
    client = login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    page = client.get("/").content.decode()
    figures = on_page(page)
    expected = {
        "status-1": (figures["status-1-households"], figures["status-1-members"]),
        "figure-exited": figures["exited"][::-1],
        "figure-still-to-exit": figures["still-to-exit"][::-1],
    }
    for testid, (households, members) in expected.items():
        href = re.search(rf'href="([^"]+)"[^>]*data-testid="{testid}"', page).group(1)
        listed = client.get(href.replace("&amp;", "&")).content.decode()
        assert f"共 {households} 户，{members} 人" in listed, (testid, href)
        rows = set(re.findall(r'href="/registry/households/(\d+)/"', listed))
        assert len(rows) == households, (testid, href)
    assert reverse("quality:scorecard") in page and reverse("policy:village_ledger") in page


def test_quality_problems_are_unknown_until_counted(make_user):
    seed_registry(households=80, region_code=MINQUAN, seed=2)
    client = login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    assert shown(client.get("/").content.decode(), "figure-quality").startswith("未统计")
    snapshot = quality_refresh(prefix="411421", year=YEAR)
    assert snapshot is not None
    from tuopin.registry.quality import quality_counts

    direct_total = sum(quality_counts(None, region_prefix="411421", year=YEAR).values())
    assert first_number(shown(client.get("/").content.decode(), "figure-quality")) == direct_total


def test_township_page_lists_its_villages_by_name_with_their_figures(make_user):
    seed_registry(households=40, region_code=RENHE, seed=4)
    client = login(make_user(Role.TOWNSHIP, RENHE))
    page = client.get(reverse("web:region", args=[RENHE])).content.decode()
    villages = Region.objects.filter(parent_id=RENHE)
    for village in villages:
        row = page[page.index(f'data-testid="child-{village.code}"') :]
        row = row[: row.index("</tr>")]
        assert village.name and f">{village.name}</a>" in row
        households = Household.objects.filter(village=village)
        numbers = [int(n) for n in re.findall(r'class="num">(?:<a [^>]+>)?(\d+)', row)]
        assert numbers[0] == households.count() and numbers[1] == people(households)
    assert on_page(page) == direct(RENHE[:9])


def test_every_demo_role_has_a_home_page_with_its_work(make_user):
    seed_registry(households=20, region_code=RENHE, seed=1)
    village = first_village(RENHE).code
    for role, region in (
        (Role.CITY_OFFICE, CITY),
        (Role.COUNTY_OFFICE, MINQUAN),
        (Role.TOWNSHIP, RENHE),
        (Role.VILLAGE, village),
        (Role.INSPECTOR, CITY),
        (Role.HOTLINE, CITY),
        (Role.AUDITOR, CITY),
    ):
        page = login(make_user(role, region)).get("/").content.decode()
        assert 'data-testid="my-work"' in page and f'data-testid="figures-{region}"' in page, role
        assert f'href="{reverse("cases:tasks")}"' in page
    propose = reverse("cases:propose")
    assert propose in login(make_user(Role.VILLAGE, village)).get("/").content.decode()
    assert propose not in login(make_user(Role.HOTLINE, CITY)).get("/").content.decode()
    # Whoever reads the sector ledgers is offered their coverage checks; the hotline not.
    coverage = f'href="{reverse("assistance:coverage")}"'
    assert coverage in login(make_user(Role.COUNTY_OFFICE, MINQUAN)).get("/").content.decode()
    health = make_user(Role.SECTOR, MINQUAN, department="health")
    assert coverage in login(health).get("/").content.decode()
    assert coverage not in login(make_user(Role.HOTLINE, CITY)).get("/").content.decode()


def test_a_sector_home_shows_the_county_totals_its_checks_and_rows_to_review(make_user):
    """A sector user reads no registry list: the county's totals are plain numbers, the
    work is the department's rows to review and its checks, each check linked."""
    seed_registry(households=20, region_code=RENHE, seed=1)
    health = make_user(Role.SECTOR, MINQUAN, department="health")
    response = login(health).get("/")
    page = response.content.decode()
    assert 'data-testid="my-work"' in page and f'data-testid="ledger-figures-{MINQUAN}"' in page
    assert 'data-testid="figures-' not in page  # the registry's panel, with its lists
    for name in ("registry:households", "cases:tasks", "quality:scorecard", "policy:runs"):
        assert f'href="{reverse(name)}' not in page, name
    panel = response.context["ledger_panels"][0]
    assert panel["figures"].total.households == 20
    assert [c.label for c in panel["checks"]] == [c.label for c in checks_read_by(health)]
    assert f'href="{reverse("assistance:coverage_list", args=["member_uninsured"])}' in page
    work = response.context["work"]
    assert work["tasks_url"] == reverse("assistance:ledgers") and work["overdue"] is None


def test_the_city_summary_sums_the_runs_each_county_ran_itself(make_user):
    henan = PolicyVersion.objects.get(code="henan-2018", version=1)
    household("C1")  # 民权县, passes
    household("C2", facts={"water_safe": False})  # fails
    suixian = Household.objects.create(village=other_county_village(SUIXIAN), number="S1")
    for index in range(3):
        Member.objects.create(household=suixian, name=f"成员{index}", **ADULT)
    from decimal import Decimal

    from tuopin.policy.tests.test_henan import GOOD_FACTS
    from tuopin.registry.models import Income, Measure

    Household.objects.filter(pk=suixian.pk).update(**GOOD_FACTS)
    nothing = Decimal("0.00")  # every amount known: a blank one would leave the income unknown
    Income.objects.create(
        household=suixian,
        year=YEAR,
        wages=Decimal("30000.00"),
        business=nothing,
        property_income=nothing,
        transfers=nothing,
        production_costs=nothing,
    )
    Measure.objects.create(household=suixian, category="01", year=2017, raises_income=True)
    totals_refresh(prefix="")
    evaluation_run(acting_user=None, policy=henan, year=YEAR, region_code=MINQUAN)
    evaluation_run(acting_user=None, policy=henan, year=YEAR, region_code=SUIXIAN)
    city = login(make_user(Role.CITY_OFFICE, CITY))
    page = city.get(reverse("policy:county_ledger")).content.decode()
    targets = page[page.index('data-testid="targets"') :]
    assert "5 / 182000" in targets  # 2 people in 民权县 + 3 in 睢县
    assert "/ 351" in targets and "/ 6" in targets
    # A newer city-wide run replaces both: it counts the same households.
    evaluation_run(acting_user=None, policy=henan, year=YEAR, region_code=CITY)
    page = city.get(reverse("policy:county_ledger")).content.decode()
    assert "5 / 182000" in page[page.index('data-testid="targets"') :]
    # A later county run is newer than the city's: it is the one used for that county.
    Household.objects.filter(pk=suixian.pk).update(water_safe=False)
    evaluation_run(acting_user=None, policy=henan, year=YEAR, region_code=SUIXIAN)
    page = city.get(reverse("policy:county_ledger")).content.decode()
    assert "2 / 182000" in page[page.index('data-testid="targets"') :]
    # The county office sees its own county only.
    county = login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    page = county.get(reverse("policy:county_ledger")).content.decode()
    assert "2 / 182000" in page and "睢县" not in page


def test_task_counts_equal_the_task_list_for_every_role(make_user):
    """The home page counts in SQL what `my_tasks` lists case by case: every step, an
    objection, monitoring, a running and an ended notice, fresh and old steps."""
    import datetime

    from django.utils import timezone

    from tuopin.cases.models import Case, Notice, Route
    from tuopin.cases.selectors import my_tasks
    from tuopin.web.figures import task_counts

    seed_registry(households=12, region_code=RENHE, seed=9)
    proposer = make_user(Role.VILLAGE, first_village(RENHE).code)
    households = list(Household.objects.filter(village__code__startswith=RENHE[:9]))
    today = timezone.localdate()
    cases = []
    for route in Route.objects.filter(is_current=True):
        for index, step in enumerate(route.steps):
            for status in ("open", "objection", "monitoring"):
                for age in (0, 9):
                    household = households[len(cases) % len(households)]
                    case = Case.objects.create(
                        kind=route.kind,
                        route=route,
                        region_id=household.village_id,
                        household=household,
                        year=YEAR,
                        status=status,
                        step_index=index,
                        proposer=proposer,
                    )
                    entered = timezone.now() - datetime.timedelta(days=age)
                    notice = None
                    if step["kind"] == "notice":
                        ends = today - datetime.timedelta(days=age)
                        notice = Notice.objects.create(
                            kind="notice",
                            case_kind=route.kind,
                            region_id=household.village_id,
                            step_code=step["code"],
                            title="公示",
                            starts=ends - datetime.timedelta(days=7),
                            ends=ends,
                        )
                    Case.objects.filter(pk=case.pk).update(step_entered_at=entered, notice=notice)
                    cases.append(case)
    users = [
        make_user(Role.VILLAGE, first_village(RENHE).code),
        make_user(Role.TOWNSHIP, RENHE),
        make_user(Role.COUNTY_OFFICE, MINQUAN),
        make_user(Role.CITY_OFFICE, CITY),
        make_user(Role.HOTLINE, CITY),
    ]
    both = make_user(Role.TOWNSHIP, RENHE)
    from tuopin.accounts.services import assignment_grant

    assignment_grant(
        acting_user=None,
        user=both,
        role=Role.COUNTY_OFFICE,
        region=Region.objects.get(code=MINQUAN),
    )
    seen = set()
    for user in [*users, both]:
        tasks = my_tasks(user)
        expected = (len(tasks), sum(1 for case in tasks if case.overdue))
        assert task_counts(user) == expected, user.username
        seen.add(expected)
    assert len(seen) > 2 and any(overdue for _n, overdue in seen)


def test_a_sector_home_offers_the_parameters_of_what_the_department_keeps(make_user):
    """组织部 keeps no ledger: its home offers the teams, branches and training and their
    parameters, not the ledgers' parameters; 卫健委 the ledgers' and not the people's."""
    organisation = make_user(Role.SECTOR, MINQUAN, department="organisation")
    page = login(organisation).get("/").content.decode()
    assert f'href="{reverse("people:teams")}"' in page
    assert f'href="{reverse("people:parameters")}"' in page
    assert f'href="{reverse("assistance:coverage_parameters")}"' not in page
    health = make_user(Role.SECTOR, MINQUAN, department="health")
    page = login(health).get("/").content.decode()
    assert f'href="{reverse("assistance:coverage_parameters")}"' in page
    assert f'href="{reverse("people:parameters")}"' not in page
