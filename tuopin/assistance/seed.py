"""Synthetic sector ledgers (`tuopin seed --ledgers`): a realistic year of every ledger for
the registry households of a region, with a small share of planted problems.

Set-based: every ledger is one or a few ``INSERT ... SELECT`` statements over the
registry (members joined to their households, scoped by village-code prefix), so the
city (230,000 households, about 760,000 members, about 3 million ledger rows) is written
by the database, not by a Python loop over people. The few rows that do not come from
the registry (training courses, village PV stations, people who are not registered) are
written with ``bulk_create``.

Deterministic: the pseudo-random choices are a hash of the row's id and the seed in SQL
(``_Sql.rnd``: integer arithmetic that PostgreSQL and SQLite compute alike), so the same
registry and seed give the same ledgers. Seeded rows carry no history (as the registry
seed: a generated row has no author; its history starts with its first real edit), and
most are already reviewed (审核通过); about 1% wait for review, so a sector user has
entries to check.

The planted problems (``PLANTED``) are what the coverage checks look for: each is
written by its own statement, so its count is exact, and the people it concerns are
otherwise clean. A household may carry several of them (they are independent draws);
``seed_ledgers`` returns the count of each.

Running it again for the same region and year first removes the ledger rows of that
region for the year (and the two years before, for loans, which run three years).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from tuopin.assistance import models as ledgers
from tuopin.assistance.measures import measures_sync
from tuopin.assistance.parameters import PARAMETERS
from tuopin.core.db import analyze
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import filter_prefix
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.models import Member
from tuopin.registry.seed import GIVEN, SURNAMES

# What the seed plants for the coverage checks to find (domain-assistance §1–§9).
PLANTED = {
    "uninsured": "参保：在册成员本年度未参保",
    "ill_without_cover": "参保：大病患者无大病保险",
    "ill_without_contract": "家庭医生：大病患者未签约",
    "student_not_enrolled": "学籍：在校生不在学籍台账中",
    "student_not_registered": "学籍：学生不在建档立卡库中",
    "student_without_aid": "学生资助：在册学生无资助",
    "aid_wrong_amount": "学生资助：金额与学段标准不符",
    "aid_paid_twice": "学生资助：同一学期同一项目发放两次",
    "loan_over_limit": "小额信贷：贷款金额超过上限",
    "loan_over_term": "小额信贷：期限超过三年",
    "loan_second_in_household": "小额信贷：一户两笔未结清贷款",
    "borrower_over_age": "小额信贷：借款人超龄",
    "post_unable_to_work": "公益性岗位：岗位人员无劳动能力",
    "post_not_registered": "公益性岗位：岗位人员不在建档立卡库中",
    "post_paid_twice": "公益性岗位：同月补贴发放两次",
    "ranger_not_registered": "护林员：不在建档立卡库中",
    "ranger_over_age": "护林员：超过年龄上限",
    "house_not_in_plan": "危房改造：C/D 级危房未列入改造计划",
    "house_not_finished": "危房改造：未按期竣工",
    "disabled_without_certificate": "残疾人：登记残疾但残联无持证记录",
    "paid_after_death": "发放：成员死亡后仍发放",
    "paid_after_moving_out": "发放：成员迁出后仍发放",
    "dibao_not_in_civil_list": "两项制度衔接：低保贫困户不在民政低保名单",
    "dibao_not_in_registry": "两项制度衔接：民政低保户在库中不是低保户",
    "dibao_outsider": "两项制度衔接：民政低保对象不在建档立卡库中",
    "pv_short": "光伏：无劳动能力户收益低于标准",
}

# Problems about a household (planted_ids names them by household number; the others by
# the person's ID number).
HOUSEHOLD_PROBLEMS = frozenset(
    {
        "loan_second_in_household",
        "house_not_in_plan",
        "house_not_finished",
        "dibao_not_in_civil_list",
        "dibao_not_in_registry",
        "pv_short",
    }
)

# Student aid per term by stage (豫政办〔2016〕120号; the parameters' defaults / terms).
TERMS = 2
AID_BY_STAGE = [
    ("preschool", "care_fee", "aid_preschool_care_fee", False),
    ("preschool", "living", "aid_preschool_living", False),
    ("primary", "living", "aid_primary_boarding", True),
    ("junior", "living", "aid_junior_boarding", True),
    ("senior", "national_grant", "aid_senior_grant", False),
    ("vocational", "national_grant", "aid_vocational_grant", False),
    ("vocational", "yulu", "aid_yulu", False),
    ("higher_vocational", "national_grant", "aid_higher_vocational_grant", False),
    ("higher_vocational", "yulu", "aid_yulu", False),
    ("undergraduate", "national_grant", "aid_undergraduate_grant", False),
]
# The registry's 在校生状况 code -> the ledger's stage and grade.
STAGE_OF_STUDENT_STATUS = {
    "02": ("preschool", "大班"),
    "03": ("primary", "小学"),
    "04": ("junior", "七年级"),
    "05": ("junior", "八年级"),
    "06": ("junior", "九年级"),
    "07": ("senior", "高一"),
    "08": ("senior", "高二"),
    "09": ("senior", "高三"),
    "10": ("vocational", "中职一年级"),
    "11": ("vocational", "中职二年级"),
    "12": ("vocational", "中职三年级"),
    "13": ("higher_vocational", "高职一年级"),
    "14": ("higher_vocational", "高职二年级"),
    "15": ("higher_vocational", "高职三年级"),
    "16": ("undergraduate", "本科"),
}
SCHOOLS = {
    "preschool": "中心幼儿园",
    "primary": "中心小学",
    "junior": "第一初级中学",
    "senior": "第一高级中学",
    "vocational": "职业教育中心",
    "higher_vocational": "商丘职业技术学院",
    "undergraduate": "商丘师范学院",
}
COURSES = [
    # (course, institution after the county's name, category)
    ("电焊工技能培训", "职业技术培训学校", "职业技能"),
    ("家政服务员培训", "家政服务培训中心", "家政服务"),
    ("食用菌种植技术培训", "农业广播电视学校", "农业实用技术"),
    ("电子商务培训", "电子商务服务中心", "创业培训"),
]
BANKS = ["河南省农村信用社", "中国邮政储蓄银行", "中国农业银行"]
HOSPITALS = ["县人民医院", "县中医院", "乡镇卫生院", "商丘市第一人民医院"]
WORK_PLACES = [
    ("河南省", "商丘市", "本县"),
    ("河南省", "郑州市", ""),
    ("浙江省", "宁波市", ""),
    ("江苏省", "苏州市", ""),
    ("广东省", "东莞市", ""),
    ("北京市", "北京市", ""),
]
EMPLOYERS = ["扶贫车间", "县产业集聚区企业", "建筑工地", "电子厂", "服装厂", "物流公司"]
DISEASES = ["hypertension", "diabetes", "tuberculosis", "mental", "other"]

# Shares, per thousand (the hash gives 0-999).
PENDING = 10  # waiting for review
PLANT = 5  # most planted problems: 0.5% of the rows they concern
# The note of the deaths and moves the seed records (so that a second run undoes them).
EVENT_NOTE = "台账合成数据"
RARE = 20  # problems among fewer rows (loans, aid, PV): 2%, so a county has some


class _Sql:
    """SQL fragments that PostgreSQL and SQLite both run, with literals inlined (digits,
    dates and code words only) so no parameter formatting touches the `%` operator."""

    PRIMES = (1_000_003, 999_983, 999_979, 999_961, 999_959, 999_953, 999_931, 999_917)

    def __init__(self, seed: int):
        self.seed = seed
        self.postgres = connection.vendor == "postgresql"

    def rnd(self, column: str, salt: int) -> str:
        """A pseudo-random 0-999 from a row id, the seed and a salt (one draw per salt)."""
        prime = self.PRIMES[salt % len(self.PRIMES)]
        multiplier = 48_271 + 7_919 * salt
        offset = (self.seed * 104_729 + salt * 15_485_863) % prime
        return f"(((CAST({column} AS BIGINT) * {multiplier} + {offset}) % {prime}) % 1000)"

    def date(self, day: date) -> str:
        return f"DATE '{day.isoformat()}'" if self.postgres else f"'{day.isoformat()}'"

    def now(self) -> str:
        moment = timezone.now()
        if self.postgres:
            return f"CAST('{moment.isoformat()}' AS TIMESTAMP WITH TIME ZONE)"
        return f"'{connection.ops.adapt_datetimefield_value(moment)}'"

    def pick(self, draw: str, values: list[str]) -> str:
        """One of `values` (SQL expressions) chosen by a draw."""
        whens = " ".join(f"WHEN {i} THEN {value}" for i, value in enumerate(values))
        return f"(CASE ({draw}) % {len(values)} {whens} END)"

    def text(self, value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    def texts(self, draw: str, values: list[str]) -> str:
        return self.pick(draw, [self.text(v) for v in values])

    def dates(self, draw: str, days: list[date]) -> str:
        return self.pick(draw, [self.date(d) for d in days])

    def cast_text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"


class _Seeder:
    def __init__(self, prefix: str, year: int, seed: int):
        self.prefix, self.year, self.seed = prefix, year, seed
        self.sql = _Sql(seed)
        self.now = self.sql.now()
        self.rows: dict[str, int] = {}
        self.planted: dict[str, int] = dict.fromkeys(PLANTED, 0)
        self.planted_ids: dict[str, list[str]] = {kind: [] for kind in PLANTED}
        self.rng = random.Random(f"{seed}:ledgers:{prefix}:{year}")
        self.defaults = {code: p.default for code, p in PARAMETERS.items()}

    # -- helpers -----------------------------------------------------------------------

    def execute(self, statement: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return max(cursor.rowcount, 0)

    def scalar(self, statement: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone()[0] or 0

    def born(self, oldest_age: int, youngest_age: int, on: date | None = None) -> str:
        """Members aged `youngest_age`..`oldest_age` on `on` (default the year's end)."""
        on = on or date(self.year, 12, 31)
        earliest = date(on.year - oldest_age - 1, on.month, on.day) + timedelta(days=1)
        latest = date(on.year - youngest_age, on.month, on.day)
        s = self.sql
        return f"m.birth_date BETWEEN {s.date(earliest)} AND {s.date(latest)}"

    def scope(self) -> str:
        return f"h.village_id LIKE '{self.prefix}%'"

    def entry(self, draw_column: str, year: int | None = None, person: bool = True) -> dict:
        """The LedgerEntry columns of a row about member `m` (or household `h`)."""
        s = self.sql
        review = (
            f"CASE WHEN {s.rnd(draw_column, 97)} < {PENDING} THEN 'pending' ELSE 'approved' END"
        )
        reviewed = f"CASE WHEN {s.rnd(draw_column, 97)} < {PENDING} THEN NULL ELSE {self.now} END"
        return {
            "region_id": "h.village_id",
            "year": str(year or self.year),
            "id_number": "m.id_number" if person else "hm.id_number",
            "name": "m.name" if person else "hm.name",
            "household_number": "h.number",
            "household_id": "h.id",
            "member_id": "m.id" if person else "hm.id",
            "review_status": review,
            "entered_at": self.now,
            "reviewed_at": reviewed,
            "return_reason": "''",
            "note": "''",
            "updated_at": self.now,
        }

    def insert(self, model, columns: dict, source: str, label: str | None = None) -> int:
        table = model._meta.db_table
        names = ", ".join(columns)
        values = ", ".join(columns.values())
        count = self.execute(f"INSERT INTO {table} ({names}) SELECT {values} FROM {source}")
        key = label or table
        self.rows[key] = self.rows.get(key, 0) + count
        return count

    def ids(self, statement: str) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return [row[0] for row in cursor.fetchall()]

    def plant(self, kind: str, who: list[str]) -> None:
        """Record a planted problem: ID numbers of people, or household numbers."""
        self.planted[kind] += len(who)
        self.planted_ids[kind].extend(who)

    def plant_insert(
        self, kind: str, model, columns: dict, source: str, label=None, ident="m.id_number"
    ) -> None:
        """Insert rows that are themselves the planted problem, and record whom they concern."""
        self.plant(kind, self.ids(f"SELECT DISTINCT {ident} FROM {source}"))
        self.insert(model, columns, source, label)

    def members(self, where: str) -> str:
        """Current members of households in scope (aliases m, h)."""
        return (
            "registry_member m JOIN registry_household h ON h.id = m.household_id "
            f"WHERE {self.scope()} AND m.status = '1' AND m.id_number <> '' AND ({where})"
        )

    def param(self, code: str):
        return self.defaults[code]

    # -- clearing ----------------------------------------------------------------------

    def clear(self) -> None:
        years = f"year BETWEEN {self.year - 2} AND {self.year}"
        region = f"region_id LIKE '{self.prefix}%'"
        loans = f"SELECT id FROM assistance_loan WHERE {region} AND {years}"
        records = f"SELECT id FROM assistance_employmentrecord WHERE {region} AND {years}"
        self.execute(f"DELETE FROM assistance_loanrepayment WHERE loan_id IN ({loans})")
        self.execute(f"DELETE FROM assistance_loancheck WHERE loan_id IN ({loans})")
        self.execute(f"DELETE FROM assistance_employmentservice WHERE record_id IN ({records})")
        for model in ledgers.ledger_entry_models():
            self.execute(f"DELETE FROM {model._meta.db_table} WHERE {region} AND {years}")
        # The deaths and moves a previous run planted are undone (the registry as it was).
        events = (
            "SELECT e.member_id FROM registry_memberevent e JOIN registry_member m ON "
            "m.id = e.member_id JOIN registry_household h ON h.id = m.household_id "
            f"WHERE e.note = '{EVENT_NOTE}' AND {self.scope()}"
        )
        self.execute(f"UPDATE registry_member SET status = '1' WHERE id IN ({events})")
        self.execute(
            f"DELETE FROM registry_memberevent WHERE note = '{EVENT_NOTE}' "
            f"AND member_id IN (SELECT m.id FROM registry_member m JOIN registry_household h "
            f"ON h.id = m.household_id WHERE {self.scope()})"
        )
        # Raw deletes: the ORM's would fetch every row and write a history row for each.
        # A county's courses go when none of their trainees is left (a township's seed
        # keeps the courses its county's other townships use).
        self.execute(
            "DELETE FROM assistance_trainingcourse WHERE "
            f"region_id LIKE '{self.prefix[:6]}%' AND year = {self.year} AND NOT EXISTS "
            "(SELECT 1 FROM assistance_trainee t WHERE t.course_id = assistance_trainingcourse.id)"
        )
        self.execute(f"DELETE FROM assistance_pvstation WHERE village_id LIKE '{self.prefix}%'")

    # -- 健康 (G) ------------------------------------------------------------------------

    def health(self) -> None:
        s, y = self.sql, self.year
        uninsured = f"{s.rnd('m.id', 1)} < {PLANT}"
        ill_uncovered = f"m.is_seriously_ill AND {s.rnd('m.id', 2)} < 30"
        cols = self.entry("m.id") | {
            "basic_insured": "TRUE",
            "serious_illness_cover": f"CASE WHEN {ill_uncovered} THEN FALSE ELSE TRUE END",
            "supplementary_cover": "TRUE",
            "personal_contribution": "0",
            "subsidy_amount": "220",
            "subsidy_source": "'财政全额资助'",
        }
        self.insert(ledgers.HealthInsurance, cols, self.members(f"NOT ({uninsured})"))
        self.plant("uninsured", self.ids(f"SELECT m.id_number FROM {self.members(uninsured)}"))
        self.plant(
            "ill_without_cover",
            self.ids(
                f"SELECT m.id_number FROM {self.members(f'NOT ({uninsured}) AND {ill_uncovered}')}"
            ),
        )
        # 家庭医生签约: everyone who is ill, disabled or 65 and over, and most others.
        no_contract = f"m.is_seriously_ill AND {s.rnd('m.id', 3)} < 30"
        priority = "(m.is_seriously_ill OR m.is_chronically_ill OR m.is_disabled)"
        wanted = f"({priority} OR {self.born(120, 65)} OR {s.rnd('m.id', 4)} < 400)"
        days = [date(y, month, 10) for month in range(1, 7)]
        cols = self.entry("m.id") | {
            "team": "'乡镇卫生院家庭医生团队'",
            "signed_on": s.dates(s.rnd("m.id", 5), days),
            "follow_ups": f"CASE WHEN {priority} THEN 4 ELSE 1 END",
        }
        self.insert(ledgers.DoctorContract, cols, self.members(f"{wanted} AND NOT ({no_contract})"))
        self.plant(
            "ill_without_contract", self.ids(f"SELECT m.id_number FROM {self.members(no_contract)}")
        )
        # 慢病卡 for the chronically ill.
        cols = self.entry("m.id") | {
            "disease": s.texts(s.rnd("m.id", 6), DISEASES),
            "card_number": "'MB' || " + s.cast_text("m.id"),
            "special_treatment": "''",
            "issued_on": s.dates(s.rnd("m.id", 7), [date(y - 1, 3, 1), date(y, 4, 1)]),
        }
        self.insert(ledgers.ChronicCard, cols, self.members("m.is_chronically_ill"))
        # Hospital stays of the seriously ill: one each, a second for half of them.
        for stay, where in ((1, "TRUE"), (2, f"{s.rnd('m.id', 8)} < 500")):
            total = f"(3000 + {s.rnd('m.id', 9 + stay)} * 40)"
            admission = s.rnd("m.id", 11 + stay)
            admitted = s.dates(admission, [date(y, mo, 5) for mo in range(1, 12)])
            cols = self.entry("m.id") | {
                "bill_number": f"'ZY{y}-' || {s.cast_text('m.id')} || '-{stay}'",
                "hospital": s.texts(s.rnd("m.id", 13 + stay), HOSPITALS),
                "admitted_on": admitted,
                "discharged_on": s.dates(admission, [date(y, mo, 14) for mo in range(1, 12)]),
                "in_county": f"{s.rnd('m.id', 15)} < 850",
                "one_stop": "TRUE",
                "total_cost": total,
                "compliant_cost": f"{total} * 9 / 10",
                "basic_insurance": f"{total} * 5 / 10",
                "serious_illness_insurance": f"{total} * 2 / 10",
                "supplementary_insurance": f"{total} / 10",
                "medical_assistance": f"{total} / 20",
                "other_reimbursement": "0",
                "self_paid": f"{total} - {total} * 5 / 10 - {total} * 2 / 10 - {total} / 10 - {total} / 20",
            }
            self.insert(
                ledgers.HospitalSettlement, cols, self.members(f"m.is_seriously_ill AND {where}")
            )

    # -- 教育 (F) ------------------------------------------------------------------------

    def education(self) -> None:
        s, y = self.sql, self.year
        statuses = ", ".join(f"'{code}'" for code in STAGE_OF_STUDENT_STATUS)
        stage = (
            "CASE m.student_status "
            + " ".join(
                f"WHEN '{code}' THEN '{stage}'"
                for code, (stage, _) in STAGE_OF_STUDENT_STATUS.items()
            )
            + " END"
        )
        grade = (
            "CASE m.student_status "
            + " ".join(
                f"WHEN '{code}' THEN '{g}'" for code, (_, g) in STAGE_OF_STUDENT_STATUS.items()
            )
            + " END"
        )
        school = (
            "CASE m.student_status "
            + " ".join(
                f"WHEN '{code}' THEN '{SCHOOLS[st]}'"
                for code, (st, _) in STAGE_OF_STUDENT_STATUS.items()
            )
            + " END"
        )
        not_enrolled = f"{s.rnd('m.id', 20)} < {PLANT}"
        students = f"m.student_status IN ({statuses})"
        boarding = f"CASE WHEN m.student_status IN ('03', '04', '05', '06') THEN {s.rnd('m.id', 21)} < 450 ELSE NULL END"
        cols = self.entry("m.id") | {
            "stage": stage,
            "status": "'1'",
            "school": school,
            "student_number": "'G' || m.id_number",
            "grade": grade,
            "boarding": boarding,
            "in_province": f"CASE WHEN m.student_status = '16' THEN {s.rnd('m.id', 22)} < 800 ELSE TRUE END",
        }
        self.insert(
            ledgers.StudentEnrolment, cols, self.members(f"{students} AND NOT ({not_enrolled})")
        )
        self.plant(
            "student_not_enrolled",
            self.ids(f"SELECT m.id_number FROM {self.members(f'{students} AND {not_enrolled}')}"),
        )
        # 控辍保学: half the school-age children the registry has out of school.
        out = f"m.student_status IN ('', '01') AND {self.born(15, 6, date(y, 8, 31))}"
        cols = self.entry("m.id") | {
            "found_on": s.dates(s.rnd("m.id", 23), [date(y, 3, 10), date(y, 9, 10)]),
            "reason": "'厌学'",
            "responsible": "'包村教师'",
            "steps": "'入户劝返'",
            "outcome": s.texts(s.rnd("m.id", 24), ["returned", "", "home_teaching"]),
        }
        self.plant(
            "student_not_registered",
            self._outsiders(
                ledgers.StudentEnrolment,
                0.01,
                {"stage": "junior", "status": "1", "school": SCHOOLS["junior"], "grade": "八年级"},
                ages=(13, 14),
            ),
        )
        self.insert(ledgers.DropoutCase, cols, self.members(f"{out} AND {s.rnd('m.id', 25)} < 500"))
        self._student_aid()

    def _student_aid(self) -> None:
        s, y = self.sql, self.year
        aid = " UNION ALL ".join(
            f"SELECT '{stage}' AS stage, '{item}' AS item, "
            f"{int(self.param(code)) // TERMS} AS amount, {'TRUE' if boarders else 'FALSE'} AS boarders"
            for stage, item, code, boarders in AID_BY_STAGE
        )
        terms = (
            f"SELECT '{y}S1' AS period, {s.date(date(y, 4, 15))} AS paid_on "
            f"UNION ALL SELECT '{y}S2', {s.date(date(y, 10, 15))}"
        )
        draw = s.rnd("m.id", 26)
        without_aid = f"{draw} < {PLANT}"
        wrong = f"{draw} >= {PLANT} AND {draw} < {PLANT + RARE}"
        twice = f"{draw} >= {PLANT + RARE} AND {draw} < {PLANT + 2 * RARE}"
        amount = (
            f"CASE WHEN {wrong} AND t.period = '{y}S2' THEN aid.amount - 100 ELSE aid.amount END"
        )
        cols = self.entry("m.id") | {
            "kind": "'student_aid'",
            "item": "aid.item",
            "period": "t.period",
            "amount": amount,
            "paid_on": "t.paid_on",
            "account": "h.bank_account",
            "voucher": "''",
            "reference": "e.school",
        }
        source = (
            "assistance_studentenrolment e JOIN registry_member m ON m.id = e.member_id "
            "JOIN registry_household h ON h.id = m.household_id "
            f"JOIN ({aid}) aid ON aid.stage = e.stage CROSS JOIN ({terms}) t "
            f"WHERE e.year = {y} AND {self.scope()} "
            "AND (aid.boarders = FALSE OR e.boarding = TRUE)"
        )
        self.insert(
            ledgers.Payment, cols, f"{source} AND NOT ({without_aid})", "payment:student_aid"
        )
        self.insert(
            ledgers.Payment,
            cols,
            f"{source} AND {twice} AND t.period = '{y}S1'",
            "payment:student_aid",
        )
        self.plant(
            "aid_paid_twice",
            self.ids(
                f"SELECT DISTINCT m.id_number FROM {source} AND {twice} AND t.period = '{y}S1'"
            ),
        )
        self.plant(
            "student_without_aid",
            self.ids(f"SELECT DISTINCT m.id_number FROM {source} AND {without_aid}"),
        )
        self.plant(
            "aid_wrong_amount",
            self.ids(f"SELECT DISTINCT m.id_number FROM {source} AND {wrong}"),
        )

    # -- 人社 (A, C, D) -------------------------------------------------------------------

    def employment(self) -> None:
        s, y = self.sql, self.year
        working = f"m.labour IN ('1', '2', '3') AND {self.born(60, 16)} AND m.student_status IN ('', '01')"
        employed = "m.work_status <> ''"
        place = s.rnd("m.id", 30)
        cols = self.entry("m.id") | {
            "status": f"CASE WHEN {employed} THEN '1' ELSE '2' END",
            "form": f"CASE WHEN m.work_status IN ('3', '4') THEN '1' WHEN {employed} THEN "
            + s.texts(s.rnd("m.id", 31), ["2", "3", "5", "6"])
            + " ELSE '' END",
            "work_province": f"CASE WHEN {employed} THEN {s.texts(place, [p[0] for p in WORK_PLACES])} ELSE '' END",
            "work_city": f"CASE WHEN {employed} THEN {s.texts(place, [p[1] for p in WORK_PLACES])} ELSE '' END",
            "work_county": "''",
            "employer": f"CASE WHEN {employed} THEN {s.texts(s.rnd('m.id', 32), EMPLOYERS)} ELSE '' END",
            "started_on": f"CASE WHEN {employed} THEN {s.dates(s.rnd('m.id', 33), [date(y, mo, 1) for mo in (2, 3, 4)])} ELSE NULL END",
            "monthly_income": f"CASE WHEN {employed} THEN 1500 + {s.rnd('m.id', 34)} * 3 ELSE NULL END",
            "contract_months": f"CASE WHEN {employed} THEN 12 ELSE NULL END",
            "social_insurance": f"CASE WHEN {employed} THEN {s.rnd('m.id', 35)} < 400 ELSE NULL END",
            "job_intention": f"CASE WHEN {employed} THEN '' ELSE '就近务工' END",
            "wants_training": f"{s.rnd('m.id', 36)} < 300",
        }
        self.insert(ledgers.EmploymentRecord, cols, self.members(working))
        self.execute(
            "INSERT INTO assistance_employmentservice (record_id, date, kind, staff) "
            f"SELECT r.id, {s.date(date(y, 5, 20))}, "
            f"{s.texts(s.rnd('r.member_id', 37), ['1', '2', '3', '4', '5'])}, '乡镇人社协理员' "
            f"FROM assistance_employmentrecord r WHERE r.year = {y} AND r.status = '2' "
            f"AND r.region_id LIKE '{self.prefix}%'"
        )
        self.rows["assistance_employmentservice"] = self.scalar(
            "SELECT COUNT(*) FROM assistance_employmentservice es JOIN assistance_employmentrecord r "
            f"ON r.id = es.record_id WHERE r.year = {y} AND r.region_id LIKE '{self.prefix}%'"
        )
        self._posts()
        self._training()

    def _posts(self) -> None:
        s, y = self.sql, self.year
        pay = int(self.param("post_monthly_pay"))
        holders = (
            f"m.labour IN ('1', '3') AND m.work_status = '' AND {self.born(60, 18)} "
            f"AND m.student_status IN ('', '01') AND {s.rnd('m.id', 40)} < 60"
        )
        unable = f"m.labour IN ('4', '5') AND {self.born(60, 30)} AND {s.rnd('m.id', 41)} < 8"
        cols = self.entry("m.id") | {
            "post_type": s.texts(s.rnd("m.id", 42), ["2", "3", "4", "5", "1"]),
            "funding": s.texts(s.rnd("m.id", 43), ["1", "2"]),
            "monthly_pay": str(pay),
            "started_on": s.date(date(y, 1, 1)),
            "assessment": "'合格'",
        }
        self.insert(ledgers.PublicWelfarePost, cols, self.members(holders))
        self.plant_insert(
            "post_unable_to_work", ledgers.PublicWelfarePost, cols, self.members(unable)
        )
        self.plant(
            "post_not_registered",
            self._outsiders(
                ledgers.PublicWelfarePost,
                0.02,
                {
                    "post_type": "2",
                    "funding": "1",
                    "monthly_pay": pay,
                    "started_on": date(y, 1, 1),
                },
            ),
        )
        months = " UNION ALL ".join(
            f"SELECT '{y}-{mo:02d}' AS period, {s.date(date(y, mo, 25))} AS paid_on"
            for mo in range(1, 13)
        )
        source = (
            f"assistance_publicwelfarepost p JOIN registry_member m ON m.id = p.member_id "
            f"JOIN registry_household h ON h.id = m.household_id CROSS JOIN ({months}) t "
            f"WHERE p.year = {y} AND {self.scope()}"
        )
        cols = self.entry("m.id") | {
            "kind": "'post_pay'",
            "item": "''",
            "period": "t.period",
            "amount": "p.monthly_pay",
            "paid_on": "t.paid_on",
            "account": "h.bank_account",
            "voucher": "''",
            "reference": f"'公益性岗位 ' || {s.cast_text('p.id')}",
        }
        self.insert(ledgers.Payment, cols, source, "payment:post_pay")
        self.plant_insert(
            "post_paid_twice",
            ledgers.Payment,
            cols,
            f"{source} AND t.period = '{y}-06' AND {s.rnd('m.id', 44)} < 20",
            "payment:post_pay",
        )
        self._outsider_payments(
            "assistance_publicwelfarepost", "post_pay", "x.monthly_pay", months, "payment:post_pay"
        )

    def _training(self) -> None:
        s, y = self.sql, self.year
        counties = list(
            Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=self.prefix[:6])
            .order_by("code")
            .values_list("code", "name")
        )
        existing = set(
            ledgers.TrainingCourse.objects.filter(
                region__code__startswith=self.prefix[:6], year=y
            ).values_list("region_id", "name")
        )
        courses = []
        for county, county_name in counties:
            for i, (name, institution, category) in enumerate(COURSES):
                if (county, name) in existing:
                    continue
                courses.append(
                    ledgers.TrainingCourse(
                        region_id=county,
                        year=y,
                        name=name,
                        institution=county_name + institution,
                        category=category,
                        mode="1",
                        started_on=date(y, 3 + 2 * i, 1),
                        ended_on=date(y, 3 + 2 * i, 15),
                        place=county_name + COURSES[0][1],
                        outside_county=False,
                        person_in_charge="培训负责人",
                    )
                )
        ledgers.TrainingCourse.objects.bulk_create(courses, batch_size=1000)
        self.rows["assistance_trainingcourse"] = len(courses)
        course_name = s.texts(s.rnd("m.id", 50), [c[0] for c in COURSES])
        source = (
            "registry_member m JOIN registry_household h ON h.id = m.household_id "
            "JOIN assistance_trainingcourse c ON c.region_id = "
            f"(SUBSTR(h.village_id, 1, 6) || '000000') AND c.year = {y} AND c.name = {course_name} "
            f"WHERE {self.scope()} AND m.status = '1' AND m.id_number <> '' "
            f"AND m.labour IN ('1', '2', '3') AND {self.born(55, 18)} AND {s.rnd('m.id', 51)} < 60"
        )
        cols = self.entry("m.id") | {
            "course_id": "c.id",
            "days_attended": f"10 + {s.rnd('m.id', 52)} % 6",
            "certificate": "'结业证书'",
            "completed": "TRUE",
        }
        self.insert(ledgers.Trainee, cols, source)
        allowance = int(self.param("training_daily_allowance"))
        cols = self.entry("m.id") | {
            "kind": "'training_allowance'",
            "item": "''",
            "period": f"'{y}'",
            "amount": f"t.days_attended * {allowance}",
            "paid_on": "c.ended_on",
            "account": "h.bank_account",
            "voucher": "''",
            "reference": "c.name",
        }
        self.insert(
            ledgers.Payment,
            cols,
            "assistance_trainee t JOIN assistance_trainingcourse c ON c.id = t.course_id "
            "JOIN registry_member m ON m.id = t.member_id JOIN registry_household h ON h.id = m.household_id "
            f"WHERE t.year = {y} AND {self.scope()}",
            "payment:training_allowance",
        )

    # -- 小额信贷 (E) ---------------------------------------------------------------------

    def loans(self) -> None:
        s, y = self.sql, self.year
        months = [date(yr, mo, 15) for yr in (y - 2, y - 1, y) for mo in range(1, 13)]
        draw = s.rnd("h.id", 61)
        drawn = s.dates(draw, months)
        due = s.dates(draw, [d.replace(year=d.year + 3) for d in months])
        year_of = s.pick(draw, [str(d.year) for d in months])
        borrower = f"m.relation = '02' AND {self.born(60, 22)} AND {s.rnd('h.id', 62)} < 160"
        state_draw = s.rnd("h.id", 63)
        state = f"CASE WHEN {state_draw} < 25 THEN '3' WHEN {state_draw} < 30 THEN '4' WHEN {state_draw} < 120 THEN '2' ELSE '1' END"
        over = f"{s.rnd('h.id', 64)} < {RARE}"
        long_term = f"{s.rnd('h.id', 64)} >= {RARE} AND {s.rnd('h.id', 64)} < {2 * RARE}"
        amount = (
            f"CASE WHEN {over} THEN 60000 WHEN {s.rnd('h.id', 65)} < 700 THEN 50000 ELSE 30000 END"
        )

        def loan_columns(
            amount_sql: str,
            term_sql: str,
            drawn_sql: str,
            due_sql: str,
            year_sql: str,
            state_sql: str,
        ):
            return self.entry("m.id", year=None) | {
                "year": year_sql,
                "relation_to_head": "'户主'",
                "status_at_drawdown": "'未脱贫'",
                "credit_rating": "'三星'",
                "credit_limit": "50000",
                "credit_institution": "'县金融扶贫服务中心'",
                "amount": amount_sql,
                "term_months": term_sql,
                "drawn_on": drawn_sql,
                "due_on": due_sql,
                "interest_rate": "4.350",
                "bank": s.texts(s.rnd("m.id", 66), BANKS),
                "contract_number": f"'JK' || {s.cast_text('m.id')}",
                "purpose": s.texts(s.rnd("m.id", 67), ["1", "2", "3", "6", "5"]),
                "enterprise": "''",
                "renewed": "FALSE",
                "state": state_sql,
                "balance": f"CASE WHEN {state_sql} = '2' THEN 0 ELSE {amount_sql} END",
                "overdue_amount": f"CASE WHEN {state_sql} = '3' THEN {amount_sql} ELSE NULL END",
                "overdue_since": f"CASE WHEN {state_sql} = '3' THEN {s.date(date(y, 9, 30))} ELSE NULL END",
            }

        term = f"CASE WHEN {long_term} THEN 48 ELSE 36 END"
        self.insert(
            ledgers.Loan,
            loan_columns(amount, term, drawn, due, year_of, state),
            self.members(borrower),
        )
        self.plant(
            "loan_over_limit",
            self.ids(f"SELECT m.id_number FROM {self.members(f'{borrower} AND {over}')}"),
        )
        self.plant(
            "loan_over_term",
            self.ids(f"SELECT m.id_number FROM {self.members(f'{borrower} AND {long_term}')}"),
        )
        # A second active loan in the household: the spouse of a borrower.
        has_loan = (
            "EXISTS (SELECT 1 FROM assistance_loan l WHERE l.household_id = h.id AND l.state = '1' "
            f"AND l.year BETWEEN {y - 2} AND {y})"
        )
        second = (
            f"m.relation = '10' AND {self.born(60, 22)} AND {has_loan} AND {s.rnd('m.id', 68)} < 25"
        )
        first_of_year = date(y, 3, 15)
        self.plant_insert(
            "loan_second_in_household",
            ledgers.Loan,
            loan_columns(
                "20000", "36", s.date(first_of_year), s.date(date(y + 3, 3, 15)), str(y), "'1'"
            ),
            self.members(second),
            ident="h.number",
        )
        # An over-age borrower: older than the age limit when the loan was drawn.
        no_loan = "NOT EXISTS (SELECT 1 FROM assistance_loan l WHERE l.household_id = h.id)"
        old = f"m.relation = '02' AND {self.born(90, 70, first_of_year)} AND {no_loan} AND {s.rnd('m.id', 69)} < 10"
        self.plant_insert(
            "borrower_over_age",
            ledgers.Loan,
            loan_columns(
                "30000", "36", s.date(date(y, 4, 15)), s.date(date(y + 3, 4, 15)), str(y), "'1'"
            ),
            self.members(old),
        )
        loans = f"assistance_loan l WHERE l.region_id LIKE '{self.prefix}%' AND l.year BETWEEN {y - 2} AND {y}"
        self.execute(
            "INSERT INTO assistance_loanrepayment (loan_id, date, amount, interest) "
            f"SELECT l.id, {s.date(date(y, 11, 20))}, l.amount, 0 FROM {loans} AND l.state = '2'"
        )
        self.execute(
            "INSERT INTO assistance_loancheck (loan_id, date, level, checker, used_for_production, finding) "
            f"SELECT l.id, {s.date(date(y, 6, 18))}, 'township', '乡镇金融服务站', TRUE, '用于生产经营' "
            f"FROM {loans} AND {s.rnd('l.member_id', 70)} < 300"
        )
        self.execute(
            "INSERT INTO assistance_loancheck (loan_id, date, level, checker, used_for_production, finding) "
            f"SELECT l.id, {s.date(date(y, 7, 20))}, 'county', '县金融扶贫服务中心', TRUE, '用于生产经营' "
            f"FROM {loans} AND {s.rnd('l.member_id', 71)} < 100"
        )
        for table in ("assistance_loanrepayment", "assistance_loancheck"):
            self.rows[table] = self.scalar(
                f"SELECT COUNT(*) FROM {table} x JOIN assistance_loan l ON l.id = x.loan_id "
                f"WHERE l.region_id LIKE '{self.prefix}%' AND l.year BETWEEN {y - 2} AND {y}"
            )

    # -- 危房改造 (H) -------------------------------------------------------------------

    def housing(self) -> None:
        s, y = self.sql, self.year
        head = "hm.household_id = h.id AND hm.relation = '02'"
        source_base = (
            "registry_household h JOIN registry_member hm ON " + head + f" WHERE {self.scope()}"
        )
        draw = s.rnd("h.id", 80)
        not_in_plan = f"{draw} < 40"
        late = f"{draw} >= 40 AND {draw} < 80"
        group = "CASE h.attribute WHEN '2' THEN '2' WHEN '3' THEN '3' ELSE '1' END"
        rebuild = int(self.param("renovation_subsidy_rebuild"))
        repair = int(self.param("renovation_subsidy_repair"))
        method = "CASE WHEN h.housing_grade = 'D' THEN '1' ELSE '2' END"

        def cols(year: int, finished: str, accepted: str) -> dict:
            return self.entry("h.id", year=year, person=False) | {
                "priority_group": group,
                "grade": "h.housing_grade",
                "assessed_on": s.date(date(year, 3, 1)),
                "assessor": "'县住建局鉴定组'",
                "method": method,
                "area_m2": "60",
                "persons": "(SELECT COUNT(*) FROM registry_member c WHERE c.household_id = h.id AND c.status = '1')",
                "started_on": s.date(date(year, 5, 1)),
                "finished_on": finished,
                "accepted_on": accepted,
                "subsidy_standard": f"CASE WHEN h.housing_grade = 'D' THEN {rebuild} ELSE {repair} END",
                "account": "h.bank_account",
            }

        cd = "h.housing_grade IN ('C', 'D')"
        finished = s.dates(s.rnd("h.id", 81), [date(y, mo, 20) for mo in (9, 10, 11)])
        self.insert(
            ledgers.HousingRenovation,
            cols(
                y,
                f"CASE WHEN {late} THEN NULL ELSE {finished} END",
                f"CASE WHEN {late} THEN NULL ELSE {finished} END",
            ),
            f"{source_base} AND {cd} AND NOT ({not_in_plan})",
        )
        self.plant(
            "house_not_in_plan",
            self.ids(f"SELECT h.number FROM {source_base} AND {cd} AND {not_in_plan}"),
        )
        self.plant(
            "house_not_finished",
            self.ids(f"SELECT h.number FROM {source_base} AND {cd} AND {late}"),
        )
        # Subsidies of the finished renovations.
        cols = self.entry("h.id", person=False) | {
            "kind": "'housing_subsidy'",
            "item": "''",
            "period": f"'{y}'",
            "amount": "r.subsidy_standard",
            "paid_on": s.date(date(y, 12, 10)),
            "account": "h.bank_account",
            "voucher": "''",
            "reference": f"'危房改造 ' || {s.cast_text('r.id')}",
        }
        self.insert(
            ledgers.Payment,
            cols,
            "assistance_housingrenovation r JOIN registry_household h ON h.id = r.household_id "
            "JOIN registry_member hm ON "
            + head
            + f" WHERE r.year = {y} AND r.accepted_on IS NOT NULL AND {self.scope()}",
            "payment:housing_subsidy",
        )

    # -- 光伏 (I), 护林员 (J) -------------------------------------------------------------

    def photovoltaic(self) -> None:
        s, y = self.sql, self.year
        villages = list(
            Region.objects.filter(
                level=RegionLevel.VILLAGE, code__startswith=self.prefix, is_poor_village=True
            )
            .order_by("code")
            .values_list("code", "name")
        )
        if not villages:  # no poor village marked yet: a station in every tenth village
            villages = list(
                Region.objects.filter(
                    level=RegionLevel.VILLAGE,
                    code__in=_villages_with_households(self.prefix),
                )
                .order_by("code")
                .values_list("code", "name")
            )[::10]
        stations = [
            ledgers.PvStation(
                village_id=code,
                name=f"{name}光伏扶贫电站",
                capacity_kw=300,
                connected_on=date(y - 1, 6, 30),
                in_subsidy_catalogue=True,
                annual_revenue=300_000,
                plan_posted_on=date(y, 1, 15),
                result_posted_on=date(y, 12, 28),
            )
            for code, name in villages
        ]
        ledgers.PvStation.objects.bulk_create(stations, batch_size=1000)
        self.rows["assistance_pvstation"] = len(stations)
        # Households without a member able to work get the no-labour subsidy, quarterly.
        able = (
            "EXISTS (SELECT 1 FROM registry_member w WHERE w.household_id = h.id AND w.status = '1' "
            "AND w.labour IN ('1', '2', '3'))"
        )
        quarterly = int(self.param("pv_no_labour_min")) // 4
        quarters = " UNION ALL ".join(
            f"SELECT '{y}Q{q}' AS period, {s.date(date(y, 3 * q, 28))} AS paid_on"
            for q in range(1, 5)
        )
        short = f"{s.rnd('h.id', 90)} < {RARE}"
        source = (
            "registry_household h JOIN registry_member hm ON hm.household_id = h.id AND hm.relation = '02' "
            f"CROSS JOIN ({quarters}) t WHERE {self.scope()} AND NOT {able}"
        )
        cols = self.entry("h.id", person=False) | {
            "kind": "'pv_income'",
            "item": "'no_labour'",
            "period": "t.period",
            "amount": str(quarterly),
            "paid_on": "t.paid_on",
            "account": "h.bank_account",
            "voucher": "''",
            "reference": "'村级光伏扶贫电站'",
        }
        self.insert(
            ledgers.Payment,
            cols,
            f"{source} AND NOT ({short} AND t.period IN ('{y}Q3', '{y}Q4'))",
            "payment:pv_income",
        )
        self.plant(
            "pv_short",
            self.ids(
                "SELECT h.number FROM registry_household h JOIN registry_member hm ON hm.household_id = h.id "
                f"AND hm.relation = '02' WHERE {self.scope()} AND NOT {able} AND {short}"
            ),
        )

    def rangers(self) -> None:
        s, y = self.sql, self.year
        pay = int(self.param("ranger_annual_pay"))
        area = int(self.param("ranger_area_mu"))
        rangers = f"m.labour IN ('1', '2') AND {self.born(55, 20)} AND m.work_status = '' AND {s.rnd('m.id', 100)} < 15"
        old = f"m.labour IN ('1', '2', '3') AND {self.born(70, 63)} AND {s.rnd('m.id', 101)} < 10"
        cols = self.entry("m.id") | {
            "area_mu": str(area),
            "contract_start": s.date(date(y, 1, 1)),
            "contract_end": s.date(date(y, 12, 31)),
            "annual_pay": str(pay),
            "assessment": "'合格'",
            "state": "'1'",
        }
        self.insert(ledgers.Ranger, cols, self.members(rangers))
        self.plant_insert("ranger_over_age", ledgers.Ranger, cols, self.members(old))
        self.plant(
            "ranger_not_registered",
            self._outsiders(
                ledgers.Ranger,
                0.03,
                {
                    "area_mu": area,
                    "contract_start": date(y, 1, 1),
                    "contract_end": date(y, 12, 31),
                    "annual_pay": pay,
                    "assessment": "合格",
                    "state": "1",
                },
            ),
        )
        quarters = " UNION ALL ".join(
            f"SELECT '{y}Q{q}' AS period, {s.date(date(y, 3 * q, 20))} AS paid_on"
            for q in range(1, 5)
        )
        cols = self.entry("m.id") | {
            "kind": "'ranger_pay'",
            "item": "''",
            "period": "t.period",
            "amount": "r.annual_pay / 4",
            "paid_on": "t.paid_on",
            "account": "h.bank_account",
            "voucher": "''",
            "reference": f"'护林员 ' || {s.cast_text('r.id')}",
        }
        self.insert(
            ledgers.Payment,
            cols,
            "assistance_ranger r JOIN registry_member m ON m.id = r.member_id "
            f"JOIN registry_household h ON h.id = m.household_id CROSS JOIN ({quarters}) t "
            f"WHERE r.year = {y} AND {self.scope()}",
            "payment:ranger_pay",
        )
        self._outsider_payments(
            "assistance_ranger", "ranger_pay", "x.annual_pay / 4", quarters, "payment:ranger_pay"
        )

    # -- 残联, 民政 (K) --------------------------------------------------------------------

    def disability(self) -> None:
        s, y = self.sql, self.year
        missing = f"{s.rnd('m.id', 110)} < 20"
        holders = "m.is_disabled AND m.disability_certificate <> ''"
        cols = self.entry("m.id") | {
            "certificate_number": "m.disability_certificate",
            "category": s.texts(s.rnd("m.id", 111), ["4", "1", "2", "5", "6", "3", "7"]),
            "grade": s.texts(s.rnd("m.id", 112), ["1", "2", "3", "4"]),
            "issued_on": s.dates(
                s.rnd("m.id", 113), [date(2012 + i, 5, 1) for i in range(y - 2012)]
            ),
            "assessment_pending": "FALSE",
        }
        self.insert(
            ledgers.DisabilityCertificate, cols, self.members(f"{holders} AND NOT ({missing})")
        )
        self.plant(
            "disabled_without_certificate",
            self.ids(f"SELECT m.id_number FROM {self.members(f'{holders} AND {missing}')}"),
        )
        # Deaths and moves during the year among subsidy holders: payments that go on after
        # the event are planted (the registry records the event; the 残联 list did not).
        died = f"m.relation <> '02' AND {s.rnd('m.id', 114)} < 15"
        moved = f"m.relation <> '02' AND {s.rnd('m.id', 114)} >= 15 AND {s.rnd('m.id', 114)} < 25"
        certified = (
            "EXISTS (SELECT 1 FROM assistance_disabilitycertificate d WHERE d.member_id = m.id "
            f"AND d.year = {y})"
        )
        for status, kind, condition in (("2", "death", died), ("3", "move_out", moved)):
            event_on = s.date(date(y, 6, 30))
            self.execute(
                "INSERT INTO registry_memberevent (member_id, kind, date, note, recorded_at) "
                f"SELECT m.id, '{kind}', {event_on}, '{EVENT_NOTE}', {self.now} FROM {self.members(f'{certified} AND {condition}')}"
            )
            self.plant(
                "paid_after_death" if status == "2" else "paid_after_moving_out",
                self.ids(f"SELECT m.id_number FROM {self.members(f'{certified} AND {condition}')}"),
            )
            self.execute(
                f"UPDATE registry_member SET status = '{status}' WHERE id IN "
                f"(SELECT m.id FROM {self.members(f'{certified} AND {condition}')})"
            )
        # Paid by quarter (three months' subsidy each), as most counties did.
        monthly = int(self.param("disability_living_subsidy"))
        care = int(self.param("disability_care_subsidy"))
        months = " UNION ALL ".join(
            f"SELECT '{y}Q{q}' AS period, {s.date(date(y, 3 * q, 15))} AS paid_on"
            for q in range(1, 5)
        )
        items = f"SELECT 'living' AS item, {monthly} AS amount, '0' AS grades UNION ALL SELECT 'care', {care}, '12'"
        cols = self.entry("m.id") | {
            "kind": "'disability_subsidy'",
            "item": "i.item",
            "period": "t.period",
            "amount": "i.amount * 3",
            "paid_on": "t.paid_on",
            "account": "h.bank_account",
            "voucher": "''",
            "reference": "d.certificate_number",
        }
        # Every certificate holder of the year, including those who died or moved since
        # (the planted payments after the event), as the 残联's quarterly list had them.
        self.insert(
            ledgers.Payment,
            cols,
            "assistance_disabilitycertificate d JOIN registry_member m ON m.id = d.member_id "
            "JOIN registry_household h ON h.id = m.household_id "
            f"CROSS JOIN ({months}) t JOIN ({items}) i ON i.grades = '0' OR (i.grades = '12' AND d.grade IN ('1', '2')) "
            f"WHERE d.year = {y} AND {self.scope()}",
            "payment:disability_subsidy",
        )

    def social(self) -> None:
        s, y = self.sql, self.year
        dibao_line = int(self.param("dibao_standard"))
        tekun_line = int(self.param("tekun_standard"))
        persons = "(SELECT COUNT(*) FROM registry_member c WHERE c.household_id = h.id AND c.status = '1')"
        missing = f"{s.rnd('h.id', 120)} < 20"
        extra = f"h.attribute = '1' AND {s.rnd('h.id', 121)} < 5"
        heads = (
            "registry_household h JOIN registry_member m ON m.household_id = h.id AND m.relation = '02' "
            f"WHERE {self.scope()} AND m.id_number <> ''"
        )

        def cols(kind_sql: str) -> dict:
            return self.entry("m.id") | {
                "kind": kind_sql,
                "dibao_category": f"CASE WHEN {kind_sql} = 'dibao' THEN '一般' ELSE '' END",
                "persons_covered": persons,
                "monthly_amount": f"CASE WHEN {kind_sql} = 'dibao' THEN {persons} * {dibao_line // 12} ELSE {tekun_line // 12} END",
                "tekun_mode": f"CASE WHEN {kind_sql} = 'tekun' THEN '1' ELSE '' END",
                "started_on": s.date(date(y - 1, 1, 1)),
            }

        kind = "CASE WHEN h.attribute = '3' THEN 'tekun' ELSE 'dibao' END"
        self.insert(
            ledgers.SocialAssistance,
            cols(kind),
            f"{heads} AND h.attribute IN ('2', '3') AND NOT ({missing})",
        )
        self.plant(
            "dibao_not_in_civil_list",
            self.ids(f"SELECT h.number FROM {heads} AND h.attribute = '2' AND {missing}"),
        )
        self.plant_insert(
            "dibao_not_in_registry",
            ledgers.SocialAssistance,
            cols("'dibao'"),
            f"{heads} AND {extra}",
            ident="h.number",
        )
        self.plant(
            "dibao_outsider",
            self._outsiders(
                ledgers.SocialAssistance,
                0.01,
                {
                    "kind": "dibao",
                    "dibao_category": "一般",
                    "persons_covered": 2,
                    "monthly_amount": 2 * (dibao_line // 12),
                    "started_on": date(y - 1, 1, 1),
                },
            ),
        )
        quarters = " UNION ALL ".join(
            f"SELECT '{y}Q{q}' AS period, {s.date(date(y, 3 * q - 2, 8))} AS paid_on"
            for q in range(1, 5)
        )
        cols = self.entry("m.id") | {
            "kind": "a.kind",
            "item": "''",
            "period": "t.period",
            "amount": "a.monthly_amount * 3",
            "paid_on": "t.paid_on",
            "account": "h.bank_account",
            "voucher": "''",
            "reference": f"'低保特困 ' || {s.cast_text('a.id')}",
        }
        self.insert(
            ledgers.Payment,
            cols,
            "assistance_socialassistance a JOIN registry_member m ON m.id = a.member_id "
            f"JOIN registry_household h ON h.id = m.household_id CROSS JOIN ({quarters}) t "
            f"WHERE a.year = {y} AND {self.scope()}",
            "payment:social",
        )
        self._outsider_payments(
            "assistance_socialassistance",
            "dibao",
            "x.monthly_amount * 3",
            quarters,
            "payment:social",
        )

    # -- people outside the registry ---------------------------------------------------

    def _outsider_payments(
        self, table: str, kind: str, amount: str, periods: str, label: str
    ) -> None:
        """The department pays the people outside the registry on its list as it pays the
        others (what the check "paid as if registered" finds)."""
        now = self.now
        count = self.execute(
            "INSERT INTO assistance_payment (region_id, year, id_number, name, household_number, "
            "review_status, entered_at, reviewed_at, return_reason, note, updated_at, kind, item, "
            "period, amount, paid_on, account, voucher, reference) "
            f"SELECT x.region_id, x.year, x.id_number, x.name, x.household_number, 'approved', "
            f"{now}, {now}, '', '', {now}, '{kind}', '', t.period, {amount}, t.paid_on, '', '', '' "
            f"FROM {table} x CROSS JOIN ({periods}) t WHERE x.member_id IS NULL "
            f"AND x.household_id IS NULL AND x.year = {self.year} "
            f"AND x.region_id LIKE '{self.prefix}%'"
        )
        self.rows[label] = self.rows.get(label, 0) + count

    def _outsiders(self, model, share: float, fields: dict, ages=(25, 55)) -> list[str]:
        """Rows about people who are not registered (不在建档立卡库中): a share of the
        model's registered rows of the year, spread over the villages in scope."""
        registered = model.objects.filter(
            year=self.year, region__code__startswith=self.prefix, member__isnull=False
        ).count()
        count = max(1, round(registered * share)) if registered else 0
        villages = list(
            Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=self.prefix)
            .filter(code__in=_villages_with_households(self.prefix))
            .order_by("code")
            .values_list("code", flat=True)
        )
        if not count or not villages:
            return []
        rng = self.rng
        rows, numbers = [], set()
        while len(rows) < count:
            village = rng.choice(villages)
            sex = rng.choice("12")
            birth = date(self.year - rng.randint(*ages), rng.randint(1, 12), rng.randint(1, 28))
            number = make_id_number(village[:6], birth, rng.randint(500, 999), sex)
            if number in numbers:
                continue
            numbers.add(number)
            era = 0 if birth.year < 1970 else 1 if birth.year < 2000 else 2
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN[(sex, era)]) for _ in range(2))
            rows.append(
                model(
                    region_id=village,
                    year=self.year,
                    id_number=number,
                    name=name,
                    review_status="approved",
                    reviewed_at=timezone.now(),
                    **fields,
                )
            )
        taken = set(
            Member.objects.filter(id_number__in=numbers).values_list("id_number", flat=True)
        )
        rows = [row for row in rows if row.id_number not in taken]
        model.objects.bulk_create(rows, batch_size=2000)
        key = model._meta.db_table
        self.rows[key] = self.rows.get(key, 0) + len(rows)
        return [row.id_number for row in rows]


