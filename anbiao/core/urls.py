from django.urls import path

from anbiao.core import audit_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit_export"),
    path("audit/<int:pk>/", audit_views.audit_detail, name="audit_detail"),
]
