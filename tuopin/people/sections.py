"""The sections of 帮扶力量 (/people/): each part of the app adds its pages to SECTIONS,
and the index and the navigation offer a section to whoever reads its topic
(access.py)."""

from django.utils.translation import gettext_lazy as _

from tuopin.accounts.topics import Section, sections_readable
from tuopin.people import access

SECTIONS: list[Section] = [
    # each part: Section(access.TOPIC, "people:page", _("名称"), _("说明")),
    Section(
        access.TEAMS,
        "people:teams",
        _("驻村工作队"),
        _("各村驻村工作队、队员任职与考勤，按乡镇、村查看短板"),
    ),
    Section(
        access.BRANCHES,
        "people:branches",
        _("软弱涣散村党组织"),
        _("年度名单、一村一策、联系领导、整顿进展和销号；名单规模按行政村比例核查"),
    ),
    Section(
        access.ENTERPRISES,
        "people:enterprises",
        _("百企帮百村"),
        _("帮扶企业、村企结对、帮扶项目和受益人员；没有企业结对的贫困村"),
    ),
    Section(
        access.ENTERPRISES,
        "people:siyou",
        _("“四有”情况"),
        _("县有带贫龙头企业、乡有扶贫产业园区、村有产业帮扶基地、户有增收致富门路"),
    ),
    Section(
        access.WORKSHOPS,
        "people:workshops",
        _("扶贫车间"),
        _("车间、务工人员和按年度计算的认定状态；同一时间在两个车间务工的人员"),
    ),
    Section(
        access.RATINGS,
        "people:ratings",
        _("星级评定与奖补"),
        _("脱贫星级评定：村级提名、乡镇确认，奖补发放，按区划统计"),
    ),
    Section(
        access.TRAINING,
        "people:training",
        _("干部培训"),
        _("培训班、参训名单与每名干部的参训学时"),
    ),
    Section(
        access.HELPERS,
        "people:helpers",
        _("帮扶责任人"),
        _("干部名册、与贫困户的结对及其历史、入户走访记录"),
    ),
    Section(
        access.TEAMS,
        "people:checks",
        _("帮扶力量核查"),
        _("工作队、考勤、帮扶责任人与走访、扶贫车间、软弱涣散村党组织的核查，按区划统计"),
        also=(access.ATTENDANCE, access.HELPERS, access.WORKSHOPS, access.BRANCHES),
    ),
]


def sections_for_user(user) -> list[Section]:
    return sections_readable(access.SCOPE, SECTIONS, user)