def _villages_with_households(prefix: str):
    from tuopin.registry.models import Household

    return Household.objects.filter(village__code__startswith=prefix).values("village_id")


def seed_ledgers(
    *,
    region_prefix: str = "",
    year: int = 2018,
    seed: int = 1,
    progress: Callable[[dict], None] | None = None,
) -> dict:
    """A year of every sector ledger for the registry households whose village code starts
    with ``region_prefix`` (``""``: all of them), then the measures from the ledgers.

    Returns ``rows`` (per table; payments per kind as ``payment:KIND``), ``total``,
    ``planted`` (count per kind of ``PLANTED``), ``planted_ids`` (per kind, the ID numbers
    of the people, or for ``HOUSEHOLD_PROBLEMS`` the household numbers, sorted),
    ``measures`` (what ``measures_sync`` did) and ``seconds``. ``progress`` is called after each ledger
    with ``{"step", "steps", "ledger", "rows", "seconds"}``."""
    started = time.monotonic()
    if not re.fullmatch(r"[0-9]{0,12}", region_prefix):
        raise TuopinError(
            "seed_region",
            f"区划代码前缀应为数字：{region_prefix}",
            f"the region prefix must be digits: {region_prefix}",
        )
    if not 2014 <= year <= timezone.localdate().year:
        raise TuopinError(
            "seed_year",
            f"年度应在 2014 至今年之间：{year}",
            f"the year must lie between 2014 and this year: {year}",
        )
    prefix = filter_prefix(region_prefix) if region_prefix else ""
    seeder = _Seeder(prefix, year, seed)
    steps = [
        ("clear", seeder.clear),
        ("health", seeder.health),
        ("education", seeder.education),
        ("employment", seeder.employment),
        ("loans", seeder.loans),
        ("housing", seeder.housing),
        ("photovoltaic", seeder.photovoltaic),
        ("rangers", seeder.rangers),
        ("disability", seeder.disability),
        ("social", seeder.social),
    ]
    for number, (name, step) in enumerate(steps, start=1):
        with transaction.atomic():
            step()
        if progress:
            progress(
                {
                    "step": number,
                    "steps": len(steps),
                    "ledger": name,
                    "rows": sum(seeder.rows.values()),
                    "seconds": round(time.monotonic() - started, 1),
                }
            )
    analyze(*ledgers.ledger_entry_models())
    measures = measures_sync(region_prefix=prefix, years=[year - 2, year - 1, year])
    if seeder.planted.get("paid_after_death") or seeder.planted.get("paid_after_moving_out"):
        from tuopin.registry.totals import totals_refresh

        totals_refresh(prefix=prefix)
    return {
        "rows": dict(sorted(seeder.rows.items())),
        "total": sum(seeder.rows.values()),
        "planted": seeder.planted,
        "planted_ids": {kind: sorted(who) for kind, who in seeder.planted_ids.items()},
        "measures": measures,
        "seconds": round(time.monotonic() - started, 1),
    }
