"""The CV snapshot an application keeps: exactly what reading the CV row by row gives, from one
query for all its lists, so applying costs a fixed, small number of queries however long the CV.

``full_cv`` is shared with the fairs tests (a fair application builds the same snapshot)."""

from __future__ import annotations

import datetime
import json

import pytest

from accounts.models import Education, LanguageSkill, SeekerProfile, User, WorkExperience
from accounts.validators import mask_iin
from catalog.models import EducationLevel, EmploymentType, Occupation, Skill, WorkSchedule
from tests import factories
from vacancies.models import Application
from vacancies.services.applications import SNAPSHOT_VERSION, application_submit, cv_snapshot_build

pytestmark = pytest.mark.django_db

# A direct application: the profile, the vacancy re-read, the snapshot's one query, the
# application, its event, the employer's members and their notification, and the savepoints
# around them (tests run in a transaction). Was 17 when the snapshot read each list apart.
PLAIN_APPLICATION_QUERIES = 11
LANGUAGES = ("en", "ru", "kk")


def full_cv(user: User) -> SeekerProfile:
    """A CV with several entries in every list, ties and empty optional fields included."""
    profile = user.seeker_profile
    profile.headline = "Certified welder"
    profile.about = "Ten years on construction sites."
    profile.desired_salary = 400000
    profile.other_skills = "Reading drawings"
    profile.save()
    profile.desired_occupations.set(Occupation.objects.filter(code__in=["7212", "7231", "2512"]))
    profile.employment_types.set(EmploymentType.objects.filter(code__in=["part_time", "full_time"]))
    profile.schedules.set(WorkSchedule.objects.filter(code__in=["rotation", "full_day", "shift_work"]))
    profile.skills.set(Skill.objects.filter(code__in=["welding", "turning", "plumbing", "foundry"]))
    for language, level in (("ru", LanguageSkill.Level.C1), ("kk", LanguageSkill.Level.NATIVE), ("en", "A2")):
        LanguageSkill.objects.create(profile=profile, language=language, level=level)
    vocational = EducationLevel.objects.get(code="technical_vocational")
    secondary = EducationLevel.objects.get(code="general_secondary")
    Education.objects.create(profile=profile, level=secondary, institution="School No. 5", graduation_year=2014)
    Education.objects.create(
        profile=profile, level=vocational, institution="Astana Polytechnic College", specialty="Welding"
    )
    Education.objects.create(profile=profile, level=vocational, institution="Evening courses", is_current=True)
    Education.objects.create(profile=profile, level=vocational, institution="Karaganda College", graduation_year=2018)
    welder = Occupation.objects.get(code="7212")
    WorkExperience.objects.create(
        profile=profile,
        employer_name="KazStroy LLP",
        position="Welder",
        occupation=welder,
        start_date=datetime.date(2018, 9, 1),
        end_date=datetime.date(2021, 3, 31),
        description="Pipelines.\nNight shifts.",
    )
    WorkExperience.objects.create(
        profile=profile, employer_name="Self-employed", position="Handyman", start_date=datetime.date(2021, 4, 1)
    )
    WorkExperience.objects.create(
        profile=profile,
        employer_name="Astana Metal",
        position="Apprentice",
        occupation=welder,
        start_date=datetime.date(2016, 6, 1),
        end_date=datetime.date(2018, 8, 31),
    )
    return profile


def _names(entry, prefix: str = "name") -> dict:
    return {"code": entry.code, "name": {language: getattr(entry, f"{prefix}_{language}") for language in LANGUAGES}}


