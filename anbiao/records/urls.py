from django.urls import path

from anbiao.records import views

app_name = "records"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("export.xlsx", views.record_export, name="export"),
    path("new/<str:kind>/", views.record_create, name="create"),
    path("<uuid:pk>/", views.record_detail, name="detail"),
    path("<uuid:pk>/edit/", views.record_edit, name="edit"),
    path("<uuid:pk>/evidence/", views.record_evidence_add, name="evidence_add"),
    path(
        "<uuid:pk>/evidence/<uuid:file_id>/delete/",
        views.record_evidence_remove,
        name="evidence_remove",
    ),
    path("<uuid:pk>/submit/", views.record_submit, name="submit"),
    path("<uuid:pk>/withdraw/", views.record_withdraw, name="withdraw"),
    path("<uuid:pk>/select/", views.record_select, name="select"),
    path("<uuid:pk>/files/<uuid:file_id>/", views.record_file, name="file"),
]
