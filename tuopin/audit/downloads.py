"""A spreadsheet built for a request, handed over as a download and logged as an export:
every list a page offers as xlsx goes out through here, so none forgets the access log."""

from io import BytesIO

from django.http import FileResponse

from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def logged_xlsx_download(
    request,
    output: BytesIO,
    *,
    filename: str,
    region_code: str | None,
    object_type: str,
    object_id: str,
    detail: str,
) -> FileResponse:
    """`output`: the finished workbook. The export is logged before the file leaves."""
    output.seek(0)
    access_log_record(
        kind=AccessKind.EXPORT,
        user=request.user,
        request=request,
        region_code=region_code,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)
