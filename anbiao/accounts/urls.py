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
    path("security/two-factor/<int:pk>/reset/", views.totp_reset, name="totp_reset"),
]
