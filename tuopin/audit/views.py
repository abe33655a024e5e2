from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import require_permission
from tuopin.audit.models import AccessKind
from tuopin.audit.selectors import access_log_for_user
from tuopin.core.forms import bootstrap, region_prefix_field


class AccessLogFilter(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部"))] + list(AccessKind.choices)
    )
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    region = region_prefix_field()
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


@login_required
def access_log(request):
    require_permission(request.user, Permission.AUDIT_VIEW)
    form = AccessLogFilter(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "kind": data["kind"],
            "username": data["username"],
            "region_prefix": data["region"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    entries = access_log_for_user(request.user, **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/access_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
