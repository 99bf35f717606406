from django.urls import path

from anbiao.worklog import views

app_name = "worklog"
urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<uuid:pk>/", views.record_detail, name="record_detail"),
    path("records/<uuid:pk>/files/<uuid:file_id>/", views.record_file, name="record_file"),
    path("records/<uuid:pk>/link/", views.record_link, name="record_link"),
    path(
        "records/<uuid:pk>/links/<int:link_id>/remove/", views.record_unlink, name="record_unlink"
    ),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("stars/", views.star_list, name="star_list"),
    path("stars/apply/", views.star_apply, name="star_apply"),
    path("stars/announcement/", views.announcement, name="announcement"),
    path("stars/<uuid:pk>/", views.star_detail, name="star_detail"),
    path("stars/<uuid:pk>/move/", views.star_move, name="star_move"),
    path("stars/<uuid:pk>/files/<uuid:file_id>/", views.star_file, name="star_file"),
    path("stars/<uuid:pk>/plaque/", views.plaque_create, name="plaque_create"),
    path("stars/<uuid:pk>/flag/", views.star_flag, name="star_flag"),
    path("stars/<uuid:pk>/certificate/", views.certificate, name="certificate"),
    path("stars/<uuid:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
]
