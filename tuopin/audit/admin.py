from django.contrib import admin

from tuopin.audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the log is never edited through any page."""

    list_display = ("at", "username", "kind", "region_code", "object_type", "object_id")
    list_filter = ("kind",)
    search_fields = ("username", "object_id", "region_code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
