"""Official-layout exports of checklists (.docx, .xlsx, blank form, print view)."""

from django.urls import path  # noqa: F401

app_name = "checklist_exports"
urlpatterns: list = []
