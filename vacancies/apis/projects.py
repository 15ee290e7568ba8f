"""API: national programmes and projects, and the regional job creation map.

Reading is open to anyone, on purpose (``AllowAny``): where public money creates jobs is public
information. Writing is for administrators only (403 for everyone else; see
``vacancies.services.projects`` for why not regional staff).
"""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from catalog.models import Region
from exchange.schema import errors
from vacancies.models import NationalProgramme, NationalProject
from vacancies.selectors import projects as selectors
from vacancies.services import projects as services


class ReadAnyoneWriteAdministrators(BasePermission):
    """Public reads; writes only for administrators (anonymous writers get 403 too, after DRF
    asked them to authenticate)."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_administrator)


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


# --- Programmes -------------------------------------------------------------------------------


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(max_length=40)
    name_en = serializers.CharField(max_length=300)
    name_ru = serializers.CharField(max_length=300, required=False, allow_blank=True)
    name_kk = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ProgrammeListApi(generics.ListAPIView):
    # AllowAny on purpose: the lists are public; the second class keeps writes for administrators.
    permission_classes = [AllowAny, ReadAnyoneWriteAdministrators]
    serializer_class = ProgrammeSerializer

    def get_queryset(self):
        return selectors.national_programmes()

    @extend_schema(summary="National programmes (public)", responses={200: ProgrammeSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create a national programme (administrators)",
        request=ProgrammeSerializer,
        responses={201: ProgrammeSerializer, **errors(400, 403)},
    )
    def post(self, request):
        data = ProgrammeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = services.programme_create(by=request.user, **data.validated_data)
        return Response(ProgrammeSerializer(programme).data, status=status.HTTP_201_CREATED)


class ProgrammeApi(APIView):
    permission_classes = [ReadAnyoneWriteAdministrators]

    @extend_schema(summary="A national programme (public)", responses={200: ProgrammeSerializer, **errors(404)})
    def get(self, request, programme_id: int):
        return Response(ProgrammeSerializer(selectors.national_programme_get(programme_id=programme_id)).data)

    @extend_schema(
        summary="Change a national programme (administrators)",
        request=ProgrammeSerializer(partial=True),
        responses={200: ProgrammeSerializer, **errors(400, 403, 404)},
    )
    def patch(self, request, programme_id: int):
        programme = selectors.national_programme_get_for_editing(user=request.user, programme_id=programme_id)
        data = ProgrammeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        programme = services.programme_update(programme=programme, by=request.user, **data.validated_data)
        return Response(ProgrammeSerializer(programme).data)

    @extend_schema(
        summary="Delete a national programme without projects (administrators)",
        responses={204: None, **errors(403, 404, 409)},
    )
    def delete(self, request, programme_id: int):
        programme = selectors.national_programme_get_for_editing(user=request.user, programme_id=programme_id)
        services.programme_delete(programme=programme, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Projects ---------------------------------------------------------------------------------


class ProjectProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_ru = serializers.CharField()
    name_kk = serializers.CharField()


class ProjectEmployerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    bin = serializers.CharField()
    legal_name = serializers.CharField()


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    programme = ProjectProgrammeSerializer()
    region = RegionRefSerializer()
    employer = ProjectEmployerSerializer(allow_null=True, help_text="The implementing employer, if registered.")
    contractor = serializers.CharField()
    stage = serializers.ChoiceField(choices=NationalProject.Stage.choices)
    planned_permanent_jobs = serializers.IntegerField()
    planned_temporary_jobs = serializers.IntegerField()
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()


class ProjectInputSerializer(serializers.Serializer):
    """Write fields; references by id (programme, employer) and region by code."""

    programme = serializers.PrimaryKeyRelatedField(queryset=NationalProgramme.objects.all())
    name = serializers.CharField(max_length=300)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, help_text="Organization id."
    )
    contractor = serializers.CharField(max_length=300, required=False, allow_blank=True)
    stage = serializers.ChoiceField(choices=NationalProject.Stage.choices, required=False)
    planned_permanent_jobs = serializers.IntegerField(min_value=0, max_value=services.MAX_PLANNED_JOBS, required=False)
    planned_temporary_jobs = serializers.IntegerField(min_value=0, max_value=services.MAX_PLANNED_JOBS, required=False)
    start_year = serializers.IntegerField(min_value=services.YEARS[0], max_value=services.YEARS[1])
    end_year = serializers.IntegerField(min_value=services.YEARS[0], max_value=services.YEARS[1])


class ProjectListQuerySerializer(serializers.Serializer):
    region = serializers.CharField(required=False, help_text="Region code, e.g. KZ-71.")
    programme = serializers.IntegerField(required=False, min_value=1)
    year = serializers.IntegerField(required=False, min_value=services.YEARS[0], max_value=services.YEARS[1])


class ProjectListApi(generics.ListAPIView):
    permission_classes = [AllowAny, ReadAnyoneWriteAdministrators]
    serializer_class = ProjectSerializer

    def get_queryset(self):
        query = ProjectListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.national_projects(
            region_code=query.validated_data.get("region"),
            programme_id=query.validated_data.get("programme"),
            year=query.validated_data.get("year"),
        )

    @extend_schema(
        summary="National projects (public)",
        parameters=[
            OpenApiParameter("region", str, description="Region code, e.g. KZ-71"),
            OpenApiParameter("programme", int, description="Programme id"),
            OpenApiParameter("year", int, description="Only projects running that year"),
        ],
        responses={200: ProjectSerializer(many=True), **errors(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create a national project (administrators)",
        request=ProjectInputSerializer,
        responses={201: ProjectSerializer, **errors(400, 403)},
    )
    def post(self, request):
        data = ProjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(by=request.user, **data.validated_data)
        shown = selectors.national_project_get(project_id=project.pk)
        return Response(ProjectSerializer(shown).data, status=status.HTTP_201_CREATED)


class ProjectApi(APIView):
    permission_classes = [ReadAnyoneWriteAdministrators]

    @extend_schema(summary="A national project (public)", responses={200: ProjectSerializer, **errors(404)})
    def get(self, request, project_id: int):
        return Response(ProjectSerializer(selectors.national_project_get(project_id=project_id)).data)

    @extend_schema(
        summary="Change a national project (administrators)",
        request=ProjectInputSerializer(partial=True),
        responses={200: ProjectSerializer, **errors(400, 403, 404)},
    )
    def patch(self, request, project_id: int):
        project = selectors.national_project_get_for_editing(user=request.user, project_id=project_id)
        data = ProjectInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.project_update(project=project, by=request.user, **data.validated_data)
        return Response(ProjectSerializer(selectors.national_project_get(project_id=project.pk)).data)

    @extend_schema(
        summary="Delete a national project without vacancies (administrators)",
        responses={204: None, **errors(403, 404, 409)},
    )
    def delete(self, request, project_id: int):
        project = selectors.national_project_get_for_editing(user=request.user, project_id=project_id)
        services.project_delete(project=project, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The regional job creation map -------------------------------------------------------------


class JobFiguresSerializer(serializers.Serializer):
    planned_jobs = serializers.IntegerField(
        help_text="Permanent + temporary jobs planned by the projects active that year."
    )
    planned_permanent_jobs = serializers.IntegerField()
    planned_temporary_jobs = serializers.IntegerField()
    projects = serializers.IntegerField(help_text="Projects active that year (start_year <= year <= end_year).")
    tenders_open = serializers.IntegerField(help_text="Of those, projects whose tender is still open.")
    vacancies = serializers.IntegerField(
        help_text="Vacancies of those projects published that year (any status but draft or rejected)."
    )
    positions = serializers.IntegerField(help_text="Positions of those vacancies.")
    applications = serializers.IntegerField(help_text="Applications to those vacancies.")
    hires = serializers.IntegerField(help_text="Applications to those vacancies that ended in a hire.")


class RegionJobFiguresSerializer(JobFiguresSerializer):
    region = RegionRefSerializer()


class JobCreationMapSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    regions = RegionJobFiguresSerializer(many=True, help_text="All 20 regions, in catalog order, zeros included.")
    totals = JobFiguresSerializer()


class JobCreationMapQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=services.YEARS[0], max_value=services.YEARS[1])


class JobCreationMapApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Regional job creation map: national projects' planned jobs, vacancies and hires per region (public)",
        description=(
            "Figures are grouped by the project's region. Vacancies count when linked to a project active in the "
            "year and published in that year; applications and hires are those of these vacancies."
        ),
        parameters=[OpenApiParameter("year", int, description="Default: the current year")],
        responses={200: JobCreationMapSerializer, **errors(400)},
    )
    def get(self, request):
        query = JobCreationMapQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        return Response(JobCreationMapSerializer(selectors.job_creation_map(year=year)).data)


urlpatterns = [
    path("national-programmes/", ProgrammeListApi.as_view(), name="api-national-programmes"),
    path("national-programmes/<int:programme_id>/", ProgrammeApi.as_view(), name="api-national-programme-detail"),
    path("national-projects/", ProjectListApi.as_view(), name="api-national-projects"),
    path("national-projects/<int:project_id>/", ProjectApi.as_view(), name="api-national-project-detail"),
    path("job-creation-map/", JobCreationMapApi.as_view(), name="api-job-creation-map"),
]
