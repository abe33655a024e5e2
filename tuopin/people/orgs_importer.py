"""`tuopin import enterprises FILE` and `tuopin import workshops FILE` (and the upload
page): spreadsheets of enterprises with their village pairings, projects and
beneficiaries, and of workshops with their employees. Layouts: docs/formats/people-orgs.md.

The registry import's guarantees: every error names its row and column in Chinese and
English; a dry run writes nothing; all or nothing unless `partial`; re-importing the same
file changes nothing (each row is compared before writing); updates keep history. An ID
number that matches no registry member is kept as received and reported (不在建档立卡库中).

Set-based: the regions, stored enterprises, pairings, projects, beneficiaries, workshops,
employees and registry members a block of rows names are read with one query each; the
file is planned against them in memory (the rules of enterprises_services and
workshops_services) and written with a few statements per model and block, in one
transaction, each block while the next is planned (`WriteBehind`, ADR 0018).
"""

from __future__ import annotations

from pathlib import Path

from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import within
from tuopin.core.write_behind import WriteBehind
from tuopin.people import access
from tuopin.people.enterprises_services import credit_code_clean
from tuopin.people.importing import (
    CellError,
    Column,
    Keyed,
    Layout,
    UnusableFile,
    accepting,
    among,
    collection_paused,
    finish_behind,
    memo,
    message,
    parse_cells,
    read_table,
)
from tuopin.people.models import (
    Enterprise,
    EnterprisePairing,
    PairingBeneficiary,
    PairingProject,
    Workshop,
    WorkshopEmployee,
)
from tuopin.people.orgs_enums import BeneficiaryKind, PairingForm, WorkshopType
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import canonical_id_number, check_id_number, stored_forms
from tuopin.registry.interchange import values as v
from tuopin.registry.interchange.rows import Message
from tuopin.registry.interchange.table_report import TableImportReport
from tuopin.registry.models import Member

ENTERPRISES = Layout(
    (
        Column("name", "企业名称", ("企业",), required=True),
        Column("credit_code", "统一社会信用代码", ("信用代码",), required=True),
        Column("region", "所在区划代码", ("区划代码",), required=True),
        Column("legal_representative", "法定代表人"),
        Column("chamber", "所属商会", ("商会",)),
        Column("is_leading", "带贫龙头企业", ("带贫龙头",)),
        Column("village", "结对村代码", ("结对村",)),
        Column("form", "帮扶形式"),
        Column("started_on", "结对日期"),
        Column("project", "帮扶项目", ("项目名称",)),
        Column("money", "投入资金（元）", ("投入资金", "投入金额")),
        Column("person_name", "受益人姓名"),
        Column("person_id", "受益人身份证号"),
        Column("person_kind", "受益方式"),
    ),
    marks=("name", "credit_code", "region"),
)
WORKSHOPS = Layout(
    (
        Column("workshop", "车间名称", ("扶贫车间",), required=True),
        Column("operator", "经营主体信用代码", ("经营主体统一社会信用代码",)),
        Column("village", "所在村代码", ("行政村代码",), required=True),
        Column("type", "车间类型", required=True),
        Column("established_on", "建成日期"),
        Column("total_staff", "用工总人数"),
        Column("name", "姓名"),
        Column("id_number", "身份证号"),
        Column("contract_start", "合同开始日期"),
        Column("contract_end", "合同结束日期"),
        Column("wage", "月工资（元）", ("月工资",)),
    ),
    marks=("workshop", "village", "type"),
)
LAYOUTS = {"enterprises": ENTERPRISES, "workshops": WORKSHOPS}
LABELS = {"enterprises": "帮扶企业与村企结对", "workshops": "扶贫车间与务工人员"}


OrgsImportReport = TableImportReport
# Rows planned, then handed to the writer, at a time: the first block small, so that the
# writer starts soon; the later ones larger, so that the look-ups per block (members,
# stored rows) and the statements per write stay few.
WRITE_BLOCK = 2500
FIRST_BLOCK = 1000


