"""Job seeker API under /api/v1/: the caller's own profile (CV) and its entries, consent, data
export and account deletion; and reading a seeker's profile as an employer or staff member.

Catalog values travel as codes (region ``KZ-71``, occupation ``2512``, skill ``welding``); an
unknown code is a 400 with a message on that field. The rules live in the services the pages
use too, so the API and the pages accept and refuse the same things.
"""

from __future__ import annotations

import datetime

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Consent, Education, LanguageSkill, SeekerProfile, WorkExperience
from accounts.selectors.seekers import (
    seeker_current_consent,
    seeker_education_get_own,
    seeker_experience_get_own,
    seeker_language_get_own,
    seeker_personal_details_for_viewer,
    seeker_profile_get_for_viewing,
    seeker_profile_get_own,
)
from accounts.services.privacy import seeker_account_delete, seeker_data_export
from accounts.services.seekers import (
    CONSENT_TEXT_VERSION,
    consent_give,
    consent_withdraw,
    seeker_education_add,
    seeker_education_delete,
    seeker_education_update,
    seeker_experience_add,
    seeker_experience_delete,
    seeker_experience_update,
    seeker_language_add,
    seeker_language_delete,
    seeker_language_update,
    seeker_profile_update,
)
from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule


def _codes(queryset, **kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=queryset, **kwargs)


# --- Entries ------------------------------------------------------------------------------------


class EducationSerializer(serializers.ModelSerializer):
    level = _codes(EducationLevel.objects.all(), help_text="Education level code from /api/v1/catalog/")

    class Meta:
        model = Education
        fields = ["id", "level", "institution", "specialty", "graduation_year", "is_current"]
        read_only_fields = ["id"]


class EducationInputSerializer(serializers.Serializer):
    # Lengths, blanks and years are checked by the service, so the API and the pages give the
    # same messages; the serializer only turns JSON into Python values.
    level = _codes(EducationLevel.objects.all())
    institution = serializers.CharField(allow_blank=True)
    specialty = serializers.CharField(allow_blank=True, required=False)
    graduation_year = serializers.IntegerField(allow_null=True, required=False)
    is_current = serializers.BooleanField(required=False)


class ExperienceSerializer(serializers.ModelSerializer):
    occupation = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = WorkExperience
        fields = ["id", "employer_name", "position", "occupation", "start_date", "end_date", "description"]
        read_only_fields = fields


class ExperienceInputSerializer(serializers.Serializer):
    employer_name = serializers.CharField(allow_blank=True)
    position = serializers.CharField(allow_blank=True)
    occupation = _codes(Occupation.objects.all(), allow_null=True, required=False, help_text="ISCO-08 unit group")
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True, required=False, help_text="null while working there")
    description = serializers.CharField(allow_blank=True, required=False)


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = LanguageSkill
        fields = ["id", "language", "level"]
        read_only_fields = ["id"]
        # Checked by the service with the pages' message, not by DRF's generic one.
        validators = []


# --- Profile ------------------------------------------------------------------------------------


class SeekerProfileSerializer(serializers.ModelSerializer):
    """A profile as the requesting user may see it.

    IIN, birth date, phone and e-mail come from ``seeker_personal_details_for_viewer``: in full
    for the owner and staff, masked or empty for employers.
    """

    full_name = serializers.CharField(source="user.full_name")
    iin = serializers.SerializerMethodField(help_text="Masked (******123456) unless you are the owner or staff")
    birth_date = serializers.SerializerMethodField()
    age = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    skills = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    desired_occupations = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    employment_types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    schedules = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    is_youth = serializers.SerializerMethodField(help_text="Under 35 today")
    is_graduate = serializers.SerializerMethodField(help_text="Graduated within the last 3 years, or studying")
    educations = EducationSerializer(many=True, read_only=True)
    experiences = ExperienceSerializer(many=True, read_only=True)
    languages = LanguageSerializer(many=True, read_only=True)

    class Meta:
        model = SeekerProfile
        fields = [
            "id",
            "full_name",
            "iin",
            "birth_date",
            "age",
            "sex",
            "phone",
            "email",
            "region",
            "locality",
            "headline",
            "about",
            "skills",
            "other_skills",
            "desired_occupations",
            "desired_salary",
            "employment_types",
            "schedules",
            "willing_to_relocate",
            "remote_ok",
            "search_status",
            "visibility",
            "has_consent",
            "is_youth",
            "is_graduate",
            "educations",
            "experiences",
            "languages",
            "updated_at",
        ]
        read_only_fields = fields

    def _personal(self, profile: SeekerProfile) -> dict:
        cache = self.context.setdefault("personal_details", {})
        if profile.pk not in cache:
            viewer = self.context["request"].user
            cache[profile.pk] = seeker_personal_details_for_viewer(profile=profile, viewer=viewer)
        return cache[profile.pk]

    def get_iin(self, profile) -> str | None:
        return self._personal(profile)["iin"]

    def get_birth_date(self, profile) -> datetime.date | None:
        return self._personal(profile)["birth_date"]

    def get_age(self, profile) -> int | None:
        return self._personal(profile)["age"]

    def get_phone(self, profile) -> str | None:
        return self._personal(profile)["phone"]

    def get_email(self, profile) -> str | None:
        return self._personal(profile)["email"]

    def get_is_youth(self, profile) -> bool:
        return profile.is_youth()

    def get_is_graduate(self, profile) -> bool:
        return profile.is_graduate()


