"""The stored warnings: a recomputation keeps each warning's handling and clears what
vanished; overdue ones escalate to the city; the steps of handling and who may take
them; the inbox per role; the job after a write; the command's JSON."""

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import CITY, MINQUAN, SUIXIAN, other_county_village
from tuopin.accounts.roles import Department, Role
from tuopin.core.errors import TuopinError
from tuopin.core.jobs import job_run
from tuopin.core.models import Job
from tuopin.projects.changes import funds_written
from tuopin.projects.enums import PayeeKind, WarningState
from tuopin.projects.models import FundPayment, FundWarning, WarningAction
from tuopin.projects.tests import warnings_data as data
from tuopin.projects.warnings_jobs import KIND
from tuopin.projects.warnings_services import (
    actions_for,
    warning_act,
    warnings_escalate,
    warnings_recompute,
)

pytestmark = pytest.mark.django_db

AS_OF = date(2018, 12, 31)


def _round_payments():
    fifty = data.pay(50000, date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="建设公司")
    sixty = data.pay(60000, date(2018, 5, 2), kind=PayeeKind.ENTERPRISE, payee="建设公司")
    return fifty, sixty


def _evidence():
    return SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


def test_recompute_keeps_the_handling_and_clears_what_vanished(make_user):
    fifty, sixty = _round_payments()
    counts = warnings_recompute("411421", AS_OF, ["round_amount"])
    assert counts["new"] == 2 and counts["cleared"] == 0
    first = FundWarning.objects.get(subject=f"payment:{fifty.pk}")
    assert first.state == WarningState.OPEN and first.due_on == AS_OF + timedelta(days=15)
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    warning_act(acting_user=county, warning=first, action="verify", note="已核实，属实")

    # Saved with history, as every write path of payments does: the recomputation reads
    # the analytic copy, which finds changed rows through their history.
    sixty.amount = Decimal("59999.50")
    sixty.save()
    counts = warnings_recompute("411421", AS_OF, ["round_amount"])
    assert counts == {
        "found": 1,
        "new": 0,
        "still": 1,
        "reopened": 0,
        "cleared": 1,
        "escalated": 0,
    }
    first.refresh_from_db()
    assert first.state == WarningState.VERIFIED  # its handling kept
    second = FundWarning.objects.get(subject=f"payment:{sixty.pk}")
    assert second.state == WarningState.CLEARED  # never deleted
    assert second.actions.get().action == "clear"

    sixty.amount = Decimal("60000")
    sixty.save()
    assert warnings_recompute("411421", AS_OF, ["round_amount"])["reopened"] == 1
    second.refresh_from_db()
    assert second.state == WarningState.OPEN
    assert FundWarning.objects.count() == 2


def test_overdue_warnings_escalate_to_the_city_whose_office_then_handles_them(make_user):
    fifty, _sixty = _round_payments()
    warnings_recompute("411421", AS_OF, ["round_amount"])
    warning = FundWarning.objects.get(subject=f"payment:{fifty.pk}")
    city = make_user(Role.CITY_OFFICE, CITY)
    assert actions_for(city, warning) == []  # not the city's until escalated
    assert warnings_escalate(as_of=AS_OF + timedelta(days=15)) == 0  # due that day: not late
    assert warnings_escalate(as_of=AS_OF + timedelta(days=16)) == 2
    warning.refresh_from_db()
    assert warning.escalated_to_id == CITY and warning.escalated_at
    assert warning.actions.get().action == "escalate"
    assert warnings_escalate(as_of=AS_OF + timedelta(days=30)) == 0  # once
    assert actions_for(city, warning) == ["verify", "explain", "rectify"]
    client = Client()
    client.force_login(city)
    page = client.get(reverse("projects:warnings"), {"region": CITY, "escalated": "yes"})
    assert page.status_code == 200
    assert f'data-warning="{warning.pk}"' in page.content.decode()


def test_the_steps_of_handling_closing_needs_evidence(make_user):
    fifty, _sixty = _round_payments()
    warnings_recompute("411421", AS_OF, ["round_amount"])
    warning = FundWarning.objects.get(subject=f"payment:{fifty.pk}")
    treasury = make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY)
    auditor = make_user(Role.AUDITOR, CITY)
    outsider = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    assert actions_for(auditor, warning) == [] and actions_for(outsider, warning) == []
    with pytest.raises(PermissionDenied):
        warning_act(acting_user=auditor, warning=warning, action="verify", note="看看")
    with pytest.raises(TuopinError) as refused:
        warning_act(acting_user=treasury, warning=warning, action="close", note="已整改")
    assert refused.value.code == "warning_action_refused"  # open: verify first
    warning_act(acting_user=treasury, warning=warning, action="verify", note="属实")
    warning_act(acting_user=treasury, warning=warning, action="rectify", note="追回款项")
    with pytest.raises(TuopinError) as no_file:
        warning_act(acting_user=treasury, warning=warning, action="close", note="已追回")
    assert no_file.value.code == "warning_evidence_required"
    warning_act(
        acting_user=treasury, warning=warning, action="close", note="已追回", evidence=_evidence()
    )
    warning.refresh_from_db()
    assert warning.state == WarningState.CLOSED
    assert [a.action for a in warning.actions.all()] == ["verify", "rectify", "close"]
    assert warning.actions.last().evidence.name.startswith("warnings/")
    # an explained one closes as explained, and may be reopened
    other = FundWarning.objects.exclude(pk=warning.pk).get()
    warning_act(acting_user=treasury, warning=other, action="explain", note="合同约定整数支付")
    other.refresh_from_db()
    assert other.state == WarningState.EXPLAINED and actions_for(treasury, other) == ["reopen"]
    warnings_recompute("411421", AS_OF, ["round_amount"])
    other.refresh_from_db()
    assert other.state == WarningState.EXPLAINED  # still found, still explained


