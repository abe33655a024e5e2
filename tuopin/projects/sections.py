"""The sections of 项目库与资金 (/projects/): each part of the app adds its pages to
SECTIONS; the index and the navigation offer a section to whoever reads its topic."""

from django.utils.translation import gettext_lazy as _  # noqa: F401 (the parts' labels)

from tuopin.accounts.topics import Section, sections_readable
from tuopin.projects import access

SECTIONS: list[Section] = [
    # each part: Section(access.TOPIC, "projects:page", _("名称"), _("说明")),
    Section(
        access.LIBRARY,
        "projects:library",
        _("县级项目库"),
        _("村申报、乡镇审核、县论证审定、入库、年度计划、实施进度、验收公告"),
    ),
    Section(
        access.LIBRARY,
        "projects:library_versions",
        _("年度项目库"),
        _("每年第四季度更新的项目库版本：入库与出库记录"),
    ),
    Section(
        access.FUNDS,
        "projects:funds_ledger",
        _("扶贫资金台账"),
        _("按指标文件文号登记的资金：到达、下达、拨付、支付与结余"),
    ),
    Section(
        access.FUNDS,
        "projects:funds_spending",
        _("项目资金支出进度"),
        _("各项目已拨付、已支付与预算、计划工期对比"),
    ),
    Section(
        access.FUNDS,
        "projects:funds_integration",
        _("统筹整合资金进度"),
        _("各县统筹整合涉农资金的拨付与支付进度，全市合计"),
    ),
    Section(
        access.FUNDS,
        "projects:fund_payments",
        _("资金支付明细"),
        _("支付到单位、企业和个人的每一笔资金，身份证号与账号打码"),
    ),
    Section(
        access.FUNDS,
        "projects:funds_audit",
        _("审计追溯"),
        _("每笔支付对应的拨付、指标文件与项目；无法追溯的排在最前"),
    ),
    Section(
        access.WARNINGS, "projects:warnings", _("资金预警"), _("资金动态监控预警及核实、整改、办结")
    ),
    Section(
        access.WARNINGS,
        "projects:warnings_scorecard",
        _("各地预警统计"),
        _("各地待办结和逾期预警数"),
    ),
    Section(
        access.DISCLOSURE,
        "projects:disclosures",
        _("公告公示"),
        _("项目库、年度计划、资金分配结果、小额信贷和补助名单的公示：发布、打印、撤回"),
    ),
    Section(
        access.LIBRARY,
        "projects:parameters",
        _("项目资金参数"),
        _("预警阈值和最短公示期，按年度和区域"),
        also=(access.FUNDS, access.WARNINGS, access.DISCLOSURE),
    ),
]


def sections_for_user(user) -> list[Section]:
    return sections_readable(access.SCOPE, SECTIONS, user)
