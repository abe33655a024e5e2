"""`tuopin import enterprises|workshops`: the documented samples, row errors, dry run, all
or nothing, --partial, re-import changes nothing, the JSON shape and exit codes."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from tuopin.core.tests.write_behind_spy import writers_started
from tuopin.people.models import (
    Enterprise,
    EnterprisePairing,
    PairingBeneficiary,
    PairingProject,
    Workshop,
    WorkshopEmployee,
)
from tuopin.people.orgs_importer import import_orgs
from tuopin.regions.models import Region
from tuopin.registry.models import Household, Member

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "formats" / "samples"
ENTERPRISES = SAMPLES / "people_enterprises.csv"
WORKSHOPS = SAMPLES / "people_workshops.csv"
REGISTERED = "41142119750402603X"  # 赵德顺 in the samples


@pytest.fixture
def registered_person():
    household = Household.objects.create(
        village=Region.objects.get(code="411421101201"), number="4114211012010001"
    )
    return Member.objects.create(household=household, name="赵德顺", id_number=REGISTERED)


def _run(*args) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("import", *args, "--json", stdout=out)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, json.loads(out.getvalue())


def _counts():
    return tuple(
        model.objects.count()
        for model in (
            Enterprise,
            EnterprisePairing,
            PairingProject,
            PairingBeneficiary,
            Workshop,
            WorkshopEmployee,
        )
    )


def test_the_samples_import_and_import_again_unchanged(registered_person):
    code, result = _run("enterprises", str(ENTERPRISES))
    assert code == 0, result
    assert result["rows"] == 4 and result["created"] == 4 and result["written"]
    assert result["not_registered"] == 1  # 钱秀兰 is not in the registry
    assert _counts()[:4] == (2, 3, 2, 2)
    leading = Enterprise.objects.get(credit_code="91411421MA3X5Q2K0L")
    assert leading.is_leading and leading.chamber == "民权县工商业联合会"
    assert PairingBeneficiary.objects.get(id_number=REGISTERED).member == registered_person
    code, result = _run("workshops", str(WORKSHOPS))
    assert code == 0, result
    assert result["created"] == 3 and result["not_registered"] == 2
    workshop = Workshop.objects.get(name="朱寨村服装扶贫车间")
    assert workshop.operator == leading and workshop.total_staff == 25
    employee = WorkshopEmployee.objects.get(id_number=REGISTERED)
    assert employee.member == registered_person and employee.monthly_wage == Decimal("1800")
    history = (leading.history.count(), employee.history.count())
    for what, path, rows in (("enterprises", ENTERPRISES, 4), ("workshops", WORKSHOPS, 3)):
        code, again = _run(what, str(path))
        assert (
            code == 0 and again["unchanged"] == rows and again["created"] == again["updated"] == 0
        )
    assert (leading.history.count(), employee.history.count()) == history


def _csv(tmp_path, name, text) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEAD = "企业名称,统一社会信用代码,所在区划代码,带贫龙头企业,结对村代码,帮扶形式,帮扶项目,投入资金（元）\n"


def test_bad_rows_are_named_and_nothing_is_written_unless_partial(tmp_path):
    path = _csv(
        tmp_path,
        "e.csv",
        HEAD
        + "好企业,91411421MA3X5Q2K0L,411421000000,是,411421101201,产业帮扶,大棚,1000\n"
        + "坏代码,91410000MA40XXXXXX,411421000000,否,411421101201,产业帮扶,,\n"
        + "坏形式,91411400MA40BN6C02,411421000000,否,411421101202,送温暖,,\n"
        + "坏村,92411421MA45EJ1D08,411421000000,否,411421101,村企共建,,\n",
    )
    code, result = _run("enterprises", str(path))
    assert code == 1 and not result["written"] and _counts() == (0,) * 6
    errors = {(e["row"], e["column"]): e for e in result["errors"]}
    assert set(errors) == {(3, "统一社会信用代码"), (4, "帮扶形式"), (5, "结对村代码")}
    assert "校验位" in errors[(3, "统一社会信用代码")]["message"]
    assert errors[(3, "统一社会信用代码")]["message_en"]
    assert result["rejected"] == 3
    code, dry = _run("enterprises", str(path), "--partial", "--dry-run")
    assert code == 1 and dry["created"] == 1 and not dry["written"] and _counts() == (0,) * 6
    code, partial = _run("enterprises", str(path), "--partial")
    assert code == 1 and partial["written"] and partial["created"] == 1
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["好企业"]


def test_a_row_that_contradicts_an_earlier_one_and_unknown_places(tmp_path):
    path = _csv(
        tmp_path,
        "e.csv",
        HEAD
        + "甲企业,91411421MA3X5Q2K0L,411421000000,是,411421101201,产业帮扶,,\n"
        + "乙企业,91411421MA3X5Q2K0L,411421000000,是,411421101202,就业帮扶,,\n"
        + "丙企业,91411400MA40BN6C02,411421000000,否,999999999999,产业帮扶,,\n",
    )
    code, result = _run("enterprises", str(path))
    messages = {e["row"]: e["message"] for e in result["errors"]}
    assert code == 1 and "与第 2 行的企业信息不一致" in messages[3]
    assert "不是行政村" in messages[4]


def test_workshops_need_a_known_operator_and_sane_contracts(tmp_path):
    head = "车间名称,经营主体信用代码,所在村代码,车间类型,姓名,身份证号,合同开始日期,合同结束日期,月工资（元）\n"
    path = _csv(
        tmp_path,
        "w.csv",
        head
        + "甲车间,91411421MA3X5Q2K0L,411421101201,厂房,张三,41142119750402603X,2018-01-01,,1500\n"
        + "乙车间,,411421101201,作坊,李四,411421198207096044,2018-01-01,,1500\n"
        + "丙车间,,411421101201,居家,王五,411421198207096045,2018-05-01,2018-04-01,-3\n",
    )
    code, result = _run("workshops", str(path))
    found = {(e["row"], e["column"]) for e in result["errors"]}
    assert code == 1 and (3, "车间类型") in found
    assert {(4, "身份证号"), (4, "合同结束日期"), (4, "月工资（元）")} <= found
    # Row 2 is fine on its own; written, its operator is unknown.
    code, result = _run("workshops", str(path), "--partial")
    assert [(e["row"], e["column"]) for e in result["errors"] if e["row"] == 2] == [
        (2, "经营主体信用代码")
    ]
    assert not Workshop.objects.exists()


def test_an_xlsx_with_a_title_row_and_an_unusable_file(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["扶贫车间花名册"])
    sheet.append(["车间名称", "所在村代码", "车间类型", "身份证号", "合同开始日期", "月工资（元）"])
    sheet.append(["甲车间", 411421101201, "种养", REGISTERED, date(2018, 2, 1), 2000])
    path = tmp_path / "w.xlsx"
    book.save(path)
    result = import_orgs("workshops", path)
    assert not result.errors and result.created == 1
    assert WorkshopEmployee.objects.get().contract_start == date(2018, 2, 1)
    code, unusable = _run("workshops", str(_csv(tmp_path, "x.csv", "甲,乙\n1,2\n")))
    assert code == 2 and unusable["errors"][0]["code"] == "header_missing"


@pytest.mark.django_db(transaction=True)
def test_blocks_are_written_behind_and_kept_all_or_nothing(tmp_path, monkeypatch):
    """On PostgreSQL, outside a transaction, each planned block is written by a thread
    with a connection of its own while the next is planned. An enterprise created by one
    block takes the pairings of later blocks; a project created by one block and given
    other money by a later one is stored with the later money; an error in a later
    block leaves nothing written unless partial (then the good blocks are kept); a dry
    run writes nothing; a re-import changes nothing."""
    from django.db import connection

    from tuopin.people import orgs_importer

    monkeypatch.setattr(orgs_importer, "WRITE_BLOCK", 1)
    threaded = writers_started(monkeypatch)
    rows = (
        HEAD
        + "好企业,91411421MA3X5Q2K0L,411421000000,是,411421101201,产业帮扶,大棚,1000\n"
        + "好企业,91411421MA3X5Q2K0L,411421000000,是,411421101201,产业帮扶,大棚,2000\n"
        + "好企业,91411421MA3X5Q2K0L,411421000000,是,411421101202,就业帮扶,车间,500\n"
    )
    late = _csv(
        tmp_path,
        "late.csv",
        rows + "丙企业,91411400MA40BN6C02,411421000000,否,999999999999,产业帮扶,,\n",
    )
    code, result = _run("enterprises", str(late))
    assert threaded == [connection.vendor == "postgresql"]
    assert code == 1 and not result["written"] and [e["row"] for e in result["errors"]] == [5]
    assert _counts() == (0,) * 6

    code, result = _run("enterprises", str(late), "--partial", "--dry-run")
    assert (result["created"], result["updated"], result["written"]) == (2, 1, False)
    assert _counts() == (0,) * 6
    code, result = _run("enterprises", str(late), "--partial")
    assert code == 1 and result["written"] and (result["created"], result["updated"]) == (2, 1)
    enterprise = Enterprise.objects.get()
    assert enterprise.history.count() == 1
    pairings = EnterprisePairing.objects.order_by("village_id")
    assert [(p.enterprise_id, p.village_id) for p in pairings] == [
        (enterprise.pk, "411421101201"),
        (enterprise.pk, "411421101202"),
    ]
    projects = {p.name: p for p in PairingProject.objects.all()}
    assert (projects["大棚"].money, projects["车间"].money) == (Decimal(2000), Decimal(500))
    assert projects["大棚"].pairing_id == pairings[0].pk

    steady = _csv(tmp_path, "steady.csv", HEAD + rows.splitlines(keepends=True)[3])
    code, again = _run("enterprises", str(steady))
    assert (code, again["unchanged"], again["written"]) == (0, 1, False)
    assert _counts()[:3] == (1, 2, 2)
