"""The API under /api/v1: composition of the routers, auth and errors."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI

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
