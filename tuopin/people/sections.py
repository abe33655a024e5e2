"""The sections of 帮扶力量 (/people/): each part of the app adds its pages to SECTIONS,
and the index and the navigation offer a section to whoever reads its topic
(access.py)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tuopin.people import access


@dataclass(frozen=True)
class Section:
    topic: str
    url_name: str  # a page without arguments
    label: str
    about: str


SECTIONS: list[Section] = [
    # each part: Section(access.TOPIC, "people:page", _("名称"), _("说明")),
    Section(
        access.TEAMS,
        "people:teams",
        _("驻村工作队"),
        _("各村驻村工作队、队员任职与考勤，按乡镇、村查看短板"),
    ),
    Section(
        access.TEAMS,
        "people:team_checks",
        _("驻村工作队核查"),
        _("贫困村有无工作队、队员人数、第一书记或队长、任职期限、在村天数"),
    ),
]


def sections_for_user(user) -> list[Section]:
    return [section for section in SECTIONS if access.may_read(user, section.topic)]


__all__ = ["SECTIONS", "Section", "_", "sections_for_user"]
