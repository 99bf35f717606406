from django.urls import path

from anbiao.rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.problem_list, name="problem_list"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("ledger/verify/", views.bulk_verify, name="bulk_verify"),
    path("zeroing/", views.zeroing, name="zeroing"),
    path("extensions/", views.extension_list, name="extension_list"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("<uuid:pk>/", views.problem_detail, name="problem_detail"),
    path("<uuid:pk>/plan/", views.problem_plan, name="problem_plan"),
    path("<uuid:pk>/transition/", views.problem_transition, name="problem_transition"),
    path("<uuid:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<uuid:pk>/extension/", views.extension_request, name="extension_request"),
    path("<uuid:pk>/contingency/", views.contingency_download, name="contingency_download"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
]
