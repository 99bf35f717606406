from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "安标回头看 · 系统管理"
admin.site.site_title = "安标回头看"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", include("anbiao.core.urls")),
    path("accounts/", include("anbiao.accounts.urls")),
    path("orgs/", include("anbiao.orgs.urls")),
    path("campaigns/", include("anbiao.campaigns.urls")),
    path("checklists/export/", include("anbiao.checklists.exports.urls")),
    path("checklists/", include("anbiao.checklists.urls")),
    path("rectification/", include("anbiao.rectification.urls")),
    path("reports/", include("anbiao.reports.urls")),
    path("inspections/", include("anbiao.inspections.urls")),
    path("records/", include("anbiao.records.urls")),
    path("enforcement/", include("anbiao.enforcement.urls")),
    path("notices/", include("anbiao.notices.urls")),
    path("stats/", include("anbiao.stats.urls")),
    path("notifications/", include("anbiao.notifications.urls")),
    path("dashboards/", include("anbiao.dashboards.urls")),
    path("reporting/", include("anbiao.tasks_reporting.urls")),
    path("obligations/", include("anbiao.obligations.urls")),
    path("worklog/", include("anbiao.worklog.urls")),
    path("api/v1/", include("anbiao.api.urls")),
    path("django-admin/", admin.site.urls),
]

# The product's own Chinese error pages (anbiao/core/error_pages.py), never Django's English ones.
handler400 = "anbiao.core.error_pages.bad_request"
handler403 = "anbiao.core.error_pages.permission_denied"
handler404 = "anbiao.core.error_pages.page_not_found"
handler500 = "anbiao.core.error_pages.server_error"