def _choice(value, choices, what_zh: str):
    word = v.key(value)
    if not word:
        return ""
    for code, label in choices:
        if word in (code, v.key(str(label))):
            return code
    labels = "、".join(str(label) for _c, label in choices)
    raise CellError(
        "",
        "bad_choice",
        f"{what_zh}“{v.text(value)}”无效，应为：{labels}",
        f"'{v.text(value)}' is not one of the allowed values",
    )


def _code12(value) -> str:
    word = v.key(value)
    if word and (not word.isdigit() or len(word) != 12):
        raise v.BadValue(
            f"“{v.text(value)}”不是 12 位区划代码", f"'{v.text(value)}' is not a 12-digit code"
        )
    return word


def _id(value) -> str:
    if not v.key(value):
        return ""
    check = check_id_number(value)
    if not check.valid:
        problem = check.errors[0]
        raise v.BadValue(problem.message_zh, problem.message_en, problem.code)
    return check.normalised


def _credit(value) -> str:
    try:
        return credit_code_clean(value)
    except TuopinError as error:
        raise v.BadValue(error.message_zh, error.message_en, error.code) from error


def _credit_or_blank(value) -> str:
    return _credit(value) if v.key(value) else ""


ENTERPRISE_PARSERS = {
    "name": v.text,
    "credit_code": _credit,
    "region": _code12,
    "legal_representative": v.text,
    "chamber": v.text,
    "is_leading": v.yes_no,
    "village": _code12,
    "form": lambda x: _choice(x, PairingForm.choices, "帮扶形式"),
    "started_on": v.a_date,
    "project": v.text,
    "money": v.amount,
    "person_name": v.text,
    "person_id": _id,
    "person_kind": lambda x: _choice(x, BeneficiaryKind.choices, "受益方式"),
}
WORKSHOP_PARSERS = {
    "workshop": v.text,
    "operator": _credit_or_blank,
    "village": _code12,
    "type": lambda x: _choice(x, WorkshopType.choices, "车间类型"),
    "established_on": v.a_date,
    "total_staff": lambda x: v.whole_number(x, low=0, high=100_000),
    "name": v.text,
    "id_number": _id,
    "contract_start": v.a_date,
    "contract_end": v.a_date,
    "wage": v.amount,
}


def _missing(parsed: dict, keys, bad: set) -> list[CellError]:
    return [
        CellError(k, "required", f"“{_HEADERS[k]}”未填写", f"'{_HEADERS[k]}' is missing")
        for k in keys
        if not parsed.get(k) and parsed.get(k) != 0 and k not in bad
    ]


_HEADERS = {c.key: c.header for layout in LAYOUTS.values() for c in layout.columns}


def _enterprise_row(parsed: dict, bad: set) -> list[CellError]:
    problems = _missing(parsed, ("name", "credit_code", "region"), bad)
    paired = parsed.get("village")
    if (parsed.get("form") or parsed.get("project") or parsed.get("person_id")) and not paired:
        problems += _missing(parsed, ("village",), bad)
    if paired:
        problems += _missing(parsed, ("form",), bad)
    if parsed.get("money") is not None and parsed["money"] < 0:
        problems.append(
            CellError("money", "negative", "投入资金不能为负数", "money cannot be negative")
        )
    if parsed.get("money") is not None and not parsed.get("project"):
        problems += _missing(parsed, ("project",), bad)
    if parsed.get("person_id") and not parsed.get("person_kind"):
        problems += _missing(parsed, ("person_kind",), bad)
    return problems


def _workshop_row(parsed: dict, bad: set) -> list[CellError]:
    problems = _missing(parsed, ("workshop", "village", "type"), bad)
    if parsed.get("id_number") or parsed.get("name"):
        problems += _missing(parsed, ("id_number", "contract_start"), bad)
    if parsed.get("wage") is not None and parsed["wage"] < 0:
        problems.append(
            CellError("wage", "negative", "月工资不能为负数", "the wage cannot be negative")
        )
    start, end = parsed.get("contract_start"), parsed.get("contract_end")
    if start and end and end < start:
        problems.append(
            CellError(
                "contract_end",
                "contract_dates",
                "合同结束日期早于开始日期",
                "the contract ends before it starts",
            )
        )
    return problems


