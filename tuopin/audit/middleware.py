from django.core.exceptions import PermissionDenied

from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record
from tuopin.core.errors import OutOfScope


class DeniedAccessMiddleware:
    """Records every refusal: out-of-scope rows (answered as 404) and missing permissions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        record_denied(request, exception)
        return None


def record_denied(request, exception) -> None:
    if isinstance(exception, OutOfScope):
        access_log_record(
            kind=AccessKind.DENIED,
            user=request.user,
            request=request,
            object_type=exception.object_type,
            object_id=exception.object_id,
            detail="区域范围之外 (outside the user's regions)",
        )
    elif isinstance(exception, PermissionDenied):
        access_log_record(
            kind=AccessKind.DENIED, user=request.user, request=request, detail=str(exception)[:500]
        )
