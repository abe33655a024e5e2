"""The edit form of a parameters page (the ledgers' and the people's): one value with its
basis, saved by the app's own setter, answered with a message and the page again."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from tuopin.core.errors import TuopinError


def parameter_post(request, setter, *, back_url: str):
    """`setter(code=, value=, note=)` stores one value or raises TuopinError (shown)."""
    try:
        setter(
            code=request.POST.get("code", ""),
            value=request.POST.get("value", ""),
            note=request.POST.get("note", "").strip(),
        )
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect(back_url)