class SeekerProfileUpdateSerializer(serializers.Serializer):
    """The flat fields of the profile; entries have their own endpoints. Every field is optional."""

    full_name = serializers.CharField(required=False, allow_blank=True)
    iin = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text="12 digits")
    phone = serializers.CharField(required=False, allow_blank=True, help_text="+7XXXXXXXXXX")
    region = _codes(Region.objects.all(), required=False, allow_null=True, help_text="ISO 3166-2:KZ code")
    locality = serializers.CharField(required=False, allow_blank=True)
    headline = serializers.CharField(required=False, allow_blank=True)
    about = serializers.CharField(required=False, allow_blank=True)
    skills = _codes(Skill.objects.all(), many=True, required=False)
    other_skills = serializers.CharField(required=False, allow_blank=True)
    desired_occupations = _codes(Occupation.objects.all(), many=True, required=False, help_text="ISCO-08 unit groups")
    desired_salary = serializers.IntegerField(required=False, allow_null=True, help_text="KZT per month")
    employment_types = _codes(EmploymentType.objects.all(), many=True, required=False)
    schedules = _codes(WorkSchedule.objects.all(), many=True, required=False)
    willing_to_relocate = serializers.BooleanField(required=False)
    remote_ok = serializers.BooleanField(required=False)
    search_status = serializers.ChoiceField(choices=SeekerProfile.SearchStatus.choices, required=False)
    visibility = serializers.ChoiceField(
        choices=SeekerProfile.Visibility.choices, required=False, help_text="visible requires consent"
    )


def _own_profile_response(request, status_code=status.HTTP_200_OK) -> Response:
    # Read again through the selector: one query per relation, whatever the request changed.
    profile = seeker_profile_get_own(user=request.user)
    return Response(SeekerProfileSerializer(profile, context={"request": request}).data, status=status_code)


class MyProfileApi(APIView):
    """The caller's own profile (job seekers only)."""

    @extend_schema(summary="My profile (CV) with its entries", responses={200: SeekerProfileSerializer})
    def get(self, request):
        return _own_profile_response(request)

    @extend_schema(
        summary="Change fields of my profile",
        request=SeekerProfileUpdateSerializer,
        responses={200: SeekerProfileSerializer},
    )
    def patch(self, request):
        profile = seeker_profile_get_own(user=request.user)
        serializer = SeekerProfileUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        seeker_profile_update(profile=profile, **serializer.validated_data)
        return _own_profile_response(request)


class MyEducationListApi(APIView):
    @extend_schema(
        summary="Add an education entry", request=EducationInputSerializer, responses={201: EducationSerializer}
    )
    def post(self, request):
        profile = seeker_profile_get_own(user=request.user)
        serializer = EducationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = seeker_education_add(profile=profile, **serializer.validated_data)
        return Response(EducationSerializer(entry).data, status=status.HTTP_201_CREATED)


