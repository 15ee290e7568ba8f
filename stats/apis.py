"""API: the public statistics under /api/v1/stats/, the same figures as the pages.

Reading is open to anyone, on purpose (``AllowAny``): the figures are aggregates of the exchange's
own data, published for transparency. Each chart has its own endpoint and its own documented row
shape, generated from ``stats.definitions`` like the page, the CSV and the workbook. Asking for a
refresh and downloading the workbook are for administrators only.

Before the first refresh, ``refreshed_at`` is null and ``rows`` empty.
"""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from exchange.schema import errors
from stats import exports, selectors, services, tables
from stats.definitions import (
    CHARTS,
    EMPLOYMENT_TYPE,
    FAIR,
    HEADLINE,
    HEADLINE_KEY,
    MONEY,
    MONTH,
    OCCUPATION,
    PERCENT,
    REGION,
    Chart,
    Column,
)
from stats.models import StatRefresh

TAGS = ["statistics"]


def _value_field(column: Column) -> serializers.Field:
    help_text = str(column.label)
    if column.kind == PERCENT:
        return serializers.FloatField(allow_null=True, help_text=f"{help_text} (0-100; null when nothing to divide)")
    if column.kind == MONEY:
        return serializers.IntegerField(allow_null=True, help_text=f"{help_text} (null when no data)")
    return serializers.IntegerField(help_text=help_text)


def _ident_fields(rows: str) -> dict:
    if rows == REGION:
        return {
            "code": serializers.CharField(help_text="ISO 3166-2:KZ code of the region, e.g. KZ-71."),
            "name": serializers.CharField(help_text="The region's name in the language of the request."),
        }
    if rows == OCCUPATION:
        return {
            "code": serializers.CharField(help_text="ISCO-08 major group, one digit."),
            "name": serializers.CharField(help_text="The group's title in the language of the request."),
        }
    if rows == EMPLOYMENT_TYPE:
        return {
            "code": serializers.CharField(help_text="Code of the employment type, e.g. full_time."),
            "name": serializers.CharField(help_text="Its name in the language of the request."),
        }
    if rows == MONTH:
        return {"month": serializers.CharField(help_text="YYYY-MM, in the site's time zone (Asia/Almaty).")}
    if rows == FAIR:
        return {
            "fair_id": serializers.IntegerField(),
            "month": serializers.CharField(help_text="YYYY-MM of the fair."),
            "title": serializers.CharField(),
            "status": serializers.CharField(help_text="The fair's status; figures are final once it is 'results'."),
        }
    raise ValueError(rows)


def chart_serializer(chart: Chart) -> type[serializers.Serializer]:
    row = type(
        f"Stats{chart.api_name}Row",
        (serializers.Serializer,),
        {**_ident_fields(chart.rows), **{column.key: _value_field(column) for column in chart.columns}},
    )
    return type(
        f"Stats{chart.api_name}",
        (serializers.Serializer,),
        {
            "chart": serializers.CharField(),
            "title": serializers.CharField(),
            "description": serializers.CharField(),
            "refreshed_at": serializers.DateTimeField(allow_null=True, help_text="When the figures were computed."),
            "year": serializers.IntegerField(allow_null=True, help_text="The year of a yearly chart, else null."),
            "rows": row(many=True),
        },
    )


def _chart_body(chart: Chart, snapshots: selectors.Snapshots) -> dict:
    table = tables.chart_table(chart, snapshots.get(chart.slug))
    return {
        "chart": chart.slug,
        "title": str(chart.title),
        "description": str(chart.description),
        "refreshed_at": snapshots.refreshed_at if table.refreshed else None,
        "year": table.year,
        "rows": tables.api_rows(table),
    }


def chart_api(chart: Chart) -> type[APIView]:
    serializer = chart_serializer(chart)

    class ChartApi(APIView):
        # AllowAny on purpose: public aggregates (see the module docstring).
        permission_classes = [AllowAny]

        @extend_schema(
            summary=f"{chart.title} (public)",
            description=str(chart.description),
            tags=TAGS,
            operation_id=f"stats_{chart.slug.replace('-', '_')}",
            responses={200: serializer},
        )
        def get(self, request):
            snapshots = selectors.snapshots_get(keys=[chart.slug])
            return Response(serializer(_chart_body(chart, snapshots)).data)

    ChartApi.__name__ = ChartApi.__qualname__ = f"Stats{chart.api_name}Api"
    return ChartApi


# --- Headline and index -------------------------------------------------------------------------

HeadlineFigures = type(
    "StatsHeadlineFigures",
    (serializers.Serializer,),
    {column.key: _value_field(column) for column in HEADLINE},
)


