"""API: referrals by employment-centre staff, and the regions' yearly referral quotas.

Thin, like ``vacancies.apis.applications``: access selectors of ``vacancies.selectors.referrals``,
one service of ``vacancies.services.referrals`` per write.
"""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from vacancies.apis.applications import ApplicationVacancySerializer, errors
from vacancies.models import Referral
from vacancies.selectors import referrals as selectors
from vacancies.services import referrals as services


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    application_status = serializers.CharField(source="application.status")
    vacancy = ApplicationVacancySerializer(source="application.vacancy")
    seeker_id = serializers.IntegerField(source="application.seeker_id", allow_null=True)
    seeker_name = serializers.SerializerMethodField()
    centre = serializers.CharField(source="centre.name")
    region = serializers.CharField(source="region.code")
    staff_name = serializers.SerializerMethodField()
    reply_deadline = serializers.DateField()
    outcome = serializers.CharField()
    is_overdue = serializers.SerializerMethodField(
        help_text="The employer has not answered by the deadline (still submitted or viewed)."
    )
    created_at = serializers.DateTimeField()

    def get_seeker_name(self, referral) -> str:
        seeker = referral.application.seeker
        return seeker.get_full_name() if seeker else ""

    def get_staff_name(self, referral) -> str:
        return referral.staff.get_full_name() if referral.staff else ""

    def get_is_overdue(self, referral) -> bool:
        annotated = getattr(referral, "is_overdue", None)
        return selectors.referral_is_overdue(referral) if annotated is None else annotated


class ReferralInputSerializer(serializers.Serializer):
    vacancy = serializers.IntegerField(min_value=1)
    seeker = serializers.IntegerField(min_value=1, help_text="The job seeker's user id.")


class ReferralCreateApi(APIView):
    @extend_schema(
        summary="Refer a job seeker to a vacancy of my region (employment-centre staff)",
        description=(
            "Creates an application with source `referral` and the referral, with an employer reply "
            "deadline of 5 working days (Monday to Friday; public holidays are not counted out). The "
            "region's yearly quota is enforced: 400 `no_referral_quota` when none is set, 409 "
            "`referral_limit_reached` when it is used up. A vacancy or seeker outside the caller's region "
            "answers 404."
        ),
        request=ReferralInputSerializer,
        responses={201: ReferralSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request):
        data = ReferralInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vacancy = selectors.vacancy_get_for_referring(user=request.user, vacancy_id=data.validated_data["vacancy"])
        seeker = selectors.seeker_get_for_referring(user=request.user, seeker_id=data.validated_data["seeker"])
        referral = services.referral_create(staff=request.user, vacancy=vacancy, seeker=seeker)
        shown = selectors.referrals_for_staff(user=request.user).get(pk=referral.pk)
        return Response(ReferralSerializer(shown).data, status=status.HTTP_201_CREATED)


class StaffReferralsQuerySerializer(serializers.Serializer):
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)


class StaffReferralsApi(generics.ListAPIView):
    serializer_class = ReferralSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view's model
            return Referral.objects.none()
        query = StaffReferralsQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.referrals_for_staff(user=self.request.user, overdue=query.validated_data["overdue"])

    @extend_schema(
        summary="Referrals of my region (staff; administrators see every region)",
        parameters=[OpenApiParameter("overdue", bool, description="true: only overdue ones; false: only the others")],
        responses={200: ReferralSerializer(many=True), **errors(400, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ReferralSeekerSerializer(serializers.Serializer):
    seeker_id = serializers.IntegerField(source="user_id")
    full_name = serializers.CharField(source="user.get_full_name")
    email = serializers.EmailField(source="user.email")
    iin = serializers.CharField(allow_null=True, help_text="In full: staff see the IIN.")
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    has_consent = serializers.BooleanField(help_text="Without consent a seeker cannot be referred.")


class ReferralSeekersApi(APIView):
    @extend_schema(
        summary="Find job seekers of my region by name, e-mail or IIN, to refer them (staff)",
        parameters=[OpenApiParameter("q", str, required=True, description="Part of a name or e-mail, or IIN digits")],
        responses={200: ReferralSeekerSerializer(many=True), **errors(403)},
    )
    def get(self, request):
        found = selectors.referral_seekers_search(user=request.user, q=request.query_params.get("q", ""))
        return Response(ReferralSeekerSerializer(found, many=True).data)


# --- Quotas -----------------------------------------------------------------------------------


class ReferralQuotaUsageSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code")
    year = serializers.IntegerField()
    limit = serializers.IntegerField(allow_null=True, help_text="Null: no quota set, so no referrals possible.")
    used = serializers.IntegerField(help_text="Referrals issued this year.")
    remaining = serializers.IntegerField(allow_null=True)
    hired = serializers.IntegerField()
    not_hired = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()


class ReferralQuotaListQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=services.QUOTA_YEARS[0], max_value=services.QUOTA_YEARS[1], required=False
    )


class ReferralQuotaListApi(APIView):
    @extend_schema(
        summary="Referral quotas and their use, per region (staff: their region; administrators: all)",
        parameters=[OpenApiParameter("year", int, description="Default: the current year")],
        responses={200: ReferralQuotaUsageSerializer(many=True), **errors(400, 403)},
    )
    def get(self, request):
        query = ReferralQuotaListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        return Response(
            ReferralQuotaUsageSerializer(selectors.referral_quota_usage(user=request.user, year=year), many=True).data
        )


class ReferralQuotaInputSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=0, max_value=10_000_000)


class ReferralQuotaApi(APIView):
    @extend_schema(
        summary="A region's referral quota for a year, with its use",
        responses={200: ReferralQuotaUsageSerializer, **errors(403, 404)},
    )
    def get(self, request, region_code: str, year: int):
        region = selectors.region_get_for_quota(user=request.user, region_code=region_code)
        row = selectors.referral_quota_usage(user=request.user, year=year, region=region)[0]
        if row["limit"] is None:
            raise NotFound(_("No referral limit is set for this region and year."))
        return Response(ReferralQuotaUsageSerializer(row).data)

    @extend_schema(
        summary="Set a region's referral limit for a year (administrators)",
        description="Creates the quota or changes its limit. A limit below the referrals already issued: 400.",
        request=ReferralQuotaInputSerializer,
        responses={200: ReferralQuotaUsageSerializer, **errors(400, 403, 404)},
    )
    def put(self, request, region_code: str, year: int):
        data = ReferralQuotaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        region = selectors.region_get_for_quota(user=request.user, region_code=region_code)
        services.referral_quota_set(region=region, year=year, limit=data.validated_data["limit"], by=request.user)
        row = selectors.referral_quota_usage(user=request.user, year=year, region=region)[0]
        return Response(ReferralQuotaUsageSerializer(row).data)


urlpatterns = [
    path("referrals/", ReferralCreateApi.as_view(), name="referral-create"),
    path("referrals/seekers/", ReferralSeekersApi.as_view(), name="referral-seekers"),
    path("staff/referrals/", StaffReferralsApi.as_view(), name="staff-referrals"),
    path("staff/referral-quotas/", ReferralQuotaListApi.as_view(), name="referral-quotas"),
    path("staff/referral-quotas/<str:region_code>/<int:year>/", ReferralQuotaApi.as_view(), name="referral-quota"),
]
