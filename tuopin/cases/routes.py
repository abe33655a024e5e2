"""The shipped approval routes (domain.md §5) as data: ordered steps of role, level, kind.

A step: code, title, role (who acts), kind (review / consent / notice / result),
notice_days for a public notice, sample_ratio where a level spot-checks. The case
is proposed before the first step; the effect on the registry is applied when the
last step approves. Routes are versioned: a case keeps the version it started with.

Titles are stored in Chinese (the route is data) and are also the msgids of their English
translations: screens show `gettext(title)` (`{% translate step.title %}`), so a shipped
title reads in English and a title a county wrote itself stays as written.
"""

from django.utils.translation import gettext_noop as N_


def step(code, title, role, kind="review", notice_days=0, sample_ratio=None):
    return {
        "code": code,
        "title": title,
        "role": role,
        "kind": kind,
        "notice_days": notice_days,
        "sample_ratio": sample_ratio,
    }


VILLAGE, TOWNSHIP, COUNTY, CITY = "village", "township", "county_office", "city_office"

DEFAULT_ROUTES = {
    "identification": (
        N_("贫困户识别（申请、评议、两公示一公告）"),
        [
            step("village_check", N_("村委会和驻村工作队核查"), VILLAGE),
            step("first_notice", N_("村内第一次公示"), VILLAGE, "notice", notice_days=7),
            step("township_review", N_("乡镇审核（抽查不少于 20%）"), TOWNSHIP, sample_ratio=0.2),
            step("second_notice", N_("村内第二次公示"), VILLAGE, "notice", notice_days=7),
            step("county_approval", N_("县审批并公告（抽查不少于 10%）"), COUNTY, sample_ratio=0.1),
        ],
    ),
    "return": (
        N_("返贫（按识别程序）"),
        [
            step("village_check", N_("村委会和驻村工作队核查"), VILLAGE),
            step("first_notice", N_("村内第一次公示"), VILLAGE, "notice", notice_days=7),
            step("township_review", N_("乡镇审核（抽查不少于 20%）"), TOWNSHIP, sample_ratio=0.2),
            step("second_notice", N_("村内第二次公示"), VILLAGE, "notice", notice_days=7),
            step("county_approval", N_("县审批并公告（抽查不少于 10%）"), COUNTY, sample_ratio=0.1),
        ],
    ),
    "exit": (
        N_("贫困户退出（评议、核实、签字、公示、审核、公告）"),
        [
            step("household_consent", N_("贫困户签字认可"), VILLAGE, "consent"),
            step("village_notice", N_("村内公示（不少于 7 天）"), VILLAGE, "notice", notice_days=7),
            step("township_review", N_("乡镇审核"), TOWNSHIP, sample_ratio=0.2),
            step("county_approval", N_("县审批并公告"), COUNTY, sample_ratio=0.1),
        ],
    ),
    "monitoring": (
        N_("防止返贫监测对象确认"),
        [step("county_confirm", N_("县确认监测对象"), COUNTY)],
    ),
    "member_change": (
        N_("家庭成员变更"),
        [step("township_review", N_("乡镇审核"), TOWNSHIP)],
    ),
    "village_exit": (
        N_("贫困村退出（村自查、乡审核、县审批、备案）"),
        [
            step("township_review", N_("乡镇审核"), TOWNSHIP),
            step("county_approval", N_("县审批并备案"), COUNTY),
        ],
    ),
    "county_exit": (
        N_("贫困县退出（县申请、市初审、省评估与批准）"),
        [
            step("city_review", N_("市扶贫办初审"), CITY),
            step("province_result", N_("录入省第三方评估和批准结果"), CITY, "result"),
        ],
    ),
}

# Each step's name, for a case history that records step codes (the first route's name).
STEP_TITLES: dict[str, str] = {}
for _title, _steps in DEFAULT_ROUTES.values():
    for _step in _steps:
        STEP_TITLES.setdefault(_step["code"], _step["title"])

# Who may open a case of each kind.
PROPOSERS = {
    "identification": (VILLAGE,),
    "return": (VILLAGE,),
    "exit": (VILLAGE,),
    "monitoring": (VILLAGE, COUNTY),
    "member_change": (VILLAGE,),
    "village_exit": (VILLAGE,),
    "county_exit": (COUNTY,),
}


def ship_routes(route_model) -> None:
    """Version 1 of every default route, unless present (migration and flushed tests)."""
    for kind, (title, steps) in DEFAULT_ROUTES.items():
        if not route_model.objects.filter(kind=kind).exists():
            route_model.objects.create(kind=kind, version=1, title=title, steps=steps)