def test_the_inbox_per_role(make_user):
    fifty, _sixty = _round_payments()
    foreign = data.pay(70000, date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="某公司")
    FundPayment.objects.filter(pk=foreign.pk).update(region=other_county_village(SUIXIAN))
    warnings_recompute("", AS_OF, ["round_amount"])
    mine = FundWarning.objects.get(subject=f"payment:{fifty.pk}")
    theirs = FundWarning.objects.get(subject=f"payment:{foreign.pk}")

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    county = client_for(make_user(Role.COUNTY_OFFICE, MINQUAN))
    inbox = county.get(reverse("projects:warnings")).content.decode()
    assert f'data-warning="{mine.pk}"' in inbox and f'data-warning="{theirs.pk}"' not in inbox
    assert (
        'data-testid="warning-handle"'
        in county.get(reverse("projects:warning", args=[mine.pk])).content.decode()
    )
    assert county.get(reverse("projects:warning", args=[theirs.pk])).status_code == 404
    assert county.get(reverse("projects:warnings"), {"region": SUIXIAN}).status_code == 404
    filtered = county.get(reverse("projects:warnings"), {"rule": "idle_balance"}).content.decode()
    assert f'data-warning="{mine.pk}"' not in filtered
    scorecard = county.get(reverse("projects:warnings_scorecard")).context["card"]
    line = next(row for row in scorecard["rows"] if row["rule"].code == "round_amount")
    assert line["waiting"] == 2 and line["overdue"] == 2  # due 2019-01-15, long past
    assert [cell for _c, cell in line["cells"] if cell[0]] == [[2, 2]]  # both in 人和镇
    assert MINQUAN not in [column.code for column in scorecard["columns"]]
    # A warning kept at the county itself (its allocations to projects) has a 本级
    # column, so the totals match the inbox's count.
    FundWarning.objects.filter(pk=mine.pk).update(region_id=MINQUAN)
    response = county.get(reverse("projects:warnings_scorecard"))
    line = next(
        row for row in response.context["card"]["rows"] if row["rule"].code == "round_amount"
    )
    assert line["waiting"] == 2
    own = dict((c.code, cell) for c, cell in line["cells"])
    assert own[MINQUAN] == [1, 1] and sum(cell[0] for cell in own.values()) == 2
    assert "本级" in response.content.decode()

    auditor = client_for(make_user(Role.AUDITOR, CITY))
    inbox = auditor.get(reverse("projects:warnings")).content.decode()
    assert f'data-warning="{mine.pk}"' in inbox and f'data-warning="{theirs.pk}"' in inbox
    page = auditor.get(reverse("projects:warning", args=[mine.pk])).content.decode()
    assert "warning-handle" not in page  # reads, never handles
    download = auditor.get(reverse("projects:warnings_download"), {"region": MINQUAN})
    assert download.status_code in (200, 403)

    village = client_for(make_user(Role.VILLAGE, data.village().code))
    assert village.get(reverse("projects:warnings")).status_code == 403
    index = village.get(reverse("projects:index"))
    assert "资金预警" not in index.content.decode()


def test_a_write_of_fund_data_queues_one_recomputation(
    make_user, django_capture_on_commit_callbacks
):
    _round_payments()
    with django_capture_on_commit_callbacks(execute=True):
        funds_written("411421")
        funds_written("411421")
    job = Job.objects.get(kind=KIND)
    assert job.region_code == MINQUAN
    job_run(job, heartbeat=False)
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    assert FundWarning.objects.filter(rule="round_amount").count() == 2
    assert WarningAction.objects.count() == 0


def test_the_command_prints_every_finding_as_json():
    fund = data.fund(100000, date(2018, 1, 1))
    project = data.project(100000)
    data.disburse(fund, project, 100000, date(2018, 3, 1))  # day 59: late for upper funds
    paid = data.pay(50000, date(2018, 5, 1), to=project, kind=PayeeKind.ENTERPRISE, payee="公司")
    FundPayment.objects.filter(pk=paid.pk).update(fund=fund)
    data.pay(1000, date(2018, 5, 1), id_number="411421199001010033")
    out = StringIO()
    call_command("funds", "warnings", "--json", "--as-of", "2018-12-31", stdout=out)
    found = json.loads(out.getvalue())
    by_rule = {item["rule"]: item for item in found}
    assert set(by_rule) == {"allocation_late_upper", "round_amount", "payee_not_registered"}
    assert by_rule["allocation_late_upper"]["fund_document"] == fund.document
    assert by_rule["allocation_late_upper"]["amount"] == "100000.00"
    assert by_rule["round_amount"]["payment_id"] == paid.pk
    assert by_rule["round_amount"]["project_code"] == project.code
    assert by_rule["round_amount"]["fund_document"] == fund.document
    assert by_rule["payee_not_registered"]["id_number"] == "411421199001010033"
    assert all(item["severity"] and item["region"] and item["detail"] for item in found)
    text = StringIO()
    call_command(
        "funds", "warnings", "--rule", "round_amount", "--as-of", "2018-12-31", stdout=text
    )
    assert "round_amount" in text.getvalue() and "payee_not_registered" not in text.getvalue()
