"""The API under /api/v1: composition of the routers, auth and errors."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tuopin.api.auth import AUTH
from tuopin.api.cases import router as cases_router
from tuopin.api.funds import router as funds_router
from tuopin.api.funds_warnings import router as funds_warnings_router
from tuopin.api.ledgers import router as ledgers_router
from tuopin.api.masking import mask_tree
from tuopin.api.people_helpers import router as people_helpers_router
from tuopin.api.people_orgs import router as people_orgs_router
from tuopin.api.people_ratings import router as people_ratings_router
from tuopin.api.people_teams import router as people_teams_router
from tuopin.api.projects_disclosures import router as projects_disclosures_router
from tuopin.api.projects_library import router as projects_library_router
from tuopin.api.registry import router as registry_router
from tuopin.api.routes import router
from tuopin.audit.middleware import record_denied
from tuopin.core.errors import SCHEMA_ERRORS_ZH, TuopinError
from tuopin.registry.models import Household, Member
from tuopin.registry.services import RegistryInvalid

logger = logging.getLogger("tuopin.api")


class TuopinAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts) -> ValidationError:
        """As django-ninja's, but each error keeps the value it refused (`input`), so the
        message can quote it (see `schema_invalid`)."""
        error = super().validation_error_from_error_contexts(error_contexts)
        refused = [
            item.get("input")
            for context in error_contexts
            for item in context.pydantic_validation_error.errors(include_url=False)
        ]
        for item, value in zip(error.errors, refused, strict=True):
            item["input"] = value
        return error


api = TuopinAPI(
    title="脱贫 Tuopin API",
    version="1.0.0",
    description=(
        "精准扶贫信息管理平台接口。浏览器用会话登录，行业部门系统用 Bearer 令牌"
        "（在“我的账号”页创建）。所有数据都限于调用者的区域。\n\n"
        "Targeted poverty-alleviation platform API. Browsers use the session; machine "
        "clients send `Authorization: Bearer <token>`. Every row is limited to the "
        "caller's regions; errors carry `message_zh` and `message_en`.\n\n"
        "身份证号、残疾证号、联系电话、银行卡号默认打码；完整号码只能通过 `POST …/reveal` "
        "查看（需 person.reveal 权限，记入访问日志）。错误状态：400 输入有误，401 未登录，"
        "403 无权限或 CSRF 校验失败，404 不存在或不在本人区域，409 数据已被他人修改。\n\n"
        "ID numbers, disability certificates, phones and bank accounts are masked; the full "
        "values only through `POST …/reveal` (`person.reveal`, written to the access log). "
        "Errors: 400 invalid input, 401 not logged in, 403 no permission or CSRF check "
        "failed, 404 missing or outside the caller's regions, 409 changed by someone else."
    ),
    auth=AUTH,
    urls_namespace="api-1.0.0",
)
api.add_router("/", router)
api.add_router("/", registry_router)
api.add_router("/", cases_router)
api.add_router("/", ledgers_router)
api.add_router("/", people_teams_router)
api.add_router("/", people_orgs_router)
api.add_router("/", people_ratings_router)
api.add_router("/", people_helpers_router)
# /projects/disclosures before /projects/{project_id}: the first route that matches answers.
api.add_router("/", projects_disclosures_router)  # 公告公示 (issue 15)
api.add_router("/", projects_library_router)
# /funds/warnings before /funds/{fund_id}, as above.
api.add_router("/", funds_warnings_router)  # 资金动态监控预警 (issue 15)
api.add_router("/", funds_router)


def _respond(request, body: dict, status: int):
    # A message may quote the value it refused (an ID number, a phone): masked like any
    # other free text the API hands out.
    return api.create_response(request, mask_tree(body), status=status)


def _error(request, status: int, code: str, zh: str, en: str):
    return _respond(request, TuopinError(code, zh, en).as_dict(), status)


@api.exception_handler(TuopinError)
def tuopin_error(request, exc: TuopinError):
    return _respond(request, exc.as_dict(), exc.status)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """django-ninja's own refusals (e.g. a body it cannot read) in the API's error body."""
    return _error(
        request,
        exc.status_code,
        "http_error",
        f"请求无法处理（{exc.status_code}）：{exc.message}",
        f"the request cannot be handled ({exc.status_code}): {exc.message}",
    )


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
    return _respond(request, body, 400)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    record_denied(request, exc)
    return _error(request, 404, "not_found", "未找到", "not found")


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    record_denied(request, exc)
    return _error(request, 403, "permission_denied", "没有权限", "permission denied")


# Where pydantic says a value came from; a body's location also names the operation's
# parameter (ninja's `payload`), which the caller never typed.
SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field(loc) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        if source == "body" and parts:
            parts.pop(0)
    return ".".join(parts)


# Errors whose message quotes the refused value (short ones only).
QUOTED = {"enum", "literal_error", "string_pattern_mismatch"}
# The Chinese names of the registry's fields, for messages about them.
FIELD_LABELS = {
    field.name: str(field.verbose_name)
    for model in (Household, Member)
    for field in model._meta.concrete_fields
    if field.name not in ("id", "status", "version")
}


@api.exception_handler(ValidationError)
def schema_invalid(request, exc: ValidationError):
    """Input the schema refuses answers like every other refusal: 400, each problem with
    its field and a Chinese and English message."""
    problems = []
    for error in exc.errors:
        field = _field(error.get("loc", ()))
        kind = error.get("type", "invalid")
        zh, en = SCHEMA_ERRORS_ZH.get(kind, "格式不正确"), error.get("msg", "invalid")
        value = error.get("input")
        if kind in QUOTED and isinstance(value, str | int) and len(str(value)) <= 40:
            # Say what was refused: "77" is not a cause of poverty.
            zh, en = f"“{value}”{zh}", f"'{value}': {en}"
        expected = (error.get("ctx") or {}).get("expected")
        if kind == "enum" and expected:
            # Say what would do (an unknown action lists the valid ones; pydantic's English
            # message already does).
            zh = f"{zh}，可用的取值：{expected}"
        name = field.rsplit(".", 1)[-1]
        where = f"{FIELD_LABELS[name]}（{field}）" if name in FIELD_LABELS else field
        problems.append(
            {
                "field": field,
                "code": kind,
                "message_zh": f"{where}：{zh}" if field else zh,
                "message_en": f"{field}: {en}" if field else en,
            }
        )
    body = TuopinError(
        "invalid_input",
        "输入有误：" + "；".join(p["message_zh"] for p in problems),
        "invalid input: " + "; ".join(p["message_en"] for p in problems),
    ).as_dict()
    body["problems"] = problems
    return _respond(request, body, 400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    return _error(
        request,
        401,
        "unauthenticated",
        "请先登录，或在请求头中提供令牌（Authorization: Bearer …）",
        "log in first, or send a token (Authorization: Bearer …)",
    )


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """A fault of ours still answers in the documented body, never an HTML page or a
    traceback; the traceback goes to the server log."""
    logger.exception("API %s %s failed", request.method, request.path)
    return _error(
        request,
        500,
        "server_error",
        "服务器内部错误，已记入服务器日志，请稍后重试或联系系统管理员",
        "internal server error, logged on the server; try again later or tell the administrator",
    )
