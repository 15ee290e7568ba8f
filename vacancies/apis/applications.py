"""API: applications (seekers apply and withdraw, employers move candidates), CV search, invitations.

Thin: each endpoint parses its input, fetches objects through the access selectors of
``vacancies.selectors.applications`` and calls one service of ``vacancies.services.applications``,
the same ones the web pages call. Errors come out in the documented body
``{"error": {"code", "message", "fields"}}`` (``exchange.errors``).
"""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import SeekerProfile
from catalog.models import Region
from exchange.pagination import KeysetPagination, PageNumberPagination
from exchange.schema import errors
from vacancies.models import Application, Invitation
from vacancies.selectors import applications as selectors
from vacancies.selectors.referrals import referral_is_overdue
from vacancies.services import applications as services

# --- Shared pieces ----------------------------------------------------------------------------


_ROLE_ACTORS = {"seeker": "seeker", "employer": "employer", "centre_staff": "staff", "admin": "admin"}


class ApplicationVacancySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organization = serializers.CharField(source="organization.legal_name")
    region = serializers.CharField(source="region.code")
    status = serializers.CharField()


class ApplicationEventSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SerializerMethodField(help_text="Who acted: seeker, employer, staff, admin, or empty.")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, event) -> str:
        return _ROLE_ACTORS.get(event.by.role, "") if event.by_id else ""


class ReferralInfoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reply_deadline = serializers.DateField()
    outcome = serializers.CharField()
    is_overdue = serializers.SerializerMethodField()

    def get_is_overdue(self, referral) -> bool:
        return referral_is_overdue(referral)


def _referral_or_none(application: Application):
    try:
        return application.referral
    except Application.referral.RelatedObjectDoesNotExist:
        return None


class ApplicationSerializer(serializers.Serializer):
    """An application with its CV snapshot and full history."""

    id = serializers.IntegerField()
    vacancy = ApplicationVacancySerializer()
    status = serializers.CharField()
    status_reason = serializers.CharField()
    source = serializers.CharField()
    cover_letter = serializers.CharField()
    cv_snapshot = serializers.JSONField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    events = ApplicationEventSerializer(many=True, source="events.all")
    referral = serializers.SerializerMethodField()

    @extend_schema_field(ReferralInfoSerializer(allow_null=True))
    def get_referral(self, application):
        referral = _referral_or_none(application)
        return ReferralInfoSerializer(referral).data if referral else None


class CandidateSummarySerializer(serializers.Serializer):
    full_name = serializers.CharField()
    headline = serializers.CharField()
    region = serializers.CharField(allow_null=True, help_text="Region code")
    age = serializers.IntegerField(allow_null=True)


