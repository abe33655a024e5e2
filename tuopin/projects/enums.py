"""Code lists of the project library and funds (labels in Chinese; English in the
catalogue). Sources: 国开办发〔2018〕10号 (project library), 财办〔2018〕24号 and the
2018 guidance on 扶贫资金项目公告公示 (domain.md §7, domain-assistance.md §15)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectCategory(models.TextChoices):
    """项目类别 of the county project library."""

    INDUSTRY = "industry", _("产业发展")
    EMPLOYMENT = "employment", _("就业扶贫")
    RELOCATION = "relocation", _("易地扶贫搬迁")
    EDUCATION = "education", _("教育扶贫")
    HEALTH = "health", _("健康扶贫")
    HOUSING = "housing", _("危房改造")
    FINANCE = "finance", _("金融扶贫")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    PUBLIC_SERVICE = "public_service", _("公共服务")
    SOCIAL_SECURITY = "social_security", _("综合保障")
    OTHER = "other", _("其他")


class ProjectNature(models.TextChoices):
    """建设性质."""

    NEW = "new", _("新建")
    CONTINUED = "continued", _("续建")
    EXPANSION = "expansion", _("改扩建")


class ProjectStage(models.TextChoices):
    """Where a project stands in the flow of domain.md §7 (tuopin.projects.lifecycle)."""

    APPLIED = "applied", _("村申报公示")
    REVIEWED = "reviewed", _("乡镇已审核")
    APPRAISED = "appraised", _("县行业部门已论证")
    APPROVED = "approved", _("县领导小组已审定")
    IN_LIBRARY = "in_library", _("已入库")
    PLANNED = "planned", _("已纳入年度计划")
    IMPLEMENTING = "implementing", _("实施中")
    COMPLETED = "completed", _("已竣工验收")
    ANNOUNCED = "announced", _("已公告")
    RETURNED = "returned", _("已退回")
    REMOVED = "removed", _("已出库")


class SourceLevel(models.TextChoices):
    """资金来源级次."""

    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


# Funds from above the city: their allocation down the levels is the 30-day rule.
UPPER_LEVELS = (SourceLevel.CENTRAL, SourceLevel.PROVINCE)


class FundNature(models.TextChoices):
    """资金性质."""

    SPECIAL = "special", _("财政专项扶贫资金")
    SECTOR = "sector", _("行业扶贫资金")
    BOND = "bond", _("地方政府债券资金")
    EAST_WEST = "east_west", _("东西部扶贫协作资金")
    SOCIAL = "social", _("社会扶贫资金")
    OTHER = "other", _("其他")


class PayeeKind(models.TextChoices):
    """支付对象."""

    PROJECT = "project", _("项目实施单位")
    ENTERPRISE = "enterprise", _("企业")
    PERSON = "person", _("个人")


class Severity(models.TextChoices):
    HIGH = "high", _("红色预警")
    MEDIUM = "medium", _("橙色预警")
    LOW = "low", _("黄色预警")


class WarningState(models.TextChoices):
    """A warning's handling: verify, explain or rectify, close with evidence."""

    OPEN = "open", _("待核实")
    VERIFIED = "verified", _("已核实，待整改")
    EXPLAINED = "explained", _("已说明")
    RECTIFYING = "rectifying", _("整改中")
    CLOSED = "closed", _("已办结")
    CLEARED = "cleared", _("数据已消除")  # the data no longer show the anomaly


OPEN_STATES = (
    WarningState.OPEN,
    WarningState.VERIFIED,
    WarningState.EXPLAINED,
    WarningState.RECTIFYING,
)


class DisclosureKind(models.TextChoices):
    """公告公示 of funds and projects (the 2018 guidance's list)."""

    PROJECT_APPLICATION = "application", _("项目申报公示")
    LIBRARY = "library", _("县级项目库")
    ANNUAL_PLAN = "plan", _("年度项目计划")
    FUND_ALLOCATION = "allocation", _("资金分配结果")
    LOAN_LIST = "loans", _("小额信贷名单")
    SUBSIDY_LIST = "subsidies", _("补助发放名单")
    COMPLETION = "completion", _("项目完成情况公告")
