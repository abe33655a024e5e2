"""The people app's parameters (domain-assistance §10, §11, §14, model B and L): every
number a check or a rule of the app uses, with its shipped default and source. Each part
adds its own below. Resolution: tuopin.core.parameters (county over city over default,
latest start year not after the year asked)."""

from tuopin.core.parameters import Parameter
from tuopin.core.parameters import parameter as _p

UNCONFIRMED = "未找到河南2018年依据，默认值待县级核定"

PARAMETERS: dict[str, Parameter] = {
    p.code: p
    for p in [
        # each part: _p(code, 中文名, English name, unit, default, source[, confirmed]),
        _p(
            "team_members_min",
            "驻村工作队队员不少于",
            "Work-team members at least",
            "人",
            3,
            "中办国办2017指导意见",
        ),
        _p(
            "posting_years_min",
            "驻村任职期限不少于",
            "Posting length at least",
            "年",
            2,
            "中办国办2017指导意见",
        ),
        _p(
            "days_in_village_min",
            "每月驻村天数不少于",
            "Days in the village per month at least",
            "天",
            20,
            UNCONFIRMED,
            False,
        ),
        # orgs: weak branches and workshops
        _p(
            "weak_branch_share_min",
            "软弱涣散村党组织占比不低于",
            "Weak Party branches at least (share of villages)",
            "%",
            5,
            "中组部整顿软弱涣散基层党组织通知（5%–10%）",
        ),
        _p(
            "weak_branch_share_max",
            "软弱涣散村党组织占比不高于",
            "Weak Party branches at most (share of villages)",
            "%",
            10,
            "中组部整顿软弱涣散基层党组织通知（5%–10%）",
        ),
        _p(
            "workshop_poor_employees_min",
            "扶贫车间吸纳贫困劳动力不少于",
            "Poverty workshop: poor employees at least",
            "人",
            10,
            UNCONFIRMED,
            False,
        ),
        _p(
            "workshop_poor_share_min",
            "扶贫车间贫困劳动力占比不低于",
            "Poverty workshop: share of poor employees at least",
            "%",
            30,
            UNCONFIRMED,
            False,
        ),
        _p(
            "workshop_months_min",
            "扶贫车间稳定用工不少于",
            "Poverty workshop: months employed at least",
            "月",
            6,
            UNCONFIRMED,
            False,
        ),
        _p(
            "workshop_wage_min",
            "扶贫车间月工资不低于",
            "Poverty workshop: monthly wage at least",
            "元",
            1500,
            UNCONFIRMED,
            False,
        ),
        # ratings part (domain-assistance §14: Shangqiu amounts unconfirmed)
        _p(
            "rating_award_per_star",
            "星级奖补每颗星金额",
            "Star-rating award per star",
            "元",
            100,
            UNCONFIRMED,
            False,
        ),
        _p(
            "consolidation_years",
            "脱贫户巩固期（年）",
            "Consolidation period of exited households",
            "年",
            5,
            UNCONFIRMED,
            False,
        ),
        _p(
            "helper_households_max",
            "每名帮扶责任人结对户数不超过",
            "Households per helper at most",
            "户",
            5,
            UNCONFIRMED,
            False,
        ),
        _p(
            "visit_interval_days",
            "入户走访间隔不超过（天）",
            "Days between visits at most",
            "天",
            30,
            UNCONFIRMED,
            False,
        ),
    ]
}
