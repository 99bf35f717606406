"""/api/v1/: the JSON API (namespace ``api``) and the token pages (namespace ``apitokens``)."""

from django.urls import include, path

from anbiao.api import views
from anbiao.api.main import api

token_patterns = [
    path("", views.token_list, name="list"),
    path("<uuid:pk>/revoke/", views.token_revoke, name="revoke"),
]

urlpatterns = [
    path("tokens/", include((token_patterns, "apitokens"))),
    path("", api.urls),
]
