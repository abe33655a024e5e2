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


# What a schema (pydantic) error says in Chinese, by its error type; the English is
# pydantic's own. Shared by the API and the job parameters.
SCHEMA_ERRORS_ZH = {
    "missing": "必须填写",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是或否（true/false）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "greater_than_equal": "小于允许的最小值",
    "less_than_equal": "大于允许的最大值",
    "string_too_long": "过长",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "json_invalid": "不是有效的 JSON",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
    "string_pattern_mismatch": "格式不正确",
    "string_too_short": "过短",
    "too_short": "项数过少",
    "too_long": "项数过多",
    "greater_than": "小于允许的最小值",
    "less_than": "大于允许的最大值",
    "int_type": "应为整数",
    "bool_type": "应为是或否（true/false）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "extra_forbidden": "不是允许的字段",
    "decimal_max_digits": "位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数位数过多",
    "finite_number": "应为有限的数字",
    "string_unicode": "应为文字",
    "int_parsing_size": "超出整数范围",
}