SHARED = {
    "enterprises": (
        ("credit_code",),
        ("name", "region", "legal_representative", "chamber", "is_leading"),
    ),
    "workshops": (("village", "workshop"), ("operator", "type", "established_on", "total_staff")),
}


def import_orgs(
    what: str, path: Path | str, *, acting_user=None, dry_run=False, partial=False
) -> OrgsImportReport:
    """Import an enterprises or workshops file; raises UnusableFile for an unreadable one."""
    layout = LAYOUTS[what]
    report = OrgsImportReport(what, dry_run=dry_run)
    table = read_table(path, layout)
    plan = (_EnterprisePlan if what == "enterprises" else _WorkshopPlan)(acting_user, report)
    # Each block's rows are written (on PostgreSQL by a writer thread) while the next
    # block is checked and planned; blocks smaller than the reading's so that little is
    # left to write once the last is planned.
    with collection_paused(), WriteBehind(f"{what}-import-writer") as writer:
        first = min(FIRST_BLOCK, WRITE_BLOCK)
        for block in _checked(what, layout, table.rows, report, first, WRITE_BLOCK):
            plan.load(block)
            for number, parsed in block:
                try:
                    done = plan.row(number, parsed)
                except CellError as error:
                    report.errors.append(message(layout, number, error))
                    report.rejected += 1
                    continue
                if "created" in done:
                    report.created += 1
                elif "updated" in done:
                    report.updated += 1
                else:
                    report.unchanged += 1
            if accepting(report, partial=partial, dry_run=dry_run):
                taken = plan.take()
                if any(new or changed for new, changed in taken):
                    writer.put(lambda t=taken: plan.write(t))
        return finish_behind(report, writer, partial=partial, dry_run=dry_run)


def _checked(what: str, layout: Layout, rows, report, first: int, size: int):
    """Every row parsed and checked on its own and against the earlier rows of the same
    enterprise (workshop); the good ones, completed by the other rows of their enterprise,
    in file order, in blocks of about `size` rows.

    A value given on one row of an enterprise holds for all its rows, the earlier ones
    too, so a row is complete only once the last row of its enterprise has been checked:
    a block is handed on as soon as that holds for all its rows (in a file that lists an
    enterprise's rows together, after `size` more rows; `first` rows for the first block),
    not after the whole file, so that the writer starts while the rest is checked. The
    rows, their order, values and messages are those of checking the whole file first."""
    parsers = ENTERPRISE_PARSERS if what == "enterprises" else WORKSHOP_PARSERS
    # Each distinct cell parsed once (codes, dates, labels and names repeat down a file).
    parsers = {column: memo(parser) for column, parser in parsers.items()}
    checks = _enterprise_row if what == "enterprises" else _workshop_row
    key_fields, shared_fields = SHARED[what]
    last = _last_rows(rows, [(k, parsers[k]) for k in key_fields])
    columns = set(parsers)
    absent = _absent_values(rows, parsers)
    parsers = {column: parser for column, parser in parsers.items() if column not in absent}
    first_seen: dict = {}
    good: list[tuple[int, dict]] = []
    complete_after = -1  # the last row of the enterprises of the rows in `good`
    report.rows = len(rows)
    for index, (number, cells) in enumerate(rows):
        parsed, messages = parse_cells(layout, number, cells, parsers)
        parsed.update(absent)
        # The cells that failed to parse (none when there is no message).
        problems = checks(parsed, columns - parsed.keys() if messages else frozenset())
        if not messages and not problems:
            row_key = tuple(parsed[k] for k in key_fields)
            shared = {k: parsed.get(k) for k in shared_fields if parsed.get(k) not in (None, "")}
            earlier, known = first_seen.get(row_key, (None, {}))
            if any(known.get(k, value) != value for k, value in shared.items()):
                thing = ("企业", "enterprise") if what == "enterprises" else ("车间", "workshop")
                problems.append(
                    CellError(
                        shared_fields[0],
                        "inconsistent",
                        f"与第 {earlier} 行的{thing[0]}信息不一致",
                        f"disagrees with row {earlier} about the same {thing[1]}",
                    )
                )
            else:
                # Rows of one enterprise (workshop) complete each other: a value given
                # once holds for all its rows, so that a re-import changes nothing.
                first_seen[row_key] = (earlier or number, {**shared, **known})
                parsed["_key"] = row_key
                complete_after = max(complete_after, last[row_key])
        messages += [message(layout, number, problem) for problem in problems]
        if messages:
            report.errors.extend(messages)
            report.rejected += 1
        else:
            good.append((number, parsed))
        if len(good) >= first and complete_after <= index:
            yield _completed(good, first_seen)
            good, first = [], size
    if good:
        yield _completed(good, first_seen)


