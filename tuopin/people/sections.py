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
]


def sections_for_user(user) -> list[Section]:
    return [section for section in SECTIONS if access.may_read(user, section.topic)]


__all__ = ["SECTIONS", "Section", "_", "sections_for_user"]
