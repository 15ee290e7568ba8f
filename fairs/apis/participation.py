"""API: the employers' side of a fair (taking part, fair vacancies, interview slots, screening,
hiring, booking candidates) and the managers' decisions on employers.

Thin: each endpoint parses its input, fetches objects through the access selectors and calls one
service of ``fairs.services.participation``, the same ones the web pages call. Errors come out in
the documented body ``{"error": {"code", "message", "fields"}}`` (``exchange.errors``).
"""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from exchange.schema import errors
from fairs.apis import seekers as seekers_apis
from fairs.models import FairApplication, FairVacancy, InterviewSlot, Participation, SlotBooking
from fairs.selectors import participation as selectors
from fairs.selectors.access import (
    can_manage_fair,
    employer_organization,
    fair_application_get_for_employer,
    fair_get_public,
    fair_vacancy_get_for_employer,
    participation_get_for_deciding,
    participation_get_for_employer,
    slot_get_for_employer,
)
from fairs.services import participation as services
from vacancies.models import Application

# --- Serializers --------------------------------------------------------------------------------


class ParticipationOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    region = serializers.CharField(source="region.code", help_text="Region code")


class ParticipationSerializer(serializers.Serializer):
    """An employer's participation in a fair, with what it offers there."""

    id = serializers.IntegerField()
    fair = serializers.IntegerField(source="fair_id")
    fair_title = serializers.CharField(source="fair.title")
    organization = ParticipationOrganizationSerializer()
    status = serializers.ChoiceField(choices=Participation.Status.choices)
    note = serializers.CharField()
    decline_reason = serializers.CharField()
    applied_at = serializers.DateTimeField(source="created_at")
    decided_at = serializers.DateTimeField(allow_null=True)
    vacancies_count = serializers.IntegerField()
    positions_offered = serializers.IntegerField()
    positions_filled = serializers.IntegerField(help_text="Hired at the fair so far.")
    slots_count = serializers.IntegerField()
    applications_count = serializers.IntegerField()


class ParticipationApplyInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="A message to the organizers.")


class ParticipationDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true approves, false declines (a reason is then required).")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class FairOfferVacancySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    positions = serializers.IntegerField()
    positions_filled = serializers.IntegerField()


class FairVacancyOfferSerializer(serializers.Serializer):
    """A vacancy offered at the fair, as its employer manages it."""

    id = serializers.IntegerField()
    participation = serializers.IntegerField(source="participation_id")
    vacancy = FairOfferVacancySerializer()
    positions_offered = serializers.IntegerField()
    positions_filled = serializers.IntegerField(help_text="Hired at the fair.")
    positions_left = serializers.IntegerField()
    screening_questions = serializers.ListField(child=serializers.CharField())
    applications_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class FairVacancyCreateInputSerializer(serializers.Serializer):
    vacancy = serializers.IntegerField(min_value=1, help_text="One of the organization's published vacancies.")
    positions_offered = serializers.IntegerField(
        help_text="1 to the vacancy's positions not yet filled: the most hired through the fair."
    )
    screening_questions = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        default=list,
        help_text="At most 5 questions of 1-300 characters; seekers answer them when applying.",
    )


class FairVacancyUpdateInputSerializer(serializers.Serializer):
    positions_offered = serializers.IntegerField(required=False)
    screening_questions = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False
    )


class EmployerSlotBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.IntegerField(source="slot_id")
    fair_application = serializers.IntegerField(source="fair_application_id", allow_null=True)
    seeker_name = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=SlotBooking.Status.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    booked_at = serializers.DateTimeField(source="created_at")

    def get_seeker_name(self, booking) -> str:
        return booking.seeker.get_full_name() if booking.seeker_id else ""


