from django.urls import path

from anbiao.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.issued_list, name="issued_list"),
    path("new/", views.notice_create, name="create"),
    path("<uuid:pk>/deliver/", views.notice_deliver, name="deliver"),
    path("<uuid:pk>/ledger/", views.notice_ledger, name="ledger"),
    path("<uuid:pk>/ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("<uuid:pk>/document/", views.notice_document, name="document"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<uuid:pk>/", views.delivery_detail, name="delivery"),
    path("inbox/<uuid:pk>/acknowledge/", views.delivery_acknowledge, name="acknowledge"),
    path("inbox/<uuid:pk>/sign/", views.delivery_sign, name="sign"),
    path("inbox/<uuid:pk>/scan/", views.delivery_sign_scan, name="sign_scan"),
    path("inbox/<uuid:pk>/post/", views.delivery_post, name="post"),
    path("deliveries/<uuid:pk>/<str:what>/", views.delivery_file, name="delivery_file"),
    path("commitments/<uuid:pk>/", views.commitment_detail, name="commitment"),
    path("commitments/<uuid:pk>/pdf/", views.commitment_pdf, name="commitment_pdf"),
    path("commitments/<uuid:pk>/file/", views.commitment_file, name="commitment_file"),
]
