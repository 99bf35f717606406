from django.contrib import admin

from anbiao.accounts.admin import AuditedAdminMixin
from anbiao.orgs.models import Enterprise, Organization


@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "code", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "organization",
        "credit_code",
        "town",
        "department",
        "industry",
        "size_class",
        "star_level",
    )
    list_filter = ("size_class", "industry", "star_level", "is_closed", "town")
    search_fields = ("organization__name", "credit_code")
    autocomplete_fields = ("organization", "town", "department")
    filter_horizontal = ("other_departments",)

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        super().save_model(request, obj, form, change)
        if change and {"town", "department"} & set(form.changed_data):
            # Look-backs and reports count under the registry's unit (see anbiao.orgs.scope).
            from anbiao.orgs.scope import restamp

            restamp(organization_ids=[obj.pk])
