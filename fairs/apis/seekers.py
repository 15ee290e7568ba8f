"""API of the seekers' side of a fair: registration, the fair's vacancies, applying, interview
slots, booking and cancelling, "my fairs".

Thin: each endpoint fetches through the access selectors and calls one service of
``fairs.services.seekers``, the same ones the web pages call (``fairs.views.seekers``). Errors
come out in the documented body ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from exchange.errors import BusinessError
from exchange.pagination import PageNumberPagination
from exchange.schema import errors
from fairs.models import FairVacancy, InterviewSlot
from fairs.selectors import seekers as selectors
from fairs.selectors.access import (
    fair_get_public,
    fair_vacancy_get_public,
    registration_get_for_seeker,
    slot_get_public,
)
from fairs.services import seekers as services
from vacancies.services.applications import COVER_LETTER_MAX_LENGTH

# --- Serializers ------------------------------------------------------------------------------


class FairBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="scheduled, registration, live, closed or results")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class FairRegistrationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fair = FairBriefSerializer()
    region = serializers.CharField(source="region.code", allow_null=True, default=None, help_text="Region code")
    age_at_start = serializers.IntegerField(allow_null=True, help_text="Age on the fair's first day")
    is_youth = serializers.BooleanField(help_text="Under 35 on the fair's first day")
    is_graduate = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class FairRegistrationStateSerializer(serializers.Serializer):
    registered = serializers.BooleanField()
    registration = FairRegistrationSerializer(allow_null=True)
    can_register = serializers.BooleanField(help_text="Registering now would be accepted.")
    can_cancel = serializers.BooleanField()
    reason = serializers.CharField(
        allow_blank=True, help_text="Why the caller cannot register (not admitted, registration closed), or empty."
    )
    reason_code = serializers.CharField(
        allow_blank=True, help_text="The error code registering would answer, or empty."
    )


def _registration_state(user, fair) -> dict:
    state = selectors.registration_state(user=user, fair=fair)
    admission = state["admission"]
    return {
        "registered": state["registration"] is not None,
        "registration": state["registration"],
        "can_register": state["can_register"],
        "can_cancel": state["can_cancel"],
        "reason": state["reason"],
        "reason_code": (admission.code or "") if admission else "",
    }


class FairOrganizationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="legal_name")


class PublicFairVacancyJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    occupation = serializers.CharField(source="occupation.code", help_text="ISCO-08 code")
    region = serializers.CharField(source="region.code", help_text="Region code")
    locality = serializers.CharField()
    salary_min = serializers.IntegerField(allow_null=True)
    salary_max = serializers.IntegerField(allow_null=True)


class PublicFairVacancySerializer(serializers.Serializer):
    """A vacancy at a fair with the positions the employer fills through the fair."""

    id = serializers.IntegerField()
    fair = serializers.IntegerField(source="fair_id")
    organization = FairOrganizationBriefSerializer(source="participation.organization")
    vacancy = PublicFairVacancyJobSerializer()
    positions_offered = serializers.IntegerField()
    positions_filled = serializers.IntegerField()
    positions_left = serializers.IntegerField()
    screening_questions = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The page of the fair vacancy, with the apply form")

    def get_screening_questions(self, fair_vacancy) -> list[str]:
        return selectors.screening_questions(fair_vacancy.screening_questions)

    def get_url(self, fair_vacancy) -> str:
        return reverse("fairs:fair-vacancy", args=[fair_vacancy.pk])


class FairAnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField()


class SeekerFairApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id", help_text="The vacancies application's id")
    status = serializers.CharField(source="application.status", help_text="The application's state")
    fair = serializers.IntegerField(source="fair_id")
    fair_vacancy = serializers.IntegerField(source="fair_vacancy_id")
    vacancy_title = serializers.CharField(source="fair_vacancy.vacancy.title")
    organization = serializers.CharField(source="fair_vacancy.participation.organization.legal_name")
    answers = FairAnswerSerializer(many=True)
    created_at = serializers.DateTimeField()


class BookableSlotSerializer(serializers.Serializer):
    """An interview slot; the meeting link is shown to the people booked into it."""

    id = serializers.IntegerField()
    fair = serializers.IntegerField(source="fair_id")
    organization = FairOrganizationBriefSerializer(source="participation.organization")
    fair_vacancy = serializers.IntegerField(source="fair_vacancy_id", allow_null=True)
    vacancy_title = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    booked = serializers.IntegerField()
    places_left = serializers.IntegerField()
    booked_by_me = serializers.BooleanField()
    my_booking = serializers.IntegerField(source="my_booking_id", allow_null=True)
    meeting_link = serializers.SerializerMethodField()

    def get_vacancy_title(self, slot) -> str | None:
        return slot.fair_vacancy.vacancy.title if slot.fair_vacancy_id else None

    def get_meeting_link(self, slot) -> str | None:
        return slot.meeting_link if slot.booked_by_me else None


class SeekerBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.IntegerField(source="slot_id")
    fair = serializers.IntegerField(source="slot.fair_id")
    organization = serializers.CharField(source="slot.participation.organization.legal_name")
    fair_application = serializers.IntegerField(source="fair_application_id", allow_null=True)
    status = serializers.CharField(help_text="booked or cancelled")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    meeting_link = serializers.SerializerMethodField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_meeting_link(self, booking) -> str | None:
        return booking.slot.meeting_link if booking.status == booking.Status.BOOKED else None


class MyFairsSerializer(serializers.Serializer):
    registrations = FairRegistrationSerializer(many=True)
    applications = SeekerFairApplicationSerializer(many=True)
    bookings = SeekerBookingSerializer(many=True)


class FairApplyInputSerializer(serializers.Serializer):
    cover_letter = serializers.CharField(
        required=False, allow_blank=True, max_length=COVER_LETTER_MAX_LENGTH, default=""
    )
    answers = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=services.ANSWER_MAX_LENGTH),
        required=False,
        default=list,
        help_text="One answer per screening question, in their order.",
    )


# --- Registration -----------------------------------------------------------------------------


class RegistrationApi(APIView):
    @extend_schema(
        summary="My registration for a fair, or whether and why not I may register",
        responses={200: FairRegistrationStateSerializer, **errors(403, 404)},
    )
    def get(self, request, fair_id: int):
        fair = fair_get_public(fair_id=fair_id)
        return Response(FairRegistrationStateSerializer(_registration_state(request.user, fair)).data)

    @extend_schema(
        summary="Register for a fair (job seekers)",
        description=(
            "Open while registration is open or the fair is live (409 `registration_closed`). The audience "
            "rules refuse with a sentence saying why: 400 `profile_required` / `consent_required`; 403 "
            "`age_limit` (age from the IIN on the fair's first day), `age_unknown`, `graduates_only`, "
            "`region_not_in_audience`; 403 `seekers_only`. Registering twice answers 409 `already_registered`."
        ),
        request=None,
        responses={201: FairRegistrationSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, fair_id: int):
        fair = fair_get_public(fair_id=fair_id)
        registration = services.fair_register(fair=fair, seeker=request.user)
        return Response(FairRegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel my registration",
        description=(
            "While registration is open or the fair is live (409 `registration_final` after), and only "
            "before applying at the fair (409 `registration_has_applications`)."
        ),
        request=None,
        responses={204: None, **errors(403, 404, 409)},
    )
    def delete(self, request, fair_id: int):
        fair = fair_get_public(fair_id=fair_id)
        registration = registration_get_for_seeker(user=request.user, fair=fair)
        if registration is None:
            raise BusinessError("not_registered", _("You are not registered for this fair."), status_code=404)
        services.registration_cancel(registration=registration, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The fair's vacancies and applying --------------------------------------------------------


class FairVacanciesApi(generics.ListAPIView):
    permission_classes = [AllowAny]  # the fair's catalogue is public, like the fair itself
    serializer_class = PublicFairVacancySerializer
    pagination_class = PageNumberPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FairVacancy.objects.none()
        fair = fair_get_public(fair_id=self.kwargs["fair_id"])
        return selectors.fair_vacancies_public(fair=fair)

    @extend_schema(
        summary="Vacancies at a fair (public)",
        description="Vacancies of the approved employers, by employer and title, with the positions left.",
        responses={200: PublicFairVacancySerializer(many=True), **errors(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class FairVacancyApi(APIView):
    permission_classes = [AllowAny]  # public, like the fair's catalogue

    @extend_schema(
        summary="One vacancy at a fair (public)", responses={200: PublicFairVacancySerializer, **errors(404)}
    )
    def get(self, request, fair_vacancy_id: int):
        fair_vacancy = fair_vacancy_get_public(fair_vacancy_id=fair_vacancy_id)
        return Response(PublicFairVacancySerializer(fair_vacancy).data)


class FairApplyApi(APIView):
    @extend_schema(
        summary="Apply to a vacancy at a fair (registered job seekers, while the fair is live)",
        description=(
            "Sends the seeker's CV (a vacancies application with source `fair`) and the answers to the "
            "screening questions, one per question in their order. Refused with 409 `fair_not_started` / "
            "`fair_over` outside the live window, 403 `not_registered`, 409 `fair_vacancy_full` when every "
            "position offered at the fair is filled, 400 `invalid` with `answers.<n>` fields for a missing "
            "answer (nothing is written), 409 `already_applied`, and like any application (400 "
            "`consent_required`, 409 `vacancy_not_open`)."
        ),
        request=FairApplyInputSerializer,
        responses={201: SeekerFairApplicationSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, fair_vacancy_id: int):
        data = FairApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fair_vacancy = fair_vacancy_get_public(fair_vacancy_id=fair_vacancy_id)
        fair_application = services.fair_apply(
            fair_vacancy=fair_vacancy,
            seeker=request.user,
            cover_letter=data.validated_data["cover_letter"],
            answers=data.validated_data["answers"],
        )
        return Response(SeekerFairApplicationSerializer(fair_application).data, status=status.HTTP_201_CREATED)


# --- Interview slots --------------------------------------------------------------------------


class FairSlotsApi(generics.ListAPIView):
    serializer_class = BookableSlotSerializer
    pagination_class = PageNumberPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InterviewSlot.objects.none()
        fair = fair_get_public(fair_id=self.kwargs["fair_id"])
        return selectors.slots_for_user(user=self.request.user, fair=fair)

    @extend_schema(
        summary="Interview slots I may book at a fair (job seekers)",
        description=(
            "Upcoming slots of the employers the seeker applied to at the fair (a slot tied to one fair "
            "vacancy only when they applied to it); the meeting link only on the slots they booked."
        ),
        responses={200: BookableSlotSerializer(many=True), **errors(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SlotBookApi(APIView):
    @extend_schema(
        summary="Book an interview slot (job seekers)",
        description=(
            "Needs a registration (403 `not_registered`) and an open fair application to the slot's "
            "employer, to the slot's vacancy when it has one (403 `application_required`). Refused with "
            "409 `slot_full`, `slot_overlaps` (another booked interview at the same time), `already_booked`, "
            "`slot_started`, `booking_closed` (before the fair starts or after its results)."
        ),
        request=None,
        responses={201: SeekerBookingSerializer, **errors(403, 404, 409)},
    )
    def post(self, request, slot_id: int):
        slot = slot_get_public(slot_id=slot_id)
        booking = services.slot_book(slot=slot, seeker=request.user, by=request.user)
        return Response(SeekerBookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class BookingCancelApi(APIView):
    @extend_schema(
        summary="Cancel an interview booking (the seeker, or the slot's employer)",
        description="Until the slot starts (409 `slot_started`); once (409 `booking_cancelled`).",
        request=None,
        responses={200: SeekerBookingSerializer, **errors(403, 404, 409)},
    )
    def post(self, request, booking_id: int):
        booking = selectors.booking_get_for_cancelling(user=request.user, booking_id=booking_id)
        booking = services.booking_cancel(booking=booking, by=request.user)
        return Response(SeekerBookingSerializer(booking).data)


class MyFairsApi(APIView):
    @extend_schema(
        summary="My fairs: registrations, fair applications with their state, interview bookings (job seekers)",
        responses={200: MyFairsSerializer, **errors(403)},
    )
    def get(self, request):
        return Response(MyFairsSerializer(selectors.my_fairs(user=request.user)).data)


# ``FairVacancyApi`` (GET /api/v1/fairs/fair-vacancies/<id>/) is served by the participation area's
# subclass at that URL, which adds the employer's PATCH and DELETE: one URL, one view.
urlpatterns = [
    path("fairs/<int:fair_id>/registration/", RegistrationApi.as_view(), name="fairs-api-registration"),
    path("fairs/<int:fair_id>/vacancies/", FairVacanciesApi.as_view(), name="fairs-api-fair-vacancies"),
    path("fairs/<int:fair_id>/slots/", FairSlotsApi.as_view(), name="fairs-api-slots"),
    path(
        "fairs/fair-vacancies/<int:fair_vacancy_id>/apply/", FairApplyApi.as_view(), name="fairs-api-fair-vacancy-apply"
    ),
    path("fairs/slots/<int:slot_id>/book/", SlotBookApi.as_view(), name="fairs-api-slot-book"),
    path("fairs/bookings/<int:booking_id>/cancel/", BookingCancelApi.as_view(), name="fairs-api-booking-cancel"),
    path("fairs/my/", MyFairsApi.as_view(), name="fairs-api-my"),
]
