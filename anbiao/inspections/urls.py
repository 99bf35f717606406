from django.urls import path

from anbiao.inspections import offline_views, views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("export/", views.inspection_export, name="inspection_export"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("targets/", views.target_options, name="target_options"),
    path("offline/", offline_views.offline_page, name="offline_page"),
    path("offline/targets/", offline_views.offline_targets, name="offline_targets"),
    path("offline/sync/", offline_views.offline_sync, name="offline_sync"),
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline_views.manifest, name="manifest"),
    path("never-inspected/", views.never_inspected, name="never_inspected"),
    path("<uuid:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<uuid:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("<uuid:pk>/findings/", views.finding_add, name="finding_add"),
    path(
        "<uuid:pk>/findings/<int:finding_id>/remove/",
        views.finding_remove,
        name="finding_remove",
    ),
    path("<uuid:pk>/photos/", views.photo_add, name="photo_add"),
    path("<uuid:pk>/photos/<int:photo_id>/", views.photo_file, name="photo_file"),
    path("<uuid:pk>/photos/<int:photo_id>/original/", views.photo_original, name="photo_original"),
    path("<uuid:pk>/checklist/", views.checklist_fill, name="checklist_fill"),
    path("<uuid:pk>/checklist/start/", views.checklist_start, name="checklist_start"),
    path("<uuid:pk>/complete/", views.inspection_complete, name="inspection_complete"),
]
