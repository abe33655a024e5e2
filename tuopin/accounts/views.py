from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tuopin.accounts.models import ApiToken
from tuopin.accounts.selectors import user_assignments, user_permissions
from tuopin.accounts.services import api_token_issue, api_token_revoke


class LoginForm(AuthenticationForm):
    """One generic message for a wrong user name or password: it reveals neither."""

    error_messages = {
        "invalid_login": _("用户名或密码错误。"),
        "inactive": _("用户名或密码错误。"),
    }


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100)


@login_required
def profile(request):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/profile.html",
        {
            "assignments": user_assignments(request.user),
            "permissions": sorted(user_permissions(request.user)),
            "tokens": tokens,
            "form": TokenForm(),
            "new_key": request.session.pop("new_api_key", None),
        },
    )


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        _, raw = api_token_issue(
            acting_user=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        request.session["new_api_key"] = raw
    else:
        messages.error(request, _("请填写令牌用途。"))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is not None:
        api_token_revoke(acting_user=request.user, token=token)
        messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:profile")
