"""API: fair counters, results and the month-by-month history.

Public on purpose (``AllowAny``): the figures are aggregates, with no personal data; the only
names are those of employers, whose pages are public. Thin, like the pages: the selectors of
``fairs.selectors.results`` compute, the serializers document the shape.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from exchange.schema import errors
from fairs.models import Fair
from fairs.selectors import results as selectors
from fairs.selectors.access import fair_get_public


class FairCountersSerializer(serializers.Serializer):
    fair_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Fair.Status.choices)
    live = serializers.BooleanField(help_text="True while the fair is live: the counters move.")
    employers = serializers.IntegerField(help_text="Employers taking part (approved).")
    positions_offered = serializers.IntegerField(help_text="Positions offered at the fair by those employers.")
    registered = serializers.IntegerField(help_text="Job seekers registered for the fair.")
    applications = serializers.IntegerField(help_text="Applications made at the fair.")
    interviews = serializers.IntegerField(help_text="Interview places booked (not cancelled).")
    hired = serializers.IntegerField(help_text="People hired at the fair.")


class FairTotalsSerializer(serializers.Serializer):
    employers = serializers.IntegerField()
    positions_offered = serializers.IntegerField()
    registered = serializers.IntegerField()
    applications = serializers.IntegerField()
    interviews = serializers.IntegerField()
    hired = serializers.IntegerField()
    youth_hired = serializers.IntegerField(help_text="Young people (under 35 when they applied) among the hired.")
    youth_share = serializers.FloatField(
        allow_null=True, help_text="youth_hired as a fraction of the people hired (0.25 = 25 %); null if nobody was."
    )


class FairRegionResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='ISO 3166-2:KZ code of the seeker\'s region; "" when not known.')
    name = serializers.CharField(help_text="In the language of the request.")
    registered = serializers.IntegerField()
    applications = serializers.IntegerField()
    hired = serializers.IntegerField()
    youth_hired = serializers.IntegerField()


class FairEmployerResultSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    name = serializers.CharField()
    positions_offered = serializers.IntegerField()
    applications = serializers.IntegerField()
    hired = serializers.IntegerField()


class FairOccupationResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISCO-08 unit group of the vacancies.")
    title = serializers.CharField(help_text="In the language of the request (English when not translated).")
    major_code = serializers.CharField(help_text="ISCO-08 major group (first digit).")
    major_title = serializers.CharField()
    positions_offered = serializers.IntegerField()
    applications = serializers.IntegerField()
    hired = serializers.IntegerField()


class FairResultsSerializer(serializers.Serializer):
    fair_id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Fair.Status.choices)
    provisional = serializers.BooleanField(
        help_text="True until the results are published: the figures are live and may still change."
    )
    computed_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    totals = FairTotalsSerializer()
    by_region = FairRegionResultSerializer(many=True, help_text="By the seeker's region when applying.")
    by_employer = FairEmployerResultSerializer(many=True)
    by_occupation = FairOccupationResultSerializer(many=True)


class FairHistoryRowSerializer(serializers.Serializer):
    fair_id = serializers.IntegerField()
    title = serializers.CharField()
    month = serializers.DateField(help_text="First day of the fair's month.")
    status = serializers.ChoiceField(choices=Fair.Status.choices)
    provisional = serializers.SerializerMethodField(help_text="True for a fair still running or in its hiring week.")
    employers = serializers.IntegerField()
    positions_offered = serializers.IntegerField()
    registered = serializers.IntegerField()
    applications = serializers.IntegerField()
    hired = serializers.IntegerField()
    youth_hired = serializers.IntegerField()
    youth_share = serializers.FloatField(allow_null=True)

    def get_provisional(self, row) -> bool:
        return row["status"] != Fair.Status.RESULTS


class FairCountersApi(APIView):
    # AllowAny on purpose: the counters are public figures, shown on the public fair page.
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Live counters of a fair (public)",
        description="Cached for a few seconds. The fair page polls this every 15 seconds while the fair is live.",
        responses={200: FairCountersSerializer, **errors(404)},
    )
    def get(self, request, fair_id: int):
        fair = fair_get_public(fair_id=fair_id)
        counters = selectors.fair_counters(fair=fair)
        return Response(
            FairCountersSerializer({"fair_id": fair.pk, "status": fair.status, "live": fair.is_live, **counters}).data
        )


class FairResultsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Results of a fair: totals, by region, by employer, by occupation (public)",
        description=(
            "Once the fair's results are published these are the frozen figures; before that the live "
            "figures, with provisional true. Aggregates only: no person is ever listed."
        ),
        responses={200: FairResultsSerializer, **errors(404)},
    )
    def get(self, request, fair_id: int):
        fair = fair_get_public(fair_id=fair_id)
        results = selectors.fair_results_display(selectors.fair_results(fair=fair))
        return Response(
            FairResultsSerializer(
                {
                    **results,
                    "fair_id": fair.pk,
                    "title": fair.title,
                    "status": fair.status,
                    "published_at": results.get("published_at"),
                }
            ).data
        )


class FairHistoryApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Every fair month by month (public)",
        description=(
            "One row per fair with published results, oldest first, plus the fair running now or in its "
            "hiring week (provisional). Not paginated: about a dozen rows a year."
        ),
        responses={200: FairHistoryRowSerializer(many=True)},
    )
    def get(self, request):
        return Response(FairHistoryRowSerializer(selectors.fairs_history(), many=True).data)


urlpatterns = [
    path("fairs/history/", FairHistoryApi.as_view(), name="fairs-api-history"),
    path("fairs/<int:fair_id>/counters/", FairCountersApi.as_view(), name="fairs-api-counters"),
    path("fairs/<int:fair_id>/results/", FairResultsApi.as_view(), name="fairs-api-results"),
]
