"""The Django admin (/django-admin/) for users and their roles.

The 系统管理员 is staff and gets its model rights from its role (``User.role_permissions``):
users, organizations, enterprises, and reading roles. It can never grant itself more: the
superuser flag, groups and individual permissions are read-only for anyone but a superuser, and
roles are read-only for everyone (they are given in 用户管理 under the separation rules). The
audit trail, the role grants and the second-factor devices are not in the admin at all.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from anbiao.accounts.models import Membership, User
from anbiao.core.audit import log_action
from anbiao.core.validators import PhoneField

ESCALATION_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


class AuditedAdminMixin:
    """Changes made in the Django admin also go to the audit trail (with the IP)."""

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        log_action(obj, "anbiao.admin.created", request=request, data={"message": str(message)})
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        log_action(obj, "anbiao.admin.updated", request=request, data={"message": str(message)})
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            log_action(obj, "anbiao.admin.deleted", request=request)
        return super().log_deletions(request, queryset)  # type: ignore[misc]


class MembershipInline(admin.TabularInline):
    """Roles, read-only here for everyone (superusers too).

    Roles are given in 用户管理, whose service applies the separation rules and the second
    admin's confirmation (``anbiao.accounts.roles``); an inline would write memberships past them.
    """

    model = Membership
    extra = 0
    verbose_name_plural = "角色（在“用户管理”中分配）"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "full_name", "organization", "mobile", "is_active")
    list_filter = ("is_active", "organization__kind")
    search_fields = ("username", "full_name", "mobile", "organization__name")
    autocomplete_fields = ("organization",)
    inlines = [MembershipInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("单位与角色", {"fields": ("full_name", "mobile", "organization", "must_change_password")}),
    )

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "mobile":  # the one phone rule (core.validators), mobiles only
            return PhoneField(label="手机号", mobile_only=True, required=False, empty_value=None)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("mobile")
        if obj is not None and isinstance(field, PhoneField):
            field.stored_value = obj.mobile or ""  # a number recorded before the rule may stay
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ESCALATION_FIELDS
        return fields


# Groups are not how rights are given here (roles are); only a superuser sees them.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
