"""12-digit statistical division codes: 2 province, 2 city, 2 county, 3 township, 3 village.

A region's significant prefix contains every region below it, which is what the
one region-scope mechanism filters on.
"""

import re

CODE_RE = re.compile(r"^\d{12}$")


def significant_prefix(code: str) -> str:
    """`411421000000` -> `411421`; `411421101000` -> `411421101`; a village keeps 12 digits."""
    if code[2:] == "0" * 10:
        return code[:2]
    if code[4:] == "0" * 8:
        return code[:4]
    if code[6:] == "0" * 6:
        return code[:6]
    if code[9:] == "000":
        return code[:9]
    return code


def filter_prefix(digits: str) -> str:
    """A region filter as typed: a full 12-digit code of any level stands for what lies
    under it (its significant prefix); shorter digits are a prefix as they are."""
    return significant_prefix(digits) if len(digits) == 12 else digits


def level_of_code(code: str) -> str:
    length = len(significant_prefix(code))
    return {2: "province", 4: "city", 6: "county", 9: "township", 12: "village"}[length]


def expand_code(text: str) -> str | None:
    """Accept a full 12-digit code or its significant prefix (2, 4, 6 or 9 digits)."""
    text = (text or "").strip()
    if not text.isdigit() or len(text) not in (2, 4, 6, 9, 12):
        return None
    return text.ljust(12, "0")


def within(code: str, prefixes: list[str]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)
