"""The vacancy life-cycle API: an employer's vacancies (create, edit, submit, pause, resume,
close, prolong), moderation (approve, reject), and "report this vacancy" with its staff queue.

Catalog references travel as codes (occupation "7212", region "KZ-71", employment type
"full_time"...); an unknown code is a 400 with a message on its field. Each view fetches through
an access selector and calls one service of ``vacancies.services.lifecycle``, as the web pages do.

``GET /api/v1/vacancies/`` (search) belongs to ``vacancies/apis/search.py``; Django routes by
path before method, so creating a vacancy lives at ``POST /api/v1/organization/vacancies/``.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule
from exchange.pagination import PageNumberPagination
from vacancies.models import NationalProject, Vacancy, VacancyReport
from vacancies.selectors.lifecycle import (
    organization_for_vacancies,
    vacancy_get_for_editing,
    vacancy_get_for_moderation,
    vacancy_get_public,
    vacancy_is_insider,
    vacancy_list_for_organization,
    vacancy_moderation_queue,
    vacancy_queryset,
    vacancy_report_get_for_handling,
    vacancy_report_queue,
)
from vacancies.services import lifecycle as services

# --- Serializers --------------------------------------------------------------------------------


def _values(choices) -> str:
    return ", ".join(value for value, _label in choices)


# drf-spectacular names an enum component after its field ("status", "reason") and warns when
# one name has several choice sets used by several components. Each of our choice sets is
# therefore an enum in one component only; elsewhere it is a string with its values described.


class VacancyCodeNameSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class VacancyOccupationSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class VacancyOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="legal_name", read_only=True)


class VacancyNationalProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


# What anyone may read about a vacancy. The employer's own reference (``external_id``) and the
# moderator's reason (``status_reason``) are for the organization and staff only.
PUBLIC_FIELDS = [
    "id",
    "url",
    "status",
    "organization",
    "title",
    "occupation",
    "description",
    "duties",
    "requirements",
    "education_level",
    "experience_years",
    "required_skills",
    "nice_skills",
    "languages",
    "salary_min",
    "salary_max",
    "salary_is_gross",
    "employment_type",
    "schedule",
    "region",
    "locality",
    "address",
    "is_remote",
    "positions",
    "positions_filled",
    "is_youth_friendly",
    "is_quota",
    "has_social_package",
    "national_project",
    "contact_name",
    "contact_phone",
    "contact_email",
    "published_at",
    "expires_at",
    "created_at",
    "updated_at",
]
INTERNAL_FIELDS = ["status_reason", "external_id"]


class VacancyPublicSerializer(serializers.ModelSerializer):
    """A vacancy as anyone outside its organization sees it (the public detail API)."""

    url = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Vacancy.Status.choices, read_only=True)
    organization = VacancyOrganizationSerializer(read_only=True)
    occupation = VacancyOccupationSerializer(read_only=True)
    education_level = VacancyCodeNameSerializer(read_only=True, allow_null=True)
    required_skills = VacancyCodeNameSerializer(many=True, read_only=True)
    nice_skills = VacancyCodeNameSerializer(many=True, read_only=True)
    employment_type = VacancyCodeNameSerializer(read_only=True)
    schedule = VacancyCodeNameSerializer(read_only=True)
    region = VacancyCodeNameSerializer(read_only=True)
    national_project = VacancyNationalProjectSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Vacancy
        fields = PUBLIC_FIELDS
        read_only_fields = fields

    def get_url(self, vacancy) -> str:
        request = self.context.get("request")
        url = vacancy.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class VacancyDetailSerializer(VacancyPublicSerializer):
    """A vacancy as its organization, staff of its region and administrators see it: the public
    fields plus the employer's reference and the moderator's reason."""

    class Meta(VacancyPublicSerializer.Meta):
        fields = PUBLIC_FIELDS + INTERNAL_FIELDS
        read_only_fields = fields


def _code_field(model, **kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=model.objects.all(), **kwargs)


class VacancyWriteSerializer(serializers.Serializer):
    """The employer's fields; catalog references by code. Business rules (salary range, unit
    group, positions...) are checked by the service, which answers 400 with field messages."""

    external_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200)
    occupation = _code_field(Occupation, help_text="ISCO-08 unit group code (4 digits), e.g. 7212")
    description = serializers.CharField()
    duties = serializers.CharField(required=False, allow_blank=True)
    requirements = serializers.CharField(required=False, allow_blank=True)
    education_level = _code_field(EducationLevel, required=False, allow_null=True)
    experience_years = serializers.IntegerField(required=False)
    required_skills = _code_field(Skill, many=True, required=False)
    nice_skills = _code_field(Skill, many=True, required=False)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, help_text="ISO 639-1 codes, e.g. kk, ru, en"
    )
    salary_min = serializers.IntegerField(required=False, allow_null=True, help_text="KZT per month")
    salary_max = serializers.IntegerField(required=False, allow_null=True, help_text="KZT per month")
    salary_is_gross = serializers.BooleanField(required=False)
    employment_type = _code_field(EmploymentType, help_text="e.g. full_time")
    schedule = _code_field(WorkSchedule, help_text="e.g. full_day")
    region = _code_field(Region, help_text="ISO 3166-2:KZ code, e.g. KZ-71")
    locality = serializers.CharField(max_length=120, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    is_remote = serializers.BooleanField(required=False)
    positions = serializers.IntegerField(required=False)
    is_youth_friendly = serializers.BooleanField(required=False)
    is_quota = serializers.BooleanField(required=False)
    has_social_package = serializers.BooleanField(required=False)
    national_project = serializers.PrimaryKeyRelatedField(
        queryset=NationalProject.objects.all(), required=False, allow_null=True
    )
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class VacancyStatusFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Vacancy.Status.choices, required=False)


class VacancyRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Shown to the employer.")


class VacancyProlongSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=services.MAX_PROLONG_DAYS,
        default=services.PUBLICATION_DAYS,
        help_text="Days from now until the vacancy expires.",
    )


class VacancyReportInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=VacancyReport.Reason.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class VacancyReportUpholdSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=400, required=False, allow_blank=True, default="", help_text="Reason shown to the employer."
    )


class ReportedVacancySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text=_values(Vacancy.Status.choices))
    organization = VacancyOrganizationSerializer(read_only=True)
    region = VacancyCodeNameSerializer(read_only=True)


class VacancyReportSerializer(serializers.ModelSerializer):
    vacancy = ReportedVacancySerializer(read_only=True)
    reason = serializers.CharField(read_only=True, help_text=_values(VacancyReport.Reason.choices))
    status = serializers.ChoiceField(choices=VacancyReport.Status.choices, read_only=True)

    class Meta:
        model = VacancyReport
        fields = ["id", "vacancy", "reason", "comment", "status", "handled_at", "created_at"]
        read_only_fields = fields


def _errors(*statuses: int) -> dict:
    # The body of every error is the one documented in the API description, so it is not
    # repeated here as a component per status.
    descriptions = {
        400: "Invalid input: field messages in error.fields",
        403: "Not allowed (wrong role, or the organization is not verified)",
        404: "No such vacancy, or not one you may see",
        409: (
            "Conflicts with the vacancy's state or another vacancy: invalid_transition, duplicate_vacancy, "
            "not_editable, duplicate_external_id (another vacancy of the organization has this external_id)"
        ),
    }
    return {code: OpenApiResponse(description=descriptions[code]) for code in statuses}


def _vacancy_response(request, vacancy: Vacancy, status_code: int = status.HTTP_200_OK) -> Response:
    fresh = vacancy_queryset().get(pk=vacancy.pk)
    return Response(VacancyDetailSerializer(fresh, context={"request": request}).data, status=status_code)


# --- The employer's vacancies -------------------------------------------------------------------


class OrganizationVacanciesApi(APIView):
    """The caller's organization's vacancies: list them, create a draft."""

    pagination_class = PageNumberPagination

    @extend_schema(
        summary="My organization's vacancies",
        parameters=[OpenApiParameter("status", str, enum=Vacancy.Status.values, description="Only this status")],
        responses={200: VacancyDetailSerializer(many=True), **_errors(400, 403)},
    )
    def get(self, request):
        organization = organization_for_vacancies(user=request.user)
        filters = VacancyStatusFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = vacancy_list_for_organization(organization=organization, status=filters.validated_data.get("status"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(
            VacancyDetailSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Create a draft vacancy",
        request=VacancyWriteSerializer,
        responses={201: VacancyDetailSerializer, **_errors(400, 403, 409)},
    )
    def post(self, request):
        organization = organization_for_vacancies(user=request.user)
        serializer = VacancyWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        vacancy = services.vacancy_create(organization=organization, by=request.user, **serializer.validated_data)
        return _vacancy_response(request, vacancy, status.HTTP_201_CREATED)


class VacancyDetailApi(APIView):
    """One vacancy: anyone reads a published one; members of its organization edit it."""

    def get_permissions(self):
        # Reading is public on purpose (published vacancies are open data); editing is not.
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="vacancy_detail",
        summary="A vacancy",
        responses={
            200: OpenApiResponse(
                VacancyPublicSerializer,
                description=(
                    "The public fields. Members of the vacancy's organization, staff of its region and "
                    "administrators get the VacancyDetail shape instead: these fields plus `external_id` "
                    "(the employer's reference) and `status_reason` (the moderator's reason)."
                ),
            ),
            **_errors(404),
        },
    )
    def get(self, request, pk: int):
        vacancy = vacancy_get_public(vacancy_id=pk, user=request.user)
        serializer_class = (
            VacancyDetailSerializer
            if vacancy_is_insider(user=request.user, vacancy=vacancy)
            else VacancyPublicSerializer
        )
        return Response(serializer_class(vacancy, context={"request": request}).data)

    @extend_schema(
        operation_id="vacancy_partial_update",
        summary="Change a vacancy (only the fields sent)",
        request=VacancyWriteSerializer,
        responses={200: VacancyDetailSerializer, **_errors(400, 404, 409)},
    )
    def patch(self, request, pk: int):
        vacancy = vacancy_get_for_editing(user=request.user, vacancy_id=pk)
        serializer = VacancyWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        vacancy = services.vacancy_update(vacancy=vacancy, by=request.user, **serializer.validated_data)
        return _vacancy_response(request, vacancy)


class _VacancyActionApi(APIView):
    """POST one life-cycle action; subclasses name the selector, the service and the input."""

    select = staticmethod(vacancy_get_for_editing)
    input_serializer: type[serializers.Serializer] | None = None

    def perform(self, *, vacancy, by, **kwargs) -> Vacancy:
        raise NotImplementedError

    def post(self, request, pk: int):
        vacancy = self.select(user=request.user, vacancy_id=pk)
        kwargs = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            kwargs = serializer.validated_data
        return _vacancy_response(request, self.perform(vacancy=vacancy, by=request.user, **kwargs))


def _action_schema(summary: str, request=None, errors=(404, 409)):
    return extend_schema(summary=summary, request=request, responses={200: VacancyDetailSerializer, **_errors(*errors)})


class VacancySubmitApi(_VacancyActionApi):
    @_action_schema("Submit a draft or rejected vacancy for moderation", errors=(403, 404, 409))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, **kwargs):
        return services.vacancy_submit(**kwargs)


class VacancyApproveApi(_VacancyActionApi):
    select = staticmethod(vacancy_get_for_moderation)

    @_action_schema("Approve a pending vacancy (staff of its region): published for 30 days", errors=(403, 404, 409))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, **kwargs):
        return services.vacancy_approve(**kwargs)


class VacancyRejectApi(_VacancyActionApi):
    select = staticmethod(vacancy_get_for_moderation)
    input_serializer = VacancyRejectSerializer

    @_action_schema("Reject a vacancy with a reason (staff of its region)", VacancyRejectSerializer, (400, 404, 409))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, **kwargs):
        return services.vacancy_reject(**kwargs)


class VacancyPauseApi(_VacancyActionApi):
    @_action_schema("Pause a published vacancy")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, **kwargs):
        return services.vacancy_pause(**kwargs)


class VacancyResumeApi(_VacancyActionApi):
    @_action_schema("Publish a paused vacancy again", errors=(403, 404, 409))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, **kwargs):
        return services.vacancy_resume(**kwargs)


class VacancyCloseApi(_VacancyActionApi):
    @_action_schema("Close a vacancy for good")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, **kwargs):
        return services.vacancy_close(**kwargs)


class VacancyProlongApi(_VacancyActionApi):
    input_serializer = VacancyProlongSerializer

    @_action_schema("Prolong a published or paused vacancy", VacancyProlongSerializer, (400, 404, 409))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, **kwargs):
        return services.vacancy_prolong(**kwargs)


# --- Moderation and reports ---------------------------------------------------------------------


class StaffPendingVacanciesApi(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        summary="Vacancies waiting for moderation in my region, oldest first",
        responses={200: VacancyDetailSerializer(many=True), **_errors(403)},
    )
    def get(self, request):
        queryset = vacancy_moderation_queue(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(
            VacancyDetailSerializer(page, many=True, context={"request": request}).data
        )


class VacancyReportCreateApi(APIView):
    permission_classes = [AllowAny]  # anyone may report a published vacancy, logged in or not

    @extend_schema(
        summary="Report a published vacancy to the employment centre",
        request=VacancyReportInputSerializer,
        responses={201: VacancyReportSerializer, 200: VacancyReportSerializer, **_errors(400, 404, 409)},
        description="Answers 200 with the existing report when the caller already has an open one.",
    )
    def post(self, request, pk: int):
        vacancy = vacancy_get_public(vacancy_id=pk, user=request.user)
        serializer = VacancyReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report, created = services.vacancy_report_create(
            vacancy=vacancy,
            reporter=request.user if request.user.is_authenticated else None,
            **serializer.validated_data,
        )
        return Response(
            VacancyReportSerializer(report).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class StaffReportsApi(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        summary="Open reports on vacancies in my region, oldest first",
        responses={200: VacancyReportSerializer(many=True), **_errors(403)},
    )
    def get(self, request):
        queryset = vacancy_report_queue(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(VacancyReportSerializer(page, many=True).data)


class StaffReportUpholdApi(APIView):
    @extend_schema(
        summary="Uphold a report: the vacancy is taken down (rejected)",
        request=VacancyReportUpholdSerializer,
        responses={200: VacancyReportSerializer, **_errors(400, 404, 409)},
    )
    def post(self, request, pk: int):
        report = vacancy_report_get_for_handling(user=request.user, report_id=pk)
        serializer = VacancyReportUpholdSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.vacancy_report_uphold(report=report, by=request.user, **serializer.validated_data)
        return Response(
            VacancyReportSerializer(vacancy_report_get_for_handling(user=request.user, report_id=report.pk)).data
        )


class StaffReportDismissApi(APIView):
    @extend_schema(
        summary="Dismiss a report: the vacancy stays as it is",
        request=None,
        responses={200: VacancyReportSerializer, **_errors(404, 409)},
    )
    def post(self, request, pk: int):
        report = vacancy_report_get_for_handling(user=request.user, report_id=pk)
        report = services.vacancy_report_dismiss(report=report, by=request.user)
        return Response(
            VacancyReportSerializer(vacancy_report_get_for_handling(user=request.user, report_id=report.pk)).data
        )


urlpatterns = [
    path("organization/vacancies/", OrganizationVacanciesApi.as_view(), name="organization-vacancies"),
    path("vacancies/<int:pk>/", VacancyDetailApi.as_view(), name="vacancy-detail"),
    path("vacancies/<int:pk>/submit/", VacancySubmitApi.as_view(), name="vacancy-submit"),
    path("vacancies/<int:pk>/approve/", VacancyApproveApi.as_view(), name="vacancy-approve"),
    path("vacancies/<int:pk>/reject/", VacancyRejectApi.as_view(), name="vacancy-reject"),
    path("vacancies/<int:pk>/pause/", VacancyPauseApi.as_view(), name="vacancy-pause"),
    path("vacancies/<int:pk>/resume/", VacancyResumeApi.as_view(), name="vacancy-resume"),
    path("vacancies/<int:pk>/close/", VacancyCloseApi.as_view(), name="vacancy-close"),
    path("vacancies/<int:pk>/prolong/", VacancyProlongApi.as_view(), name="vacancy-prolong"),
    path("vacancies/<int:pk>/reports/", VacancyReportCreateApi.as_view(), name="vacancy-report"),
    path("staff/vacancies/pending/", StaffPendingVacanciesApi.as_view(), name="staff-vacancies-pending"),
    path("staff/reports/", StaffReportsApi.as_view(), name="staff-reports"),
    path("staff/reports/<int:pk>/uphold/", StaffReportUpholdApi.as_view(), name="staff-report-uphold"),
    path("staff/reports/<int:pk>/dismiss/", StaffReportDismissApi.as_view(), name="staff-report-dismiss"),
]
