"""Official-layout exports of checklists (.docx, .xlsx, .pdf, blank form, print view)."""

from django.urls import path

from anbiao.checklists.exports import views

app_name = "checklist_exports"
urlpatterns = [
    path("<uuid:pk>/xlsx/", views.checklist_xlsx, name="xlsx"),
    path("<uuid:pk>/docx/", views.checklist_docx, name="docx"),
    path("<uuid:pk>/pdf/", views.checklist_pdf, name="pdf"),
    path("<uuid:pk>/print/", views.checklist_print, name="print"),
    path("<uuid:pk>/signature/", views.checklist_signature, name="signature"),
    path("blank/", views.blank_list, name="blank_list"),
    path("blank/<int:version>/xlsx/", views.blank_xlsx, name="blank_xlsx"),
    path("blank/<int:version>/docx/", views.blank_docx, name="blank_docx"),
    path("blank/<int:version>/pdf/", views.blank_pdf, name="blank_pdf"),
    path("blank/<int:version>/print/", views.blank_print, name="blank_print"),
]
