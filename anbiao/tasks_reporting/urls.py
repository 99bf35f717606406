from django.urls import path

from anbiao.tasks_reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<uuid:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<uuid:pk>/edit/", views.task_edit, name="task_edit"),
    path("periods/<uuid:pk>/", views.period_detail, name="period_detail"),
    path("periods/<uuid:pk>/zip/", views.period_zip, name="period_zip"),
    path("submissions/<uuid:pk>/return/", views.submission_return, name="submission_return"),
    path("submissions/<uuid:pk>/files/<uuid:file_id>/", views.issued_file, name="issued_file"),
    path("mine/<uuid:pk>/", views.my_period, name="my_period"),
    path("mine/<uuid:pk>/files/<uuid:file_id>/", views.my_file, name="my_file"),
    path(
        "mine/<uuid:pk>/files/<uuid:file_id>/remove/", views.my_file_remove, name="my_file_remove"
    ),
]
