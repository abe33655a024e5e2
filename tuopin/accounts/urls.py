from django.urls import path

from tuopin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path("users/<int:user_id>/active/", views.user_active, name="user_active"),
    path(
        "assignments/<int:assignment_id>/remove/", views.assignment_remove, name="assignment_remove"
    ),
]
