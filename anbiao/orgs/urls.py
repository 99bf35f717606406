from django.urls import include, path

from anbiao.orgs import views

app_name = "orgs"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<uuid:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<uuid:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<uuid:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("registry/", include("anbiao.orgs.registry.urls")),
]
