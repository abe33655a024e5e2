from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tuopin.accounts.forms import AssignmentForm, UserCreateForm
from tuopin.accounts.models import ApiToken, Assignment
from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import (
    access_managed_user,
    managed_assignments,
    managed_user_list,
    require_permission,
    user_assignments,
    user_permissions,
)
from tuopin.accounts.services import (
    api_token_issue,
    api_token_revoke,
    assignment_grant,
    assignment_revoke,
    user_create,
    user_set_active,
)
from tuopin.core.errors import TuopinError


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


@login_required
def user_list(request):
    require_permission(request.user, Permission.USERS_MANAGE)
    users = [
        (user, managed_assignments(request.user, user))
        for user in managed_user_list(request.user)[:500]
    ]
    return render(request, "accounts/users.html", {"users": users})


@login_required
def user_new(request):
    require_permission(request.user, Permission.USERS_MANAGE)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                acting_user=request.user,
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                role=data["role"],
                region=data["region"],
                organisation=data["organisation"],
                department=data["department"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("用户已创建。"))
            return redirect("accounts:user", user_id=user.pk)
    return render(request, "accounts/user_new.html", {"form": form})


@login_required
def user_detail(request, user_id: int):
    require_permission(request.user, Permission.USERS_MANAGE)
    user = access_managed_user(request.user, user_id)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment_grant(
                acting_user=request.user,
                user=user,
                role=data["role"],
                region=data["region"],
                organisation=data["organisation"],
                department=data["department"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("角色已分配。"))
            return redirect("accounts:user", user_id=user.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "managed": user,
            "assignments": managed_assignments(request.user, user),
            "form": form,
            "own": user.pk == request.user.pk,
        },
    )


@login_required
@require_POST
def assignment_remove(request, assignment_id: int):
    require_permission(request.user, Permission.USERS_MANAGE)
    assignment = (
        Assignment.objects.select_related("region", "user").filter(pk=assignment_id).first()
    )
    if assignment is None:
        raise Http404("未找到 (not found)")
    user = access_managed_user(request.user, assignment.user_id)
    try:
        assignment_revoke(acting_user=request.user, assignment=assignment)
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("角色已撤销。"))
    return redirect("accounts:user", user_id=user.pk)


@login_required
@require_POST
def user_active(request, user_id: int):
    require_permission(request.user, Permission.USERS_MANAGE)
    user = access_managed_user(request.user, user_id)
    try:
        user_set_active(
            acting_user=request.user, user=user, active=request.POST.get("active") == "1"
        )
    except TuopinError as error:
        messages.error(request, error.message)
    return redirect("accounts:user", user_id=user.pk)