class StatsHeadlineSerializer(serializers.Serializer):
    refreshed_at = serializers.DateTimeField(allow_null=True, help_text="When the figures were computed.")
    year = serializers.IntegerField(allow_null=True, help_text="The year of the figures that are of this year.")
    figures = HeadlineFigures(allow_null=True, help_text="Null before the first refresh.")


def _headline_body(snapshots: selectors.Snapshots) -> dict:
    payload = snapshots.get(HEADLINE_KEY)
    if payload is None:
        return {"refreshed_at": None, "year": None, "figures": None}
    return {
        "refreshed_at": snapshots.refreshed_at,
        "year": payload.get("year"),
        "figures": {cell.key: cell.value for cell in tables.headline(payload)},
    }


class HeadlineApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="Headline figures (public)", tags=TAGS, responses={200: StatsHeadlineSerializer})
    def get(self, request):
        return Response(StatsHeadlineSerializer(_headline_body(selectors.snapshots_get(keys=[HEADLINE_KEY]))).data)


class StatsChartLinkSerializer(serializers.Serializer):
    chart = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="This chart's API endpoint.")
    csv_url = serializers.CharField(help_text="The same table as CSV.")


class StatsIndexSerializer(StatsHeadlineSerializer):
    charts = StatsChartLinkSerializer(many=True)


class IndexApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Statistics: headline figures and the list of charts (public)",
        tags=TAGS,
        responses={200: StatsIndexSerializer},
    )
    def get(self, request):
        body = _headline_body(selectors.snapshots_get(keys=[HEADLINE_KEY]))
        body["charts"] = [
            {
                "chart": chart.slug,
                "title": str(chart.title),
                "url": reverse(f"api-stats-{chart.slug}"),
                "csv_url": reverse("stats:chart-csv", args=[chart.slug]),
            }
            for chart in CHARTS
        ]
        return Response(StatsIndexSerializer(body).data)


# --- Refresh (administrators) -------------------------------------------------------------------


class StatsRefreshSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    trigger = serializers.ChoiceField(choices=StatRefresh.Trigger.choices)
    status = serializers.ChoiceField(choices=StatRefresh.Status.choices)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()


class StatsRefreshQueuedSerializer(serializers.Serializer):
    refresh = StatsRefreshSerializer()
    created = serializers.BooleanField(help_text="False when a refresh was already queued or running.")


class RefreshApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The latest statistics refresh (administrators)",
        tags=TAGS,
        responses={200: StatsRefreshSerializer(allow_null=True), **errors(401, 403)},
    )
    def get(self, request):
        selectors.require_stats_admin(request.user)
        latest = selectors.refresh_latest()
        return Response(StatsRefreshSerializer(latest).data if latest else None)

    @extend_schema(
        summary="Refresh the statistics now (administrators)",
        description=(
            "Queues a refresh for the worker and answers 202 at once; poll GET for its status. When one "
            "is already queued or running, answers with that one (created false)."
        ),
        tags=TAGS,
        request=None,
        responses={202: StatsRefreshQueuedSerializer, **errors(401, 403)},
    )
    def post(self, request):
        selectors.require_stats_admin(request.user)
        refresh, created = services.stats_refresh_request(by=request.user)
        return Response(
            StatsRefreshQueuedSerializer({"refresh": refresh, "created": created}).data, status=status.HTTP_202_ACCEPTED
        )


# --- Workbook (administrators) ------------------------------------------------------------------


class ExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="All figures as an Excel workbook (administrators)",
        description=(
            "The same workbook as the statistics page's download: a sheet of headline figures and one sheet "
            "per chart, in the language of the request, as of the last refresh. Sent as an attachment named "
            "statistics-YYYY-MM-DD-HHMM.xlsx after the time of its figures (the time of the request before "
            "the first refresh, when the sheets are empty)."
        ),
        tags=TAGS,
        operation_id="stats_export_xlsx",
        responses={
            (200, exports.CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The workbook (Office Open XML)."
            ),
            **errors(401, 403),
        },
    )
    def get(self, request):
        selectors.require_stats_admin(request.user)
        return exports.workbook_response()

    def perform_content_negotiation(self, request, force=False):
        # The body is the workbook whatever the client accepts (an Accept of the workbook's own
        # type included, which no JSON renderer matches); an error is the API's JSON error body.
        return super().perform_content_negotiation(request, force=True)


urlpatterns = [
    path("", IndexApi.as_view(), name="api-stats"),
    path("headline/", HeadlineApi.as_view(), name="api-stats-headline"),
    path("refresh/", RefreshApi.as_view(), name="api-stats-refresh"),
    path("export.xlsx", ExportApi.as_view(), name="api-stats-export"),
    *(path(f"{chart.slug}/", chart_api(chart).as_view(), name=f"api-stats-{chart.slug}") for chart in CHARTS),
]
