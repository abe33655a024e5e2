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
]


def sections_for_user(user) -> list[Section]:
    return [section for section in SECTIONS if access.may_read(user, section.topic)]


__all__ = ["SECTIONS", "Section", "_", "sections_for_user"]
