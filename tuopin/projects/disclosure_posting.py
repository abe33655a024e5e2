"""Posting the notices of projects and funds from the data (公告公示, domain-assistance §15),
and withdrawing one.

Each kind's rows are read from the tables in a few queries over the region and year
(never row by row), then handed to `disclosure_services.disclosure_post`, which masks
the personal columns before anything is stored and refuses a period under the minimum:

- 县级项目库: the county's projects in the year's library version;
- 年度项目计划: the projects of the year's plan, with the nine fields of the guidance
  (项目名称, 实施地点, 建设任务, 补助标准, 资金来源及规模, 实施期限, 实施单位及责任人,
  绩效目标, 带贫减贫机制);
- 资金分配结果: the funds of the year allocated down to and from the region and put on
  its projects;
- 小额信贷名单: the assistance app's loan ledger (borrower masked);
- 补助发放名单: the project funds' payments to people and the assistance payment
  ledger (name and ID number masked);
- 项目完成情况公告: one completed project.

Rows are built in Chinese whatever the poster's language: they are what the board shows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation

from tuopin.assistance.enums import LoanPurpose, PaymentKind
from tuopin.assistance.models import Loan, Payment
from tuopin.cases.models import CountySetting
from tuopin.core.errors import TuopinError
from tuopin.projects import access
from tuopin.projects.disclosure_services import disclosure_post
from tuopin.projects.enums import (
    DisclosureKind,
    FundNature,
    PayeeKind,
    ProjectCategory,
    ProjectNature,
    ProjectStage,
    SourceLevel,
)
from tuopin.projects.models import (
    LIBRARY_STAGES,
    Allocation,
    Disbursement,
    Disclosure,
    FundPayment,
    Project,
    ProjectFunding,
)
from tuopin.regions.models import Region

# The kinds this part posts from the data (项目申报公示 is the village application's own).
POSTED_KINDS = (
    DisclosureKind.LIBRARY,
    DisclosureKind.ANNUAL_PLAN,
    DisclosureKind.FUND_ALLOCATION,
    DisclosureKind.LOAN_LIST,
    DisclosureKind.SUBSIDY_LIST,
    DisclosureKind.COMPLETION,
)
PLAN_STAGES = (
    ProjectStage.PLANNED,
    ProjectStage.IMPLEMENTING,
    ProjectStage.COMPLETED,
    ProjectStage.ANNOUNCED,
)
DONE_STAGES = (ProjectStage.COMPLETED, ProjectStage.ANNOUNCED)
# A subsidy list of the project funds' payments to people (FundPayment), else one kind
# of the assistance payment ledger.
FUND_PAYMENTS = "fund"


def _yuan(amount) -> str:
    return "" if amount is None else f"{Decimal(amount):.2f}"


def _day(value) -> str:
    return value.isoformat() if value else ""


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _under(prefix: str, field: str) -> Q:
    return Q(**{f"{field}__startswith": prefix})


def _projects(region: Region, *, year: int | None = None) -> Q:
    """Projects of the region: owned by it or built in one of its villages."""
    where = _under(region.prefix, "region__code") | _under(region.prefix, "villages__code")
    return where if year is None else where & Q(year=year)


def _project_facts(ids: list[int]) -> tuple[dict, dict]:
    """(place, funding) texts per project: two grouped queries over the projects."""
    places: dict[int, list[str]] = defaultdict(list)
    through = Project.villages.through.objects.filter(project_id__in=ids)
    for project_id, name in through.values_list("project_id", "region__name").order_by(
        "project_id", "region__code"
    ):
        places[project_id].append(name)
    fundings: dict[int, list[str]] = defaultdict(list)
    sums = (
        ProjectFunding.objects.filter(project_id__in=ids)
        .values_list("project_id", "level", "nature")
        .annotate(total=Sum("amount"))
        .order_by("project_id", "level", "nature")
    )
    for project_id, level, nature, total in sums:
        fundings[project_id].append(
            f"{_label(SourceLevel, level)}{_label(FundNature, nature)} {_yuan(total)} 元"
        )
    return places, fundings


def _place(project: Project, places: dict) -> str:
    names = "、".join(places.get(project.id, []))
    return "；".join(part for part in (names, project.location) if part)


def _term(project: Project) -> str:
    if not project.starts_on and not project.ends_on:
        return "未填报"
    return f"{_day(project.starts_on) or '未填报'} 至 {_day(project.ends_on) or '未填报'}"


def _library_rows(region: Region, year: int) -> tuple[list, list, dict]:
    entered = Q(library_entries__year=year, library_entries__removed_on__isnull=True)
    projects = list(
        Project.objects.filter(_projects(region), stage__in=LIBRARY_STAGES)
        .filter(entered | Q(year=year, library_entries__isnull=True))
        .distinct()
        .order_by("code")
    )
    places, fundings = _project_facts([p.id for p in projects])
    columns = [
        "项目编号",
        "项目名称",
        "项目类别",
        "建设性质",
        "实施地点",
        "建设任务",
        "资金规模（元）",
        "实施期限",
        "实施单位",
        "责任人",
        "绩效目标",
        "带贫减贫机制",
    ]
    rows = [
        [
            p.code,
            p.name,
            _label(ProjectCategory, p.category),
            _label(ProjectNature, p.nature),
            _place(p, places),
            p.tasks,
            _yuan(p.amount),
            _term(p),
            p.unit,
            p.person,
            p.targets,
            p.mechanism,
        ]
        for p in projects
    ]
    return columns, rows, {9: "name"}


def _plan_rows(region: Region, year: int) -> tuple[list, list, dict]:
    projects = list(
        Project.objects.filter(_projects(region, year=year), stage__in=PLAN_STAGES)
        .distinct()
        .order_by("code")
    )
    places, fundings = _project_facts([p.id for p in projects])
    columns = [
        "项目名称",
        "实施地点",
        "建设任务",
        "补助标准",
        "资金来源及规模",
        "实施期限",
        "实施单位",
        "责任人",
        "绩效目标",
        "带贫减贫机制",
    ]
    rows = [
        [
            p.name,
            _place(p, places),
            p.tasks,
            p.subsidy_standard or "未填报",
            "；".join(fundings.get(p.id, [])) or f"合计 {_yuan(p.amount)} 元",
            _term(p),
            p.unit,
            p.person,
            p.targets,
            p.mechanism,
        ]
        for p in projects
    ]
    return columns, rows, {7: "name"}


def _allocation_rows(region: Region, year: int) -> tuple[list, list, dict]:
    prefix = region.prefix
    columns = [
        "指标文件文号",
        "资金名称",
        "资金来源级次",
        "资金性质",
        "下达或拨付单位",
        "接收单位或项目",
        "下达文号",
        "金额（元）",
        "日期",
    ]
    allocations = (
        Allocation.objects.filter(fund__year=year)
        .filter(_under(prefix, "from_region__code") | _under(prefix, "to_region__code"))
        .values_list(
            "fund__document",
            "fund__name",
            "fund__level",
            "fund__nature",
            "from_region__name",
            "to_region__name",
            "document",
            "amount",
            "allocated_on",
        )
        .order_by("fund__document", "allocated_on", "id")
    )
    disbursements = (
        Disbursement.objects.filter(fund__year=year)
        .filter(_under(prefix, "region__code"))
        .values_list(
            "fund__document",
            "fund__name",
            "fund__level",
            "fund__nature",
            "region__name",
            "project__name",
            "voucher",
            "amount",
            "disbursed_on",
        )
        .order_by("fund__document", "disbursed_on", "id")
    )
    rows = [
        [
            doc,
            name,
            _label(SourceLevel, lvl),
            _label(FundNature, nat),
            src,
            dst,
            ref,
            _yuan(a),
            _day(d),
        ]
        for doc, name, lvl, nat, src, dst, ref, a, d in [*allocations, *disbursements]
    ]
    return columns, rows, {}


def _loan_rows(region: Region, year: int) -> tuple[list, list, dict]:
    columns = [
        "所在村",
        "借款人",
        "身份证号",
        "贷款用途",
        "贷款金额（元）",
        "期限（月）",
        "年利率（%）",
        "贷款机构",
        "放款日期",
    ]
    loans = (
        Loan.objects.filter(_under(region.prefix, "region__code"), year=year)
        .values_list(
            "region__name",
            "name",
            "id_number",
            "purpose",
            "amount",
            "term_months",
            "interest_rate",
            "bank",
            "drawn_on",
        )
        .order_by("region__code", "drawn_on", "id")
    )
    rows = [
        [
            village,
            name,
            number,
            _label(LoanPurpose, purpose) or "未填报",
            _yuan(amount),
            term,
            "未填报" if rate is None else f"{rate:.2f}",
            bank,
            _day(drawn),
        ]
        for village, name, number, purpose, amount, term, rate, bank, drawn in loans
    ]
    return columns, rows, {1: "name", 2: "id_number"}


def _subsidy_rows(region: Region, year: int, item: str) -> tuple[list, list, dict]:
    columns = ["所在村", "姓名", "身份证号", "补助项目", "所属期间", "金额（元）", "发放日期"]
    if item == FUND_PAYMENTS:
        found = (
            FundPayment.objects.filter(
                _under(region.prefix, "region__code"),
                payee_kind=PayeeKind.PERSON,
                paid_on__year=year,
            )
            .values_list(
                "region__name", "payee", "id_number", "item", "period", "amount", "paid_on"
            )
            .order_by("region__code", "paid_on", "id")
        )
        rows = [[v, n, i, what, p, _yuan(a), _day(d)] for v, n, i, what, p, a, d in found]
    else:
        label = _label(PaymentKind, item)
        found = (
            Payment.objects.filter(_under(region.prefix, "region__code"), year=year, kind=item)
            .values_list("region__name", "name", "id_number", "period", "amount", "paid_on")
            .order_by("region__code", "period", "id")
        )
        rows = [[v, n, i, label, p, _yuan(a), _day(d)] for v, n, i, p, a, d in found]
    return columns, rows, {1: "name", 2: "id_number"}


def _completion_rows(project: Project) -> tuple[list, list, dict]:
    places, fundings = _project_facts([project.id])
    spent = {
        "disbursed": Disbursement.objects.filter(project=project).aggregate(s=Sum("amount"))["s"],
        "paid": FundPayment.objects.filter(project=project).aggregate(s=Sum("amount"))["s"],
    }
    accepted = project.steps.filter(action="accept").order_by("-acted_on").first()
    rows = [
        ["项目名称", project.name],
        ["实施地点", _place(project, places)],
        ["建设任务", project.tasks],
        ["实施单位", project.unit],
        ["责任人", project.person],
        ["实施期限", _term(project)],
        ["项目总投资（元）", _yuan(project.amount)],
        ["资金来源及规模", "；".join(fundings.get(project.id, [])) or "未填报"],
        ["已拨付资金（元）", _yuan(spent["disbursed"] or 0)],
        ["已支付资金（元）", _yuan(spent["paid"] or 0)],
        ["绩效目标", project.targets],
        ["带贫减贫机制", project.mechanism],
        ["竣工验收日期", _day(accepted.acted_on) if accepted else "未填报"],
    ]
    return ["事项", "内容"], rows, {}


TITLES = {
    DisclosureKind.LIBRARY: "{region}{year}年度县级脱贫攻坚项目库公示",
    DisclosureKind.ANNUAL_PLAN: "{region}{year}年度扶贫项目计划公示",
    DisclosureKind.FUND_ALLOCATION: "{region}{year}年度扶贫资金分配结果公告",
    DisclosureKind.LOAN_LIST: "{region}{year}年度扶贫小额信贷名单公示",
    DisclosureKind.SUBSIDY_LIST: "{region}{year}年度{item}发放名单公示",
    DisclosureKind.COMPLETION: "{project}项目完成情况公告",
}


def default_contact(region: Region) -> str:
    """The county's objection line (the cases app's notice settings), if it set one."""
    setting = CountySetting.objects.filter(county_id=region.code[:6].ljust(12, "0")).first()
    return setting.objection_phone if setting else ""


def subsidy_items() -> list[tuple[str, str]]:
    return [(FUND_PAYMENTS, "项目资金到人补助"), *PaymentKind.choices]


def disclosure_publish(
    *,
    acting_user,
    kind: str,
    region: Region,
    year: int,
    starts_on: date,
    ends_on: date | None = None,
    place: str = "",
    contact: str = "",
    title: str = "",
    item: str = "",
    project: Project | None = None,
) -> Disclosure:
    """Post a notice of `kind` built from the data of `region` and `year` (a completion
    announcement: of `project`; a subsidy list: of `item`). Refuses an empty notice."""
    if not access.may_keep(acting_user, access.DISCLOSURE, region.code):
        raise PermissionDenied("没有权限发布公告公示 (you may not post notices here)")
    if kind not in POSTED_KINDS:
        raise TuopinError(
            "disclosure_kind", "请选择公示类型", "choose what the notice shows", field="kind"
        )
    with translation.override("zh-hans"):
        if kind == DisclosureKind.COMPLETION:
            if project is None or project.stage not in DONE_STAGES:
                raise TuopinError(
                    "disclosure_project",
                    "项目完成情况公告须选择已竣工验收的项目",
                    "choose a completed project",
                    field="project",
                )
            if not project.region.code.startswith(region.prefix):
                raise PermissionDenied("没有权限发布公告公示 (you may not post notices here)")
            columns, rows, personal = _completion_rows(project)
        elif kind == DisclosureKind.SUBSIDY_LIST:
            if item not in dict(subsidy_items()):
                raise TuopinError(
                    "disclosure_item",
                    "补助发放名单须选择补助项目",
                    "choose what the subsidy list pays",
                    field="item",
                )
            columns, rows, personal = _subsidy_rows(region, year, item)
        else:
            builder = {
                DisclosureKind.LIBRARY: _library_rows,
                DisclosureKind.ANNUAL_PLAN: _plan_rows,
                DisclosureKind.FUND_ALLOCATION: _allocation_rows,
                DisclosureKind.LOAN_LIST: _loan_rows,
            }[kind]
            columns, rows, personal = builder(region, year)
        if not rows:
            raise TuopinError(
                "disclosure_empty",
                f"{region.name}{year}年度没有可公示的{DisclosureKind(kind).label}内容",
                "nothing to post for this region and year",
                field="kind",
            )
        title = title.strip() or TITLES[kind].format(
            region=region.name,
            year=year,
            item=dict(subsidy_items()).get(item, ""),
            project=project.name if project else "",
        )
    return disclosure_post(
        acting_user=acting_user,
        kind=kind,
        region=region,
        title=title[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        columns=columns,
        rows=rows,
        personal=personal,
        place=place.strip() or f"{region.name}政务（村务）公开栏",
        contact=contact.strip() or default_contact(region),
        project=project,
    )


@transaction.atomic
def disclosure_withdraw(*, acting_user, disclosure: Disclosure, reason: str) -> Disclosure:
    """撤回: the notice leaves the public list at once; it stays filed, shown to staff as
    withdrawn with who withdrew it, when and why."""
    if not access.may_keep(acting_user, access.DISCLOSURE, disclosure.region.code):
        raise PermissionDenied("没有权限撤回公告公示 (you may not withdraw this notice)")
    reason = (reason or "").strip()
    if not reason:
        raise TuopinError(
            "withdraw_reason", "撤回须说明原因", "say why the notice is withdrawn", field="reason"
        )
    if disclosure.withdrawn_at is not None:
        raise TuopinError("withdrawn", "该公示已撤回", "the notice is already withdrawn")
    disclosure.withdrawn_at = timezone.now()
    disclosure.withdrawn_by = acting_user
    disclosure.withdraw_reason = reason[:200]
    disclosure.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    return disclosure
