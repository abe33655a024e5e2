"""`tuopin import funds FILE` and `tuopin import payments FILE` (and the upload page):
the fund ledger with its allocations and disbursements (one sheet, a 类型 column), and
payment lists. Layouts: docs/formats/funds.md and docs/formats/payments.md.

The registry import's guarantees: every error names its row and column in Chinese and
English; a dry run writes nothing; all or nothing unless `partial`; re-importing the same
file changes nothing; every row written has history.

Set-based: the regions, funds, projects, stored movements and registry members a file
names are read with a few queries; the file is planned in memory against them (the rules
of funds_services: a child region, not more than the balance, a project of the region's
library) and written with COPY (core.bulk) in one transaction. Payments are facts, not
records to update: a payment row is the same as a stored one when every field agrees;
the file's rows are counted against the stored ones, so a duplicate payment in a file
(a warning's finding) is kept and a re-import adds nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from django.db.models import Sum

from tuopin.core.bulk import insert_with_history
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import significant_prefix, within
from tuopin.people.enterprises_services import credit_code_clean
from tuopin.people.importing import (
    CellError,
    Column,
    Keyed,
    Layout,
    blocks,
    finish,
    message,
    parse_cells,
    read_table,
)
from tuopin.projects import access
from tuopin.projects.changes import funds_written
from tuopin.projects.enums import FundNature, PayeeKind, ProjectStage, SourceLevel
from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment, Project
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import canonical_id_number, check_id_number, stored_forms
from tuopin.registry.interchange import values as v
from tuopin.registry.interchange.rows import Message
from tuopin.registry.interchange.table_report import TableImportReport
from tuopin.registry.models import Member

FUND, ALLOCATION, DISBURSEMENT = "fund", "allocation", "disbursement"
KINDS = {
    "资金指标": FUND,
    "指标": FUND,
    "分配下达": ALLOCATION,
    "下达": ALLOCATION,
    "拨付项目": DISBURSEMENT,
    "拨付": DISBURSEMENT,
}
# A disbursement in an import records money that went to a project planned, under way or
# since finished (a typed-in one: planned or under way only, funds_services).
IMPORT_PAYABLE = (
    ProjectStage.PLANNED,
    ProjectStage.IMPLEMENTING,
    ProjectStage.COMPLETED,
    ProjectStage.ANNOUNCED,
)

FUNDS = Layout(
    (
        Column("kind", "类型", ("记录类型",), required=True),
        Column("document", "指标文件文号", ("文号", "指标文号"), required=True),
        Column("name", "资金名称"),
        Column("nature", "资金性质"),
        Column("level", "资金来源级次", ("来源级次",)),
        Column("functional_class", "支出功能分类科目", ("功能分类",)),
        Column("integrated", "统筹整合", ("纳入统筹整合涉农资金", "是否统筹整合")),
        Column("year", "年度"),
        Column("issued_on", "文件日期"),
        Column("amount", "金额（元）", ("金额",), required=True),
        Column("region", "区划代码", ("收到资金区划", "下达单位区划", "拨付区划"), required=True),
        Column("to_region", "接收区划代码", ("接收区划",)),
        Column("project", "项目编号"),
        Column("on", "日期", ("到达日期", "下达日期", "拨付日期"), required=True),
        Column("reference", "下达文号或拨付凭证号", ("下达文号", "拨付凭证号")),
    ),
    marks=("kind", "document", "amount"),
)
PAYMENTS = Layout(
    (
        Column("document", "指标文件文号", ("文号", "指标文号")),
        Column("project", "项目编号"),
        Column("kind", "支付对象类型", ("支付对象",), required=True),
        Column("payee", "收款人", ("收款人姓名", "收款单位"), required=True),
        Column("id_number", "身份证号", ("证件号码",)),
        Column("credit_code", "统一社会信用代码", ("信用代码",)),
        Column("account", "收款账号", ("银行账号", "银行卡号")),
        Column("item", "支付事项", ("项目内容", "补助项目"), required=True),
        Column("period", "所属期间", ("期间",)),
        Column("amount", "金额（元）", ("金额", "支付金额"), required=True),
        Column("paid_on", "支付日期", required=True),
        Column("voucher", "支付凭证号", ("凭证号",)),
        Column("region", "区划代码"),
    ),
    marks=("kind", "payee", "amount"),
)
LAYOUTS = {"funds": FUNDS, "payments": PAYMENTS}
LABELS = {"funds": "资金指标、分配下达与拨付", "payments": "资金支付明细"}


def _choice(choices, what_zh: str):
    def parse(value):
        word = v.key(value)
        if not word:
            return ""
        for code, label in choices:
            if word in (code, str(label), str(label).removesuffix("级")):
                return code
        labels = "、".join(str(label) for _c, label in choices)
        raise CellError("", "bad_choice", f"{what_zh}“{v.text(value)}”无效，应为：{labels}",
                        f"'{v.text(value)}' is not one of the allowed values")  # fmt: skip

    return parse


def _kind(value):
    word = v.key(value)
    if word in KINDS:
        return KINDS[word]
    raise CellError("", "bad_kind", f"类型“{v.text(value)}”无效，应为：资金指标、分配下达、拨付项目",
                    f"'{v.text(value)}' is not 资金指标, 分配下达 or 拨付项目")  # fmt: skip


def _code12(value) -> str:
    word = v.key(value)
    if word and (not word.isdigit() or len(word) != 12):
        raise v.BadValue(
            f"“{v.text(value)}”不是 12 位区划代码", f"'{v.text(value)}' is not a 12-digit code"
        )
    return word


def _amount(value):
    amount = v.amount(value)
    if amount is not None and amount <= 0:
        raise v.BadValue("金额必须大于 0", "the amount must be above 0", "amount_negative")
    return amount


def _fund_amount(value):
    amount = v.amount(value)
    if amount is not None and amount < 0:
        raise v.BadValue("金额不能为负数", "the amount cannot be negative", "amount_negative")
    return amount


FUND_PARSERS = {
    "kind": _kind,
    "document": v.text,
    "name": v.text,
    "nature": _choice(FundNature.choices, "资金性质"),
    "level": _choice(SourceLevel.choices, "资金来源级次"),
    "functional_class": v.text,
    "integrated": v.yes_no,
    "year": lambda x: v.whole_number(x, low=2000, high=2100),
    "issued_on": v.a_date,
    "amount": _fund_amount,
    "region": _code12,
    "to_region": _code12,
    "project": v.text,
    "on": v.a_date,
    "reference": v.text,
}
REQUIRED = {
    FUND: ("document", "name", "nature", "level", "year", "amount", "region", "on"),
    ALLOCATION: ("document", "amount", "region", "to_region", "on"),
    DISBURSEMENT: ("document", "amount", "region", "project", "on"),
}


def _missing(layout: Layout, parsed: dict, keys, bad: set) -> list[CellError]:
    return [
        CellError(k, "required", f"“{layout.header(k)}”未填写", f"'{layout.header(k)}' is missing")
        for k in keys
        if parsed.get(k) in (None, "") and k not in bad
    ]


def _error(report, layout, number, column, code, zh, en) -> None:
    report.errors.append(message(layout, number, CellError(column, code, zh, en)))
    report.rejected += 1


# -- the fund ledger ---------------------------------------------------------------------------


def import_funds(path: Path | str, *, acting_user=None, dry_run=False, partial=False):
    """Funds, allocations and disbursements of one sheet; UnusableFile for an unreadable one."""
    report = TableImportReport("funds", dry_run=dry_run)
    table = read_table(path, FUNDS)
    report.rows = len(table.rows)
    rows: dict[str, list] = {FUND: [], ALLOCATION: [], DISBURSEMENT: []}
    for number, cells in table.rows:
        parsed, messages = parse_cells(FUNDS, number, cells, FUND_PARSERS)
        kind = parsed.get("kind")
        if kind:
            bad = set(FUND_PARSERS) - set(parsed)
            problems = _missing(FUNDS, parsed, REQUIRED[kind], bad)
            if kind != FUND and parsed.get("amount") == 0:
                problems.append(CellError("amount", "amount_negative", "金额必须大于 0",
                                          "the amount must be above 0"))  # fmt: skip
            messages += [message(FUNDS, number, p) for p in problems]
        if messages:
            report.errors.extend(messages)
            report.rejected += 1
        else:
            rows[kind].append((number, parsed))
    plan = _FundsPlan(acting_user, report)
    plan.load(rows)
    for number, parsed in rows[FUND]:
        plan.fund(number, parsed)
    for kind, method in ((ALLOCATION, plan.allocation), (DISBURSEMENT, plan.disbursement)):
        for number, parsed in sorted(rows[kind], key=lambda r: (r[1]["on"], r[0])):
            method(number, parsed)
    return finish(report, partial=partial, dry_run=dry_run, write=plan.write)


class _FundsPlan:
    def __init__(self, user, report):
        self.user, self.report = user, report
        self.prefixes = None if user is None else access.keep_prefixes(user, access.FUNDS)
        self.regions: dict[str, tuple[str, str | None]] = {}  # code -> (level, parent)
        self.funds = Keyed(
            Fund,
            ["name", "nature", "level", "functional_class", "integrated", "year", "amount",
             "region", "issued_on", "received_on"],
        )  # fmt: skip
        self.allocations = Keyed(Allocation, ["amount"], parent="fund")
        self.disbursements = Keyed(Disbursement, ["amount"], parent="fund")
        self.projects: dict[tuple[str, str], Project] = {}
        self.balance: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.written: set[str] = set()
        self.seen: dict[tuple, int] = {}

    def load(self, rows: dict[str, list]) -> None:
        every = [p for kind_rows in rows.values() for _n, p in kind_rows]
        codes = {p["region"] for p in every} | {p.get("to_region") or "" for p in every}
        found = Region.objects.filter(code__in=codes - {""}).values_list("code", "level", "parent")
        self.regions = {code: (level, parent) for code, level, parent in found}
        documents = {p["document"] for p in every}
        funds = {f.document: f for f in Fund.objects.filter(document__in=documents)}
        self.funds.stored.update(funds)
        for a in Allocation.objects.filter(fund__document__in=documents).select_related("fund"):
            key = (a.fund.document, a.from_region_id, a.to_region_id, a.allocated_on, a.document)
            self.allocations.stored[key] = a
        disbursed = Disbursement.objects.filter(fund__document__in=documents)
        for d in disbursed.select_related("fund", "project"):
            key = (d.fund.document, d.region_id, d.project.code, d.disbursed_on, d.voucher)
            self.disbursements.stored[key] = d
        for f in funds.values():
            self.balance[(f.document, f.region_id)] += f.amount
        moves = Allocation.objects.filter(fund__document__in=documents).values_list(
            "fund__document", "from_region_id", "to_region_id"
        )
        for doc, giver, taker, s in moves.annotate(s=Sum("amount")):
            self.balance[(doc, giver)] -= s
            self.balance[(doc, taker)] += s
        spent = disbursed.values_list("fund__document", "region_id").annotate(s=Sum("amount"))
        for doc, region, s in spent:
            self.balance[(doc, region)] -= s
        counties = {p["region"][:6].ljust(12, "0") for _n, p in rows[DISBURSEMENT]}
        wanted = {p["project"] for _n, p in rows[DISBURSEMENT]}
        found_projects = Project.objects.filter(county_id__in=counties, code__in=wanted)
        self.projects = {(p.county_id, p.code): p for p in found_projects}

    def _fail(self, number, column, code, zh, en) -> None:
        _error(self.report, FUNDS, number, column, code, zh, en)

    def _region(self, number, code, column) -> bool:
        if code not in self.regions:
            self._fail(number, column, "region_unknown", f"区划代码“{code}”不存在",
                       f"no region with the code '{code}'")  # fmt: skip
            return False
        if self.prefixes is not None and not within(code, self.prefixes):
            self._fail(number, column, "out_of_scope", "不在您可维护的区划内",
                       "outside the regions you keep")  # fmt: skip
            return False
        return True

    def _once(self, number, key, column) -> bool:
        if key in self.seen:
            self._fail(number, column, "duplicate_row", f"与第 {self.seen[key]} 行重复",
                       f"repeats row {self.seen[key]}")  # fmt: skip
            return False
        self.seen[key] = number
        return True

    def _count(self, done: str) -> None:
        setattr(self.report, done, getattr(self.report, done) + 1)

    def fund(self, number: int, p: dict) -> None:
        doc, region = p["document"], p["region"]
        if not self._once(number, ("fund", doc), "document") or not self._region(
            number, region, "region"
        ):
            return
        if self.regions[region][0] not in (RegionLevel.CITY, RegionLevel.COUNTY):
            return self._fail(number, "region", "fund_region_level", "资金指标只能登记在市或县（区）",
                              "a fund is registered at the city or a county")  # fmt: skip
        if p.get("issued_on") and p["on"] < p["issued_on"]:
            return self._fail(number, "on", "received_before_issued", "到达日期早于文件日期",
                              "the fund arrived before its document was issued")  # fmt: skip
        stored = self.funds.stored.get(doc)
        if stored is not None:
            if stored.region_id != region and not self._region(number, stored.region_id, "region"):
                return
            self.balance[(doc, stored.region_id)] -= stored.amount
        if self.balance[(doc, region)] + p["amount"] < 0:
            if stored is not None:
                self.balance[(doc, stored.region_id)] += stored.amount
            return self._fail(number, "amount", "over_balance", "金额少于已下达和拨付的金额",
                              "the amount is less than what was passed on")  # fmt: skip
        self.balance[(doc, region)] += p["amount"]
        values = {
            "name": p["name"],
            "nature": p["nature"],
            "level": p["level"],
            "functional_class": p.get("functional_class") or "",
            "integrated": p.get("integrated"),
            "year": p["year"],
            "amount": p["amount"],
            "region_id": region,
            "issued_on": p.get("issued_on"),
            "received_on": p["on"],
        }
        self._count(self.funds.save(doc, values, {"document": doc}))
        self.written.add(significant_prefix(region))

    def _fund_of(self, number: int, doc: str) -> Fund | None:
        fund = self.funds.get(doc)
        if fund is None:
            self._fail(number, "document", "fund_unknown", f"指标文件文号“{doc}”未登记（须先有资金指标行）",
                       f"no fund with the document '{doc}'")  # fmt: skip
        return fund

    def _spend(self, number, doc, region, amount, stored) -> bool:
        previous = stored.amount if stored is not None else Decimal(0)
        if self.balance[(doc, region)] + previous < amount:
            left = self.balance[(doc, region)] + previous
            self._fail(number, "amount", "over_balance", f"金额 {amount} 超过该资金在本级的结余 {left}",
                       f"the amount {amount} is more than the fund's balance {left} here")  # fmt: skip
            return False
        self.balance[(doc, region)] += previous - amount
        return True

    def allocation(self, number: int, p: dict) -> None:
        doc, giver, taker = p["document"], p["region"], p["to_region"]
        key = (doc, giver, taker, p["on"], p.get("reference") or "")
        if not self._once(number, key, "document"):
            return
        fund = self._fund_of(number, doc)
        if fund is None or not self._region(number, giver, "region"):
            return
        if taker not in self.regions or self.regions[taker][1] != giver:
            return self._fail(number, "to_region", "not_a_child", "接收区划不是下达单位的下一级区划",
                              "funds go down one level, to a child region")  # fmt: skip
        stored = self.allocations.stored.get(key)
        if not self._spend(number, doc, giver, p["amount"], stored):
            return
        self.balance[(doc, taker)] += p["amount"] - (stored.amount if stored else 0)
        fixed = {"from_region_id": giver, "to_region_id": taker, "allocated_on": p["on"],
                 "document": p.get("reference") or "", "fund_id": fund.pk}  # fmt: skip
        done = self.allocations.save(key, {"amount": p["amount"]}, fixed, parent=fund)
        self._count(done)
        self.written.add(significant_prefix(giver))

    def disbursement(self, number: int, p: dict) -> None:
        doc, region, code = p["document"], p["region"], p["project"]
        key = (doc, region, code, p["on"], p.get("reference") or "")
        if not self._once(number, key, "document"):
            return
        fund = self._fund_of(number, doc)
        if fund is None or not self._region(number, region, "region"):
            return
        project = self.projects.get((region[:6].ljust(12, "0"), code))
        prefix = significant_prefix(region)
        if project is None or not (
            project.region_id.startswith(prefix) or project.county_id == region
        ):
            return self._fail(number, "project", "project_unknown", f"项目编号“{code}”不在该区划的项目库中",
                              f"no project '{code}' in this region's library")  # fmt: skip
        if project.stage not in IMPORT_PAYABLE:
            return self._fail(number, "project", "project_not_payable",
                              f"项目“{code}”处于“{project.get_stage_display()}”，不能拨付",
                              f"project '{code}' is not planned, under way or finished")  # fmt: skip
        stored = self.disbursements.stored.get(key)
        if not self._spend(number, doc, region, p["amount"], stored):
            return
        fixed = {"region_id": region, "project_id": project.pk, "disbursed_on": p["on"],
                 "voucher": p.get("reference") or "", "fund_id": fund.pk}  # fmt: skip
        done = self.disbursements.save(key, {"amount": p["amount"]}, fixed, parent=fund)
        self._count(done)
        self.written.add(prefix)

    def write(self) -> None:
        self.funds.write(self.user)
        self.allocations.write(self.user)
        self.disbursements.write(self.user)
        for prefix in sorted(self.written):
            funds_written(prefix)


# -- payments ------------------------------------------------------------------------------------


def _id(value) -> str:
    if not v.key(value):
        return ""
    check = check_id_number(value)
    if not check.valid:
        problem = check.errors[0]
        raise v.BadValue(problem.message_zh, problem.message_en, problem.code)
    return check.normalised


def _credit(value) -> str:
    if not v.key(value):
        return ""
    try:
        return credit_code_clean(value)
    except TuopinError as error:
        raise v.BadValue(error.message_zh, error.message_en, error.code) from error


def _account(value) -> str:
    return "".join(v.text(value).split())


PAYMENT_PARSERS = {
    "document": v.text,
    "project": v.text,
    "kind": _choice(PayeeKind.choices, "支付对象类型"),
    "payee": v.text,
    "id_number": _id,
    "credit_code": _credit,
    "account": _account,
    "item": v.text,
    "period": v.text,
    "amount": _amount,
    "paid_on": v.a_date,
    "voucher": v.text,
    "region": _code12,
}
PAYMENT_FIELDS = ("fund_id", "project_id", "disbursement_id", "region_id", "payee_kind",
                  "payee", "id_number", "credit_code", "household_id", "member_id", "account",
                  "item", "period", "amount", "paid_on", "voucher")  # fmt: skip
SAME = ("fund_id", "project_id", "payee_kind", "payee", "id_number", "credit_code", "account",
        "item", "period", "amount", "paid_on", "voucher")  # fmt: skip


def _payment_row(p: dict, bad: set) -> list[CellError]:
    problems = _missing(PAYMENTS, p, ("kind", "payee", "item", "amount", "paid_on"), bad)
    if p.get("kind") == PayeeKind.PERSON:
        problems += _missing(PAYMENTS, p, ("id_number", "account"), bad)
    elif p.get("kind") == PayeeKind.ENTERPRISE:
        problems += _missing(PAYMENTS, p, ("credit_code",), bad)
    return problems


class _Memo:
    """parse_cells with each distinct cell value of a column parsed once: a payment list
    repeats its documents, projects, items, periods, dates, amounts and people."""

    def __init__(self, parsers: dict):
        self.parsers = parsers
        self.seen: dict[str, dict] = {column: {} for column in parsers}

    def __call__(self, number: int, cells: dict) -> tuple[dict, list[Message]]:
        values, problems = {}, []
        for column, parser in self.parsers.items():
            cell = cells.get(column)
            seen = self.seen[column]
            try:
                known = seen[cell]
            except KeyError:
                try:
                    known = seen[cell] = (True, parser(cell))
                except CellError as error:
                    error.column = column
                    known = seen[cell] = (False, error)
                except v.BadValue as bad:
                    known = seen[cell] = (False, bad)
            except TypeError:  # a cell that cannot be a key: parse it each time
                known = (True, parser(cell))
            if known[0]:
                values[column] = known[1]
            else:
                problems.append(message(PAYMENTS, number, known[1], column))
        return values, problems


def import_payments(path: Path | str, *, acting_user=None, dry_run=False, partial=False):
    """A payment list; UnusableFile for an unreadable file."""
    report = TableImportReport("payments", dry_run=dry_run)
    table = read_table(path, PAYMENTS)
    report.rows = len(table.rows)
    good: list[tuple[int, dict]] = []
    parse = _Memo(PAYMENT_PARSERS)
    for number, cells in table.rows:
        parsed, messages = parse(number, cells)
        problems = _payment_row(parsed, set(PAYMENT_PARSERS) - set(parsed))
        messages += [message(PAYMENTS, number, p) for p in problems]
        if messages:
            report.errors.extend(messages)
            report.rejected += 1
        else:
            good.append((number, parsed))
    plan = _PaymentsPlan(acting_user, report)
    plan.load_links(good)
    for block in blocks(good):
        plan.load_members(block)
        for number, parsed in block:
            plan.row(number, parsed)
    plan.count_against_stored()
    return finish(report, partial=partial, dry_run=dry_run, write=plan.write)


class _PaymentsPlan:
    def __init__(self, user, report):
        self.user, self.report = user, report
        self.prefixes = None if user is None else access.keep_prefixes(user, access.FUNDS)
        self.funds: dict[str, int] = {}
        self.regions: set[str] = set()
        # (fund id, project code) -> [(disbursed_on, id, project id, project region, region)]
        self.disbursements: dict[tuple, list] = defaultdict(list)
        self.projects: dict[str, list] = defaultdict(list)  # code -> [(id, county, region)]
        self.members: dict[str, tuple[int, int, str]] = {}  # ID -> (member, household, village)
        self.rows: list[tuple[int, dict]] = []

    def load_links(self, good) -> None:
        docs = {p["document"] for _n, p in good} - {""}
        self.funds = dict(Fund.objects.filter(document__in=docs).values_list("document", "pk"))
        codes = {p["project"] for _n, p in good} - {""}
        spent = Disbursement.objects.filter(
            fund_id__in=self.funds.values(), project__code__in=codes
        )
        for row in spent.values_list("fund_id", "project__code", "disbursed_on", "id",
                                     "project_id", "project__region_id", "region_id"):  # fmt: skip
            self.disbursements[row[:2]].append(row[2:])
        for value in self.disbursements.values():
            value.sort()
        for pk, code, county, region in Project.objects.filter(code__in=codes).values_list(
            "pk", "code", "county_id", "region_id"
        ):
            self.projects[code].append((pk, county, region))
        named = {p["region"] for _n, p in good} - {""}
        self.regions = set(Region.objects.filter(code__in=named).values_list("code", flat=True))

    def load_members(self, block) -> None:
        numbers = {p["id_number"] for _n, p in block} - {""} - set(self.members)
        forms = {form for number in numbers for form in stored_forms(number)}
        found = Member.objects.filter(id_number__in=forms).order_by("-pk")
        for pk, number, household, village in found.values_list(
            "pk", "id_number", "household_id", "household__village_id"
        ):
            self.members[canonical_id_number(number)] = (pk, household, village)

    def _warn(self, number, column, code, zh, en) -> None:
        self.report.warnings.append(Message(number, PAYMENTS.header(column), code, zh, en))

    def row(self, number: int, p: dict) -> None:
        fund_id = self.funds.get(p["document"]) if p["document"] else None
        if p["document"] and fund_id is None:
            self._warn(number, "document", "fund_unknown", f"指标文件文号“{p['document']}”未登记，支付无法追溯到资金",
                       "the document is not registered: the payment cannot be traced")  # fmt: skip
        disbursement = project_id = project_region = spent_at = None
        region_named = p["region"]
        if region_named and region_named not in self.regions:
            return _error(self.report, PAYMENTS, number, "region", "region_unknown",
                          f"区划代码“{region_named}”不存在", f"no region with the code '{region_named}'")  # fmt: skip
        if p["project"]:
            chain = self.disbursements.get((fund_id, p["project"]), [])
            before = [d for d in chain if d[0] <= p["paid_on"]] or chain
            if before:
                _on, disbursement, project_id, project_region, spent_at = before[-1]
            else:
                county = region_named[:6] if region_named else ""
                found = [x for x in self.projects.get(p["project"], []) if x[1].startswith(county)]
                if len(found) == 1:
                    project_id, _county, project_region = found[0]
                self._warn(number, "project", "not_disbursed",
                           f"项目“{p['project']}”没有该资金的拨付记录，支付无法追溯到拨付",
                           "no disbursement of the fund to the project: not traceable")  # fmt: skip
        member = self.members.get(p["id_number"]) if p["id_number"] else None
        if p["kind"] == PayeeKind.PERSON and member is None:
            self.report.not_registered += 1
            number_masked = p["id_number"][:6] + "********" + p["id_number"][-4:]
            self._warn(number, "id_number", "not_registered", f"身份证号 {number_masked} 不在建档立卡库中，按原样保存",
                       "the ID number is not in the registry; kept as received")  # fmt: skip
        region = (member[2] if member else None) or project_region or region_named
        if not region:
            return _error(self.report, PAYMENTS, number, "region", "region_unplaced",
                          "无法确定支付所属区划：请填写区划代码或可追溯的项目编号",
                          "cannot place the payment: give a region code or a traced project")  # fmt: skip
        kept = spent_at if disbursement else region
        if self.prefixes is not None and not within(kept, self.prefixes):
            return _error(self.report, PAYMENTS, number, "region", "out_of_scope",
                          "不在您可维护的区划内", "outside the regions you keep")  # fmt: skip
        self.rows.append((number, {
            "fund_id": fund_id, "project_id": project_id, "disbursement_id": disbursement,
            "region_id": region, "payee_kind": p["kind"], "payee": p["payee"],
            "id_number": p["id_number"], "credit_code": p["credit_code"],
            "household_id": member[1] if member else None,
            "member_id": member[0] if member else None, "account": p["account"],
            "item": p["item"], "period": p["period"], "amount": p["amount"],
            "paid_on": p["paid_on"], "voucher": p["voucher"],
            "created_by_id": self.user.pk if self.user else None,
        }))  # fmt: skip

    def count_against_stored(self) -> None:
        """A row is new unless as many equal rows are stored as the file has up to it."""
        if not self.rows:
            return
        days = [r["paid_on"] for _n, r in self.rows]
        stored = FundPayment.objects.filter(paid_on__range=(min(days), max(days)))
        funds = {r["fund_id"] for _n, r in self.rows}
        stored = stored.filter(fund_id__in=funds - {None}) if None not in funds else stored
        have = Counter(stored.values_list(*SAME).iterator(chunk_size=20000))
        new = []
        for number, row in self.rows:
            key = tuple(row[f] for f in SAME)
            if have[key] > 0:
                have[key] -= 1
                self.report.unchanged += 1
            else:
                new.append((number, row))
                self.report.created += 1
        self.rows = new

    def write(self) -> None:
        rows = [row for _n, row in self.rows]
        insert_with_history(FundPayment, rows, user=self.user)
        for prefix in sorted({significant_prefix(r["region_id"])[:6] for r in rows}):
            funds_written(prefix)


def register_funds_imports() -> None:
    """`tuopin import funds FILE` and `tuopin import payments FILE` (apps.ready)."""
    from tuopin.core.import_kinds import ImportKind, import_kind_register

    for name, run, doc in (
        ("funds", import_funds, "docs/formats/funds.md"),
        ("payments", import_payments, "docs/formats/payments.md"),
    ):
        import_kind_register(
            ImportKind(
                name=name,
                label=LABELS[name],
                help=f"{LABELS[name]}（xlsx、xls 或 csv），见 {doc}",
                run=run,
                empty=lambda name=name: TableImportReport(name),
            )
        )
