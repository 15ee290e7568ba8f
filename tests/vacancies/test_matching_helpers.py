"""Builders for the matching, saved-search and fan-out tests (no tests here): seekers with exactly
the CV a test needs, and vacancies."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Education, SeekerProfile, User, WorkExperience
from catalog.models import EducationLevel, Occupation, Region, Skill
from tests import factories


def make_seeker(
    *,
    region: str | None = "KZ-71",
    occupations: tuple[str, ...] = ("7212",),
    skills: tuple[str, ...] = ("welding",),
    salary: int | None = None,
    relocate: bool = False,
    remote: bool = False,
    status: str = SeekerProfile.SearchStatus.ACTIVE,
    visibility: str = SeekerProfile.Visibility.VISIBLE,
    consent: bool = True,
    active: bool = True,
    experience_years: float = 0,
    education: str | None = None,
    language: str = "ru",
) -> User:
    """A job seeker whose profile is exactly this (consent as the flag the consent services keep)."""
    user = factories.SeekerFactory(is_active=active, language=language)
    profile = factories.SeekerProfileFactory(
        user=user,
        region=Region.objects.get(code=region) if region else None,
        desired_salary=salary,
        willing_to_relocate=relocate,
        remote_ok=remote,
        search_status=status,
        visibility=visibility,
    )
    if consent:
        factories.ConsentFactory(user=user)
    SeekerProfile.objects.filter(pk=profile.pk).update(has_consent=consent)
    profile.desired_occupations.set(Occupation.objects.filter(code__in=occupations))
    profile.skills.set(Skill.objects.filter(code__in=skills))
    if experience_years:
        today = timezone.localdate()
        WorkExperience.objects.create(
            profile=profile,
            employer_name="Steel LLP",
            position="Worker",
            start_date=today - datetime.timedelta(days=int(experience_years * 365) + 2),
            end_date=today,
        )
    if education:
        Education.objects.create(
            profile=profile,
            level=EducationLevel.objects.get(code=education),
            institution="College",
            graduation_year=2015,
        )
    return user


def make_vacancy(*, required: tuple[str, ...] = ("welding",), nice: tuple[str, ...] = (), **fields):
    """A published welder vacancy in Astana (``VacancyFactory``) with these skills."""
    if "occupation" in fields and isinstance(fields["occupation"], str):
        fields["occupation"] = Occupation.objects.get(code=fields["occupation"])
    if "region" in fields and isinstance(fields["region"], str):
        fields["region"] = Region.objects.get(code=fields["region"])
    if "education_level" in fields and isinstance(fields["education_level"], str):
        fields["education_level"] = EducationLevel.objects.get(code=fields["education_level"])
    vacancy = factories.VacancyFactory(**fields)
    vacancy.required_skills.set(Skill.objects.filter(code__in=required))
    vacancy.nice_skills.set(Skill.objects.filter(code__in=nice))
    return vacancy
