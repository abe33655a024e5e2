"""Work teams: cadres, teams, postings, attendance, coverage checks, roster import."""

import csv
import itertools
import json
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from conftest import MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Department, Role
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people.cadres import cadre_find_or_create, cadre_update
from tuopin.people.checks import CHECKS, offenders
from tuopin.people.enums import AttendanceStatus, PostingRole
from tuopin.people.models import Attendance, PeopleParameter, Posting, WorkTeam
from tuopin.people.teams_import import import_teams
from tuopin.people.teams_selectors import monthly_attendance, teams_search
from tuopin.people.teams_services import attendance_sign, posting_create, posting_end, team_create
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.models import Helper

pytestmark = pytest.mark.django_db


def finding_codes(rows) -> list[str]:
    """The region code of every finding of a check's queryset."""
    return (
        [row["region_code"] for row in rows.values("region_code")]
        if not rows._fields
        else [row["region_code"] for row in rows]
    )


YEAR = 2018
SEQUENCE = itertools.count(100)


def idn(seq: int) -> str:
    return make_id_number("411421", date(1980, 1, 1), seq, "1")


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_OFFICE, MINQUAN)


def _cadre(user, name, seq=None, region=MINQUAN):
    cadre, _ = cadre_find_or_create(
        acting_user=user, region_code=region, name=name, id_number=idn(seq) if seq else ""
    )
    return cadre


def _team(user, village, members, start=date(2017, 3, 1), end=None):
    team = team_create(
        acting_user=user, village_code=village.code, sending_unit="县财政局", started_on=start
    )
    for name, role in members:
        posting_create(
            acting_user=user,
            team=team,
            cadre=_cadre(user, name, seq=next(SEQUENCE), region=village.code),
            role=role,
            started_on=start,
            ended_on=end,
        )
    return team


FULL = [
    ("甲书记", PostingRole.FIRST_SECRETARY),
    ("乙队员", PostingRole.MEMBER),
    ("丙队员", "member"),
]


# Cadres -------------------------------------------------------------------------------


def test_cadre_found_by_id_number_else_by_name_in_county(county):
    a, created = cadre_find_or_create(
        acting_user=county, region_code=MINQUAN, name="张伟", id_number=idn(1), unit_level="县直"
    )
    assert created and a.region_id == MINQUAN and a.unit_level == "3"
    again, created = cadre_find_or_create(
        acting_user=county, region_code=first_village(RENHE).code, name="张伟", phone="139"
    )
    assert again.pk == a.pk and not created
    again.refresh_from_db()
    assert again.phone == "139"  # a fact it lacked is filled in, with history
    assert again.history.count() == 2


def test_cadre_ambiguous_name_and_bad_id_number(county):
    Helper.objects.create(region_id=MINQUAN, name="李强")
    Helper.objects.create(region_id=MINQUAN, name="李强")
    with pytest.raises(TuopinError) as error:
        cadre_find_or_create(acting_user=county, region_code=MINQUAN, name="李强")
    assert error.value.code == "cadre_ambiguous"
    with pytest.raises(TuopinError) as error:
        cadre_find_or_create(
            acting_user=county, region_code=MINQUAN, name="王五", id_number="411421198001010000"
        )
    assert error.value.field == "id_number"


def test_cadre_id_number_unique(county):
    a = _cadre(county, "甲", 1)
    b = _cadre(county, "乙", 2)
    with pytest.raises(TuopinError) as error:
        cadre_update(acting_user=county, cadre=b, id_number=a.id_number)
    assert error.value.code == "cadre_id_taken"
    cadre_update(acting_user=county, cadre=b, post="科员", unit_level="乡镇")
    b.refresh_from_db()
    assert (b.post, b.unit_level) == ("科员", "4")


# Teams, postings, attendance ------------------------------------------------------------


def test_a_cadre_holds_one_posting_at_a_time(county):
    v1, v2 = first_village(RENHE), Region.objects.filter(parent_id=RENHE).order_by("code")[1]
    cadre = _cadre(county, "赵六", 5)
    t1 = team_create(
        acting_user=county, village_code=v1.code, sending_unit="甲", started_on=date(2017, 1, 1)
    )
    t2 = team_create(
        acting_user=county, village_code=v2.code, sending_unit="乙", started_on=date(2017, 1, 1)
    )
    p = posting_create(
        acting_user=county, team=t1, cadre=cadre, role="leader", started_on=date(2017, 1, 1)
    )
    with pytest.raises(TuopinError) as error:
        posting_create(
            acting_user=county, team=t2, cadre=cadre, role="member", started_on=date(2018, 1, 1)
        )
    assert error.value.code == "posting_twice"
    posting_end(acting_user=county, posting=p, ended_on=date(2017, 12, 31), reason="调回原单位")
    posting_create(
        acting_user=county, team=t2, cadre=cadre, role="member", started_on=date(2018, 1, 1)
    )
    assert p.history.count() == 2


