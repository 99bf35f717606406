from django.urls import path

from anbiao.enforcement import views

app_name = "enforcement"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<uuid:pk>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:pk>/edit/", views.case_edit, name="case_edit"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<uuid:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<uuid:pk>/publish/", views.batch_publish, name="batch_publish"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:year>/<int:month>/", views.report_submit, name="report_submit"),
    path("reports/overview/", views.report_overview, name="report_overview"),
    path("priorities/", views.priority_list, name="priority_list"),
    path("priorities/new/", views.priority_create, name="priority_create"),
    path("priorities/<uuid:pk>/end/", views.priority_end, name="priority_end"),
]
