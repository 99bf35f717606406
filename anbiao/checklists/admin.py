"""Read-mostly admin views of templates and checklists (changes go through the services)."""

from django.contrib import admin

from anbiao.checklists.models import Checklist, Submission, TemplateVersion


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin):
    list_display = ("title", "template", "version", "sha256", "loaded_at")
    readonly_fields = ("template", "version", "title", "sha256", "source", "meta", "loaded_at")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("organization", "campaign", "purpose", "status", "submitted_at")
    list_filter = ("purpose", "status", "campaign")
    search_fields = ("organization__name",)
    readonly_fields = [f.name for f in Checklist._meta.fields]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("checklist", "number", "submitted_at", "outcome")
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False