def test_who_may_create_teams(make_user):
    village = first_village(RENHE)
    organisation = make_user(Role.SECTOR, MINQUAN, department=Department.ORGANISATION)
    assert team_create(
        acting_user=organisation,
        village_code=village.code,
        sending_unit="县委组织部",
        started_on=date(2018, 1, 1),
    )
    with pytest.raises(PermissionDenied):
        team_create(
            acting_user=make_user(Role.VILLAGE, village.code),
            village_code=village.code,
            sending_unit="x",
            started_on=date(2018, 1, 1),
        )
    with pytest.raises(OutOfScope):
        team_create(
            acting_user=organisation,
            village_code=other_county_village(SUIXIAN).code,
            sending_unit="x",
            started_on=date(2018, 1, 1),
        )
    with pytest.raises(TuopinError):
        team_create(
            acting_user=organisation,
            village_code=village.code,
            sending_unit="x",
            started_on=date(2018, 1, 1),
            ended_on=date(2017, 1, 1),
        )


def test_village_user_signs_attendance_and_the_month_report(county, make_user):
    village = first_village(RENHE)
    team = _team(county, village, FULL)
    cadre_user = make_user(Role.VILLAGE, village.code)
    postings = list(team.postings.order_by("pk"))
    day = date(2018, 5, 2)
    entries = {
        postings[0].pk: ("present", ""),
        postings[1].pk: ("leave", "病假"),
        postings[2].pk: ("absent", ""),
    }
    assert attendance_sign(acting_user=cadre_user, team=team, day=day, entries=entries) == 3
    assert attendance_sign(acting_user=cadre_user, team=team, day=day, entries=entries) == 0
    with pytest.raises(TuopinError) as error:
        attendance_sign(
            acting_user=cadre_user, team=team, day=day, entries={postings[1].pk: ("leave", "")}
        )
    assert error.value.code == "attendance_reason"
    neighbour = make_user(
        Role.VILLAGE, Region.objects.filter(parent_id=RENHE).order_by("code")[1].code
    )
    with pytest.raises(OutOfScope):
        attendance_sign(acting_user=neighbour, team=team, day=day, entries=entries)
    report = monthly_attendance(county, team, 2018, 5)
    assert [(m.present, m.leave, m.absent) for m in report] == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
    assert report[1].reasons == ["5月2日 病假"]


# Coverage checks ------------------------------------------------------------------------


def _found(user, code, prefix="411421"):
    return finding_codes(offenders(code, user, region_prefix=prefix, year=YEAR))


def test_checks_list_exactly_the_planted_shortfalls(county):
    villages = list(Region.objects.filter(parent_id=RENHE).order_by("code")[:5])
    Region.objects.filter(code__startswith="411421", level="village").update(is_poor_village=False)
    for v in villages[:4]:
        Region.objects.filter(pk=v.pk).update(is_poor_village=True)
    Region.objects.filter(pk=villages[4].pk).update(poor_exited_year=YEAR)  # exits this year
    _team(county, villages[0], FULL)  # complete
    _team(county, villages[1], FULL[:2])  # a team of two
    _team(county, villages[2], [("丁", "member"), ("戊", "member"), ("己", "member")])  # no leader
    # villages[3] and villages[4]: no team
    early = _team(county, villages[0], [], start=date(2017, 3, 1))
    short = posting_create(
        acting_user=county,
        team=early,
        cadre=_cadre(county, "庚", 300),
        role="member",
        started_on=date(2017, 3, 1),
        ended_on=date(2018, 6, 30),
    )
    posting_create(
        acting_user=county,
        team=early,
        cadre=_cadre(county, "辛", 301),
        role="member",
        started_on=date(2016, 3, 1),
        ended_on=date(2018, 3, 1),
    )  # exactly two years: not early
    assert sorted(_found(county, "village_without_team")) == [villages[3].code, villages[4].code]
    small = _found(county, "team_too_small")
    assert small.count(villages[1].code) == 1 and villages[2].code not in small
    assert _found(county, "team_without_leader").count(villages[2].code) == 1
    early_found = list(offenders("posting_ended_early", county, region_prefix="411421", year=YEAR))
    assert [p.pk for p in early_found] == [short.pk]
    # Attendance: 19 days present in May is short, 20 in June is not; no record: unknown.
    member = villages[0]
    posting = Posting.objects.filter(team__village=member, role="secretary").first()
    Attendance.objects.bulk_create(
        [Attendance(posting=posting, day=date(2018, 5, d), status="present") for d in range(1, 20)]
        + [
            Attendance(posting=posting, day=date(2018, 6, d), status="present")
            for d in range(1, 21)
        ]
    )
    rows = list(offenders("member_days_short", county, region_prefix="411421", year=YEAR))
    assert [(r["posting_id"], r["month"].month, r["present"]) for r in rows] == [
        (posting.pk, 5, 19)
    ]
    # A county parameter changes the rule for its villages only.
    PeopleParameter.objects.create(
        code="days_in_village_min", region_id=MINQUAN, year=2018, value=19
    )
    assert list(offenders("member_days_short", county, region_prefix="4114", year=YEAR)) == []
    PeopleParameter.objects.create(code="team_members_min", region_id=MINQUAN, year=2018, value=2)
    assert villages[1].code not in _found(county, "team_too_small", "4114")


