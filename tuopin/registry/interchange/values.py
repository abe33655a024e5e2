"""Reading cell values the way offices write them.

Each parser takes the raw cell (str, int, float, datetime or None) and returns the
stored value, None for an empty cell (unknown, not no), or raises `BadValue` with a
Chinese and an English message. Labels and national codes are both accepted.
"""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.db import models
from django.utils import translation

from tuopin.core.spreadsheets import restore
from tuopin.registry.enums import Health


class BadValue(ValueError):
    def __init__(self, message_zh: str, message_en: str, code: str = "bad_value"):
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.message_en = message_en
        self.code = code


SEPARATORS = re.compile(r"[,，、;；\s]+")  # not "/": labels such as 金融/小额信贷 hold one
EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug folded in)


def text(value) -> str:
    """Full-width to half-width, all whitespace removed at the ends, inner runs collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if type(value) is str and value.isascii() and value.isalnum():
        return value  # codes and numbers: nothing to normalise (NFKC leaves ASCII alone)
    return _text(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=100_000)
def _text(value: str) -> str:
    # Cells repeat (labels, yes/no, village names): normalising each distinct text once
    # is most of an import's parsing time saved. The platform's own exports quote text
    # that would be a formula; the quote is not part of the value.
    cleaned = unicodedata.normalize("NFKC", restore(value)).replace("\u3000", " ")
    return " ".join(cleaned.split())


def key(value) -> str:
    """A comparison key for labels: no spaces at all, half-width."""
    if value is None or value == "":
        return ""
    return text(value).replace(" ", "")


YES = {"是", "1", "Y", "YES", "√", "✓", "有", "TRUE", "对"}
NO = {"否", "0", "N", "NO", "×", "✗", "无", "没有", "FALSE"}


def yes_no(value) -> bool | None:
    word = key(value).upper()
    if not word:
        return None
    if word in YES:
        return True
    if word in NO:
        return False
    raise BadValue(f"“{text(value)}”不是 是/否", f"'{text(value)}' is not yes/no")


def whole_number(value, *, low: int | None = None, high: int | None = None) -> int | None:
    if value is None or key(value) == "":
        return None
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        word = key(value).removesuffix("年").removesuffix("个月").removesuffix("月")
        if not re.fullmatch(r"-?\d+", word):
            raise BadValue(f"“{text(value)}”不是整数", f"'{text(value)}' is not a whole number")
        number = int(word)
    if (low is not None and number < low) or (high is not None and number > high):
        raise BadValue(f"{number} 超出范围 {low}–{high}", f"{number} is outside {low}–{high}")
    return number


def year(value) -> int | None:
    return whole_number(value, low=1980, high=2100)


def amount(value) -> Decimal | None:
    """Money or area: numbers, or text with thousands separators and a unit."""
    if value is None or key(value) == "":
        return None
    if isinstance(value, bool):  # an Excel TRUE/FALSE cell is no amount
        raise BadValue(f"“{text(value)}”不是数字", f"'{text(value)}' is not a number")
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:  # NaN from some exporters
            return None
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            raise BadValue(f"“{value}”不是数字", f"'{value}' is not a number")
        return Decimal(str(value)).quantize(Decimal("0.01"))
    word = key(value).replace(",", "").removesuffix("元").removesuffix("亩")
    word = word.removesuffix("平方米").removesuffix("公里").removesuffix("km")
    try:
        return Decimal(word).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise BadValue(f"“{text(value)}”不是数字", f"'{text(value)}' is not a number") from error


DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def a_date(value) -> date | None:
    """Dates as Excel serials, 1965-03-12, 1965.03.12, 1965/3/12, 1965年3月12日, 19650312."""
    if value is None or key(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 1 <= value < 100_000:
        return EXCEL_EPOCH + timedelta(days=int(value))
    word = key(value).split("T")[0].split(" ")[0]
    if re.fullmatch(r"\d{5}(\.0+)?", word):  # a serial number stored as text
        return EXCEL_EPOCH + timedelta(days=int(float(word)))
    for pattern in DATE_PATTERNS:
        match = pattern.match(word)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise BadValue(f"“{text(value)}”不是有效日期", f"'{text(value)}' is not a valid date")


class CodeList:
    """Reads one national code list: the code itself, its label, or a known synonym."""

    def __init__(
        self,
        choices: type[models.Choices],
        synonyms: dict[str, str] | None = None,
        *,
        optional_suffix: str = "",
    ):
        """`optional_suffix`: a word files may add to any label (扶贫 after a measure)."""
        self.choices = choices
        self.synonyms = synonyms or {}
        self.optional_suffix = optional_suffix
        self._lookup: dict[str, str] | None = None

    @property
    def lookup(self) -> dict[str, str]:
        # Built on first use, in Chinese: labels are lazy translations, and files are Chinese
        # whatever the language of the person importing them.
        if self._lookup is None:
            lookup: dict[str, str] = {}
            with translation.override("zh-hans"):
                for value, label in self.choices.choices:
                    lookup[key(value)] = value
                    lookup[key(str(label))] = value
            for word, value in self.synonyms.items():
                lookup[key(word)] = value
            self._lookup = lookup
        return self._lookup

    def __call__(self, value) -> str:
        word = key(value)
        if not word:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            word = key(int(value)) if float(value).is_integer() else word
        found = self.lookup.get(word) or self.lookup.get(word.upper())
        if found is None and self.optional_suffix and word.endswith(self.optional_suffix):
            found = self.lookup.get(word.removesuffix(self.optional_suffix))
        if found is None and word.isdigit():
            found = self.lookup.get(word.zfill(2))
        if found is None:
            raise BadValue(
                f"“{text(value)}”不是本栏的有效取值（可填标签或国家代码）",
                f"'{text(value)}' is not a valid value here (label or national code)",
            )
        return found

    def many(self, value) -> list[str]:
        """Several values separated by , ， 、 ; or spaces, in order, without repeats."""
        found: list[str] = []
        for part in SEPARATORS.split(text(value)):
            if part:
                code = self(part)
                if code not in found:
                    found.append(code)
        return found


HEALTH = CodeList(Health)


def health_flags(value) -> dict[str, bool | None]:
    """健康 / 长期慢性病 / 患有大病 / 残疾, alone or combined, into the member's three flags."""
    codes = HEALTH.many(value)
    if not codes:
        return {"is_chronically_ill": None, "is_seriously_ill": None, "is_disabled": None}
    if Health.HEALTHY in codes and len(codes) > 1:
        raise BadValue(
            "“健康”不能与疾病或残疾同时填写", "'healthy' cannot be combined with illness"
        )
    return {
        "is_chronically_ill": Health.CHRONIC in codes,
        "is_seriously_ill": Health.SERIOUS in codes,
        "is_disabled": Health.DISABLED in codes,
    }
