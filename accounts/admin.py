from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "role", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)


from accounts.models import (  # noqa: E402
    Consent,
    Education,
    EmploymentCentre,
    LanguageSkill,
    MemberInvitation,
    Membership,
    Organization,
    SeekerProfile,
    StaffAssignment,
    WorkExperience,
)


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0


class WorkExperienceInline(admin.TabularInline):
    model = WorkExperience
    extra = 0


class LanguageSkillInline(admin.TabularInline):
    model = LanguageSkill
    extra = 0


@admin.register(SeekerProfile)
class SeekerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "search_status", "visibility", "has_consent"]
    list_filter = ["region", "search_status", "visibility", "has_consent"]
    search_fields = ["user__email", "user__full_name", "iin"]
    raw_id_fields = ["user"]
    filter_horizontal = ["skills", "desired_occupations", "employment_types", "schedules"]
    inlines = [EducationInline, WorkExperienceInline, LanguageSkillInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "text_version", "channel", "given_at", "withdrawn_at"]
    list_filter = ["channel", "text_version"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "bin", "region", "industry", "status", "verified_at"]
    list_filter = ["status", "region", "industry", "size"]
    search_fields = ["legal_name", "bin"]
    raw_id_fields = ["verified_by"]
    inlines = [MembershipInline]


@admin.register(MemberInvitation)
class MemberInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "accepted_at", "expires_at"]
    search_fields = ["email", "organization__legal_name"]
    raw_id_fields = ["organization", "invited_by"]
    exclude = ["token"]


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    extra = 0
    raw_id_fields = ["user"]


@admin.register(EmploymentCentre)
class EmploymentCentreAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "phone"]
    list_filter = ["region"]
    search_fields = ["name"]
    inlines = [StaffAssignmentInline]
