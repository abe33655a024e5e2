"""The funds' warning thresholds and the posting period: shipped defaults, overridden by
year and region (tuopin.core.parameters). Defaults marked unconfirmed have no Henan 2018
source (domain-assistance §15: the national and Henan warning rules were not found)."""

from tuopin.core.parameters import parameter

_GUIDE = "国开办发〔2018〕10号、财办〔2018〕24号；河南扶贫资金动态监控系统"
_NOTICE = "国务院扶贫办 财政部《关于完善扶贫资金项目公告公示制度的指导意见》（2018）"

PARAMETERS = {
    p.code: p
    for p in (
        parameter(
            "allocation_days_upper",
            "上级资金分解下达时限",
            "days to pass upper-level funds down",
            "天",
            30,
            _GUIDE,
        ),
        parameter(
            "allocation_days_project",
            "资金拨付到项目时限",
            "days to put funds on projects",
            "天",
            60,
            _GUIDE,
        ),
        parameter(
            "idle_days",
            "资金闲置天数",
            "days a balance may lie idle",
            "天",
            90,
            _GUIDE,
            confirmed=False,
        ),
        parameter(
            "idle_amount_min",
            "闲置资金预警起点",
            "idle balance worth a warning",
            "元",
            10000,
            _GUIDE,
            confirmed=False,
        ),
        parameter(
            "spending_lag_points",
            "支出进度落后幅度",
            "points spending may trail the schedule",
            "%",
            20,
            _GUIDE,
            confirmed=False,
        ),
        parameter(
            "consolidation_years",
            "脱贫后巩固期",
            "consolidation period after exit",
            "年",
            3,
            "豫脱贫攻坚〔2018〕巩固提升要求",
            confirmed=False,
        ),
        parameter(
            "approval_limit",
            "单笔支付审批限额",
            "approval limit of one payment",
            "元",
            50000,
            _GUIDE,
            confirmed=False,
        ),
        parameter(
            "split_margin_percent",
            "拆分支付识别幅度（低于限额）",
            "split payments: share below the limit",
            "%",
            10,
            _GUIDE,
            confirmed=False,
        ),
        parameter(
            "split_window_days",
            "拆分支付识别期间",
            "split payments: window",
            "天",
            30,
            _GUIDE,
            confirmed=False,
        ),
        parameter(
            "round_amount_unit",
            "整数金额单位",
            "round amount: multiple of",
            "元",
            10000,
            _GUIDE,
            confirmed=False,
        ),
        parameter(
            "round_amount_min",
            "整数金额预警起点",
            "round amount: from",
            "元",
            50000,
            _GUIDE,
            confirmed=False,
        ),
        parameter(
            "warning_due_days",
            "预警办结时限",
            "days to close a warning",
            "天",
            15,
            _GUIDE,
            confirmed=False,
        ),
        parameter(
            "disclosure_days_min",
            "公示期不少于",
            "minimum posting period",
            "天",
            10,
            _NOTICE,
        ),
    )
}