class InterviewSlotSerializer(serializers.Serializer):
    """An interview slot as its employer sees it, with the candidates booked."""

    id = serializers.IntegerField()
    participation = serializers.IntegerField(source="participation_id")
    fair_vacancy = serializers.IntegerField(source="fair_vacancy_id", allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    duration_minutes = serializers.SerializerMethodField()
    meeting_link = serializers.CharField()
    capacity = serializers.IntegerField()
    booked = serializers.IntegerField()
    places_left = serializers.IntegerField()
    bookings = EmployerSlotBookingSerializer(many=True, source="booked_list")

    def get_duration_minutes(self, slot) -> int:
        return int((slot.ends_at - slot.starts_at).total_seconds() // 60)


class SlotCreateInputSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="Between the fair's start and its results; in the future.")
    duration_minutes = serializers.IntegerField(help_text="10 to 240.")
    meeting_link = serializers.CharField(help_text="An http(s) link to the online meeting.")
    capacity = serializers.IntegerField(default=1, help_text="1 for one-to-one, up to 500 for a group.")
    fair_vacancy = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="One of this participation's fair vacancies."
    )


class FairCandidateSummarySerializer(serializers.Serializer):
    full_name = serializers.CharField()
    headline = serializers.CharField()
    region = serializers.CharField(allow_null=True, help_text="Region code")
    age = serializers.IntegerField(allow_null=True)


class ScreeningAnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField()


class ScreeningBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.IntegerField(source="slot_id")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class ScreeningApplicationSerializer(serializers.Serializer):
    """A fair application as the employer screens it."""

    id = serializers.IntegerField()
    application = serializers.IntegerField(
        source="application_id", help_text="The vacancies application: GET /api/v1/applications/{id}/ opens the CV."
    )
    fair_vacancy = serializers.IntegerField(source="fair_vacancy_id")
    vacancy_title = serializers.CharField(source="fair_vacancy.vacancy.title")
    status = serializers.ChoiceField(choices=Application.Status.choices, source="application.status")
    candidate = serializers.SerializerMethodField()
    cover_letter = serializers.CharField(source="application.cover_letter")
    answers = ScreeningAnswerSerializer(many=True)
    bookings = ScreeningBookingSerializer(many=True, source="booked_list")
    cv_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(FairCandidateSummarySerializer)
    def get_candidate(self, fair_application):
        snapshot = fair_application.application.cv_snapshot or {}
        return {
            "full_name": snapshot.get("full_name", ""),
            "headline": snapshot.get("headline", ""),
            "region": (snapshot.get("region") or {}).get("code"),
            "age": snapshot.get("age"),
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_cv_url(self, fair_application) -> str:
        return reverse("application-detail", args=[fair_application.application_id])


class SlotBookingInputSerializer(serializers.Serializer):
    fair_application = serializers.IntegerField(min_value=1, help_text="A fair application to this employer.")


# --- Participations -----------------------------------------------------------------------------


def _participation_detail(participation: Participation) -> dict:
    """A participation a service returned, re-read with its counts."""
    return ParticipationSerializer(selectors.participation_with_counts(participation_id=participation.pk)).data


class ParticipationStatusQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Participation.Status.choices, required=False)


