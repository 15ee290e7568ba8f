"""The fairs API: the public list and detail of fairs, and creating and changing a fair for
administrators and centre staff (regional fairs of their region).

Regions travel as codes ("KZ-71"), the employer of a single-employer fair as its id; times are
ISO 8601 (with an offset; without one they are read as Astana time). Each view fetches through
an access selector and calls one service of ``fairs.services.fairs``, as the web pages do.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from catalog.models import Region
from exchange.pagination import PageNumberPagination
from fairs.models import Fair
from fairs.selectors.access import fair_get_for_managing, fair_get_public
from fairs.selectors.fairs import fair_audience_rules, fair_list, fair_queryset, fairs_require_creator
from fairs.services import fairs as services


class FairRegionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class FairOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="legal_name", read_only=True)


class FairSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=Fair.Kind.choices, read_only=True)
    status = serializers.ChoiceField(choices=Fair.Status.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    region = FairRegionSerializer(read_only=True, allow_null=True)
    organization = FairOrganizationSerializer(read_only=True, allow_null=True)
    audience_regions = FairRegionSerializer(many=True, read_only=True)
    audience = serializers.SerializerMethodField(help_text="The audience rules in words, in the request's language.")

    class Meta:
        model = Fair
        fields = [
            "id",
            "url",
            "title",
            "description",
            "kind",
            "status",
            "status_display",
            "region",
            "organization",
            "max_age",
            "graduates_only",
            "audience_regions",
            "audience",
            "registration_opens_at",
            "starts_at",
            "ends_at",
            "results_at",
            "month",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_url(self, fair) -> str:
        request = self.context.get("request")
        url = fair.get_absolute_url()
        return request.build_absolute_uri(url) if request else url

    def get_audience(self, fair) -> list[str]:
        return fair_audience_rules(fair)


def _region_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), **kwargs)


class FairWriteSerializer(serializers.Serializer):
    """The organizer's fields. Business rules (date order, who organizes what, the audience
    frozen once registration opens) are checked by the service: 400/403/409 with field messages."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Fair.Kind.choices, help_text="national, regional or employer")
    region = _region_field(required=False, allow_null=True, help_text="Regional fairs: the organizing region, KZ-71")
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, help_text="Single-employer fairs"
    )
    max_age = serializers.IntegerField(required=False, allow_null=True, help_text="Seekers under this age")
    graduates_only = serializers.BooleanField(required=False)
    audience_regions = _region_field(many=True, required=False, help_text="Region codes; none = the whole country")
    registration_opens_at = serializers.DateTimeField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    results_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: a week after the end")


class FairFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Fair.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=Fair.Kind.choices, required=False)


def _errors(*statuses: int) -> dict:
    descriptions = {
        400: "Invalid input: field messages in error.fields",
        403: "Not allowed: not an organizer, or staff outside their region (not_allowed, with the field)",
        404: "No such fair",
        409: "fair_field_frozen (the status reached fixes it) or fair_month_taken (one national fair a month)",
    }
    return {code: OpenApiResponse(description=descriptions[code]) for code in statuses}


def _fair_response(request, fair: Fair, status_code: int = status.HTTP_200_OK) -> Response:
    fresh = fair_queryset().get(pk=fair.pk)
    return Response(FairSerializer(fresh, context={"request": request}).data, status=status_code)


class FairListApi(APIView):
    """Every fair (public); administrators and centre staff create them."""

    pagination_class = PageNumberPagination

    def get_permissions(self):
        # The fair calendar is public on purpose: anyone may find a fair and its dates.
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="fairs_list",
        summary="Job fairs, newest start first",
        parameters=[
            OpenApiParameter("status", str, enum=Fair.Status.values, description="Only this status"),
            OpenApiParameter("kind", str, enum=Fair.Kind.values, description="Only this kind"),
        ],
        responses={200: FairSerializer(many=True), **_errors(400)},
    )
    def get(self, request):
        filters = FairFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = fair_list(**filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(FairSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="fairs_create",
        summary="Schedule a fair (administrators; centre staff: regional fairs of their region)",
        request=FairWriteSerializer,
        responses={201: FairSerializer, **_errors(400, 403, 409)},
    )
    def post(self, request):
        fairs_require_creator(user=request.user)
        serializer = FairWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fair = services.fair_create(by=request.user, **serializer.validated_data)
        return _fair_response(request, fair, status.HTTP_201_CREATED)


class FairDetailApi(APIView):
    """One fair: anyone reads it; its organizers change it."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(operation_id="fairs_retrieve", summary="A job fair", responses={200: FairSerializer, **_errors(404)})
    def get(self, request, fair_id: int):
        fair = fair_get_public(fair_id=fair_id)
        prefetch_related_objects([fair], "audience_regions")
        return Response(FairSerializer(fair, context={"request": request}).data)

    @extend_schema(
        operation_id="fairs_partial_update",
        summary="Change a fair (only the fields sent)",
        request=FairWriteSerializer,
        responses={200: FairSerializer, **_errors(400, 403, 404, 409)},
    )
    def patch(self, request, fair_id: int):
        fair = fair_get_for_managing(user=request.user, fair_id=fair_id)
        serializer = FairWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fair = services.fair_update(fair=fair, by=request.user, **serializer.validated_data)
        return _fair_response(request, fair)


urlpatterns = [
    path("fairs/", FairListApi.as_view(), name="fairs-api-list"),
    path("fairs/<int:fair_id>/", FairDetailApi.as_view(), name="fairs-api-detail"),
]
