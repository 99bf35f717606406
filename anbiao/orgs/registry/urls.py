"""Registry import (底数台账导入): preview, then confirm."""

from django.urls import path

from anbiao.orgs.registry import views

urlpatterns = [
    path("import/", views.registry_import, name="registry_import"),
]
