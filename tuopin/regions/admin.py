from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tuopin.regions.models import Region


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "kind", "poor_county_type", "is_poor_village")
    list_filter = ("level", "kind", "poor_county_type", "is_poor_village")
    search_fields = ("code", "name")
    readonly_fields = ("code", "level", "parent")
