from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from tuopin.api.main import api
from tuopin.cases.urls import public_urlpatterns
from tuopin.projects.disclosure_urls import public_urlpatterns as disclosure_public


def superusers_only(request) -> bool:
    # The admin bypasses region scope, so only system administrators may enter it.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only
admin.site.site_header = "脱贫 · 系统管理"

urlpatterns = [
    path("", include("tuopin.web.urls")),
    path("accounts/", include("tuopin.accounts.urls")),
    path("audit/", include("tuopin.audit.urls")),
    path("registry/", include("tuopin.registry.urls")),
    path("quality/", include("tuopin.registry.quality_urls")),
    path("policy/", include("tuopin.policy.urls")),
    path("cases/", include("tuopin.cases.urls")),
    path("ledgers/", include("tuopin.assistance.urls")),
    path("people/", include("tuopin.people.urls")),
    path("projects/", include("tuopin.projects.urls")),
    path("notices/", include((public_urlpatterns, "public"))),
    path("disclosure/", include((disclosure_public, "disclosure"))),  # 公告公示, no login
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages without an icon link (a PDF, a JSON answer).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("web/favicon.svg"), permanent=False),
        name="favicon",
    ),
]
