from django import template
from django.utils.translation import gettext_lazy as _

from tuopin.cases.guidance import may_propose_anything

register = template.Library()


@register.filter
def may_propose(user) -> bool:
    """The 发起事项 tab shows only to a user whose role proposes some kind of case."""
    return bool(user.is_authenticated) and may_propose_anything(user)


RESULTS = {"pass": _("达标"), "fail": _("未达标"), "unknown": _("待核实")}


@register.filter
def result_label(code: str) -> str:
    """An evaluation result as its label (达标/未达标/待核实), never its code."""
    return RESULTS.get(code, code or "—")
