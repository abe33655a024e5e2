"""`seed_ledgers`: a year of every ledger for the registry, set-based, deterministic, with
its planted problems exactly where it says they are."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Count

from tuopin.assistance import models as ledgers
from tuopin.assistance.seed import HOUSEHOLD_PROBLEMS, PLANTED, seed_ledgers
from tuopin.core.errors import TuopinError
from tuopin.registry.enums import MemberStatus
from tuopin.registry.models import Household, Member, MemberEvent
from tuopin.registry.seed import seed_registry

pytestmark = pytest.mark.django_db

COUNTY = "411421"


@pytest.fixture
def seeded(shangqiu):
    # Enough households that the rarest ledger (rangers: 1.5 % of the eligible members,
    # drawn by member id) is never empty whatever ids earlier tests left in the sequences:
    # with 600 one PostgreSQL run in a few dozen drew none.
    seed_registry(households=1500, region_code=COUNTY, seed=3, year=2018)
    return seed_ledgers(region_prefix=COUNTY, year=2018, seed=3)


def test_every_ledger_gets_rows_matched_to_the_registry(seeded):
    rows = seeded["rows"]
    for table in (
        "assistance_healthinsurance",
        "assistance_doctorcontract",
        "assistance_chroniccard",
        "assistance_hospitalsettlement",
        "assistance_studentenrolment",
        "assistance_employmentrecord",
        "assistance_employmentservice",
        "assistance_publicwelfarepost",
        "assistance_trainingcourse",
        "assistance_trainee",
        "assistance_loan",
        "assistance_loanrepayment",
        "assistance_loancheck",
        "assistance_housingrenovation",
        "assistance_ranger",
        "assistance_disabilitycertificate",
        "assistance_socialassistance",
        "payment:student_aid",
        "payment:post_pay",
        "payment:training_allowance",
        "payment:housing_subsidy",
        "payment:pv_income",
        "payment:ranger_pay",
        "payment:disability_subsidy",
        "payment:social",
    ):
        assert rows.get(table, 0) > 0, table
    assert seeded["total"] == sum(rows.values())
    # Rows about registered people name the person's household and its village.
    for insured in ledgers.HealthInsurance.objects.select_related("member__household")[:50]:
        assert insured.member.id_number == insured.id_number
        assert insured.household_id == insured.member.household_id
        assert insured.region_id == insured.member.household.village_id
        assert insured.household_number == insured.member.household.number
    assert not ledgers.Payment.objects.exclude(region__code__startswith=COUNTY).exists()
    statuses = Counter(ledgers.HealthInsurance.objects.values_list("review_status", flat=True))
    assert set(statuses) == {"approved", "pending"}
    assert statuses["pending"] < statuses["approved"] / 20


def test_student_aid_follows_the_stage_amounts_except_where_planted(seeded):
    planted = seeded["planted"]
    aid = ledgers.Payment.objects.filter(kind="student_aid")
    preschool = aid.filter(item="care_fee", period="2018S1")
    assert preschool.exists()
    assert set(preschool.values_list("amount", flat=True)) <= {Decimal("300")}
    # Double payments: the same member, item and period twice.
    twice = aid.values("member_id", "item", "period").annotate(n=Count("id")).filter(n__gt=1)
    assert len({row["member_id"] for row in twice}) == planted["aid_paid_twice"]
    # Non-boarding primary pupils get no living allowance; boarders get one each term.
    boarders = ledgers.StudentEnrolment.objects.filter(stage="primary", boarding=True)
    assert boarders.exists()
    paid = set(aid.filter(item="living").values_list("member_id", flat=True))
    day_pupils = ledgers.StudentEnrolment.objects.filter(stage="primary", boarding=False)
    assert not paid & set(day_pupils.values_list("member_id", flat=True))


def test_planted_problems_are_where_the_counts_say(seeded):
    planted = seeded["planted"]
    assert set(planted) == set(PLANTED)
    current = Member.objects.filter(household__village__code__startswith=COUNTY)
    insured = ledgers.HealthInsurance.objects.values("member_id")
    alive_uninsured = current.filter(status=MemberStatus.NORMAL).exclude(pk__in=insured)
    died = planted["paid_after_death"] + planted["paid_after_moving_out"]
    # Uninsured: the planted ones; a member who died or moved was insured before.
    assert alive_uninsured.count() == planted["uninsured"]
    loans = ledgers.Loan.objects.all()
    assert loans.filter(amount__gt=50000).count() == planted["loan_over_limit"]
    assert loans.filter(term_months__gt=36).count() == planted["loan_over_term"]
    two = loans.filter(state="1").values("household_id").annotate(n=Count("id")).filter(n__gt=1)
    assert len(two) == planted["loan_second_in_household"]
    outsiders = ledgers.Ranger.objects.filter(member__isnull=True)
    assert outsiders.count() == planted["ranger_not_registered"] >= 1
    assert all(r.region_id.startswith(COUNTY) and r.id_number for r in outsiders)
    assert not Member.objects.filter(id_number__in=outsiders.values("id_number")).exists()
    # They are paid as the registered ones are (what "paid as if registered" finds).
    outsider_pay = ledgers.Payment.objects.filter(kind="ranger_pay", member__isnull=True)
    assert set(outsider_pay.values_list("id_number", flat=True)) == set(
        outsiders.values_list("id_number", flat=True)
    )
    assert outsider_pay.count() == 4 * outsiders.count()
    # Whom each problem concerns: exactly the people and households said.
    who = seeded["planted_ids"]
    assert {kind: len(ids) for kind, ids in who.items()} == planted
    assert set(alive_uninsured.values_list("id_number", flat=True)) == set(who["uninsured"])
    assert set(loans.filter(amount__gt=50000).values_list("id_number", flat=True)) == set(
        who["loan_over_limit"]
    )
    cd = Household.objects.filter(housing_grade__in=["C", "D"])
    planned = ledgers.HousingRenovation.objects.values("household_id")
    assert set(cd.exclude(pk__in=planned).values_list("number", flat=True)) == set(
        who["house_not_in_plan"]
    )
    assert set(outsiders.values_list("id_number", flat=True)) == set(who["ranger_not_registered"])
    households = set(Household.objects.values_list("number", flat=True))
    for kind in HOUSEHOLD_PROBLEMS:
        assert set(who[kind]) <= households, kind
    gone = Member.objects.exclude(status=MemberStatus.NORMAL)
    assert gone.count() == died
    assert MemberEvent.objects.filter(member__in=gone).count() == died
    paid_after = ledgers.Payment.objects.filter(member__in=gone, paid_on__gt="2018-06-30")
    assert paid_after.values("member_id").distinct().count() == died
    assert cd.exclude(pk__in=planned).count() == planted["house_not_in_plan"]


def test_the_same_seed_gives_the_same_ledgers_and_a_rerun_replaces_them(seeded):
    def snapshot():
        return (
            sorted(
                ledgers.Payment.objects.values_list("id_number", "kind", "item", "period", "amount")
            ),
            sorted(ledgers.Loan.objects.values_list("id_number", "amount", "drawn_on", "state")),
            sorted(ledgers.Ranger.objects.values_list("id_number", "name")),
        )

    first = snapshot()
    again = seed_ledgers(region_prefix=COUNTY, year=2018, seed=3)
    assert again["rows"] == seeded["rows"]
    assert again["planted"] == seeded["planted"]
    assert snapshot() == first
    other = seed_ledgers(region_prefix=COUNTY, year=2018, seed=4)
    assert other["planted"] != seeded["planted"] or snapshot() != first


def test_bad_arguments_are_refused_in_both_languages(shangqiu):
    with pytest.raises(TuopinError) as error:
        seed_ledgers(region_prefix="41'14", year=2018)
    assert "区划" in error.value.message_zh and "region" in error.value.message_en
    with pytest.raises(TuopinError):
        seed_ledgers(region_prefix=COUNTY, year=2013)


def test_a_township_reseeded_leaves_the_rest_of_the_county_alone(seeded):
    township = "411421101"
    outside = ledgers.HealthInsurance.objects.exclude(region__code__startswith=township)
    before = sorted(outside.values_list("pk", flat=True))
    trainees = ledgers.Trainee.objects.exclude(region__code__startswith=township).count()
    inside = ledgers.Payment.objects.filter(region__code__startswith=township, member__isnull=False)
    paid = sorted(inside.values_list("id_number", "kind", "item", "period", "amount"))
    assert paid
    # A full 12-digit code stands for the township.
    again = seed_ledgers(region_prefix=township + "000", year=2018, seed=3)
    assert 0 < again["total"] < seeded["total"]
    assert sorted(outside.values_list("pk", flat=True)) == before
    assert ledgers.Trainee.objects.exclude(region__code__startswith=township).count() == trainees
    assert ledgers.TrainingCourse.objects.count() == seeded["rows"]["assistance_trainingcourse"]
    assert sorted(inside.values_list("id_number", "kind", "item", "period", "amount")) == paid
