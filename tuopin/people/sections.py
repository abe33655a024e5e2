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
        access.HELPERS,
        "people:helpers",
        _("帮扶责任人"),
        _("干部名册、与贫困户的结对及其历史、入户走访记录"),
    ),
    Section(
        access.HELPERS,
        "people:helper_coverage",
        _("帮扶责任人与走访核查"),
        _("应结对户没有帮扶责任人、结对户数超限、超期未走访"),
    ),
]


def sections_for_user(user) -> list[Section]:
    return [section for section in SECTIONS if access.may_read(user, section.topic)]


__all__ = ["SECTIONS", "Section", "_", "sections_for_user"]
