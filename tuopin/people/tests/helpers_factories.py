"""Small builders for the helpers part's tests."""

import datetime
import itertools

from tuopin.registry.enums import PovertyStatus
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.models import Helper, Household

_numbers = itertools.count(1)


def household(village, *, status=PovertyStatus.NOT_EXITED, exit_year=None, helper=None):
    return Household.objects.create(
        village_id=village.code if hasattr(village, "code") else village,
        number=f"H{next(_numbers):06d}",
        status=status,
        exit_year=exit_year,
        identified_year=min(2014, exit_year or 2014),
        helper=helper,
    )


def helper(county="411421000000", name=None, id_number=""):
    n = next(_numbers)
    return Helper.objects.create(region_id=county, name=name or f"干部{n}", id_number=id_number)


def an_id_number(sequence: int, county="411421") -> str:
    return make_id_number(county, datetime.date(1980, 1, 2), sequence, "1")


JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
