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
