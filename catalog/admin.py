from django.contrib import admin

from catalog.models import EducationLevel, EmploymentType, Industry, Occupation, Region, Skill, WorkSchedule


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "name_kk", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_ru", "name_kk"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "title_en", "title_ru"]
    list_filter = ["level"]
    search_fields = ["code", "title_en", "title_ru", "title_kk"]
    raw_id_fields = ["parent"]


@admin.register(Skill, EducationLevel, EmploymentType, WorkSchedule, Industry)
class NamedEntryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "name_kk", "position"]
    search_fields = ["code", "name_en", "name_ru", "name_kk"]
