"""The library's writes: the application and its notice, every step of the flow and each
refusal (skipped step, wrong role, running notice, no targets, no reason, plan year),
progress, beneficiaries, edits before entry, the Q4 library version."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from conftest import RENHE, SUIXIAN, other_county_village
from tuopin.accounts.roles import Role
from tuopin.core.errors import TuopinError
from tuopin.projects.enums import DisclosureKind, ProjectStage
from tuopin.projects.library_services import (
    actions_for,
    beneficiary_add,
    beneficiary_remove,
    library_refresh,
    project_act,
    project_apply,
    project_progress_report,
    project_update,
)
from tuopin.projects.models import Disclosure, LibraryEntry, ProjectStep
from tuopin.projects.tests.library_factories import FIELDS, FLOW, Users
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(make_user):
    return Users(make_user)


def _codes(error) -> str:
    return error.value.code


def test_an_application_posts_its_notice_masked_for_the_minimum_period(users):
    project = users.apply(days_ago=0)
    assert project.stage == ProjectStage.APPLIED and project.code.startswith("2018-")
    assert project.fundings.count() == 2 and list(project.villages.all()) == [users.village_region]
    notice = Disclosure.objects.get(project=project, kind=DisclosureKind.PROJECT_APPLICATION)
    assert (notice.ends_on - notice.starts_on).days + 1 == 10
    assert notice.rows[0][0] == "朱寨村产业路" and notice.rows[0][10] == "张*丰"
    assert ProjectStep.objects.get(project=project).action == "apply"
    assert project.history.count() == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": " "}, "field_missing"),
        ({"amount": "-1"}, "bad_amount"),
        ({"amount": "abc"}, "bad_amount"),
        ({"category": "nothing"}, "bad_choice"),
        ({"fundings": [("central", "special", "1")]}, "fundings_total"),
        ({"villages": ["411422100201"]}, "village_unknown"),
        ({"starts_on": date(2018, 5, 1), "ends_on": date(2018, 4, 1)}, "dates_order"),
        ({"households_planned": "-3"}, "bad_number"),
    ],
)
def test_a_bad_application_is_refused_with_a_message_and_writes_nothing(users, change, code):
    with pytest.raises(TuopinError) as error:
        users.apply(**change)
    assert _codes(error) == code and error.value.message_zh and error.value.message_en
    assert not Disclosure.objects.exists() and not ProjectStep.objects.exists()


def test_who_applies(users, make_user):
    with pytest.raises(PermissionDenied):
        project_apply(acting_user=users.township, region_code=users.village_region.code, **FIELDS)
    with pytest.raises(Http404):
        outsider = make_user(Role.VILLAGE, other_county_village(SUIXIAN).code)
        project_apply(acting_user=outsider, region_code=users.village_region.code, **FIELDS)
    on_behalf = project_apply(
        acting_user=users.county, region_code=users.village_region.code, **FIELDS
    )
    assert on_behalf.region_id == users.village_region.code
    with pytest.raises(TuopinError) as error:
        project_apply(acting_user=users.county, region_code=RENHE, **FIELDS)
    assert _codes(error) == "apply_village"


def test_the_whole_flow_files_each_step(users):
    project = users.walk(users.apply(), "announce")
    assert project.stage == ProjectStage.ANNOUNCED
    steps = list(project.steps.values_list("action", flat=True))
    assert steps == ["apply"] + [action for action, _who in FLOW]
    entry = LibraryEntry.objects.get(project=project)
    assert entry.year == date.today().year and entry.removed_on is None
    assert project.plan_year == date.today().year


@pytest.mark.parametrize(
    ("stage_after", "skipped"),
    [
        ("", "appraise"),
        ("", "enter"),
        ("review", "approve"),
        ("approve", "plan"),
        ("enter", "start"),
        ("plan", "accept"),
        ("start", "announce"),
    ],
)
def test_the_flow_refuses_a_skipped_step(users, stage_after, skipped):
    project = users.apply()
    if stage_after:
        project = users.walk(project, stage_after)
    before = project.stage
    with pytest.raises(TuopinError) as error:
        project_act(action=skipped, project=project, acting_user=users.county)
    assert _codes(error) == "step_not_allowed" and "跳过" in error.value.message_zh
    project.refresh_from_db()
    assert project.stage == before


def test_each_step_only_for_its_roles(users):
    project = users.apply()
    for who in ("village", "county", "sector"):
        with pytest.raises(PermissionDenied):
            project_act(action="review", project=project, acting_user=getattr(users, who))
    project = project_act(action="review", project=project, acting_user=users.township)
    with pytest.raises(PermissionDenied):
        project_act(action="appraise", project=project, acting_user=users.township)
    project = project_act(action="appraise", project=project, acting_user=users.sector)
    with pytest.raises(PermissionDenied):
        project_act(action="approve", project=project, acting_user=users.sector)
    assert [a.code for a in actions_for(users.county, project)] == ["approve", "return"]
    assert actions_for(users.village, project) == []


def test_a_user_of_another_county_is_told_not_found(users, make_user):
    project = users.apply()
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    with pytest.raises(Http404):
        project_act(action="return", project=project, acting_user=stranger, note="不行")


def test_the_township_reviews_only_after_the_notice_ends(users):
    project = users.apply(days_ago=3)
    assert [a.code for a in actions_for(users.township, project)] == ["return"]
    with pytest.raises(TuopinError) as error:
        project_act(action="review", project=project, acting_user=users.township)
    assert _codes(error) == "notice_running"
    project = users.apply(days_ago=10, name="另一个项目")
    assert project_act(action="review", project=project, acting_user=users.township).stage == (
        ProjectStage.REVIEWED
    )


def test_no_targets_no_entry_nor_without_a_mechanism(users):
    for missing in ("targets", "mechanism"):
        project = users.walk(users.apply(name=f"缺{missing}", **{missing: ""}), "approve")
        assert "enter" not in [a.code for a in actions_for(users.county, project)]
        with pytest.raises(TuopinError) as error:
            project_act(action="enter", project=project, acting_user=users.county)
        assert _codes(error) == "entry_incomplete"
        assert not LibraryEntry.objects.filter(project=project).exists()
        project.refresh_from_db()
        assert project.stage == ProjectStage.APPROVED


def test_a_return_needs_a_reason_and_the_village_reapplies_with_a_new_notice(users):
    project = users.walk(users.apply(), "review")
    with pytest.raises(TuopinError) as error:
        project_act(action="return", project=project, acting_user=users.sector, note=" ")
    assert _codes(error) == "reason_missing"
    project = project_act(
        action="return", project=project, acting_user=users.sector, note="投资估算偏高"
    )
    assert project.stage == ProjectStage.RETURNED
    with pytest.raises(PermissionDenied):
        project_act(action="reapply", project=project, acting_user=users.county)
    project = project_update(acting_user=users.village, project=project, amount="300000")
    project = project_act(action="reapply", project=project, acting_user=users.village)
    assert project.stage == ProjectStage.APPLIED
    assert Disclosure.objects.filter(project=project).count() == 2
    with pytest.raises(TuopinError):  # the new notice runs from today
        project_act(action="review", project=project, acting_user=users.township)


def test_removal_needs_a_reason_and_is_filed_on_the_entry(users):
    project = users.walk(users.apply(), "enter")
    with pytest.raises(TuopinError) as error:
        project_act(action="remove", project=project, acting_user=users.county)
    assert _codes(error) == "reason_missing"
    project = project_act(
        action="remove", project=project, acting_user=users.county, note="群众意愿变化"
    )
    entry = LibraryEntry.objects.get(project=project)
    assert entry.removed_on == date.today() and entry.removal_reason == "群众意愿变化"
    assert project.stage == ProjectStage.REMOVED


def test_the_plan_is_this_years_or_next_years_in_the_fourth_quarter(users):
    project = users.walk(users.apply(), "enter")
    today = date.today()
    with pytest.raises(TuopinError) as error:
        project_act(action="plan", project=project, acting_user=users.county, plan_year=2000)
    assert _codes(error) == "plan_year"
    if today.month < 10:
        with pytest.raises(TuopinError):
            project_act(
                action="plan", project=project, acting_user=users.county, plan_year=today.year + 1
            )
    else:
        project = project_act(
            action="plan", project=project, acting_user=users.county, plan_year=today.year + 1
        )
        assert project.plan_year == today.year + 1


def test_a_step_dated_in_the_future_or_before_the_last_is_refused(users):
    project = users.apply(days_ago=20)
    with pytest.raises(TuopinError) as error:
        project_act(
            action="review",
            project=project,
            acting_user=users.township,
            acted_on=date.today() + timedelta(days=1),
        )
    assert _codes(error) == "date_future"
    with pytest.raises(TuopinError) as error:
        project_act(
            action="return",
            project=project,
            acting_user=users.township,
            acted_on=date.today() - timedelta(days=30),
            note="早",
        )
    assert _codes(error) == "date_before_last"


def test_progress_only_while_implementing_and_never_backwards(users):
    project = users.walk(users.apply(), "plan")
    with pytest.raises(TuopinError) as error:
        project_progress_report(acting_user=users.village, project=project, percent=10)
    assert _codes(error) == "not_implementing"
    project = project_act(action="start", project=project, acting_user=users.county)
    project_progress_report(acting_user=users.village, project=project, percent=40, note="路基")
    with pytest.raises(TuopinError) as error:
        project_progress_report(acting_user=users.village, project=project, percent=30)
    assert _codes(error) == "percent_down"
    with pytest.raises(TuopinError) as error:
        project_progress_report(acting_user=users.village, project=project, percent=101)
    assert _codes(error) == "bad_percent"
    with pytest.raises(PermissionDenied):
        project_progress_report(acting_user=users.sector, project=project, percent=50)
    assert project.progress.get().percent == 40


def test_beneficiaries_by_household_number_or_id_number_of_the_county(users, make_user):
    project = users.apply()
    members = family(county=users.village_region.code[:6])
    household = household_register(
        acting_user=users.county,
        village_code=users.village_region.code,
        number="ZZ-0001",
        attributes={},
        members=members,
    )
    row = beneficiary_add(acting_user=users.village, project=project, household="ZZ-0001")
    assert row.household == household
    with pytest.raises(TuopinError) as error:
        beneficiary_add(acting_user=users.village, project=project, household="ZZ-0001")
    assert _codes(error) == "beneficiary_twice"
    beneficiary_remove(acting_user=users.village, beneficiary=row)
    by_id = beneficiary_add(
        acting_user=users.village, project=project, household=members[0]["id_number"]
    )
    assert by_id.household == household
    with pytest.raises(TuopinError) as error:
        beneficiary_add(acting_user=users.village, project=project, household="NOPE-1")
    assert _codes(error) == "household_unknown"


def test_edits_only_before_the_library_and_kept_in_history(users):
    project = users.apply()
    project = project_update(acting_user=users.village, project=project, name="朱寨村产业路二期")
    assert project.history.first().name == "朱寨村产业路二期" and project.history.count() == 2
    with pytest.raises(TuopinError) as error:
        project_update(acting_user=users.village, project=project, amount="1")
    assert _codes(error) == "fundings_total"
    project = users.walk(project, "enter")
    with pytest.raises(TuopinError) as error:
        project_update(acting_user=users.county, project=project, name="改名")
    assert _codes(error) == "not_editable"


def test_the_fourth_quarter_makes_next_years_library_once(users):
    kept = users.walk(users.apply(name="留库"), "enter")
    users.walk(users.apply(name="已完工"), "accept")
    removed = users.walk(users.apply(name="出库"), "enter")
    project_act(action="remove", project=removed, acting_user=users.county, note="撤销")
    year = date.today().year
    with pytest.raises(TuopinError) as error:
        library_refresh(
            acting_user=users.county,
            county_code=kept.county_id,
            year=year + 1,
            acted_on=date(year, 9, 30),
        )
    assert _codes(error) == "refresh_quarter"
    with pytest.raises(Http404):  # the county is outside a township's regions
        library_refresh(
            acting_user=users.township,
            county_code=kept.county_id,
            year=year + 1,
            acted_on=date(year, 11, 1),
        )
    added = library_refresh(
        acting_user=users.county,
        county_code=kept.county_id,
        year=year + 1,
        acted_on=date(year, 11, 1),
    )
    assert added == 1
    assert list(LibraryEntry.objects.filter(year=year + 1).values_list("project", flat=True)) == [
        kept.pk
    ]
    assert (
        library_refresh(
            acting_user=users.county,
            county_code=kept.county_id,
            year=year + 1,
            acted_on=date(year, 11, 1),
        )
        == 0
    )
    assert LibraryEntry.history.filter(year=year + 1).count() == 1
    assert Decimal(FIELDS["amount"]) == kept.amount
