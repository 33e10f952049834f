from django.contrib.auth import views as auth_views
from django.urls import path

from apps.accounts import logins_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("s/<int:school_id>/users/", views.school_users, name="users"),
    path("s/<int:school_id>/users/<int:user_id>/roles/", views.user_roles, name="user-roles"),
    path("s/<int:school_id>/lockouts/", views.lockouts_page, name="lockouts"),
    path("s/<int:school_id>/logins/", logins_views.logins_page, name="logins"),
    path("s/<int:school_id>/logins/issue/", logins_views.logins_issue, name="logins-issue"),
    path(
        "s/<int:school_id>/logins/reissue/<str:kind>/<int:pk>/",
        logins_views.login_reissue,
        name="login-reissue",
    ),
]
