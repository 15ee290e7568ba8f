"""Job seeker API: the caller's profile and its entries, consent, and reading profiles as others."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Consent, Education, LanguageSkill, SeekerProfile, WorkExperience
from accounts.selectors.seekers import seeker_profile_get_own
from accounts.services.seekers import CONSENT_TEXT_VERSION
from accounts.validators import mask_iin
from tests.accounts.test_seekers import BIRTH_DATE, fill_profile, fresh_iin, future_iin, new_seeker, snapshot

pytestmark = pytest.mark.django_db

PROFILE = "/api/v1/me/profile/"


def seeker_profile_url(profile) -> str:
    return f"/api/v1/seekers/{profile.pk}/"


# --- Own profile --------------------------------------------------------------------------------


def test_seeker_reads_own_profile_with_entries_and_derived_flags(api_client, catalog):
    profile = fill_profile(new_seeker())
    api_client.force_authenticate(profile.user)

    body = api_client.get(PROFILE).json()

    assert body["iin"] == profile.iin
    assert body["birth_date"] == BIRTH_DATE.isoformat()
    assert body["phone"] == "+77015551234" and body["email"] == profile.user.email
    assert body["region"] == "KZ-71"
    assert body["desired_occupations"] == ["7212"]
    assert body["is_youth"] is True and body["is_graduate"] is False
    assert body["educations"][0]["level"] == "technical_vocational"
    assert body["experiences"][0]["occupation"] == "7212"
    assert sorted(language["language"] for language in body["languages"]) == ["kk", "ru"]


def test_profile_api_runs_the_same_number_of_queries_however_long_the_cv(
    api_client, catalog, django_assert_max_num_queries
):
    short = new_seeker("short@example.kz")
    long = fill_profile(new_seeker("long@example.kz")).user
    for year in range(2000, 2005):
        Education.objects.create(
            profile=long.seeker_profile, level_id=Education.objects.first().level_id, institution=f"School {year}"
        )

    # One query for the profile with its user and region, one per prefetched relation.
    for user in (short, long):
        api_client.force_authenticate(user)
        with django_assert_max_num_queries(8):
            assert api_client.get(PROFILE).status_code == 200


@pytest.mark.parametrize("who", ["employer_a", "staff_x"])
def test_reading_a_seeker_profile_runs_a_fixed_number_of_queries(api_client, cast, who, django_assert_max_num_queries):
    profile = fill_profile(new_seeker())
    api_client.force_authenticate(getattr(cast, who))

    # The profile queries, plus the viewer's membership or staff assignment.
    with django_assert_max_num_queries(10):
        assert api_client.get(seeker_profile_url(profile)).status_code == 200


def test_patch_changes_flat_fields_given_as_codes(api_client, catalog):
    user = new_seeker()
    api_client.force_authenticate(user)
    iin = fresh_iin()

    response = api_client.patch(
        PROFILE,
        {
            "full_name": "Aizhan Sample",
            "iin": iin,
            "phone": "+7 701 555 12 34",
            "region": "KZ-75",
            "skills": ["welding"],
            "desired_occupations": ["7212", "8322"],
            "desired_salary": 0,
            "employment_types": ["full_time"],
            "schedules": ["flexible"],
            "remote_ok": True,
            "search_status": "open",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["iin"], body["birth_date"], body["sex"], body["phone"]) == (iin, "1994-03-08", "male", "+77015551234")
    assert body["desired_occupations"] == ["7212", "8322"] and body["desired_salary"] == 0
    assert SeekerProfile.objects.get(user=user).region.code == "KZ-75"


def test_patch_leaves_fields_not_given_as_they_are(api_client, catalog):
    profile = fill_profile(new_seeker())
    api_client.force_authenticate(profile.user)

    api_client.patch(PROFILE, {"locality": "Kosshy"}, format="json")

    profile = seeker_profile_get_own(user=profile.user)
    assert profile.locality == "Kosshy"
    assert profile.phone == "+77015551234" and profile.desired_occupations.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"iin": "123456789012"}, "iin"),
        ({"iin": "future"}, "iin"),
        ({"iin": "taken"}, "iin"),
        ({"desired_salary": -1}, "desired_salary"),
        ({"desired_salary": "a lot"}, "desired_salary"),
        ({"region": "KZ-00"}, "region"),
        ({"desired_occupations": ["9999"]}, "desired_occupations"),
        ({"desired_occupations": ["72"]}, "desired_occupations"),
        ({"skills": ["juggling"]}, "skills"),
        ({"employment_types": ["forever"]}, "employment_types"),
        ({"phone": "12345"}, "phone"),
        ({"visibility": "everyone"}, "visibility"),
        ({"headline": "x" * 201}, "headline"),
    ],
)
def test_bad_profile_input_answers_400_by_field_and_writes_nothing(api_client, cast, data, field):
    user = new_seeker()
    api_client.force_authenticate(user)
    if data.get("iin") == "future":
        data = {"iin": future_iin()}
    if data.get("iin") == "taken":
        data = {"iin": cast.seeker_b.seeker_profile.iin}
    before = snapshot(user)

    response = api_client.patch(PROFILE, {"full_name": "Changed", "locality": "Changed", **data}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"][field]
    assert snapshot(user) == before


def test_profile_cannot_be_made_visible_before_consent(api_client, catalog):
    user = new_seeker()
    api_client.force_authenticate(user)

    response = api_client.patch(PROFILE, {"visibility": "visible"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "consent_required"
    assert response.json()["error"]["fields"]["visibility"]


@pytest.mark.parametrize("who", ["employer_a", "staff_x", "admin"])
def test_own_profile_api_is_for_job_seekers_only(api_client, cast, who):
    api_client.force_authenticate(getattr(cast, who))

    assert api_client.get(PROFILE).status_code == 403
    assert api_client.patch(PROFILE, {"locality": "X"}, format="json").status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", PROFILE),
        ("patch", PROFILE),
        ("post", "/api/v1/me/profile/educations/"),
        ("patch", "/api/v1/me/profile/educations/1/"),
        ("delete", "/api/v1/me/profile/experiences/1/"),
        ("post", "/api/v1/me/profile/languages/"),
        ("get", "/api/v1/me/consent/"),
        ("post", "/api/v1/me/consent/"),
        ("delete", "/api/v1/me/consent/"),
        ("get", "/api/v1/me/export/"),
        ("get", "/api/v1/seekers/1/"),
    ],
)
def test_anonymous_callers_are_refused(api_client, db, method, url):
    response = getattr(api_client, method)(url, {}, format="json")

    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


# --- Entries ------------------------------------------------------------------------------------


def test_education_entries_are_added_changed_and_removed(api_client, catalog):
    user = new_seeker()
    api_client.force_authenticate(user)

    created = api_client.post(
        "/api/v1/me/profile/educations/",
        {"level": "bachelor", "institution": "KazNU", "graduation_year": 2015},
        format="json",
    )
    url = f"/api/v1/me/profile/educations/{created.json()['id']}/"
    changed = api_client.patch(url, {"specialty": "Law"}, format="json")
    removed = api_client.delete(url)

    assert created.status_code == 201 and created.json()["level"] == "bachelor"
    assert changed.status_code == 200 and changed.json()["specialty"] == "Law"
    assert removed.status_code == 204
    assert not Education.objects.filter(profile__user=user).exists()


def test_experience_entries_are_added_changed_and_removed(api_client, catalog):
    user = new_seeker()
    api_client.force_authenticate(user)

    created = api_client.post(
        "/api/v1/me/profile/experiences/",
        {"employer_name": "Kaspi", "position": "Developer", "occupation": "2512", "start_date": "2019-02-01"},
        format="json",
    )
    url = f"/api/v1/me/profile/experiences/{created.json()['id']}/"
    changed = api_client.patch(url, {"end_date": "2021-12-31"}, format="json")
    removed = api_client.delete(url)

    assert created.status_code == 201, created.json()
    assert created.json()["occupation"] == "2512"
    assert changed.status_code == 200 and changed.json()["end_date"] == "2021-12-31"
    assert removed.status_code == 204
    assert not WorkExperience.objects.filter(profile__user=user).exists()


def test_language_entries_are_added_changed_and_removed(api_client, catalog):
    user = new_seeker()
    api_client.force_authenticate(user)

    created = api_client.post("/api/v1/me/profile/languages/", {"language": "en", "level": "B1"}, format="json")
    duplicate = api_client.post("/api/v1/me/profile/languages/", {"language": "en", "level": "C1"}, format="json")
    url = f"/api/v1/me/profile/languages/{created.json()['id']}/"
    changed = api_client.patch(url, {"level": "B2"}, format="json")
    removed = api_client.delete(url)

    assert created.status_code == 201
    assert duplicate.status_code == 400 and duplicate.json()["error"]["fields"]["language"]
    assert changed.status_code == 200 and changed.json()["level"] == "B2"
    assert removed.status_code == 204
    assert not LanguageSkill.objects.filter(profile__user=user).exists()


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        (
            "/api/v1/me/profile/experiences/",
            {"employer_name": "Kaspi", "position": "Courier", "start_date": "2021-05-01", "end_date": "2021-01-01"},
            "end_date",
        ),
        (
            "/api/v1/me/profile/experiences/",
            {"employer_name": "Kaspi", "position": "Courier", "start_date": "tomorrow"},
            "start_date",
        ),
        (
            "/api/v1/me/profile/experiences/",
            {"employer_name": "Kaspi", "position": "Courier", "start_date": "2021-05-01", "occupation": "0000"},
            "occupation",
        ),
        ("/api/v1/me/profile/educations/", {"level": "kindergarten", "institution": "X"}, "level"),
        ("/api/v1/me/profile/educations/", {"level": "bachelor", "institution": ""}, "institution"),
        (
            "/api/v1/me/profile/educations/",
            {"level": "bachelor", "institution": "X", "graduation_year": 2999},
            "graduation_year",
        ),
        ("/api/v1/me/profile/languages/", {"language": "klingon", "level": "B1"}, "language"),
        ("/api/v1/me/profile/languages/", {"language": "en", "level": "fluent"}, "level"),
    ],
)
def test_bad_entries_answer_400_by_field_and_write_nothing(api_client, catalog, url, data, field):
    user = new_seeker()
    api_client.force_authenticate(user)
    if data.get("start_date") == "tomorrow":
        data = data | {"start_date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}
    before = snapshot(user)

    response = api_client.post(url, data, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"][field]
    assert snapshot(user) == before


def test_entries_of_another_seeker_answer_404(api_client, cast):
    profile = fill_profile(new_seeker())
    education = profile.educations.get()
    language = profile.languages.first()
    api_client.force_authenticate(cast.seeker_b)

    assert api_client.patch(f"/api/v1/me/profile/educations/{education.pk}/", {}, format="json").status_code == 404
    assert api_client.delete(f"/api/v1/me/profile/languages/{language.pk}/").status_code == 404
    assert Education.objects.filter(pk=education.pk).exists()
    assert LanguageSkill.objects.filter(pk=language.pk).exists()


# --- Consent ------------------------------------------------------------------------------------


def test_consent_is_given_through_the_api_channel_and_withdrawn(api_client, catalog):
    user = new_seeker()
    api_client.force_authenticate(user)

    before = api_client.get("/api/v1/me/consent/").json()
    given = api_client.post("/api/v1/me/consent/", {"text_version": CONSENT_TEXT_VERSION}, format="json")
    visible = api_client.patch(PROFILE, {"visibility": "visible"}, format="json")
    withdrawn = api_client.delete("/api/v1/me/consent/")

    assert before["has_consent"] is False and before["current_text_version"] == CONSENT_TEXT_VERSION
    assert given.status_code == 201 and given.json()["channel"] == "api"
    assert visible.json()["visibility"] == "visible"
    assert withdrawn.status_code == 204
    profile = SeekerProfile.objects.get(user=user)
    assert (profile.has_consent, profile.visibility) == (False, SeekerProfile.Visibility.HIDDEN)
    assert Consent.objects.get(user=user).withdrawn_at is not None


def test_consent_must_name_the_current_text_version(api_client, catalog):
    user = new_seeker()
    api_client.force_authenticate(user)

    missing = api_client.post("/api/v1/me/consent/", {}, format="json")
    outdated = api_client.post("/api/v1/me/consent/", {"text_version": "0"}, format="json")

    assert missing.status_code == outdated.status_code == 400
    assert outdated.json()["error"]["code"] == "consent_text_outdated"
    assert not Consent.objects.filter(user=user).exists()


@pytest.mark.parametrize("who", ["employer_a", "staff_x"])
def test_consent_api_is_for_job_seekers_only(api_client, cast, who):
    api_client.force_authenticate(getattr(cast, who))

    assert api_client.get("/api/v1/me/consent/").status_code == 403
    assert api_client.post("/api/v1/me/consent/", {"text_version": "1"}, format="json").status_code == 403
    assert api_client.delete("/api/v1/me/consent/").status_code == 403


# --- Reading someone's profile ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["employer_a", "employer_b"])
def test_employers_read_a_discoverable_profile_with_the_iin_masked(api_client, cast, who):
    profile = cast.seeker_a.seeker_profile
    api_client.force_authenticate(getattr(cast, who))

    response = api_client.get(seeker_profile_url(profile))

    assert response.status_code == 200
    body = response.json()
    assert body["iin"] == mask_iin(profile.iin)
    assert body["birth_date"] is None and body["phone"] is None and body["email"] is None
    assert isinstance(body["age"], int)
    assert profile.iin not in response.content.decode()


@pytest.mark.parametrize("who", ["staff_x", "admin", "seeker_a"])
def test_owner_staff_of_the_region_and_administrators_read_the_full_iin(api_client, cast, who):
    profile = cast.seeker_a.seeker_profile
    api_client.force_authenticate(getattr(cast, who))

    body = api_client.get(seeker_profile_url(profile)).json()

    assert body["iin"] == profile.iin
    assert body["birth_date"] == profile.birth_date.isoformat()
    assert body["phone"] == profile.phone


@pytest.mark.parametrize("who", ["seeker_b", "staff_y"])
def test_other_seekers_and_staff_of_other_regions_get_404(api_client, cast, who):
    api_client.force_authenticate(getattr(cast, who))

    response = api_client.get(seeker_profile_url(cast.seeker_a.seeker_profile))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_employers_get_404_once_consent_is_withdrawn(api_client, cast):
    api_client.force_authenticate(cast.seeker_a)
    api_client.delete("/api/v1/me/consent/")
    api_client.force_authenticate(cast.employer_a)

    assert api_client.get(seeker_profile_url(cast.seeker_a.seeker_profile)).status_code == 404


def test_unknown_profile_answers_404(api_client, cast):
    api_client.force_authenticate(cast.admin)

    assert api_client.get("/api/v1/seekers/999999/").status_code == 404


def test_no_full_iin_reaches_anyone_but_the_owner_and_staff(api_client, cast):
    """Every seeker API answer to every member of the cast: the full IIN only where it belongs."""
    profile = cast.seeker_a.seeker_profile
    may_see = {"seeker_a", "staff_x", "admin"}
    for who in ["seeker_a", "seeker_b", "employer_a", "employer_b", "staff_x", "staff_y", "admin"]:
        api_client.force_authenticate(getattr(cast, who))
        bodies = [
            api_client.get(url).content.decode()
            for url in (seeker_profile_url(profile), PROFILE, "/api/v1/me/consent/", "/api/v1/me/export/")
        ]
        assert any(profile.iin in body for body in bodies) == (who in may_see), who