def _absent_values(rows, parsers: dict) -> dict:
    """The value of each column the file does not have (that of an empty cell, the same on
    every row: parsed once, not on each row); a column whose empty cell is an error is
    left to be parsed, and reported, on each row."""
    present = set(rows[0][1]) if rows else set()
    values = {}
    for column, parser in parsers.items():
        if column in present:
            continue
        try:
            values[column] = parser(None)
        except (CellError, v.BadValue):
            continue
    return values


def _last_rows(rows, key_parsers) -> dict[tuple, int]:
    """The position of the last row of each key (enterprise, workshop) in `rows`; a row
    whose key does not parse is left out (it cannot be good)."""
    last: dict[tuple, int] = {}
    for index, (_number, cells) in enumerate(rows):
        try:
            last[tuple(parse(cells.get(k)) for k, parse in key_parsers)] = index
        except (CellError, v.BadValue):
            continue
    return last


def _completed(good: list[tuple[int, dict]], first_seen: dict) -> list[tuple[int, dict]]:
    for _number, parsed in good:
        parsed.update(first_seen[parsed["_key"]][1])
    return good


class _Plan:
    """What both plans share: the regions of a block and the user's keeping of them, the
    registry members of its ID numbers; the not-registered warnings."""

    topic = ""

    def __init__(self, user, report):
        self.user, self.report = user, report
        self.prefixes = None if user is None else access.keep_prefixes(user, self.topic)
        self.regions: dict[str, str] = {}  # code -> level
        self.members: dict[str, int] = {}  # canonical ID number -> member id

    def keyed(self) -> tuple[Keyed, ...]:
        """The plan's rows by model, parents before children."""
        raise NotImplementedError

    def take(self) -> list[tuple]:
        """What the rows planned since the last take create and change (`Keyed.take`)."""
        return [rows.take() for rows in self.keyed()]

    def write(self, taken: list[tuple]) -> None:
        """What `take` returned, written, parents first."""
        for rows, batch in zip(self.keyed(), taken, strict=True):
            rows.write_taken(batch, self.user)

    def load_regions(self, codes: set[str]) -> None:
        codes -= set(self.regions) | {""}
        self.regions.update(Region.objects.filter(code__in=codes).values_list("code", "level"))

    def load_members(self, numbers: set[str]) -> None:
        forms = {form for number in numbers - {""} for form in stored_forms(number)}
        # "not blank" lets PostgreSQL use the partial unique index of ID numbers (one
        # look-up per number) rather than read every member of the registry per block.
        found = Member.objects.filter(id_number__in=among(forms)).exclude(id_number="")
        found = found.order_by("-pk")
        for pk, id_number in found.values_list("pk", "id_number"):
            self.members[canonical_id_number(id_number)] = pk  # the first by pk wins

    def keep(self, code: str, column: str) -> None:
        if self.prefixes is not None and not within(code, self.prefixes):
            raise CellError(
                column, "out_of_scope", "不在您可维护的区划内", "outside the regions you keep"
            )

    def village(self, code: str, zh: str, en: str, code_of_error: str) -> None:
        if self.regions.get(code) != RegionLevel.VILLAGE:
            raise CellError("village", code_of_error, zh, en)

    def member(self, number: int, column: str, id_number: str) -> int | None:
        """The registry member of a canonical ID number (as `_id` gives it), or None with
        a not-registered warning."""
        member = self.members.get(id_number)
        if member is None:
            self.report.not_registered += 1
            self.report.warnings.append(
                Message(
                    number,
                    _HEADERS[column],
                    "not_registered",
                    f"身份证号 {id_number[:6]}********{id_number[-4:]} 不在建档立卡库中，按原样保存",
                    "the ID number is not in the registry; kept as received",
                )
            )
        return member