def read_row_by_row(profile: SeekerProfile) -> dict:
    """The snapshot as it was built before it read the lists in one query: each list through the
    profile's related managers, one query each. What the one query must give, key for key."""
    user = profile.user
    return {
        "version": SNAPSHOT_VERSION,
        "full_name": user.get_full_name(),
        "email": user.email,
        "phone": profile.phone,
        "iin_masked": mask_iin(profile.iin) if profile.iin else "",
        "age": profile.age_on(datetime.date.today()),
        "region": _names(profile.region) if profile.region_id else None,
        "locality": profile.locality,
        "headline": profile.headline,
        "about": profile.about,
        "search_status": profile.search_status,
        "desired_occupations": [_names(o, "title") for o in profile.desired_occupations.order_by("code")],
        "desired_salary": profile.desired_salary,
        "employment_types": [_names(t) for t in profile.employment_types.order_by("position", "code")],
        "schedules": [_names(s) for s in profile.schedules.order_by("position", "code")],
        "willing_to_relocate": profile.willing_to_relocate,
        "remote_ok": profile.remote_ok,
        "skills": [_names(s) for s in profile.skills.order_by("name_en")],
        "other_skills": profile.other_skills,
        "languages": [{"language": e.language, "level": e.level} for e in profile.languages.order_by("language")],
        "education": [
            {
                "level": _names(e.level),
                "institution": e.institution,
                "specialty": e.specialty,
                "graduation_year": e.graduation_year,
                "is_current": e.is_current,
            }
            for e in profile.educations.select_related("level")
        ],
        "experience": [
            {
                "employer_name": e.employer_name,
                "position": e.position,
                "occupation": _names(e.occupation, "title") if e.occupation_id else None,
                "start_date": e.start_date.isoformat(),
                "end_date": e.end_date.isoformat() if e.end_date else None,
                "description": e.description,
            }
            for e in profile.experiences.select_related("occupation")
        ],
    }


def without_time(snapshot: dict) -> dict:
    return {key: value for key, value in snapshot.items() if key != "taken_at"}


def profile_of(user: User) -> SeekerProfile:
    return SeekerProfile.objects.select_related("user", "region").get(user=user)


# --- What the snapshot holds ----------------------------------------------------------------------


def test_the_snapshot_of_a_full_cv_is_what_reading_it_row_by_row_gives_in_the_same_order(cast):
    full_cv(cast.seeker_a)
    profile = profile_of(cast.seeker_a)

    snapshot = without_time(cv_snapshot_build(profile))

    expected = read_row_by_row(profile)
    assert snapshot == expected
    # Same keys in the same order too (an API shows the dict as it is built).
    assert json.dumps(snapshot, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    assert [o["code"] for o in snapshot["desired_occupations"]] == ["2512", "7212", "7231"]
    assert [e["institution"] for e in snapshot["education"]][:2] == ["Evening courses", "Astana Polytechnic College"]
    assert [e["position"] for e in snapshot["experience"]] == ["Handyman", "Welder", "Apprentice"]
    assert snapshot["experience"][0]["occupation"] is None
    assert snapshot["experience"][1]["start_date"] == "2018-09-01"
    assert snapshot["experience"][1]["end_date"] == "2021-03-31"
    assert snapshot["skills"][-1]["name"] == {"en": "Welding", "ru": "Сварка", "kk": "Дәнекерлеу"}


def test_the_snapshot_of_an_empty_cv_has_empty_lists(cast):
    profile = profile_of(factories.SeekerProfileFactory(region=None).user)

    snapshot = without_time(cv_snapshot_build(profile))

    assert snapshot == read_row_by_row(profile)
    assert snapshot["region"] is None
    for name in ("desired_occupations", "employment_types", "schedules", "skills", "languages", "education"):
        assert snapshot[name] == [], name
    assert snapshot["experience"] == []


def test_an_application_stores_the_snapshot_as_built(cast):
    full_cv(cast.seeker_a)
    vacancy = factories.VacancyFactory(organization=cast.employer_a.membership.organization)

    application = application_submit(vacancy=vacancy, seeker=cast.seeker_a)

    stored = Application.objects.get(pk=application.pk).cv_snapshot
    assert without_time(stored) == read_row_by_row(profile_of(cast.seeker_a))


# --- What it costs ------------------------------------------------------------------------------


def test_the_snapshot_reads_every_list_of_the_cv_in_one_query(cast, django_assert_num_queries):
    full_cv(cast.seeker_a)
    profile = profile_of(cast.seeker_a)

    with django_assert_num_queries(1):
        cv_snapshot_build(profile)


def test_a_direct_application_with_a_full_cv_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    full_cv(cast.seeker_a)
    vacancy = factories.VacancyFactory(organization=cast.employer_a.membership.organization)

    with django_assert_max_num_queries(PLAIN_APPLICATION_QUERIES):
        application_submit(vacancy=vacancy, seeker=cast.seeker_a, cover_letter="I weld well.")
