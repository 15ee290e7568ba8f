"""Read-only, public API of the reference catalogs."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from catalog.models import EducationLevel, EmploymentType, Industry, Occupation, Region, Skill, WorkSchedule
from exchange.pagination import PageNumberPagination


class NamedEntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    name_ru = serializers.CharField()
    name_kk = serializers.CharField()


class RegionSerializer(NamedEntrySerializer):
    kind = serializers.CharField()


class OccupationSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Occupation
        fields = ["code", "level", "parent", "title", "title_en", "title_ru", "title_kk"]


class OccupationFilter(django_filters.FilterSet):
    level = django_filters.NumberFilter()
    parent = django_filters.CharFilter(field_name="parent__code")
    under = django_filters.CharFilter(method="filter_under", label="code prefix: every group below this one")
    search = django_filters.CharFilter(method="filter_search", label="words in the title or the code")

    class Meta:
        model = Occupation
        fields = ["level", "parent", "under", "search"]

    def filter_under(self, queryset, name, value):
        return queryset.filter(code__startswith=value)

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(code__startswith=value)
            | Q(title_en__icontains=value)
            | Q(title_ru__icontains=value)
            | Q(title_kk__icontains=value)
        )


class PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]  # reference data is public on purpose
    lookup_field = "code"
    pagination_class = None


class RegionViewSet(PublicReadOnly):
    queryset = Region.objects.order_by("position", "code")
    serializer_class = RegionSerializer


class SkillViewSet(PublicReadOnly):
    queryset = Skill.objects.order_by("name_en")
    serializer_class = NamedEntrySerializer


class EducationLevelViewSet(PublicReadOnly):
    queryset = EducationLevel.objects.order_by("position")
    serializer_class = NamedEntrySerializer


class EmploymentTypeViewSet(PublicReadOnly):
    queryset = EmploymentType.objects.order_by("position")
    serializer_class = NamedEntrySerializer


class WorkScheduleViewSet(PublicReadOnly):
    queryset = WorkSchedule.objects.order_by("position")
    serializer_class = NamedEntrySerializer


class OccupationViewSet(PublicReadOnly):
    queryset = Occupation.objects.select_related("parent").order_by("code")
    serializer_class = OccupationSerializer
    filterset_class = OccupationFilter
    pagination_class = PageNumberPagination  # 619 groups in all: paginate like other lists


class IndustryViewSet(PublicReadOnly):
    queryset = Industry.objects.order_by("position")
    serializer_class = NamedEntrySerializer