class _EnterprisePlan(_Plan):
    topic = access.ENTERPRISES

    def __init__(self, user, report):
        super().__init__(user, report)
        self.enterprises = Keyed(
            Enterprise, ["name", "region", "legal_representative", "chamber", "is_leading"]
        )
        self.pairings = Keyed(EnterprisePairing, ["started_on"], parent="enterprise")
        self.projects = Keyed(PairingProject, ["money"], parent="pairing")
        self.beneficiaries = Keyed(PairingBeneficiary, ["name", "kind", "member"], "pairing")

    def load(self, block) -> None:
        rows = [parsed for _n, parsed in block]
        self.load_regions({p["region"] for p in rows} | {p.get("village", "") for p in rows})
        self.load_members({p.get("person_id", "") for p in rows})
        codes = {p["credit_code"] for p in rows} - set(self.enterprises.stored)
        found = Enterprise.objects.filter(credit_code__in=codes)
        self.enterprises.load(found, lambda e: e.credit_code, "credit_code")
        pks = [e.pk for e in self.enterprises.stored.values() if e.credit_code in codes]
        if not pks:  # new enterprises only: no stored pairings, projects or people
            return
        self.pairings.load(
            EnterprisePairing.objects.filter(enterprise_id__in=among(pks, "bigint")),
            lambda p: (p.enterprise__credit_code, p.village_id, p.form),
            "enterprise__credit_code",
            "village_id",
            "form",
        )
        self.projects.load(
            PairingProject.objects.filter(pairing__enterprise_id__in=among(pks, "bigint")),
            lambda project: (project.pairing_id, project.name),
            "pairing_id",
            "name",
        )
        self.beneficiaries.load(
            PairingBeneficiary.objects.filter(pairing__enterprise_id__in=among(pks, "bigint")),
            lambda person: (person.pairing_id, person.id_number),
            "pairing_id",
            "id_number",
        )

    def row(self, number: int, p: dict) -> set[str]:
        """The row checked against the regions and the user's keeping, then planned."""
        code = p["credit_code"]
        if p["region"] not in self.regions:
            raise CellError(
                "region",
                "enterprise_region_unknown",
                f"区划代码“{p['region']}”不存在",
                f"no region with the code '{p['region']}'",
            )
        self.keep(p["region"], "village")
        stored = self.enterprises.stored.get(code)
        if stored is not None and stored.region_id != p["region"]:
            self.keep(stored.region_id, "village")
        village = p.get("village")
        if village:
            self.village(
                village,
                f"结对村代码“{village}”不是行政村",
                f"'{village}' is not a village code",
                "pairing_village_unknown",
            )
            self.keep(village, "village")
        values = {
            "name": p["name"],
            "region_id": p["region"],
            "legal_representative": p.get("legal_representative", ""),
            "chamber": p.get("chamber", ""),
            "is_leading": bool(p.get("is_leading")),
        }
        done = {self.enterprises.save(code, values, {"credit_code": code})}
        if not village:
            return done
        enterprise = self.enterprises.get(code)
        pairing_key = (code, village, p["form"])
        started = {"started_on": p["started_on"]} if p.get("started_on") else {}
        fixed = {"village_id": village, "form": p["form"], "started_on": None}
        done.add(self.pairings.save(pairing_key, started, fixed, enterprise))
        pairing = self.pairings.get(pairing_key)
        within_pairing = self.pairings.token(pairing_key)
        if p.get("project"):
            done.add(
                self.projects.save(
                    (within_pairing, p["project"]),
                    {"money": p.get("money")},
                    {"name": p["project"]},
                    pairing,
                )
            )
        if p.get("person_id"):
            person = p["person_id"]  # canonical: parsed by `_id`
            values = {
                "name": p.get("person_name", ""),
                "kind": p["person_kind"],
                "member_id": self.member(number, "person_id", p["person_id"]),
            }
            done.add(
                self.beneficiaries.save(
                    (within_pairing, person), values, {"id_number": person}, pairing
                )
            )
        return done

    def keyed(self) -> tuple[Keyed, ...]:
        return (self.enterprises, self.pairings, self.projects, self.beneficiaries)


