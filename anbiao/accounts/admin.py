from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from anbiao.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "organization", "mobile", "is_active")
    list_filter = ("is_active", "organization__kind")
    search_fields = ("username", "full_name", "mobile", "organization__name")
    autocomplete_fields = ("organization",)
    inlines = [MembershipInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("单位与角色", {"fields": ("full_name", "mobile", "organization", "must_change_password")}),
    )
