"""The Excel round trip of one checklist, included under ``/checklists/<pk>/offline/``."""

from django.urls import path

from anbiao.checklists.roundtrip import views

app_name = "offline"
urlpatterns = [
    path("", views.workbook_upload, name="upload"),
    path("download/", views.workbook_download, name="download"),
    path("preview/", views.workbook_preview, name="preview"),
    path("confirm/", views.workbook_confirm, name="confirm"),
    path("cancel/", views.workbook_cancel, name="cancel"),
]
