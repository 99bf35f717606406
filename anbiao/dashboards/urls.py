from django.urls import path

from anbiao.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("todo/", views.todo, name="todo"),
    path("chart/<slug:key>.xlsx", views.chart_xlsx, name="chart_xlsx"),
    path("compare/<uuid:pk>/", views.compare, name="compare"),
    path("paper/", views.paper_list, name="paper_list"),
    path("paper/<uuid:enterprise_pk>/mark/", views.paper_mark, name="paper_mark"),
    path("handover.xlsx", views.handover_xlsx, name="handover_xlsx"),
    path("handover.json", views.handover_json, name="handover_json"),
    path("reconcile/", views.reconcile, name="reconcile"),
]