class MyEducationDetailApi(APIView):
    @extend_schema(
        summary="Change an education entry", request=EducationInputSerializer, responses={200: EducationSerializer}
    )
    def patch(self, request, education_id: int):
        entry = seeker_education_get_own(user=request.user, education_id=education_id)
        serializer = EducationInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = seeker_education_update(education=entry, **serializer.validated_data)
        return Response(EducationSerializer(entry).data)

    @extend_schema(summary="Remove an education entry", responses={204: None})
    def delete(self, request, education_id: int):
        seeker_education_delete(education=seeker_education_get_own(user=request.user, education_id=education_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyExperienceListApi(APIView):
    @extend_schema(
        summary="Add a work experience entry", request=ExperienceInputSerializer, responses={201: ExperienceSerializer}
    )
    def post(self, request):
        profile = seeker_profile_get_own(user=request.user)
        serializer = ExperienceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = seeker_experience_add(profile=profile, **serializer.validated_data)
        return Response(ExperienceSerializer(entry).data, status=status.HTTP_201_CREATED)


class MyExperienceDetailApi(APIView):
    @extend_schema(
        summary="Change a work experience entry",
        request=ExperienceInputSerializer,
        responses={200: ExperienceSerializer},
    )
    def patch(self, request, experience_id: int):
        entry = seeker_experience_get_own(user=request.user, experience_id=experience_id)
        serializer = ExperienceInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = seeker_experience_update(experience=entry, **serializer.validated_data)
        return Response(ExperienceSerializer(entry).data)

    @extend_schema(summary="Remove a work experience entry", responses={204: None})
    def delete(self, request, experience_id: int):
        seeker_experience_delete(experience=seeker_experience_get_own(user=request.user, experience_id=experience_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyLanguageListApi(APIView):
    @extend_schema(summary="Add a language", request=LanguageSerializer, responses={201: LanguageSerializer})
    def post(self, request):
        profile = seeker_profile_get_own(user=request.user)
        serializer = LanguageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = seeker_language_add(profile=profile, **serializer.validated_data)
        return Response(LanguageSerializer(entry).data, status=status.HTTP_201_CREATED)


class MyLanguageDetailApi(APIView):
    @extend_schema(summary="Change a language", request=LanguageSerializer, responses={200: LanguageSerializer})
    def patch(self, request, language_id: int):
        entry = seeker_language_get_own(user=request.user, language_id=language_id)
        serializer = LanguageSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = seeker_language_update(language_skill=entry, **serializer.validated_data)
        return Response(LanguageSerializer(entry).data)

    @extend_schema(summary="Remove a language", responses={204: None})
    def delete(self, request, language_id: int):
        seeker_language_delete(language_skill=seeker_language_get_own(user=request.user, language_id=language_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Consent ------------------------------------------------------------------------------------


class ConsentStateSerializer(serializers.Serializer):
    has_consent = serializers.BooleanField()
    current_text_version = serializers.CharField(help_text="The version a new consent must name")
    text_version = serializers.CharField(allow_null=True, help_text="The version agreed to, if consent is in force")
    channel = serializers.ChoiceField(choices=Consent.Channel.choices, allow_null=True)
    given_at = serializers.DateTimeField(allow_null=True)


class ConsentGiveSerializer(serializers.Serializer):
    text_version = serializers.CharField(help_text="The version of the consent text shown to the seeker")


def _consent_state(user) -> dict:
    consent = seeker_current_consent(user=user)
    return {
        "has_consent": consent is not None,
        "current_text_version": CONSENT_TEXT_VERSION,
        "text_version": consent.text_version if consent else None,
        "channel": consent.channel if consent else None,
        "given_at": consent.given_at if consent else None,
    }


class MyConsentApi(APIView):
    """Consent to the processing of personal data (job seekers only)."""

    @extend_schema(summary="My consent", responses={200: ConsentStateSerializer})
    def get(self, request):
        seeker_profile_get_own(user=request.user)
        return Response(ConsentStateSerializer(_consent_state(request.user)).data)

    @extend_schema(
        summary="Give consent to the processing of personal data",
        request=ConsentGiveSerializer,
        responses={201: ConsentStateSerializer},
    )
    def post(self, request):
        serializer = ConsentGiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent_give(user=request.user, channel=Consent.Channel.API, **serializer.validated_data)
        return Response(ConsentStateSerializer(_consent_state(request.user)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Withdraw consent: the profile is hidden at once", responses={204: None})
    def delete(self, request):
        consent_withdraw(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Personal data ------------------------------------------------------------------------------


class MyDataExportApi(APIView):
    @extend_schema(
        summary="Everything stored about me (JSON)",
        description="Every row linked to the caller, found by walking the models; the password hash and "
        "token keys are left out.",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response(seeker_data_export(user=request.user))


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, help_text="The account's password, as a confirmation")


class AccountDeleteMixin:
    """``DELETE /api/v1/me/``: mixed into ``accounts.apis.me.MeApi``, which owns that path."""

    @extend_schema(
        summary="Delete my account and personal data (job seekers)",
        request=AccountDeleteSerializer,
        responses={204: None},
    )
    def delete(self, request):
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seeker_account_delete(user=request.user, password=serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Employers and staff ------------------------------------------------------------------------


class SeekerProfileApi(APIView):
    @extend_schema(
        summary="A seeker's profile, as you may see it",
        description="Staff see the profiles of their region in full; employers see discoverable profiles "
        "with the IIN masked. Anyone else gets 404.",
        responses={200: SeekerProfileSerializer},
    )
    def get(self, request, profile_id: int):
        profile = seeker_profile_get_for_viewing(user=request.user, profile_id=profile_id)
        return Response(SeekerProfileSerializer(profile, context={"request": request}).data)


urlpatterns = [
    path("me/profile/", MyProfileApi.as_view(), name="me-profile"),
    path("me/profile/educations/", MyEducationListApi.as_view(), name="me-education-list"),
    path("me/profile/educations/<int:education_id>/", MyEducationDetailApi.as_view(), name="me-education-detail"),
    path("me/profile/experiences/", MyExperienceListApi.as_view(), name="me-experience-list"),
    path("me/profile/experiences/<int:experience_id>/", MyExperienceDetailApi.as_view(), name="me-experience-detail"),
    path("me/profile/languages/", MyLanguageListApi.as_view(), name="me-language-list"),
    path("me/profile/languages/<int:language_id>/", MyLanguageDetailApi.as_view(), name="me-language-detail"),
    path("me/consent/", MyConsentApi.as_view(), name="me-consent"),
    path("me/export/", MyDataExportApi.as_view(), name="me-export"),
    path("seekers/<int:profile_id>/", SeekerProfileApi.as_view(), name="seeker-profile-detail"),
]
