from django.urls import path

from anbiao.obligations import views

app_name = "obligations"
urlpatterns = [
    path("", views.obligation_list, name="list"),
    path("extensions/", views.extension_list, name="extension_list"),
    path("extensions/<uuid:pk>/", views.extension_detail, name="extension_detail"),
    path("extensions/<uuid:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("<slug:kind>/<str:ref>/", views.obligation_detail, name="detail"),
    path("<slug:kind>/<str:ref>/export/", views.obligation_export, name="export"),
    path("<slug:kind>/<str:ref>/extension/", views.extension_request, name="extension_request"),
]
