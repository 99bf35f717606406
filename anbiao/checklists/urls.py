from django.urls import include, path

from anbiao.checklists import conform_views, views

app_name = "checklists"
urlpatterns = [
    path("", views.my_checklists, name="mine"),
    path("start/<int:campaign_pk>/", views.checklist_start, name="start"),
    path("review/", views.review_list, name="review_list"),
    path("<uuid:pk>/", views.checklist_detail, name="detail"),
    path("<uuid:pk>/conform/", conform_views.mark_conform, name="mark_conform"),
    path("<uuid:pk>/clause/<int:clause_id>/", views.answer_save, name="answer_save"),
    path("<uuid:pk>/clause/<int:clause_id>/edit/", views.clause_edit, name="clause_edit"),
    path("<uuid:pk>/clause/<int:clause_id>/reopen/", views.problem_reopen, name="problem_reopen"),
    path(
        "<uuid:pk>/clause/<int:clause_id>/evidence/", views.evidence_upload, name="evidence_upload"
    ),
    path(
        "<uuid:pk>/evidence/<int:evidence_id>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
    path(
        "<uuid:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"
    ),
    path("<uuid:pk>/files/<uuid:file_id>/", views.submission_file, name="submission_file"),
    path("<uuid:pk>/signature/<int:signature_id>/", views.signature_image, name="signature_image"),
    path("<uuid:pk>/submit/", views.checklist_submit, name="submit"),
    path("<uuid:pk>/accept/", views.checklist_accept, name="accept"),
    path("<uuid:pk>/return/", views.checklist_return, name="return"),
    path("<uuid:pk>/submissions/<int:number>/", views.submission_detail, name="submission"),
    # the Excel round trip (offline filling) has its own package and URLs
    path("<uuid:pk>/offline/", include("anbiao.checklists.roundtrip.urls")),
]
