"""The sections of 项目库与资金 (/projects/): each part of the app adds its pages to
SECTIONS; the index and the navigation offer a section to whoever reads its topic."""

from django.utils.translation import gettext_lazy as _  # noqa: F401 (the parts' labels)

from tuopin.accounts.topics import Section, sections_readable
from tuopin.projects import access

SECTIONS: list[Section] = [
    # each part: Section(access.TOPIC, "projects:page", _("名称"), _("说明")),
    Section(
        access.LIBRARY,
        "projects:library",
        _("县级项目库"),
        _("村申报、乡镇审核、县论证审定、入库、年度计划、实施进度、验收公告"),
    ),
    Section(
        access.LIBRARY,
        "projects:library_versions",
        _("年度项目库"),
        _("每年第四季度更新的项目库版本：入库与出库记录"),
    ),
]


def sections_for_user(user) -> list[Section]:
    return sections_readable(access.SCOPE, SECTIONS, user)
