"""Public vacancy search API and the open-data API of published vacancies.

Both are anonymous on purpose: published vacancies are public information, and the open-data
API exists so that anyone (other job boards, researchers, the statistics office) can harvest
them, like trudvsem.ru's. The default throttles still apply.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from vacancies.forms.search import VacancySearchForm
from vacancies.selectors.search import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    OPEN_DATA_KEYSET,
    InvalidCursor,
    SearchFacets,
    SearchResults,
    SearchSort,
    keyset_paginate,
    vacancy_open_data,
    vacancy_search_results,
)

CURRENCY = "KZT"

# --- Serializers ------------------------------------------------------------------------------


class SearchCatalogEntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SearchOccupationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISCO-08 unit group.")
    title = serializers.CharField()


class SearchEmployerSerializer(serializers.Serializer):
    bin = serializers.CharField(help_text="12-digit business identification number.")
    name = serializers.CharField(source="legal_name")


class VacancyUrlMixin(serializers.Serializer):
    url = serializers.SerializerMethodField(help_text="The vacancy's public page.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, vacancy) -> str:
        return self.context["request"].build_absolute_uri(vacancy.get_absolute_url())


class VacancySearchItemSerializer(VacancyUrlMixin, serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    title_html = serializers.CharField(help_text="The title, HTML-escaped, with the matched words in <mark>.")
    snippet = serializers.CharField(
        source="snippet_html",
        help_text="Fragments of the text around the matched words in <mark> (or the start of the "
        "description when there is no query). HTML-escaped: safe to insert as HTML.",
    )
    employer = SearchEmployerSerializer(source="organization")
    region = SearchCatalogEntrySerializer()
    locality = serializers.CharField()
    occupation = SearchOccupationSerializer()
    employment_type = SearchCatalogEntrySerializer()
    schedule = SearchCatalogEntrySerializer()
    salary_min = serializers.IntegerField(allow_null=True)
    salary_max = serializers.IntegerField(allow_null=True)
    salary_is_gross = serializers.BooleanField()
    currency = serializers.SerializerMethodField()
    experience_years = serializers.IntegerField()
    is_remote = serializers.BooleanField()
    is_youth_friendly = serializers.BooleanField()
    is_quota = serializers.BooleanField()
    published_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()

    def get_currency(self, vacancy) -> str:
        return CURRENCY


class SearchFacetCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class SearchFacetsSerializer(serializers.Serializer):
    regions = SearchFacetCountSerializer(many=True)
    employment_types = SearchFacetCountSerializer(many=True)
    complete = serializers.BooleanField(
        help_text="False when the query matched so many vacancies that the counts were taken over "
        "a first part of them: each count is then a lower bound."
    )


class VacancySearchResponseSerializer(serializers.Serializer):
    results = VacancySearchItemSerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    sort = serializers.ChoiceField(choices=SearchSort.choices, help_text="The order actually used.")
    total_estimate = serializers.IntegerField(
        help_text="How many vacancies match: exact when total_capped is false (then it may be above "
        "1000), otherwise 1000."
    )
    total_capped = serializers.BooleanField(help_text="True when more than total_estimate vacancies match.")
    facets = SearchFacetsSerializer()


def _facets_data(facets: SearchFacets) -> dict:
    """Only options with results: the catalogs list every option."""
    return {
        "regions": [{"code": r.code, "name": r.name, "count": n} for r, n in facets.regions if n],
        "employment_types": [{"code": t.code, "name": t.name, "count": n} for t, n in facets.employment_types if n],
        "complete": facets.complete,
    }


def _page_link(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return replace_query_param(request.build_absolute_uri(), "cursor", cursor)


def _form_errors(form) -> dict:
    return {
        ("non_field_errors" if name == "__all__" else name): [error["message"] for error in errors]
        for name, errors in form.errors.get_json_data().items()
    }


# The error body is the one documented in the API description, so it is not repeated here.
_BAD_PARAMETERS = OpenApiResponse(description="A parameter is not valid: its messages are in error.fields.")

SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q", str, description='Words in websearch syntax: `сварщик "ручная сварка" -помощник or электрик`.'
    ),
    OpenApiParameter("region", str, many=True, explode=True, description="Region codes (KZ-71...); one of them."),
    OpenApiParameter("occupation", str, description="ISCO-08 code of any level (1-4 digits): the whole group."),
    OpenApiParameter(
        "salary_min",
        int,
        description="Salary at least, KZT: the top of the vacancy's range (salary_max, or salary_min "
        "without a maximum) must reach it. Vacancies without a salary are left out.",
    ),
    OpenApiParameter(
        "employment_type", str, many=True, explode=True, description="Employment type codes; one of them."
    ),
    OpenApiParameter("schedule", str, many=True, explode=True, description="Schedule codes; one of them."),
    OpenApiParameter("experience_max", int, description="At most this many years of experience required."),
    OpenApiParameter("posted_within_days", int, description="Published in the last N days (1-365)."),
    OpenApiParameter("youth", bool, description="Only vacancies suitable for young people / no experience needed."),
    OpenApiParameter("quota", bool, description="Only quota places for people with disabilities."),
    OpenApiParameter("remote", bool, description="Only remote work."),
    OpenApiParameter("national_project", int, description="National project id."),
    OpenApiParameter(
        "sort",
        str,
        enum=SearchSort.values,
        description="relevance (the default with q; needs q), date (newest first, the default without q) "
        "or salary (highest top of range first, no salary last).",
    ),
    OpenApiParameter("cursor", str, description="The `next` or `previous` link's cursor."),
    OpenApiParameter("page_size", int, description=f"1-{MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}."),
]


# --- Views ------------------------------------------------------------------------------------


class VacancySearchApi(APIView):
    """GET only: creating a vacancy (POST on the same path) belongs to the lifecycle APIs."""

    permission_classes = [AllowAny]  # public on purpose: published vacancies are public

    @extend_schema(
        operation_id="vacancies_search",
        summary="Search published vacancies",
        description="Full-text search with hard filters, facet counts and keyset pages. "
        "Unknown codes or malformed values answer 400 with the field's message.",
        parameters=SEARCH_PARAMETERS,
        responses={200: VacancySearchResponseSerializer, 400: _BAD_PARAMETERS},
    )
    def get(self, request):
        form = VacancySearchForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        try:
            results: SearchResults = vacancy_search_results(**form.search_arguments())
        except InvalidCursor:  # the form checks it; a cursor of another sort can still get here
            raise exceptions.ValidationError({"cursor": ["This page link is not valid any more."]}) from None
        context = {"request": request}
        return Response(
            {
                "results": VacancySearchItemSerializer(results.vacancies, many=True, context=context).data,
                "next": _page_link(request, results.next_cursor),
                "previous": _page_link(request, results.previous_cursor),
                "sort": results.sort,
                "total_estimate": results.total,
                "total_capped": results.total_capped,
                "facets": _facets_data(results.facets),
            }
        )


# --- Open data --------------------------------------------------------------------------------


class OpenDataSalarySerializer(serializers.Serializer):
    min = serializers.IntegerField(source="salary_min", allow_null=True)
    max = serializers.IntegerField(source="salary_max", allow_null=True)
    currency = serializers.SerializerMethodField()
    gross = serializers.BooleanField(source="salary_is_gross", help_text="True: before tax.")

    def get_currency(self, vacancy) -> str:
        return CURRENCY


class OpenDataRequirementsSerializer(serializers.Serializer):
    education = SearchCatalogEntrySerializer(source="education_level", allow_null=True, help_text="Minimum education.")
    qualification = SearchOccupationSerializer(source="occupation")
    experience_years = serializers.IntegerField()
    languages = serializers.ListField(child=serializers.CharField(), help_text="ISO 639-1 codes.")
    text = serializers.CharField(source="requirements")


class OpenDataSkillsSerializer(serializers.Serializer):
    required = SearchCatalogEntrySerializer(source="required_skills.all", many=True)
    nice_to_have = SearchCatalogEntrySerializer(source="nice_skills.all", many=True)


class OpenDataVacancySerializer(VacancyUrlMixin, serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    duties = serializers.CharField()
    region = SearchCatalogEntrySerializer()
    locality = serializers.CharField()
    address = serializers.CharField()
    company = SearchEmployerSerializer(source="organization")
    salary = OpenDataSalarySerializer(source="*")
    employment_type = SearchCatalogEntrySerializer()
    schedule = SearchCatalogEntrySerializer()
    requirements = OpenDataRequirementsSerializer(source="*")
    skills = OpenDataSkillsSerializer(source="*")
    positions = serializers.IntegerField()
    positions_open = serializers.IntegerField()
    quota_place = serializers.BooleanField(source="is_quota", help_text="Quota place for people with disabilities.")
    social_package = serializers.BooleanField(source="has_social_package")
    youth_friendly = serializers.BooleanField(source="is_youth_friendly")
    remote = serializers.BooleanField(source="is_remote")
    national_project = serializers.IntegerField(source="national_project_id", allow_null=True)
    published_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(help_text="Last change; harvest with modified_since.")


class OpenDataQuerySerializer(serializers.Serializer):
    modified_since = serializers.DateTimeField(
        required=False, help_text="Only vacancies changed at or after this moment (ISO 8601)."
    )
    cursor = serializers.CharField(required=False, help_text="The `next` or `previous` link's cursor.")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )

    def validate_cursor(self, value):
        try:
            return OPEN_DATA_KEYSET.decode(value)
        except InvalidCursor:
            raise serializers.ValidationError("This page link is not valid any more.") from None


class OpenDataResponseSerializer(serializers.Serializer):
    results = OpenDataVacancySerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class OpenDataVacanciesApi(APIView):
    permission_classes = [AllowAny]  # open data: anonymous and read-only on purpose

    @extend_schema(
        operation_id="open_data_vacancies_list",
        summary="Open data: published vacancies",
        description="Every vacancy open for applications now, oldest change first, in keyset pages. "
        "Harvest incrementally with `modified_since` (the largest `updated_at` you have seen).",
        parameters=[OpenDataQuerySerializer],
        responses={200: OpenDataResponseSerializer, 400: _BAD_PARAMETERS},
    )
    def get(self, request):
        params = OpenDataQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        queryset = vacancy_open_data(modified_since=params.validated_data.get("modified_since"))
        page = keyset_paginate(
            queryset,
            keyset=OPEN_DATA_KEYSET,
            cursor=params.validated_data.get("cursor"),
            page_size=params.validated_data["page_size"],
        )
        return Response(
            {
                "results": OpenDataVacancySerializer(page.rows, many=True, context={"request": request}).data,
                "next": _page_link(request, page.next_cursor),
                "previous": _page_link(request, page.previous_cursor),
            }
        )


urlpatterns = [
    path("vacancies/", VacancySearchApi.as_view(), name="vacancy-list"),
    path("open-data/vacancies/", OpenDataVacanciesApi.as_view(), name="open-data-vacancies"),
]