def test_checks_keep_to_the_users_region(county, make_user):
    other = other_county_village(SUIXIAN)
    Region.objects.filter(pk=other.pk).update(is_poor_village=True)
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    _team(stranger, other, FULL[:1])
    for code in CHECKS:
        found = finding_codes(offenders(code, county, year=YEAR))
        assert all(c.startswith("411421") for c in found)
    assert not teams_search(county, year=YEAR).filter(village=other).exists()


# Roster import -------------------------------------------------------------------------

HEADER = [
    "村代码",
    "村名称",
    "派出单位",
    "姓名",
    "身份证号",
    "工作单位",
    "单位级别",
    "职务",
    "联系电话",
    "队内职务",
    "进驻日期",
    "期满日期",
]


def _csv(tmp_path, rows, name="roster.csv"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _good_rows():
    v1, v2 = list(Region.objects.filter(parent_id=RENHE).order_by("code")[:2])
    return [
        [
            v1.code,
            "",
            "县财政局",
            "周一",
            idn(11),
            "县财政局",
            "县直",
            "科长",
            "13900000001",
            "第一书记",
            "2017-03-01",
            "",
        ],
        [
            v1.code,
            "",
            "县财政局",
            "吴二",
            idn(12),
            "县财政局",
            "县直",
            "科员",
            "",
            "队员",
            "2017-03-01",
            "2019-03-01",
        ],
        ["", v2.name, "县教育局", "郑三", "", "县教育局", "县直", "", "", "队长", "2017/3/1", ""],
    ]


def test_roster_import_writes_and_reimport_changes_nothing(county, tmp_path):
    path = _csv(tmp_path, _good_rows())
    dry = import_teams(path, acting_user=county, dry_run=True)
    assert dry.created == 3 and not dry.written and not WorkTeam.objects.exists()
    report = import_teams(path, acting_user=county)
    assert (report.created, report.teams_created, report.errors) == (3, 2, [])
    assert Posting.objects.count() == 3 and WorkTeam.objects.count() == 2
    again = import_teams(path, acting_user=county)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 3, False)
    rows = _good_rows()
    rows[1][9] = "队长"
    report = import_teams(_csv(tmp_path, rows, "b.csv"), acting_user=county)
    assert report.updated == 1
    assert Posting.objects.get(cadre__name="吴二").history.count() == 2


def test_roster_import_rejects_exactly_the_bad_rows(county, tmp_path):
    good = _good_rows()
    v = good[0][0]
    bad = [
        [v, "", "县财政局", "坏号", "411421198001010000", "", "", "", "", "队员", "2017-03-01", ""],
        ["999999999999", "", "县财政局", "无村", "", "", "", "", "", "队员", "2017-03-01", ""],
        [v, "", "县财政局", "错职", "", "", "", "", "", "组长", "2017-03-01", ""],
        [v, "", "县财政局", "倒序", "", "", "", "", "", "队员", "2018-03-01", "2017-03-01"],
        [v, "", "县民政局", "周一", idn(11), "", "", "", "", "队员", "2018-01-01", ""],  # twice
        [
            other_county_village(SUIXIAN).code,
            "",
            "外县",
            "外人",
            "",
            "",
            "",
            "",
            "",
            "队员",
            "2017-03-01",
            "",
        ],
    ]
    path = _csv(tmp_path, good + bad)
    report = import_teams(path, acting_user=county)
    found = sorted((m.row, m.column, m.code) for m in report.errors)
    assert found == [
        (5, "身份证号", found[0][2]),
        (6, "村代码", "village_unknown"),
        (7, "队内职务", "role_unknown"),
        (8, "期满日期", "date_order"),
        (9, "进驻日期", "posting_twice"),
        (10, "村代码", "village_unknown"),
    ]
    assert found[0][:2] == (5, "身份证号")
    assert report.rejected == 6 and not report.written and not Posting.objects.exists()
    partial = import_teams(path, acting_user=county, partial=True)
    assert partial.created == 3 and partial.written and Posting.objects.count() == 3


def test_import_command_json_and_exit_codes(tmp_path, shangqiu):
    path = _csv(tmp_path, _good_rows())
    out = StringIO()
    call_command("import", "teams", str(path), "--json", "--dry-run", stdout=out)
    data = json.loads(out.getvalue())
    assert data["kind"] == "teams" and data["created"] == 3 and data["errors"] == []
    assert not Posting.objects.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("甲,乙\n1,2\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "teams", str(bad), "--json", stdout=StringIO())
    assert exit_.value.code == 2
    rows = _good_rows()
    rows[0][9] = "组长"
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "teams", str(_csv(tmp_path, rows, "c.csv")), stdout=StringIO())
    assert exit_.value.code == 1


def test_attendance_status_labels_are_chinese():
    assert str(AttendanceStatus.LEAVE.label) == "请假"


def test_the_documented_sample_imports(tmp_path, shangqiu):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[3] / "docs/formats/samples/people-teams.csv"
    report = import_teams(sample, dry_run=True)
    assert report.errors == [] and report.created == 3
