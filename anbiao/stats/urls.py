from django.urls import path

from anbiao.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.table, name="table"),
    path("col/<int:no>/", views.drill, name="drill"),
    path("col/<int:no>/export.xlsx", views.drill_export, name="drill_export"),
    path("export.<str:fmt>", views.export, name="export"),
    path("city/", views.city, name="city"),
    path("city/export.<str:fmt>", views.city_export, name="city_export"),
    path("submit/", views.submit, name="submit"),
    path("submissions/", views.submissions, name="submissions"),
    path("submissions/<uuid:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<uuid:pk>/accept/", views.submission_accept, name="submission_accept"),
    path("submissions/<uuid:pk>/return/", views.submission_return, name="submission_return"),
    path(
        "submissions/<uuid:pk>/unapprove/",
        views.submission_unapprove,
        name="submission_unapprove",
    ),
    path("submissions/<uuid:pk>/stamp/", views.submission_stamp, name="submission_stamp"),
]