class FairParticipationsApi(generics.ListAPIView):
    serializer_class = ParticipationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Participation.objects.none()
        query = ParticipationStatusQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        fair = fair_get_public(fair_id=self.kwargs["fair_id"])
        queryset = selectors.participations_for_fair(fair=fair, status=query.validated_data.get("status"))
        if can_manage_fair(self.request.user, fair):
            return queryset
        return queryset.filter(organization=employer_organization(self.request.user))

    @extend_schema(
        summary="Employers of a fair (its managers: all; an employer: its own participation)",
        parameters=[OpenApiParameter("status", str, enum=Participation.Status.values, description="Only this state")],
        responses={200: ParticipationSerializer(many=True), **errors(400, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Apply to take part in a fair (members of a verified organization)",
        description=(
            "The organizers (administrators; centre staff of the region for a regional fair) approve or "
            "decline. Refused with `organization_not_verified` or `single_employer_fair` (403), "
            "`already_participating`, `participation_declined` or `fair_closed` (409)."
        ),
        request=ParticipationApplyInputSerializer,
        responses={201: ParticipationSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, fair_id: int):
        data = ParticipationApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fair = fair_get_public(fair_id=fair_id)
        participation = services.participation_apply(
            fair=fair, organization=employer_organization(request.user), by=request.user, **data.validated_data
        )
        return Response(_participation_detail(participation), status=status.HTTP_201_CREATED)


class ParticipationApi(APIView):
    @extend_schema(
        summary="One participation (members of the organization and the fair's managers)",
        responses={200: ParticipationSerializer, **errors(403, 404)},
    )
    def get(self, request, participation_id: int):
        participation = selectors.participation_get_for_viewing(user=request.user, participation_id=participation_id)
        return Response(
            ParticipationSerializer(selectors.participation_with_counts(participation_id=participation.pk)).data
        )


class ParticipationWithdrawApi(APIView):
    @extend_schema(
        summary="Withdraw from a fair (members of the organization; before the fair goes live)",
        request=None,
        responses={200: ParticipationSerializer, **errors(403, 404, 409)},
    )
    def post(self, request, participation_id: int):
        participation = participation_get_for_employer(user=request.user, participation_id=participation_id)
        services.participation_withdraw(participation=participation, by=request.user)
        return Response(
            ParticipationSerializer(selectors.participation_with_counts(participation_id=participation.pk)).data
        )


class ParticipationDecisionApi(APIView):
    @extend_schema(
        summary="Approve or decline an employer (the fair's managers)",
        description=(
            "Administrators decide on every fair, centre staff on the regional fairs of their region. "
            "Declining needs a `reason` (400 `reason_required`); the employer's members are notified. "
            "409 `participation_decided` once answered, `fair_closed` after the fair."
        ),
        request=ParticipationDecisionInputSerializer,
        responses={200: ParticipationSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, participation_id: int):
        data = ParticipationDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participation = participation_get_for_deciding(user=request.user, participation_id=participation_id)
        services.participation_decide(participation=participation, by=request.user, **data.validated_data)
        return Response(
            ParticipationSerializer(selectors.participation_with_counts(participation_id=participation.pk)).data
        )


# --- Fair vacancies -----------------------------------------------------------------------------


def _fair_vacancy_detail(fair_vacancy: FairVacancy) -> dict:
    row = selectors.fair_vacancies_of_participation(participation=fair_vacancy.participation).get(pk=fair_vacancy.pk)
    return FairVacancyOfferSerializer(row).data


class ParticipationVacanciesApi(generics.ListAPIView):
    serializer_class = FairVacancyOfferSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FairVacancy.objects.none()
        participation = selectors.participation_get_for_viewing(
            user=self.request.user, participation_id=self.kwargs["participation_id"]
        )
        return selectors.fair_vacancies_of_participation(participation=participation)

    @extend_schema(
        summary="Vacancies an employer offers at the fair (its members and the fair's managers)",
        responses={200: FairVacancyOfferSerializer(many=True), **errors(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Offer a vacancy at the fair (members of an approved participation)",
        description=(
            "Only the organization's own published vacancies (400 `vacancy_not_eligible`), with "
            "`positions_offered` from 1 to the vacancy's positions not yet filled and at most 5 screening "
            "questions of 1-300 characters (400 `invalid`). 409 `participation_not_approved`, "
            "`fair_closed`, or `fair_vacancy_exists` when the vacancy is already offered."
        ),
        request=FairVacancyCreateInputSerializer,
        responses={201: FairVacancyOfferSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, participation_id: int):
        data = FairVacancyCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participation = participation_get_for_employer(user=request.user, participation_id=participation_id)
        vacancy = selectors.vacancy_get_for_fair_offer(
            participation=participation, vacancy_id=data.validated_data["vacancy"]
        )
        fair_vacancy = services.fair_vacancy_add(
            participation=participation,
            vacancy=vacancy,
            positions_offered=data.validated_data["positions_offered"],
            screening_questions=data.validated_data["screening_questions"],
            by=request.user,
        )
        return Response(_fair_vacancy_detail(fair_vacancy), status=status.HTTP_201_CREATED)


class FairVacancyManageApi(seekers_apis.FairVacancyApi):
    """``/api/v1/fairs/fair-vacancies/<id>/``: the public read (the seekers' view, inherited) and its
    employer's changes here. One URL is one view: the first pattern that matches takes every
    method, so the two areas' methods share this class."""

    def get_permissions(self):
        if self.request is not None and self.request.method in ("PATCH", "DELETE"):
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        summary="Change a fair vacancy's positions offered or screening questions (its employer)",
        description="Positions cannot go below those already hired at the fair (400 `invalid`).",
        request=FairVacancyUpdateInputSerializer,
        responses={200: FairVacancyOfferSerializer, **errors(400, 403, 404, 409)},
    )
    def patch(self, request, fair_vacancy_id: int):
        data = FairVacancyUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fair_vacancy = fair_vacancy_get_for_employer(user=request.user, fair_vacancy_id=fair_vacancy_id)
        services.fair_vacancy_update(fair_vacancy=fair_vacancy, by=request.user, **data.validated_data)
        return Response(_fair_vacancy_detail(fair_vacancy))

    @extend_schema(
        summary="Take a vacancy off the fair (its employer)",
        description=(
            "409 `fair_vacancy_has_applications` once seekers applied to it at the fair, "
            "`slot_has_bookings` while one of its slots has bookings."
        ),
        request=None,
        responses={204: None, **errors(403, 404, 409)},
    )
    def delete(self, request, fair_vacancy_id: int):
        fair_vacancy = fair_vacancy_get_for_employer(user=request.user, fair_vacancy_id=fair_vacancy_id)
        services.fair_vacancy_remove(fair_vacancy=fair_vacancy, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Interview slots ----------------------------------------------------------------------------


class ParticipationSlotsApi(generics.ListAPIView):
    serializer_class = InterviewSlotSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InterviewSlot.objects.none()
        participation = participation_get_for_employer(
            user=self.request.user, participation_id=self.kwargs["participation_id"]
        )
        return selectors.slots_of_participation(participation=participation)

    @extend_schema(
        summary="An employer's interview slots at the fair, with the candidates booked (its members)",
        responses={200: InterviewSlotSerializer(many=True), **errors(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Publish an interview slot (members of an approved participation)",
        description=(
            "Starts in the future between the fair's start and its results; 10-240 minutes; an http(s) "
            "meeting link; capacity 1-500; optionally for one of the participation's fair vacancies "
            "(400 `invalid` naming the field). 409 `participation_not_approved`, or `fair_finished` once "
            "the results are published (interviews go on through the hiring week after the fair)."
        ),
        request=SlotCreateInputSerializer,
        responses={201: InterviewSlotSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, participation_id: int):
        data = SlotCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participation = participation_get_for_employer(user=request.user, participation_id=participation_id)
        fair_vacancy_id = data.validated_data.pop("fair_vacancy")
        fair_vacancy = None
        if fair_vacancy_id is not None:
            fair_vacancy = fair_vacancy_get_for_employer(user=request.user, fair_vacancy_id=fair_vacancy_id)
        slot = services.slot_create(
            participation=participation, fair_vacancy=fair_vacancy, by=request.user, **data.validated_data
        )
        row = selectors.slots_of_participation(participation=participation).get(pk=slot.pk)
        return Response(InterviewSlotSerializer(row).data, status=status.HTTP_201_CREATED)


class SlotManageApi(APIView):
    @extend_schema(
        summary="Delete an interview slot nobody booked (its employer)",
        description="409 `slot_has_bookings`: cancel the bookings first.",
        request=None,
        responses={204: None, **errors(403, 404, 409)},
    )
    def delete(self, request, slot_id: int):
        slot = slot_get_for_employer(user=request.user, slot_id=slot_id)
        services.slot_delete(slot=slot, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SlotBookingsApi(APIView):
    @extend_schema(
        summary="Book a candidate who applied at the fair into an interview slot (the employer)",
        description=(
            "The candidate must have a fair application to this employer (403 `application_required`) "
            "and be registered; the slot not started (409 `slot_started`), not full (409 `slot_full`), not "
            "overlapping the candidate's other bookings (409 `slot_overlaps`); 409 `already_booked`, "
            "`booking_closed`. The application moves to `interview` and the seeker is told."
        ),
        request=SlotBookingInputSerializer,
        responses={201: EmployerSlotBookingSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, slot_id: int):
        data = SlotBookingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = slot_get_for_employer(user=request.user, slot_id=slot_id)
        fair_application = fair_application_get_for_employer(
            user=request.user, fair_application_id=data.validated_data["fair_application"]
        )
        booking = services.fair_application_book(fair_application=fair_application, slot=slot, by=request.user)
        return Response(EmployerSlotBookingSerializer(booking).data, status=status.HTTP_201_CREATED)


# --- Screening and hiring -----------------------------------------------------------------------


class ScreeningQuerySerializer(serializers.Serializer):
    fair_vacancy = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=Application.Status.choices, required=False)


class ParticipationApplicationsApi(generics.ListAPIView):
    serializer_class = ScreeningApplicationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FairApplication.objects.none()
        query = ScreeningQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        participation = participation_get_for_employer(
            user=self.request.user, participation_id=self.kwargs["participation_id"]
        )
        return selectors.fair_applications_for_participation(
            participation=participation,
            fair_vacancy_id=query.validated_data.get("fair_vacancy"),
            status=query.validated_data.get("status"),
        )

    @extend_schema(
        summary="Fair applications to an employer's vacancies, with the screening answers (its members)",
        parameters=[
            OpenApiParameter("fair_vacancy", int, description="Only this fair vacancy"),
            OpenApiParameter("status", str, enum=Application.Status.values, description="Only this state"),
        ],
        responses={200: ScreeningApplicationSerializer(many=True), **errors(400, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class FairApplicationHireApi(APIView):
    @extend_schema(
        summary="Hire a candidate who applied at the fair (the employer)",
        description=(
            "Takes one of the positions offered at the fair (and one of the vacancy's). Safe under "
            "concurrency: 409 `fair_positions_filled` once every position offered at the fair is taken. "
            "Allowed while the fair is live and after it closes until the results are published (409 "
            "`fair_not_live`, `fair_results_published`); 409 `invalid_transition` for a candidate already "
            "hired, rejected or withdrawn."
        ),
        request=None,
        responses={200: ScreeningApplicationSerializer, **errors(403, 404, 409)},
    )
    def post(self, request, fair_application_id: int):
        fair_application = fair_application_get_for_employer(user=request.user, fair_application_id=fair_application_id)
        services.fair_application_hire(fair_application=fair_application, by=request.user)
        row = selectors.fair_application_for_display(fair_application_id=fair_application.pk)
        return Response(ScreeningApplicationSerializer(row).data)


urlpatterns = [
    path("fairs/<int:fair_id>/participations/", FairParticipationsApi.as_view(), name="fairs-api-participations"),
    path("fairs/participations/<int:participation_id>/", ParticipationApi.as_view(), name="fairs-api-participation"),
    path(
        "fairs/participations/<int:participation_id>/withdraw/",
        ParticipationWithdrawApi.as_view(),
        name="fairs-api-participation-withdraw",
    ),
    path(
        "fairs/participations/<int:participation_id>/decision/",
        ParticipationDecisionApi.as_view(),
        name="fairs-api-participation-decision",
    ),
    path(
        "fairs/participations/<int:participation_id>/vacancies/",
        ParticipationVacanciesApi.as_view(),
        name="fairs-api-participation-vacancies",
    ),
    path(
        "fairs/participations/<int:participation_id>/slots/",
        ParticipationSlotsApi.as_view(),
        name="fairs-api-participation-slots",
    ),
    path(
        "fairs/participations/<int:participation_id>/applications/",
        ParticipationApplicationsApi.as_view(),
        name="fairs-api-participation-applications",
    ),
    path(
        "fairs/fair-vacancies/<int:fair_vacancy_id>/",
        FairVacancyManageApi.as_view(),
        name="fairs-api-fair-vacancy",
    ),
    path("fairs/slots/<int:slot_id>/", SlotManageApi.as_view(), name="fairs-api-slot"),
    path("fairs/slots/<int:slot_id>/bookings/", SlotBookingsApi.as_view(), name="fairs-api-slot-bookings"),
    path(
        "fairs/applications/<int:fair_application_id>/hire/",
        FairApplicationHireApi.as_view(),
        name="fairs-api-fair-application-hire",
    ),
]
