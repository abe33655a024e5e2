"""Typed ledger entries: matched to the registry, kept by their department only, reviewed
by someone else, every change in the history."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN, SUIXIAN
from tuopin.accounts.roles import Role
from tuopin.assistance.enums import ReviewStatus
from tuopin.assistance.kinds import KINDS
from tuopin.assistance.models import EmploymentRecord, Payment
from tuopin.assistance.services import (
    ledger_entry_create,
    ledger_entry_review,
    ledger_entry_update,
)
from tuopin.assistance.tests.factories_pages import (
    HEALTH,
    HRSS,
    MINQUAN_VILLAGE,
    department_user,
    ledgers,
    sector_user,
)
from tuopin.core.errors import TuopinError
from tuopin.registry.services import RegistryInvalid

pytestmark = pytest.mark.django_db
EMPLOYMENT = KINDS["employment"]


def _employment(member_id_number: str = "", **fields) -> dict:
    return {
        "year": 2019,
        "id_number": member_id_number,
        "name": fields.pop("name", ""),
        "status": "1",
        "form": "2",
        "monthly_income": Decimal("2800.00"),
        **fields,
    }


def test_a_typed_entry_is_matched_to_the_registry_and_waits_for_review(make_user):
    data = ledgers()
    clerk = sector_user(make_user, HRSS)
    member = data.own_household.members.order_by("id")[1]
    # Typed in lower case / with spaces as people do: normalised, then matched.
    entry = ledger_entry_create(
        acting_user=clerk, kind=EMPLOYMENT, data=_employment(f" {member.id_number} ")
    )
    assert entry.member == member and entry.household == data.own_household
    assert entry.region_id == data.own_household.village_id
    assert entry.name == member.name and entry.household_number == data.own_household.number
    assert entry.review_status == ReviewStatus.PENDING and entry.entered_by == clerk
    assert entry.history.count() == 1 and entry.history.first().history_user == clerk


def test_a_person_outside_the_registry_is_kept_under_the_region_given(make_user):
    clerk = sector_user(make_user, HRSS)
    data = _employment("411421199001011236", name="外来务工")
    with pytest.raises(TuopinError) as refused:
        ledger_entry_create(acting_user=clerk, kind=EMPLOYMENT, data=data)
    assert refused.value.code == "region_required" and refused.value.field == "region"
    assert not EmploymentRecord.objects.exists()
    entry = ledger_entry_create(
        acting_user=clerk, kind=EMPLOYMENT, data=data, region_code=MINQUAN_VILLAGE
    )
    assert not entry.in_registry and entry.region_id == MINQUAN_VILLAGE


def test_nobody_types_into_another_departments_ledger_or_county(make_user):
    data = ledgers()
    member = data.own_household.members.order_by("id")[1]
    health = sector_user(make_user, HEALTH)
    with pytest.raises(PermissionDenied):
        ledger_entry_create(acting_user=health, kind=EMPLOYMENT, data=_employment(member.id_number))
    suixian = sector_user(make_user, HRSS, SUIXIAN)
    with pytest.raises(PermissionDenied):
        ledger_entry_create(
            acting_user=suixian, kind=EMPLOYMENT, data=_employment(member.id_number)
        )
    with pytest.raises(PermissionDenied):
        ledger_entry_update(
            acting_user=suixian, kind=EMPLOYMENT, entry=data.own_employment, data={"employer": "x"}
        )
    township = department_user(make_user, Role.TOWNSHIP, "411421101000")
    with pytest.raises(PermissionDenied):  # township cadres read ledgers, do not keep them
        ledger_entry_create(
            acting_user=township, kind=EMPLOYMENT, data=_employment(member.id_number)
        )
    assert EmploymentRecord.objects.count() == 2


def test_bad_input_is_refused_whole_with_the_field(make_user):
    clerk = sector_user(make_user, HRSS)
    with pytest.raises(RegistryInvalid) as refused:
        ledger_entry_create(
            acting_user=clerk,
            kind=EMPLOYMENT,
            data=_employment("411421199001011236", status="7"),
            region_code=MINQUAN_VILLAGE,
        )
    assert refused.value.problems[0].field == "status"
    assert "就业状态" in refused.value.message_zh
    assert not EmploymentRecord.objects.exists()


def test_review_by_someone_else_approve_or_return_with_reason(make_user):
    data = ledgers()
    clerk, chief = sector_user(make_user, HRSS), sector_user(make_user, HRSS)
    member = data.own_household.members.order_by("id")[1]
    entry = ledger_entry_create(
        acting_user=clerk, kind=EMPLOYMENT, data=_employment(member.id_number)
    )
    with pytest.raises(TuopinError) as own:
        ledger_entry_review(acting_user=clerk, kind=EMPLOYMENT, entry=entry, approve=True)
    assert own.value.code == "review_own_entry"
    with pytest.raises(TuopinError) as no_reason:
        ledger_entry_review(acting_user=chief, kind=EMPLOYMENT, entry=entry, approve=False)
    assert no_reason.value.code == "return_reason_required"
    returned = ledger_entry_review(
        acting_user=chief, kind=EMPLOYMENT, entry=entry, approve=False, reason="月收入有误"
    )
    assert (
        returned.review_status == ReviewStatus.RETURNED and returned.return_reason == "月收入有误"
    )
    with pytest.raises(TuopinError):  # a returned row is corrected first, then reviewed
        ledger_entry_review(acting_user=chief, kind=EMPLOYMENT, entry=returned, approve=True)
    corrected = ledger_entry_update(
        acting_user=clerk,
        kind=EMPLOYMENT,
        entry=returned,
        data={"monthly_income": Decimal("2600.00")},
    )
    assert corrected.review_status == ReviewStatus.PENDING and corrected.return_reason == ""
    approved = ledger_entry_review(
        acting_user=chief, kind=EMPLOYMENT, entry=corrected, approve=True
    )
    assert approved.review_status == ReviewStatus.APPROVED and approved.reviewed_by == chief
    assert approved.history.count() == 4
    # Another department cannot review it.
    health = sector_user(make_user, HEALTH)
    with pytest.raises(PermissionDenied):
        ledger_entry_review(acting_user=health, kind=EMPLOYMENT, entry=approved, approve=True)


def test_a_payment_ledger_types_its_own_payment_kind(make_user):
    civil = sector_user(make_user, "civil")
    payment = ledger_entry_create(
        acting_user=civil,
        kind=KINDS["social_payment"],
        data={
            "year": 2018,
            "id_number": "411421199001011236",
            "name": "某人",
            "kind": "tekun",
            "period": "2018-03",
            "amount": Decimal("450.00"),
        },
        region_code=MINQUAN_VILLAGE,
    )
    assert payment.kind == "tekun"
    aid = ledger_entry_create(
        acting_user=sector_user(make_user, "education"),
        kind=KINDS["student_aid"],
        data={
            "year": 2018,
            "id_number": "411421200801201234",
            "item": "living",
            "period": "2018S1",
            "amount": Decimal("625.00"),
        },
        region_code=MINQUAN_VILLAGE,
    )
    assert aid.kind == "student_aid"
    # Paying twice for one item and period is storable: the check finds it.
    again = ledger_entry_create(
        acting_user=sector_user(make_user, "education"),
        kind=KINDS["student_aid"],
        data={
            "year": 2018,
            "id_number": "411421200801201234",
            "item": "living",
            "period": "2018S1",
            "amount": Decimal("625.00"),
        },
        region_code=MINQUAN_VILLAGE,
    )
    assert Payment.objects.filter(id_number=again.id_number).count() == 2


def test_the_pages_type_edit_and_review(make_user):
    data = ledgers()
    clerk, chief = sector_user(make_user, HRSS), sector_user(make_user, HRSS)
    member = data.own_household.members.order_by("id")[2]
    client = Client()
    client.force_login(clerk)
    new = reverse("assistance:ledger_entry_new", args=["employment"])
    assert client.get(new).status_code == 200
    bad = client.post(new, {"year": 2019, "id_number": "411421199001011236"})
    assert bad.status_code == 200 and "此人不在建档立卡库中" in bad.content.decode()
    assert not EmploymentRecord.objects.filter(id_number="411421199001011236").exists()
    response = client.post(
        new,
        {
            "year": 2019,
            "id_number": member.id_number,
            "status": "1",
            "form": "3",
            "social_insurance": "unknown",
            "wants_training": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = EmploymentRecord.objects.get(member=member)
    assert entry.social_insurance is None and entry.wants_training is True
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="review-form"' not in page  # not for the one who typed it
    client.force_login(chief)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="review-form"' in page
    review = reverse("assistance:ledger_entry_review", args=["employment", entry.pk])
    client.post(review, {"decision": "return", "reason": ""})
    entry.refresh_from_db()
    assert entry.review_status == ReviewStatus.PENDING
    client.post(review, {"decision": "return", "reason": "单位名称未填"})
    entry.refresh_from_db()
    assert entry.review_status == ReviewStatus.RETURNED
    page = client.get(response["Location"]).content.decode()
    assert "单位名称未填" in page and "退回" in page
    edit = reverse("assistance:ledger_entry_edit", args=["employment", entry.pk])
    form = client.get(edit)
    assert form.status_code == 200
    # The health department may not open the form.
    client.force_login(sector_user(make_user, HEALTH))
    assert client.get(edit).status_code == 404
    assert client.get(new).status_code == 404


def test_a_county_office_keeps_every_ledger_of_its_county(make_user):
    data = ledgers()
    county = department_user(make_user, Role.COUNTY_OFFICE, MINQUAN)
    entry = ledger_entry_update(
        acting_user=county,
        kind=KINDS["insurance"],
        entry=data.own_insurance,
        data={"serious_illness_cover": True},
    )
    assert entry.serious_illness_cover is True and entry.basic_insured is True


def test_a_dropout_case_is_recorded_by_the_acting_user_not_picked_from_logins(make_user):
    from tuopin.assistance.forms import entry_form_class
    from tuopin.assistance.models import DropoutCase

    assert "recorded_by" not in entry_form_class(KINDS["dropout"])().fields
    clerk = sector_user(make_user, "education")
    case = ledger_entry_create(
        acting_user=clerk,
        kind=KINDS["dropout"],
        data={"year": 2018, "id_number": "411421200801201234", "found_on": "2018-09-10"},
        region_code=MINQUAN_VILLAGE,
    )
    assert DropoutCase.objects.get(pk=case.pk).recorded_by == clerk


def test_who_imported_a_row_cannot_approve_it(make_user):
    from tuopin.assistance.models import LedgerImport

    data = ledgers()
    importer, chief = sector_user(make_user, HRSS), sector_user(make_user, HRSS)
    batch = LedgerImport.objects.create(
        kind="employment", file_name="就业.xlsx", imported_by=importer
    )
    EmploymentRecord.objects.filter(pk=data.own_employment.pk).update(batch=batch)
    entry = EmploymentRecord.objects.get(pk=data.own_employment.pk)
    assert entry.review_status == ""  # imported rows start unreviewed
    with pytest.raises(TuopinError) as own:
        ledger_entry_review(acting_user=importer, kind=EMPLOYMENT, entry=entry, approve=True)
    assert own.value.code == "review_own_entry"
    approved = ledger_entry_review(acting_user=chief, kind=EMPLOYMENT, entry=entry, approve=True)
    assert approved.review_status == ReviewStatus.APPROVED


def test_repayments_and_checks_are_added_under_a_loan_by_its_department(make_user):
    from tuopin.assistance.models import LoanCheck, LoanRepayment

    data = ledgers()
    url = reverse("assistance:ledger_child_new", args=["loan", data.own_loan.pk, "repayments"])
    body = {
        "repayments-date": "2019-03-01",
        "repayments-amount": "10000",
        "repayments-interest": "",
    }
    hrss = Client()
    hrss.force_login(sector_user(make_user, HRSS))
    assert hrss.post(url, body).status_code == 404  # not their ledger
    finance = Client()
    finance.force_login(sector_user(make_user, "finance"))
    page = finance.get(reverse("assistance:ledger_entry", args=["loan", data.own_loan.pk]))
    assert 'data-testid="child-form-repayments"' in page.content.decode()
    assert finance.post(url, body).status_code == 302
    repayment = LoanRepayment.objects.get(loan=data.own_loan)
    assert repayment.amount == Decimal("10000") and repayment.interest is None
    assert repayment.history.get().history_user.username.startswith("sector")
    finance.post(url, body)  # the same repayment twice: refused by its natural key
    assert LoanRepayment.objects.count() == 1
    checks = reverse("assistance:ledger_child_new", args=["loan", data.own_loan.pk, "checks"])
    finance.post(
        checks,
        {"checks-date": "2019-04-01", "checks-level": "", "checks-used_for_production": "true"},
    )
    check = LoanCheck.objects.get(loan=data.own_loan)
    assert check.used_for_production is True
    page = finance.get(reverse("assistance:ledger_entry", args=["loan", data.own_loan.pk]))
    assert "10000.00" in page.content.decode()
