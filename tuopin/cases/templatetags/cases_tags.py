from django import template

from tuopin.cases.guidance import may_propose_anything

register = template.Library()


@register.filter
def may_propose(user) -> bool:
    """The 发起事项 tab shows only to a user whose role proposes some kind of case."""
    return bool(user.is_authenticated) and may_propose_anything(user)
