"""Errors that carry a Chinese message first and an English one beside it."""

from django.http import Http404
from django.utils.translation import get_language


class TuopinError(Exception):
    """A user-facing error: stable code, Chinese and English message, and where it happened."""

    status = 400

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str,
        *,
        field: str | None = None,
        row: int | None = None,
    ):
        super().__init__(message_zh)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.row = row

    @property
    def message(self) -> str:
        language = get_language() or "zh-hans"
        return self.message_en if language.startswith("en") else self.message_zh

    def __str__(self) -> str:
        return f"{self.message_zh} ({self.message_en})"

    def as_dict(self) -> dict:
        data = {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
        if self.field is not None:
            data["field"] = self.field
        if self.row is not None:
            data["row"] = self.row
        return data


class OutOfScope(Http404):
    """Raised for rows that exist but lie outside the user's regions.

    It is a 404 on purpose: a user cannot tell a missing row from a hidden one.
    The audit middleware records it as a denied access.
    """

    def __init__(self, object_type: str, object_id: str):
        super().__init__("未找到 (not found)")
        self.object_type = object_type
        self.object_id = object_id
