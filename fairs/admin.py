"""The admin site for the fairs app: administrators edit the monthly fair template here, and look
things up.

Fairs are created and edited on the fair pages, which go through ``fairs.services.fairs`` (date
order, audience frozen once registration opens, one national fair a month); statuses move only
by the periodic task. So here a fair's life and every counter or state other services keep
(participation decisions, positions filled, slot bookings) are read-only. When the monthly fair
is created and how often fairs advance is the periodic task schedule (django-celery-beat's
"Periodic tasks"), also edited in this admin.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fairs.models import (
    Fair,
    FairApplication,
    FairTemplate,
    FairVacancy,
    InterviewSlot,
    Participation,
    Registration,
    SlotBooking,
)


@admin.register(FairTemplate)
class FairTemplateAdmin(admin.ModelAdmin):
    list_display = ["title_en", "start_day", "end_day", "registration_days", "results_days", "max_age", "active"]
    list_filter = ["active"]
    fieldsets = [
        (_("Title"), {"fields": ["title_en", "title_ru", "title_kk", "description"]}),
        (_("Days"), {"fields": ["start_day", "end_day", "registration_days", "results_days"]}),
        (_("Audience"), {"fields": ["max_age", "graduates_only"]}),
        (None, {"fields": ["active"]}),
    ]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipationInline(ReadOnlyInline):
    model = Participation
    fields = ["organization", "status", "decided_by", "decided_at"]
    readonly_fields = fields


@admin.register(Fair)
class FairAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "region", "starts_at", "ends_at", "month"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["=id", "title", "organization__legal_name"]
    list_select_related = ["region", "organization"]
    date_hierarchy = "starts_at"
    inlines = [ParticipationInline]
    fields = [
        "edit_page",
        "title",
        "description",
        "kind",
        "status",
        "region",
        "organization",
        "organizer",
        "max_age",
        "graduates_only",
        "audience_regions",
        "registration_opens_at",
        "starts_at",
        "ends_at",
        "results_at",
        "month",
        "results",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("edit"))
    def edit_page(self, obj):
        if obj.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("fairs:edit", args=[obj.pk]), _("Edit on the fair's page"))

    def has_add_permission(self, request):
        return False


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["organization", "fair", "status", "decided_by", "decided_at", "created_at"]
    list_filter = ["status", "fair"]
    search_fields = ["organization__legal_name", "organization__bin", "fair__title"]
    list_select_related = ["organization", "fair", "decided_by"]
    raw_id_fields = ["fair", "organization", "applied_by", "decided_by"]
    readonly_fields = ["status", "decided_by", "decided_at", "applied_by", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(FairVacancy)
class FairVacancyAdmin(admin.ModelAdmin):
    list_display = ["vacancy", "fair", "participation", "positions_offered", "positions_filled"]
    list_filter = ["fair"]
    search_fields = ["vacancy__title", "participation__organization__legal_name"]
    list_select_related = ["vacancy", "fair", "participation__organization"]
    raw_id_fields = ["fair", "participation", "vacancy"]
    readonly_fields = ["fair", "participation", "vacancy", "positions_offered", "positions_filled", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["seeker", "fair", "region", "age_at_start", "is_youth", "is_graduate", "created_at"]
    list_filter = ["fair", "is_youth", "is_graduate", "region"]
    search_fields = ["seeker__email", "fair__title"]
    list_select_related = ["seeker", "fair", "region"]
    raw_id_fields = ["fair", "seeker"]
    readonly_fields = ["fair", "seeker", "region", "age_at_start", "is_youth", "is_graduate", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(FairApplication)
class FairApplicationAdmin(admin.ModelAdmin):
    list_display = ["application", "fair", "fair_vacancy", "created_at"]
    list_filter = ["fair"]
    search_fields = ["=application__id", "fair_vacancy__vacancy__title"]
    list_select_related = ["application", "fair", "fair_vacancy__vacancy"]
    raw_id_fields = ["application", "fair", "fair_vacancy", "registration"]
    readonly_fields = ["application", "fair", "fair_vacancy", "registration", "answers", "created_at"]

    def has_add_permission(self, request):
        return False


class SlotBookingInline(ReadOnlyInline):
    model = SlotBooking
    fk_name = "slot"
    fields = ["seeker", "status", "booked_by", "cancelled_at"]
    readonly_fields = fields


@admin.register(InterviewSlot)
class InterviewSlotAdmin(admin.ModelAdmin):
    list_display = ["participation", "fair", "starts_at", "ends_at", "capacity", "booked"]
    list_filter = ["fair"]
    search_fields = ["participation__organization__legal_name"]
    list_select_related = ["participation__organization", "fair"]
    raw_id_fields = ["fair", "participation", "fair_vacancy"]
    readonly_fields = ["fair", "participation", "capacity", "booked", "created_at"]
    inlines = [SlotBookingInline]

    def has_add_permission(self, request):
        return False


@admin.register(SlotBooking)
class SlotBookingAdmin(admin.ModelAdmin):
    list_display = ["seeker", "slot", "status", "starts_at", "booked_by", "cancelled_at"]
    list_filter = ["status"]
    search_fields = ["seeker__email"]
    list_select_related = ["seeker", "slot__participation__organization", "booked_by"]
    raw_id_fields = ["slot", "seeker", "fair_application", "booked_by"]
    readonly_fields = ["slot", "seeker", "status", "starts_at", "ends_at", "booked_by", "cancelled_at", "created_at"]

    def has_add_permission(self, request):
        return False
