"""The sections of 项目库与资金 (/projects/): each part of the app adds its pages to
SECTIONS; the index and the navigation offer a section to whoever reads its topic."""

from django.utils.translation import gettext_lazy as _  # noqa: F401 (the parts' labels)

from tuopin.accounts.topics import Section, sections_readable
from tuopin.projects import access

SECTIONS: list[Section] = [
    # each part: Section(access.TOPIC, "projects:page", _("名称"), _("说明")),
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
