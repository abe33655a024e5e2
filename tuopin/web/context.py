"""Navigation by role: each entry shows only to users holding its permission."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import user_permissions
from tuopin.assistance.selectors import ledger_kinds_for_user
from tuopin.people.sections import sections_for_user
from tuopin.projects.sections import sections_for_user as project_sections_for_user


def _nav(label: str):
    # The navigation's own (short) English: the whole bar fits 1280 px in English too.
    return pgettext_lazy("navigation", label)


NAVIGATION = [
    # (url name, label, permission needed, or a test of the user, or None)
    ("web:home", _nav("首页"), None),
    ("web:regions", _nav("行政区划"), Permission.REGION_VIEW),
    ("registry:households", _nav("贫困户"), Permission.REGISTRY_VIEW),
    ("quality:scorecard", _nav("疑点数据"), Permission.REGISTRY_VIEW),
    ("policy:runs", _nav("退出评估"), Permission.REGISTRY_VIEW),
    ("cases:tasks", _nav("动态管理"), Permission.REGISTRY_VIEW),
    # Shown to whoever reads a ledger: the office roles, and a sector user their own.
    ("assistance:ledgers", _nav("行业台账"), ledger_kinds_for_user),
    # Shown to whoever reads a section of 帮扶力量 (teams, helpers, enterprises…).
    ("people:index", _nav("帮扶力量"), sections_for_user),
    # Shown to whoever reads a section of 项目库与资金 (library, funds, warnings, notices).
    ("projects:index", _nav("项目资金"), project_sections_for_user),
    # A cadre logged in as themselves (帮扶责任人): their paired households.
    ("people:my_households", _nav("我的结对户"), Permission.PAIRING_VISIT),
    ("web:jobs", _nav("后台任务"), Permission.JOBS_RUN),
    ("accounts:users", _nav("用户管理"), Permission.USERS_MANAGE),
    ("audit:access_log", _nav("访问日志"), Permission.AUDIT_VIEW),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    granted = user_permissions(user)
    path = request.path
    items = []
    for url_name, label, permission in NAVIGATION:
        if callable(permission):
            if not permission(user):
                continue
        elif permission is not None and permission not in granted:
            continue
        url = reverse(url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items}