class _WorkshopPlan(_Plan):
    topic = access.WORKSHOPS

    def __init__(self, user, report):
        super().__init__(user, report)
        self.operators: dict[str, int] = {}
        self.workshops = Keyed(Workshop, ["operator", "type", "established_on", "total_staff"])
        self.employees = Keyed(
            WorkshopEmployee, ["name", "member", "contract_end", "monthly_wage"], "workshop"
        )

    def load(self, block) -> None:
        rows = [parsed for _n, parsed in block]
        self.load_regions({p["village"] for p in rows})
        self.load_members({p.get("id_number", "") for p in rows})
        codes = {p.get("operator", "") for p in rows} - set(self.operators) - {""}
        found = Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "pk")
        self.operators.update(found)
        keys = {(p["village"], p["workshop"]) for p in rows} - set(self.workshops.stored)
        villages = {village for village, _name in keys}
        names = {name for _village, name in keys}
        found = Workshop.objects.filter(village_id__in=villages, name__in=names)
        self.workshops.load(found, lambda w: (w.village_id, w.name), "village_id", "name")
        pks = [w.pk for key, w in self.workshops.stored.items() if key in keys]
        if not pks:  # new workshops only: no stored employees
            return
        self.employees.load(
            WorkshopEmployee.objects.filter(workshop_id__in=among(pks, "bigint")),
            lambda person: (person.workshop_id, person.id_number, person.contract_start),
            "workshop_id",
            "id_number",
            "contract_start",
        )

    def row(self, number: int, p: dict) -> set[str]:
        operator = None
        if p.get("operator"):
            operator = self.operators.get(p["operator"])
            if operator is None:
                raise CellError(
                    "operator",
                    "operator_unknown",
                    f"经营主体“{p['operator']}”不在帮扶企业库中，请先导入企业",
                    f"no enterprise with the credit code {p['operator']}: import it first",
                )
        village = p["village"]
        self.village(
            village,
            f"“{village}”不是行政村代码",
            f"'{village}' is not a village code",
            "workshop_village_unknown",
        )
        self.keep(village, "village")
        values = {
            "operator_id": operator,
            "type": p["type"],
            "established_on": p.get("established_on"),
            "total_staff": p.get("total_staff"),
        }
        key = (village, p["workshop"])
        done = {self.workshops.save(key, values, {"village_id": village, "name": p["workshop"]})}
        if not p.get("id_number"):
            return done
        workshop = self.workshops.get(key)
        person = p["id_number"]  # canonical: parsed by `_id`
        values = {
            "name": p.get("name", ""),
            "member_id": self.member(number, "id_number", p["id_number"]),
            "contract_end": p.get("contract_end"),
            "monthly_wage": p.get("wage"),
        }
        fixed = {"id_number": person, "contract_start": p["contract_start"]}
        employee_key = (self.workshops.token(key), person, p["contract_start"])
        done.add(self.employees.save(employee_key, values, fixed, workshop))
        return done

    def keyed(self) -> tuple[Keyed, ...]:
        return (self.workshops, self.employees)


__all__ = ["LABELS", "LAYOUTS", "OrgsImportReport", "UnusableFile", "import_orgs"]
