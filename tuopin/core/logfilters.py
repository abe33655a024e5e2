"""A refused access is one line in the server log, not a traceback.

Django logs a `PermissionDenied` (403) with its traceback (django.request, warning);
a refusal is the platform working as designed (audit records it as a denied access), so
the record keeps its one-line message and loses the exception. Faults keep theirs.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404


class RefusalOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        info = record.exc_info
        if info and isinstance(info[1], PermissionDenied | Http404):
            record.exc_info = None
            record.exc_text = None
            reason = (str(info[1]) or type(info[1]).__name__).replace("%", "%%")
            record.msg = f"{record.msg} ({reason})"
        return True
