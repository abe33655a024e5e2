"""Every funds warning rule finds on the analytic copy exactly what it finds on the
database: each boundary test of test_warning_rules (the planted anomaly and the near
misses around it) is run again with every finding read both ways and compared field by
field; then the copy after writes with and without history, the stored warnings of a
recomputation, and the database answering when DuckDB cannot.
"""

import sys
from datetime import date

import pytest

from tuopin.projects.enums import PayeeKind
from tuopin.projects.models import FundPayment, FundWarning
from tuopin.projects.tests import test_warning_rules as boundaries
from tuopin.projects.tests import warnings_data as data
from tuopin.projects.warning_rules import RULES, context_for, findings, findings_on_copy
from tuopin.projects.warning_rules.on_copy import DATABASE_ONLY, ON_COPY
from tuopin.projects.warnings_services import warnings_recompute
from tuopin.registry.analytic import queries

pytestmark = pytest.mark.django_db

END = date(2018, 12, 31)
BOUNDARY_TESTS = [getattr(boundaries, name) for name in dir(boundaries) if name.startswith("test_")]


def both_ways(rule: str, as_of: date = END) -> dict:
    context = context_for(prefix="4114", as_of=as_of)
    on_db = {f.subject: f for f in RULES[rule].run(context)}
    copied = findings_on_copy(context, [rule])
    assert rule in copied, f"{rule} did not run on the copy"
    assert {f.subject: f for f in copied[rule]} == on_db
    return on_db


def test_every_rule_is_listed_once():
    assert ON_COPY | set(DATABASE_ONLY) == set(RULES) and not ON_COPY & set(DATABASE_ONLY)
    assert len(BOUNDARY_TESTS) >= len(RULES)


@pytest.mark.parametrize("boundary", BOUNDARY_TESTS, ids=lambda test: test.__name__[5:])
def test_the_copy_finds_what_the_database_finds(boundary, shangqiu, monkeypatch):
    monkeypatch.setattr(boundaries, "found", both_ways)
    boundary()


def _planted():
    """A few anomalies of the payment rules: a payee outside the registry, one paid
    twice, an account on two households."""
    one, two = data.household(), data.household()
    data.member(one, "411421198001010011")
    data.member(two, "411421198201010011")
    data.pay(1000, date(2018, 5, 1), id_number="411421199001010033")
    data.pay(1000, date(2018, 5, 1), id_number="411421198001010011", period="2018")
    data.pay(1000, date(2018, 9, 1), id_number="411421198001010011", period="2018")
    data.pay(500, date(2018, 5, 1), id_number="411421198201010011", account="6228480000000001")
    data.pay(500, date(2018, 6, 1), id_number="411421198001010011", account="6228480000000001")
    return one, two


def _sorted(found):
    return sorted(found, key=lambda f: (f.rule, f.subject))


def test_the_copy_follows_writes_with_and_without_history(shangqiu):
    _planted()
    context = context_for(prefix="4114", as_of=END)
    before = _sorted(findings(context, on_copy=True))
    assert before == _sorted(findings(context)) and before
    # Through the ORM, recorded in the history: a payment gone, another's number changed.
    twice = FundPayment.objects.filter(period="2018").order_by("pk")
    twice.last().delete()
    stranger = FundPayment.objects.get(id_number="411421199001010033")
    stranger.id_number = "411421198201010011"
    stranger.save()
    after = _sorted(findings(context, on_copy=True))
    assert after == _sorted(findings(context)) and after != before
    assert "payee_not_registered" not in {f.rule for f in after}
    # Without history (bulk_create sends no signal), as a seed writes: found by counting.
    FundPayment.objects.bulk_create(
        [
            FundPayment(
                **{
                    field.attname: getattr(stranger, field.attname)
                    for field in FundPayment._meta.concrete_fields
                    if not field.primary_key
                }
                | {"id_number": "411421199901010099", "paid_on": date(2018, 7, 1)}
            )
        ]
    )
    again = _sorted(findings(context, on_copy=True))
    assert again == _sorted(findings(context))
    assert "payee_not_registered" in {f.rule for f in again}


def test_a_recomputation_on_the_copy_stores_the_same_warnings(shangqiu):
    _planted()
    data.pay(50000, date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="公司")

    def stored():
        return sorted(
            FundWarning.objects.values_list(
                "rule", "subject", "region_id", "amount", "detail", "payment_id", "state"
            )
        )

    counts = warnings_recompute("4114", END, on_copy=False)
    on_db = stored()
    assert warnings_recompute("4114", END, on_copy=True) | {"found": 0} == counts | {
        "found": 0,
        "new": 0,
        "still": counts["found"],
    }
    assert stored() == on_db and on_db


def test_the_database_answers_when_duckdb_cannot(shangqiu, monkeypatch):
    _planted()
    context = context_for(prefix="4114", as_of=END)
    on_db = _sorted(findings(context))

    def broken(sql, params):
        return "SELECT no_such_column FROM no_such_table", []

    monkeypatch.setattr(queries, "duckdb_of_postgresql", broken)
    assert findings_on_copy(context, list(RULES)) == {}
    assert _sorted(findings(context, on_copy=True)) == on_db
    # Without the analytic modules at all (not installed): the database finds every rule.
    monkeypatch.setitem(sys.modules, "duckdb", None)
    assert _sorted(findings(context, on_copy=True)) == on_db
