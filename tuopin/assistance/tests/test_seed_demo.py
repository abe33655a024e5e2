"""The demo's ledgers (`tuopin demo`) and `tuopin seed --ledgers`: every 行业部门 demo user
finds their department's ledgers filled and entries waiting for review."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tuopin.accounts.demo import DEMO_COUNTY, demo_users_ensure
from tuopin.accounts.models import Assignment
from tuopin.accounts.roles import Department, Role
from tuopin.assistance import models as ledgers
from tuopin.assistance.demo import ledger_demo
from tuopin.assistance.kinds import kinds_of_department
from tuopin.registry.models import Household
from tuopin.registry.seed import seed_registry

pytestmark = pytest.mark.django_db


def entries_of(department: str, **filters) -> int:
    total = 0
    for kind in kinds_of_department(department):
        model = getattr(ledgers, kind.model)
        if not hasattr(model, "review_status"):
            continue
        rows = model.objects.filter(region__code__startswith="411421", **filters)
        if kind.payment_kind:
            rows = rows.filter(kind=kind.payment_kind)
        total += rows.count()
    return total


def test_every_sector_demo_user_has_ledgers_and_entries_to_review(shangqiu):
    demo_users_ensure()
    seed_registry(households=400, region_code=DEMO_COUNTY, seed=1, year=2018)
    said = []
    result = ledger_demo(year=2018, seed=1, say=said.append)
    assert result["pending"] > 0 and "待审核" in said[0] and "waiting for review" in said[0]
    for assignment in Assignment.objects.filter(role=Role.SECTOR):
        department = assignment.department
        assert department, assignment.user.username
        if not kinds_of_department(department):
            continue  # 组织部 keeps no ledger: its work is the people app's (teams, branches)
        assert entries_of(department) > 0, department
        assert entries_of(department, review_status="pending") > 0, department
    assert {a.department for a in Assignment.objects.filter(role=Role.SECTOR)} == set(
        Department.values
    )
    # A second run with if_empty keeps what is there.
    before = ledgers.Payment.objects.count()
    assert ledger_demo(year=2018, seed=1, if_empty=True) is None
    assert ledgers.Payment.objects.count() == before


def test_seed_command_with_ledgers(shangqiu):
    out = StringIO()
    call_command(
        "seed", households=120, region="411421", seed=2, ledgers=True, json=True, stdout=out
    )
    totals = json.loads(out.getvalue())
    assert totals["households"] == 120
    assert totals["ledgers"]["total"] == sum(totals["ledgers"]["rows"].values()) > 0
    assert (
        ledgers.HealthInsurance.objects.count()
        == totals["ledgers"]["rows"]["assistance_healthinsurance"]
    )
    # --ledgers alone: ledgers for the households already there, same seed, same rows.
    out = StringIO()
    call_command("seed", region="411421", seed=2, ledgers=True, stdout=out)
    printed = out.getvalue()
    assert "台账完成" in printed and "ledgers done" in printed
    assert "planted coverage problems" in printed
    assert Household.objects.count() == 120
    assert (
        ledgers.HealthInsurance.objects.count()
        == totals["ledgers"]["rows"]["assistance_healthinsurance"]
    )


def test_seed_command_needs_households_or_ledgers(shangqiu):
    with pytest.raises(CommandError) as error:
        call_command("seed", region="411421", stdout=StringIO())
    assert "--households" in str(error.value) and "--ledgers" in str(error.value)


def test_demo_command_sets_up_the_ledgers_too_and_keeps_them_on_a_second_run(shangqiu):
    out = StringIO()
    call_command("demo", households=150, seed=1, year=2018, stdout=out)
    printed = out.getvalue()
    assert "行业台账" in printed and "sector ledgers" in printed
    for username in ("sector", "sector_education", "sector_finance", "sector_civil"):
        assert f"  {username} " in printed
    assert "行业部门（教育局）" in printed
    rows = ledgers.HealthInsurance.objects.count()
    assert rows > 0
    again = StringIO()
    call_command("demo", households=150, seed=1, year=2018, if_empty=True, stdout=again)
    assert ledgers.HealthInsurance.objects.count() == rows
    assert "待审核" not in again.getvalue()


def _fresh_id_sequences() -> None:
    """Ids from 1, as in the fresh database of `make run`: the seed draws its planted
    problems from row ids, and PostgreSQL does not give back the ids of the rows earlier
    tests rolled back (SQLite does). Only the tables no migration fills, all empty here."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for app in ("registry", "assistance"):
            for model in apps.get_app_config(app).get_models():
                table = model._meta.db_table
                cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
                if cursor.fetchone()[0]:
                    continue
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute("SELECT setval(%s, 1, false)", [sequence])


def test_at_the_demo_scale_every_kind_of_planted_problem_is_there(shangqiu):
    """2,000 households of 民权县 with seed 1, as `make run`: each coverage problem the
    seed plants occurs at least once, so every department's checks have something."""
    _fresh_id_sequences()
    seed_registry(households=2000, region_code=DEMO_COUNTY, seed=1, year=2018)
    result = ledger_demo(year=2018, seed=1)
    missing = [kind for kind, count in result["planted"].items() if count == 0]
    assert not missing
