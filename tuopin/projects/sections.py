"""The sections of 项目库与资金 (/projects/): each part of the app adds its pages to
SECTIONS; the index and the navigation offer a section to whoever reads its topic."""

from django.utils.translation import gettext_lazy as _  # noqa: F401 (the parts' labels)

from tuopin.accounts.topics import Section, sections_readable
from tuopin.projects import access

SECTIONS: list[Section] = [
    # each part: Section(access.TOPIC, "projects:page", _("名称"), _("说明")),
    Section(
        access.WARNINGS, "projects:warnings", _("资金预警"), _("资金动态监控预警及核实、整改、办结")
    ),
    Section(
        access.WARNINGS,
        "projects:warnings_scorecard",
        _("各地预警统计"),
        _("各地待办结和逾期预警数"),
    ),
]


def sections_for_user(user) -> list[Section]:
    return sections_readable(access.SCOPE, SECTIONS, user)
