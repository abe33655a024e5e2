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
    ]
}
