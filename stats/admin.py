from django.contrib import admin

from stats.models import StatRefresh, StatSnapshot


@admin.register(StatSnapshot)
class StatSnapshotAdmin(admin.ModelAdmin):
    list_display = ["key", "refreshed_at"]
    readonly_fields = ["key", "payload", "refreshed_at", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False  # written by the refresh only


@admin.register(StatRefresh)
class StatRefreshAdmin(admin.ModelAdmin):
    list_display = ["id", "trigger", "status", "requested_by", "created_at", "started_at", "duration_ms"]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in StatRefresh._meta.fields]

    def has_add_permission(self, request):
        return False