class CandidateSerializer(serializers.Serializer):
    """One candidate in an employer's list: the application and a summary of the CV sent."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    source = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    candidate = serializers.SerializerMethodField()
    referral = serializers.SerializerMethodField()

    @extend_schema_field(CandidateSummarySerializer)
    def get_candidate(self, application):
        snapshot = application.cv_snapshot or {}
        return {
            "full_name": snapshot.get("full_name", ""),
            "headline": snapshot.get("headline", ""),
            "region": (snapshot.get("region") or {}).get("code"),
            "age": snapshot.get("age"),
        }

    @extend_schema_field(ReferralInfoSerializer(allow_null=True))
    def get_referral(self, application):
        referral = _referral_or_none(application)
        return ReferralInfoSerializer(referral).data if referral else None


def _application_detail(application: Application) -> dict:
    """Serialize an application returned by a service, with its history read fresh."""
    return ApplicationSerializer(selectors.application_with_history(application_id=application.pk)).data


# --- Applying and the seeker's applications ---------------------------------------------------


class ApplicationSubmitInputSerializer(serializers.Serializer):
    cover_letter = serializers.CharField(
        required=False, allow_blank=True, max_length=services.COVER_LETTER_MAX_LENGTH, default=""
    )


class CandidatesQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Application.Status.choices, required=False)


class VacancyApplicationsApi(generics.ListAPIView):
    """Candidates of a vacancy (employer) and applying to it (seeker)."""

    serializer_class = CandidateSerializer
    pagination_class = PageNumberPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view's model
            return Application.objects.none()
        query = CandidatesQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        vacancy = selectors.vacancy_get_for_candidates(user=self.request.user, vacancy_id=self.kwargs["vacancy_id"])
        return selectors.applications_for_vacancy(vacancy=vacancy, status=query.validated_data.get("status"))

    @extend_schema(
        summary="Candidates of a vacancy (members of its organization)",
        parameters=[OpenApiParameter("status", str, enum=Application.Status.values, description="Only this state")],
        responses={200: CandidateSerializer(many=True), **errors(400, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Apply to a vacancy (job seekers)",
        description=(
            "Sends the seeker's CV as it is now (a snapshot) with an optional cover letter. Refused with "
            "`consent_required` or `profile_required` (400), `seekers_only` (403), `already_applied`, "
            "`vacancy_not_open` or `no_positions_left` (409)."
        ),
        request=ApplicationSubmitInputSerializer,
        responses={201: ApplicationSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, vacancy_id: int):
        data = ApplicationSubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vacancy = selectors.vacancy_get_for_applying(vacancy_id=vacancy_id)
        application = services.application_submit(
            vacancy=vacancy, seeker=request.user, cover_letter=data.validated_data["cover_letter"]
        )
        return Response(_application_detail(application), status=status.HTTP_201_CREATED)


class MyApplicationsApi(generics.ListAPIView):
    serializer_class = ApplicationSerializer
    pagination_class = PageNumberPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return selectors.applications_of_seeker(user=self.request.user)

    @extend_schema(
        summary="My applications, each with its current state and full history (job seekers)",
        responses={200: ApplicationSerializer(many=True), **errors(403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ApplicationApi(APIView):
    @extend_schema(
        summary="One application",
        description=(
            "For the applicant, members of the vacancy's organization, staff of the vacancy's region and "
            "administrators; 404 for everyone else. For a member of the organization this **opens the CV**: "
            "the view is logged and a `submitted` application becomes `viewed`."
        ),
        responses={200: ApplicationSerializer, **errors(404)},
    )
    def get(self, request, application_id: int):
        application = selectors.application_get_for_viewing(user=request.user, application_id=application_id)
        if selectors.application_viewer(user=request.user, application=application) == selectors.VIEWER_EMPLOYER:
            application = services.application_open_cv(application=application, by=request.user)
            return Response(_application_detail(application))
        return Response(ApplicationSerializer(application).data)


class ApplicationTransitionInputSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Application.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=services.REASON_MAX_LENGTH, default="")


class ApplicationTransitionApi(APIView):
    @extend_schema(
        summary="Move an application to another state",
        description=(
            "Employers (members of the vacancy's organization) move a candidate forward through "
            "submitted → viewed → shortlisted → interview → offer → hired (steps may be skipped, never "
            "undone) or reject them from any open state, with a `reason` (required). Only the applicant "
            "withdraws. A move the state machine does not allow answers 409 `invalid_transition`; a move "
            "the caller may not make, 403."
        ),
        request=ApplicationTransitionInputSerializer,
        responses={200: ApplicationSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, application_id: int):
        data = ApplicationTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = selectors.application_get_for_viewing(user=request.user, application_id=application_id)
        application = services.application_transition(
            application=application,
            to_status=data.validated_data["to_status"],
            by=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(_application_detail(application))


class ApplicationHireApi(APIView):
    @extend_schema(
        summary="Hire the candidate",
        description=(
            "Takes one position of the vacancy; the last one closes the vacancy as `filled`. Safe under "
            "concurrency: 409 `no_positions_left` once every position is taken."
        ),
        request=None,
        responses={200: ApplicationSerializer, **errors(403, 404, 409)},
    )
    def post(self, request, application_id: int):
        application = selectors.application_get_for_viewing(user=request.user, application_id=application_id)
        application = services.application_hire(application=application, by=request.user)
        return Response(_application_detail(application))


class ApplicationWithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=services.REASON_MAX_LENGTH, default="")


class ApplicationWithdrawApi(APIView):
    @extend_schema(
        summary="Withdraw my application (the applicant only)",
        request=ApplicationWithdrawInputSerializer,
        responses={200: ApplicationSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, application_id: int):
        data = ApplicationWithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = selectors.application_get_for_viewing(user=request.user, application_id=application_id)
        application = services.application_withdraw(
            application=application, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(_application_detail(application))


# --- CV search --------------------------------------------------------------------------------


class CvCatalogEntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CvSearchResultSerializer(serializers.Serializer):
    seeker_id = serializers.IntegerField(source="user_id", help_text="Use it to open the CV or to invite.")
    full_name = serializers.CharField(source="user.get_full_name")
    iin_masked = serializers.SerializerMethodField()
    headline = serializers.CharField()
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    age = serializers.SerializerMethodField()
    desired_occupations = serializers.SerializerMethodField()
    skills = serializers.SerializerMethodField()
    desired_salary = serializers.IntegerField(allow_null=True)
    search_status = serializers.CharField()
    updated_at = serializers.DateTimeField()

    def get_iin_masked(self, profile) -> str:
        from accounts.validators import mask_iin

        return mask_iin(profile.iin) if profile.iin else ""

    def get_age(self, profile) -> int | None:
        return profile.age_on(timezone.localdate())

    @extend_schema_field(CvCatalogEntrySerializer(many=True))
    def get_desired_occupations(self, profile):
        return [{"code": o.code, "name": o.title} for o in profile.desired_occupations.all()]

    @extend_schema_field(CvCatalogEntrySerializer(many=True))
    def get_skills(self, profile):
        return [{"code": s.code, "name": s.name} for s in profile.skills.all()]


class CvSearchQuerySerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False)
    occupation = serializers.RegexField(
        r"^[0-9]{1,4}$", required=False, error_messages={"invalid": _("Enter 1 to 4 digits of an ISCO-08 code.")}
    )
    skills = serializers.CharField(required=False, help_text="Skill codes separated by commas.")


class CvSearchApi(generics.ListAPIView):
    serializer_class = CvSearchResultSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SeekerProfile.objects.none()
        query = CvSearchQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        skills = [code.strip() for code in data.get("skills", "").split(",") if code.strip()]
        return selectors.cv_search(
            user=self.request.user,
            region=data["region"].code if data.get("region") else None,
            occupation=data.get("occupation"),
            skills=skills,
        )

    @extend_schema(
        summary="Search the CVs of visible job seekers (employers)",
        description=(
            "Only job seekers who consented and made their CV visible. IINs are masked. Nothing is logged "
            "until a CV is opened."
        ),
        parameters=[
            OpenApiParameter("region", str, description="Region code, e.g. KZ-71"),
            OpenApiParameter("occupation", str, description="ISCO-08 code or prefix of a desired occupation"),
            OpenApiParameter("skills", str, description="Skill codes, comma-separated; the CV must have all"),
        ],
        responses={200: CvSearchResultSerializer(many=True), **errors(400, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EmployerCvSerializer(serializers.Serializer):
    seeker_id = serializers.IntegerField()
    cv = serializers.JSONField(help_text="The CV as an employer sees it (IIN masked).")


class CvApi(APIView):
    @extend_schema(
        summary="Open a visible job seeker's CV (employers; the view is logged)",
        responses={200: EmployerCvSerializer, **errors(403, 404)},
    )
    def get(self, request, seeker_id: int):
        profile = selectors.seeker_profile_get_for_employer(user=request.user, seeker_id=seeker_id)
        return Response({"seeker_id": seeker_id, "cv": services.seeker_cv_open(profile=profile, by=request.user)})


# --- Invitations ------------------------------------------------------------------------------


class VacancyInvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    vacancy = ApplicationVacancySerializer()
    seeker_id = serializers.IntegerField()
    seeker_name = serializers.CharField(source="seeker.get_full_name")
    message = serializers.CharField()
    status = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    application_id = serializers.IntegerField(
        allow_null=True, default=None, help_text="The application an accepted invitation led to."
    )


class VacancyInvitationInputSerializer(serializers.Serializer):
    vacancy = serializers.IntegerField(min_value=1)
    seeker = serializers.IntegerField(min_value=1, help_text="The job seeker's id (seeker_id of the CV search).")
    message = serializers.CharField(
        required=False, allow_blank=True, max_length=services.INVITATION_MESSAGE_MAX_LENGTH, default=""
    )


def _invitation_detail(invitation: Invitation) -> dict:
    return VacancyInvitationSerializer(selectors.invitation_with_details(invitation_id=invitation.pk)).data


class InvitationCreateApi(APIView):
    @extend_schema(
        summary="Invite a visible job seeker to apply to a vacancy (employers)",
        description=(
            "One invitation per vacancy and seeker: 409 `already_invited`; 409 `already_applied` when the "
            "seeker has applied. A vacancy of another organization or a seeker who is not visible answers 404."
        ),
        request=VacancyInvitationInputSerializer,
        responses={201: VacancyInvitationSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request):
        data = VacancyInvitationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vacancy = selectors.vacancy_get_for_candidates(user=request.user, vacancy_id=data.validated_data["vacancy"])
        profile = selectors.seeker_profile_get_for_employer(user=request.user, seeker_id=data.validated_data["seeker"])
        invitation = services.invitation_send(
            vacancy=vacancy, seeker=profile.user, by=request.user, message=data.validated_data["message"]
        )
        return Response(_invitation_detail(invitation), status=status.HTTP_201_CREATED)


class MyInvitationsApi(generics.ListAPIView):
    serializer_class = VacancyInvitationSerializer
    pagination_class = PageNumberPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return selectors.invitations_for_user(user=self.request.user)

    @extend_schema(
        summary="Invitations I received (job seekers) or my organization sent (employers)",
        responses={200: VacancyInvitationSerializer(many=True), **errors(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _InvitationAnswerApi(APIView):
    accept: bool

    def post(self, request, invitation_id: int):
        invitation = selectors.invitation_get_for_viewing(user=request.user, invitation_id=invitation_id)
        invitation = services.invitation_answer(invitation=invitation, by=request.user, accept=self.accept)
        return Response(_invitation_detail(invitation))


@extend_schema(
    summary="Accept an invitation: applies to the vacancy (the invited seeker)",
    description="Creates an application with source `invitation`; refused like any application (400/409).",
    request=None,
    responses={200: VacancyInvitationSerializer, **errors(400, 403, 404, 409)},
)
class InvitationAcceptApi(_InvitationAnswerApi):
    accept = True


@extend_schema(
    summary="Decline an invitation (the invited seeker)",
    request=None,
    responses={200: VacancyInvitationSerializer, **errors(403, 404, 409)},
)
class InvitationDeclineApi(_InvitationAnswerApi):
    accept = False


urlpatterns = [
    path("vacancies/<int:vacancy_id>/applications/", VacancyApplicationsApi.as_view(), name="vacancy-applications"),
    path("me/applications/", MyApplicationsApi.as_view(), name="my-applications"),
    path("applications/<int:application_id>/", ApplicationApi.as_view(), name="application-detail"),
    path(
        "applications/<int:application_id>/transition/",
        ApplicationTransitionApi.as_view(),
        name="application-transition",
    ),
    path("applications/<int:application_id>/hire/", ApplicationHireApi.as_view(), name="application-hire"),
    path("applications/<int:application_id>/withdraw/", ApplicationWithdrawApi.as_view(), name="application-withdraw"),
    path("cv-search/", CvSearchApi.as_view(), name="cv-search"),
    path("cv-search/<int:seeker_id>/", CvApi.as_view(), name="cv-detail"),
    path("invitations/", InvitationCreateApi.as_view(), name="invitation-create"),
    path("me/invitations/", MyInvitationsApi.as_view(), name="my-invitations"),
    path("invitations/<int:invitation_id>/accept/", InvitationAcceptApi.as_view(), name="invitation-accept"),
    path("invitations/<int:invitation_id>/decline/", InvitationDeclineApi.as_view(), name="invitation-decline"),
]
