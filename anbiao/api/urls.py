from django.urls import path

from anbiao.api.main import api

urlpatterns = [path("", api.urls)]
