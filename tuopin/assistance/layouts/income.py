"""发改/能源 and 林业: village PV stations, ecological rangers; payments in payments.py."""

from tuopin.assistance.enums import RangerState
from tuopin.assistance.layouts.base import (
    NOTE,
    PLACEMENT,
    VILLAGE,
    Layout,
    a_date,
    code,
    money,
    person,
    text,
    yes_no,
)

PV_STATION = Layout(
    "pv_station",
    "PvStation",
    (
        *PLACEMENT,
        text("name", "电站名称", "电站", required=True),
        money("capacity_kw", "装机容量(千瓦)", "装机容量", required=True),
        a_date("connected_on", "并网日期", "并网时间"),
        yes_no("in_subsidy_catalogue", "纳入补贴目录", "是否纳入补贴目录"),
        money("annual_revenue", "年度收益", "年收益", "年度收益(元)"),
        a_date("plan_posted_on", "分配方案公示日期"),
        a_date("result_posted_on", "分配结果公示日期"),
    ),
    ("village_id", "name"),
    match=VILLAGE,
)

RANGER = Layout(
    "ranger",
    "Ranger",
    (
        *person("护林员身份证号", name_synonyms=("护林员姓名",)),
        money("area_mu", "管护面积(亩)", "管护面积"),
        a_date("contract_start", "聘期开始", "聘用开始日期", "聘期起"),
        a_date("contract_end", "聘期结束", "聘用结束日期", "聘期止"),
        money("annual_pay", "年度补助", "年补助", "年度补助(元)", "劳务报酬"),
        text("assessment", "考核", "考核结果", "考核情况"),
        code(
            "state",
            "聘用状态",
            RangerState,
            words={"聘用": "1", "新聘": "1", "续聘": "2", "解聘": "3"},
        ),
        NOTE,
    ),
    ("year", "id_number"),
)

LAYOUTS = [PV_STATION, RANGER]
