"""The API under /api/v1: composition of the routers, auth and errors."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from tuopin.api.auth import AUTH
from tuopin.api.cases import router as cases_router
from tuopin.api.registry import router as registry_router
from tuopin.api.routes import router
from tuopin.audit.middleware import record_denied
from tuopin.core.errors import TuopinError
from tuopin.registry.services import RegistryInvalid

api = NinjaAPI(
    title="脱贫 Tuopin API",
    version="1.0.0",
    description=(
        "精准扶贫信息管理平台接口。浏览器用会话登录，行业部门系统用 Bearer 令牌"
        "（在“我的账号”页创建）。所有数据都限于调用者的区域。\n\n"
        "Targeted poverty-alleviation platform API. Browsers use the session; machine "
        "clients send `Authorization: Bearer <token>`. Every row is limited to the "
        "caller's regions; errors carry `message_zh` and `message_en`."
    ),
    auth=AUTH,
    urls_namespace="api-1.0.0",
)
api.add_router("/", router)
api.add_router("/", registry_router)
api.add_router("/", cases_router)


def _error(request, status: int, code: str, zh: str, en: str):
    error = TuopinError(code, zh, en)
    return api.create_response(request, error.as_dict(), status=status)


@api.exception_handler(TuopinError)
def tuopin_error(request, exc: TuopinError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(RegistryInvalid)
def registry_invalid(request, exc: RegistryInvalid):
    body = exc.as_dict()
    body["problems"] = [
        {
            "field": p.field,
            "code": p.code,
            "member": p.member,
            "warning": p.warning,
            "message_zh": p.message_zh,
            "message_en": p.message_en,
        }
        for p in exc.problems
    ]
    return api.create_response(request, body, status=400)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    record_denied(request, exc)
    return _error(request, 404, "not_found", "未找到", "not found")


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    record_denied(request, exc)
    return _error(request, 403, "permission_denied", "没有权限", "permission denied")


# What a schema error says, in Chinese, by pydantic's error type (the English is pydantic's).
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
}
WHERE = {"body", "query", "path", "payload"}


@api.exception_handler(ValidationError)
def schema_invalid(request, exc: ValidationError):
    """Input the schema refuses answers like every other refusal: 400, each problem with
    its field and a Chinese and English message."""
    problems = []
    for error in exc.errors:
        field = ".".join(str(part) for part in error.get("loc", ()) if part not in WHERE)
        zh = SCHEMA_ERRORS_ZH.get(error.get("type", ""), "格式不正确")
        problems.append(
            {
                "field": field,
                "code": error.get("type", "invalid"),
                "message_zh": f"{field}：{zh}" if field else zh,
                "message_en": f"{field}: {error.get('msg', 'invalid')}"
                if field
                else error.get("msg", "invalid"),
            }
        )
    body = TuopinError(
        "invalid_input",
        "输入有误：" + "；".join(p["message_zh"] for p in problems),
        "invalid input: " + "; ".join(p["message_en"] for p in problems),
    ).as_dict()
    body["problems"] = problems
    return api.create_response(request, body, status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    return _error(
        request,
        401,
        "unauthenticated",
        "请先登录，或在请求头中提供令牌（Authorization: Bearer …）",
        "log in first, or send a token (Authorization: Bearer …)",
    )
