"""Personal values leave the API masked; the full value only through a logged reveal.

Named fields (ID numbers, disability certificates, phones, bank accounts) are masked by
the schemas' resolvers with these functions. Free text the API hands out (error messages,
job results, case reasons and comments, access-log details) can quote such a value too: an
import error names the number it refused, a cadre types a phone number into a comment. So
free text goes through `mask_text`, which hides every long run of digits that can be one.
"""

import re

from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.personal import mask_bank_account, mask_phone

# Names of fields that hold a personal number; the API contract test finds them by the
# same names in the OpenAPI document.
PERSONAL_FIELD = re.compile(r"id_number|certificate|bank_account|account_number|phone|mobile")

# A run of 11 or more digits, not inside a longer word: an ID number may end in X, and a
# disability certificate is an ID number, two digits and for a reissue B and a digit.
_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[0-9]{11,22}(?:[Xx](?:[0-9]{2})?)?(?:B[0-9])?(?![0-9A-Za-z])"
)


def mask_value(field: str, value: str | None) -> str | None:
    """A named personal field's value as the API shows it by default."""
    if not value:
        return value
    if "bank_account" in field or "account_number" in field:
        return mask_bank_account(value)
    if "phone" in field or "mobile" in field:
        return mask_phone(value)
    return mask_id_number(value)


def _mask_number(match: re.Match) -> str:
    number = match.group(0)
    digits = len(number)
    if digits == 12 and number.isdigit():
        # A full region code (12 digits), which messages name on purpose.
        return number
    if digits == 11 and number.startswith("1"):
        return mask_phone(number)
    if digits in (15, 18, 20, 22):
        return mask_id_number(number)
    return mask_bank_account(number)


def mask_text(text: str | None) -> str | None:
    """Free text with every number that can be an ID, phone or bank account masked."""
    if not text:
        return text
    return _NUMBER.sub(_mask_number, text)


def mask_tree(value):
    """A JSON-like value (a job's result, a stored payload) with personal fields masked by
    name and every string passed through `mask_text`."""
    if isinstance(value, dict):
        return {
            key: mask_value(key, item)
            if isinstance(item, str) and PERSONAL_FIELD.search(str(key))
            else mask_tree(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_tree(item) for item in value]
    if isinstance(value, str):
        return mask_text(value)
    return value
