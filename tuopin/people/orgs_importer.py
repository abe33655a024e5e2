"""`tuopin import enterprises FILE` and `tuopin import workshops FILE` (and the upload
page): spreadsheets of enterprises with their village pairings, projects and
beneficiaries, and of workshops with their employees. Layouts: docs/formats/people-orgs.md.

The registry import's guarantees: every error names its row and column in Chinese and
English; a dry run writes nothing; all or nothing unless `partial`; re-importing the same
file changes nothing (each row is compared before writing); updates keep history. An ID
number that matches no registry member is kept as received and reported (不在建档立卡库中).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from tuopin.core.errors import TuopinError
from tuopin.people.enterprises_services import (
    beneficiary_save,
    credit_code_clean,
    enterprise_save,
    pairing_save,
    project_save,
)
from tuopin.people.models import Enterprise
from tuopin.people.orgs_enums import BeneficiaryKind, PairingForm, WorkshopType
from tuopin.people.workshops_services import employee_save, workshop_save
from tuopin.registry.idnumbers import canonical_id_number, check_id_number, stored_forms
from tuopin.registry.interchange import values as v
from tuopin.registry.interchange.columns import header_key
from tuopin.registry.interchange.reader import HEADER_SEARCH_ROWS, UnusableFile, sheet_rows
from tuopin.registry.interchange.rows import Message
from tuopin.registry.interchange.table_report import TableImportReport
from tuopin.registry.models import Member

REQUIRED, OPTIONAL = True, False

# key, headers (the first is the documented one), required
ENTERPRISE_COLUMNS = [
    ("name", ["企业名称", "企业"], REQUIRED),
    ("credit_code", ["统一社会信用代码", "信用代码"], REQUIRED),
    ("region", ["所在区划代码", "区划代码"], REQUIRED),
    ("legal_representative", ["法定代表人"], OPTIONAL),
    ("chamber", ["所属商会", "商会"], OPTIONAL),
    ("is_leading", ["带贫龙头企业", "带贫龙头"], OPTIONAL),
    ("village", ["结对村代码", "结对村"], OPTIONAL),
    ("form", ["帮扶形式"], OPTIONAL),
    ("started_on", ["结对日期"], OPTIONAL),
    ("project", ["帮扶项目", "项目名称"], OPTIONAL),
    ("money", ["投入资金（元）", "投入资金", "投入金额"], OPTIONAL),
    ("person_name", ["受益人姓名"], OPTIONAL),
    ("person_id", ["受益人身份证号"], OPTIONAL),
    ("person_kind", ["受益方式"], OPTIONAL),
]
WORKSHOP_COLUMNS = [
    ("workshop", ["车间名称", "扶贫车间"], REQUIRED),
    ("operator", ["经营主体信用代码", "经营主体统一社会信用代码"], OPTIONAL),
    ("village", ["所在村代码", "行政村代码"], REQUIRED),
    ("type", ["车间类型"], REQUIRED),
    ("established_on", ["建成日期"], OPTIONAL),
    ("total_staff", ["用工总人数"], OPTIONAL),
    ("name", ["姓名"], OPTIONAL),
    ("id_number", ["身份证号"], OPTIONAL),
    ("contract_start", ["合同开始日期"], OPTIONAL),
    ("contract_end", ["合同结束日期"], OPTIONAL),
    ("wage", ["月工资（元）", "月工资"], OPTIONAL),
]
LAYOUTS = {"enterprises": ENTERPRISE_COLUMNS, "workshops": WORKSHOP_COLUMNS}
LABELS = {"enterprises": "帮扶企业与村企结对", "workshops": "扶贫车间与务工人员"}


OrgsImportReport = TableImportReport


class RowError(Exception):
    def __init__(self, column: str, code: str, message_zh: str, message_en: str):
        super().__init__(message_zh)
        self.column, self.code = column, code
        self.message_zh, self.message_en = message_zh, message_en


def _header(path, columns) -> tuple[int, dict[int, str], object]:
    lookup = {header_key(name): key for key, names, _r in columns for name in names}
    required = {key for key, _n, needed in columns if needed}
    rows = sheet_rows(path)
    for number, row in rows:
        found = {
            position: lookup[header_key(cell)]
            for position, cell in enumerate(row)
            if cell is not None and header_key(cell) in lookup
        }
        if required <= set(found.values()):
            return number, found, rows
        if number >= HEADER_SEARCH_ROWS:
            break
    needed = "、".join(names[0] for key, names, needed in columns if needed)
    raise UnusableFile(
        "header_missing",
        f"找不到表头：前 30 行中没有含“{needed}”的行",
        f"no header row: none of the first 30 rows names {needed}",
    )


def _choice(value, choices, column: str, what_zh: str):
    word = v.key(value)
    if not word:
        return ""
    for code, label in choices:
        if word in (code, v.key(str(label))):
            return code
    labels = "、".join(str(label) for _c, label in choices)
    raise RowError(
        column,
        "bad_choice",
        f"{what_zh}“{v.text(value)}”无效，应为：{labels}",
        f"'{v.text(value)}' is not one of the allowed values",
    )


def _parse(cells: dict, parsers: dict, headers: dict) -> tuple[dict, list[RowError]]:
    parsed, problems = {}, []
    for key, parser in parsers.items():
        try:
            parsed[key] = parser(cells.get(key))
        except v.BadValue as bad:
            problems.append(RowError(headers[key], bad.code, bad.message_zh, bad.message_en))
        except RowError as error:
            error.column = headers[key]
            problems.append(error)
    return parsed, problems


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
    "form": lambda x: _choice(x, PairingForm.choices, "", "帮扶形式"),
    "started_on": v.a_date,
    "project": v.text,
    "money": v.amount,
    "person_name": v.text,
    "person_id": _id,
    "person_kind": lambda x: _choice(x, BeneficiaryKind.choices, "", "受益方式"),
}
WORKSHOP_PARSERS = {
    "workshop": v.text,
    "operator": _credit_or_blank,
    "village": _code12,
    "type": lambda x: _choice(x, WorkshopType.choices, "", "车间类型"),
    "established_on": v.a_date,
    "total_staff": lambda x: v.whole_number(x, low=0, high=100_000),
    "name": v.text,
    "id_number": _id,
    "contract_start": v.a_date,
    "contract_end": v.a_date,
    "wage": v.amount,
}


def _missing(parsed: dict, keys, headers) -> list[RowError]:
    return [
        RowError(headers[k], "required", f"“{headers[k]}”未填写", f"'{headers[k]}' is missing")
        for k in keys
        if not parsed.get(k) and parsed.get(k) != 0 and k not in parsed.get("_bad", ())
    ]


def _enterprise_row(parsed: dict, headers: dict) -> list[RowError]:
    problems = _missing(parsed, ("name", "credit_code", "region"), headers)
    paired = parsed.get("village")
    if (parsed.get("form") or parsed.get("project") or parsed.get("person_id")) and not paired:
        problems += _missing(parsed, ("village",), headers)
    if paired:
        problems += _missing(parsed, ("form",), headers)
    if parsed.get("money") is not None and parsed["money"] < 0:
        problems.append(
            RowError(headers["money"], "negative", "投入资金不能为负数", "money cannot be negative")
        )
    if parsed.get("money") is not None and not parsed.get("project"):
        problems += _missing(parsed, ("project",), headers)
    if parsed.get("person_id") and not parsed.get("person_kind"):
        problems += _missing(parsed, ("person_kind",), headers)
    return problems


def _workshop_row(parsed: dict, headers: dict) -> list[RowError]:
    problems = _missing(parsed, ("workshop", "village", "type"), headers)
    if parsed.get("id_number") or parsed.get("name"):
        problems += _missing(parsed, ("id_number", "contract_start"), headers)
    if parsed.get("wage") is not None and parsed["wage"] < 0:
        problems.append(
            RowError(headers["wage"], "negative", "月工资不能为负数", "the wage cannot be negative")
        )
    start, end = parsed.get("contract_start"), parsed.get("contract_end")
    if start and end and end < start:
        problems.append(
            RowError(
                headers["contract_end"],
                "contract_dates",
                "合同结束日期早于开始日期",
                "the contract ends before it starts",
            )
        )
    return problems


SHARED = {
    "enterprises": (
        "credit_code",
        ("name", "region", "legal_representative", "chamber", "is_leading"),
    ),
    "workshops": (("village", "workshop"), ("operator", "type", "established_on", "total_staff")),
}


def import_orgs(
    what: str, path: Path | str, *, acting_user=None, dry_run=False, partial=False
) -> OrgsImportReport:
    """Import an enterprises or workshops file; raises UnusableFile for an unreadable one."""
    columns = LAYOUTS[what]
    report = OrgsImportReport(what, dry_run=dry_run)
    _number, found, rows = _header(path, columns)
    header_of = {key: names[0] for key, names, _r in columns}
    parsers = ENTERPRISE_PARSERS if what == "enterprises" else WORKSHOP_PARSERS
    checks = _enterprise_row if what == "enterprises" else _workshop_row
    key_fields, shared_fields = SHARED[what]
    first_seen: dict = {}
    good: list[tuple[int, dict]] = []
    bad_rows: set[int] = set()

    def error(row: int, problem: RowError):
        report.errors.append(
            Message(row, problem.column, problem.code, problem.message_zh, problem.message_en)
        )
        bad_rows.add(row)

    for number, raw in rows:
        cells = {key: raw[position] for position, key in found.items() if position < len(raw)}
        if not any(v.key(value) for value in cells.values()):
            continue
        if v.key(next(iter(raw), "")).startswith(("合计", "总计")):
            break
        report.rows += 1
        parsed, problems = _parse(cells, parsers, header_of)
        parsed["_bad"] = {k for k in parsers if k not in parsed}
        problems += checks(parsed, header_of)
        if not problems:
            row_key = (
                parsed[key_fields]
                if isinstance(key_fields, str)
                else tuple(parsed[k] for k in key_fields)
            )
            shared = {k: parsed.get(k) for k in shared_fields if parsed.get(k) not in (None, "")}
            earlier, known = first_seen.get(row_key, (None, {}))
            if any(known.get(k, value) != value for k, value in shared.items()):
                problems.append(
                    RowError(
                        header_of[shared_fields[0]],
                        "inconsistent",
                        f"与第 {earlier} 行的{'企业' if what == 'enterprises' else '车间'}信息不一致",
                        f"disagrees with row {earlier} about the same "
                        + ("enterprise" if what == "enterprises" else "workshop"),
                    )
                )
            else:
                # Rows of one enterprise (workshop) complete each other: a value given
                # once holds for all its rows, so that a re-import changes nothing.
                first_seen[row_key] = (earlier or number, {**shared, **known})
            parsed["_key"] = row_key
        for problem in problems:
            error(number, problem)
        if not problems:
            good.append((number, parsed))
    # The good rows are written (in a transaction rolled back unless the import is to
    # stand), so that every error shows, those found only when writing too.
    outcomes: dict[int, set[str]] = {}
    with transaction.atomic():
        for number, parsed in good:
            parsed.update(first_seen[parsed["_key"]][1])
            try:
                with transaction.atomic():
                    if what == "enterprises":
                        done = _write_enterprise(parsed, acting_user, header_of, report, number)
                    else:
                        done = _write_workshop(parsed, acting_user, header_of, report, number)
                outcomes[number] = done
            except RowError as problem:
                error(number, problem)
            except TuopinError as problem:
                column = header_of.get(problem.field or "", "")
                error(
                    number, RowError(column, problem.code, problem.message_zh, problem.message_en)
                )
            except (Http404, PermissionDenied):
                error(
                    number,
                    RowError(
                        header_of.get("village") or header_of.get("region", ""),
                        "out_of_scope",
                        "不在您可维护的区划内",
                        "outside the regions you keep",
                    ),
                )
        report.rejected = len(bad_rows)
        if (report.errors and not partial) or dry_run:
            transaction.set_rollback(True)
        report.written = not dry_run and not (report.errors and not partial)
    if report.errors and not partial:
        return report
    for done in outcomes.values():
        if "created" in done:
            report.created += 1
        elif "updated" in done:
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def _not_registered(report, number: int, column: str, id_number: str) -> None:
    if Member.objects.filter(id_number__in=stored_forms(canonical_id_number(id_number))).exists():
        return
    report.not_registered += 1
    report.warnings.append(
        Message(
            number,
            column,
            "not_registered",
            f"身份证号 {id_number[:6]}********{id_number[-4:]} 不在建档立卡库中，按原样保存",
            "the ID number is not in the registry; kept as received",
        )
    )


def _write_enterprise(parsed, user, headers, report, number) -> set[str]:
    enterprise, outcome = enterprise_save(
        acting_user=user,
        name=parsed["name"],
        credit_code=parsed["credit_code"],
        region_code=parsed["region"],
        legal_representative=parsed.get("legal_representative", ""),
        chamber=parsed.get("chamber", ""),
        is_leading=bool(parsed.get("is_leading")),
    )
    done = {outcome}
    if not parsed.get("village"):
        return done
    pairing, outcome = pairing_save(
        acting_user=user,
        enterprise=enterprise,
        village_code=parsed["village"],
        form=parsed["form"],
        started_on=parsed.get("started_on"),
    )
    done.add(outcome)
    if parsed.get("project"):
        done.add(
            project_save(pairing=pairing, name=parsed["project"], money=parsed.get("money"))[1]
        )
    if parsed.get("person_id"):
        _not_registered(report, number, headers["person_id"], parsed["person_id"])
        done.add(
            beneficiary_save(
                pairing=pairing,
                id_number=parsed["person_id"],
                name=parsed.get("person_name", ""),
                kind=parsed["person_kind"],
            )[1]
        )
    return done


def _write_workshop(parsed, user, headers, report, number) -> set[str]:
    operator = None
    if parsed.get("operator"):
        operator = Enterprise.objects.filter(credit_code=parsed["operator"]).first()
        if operator is None:
            raise RowError(
                headers["operator"],
                "operator_unknown",
                f"经营主体“{parsed['operator']}”不在帮扶企业库中，请先导入企业",
                f"no enterprise with the credit code {parsed['operator']}: import it first",
            )
    workshop, outcome = workshop_save(
        acting_user=user,
        name=parsed["workshop"],
        village_code=parsed["village"],
        type=parsed["type"],
        operator=operator,
        established_on=parsed.get("established_on"),
        total_staff=parsed.get("total_staff"),
    )
    done = {outcome}
    if parsed.get("id_number"):
        _not_registered(report, number, headers["id_number"], parsed["id_number"])
        done.add(
            employee_save(
                workshop=workshop,
                name=parsed.get("name", ""),
                id_number=parsed["id_number"],
                contract_start=parsed["contract_start"],
                contract_end=parsed.get("contract_end"),
                monthly_wage=parsed.get("wage"),
            )[1]
        )
    return done
