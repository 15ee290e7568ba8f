"""Admin: notifications and their delivery are read here; they are written by the services only."""

from django.contrib import admin

from notifications.models import DeliveredEmail, Digest, Notification, NotificationPreference, SentEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "recipient", "kind", "subject", "email_status", "email_attempts", "read_at", "created_at"]
    list_filter = ["kind", "email_status"]
    search_fields = ["dedupe_key", "recipient__email"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "digest"]
    show_full_result_count = False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "frequency", "updated_at"]
    list_filter = ["kind", "frequency"]
    search_fields = ["user__email"]
    list_select_related = ["user"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["user", "frequency", "period", "item_count", "created_at"]
    list_filter = ["frequency"]
    search_fields = ["user__email", "period"]
    list_select_related = ["user"]


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdmin):
    list_display = ["to", "subject", "message_id", "created_at"]
    search_fields = ["to", "message_id"]
    raw_id_fields = ["notification"]
    show_full_result_count = False


@admin.register(DeliveredEmail)
class DeliveredEmailAdmin(ReadOnlyAdmin):
    list_display = ["to", "subject", "message_id", "created_at"]
    search_fields = ["to", "subject", "message_id"]
