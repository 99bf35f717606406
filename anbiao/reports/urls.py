from django.urls import path

from anbiao.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("start/", views.report_start, name="start"),
    path("<uuid:pk>/", views.report_detail, name="detail"),
    path("<uuid:pk>/save/", views.report_save, name="save"),
    path("<uuid:pk>/upload/", views.report_upload, name="upload"),
    path("<uuid:pk>/sign/", views.report_sign, name="sign"),
    path("<uuid:pk>/sign-scan/", views.report_sign_scan, name="sign_scan"),
    path("<uuid:pk>/finalize/", views.report_finalize, name="finalize"),
    path("<uuid:pk>/new-version/", views.report_new_version, name="new_version"),
    path("<uuid:pk>/v<int:number>/docx/", views.report_docx, name="docx"),
    path("<uuid:pk>/v<int:number>/pdf/", views.report_pdf, name="pdf"),
    path("<uuid:pk>/v<int:number>/edited/", views.report_edited_docx, name="edited_docx"),
    path("<uuid:pk>/v<int:number>/signature/", views.report_signature, name="signature"),
]
