"""API: bulk imports of vacancies from CSV or XLSX, processed by a Celery task.

``POST /api/v1/imports/`` (multipart: ``file``, and ``organization_id`` for staff and
administrators) answers 202 with the queued job; ``GET /api/v1/imports/<id>/`` gives its status,
progress and bad rows. The same selectors and services as the web pages.
"""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from exchange.schema import errors
from vacancies.models import ImportJob
from vacancies.selectors import imports as selectors
from vacancies.services import imports as services


class ImportOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    bin = serializers.CharField()
    legal_name = serializers.CharField()


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="Spreadsheet row number (the header is row 1); null for the whole file."
    )
    column = serializers.CharField(allow_blank=True, help_text="Column name; empty when the row as a whole failed.")
    message = serializers.CharField()


class ImportJobSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = ImportOrganizationSerializer()
    original_name = serializers.CharField()
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    total_rows = serializers.IntegerField(help_text="Non-empty data rows; 0 until the task has read the file.")
    processed_rows = serializers.IntegerField()
    progress_percent = serializers.IntegerField()
    created_count = serializers.IntegerField()
    updated_count = serializers.IntegerField()
    bad_rows = serializers.SerializerMethodField(help_text="How many data rows were refused.")
    page_url = serializers.SerializerMethodField(help_text="The job's status page on the web site.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_bad_rows(self, job) -> int:
        return selectors.import_job_bad_rows(job)

    def get_page_url(self, job) -> str:
        return reverse("vacancies:import-detail", args=[job.pk])


class ImportJobSerializer(ImportJobSummarySerializer):
    errors = ImportRowErrorSerializer(many=True, help_text="Every refused row, column and reason.")


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=".csv or .xlsx, at most 10 MB and 20,000 data rows.")
    organization_id = serializers.IntegerField(
        required=False, min_value=1, help_text="Staff and administrators: the employer imported for."
    )


class ImportListApi(generics.ListAPIView):
    serializer_class = ImportJobSummarySerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        return selectors.import_jobs_for_user(user=self.request.user)

    @extend_schema(
        summary="My imports (employers: my organization's; staff: my region's employers'; administrators: all)",
        responses={200: ImportJobSummarySerializer(many=True), **errors(403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Upload a CSV or XLSX file of vacancies to import",
        description=(
            "Stores the file as a queued import job processed in the background; poll the job for progress. "
            "Rows are upserted by `external_id`: new ones become drafts, existing drafts, rejected, published "
            "and paused vacancies are updated (keeping their status); others are reported as bad rows. "
            "The columns are documented on the web page /vacancies/imports/help/. Checked at once: type, "
            "size and required columns (400 `invalid_file`), at most 3 imports waiting or running per employer "
            "(409 `too_many_imports`). Staff and administrators pass `organization_id` (400 "
            "`organization_required` without it, 404 for an employer outside their region)."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportJobSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request):
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = selectors.organization_get_for_importing(
            user=request.user, organization_id=data.validated_data.get("organization_id")
        )
        job = services.import_job_create(organization=organization, by=request.user, file=data.validated_data["file"])
        location = reverse("api-import-detail", args=[job.pk])
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


class ImportJobApi(APIView):
    @extend_schema(
        summary="An import job: status, progress and bad rows",
        description="Employers see their organization's jobs, staff those of their region's employers (404 otherwise).",
        responses={200: ImportJobSerializer, **errors(403, 404)},
    )
    def get(self, request, job_id: int):
        job = selectors.import_job_get_for_viewing(user=request.user, job_id=job_id)
        return Response(ImportJobSerializer(job).data)


urlpatterns = [
    path("imports/", ImportListApi.as_view(), name="api-imports"),
    path("imports/<int:job_id>/", ImportJobApi.as_view(), name="api-import-detail"),
]
