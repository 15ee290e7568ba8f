"""Reads for job seekers: their profiles (CVs), who may see them, and how much each viewer sees.

Who sees a profile:

- the seeker themself: everything;
- employment-centre staff: profiles of seekers in their region, in full; administrators: all;
- members of an employer: only discoverable profiles (consent given, visible, account active),
  with the IIN masked and neither birth date nor contacts;
- anyone else (other seekers, staff of other regions): 404, so existence is not leaked.

``seeker_personal_details_for_viewer`` is the one place that decides how the IIN, birth date
and contacts are shown; the API serializers and the templates take them from it and never read
``profile.iin`` themselves.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language_info

from accounts.models import Consent, Education, LanguageSkill, SeekerProfile, User, WorkExperience
from accounts.selectors.access import can_act_in_region, membership_of
from accounts.validators import mask_iin
from catalog.models import Occupation


def seeker_profiles() -> QuerySet[SeekerProfile]:
    """Profiles with everything a CV page or the profile API shows, in a fixed number of queries."""
    return SeekerProfile.objects.select_related("user", "region").prefetch_related(
        Prefetch("educations", queryset=Education.objects.select_related("level")),
        Prefetch("experiences", queryset=WorkExperience.objects.select_related("occupation")),
        Prefetch("languages", queryset=LanguageSkill.objects.order_by("id")),
        "skills",
        "desired_occupations",
        "employment_types",
        "schedules",
    )


def seeker_profile_get_own(*, user: User) -> SeekerProfile:
    """The caller's own profile, for reading and editing it: job seekers only (403 for other roles).

    Sign-up creates the profile; accounts made otherwise (the admin site, the demo data) get an
    empty one on first use, so every seeker always has a profile to fill in.
    """
    if not (user.is_authenticated and user.role == User.Role.SEEKER):
        raise PermissionDenied
    profile = seeker_profiles().filter(user=user).first()
    if profile is None:
        SeekerProfile.objects.get_or_create(user=user)
        profile = seeker_profiles().get(user=user)
    return profile


def seeker_can_see_personal_details(*, viewer: User, profile: SeekerProfile) -> bool:
    """The owner, staff of the profile's region and administrators see the full IIN and contacts."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == profile.user_id:
        return True
    if viewer.is_administrator or viewer.role == User.Role.CENTRE_STAFF:
        return can_act_in_region(viewer, profile.region_id)
    return False


def seeker_profile_get_for_viewing(*, user: User, profile_id: int) -> SeekerProfile:
    """A seeker's profile for reading by ``user``, or Http404 (see the module docstring for who may)."""
    profile = seeker_profiles().filter(pk=profile_id).first()
    if profile is None or not user.is_authenticated:
        raise Http404("No such profile")
    if seeker_can_see_personal_details(viewer=user, profile=profile):
        return profile
    if membership_of(user) is not None and profile.is_discoverable:
        return profile
    raise Http404("No such profile")


def seeker_iin_for_viewer(*, profile: SeekerProfile, viewer: User) -> str | None:
    """The IIN as ``viewer`` may see it: in full for the owner and staff, masked for everyone else."""
    if not profile.iin:
        return None
    if seeker_can_see_personal_details(viewer=viewer, profile=profile):
        return profile.iin
    return mask_iin(profile.iin)


def seeker_personal_details_for_viewer(*, profile: SeekerProfile, viewer: User) -> dict:
    """IIN, birth date, age and contacts as ``viewer`` may see them.

    Employers get the masked IIN and the age, but no birth date: the birth date is the first six
    digits of the IIN, so together with the masked number it would give the whole IIN away.
    Contacts are shown to the owner and staff only; employers reach seekers through the exchange.
    """
    full = seeker_can_see_personal_details(viewer=viewer, profile=profile)
    return {
        "iin": seeker_iin_for_viewer(profile=profile, viewer=viewer),
        "birth_date": profile.birth_date if full else None,
        "age": profile.age_on(timezone.localdate()),
        "sex": profile.sex,
        "phone": profile.phone if full else None,
        "email": profile.user.email if full else None,
        "full": full,
    }


def seeker_current_consent(*, user: User) -> Consent | None:
    """The consent in force (the newest one not withdrawn), or None."""
    return Consent.objects.filter(user=user, withdrawn_at__isnull=True).first()


def seeker_education_get_own(*, user: User, education_id: int) -> Education:
    """One of the caller's own education entries, for changing it; 404 for anyone else's."""
    entry = Education.objects.select_related("level", "profile").filter(pk=education_id, profile__user=user).first()
    if entry is None:
        raise Http404("No such education entry")
    return entry


def seeker_experience_get_own(*, user: User, experience_id: int) -> WorkExperience:
    """One of the caller's own work experience entries; 404 for anyone else's."""
    entry = (
        WorkExperience.objects.select_related("occupation", "profile")
        .filter(pk=experience_id, profile__user=user)
        .first()
    )
    if entry is None:
        raise Http404("No such work experience entry")
    return entry


def seeker_language_get_own(*, user: User, language_id: int) -> LanguageSkill:
    """One of the caller's own language entries; 404 for anyone else's."""
    entry = LanguageSkill.objects.select_related("profile").filter(pk=language_id, profile__user=user).first()
    if entry is None:
        raise Http404("No such language entry")
    return entry


def occupation_unit_groups() -> QuerySet[Occupation]:
    """The ISCO-08 unit groups (4 digits): what seekers choose as desired occupations."""
    return Occupation.objects.filter(level=Occupation.Level.UNIT).order_by("code")


def language_name(code: str) -> str:
    """The language's name in the interface language, or its code when Django does not know it."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def seeker_languages_named(*, profile: SeekerProfile) -> list[dict]:
    """The profile's languages with their names, for pages (``{"entry", "name"}``)."""
    return [{"entry": entry, "name": language_name(entry.language)} for entry in profile.languages.all()]
