"""Registry import (底数台账导入): upload, preview, then confirm."""

from django.urls import path

from anbiao.orgs.registry import views

urlpatterns = [
    path("import/", views.registry_import, name="registry_import"),
    path("import/preview/", views.registry_preview, name="registry_preview"),
    path("import/columns/", views.registry_columns, name="registry_columns"),
    path("import/errors.xlsx", views.registry_errors, name="registry_errors"),
    path("import/confirm/", views.registry_confirm, name="registry_confirm"),
    path("import/cancel/", views.registry_cancel, name="registry_cancel"),
]
