"""The admin site for the vacancies app: for administrators to look things up and repair data.

Status changes of vacancies, applications and referrals belong to the services (transition
rules, locks, counters), so those fields are read-only here; moderation happens on the staff
pages, which call the same services.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vacancies.models import (
    Application,
    ApplicationEvent,
    CvView,
    ImportJob,
    Invitation,
    NationalProgramme,
    NationalProject,
    Referral,
    ReferralQuota,
    Vacancy,
    VacancyReport,
)
from vacancies.services.lifecycle import vacancy_skills_text_refresh


class NationalProjectInline(admin.TabularInline):
    model = NationalProject
    extra = 0
    raw_id_fields = ["employer"]
    fields = ["name", "region", "employer", "stage", "planned_permanent_jobs", "planned_temporary_jobs"]


@admin.register(NationalProgramme)
class NationalProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "name_kk"]
    search_fields = ["code", "name_en", "name_ru", "name_kk"]
    inlines = [NationalProjectInline]


@admin.register(NationalProject)
class NationalProjectAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "programme",
        "region",
        "employer",
        "stage",
        "planned_permanent_jobs",
        "planned_temporary_jobs",
        "start_year",
        "end_year",
    ]
    list_filter = ["stage", "programme", "region", "start_year"]
    search_fields = ["name", "contractor", "employer__legal_name", "employer__bin"]
    list_select_related = ["programme", "region", "employer"]
    raw_id_fields = ["employer"]


class VacancyReportInline(admin.TabularInline):
    model = VacancyReport
    extra = 0
    fields = ["reason", "comment", "status", "reporter", "handled_by", "handled_at", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "region", "occupation", "status", "published_at", "expires_at"]
    list_filter = ["status", "region", "employment_type", "is_youth_friendly", "is_quota", "is_remote"]
    search_fields = ["=id", "title", "external_id", "organization__legal_name", "organization__bin"]
    list_select_related = ["organization", "region", "occupation"]
    raw_id_fields = ["organization", "created_by", "occupation", "national_project"]
    filter_horizontal = ["required_skills", "nice_skills"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "status_reason",
        "published_at",
        "expires_at",
        "expiry_reminder_sent_at",
        "positions_filled",
        "skills_text",
        "created_at",
        "updated_at",
    ]
    inlines = [VacancyReportInline]

    fieldsets = (
        (None, {"fields": ("organization", "created_by", "external_id", "title", "occupation", "national_project")}),
        (_("Description"), {"fields": ("description", "duties", "requirements")}),
        (
            _("Candidate"),
            {"fields": ("education_level", "experience_years", "required_skills", "nice_skills", "languages")},
        ),
        (
            _("Conditions"),
            {
                "fields": (
                    ("salary_min", "salary_max", "salary_is_gross"),
                    ("employment_type", "schedule"),
                    ("region", "locality"),
                    "address",
                    ("positions", "positions_filled"),
                    ("is_remote", "is_youth_friendly", "is_quota", "has_social_package"),
                )
            },
        ),
        (_("Contact"), {"fields": ("contact_name", "contact_phone", "contact_email")}),
        (
            _("Life cycle"),
            {
                "fields": (
                    "status",
                    "status_reason",
                    "published_at",
                    "expires_at",
                    "expiry_reminder_sent_at",
                    "skills_text",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The full-text search reads the skills' names from skills_text, kept by the services.
        vacancy_skills_text_refresh(vacancy=form.instance)


@admin.register(VacancyReport)
class VacancyReportAdmin(admin.ModelAdmin):
    list_display = ["vacancy", "reason", "status", "reporter", "created_at", "handled_by", "handled_at"]
    list_filter = ["status", "reason", "vacancy__region"]
    search_fields = ["vacancy__title", "vacancy__organization__legal_name", "reporter__email", "comment"]
    list_select_related = ["vacancy", "reporter", "handled_by"]
    raw_id_fields = ["vacancy", "reporter", "handled_by"]
    readonly_fields = ["created_at", "updated_at"]


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    fields = ["from_status", "to_status", "by", "note", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-mostly: the state machine, its history and the CV snapshot belong to the services."""

    list_display = ["id", "vacancy", "seeker", "source", "status", "created_at"]
    list_filter = ["status", "source", "vacancy__region"]
    search_fields = ["=id", "vacancy__title", "seeker__email", "seeker__full_name"]
    list_select_related = ["vacancy", "seeker"]
    raw_id_fields = ["vacancy", "seeker", "seeker_region"]
    readonly_fields = [
        "vacancy",
        "seeker",
        "source",
        "cover_letter",
        "cv_snapshot",
        "status",
        "status_reason",
        "seeker_region",
        "seeker_was_youth",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
    inlines = [ApplicationEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(admin.ModelAdmin):
    list_display = ["application", "from_status", "to_status", "by", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["=application__id", "by__email", "note"]
    list_select_related = ["application", "by"]
    raw_id_fields = ["application", "by"]
    readonly_fields = ["application", "from_status", "to_status", "by", "note", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(CvView)
class CvViewAdmin(admin.ModelAdmin):
    list_display = ["viewer", "seeker", "organization", "application", "created_at"]
    search_fields = ["viewer__email", "seeker__email", "organization__legal_name"]
    list_select_related = ["viewer", "seeker", "organization"]
    raw_id_fields = ["viewer", "seeker", "application", "organization"]
    readonly_fields = ["viewer", "seeker", "application", "organization", "created_at", "updated_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["vacancy", "seeker", "invited_by", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["vacancy__title", "seeker__email", "invited_by__email"]
    list_select_related = ["vacancy", "seeker", "invited_by"]
    raw_id_fields = ["vacancy", "seeker", "invited_by"]
    readonly_fields = ["status", "answered_at", "created_at", "updated_at"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["id", "application", "staff", "centre", "region", "reply_deadline", "outcome", "created_at"]
    list_filter = ["outcome", "region"]
    search_fields = ["=id", "application__vacancy__title", "application__seeker__email", "staff__email"]
    list_select_related = ["application", "staff", "centre", "region"]
    raw_id_fields = ["application", "staff", "centre"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"


@admin.register(ReferralQuota)
class ReferralQuotaAdmin(admin.ModelAdmin):
    """Administrators set each region's yearly limit here; ``used`` moves only through the
    referral services, under a row lock."""

    list_display = ["region", "year", "limit", "used"]
    list_filter = ["year", "region"]
    list_select_related = ["region"]
    readonly_fields = ["used", "created_at", "updated_at"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "organization",
        "uploaded_by",
        "status",
        "processed_rows",
        "total_rows",
        "created_count",
        "updated_count",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["original_name", "organization__legal_name", "organization__bin", "uploaded_by__email"]
    list_select_related = ["organization", "uploaded_by"]
    raw_id_fields = ["organization", "uploaded_by"]
    readonly_fields = [
        "status",
        "total_rows",
        "processed_rows",
        "created_count",
        "updated_count",
        "errors",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
