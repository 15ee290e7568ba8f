"""API: matching ("vacancies for you", a vacancy's suitable candidates) and saved searches.

Thin: the same selectors and services as the pages (``vacancies.selectors.matching``,
``vacancies.services.matching``). Both matching lists are ranked by score, best first, in pages
(``page``, ``page_size``; at most the 500 best rows), each row with its score and reasons
(``{"code", "params", "tone", "text"}``, the text in the request's language).
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts.selectors.seekers import seeker_iin_for_viewer
from exchange.pagination import PageNumberPagination
from exchange.schema import errors
from vacancies.forms.matching import saved_search_params
from vacancies.models import SavedSearch
from vacancies.selectors import matching as selectors
from vacancies.services import matching as services

# --- Matching lists ---------------------------------------------------------------------------


class MatchPageQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=selectors.MAX_PAGE_SIZE, default=selectors.DEFAULT_PAGE_SIZE
    )


class MatchReasonSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable code: occupation_exact, occupation_minor, occupation_major, skills_required, "
        "skills_missing, skills_nice, same_region, remote, relocate, salary_above_wish, salary_meets_wish, "
        "salary_below_wish, salary_not_stated, experience_not_required, experience_ok, experience_short, "
        "education_ok, education_below."
    )
    params = serializers.DictField(help_text="E.g. {covered, total} for skills_required; skill ids for skills_missing.")
    tone = serializers.ChoiceField(choices=["good", "bad", "info"])
    text = serializers.CharField(help_text="The reason in the request's language.")


class _MatchMixin(serializers.Serializer):
    score = serializers.SerializerMethodField(help_text="0-100")
    reasons = serializers.SerializerMethodField()

    def get_score(self, obj) -> int:
        return obj.match.score

    @extend_schema_field(MatchReasonSerializer(many=True))
    def get_reasons(self, obj):
        return obj.match.reasons_data(viewer=self.context["viewer"], names=self.context["names"])


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MatchingVacancySerializer(_MatchMixin, serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    employer = serializers.CharField(source="organization.legal_name")
    region = CodeNameSerializer()
    occupation = serializers.CharField(source="occupation.code", help_text="ISCO-08 unit group")
    employment_type = CodeNameSerializer()
    salary_min = serializers.IntegerField(allow_null=True)
    salary_max = serializers.IntegerField(allow_null=True)
    is_remote = serializers.BooleanField()
    published_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, vacancy) -> str:
        return self.context["request"].build_absolute_uri(vacancy.get_absolute_url())


class SuitableCandidateSerializer(_MatchMixin, serializers.Serializer):
    seeker_id = serializers.IntegerField(source="user_id", help_text="Use it to open the CV or to invite.")
    full_name = serializers.CharField(source="user.get_full_name")
    iin = serializers.SerializerMethodField(help_text="Masked for employers (last six digits only).")
    headline = serializers.CharField()
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    age = serializers.SerializerMethodField()
    desired_occupations = serializers.SerializerMethodField()
    skills = serializers.SerializerMethodField()
    desired_salary = serializers.IntegerField(allow_null=True)
    search_status = serializers.CharField()

    def get_iin(self, profile) -> str | None:
        return seeker_iin_for_viewer(profile=profile, viewer=self.context["request"].user)

    def get_age(self, profile) -> int | None:
        return profile.age_on(timezone.localdate())

    @extend_schema_field(CodeNameSerializer(many=True))
    def get_desired_occupations(self, profile):
        return [{"code": o.code, "name": o.title} for o in profile.desired_occupations.all()]

    @extend_schema_field(CodeNameSerializer(many=True))
    def get_skills(self, profile):
        return [{"code": s.code, "name": s.name} for s in profile.skills.all()]


def _page_response(request, page: selectors.MatchPage, serializer_class, viewer: str) -> Response:
    url = request.build_absolute_uri()
    context = {"request": request, "viewer": viewer, "names": page.names}
    previous = None
    if page.has_previous:
        previous = replace_query_param(url, "page", page.page - 1) if page.page > 2 else remove_query_param(url, "page")
    return Response(
        {
            "count": page.total,
            "next": replace_query_param(url, "page", page.page + 1) if page.has_next else None,
            "previous": previous,
            "enabled": page.enabled,
            "notice": page.notice,
            "results": serializer_class(page.rows, many=True, context=context).data,
        }
    )


def _page_schema(name: str, item) -> serializers.Serializer:
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(help_text="How many match (the pages reach the best 500)."),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "enabled": serializers.BooleanField(help_text="False when matching does not apply; `notice` says why."),
            "notice": serializers.CharField(),
            "results": item(many=True),
        },
    )


class MatchingVacanciesApi(APIView):
    @extend_schema(
        summary="Vacancies for you: published vacancies matching my CV, best first (job seekers)",
        description="Needs consent to the processing of personal data (`enabled` false otherwise).",
        parameters=[MatchPageQuerySerializer],
        responses={200: _page_schema("MatchingVacancyPage", MatchingVacancySerializer), **errors(400, 403)},
    )
    def get(self, request):
        query = MatchPageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = selectors.matching_vacancies_for_seeker(user=request.user, **query.validated_data)
        return _page_response(request, page, MatchingVacancySerializer, selectors.SEEKER)


class SuitableCandidatesApi(APIView):
    @extend_schema(
        summary="Suitable candidates for a vacancy, best first",
        description="Visible, consenting job seekers who are looking for work, with the IIN masked. For members "
        "of the vacancy's organization, staff of its region and administrators; 404 for everyone else. "
        "Empty (`enabled` false) until the vacancy is published.",
        parameters=[MatchPageQuerySerializer],
        responses={200: _page_schema("SuitableCandidatePage", SuitableCandidateSerializer), **errors(400, 404)},
    )
    def get(self, request, vacancy_id: int):
        query = MatchPageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        vacancy = selectors.vacancy_get_for_matching(user=request.user, vacancy_id=vacancy_id)
        page = selectors.suitable_candidates(vacancy=vacancy, **query.validated_data)
        return _page_response(request, page, SuitableCandidateSerializer, selectors.EMPLOYER)


# --- Saved searches ---------------------------------------------------------------------------


class SavedSearchSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    query = serializers.CharField(required=False, allow_blank=True, help_text="The search words (as `q`).")
    filters = serializers.JSONField(
        required=False,
        help_text='The search filters by their search-API names, catalog entries by code: {"region": ["KZ-71"], '
        '"occupation": "7212", "salary_min": 300000, "employment_type": [...], "schedule": [...], '
        '"experience_max": 3, "youth": true, "quota": true, "remote": true, "national_project": 1}.',
    )
    frequency = serializers.ChoiceField(
        choices=SavedSearch.Frequency.choices,
        required=False,
        help_text="never: keep the search without notifications. E-mail timing follows your notification "
        "preference for saved searches.",
    )
    last_run_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="When a vacancy last matched.")
    search_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_search_url(self, saved) -> str:
        """The search API with the saved words and filters."""
        query = saved_search_params(saved).urlencode()
        return self.context["request"].build_absolute_uri(reverse("vacancy-list") + (f"?{query}" if query else ""))


class SavedSearchListApi(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        summary="My saved searches (job seekers)",
        responses={200: SavedSearchSerializer(many=True), **errors(403)},
    )
    def get(self, request):
        saved = selectors.saved_searches_of_user(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(saved, request, view=self)
        return paginator.get_paginated_response(
            SavedSearchSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Save a search (job seekers)",
        description="The words and filters are checked like the search API's parameters: unknown filters or codes "
        "answer 400 with the messages under `filters.<name>`. At most 20 saved searches (409 "
        "`too_many_saved_searches`); names are unique (409 `duplicate_name`).",
        request=SavedSearchSerializer,
        responses={201: SavedSearchSerializer, **errors(400, 403, 409)},
    )
    def post(self, request):
        data = SavedSearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.saved_search_create(user=request.user, **data.validated_data)
        return Response(SavedSearchSerializer(saved, context={"request": request}).data, status=status.HTTP_201_CREATED)


class SavedSearchApi(APIView):
    @extend_schema(summary="One of my saved searches", responses={200: SavedSearchSerializer, **errors(404)})
    def get(self, request, saved_search_id: int):
        saved = selectors.saved_search_get_own(user=request.user, saved_search_id=saved_search_id)
        return Response(SavedSearchSerializer(saved, context={"request": request}).data)

    @extend_schema(
        summary="Change a saved search (name, frequency, words, filters)",
        request=SavedSearchSerializer,
        responses={200: SavedSearchSerializer, **errors(400, 404, 409)},
    )
    def patch(self, request, saved_search_id: int):
        saved = selectors.saved_search_get_own(user=request.user, saved_search_id=saved_search_id)
        data = SavedSearchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        saved = services.saved_search_update(saved_search=saved, by=request.user, **data.validated_data)
        return Response(SavedSearchSerializer(saved, context={"request": request}).data)

    @extend_schema(summary="Delete a saved search", responses={204: None, **errors(404)})
    def delete(self, request, saved_search_id: int):
        saved = selectors.saved_search_get_own(user=request.user, saved_search_id=saved_search_id)
        services.saved_search_delete(saved_search=saved, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("me/matching-vacancies/", MatchingVacanciesApi.as_view(), name="matching-vacancies"),
    path(
        "vacancies/<int:vacancy_id>/suitable-candidates/", SuitableCandidatesApi.as_view(), name="suitable-candidates"
    ),
    path("me/saved-searches/", SavedSearchListApi.as_view(), name="saved-searches"),
    path("me/saved-searches/<int:saved_search_id>/", SavedSearchApi.as_view(), name="saved-search-detail"),
]
