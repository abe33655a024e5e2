from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tuopin.accounts.models import ApiToken, Assignment


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "region", "organisation")
    list_filter = ("role",)
    search_fields = ("user__username", "region__code", "region__name")
    raw_id_fields = ("region",)


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash")
