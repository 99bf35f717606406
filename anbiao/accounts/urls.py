from django.urls import path

from anbiao.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/", views.totp_verify, name="totp_verify"),
    path("two-factor/setup/", views.totp_setup, name="totp_setup"),
    path("security/", views.security, name="security"),
    path("security/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("security/unlock-ip/", views.lockout_unlock_ip, name="lockout_unlock_ip"),
    path("security/two-factor/<int:pk>/reset/", views.totp_reset, name="totp_reset"),
    path("role-grants/", views.role_grant_list, name="role_grant_list"),
    path("role-grants/<int:pk>/confirm/", views.role_grant_confirm, name="role_grant_confirm"),
    path("role-grants/<int:pk>/refuse/", views.role_grant_refuse, name="role_grant_refuse"),
    path("role-grants/<int:pk>/cancel/", views.role_grant_cancel, name="role_grant_cancel"),
]
