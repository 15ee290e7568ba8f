"""Job seekers: consent, the profile (CV) services, who sees a profile, and the seeker pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Consent, Education, LanguageSkill, SeekerProfile, User, WorkExperience
from accounts.selectors.seekers import (
    seeker_iin_for_viewer,
    seeker_personal_details_for_viewer,
    seeker_profile_get_for_viewing,
    seeker_profile_get_own,
)
from accounts.services.seekers import (
    CONSENT_TEXT_VERSION,
    consent_give,
    consent_withdraw,
    seeker_education_add,
    seeker_education_update,
    seeker_experience_add,
    seeker_experience_update,
    seeker_language_add,
    seeker_language_update,
    seeker_profile_update,
)
from accounts.validators import make_iin, mask_iin
from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule
from exchange.errors import BusinessError
from tests import factories

pytestmark = pytest.mark.django_db

BIRTH_DATE = datetime.date(1994, 3, 8)


def fresh_iin(serial: int = 4242, birth_date: datetime.date = BIRTH_DATE, sex: str = "male") -> str:
    """A valid IIN no factory hands out (factories use a birth date 25 years ago)."""
    return factories.valid_iin(serial, birth_date=birth_date, sex=sex)


def future_iin() -> str:
    """An IIN that is well-formed, with a correct check digit, but a birth date next year."""
    birth_date = datetime.date(timezone.localdate().year + 1, 1, 2)
    serial = 0
    while (iin := make_iin(birth_date, "female", serial)) is None:
        serial += 1
    return iin


def new_seeker(email: str = "aizhan@example.kz") -> User:
    """A seeker who just signed up: an empty profile, no consent."""
    user = factories.SeekerFactory(email=email, full_name="Aizhan Sample")
    SeekerProfile.objects.create(user=user)
    return user


def fill_profile(user: User) -> SeekerProfile:
    """A complete CV built through the services, the way the pages and the API build it."""
    profile = seeker_profile_get_own(user=user)
    seeker_profile_update(
        profile=profile,
        full_name="Aizhan Sample",
        iin=fresh_iin(),
        phone="8 (701) 555-12-34",
        region=Region.objects.get(code="KZ-71"),
        locality="Astana",
        headline="Welder",
        about="Ten years in construction.",
        skills=list(Skill.objects.order_by("code")[:2]),
        other_skills="Forklift licence",
        desired_occupations=[Occupation.objects.get(code="7212")],
        desired_salary=350_000,
        employment_types=[EmploymentType.objects.get(code="full_time")],
        schedules=[WorkSchedule.objects.get(code="shift_work")],
        willing_to_relocate=True,
        remote_ok=False,
        search_status=SeekerProfile.SearchStatus.OPEN,
    )
    seeker_education_add(
        profile=profile,
        level=EducationLevel.objects.get(code="technical_vocational"),
        institution="Astana Polytechnic College",
        specialty="Welding",
        graduation_year=2014,
    )
    seeker_experience_add(
        profile=profile,
        employer_name="BI Group",
        position="Welder",
        occupation=Occupation.objects.get(code="7212"),
        start_date=datetime.date(2015, 1, 10),
        end_date=datetime.date(2020, 6, 30),
        description="Pipelines",
    )
    seeker_language_add(profile=profile, language="kk", level=LanguageSkill.Level.NATIVE)
    seeker_language_add(profile=profile, language="ru", level=LanguageSkill.Level.C1)
    consent_give(user=user, channel=Consent.Channel.WEB)
    return seeker_profile_update(profile=seeker_profile_get_own(user=user), visibility=SeekerProfile.Visibility.VISIBLE)


def snapshot(user: User) -> dict:
    """Everything a profile update could touch, to prove a refused update wrote nothing."""
    profile = SeekerProfile.objects.get(user=user)
    return {
        "user": User.objects.filter(pk=user.pk).values("full_name").get(),
        "profile": SeekerProfile.objects.filter(pk=profile.pk).values().get(),
        "m2m": {
            name: sorted(getattr(profile, name).values_list("pk", flat=True))
            for name in ("skills", "desired_occupations", "employment_types", "schedules")
        },
        "educations": list(Education.objects.filter(profile=profile).values()),
        "experiences": list(WorkExperience.objects.filter(profile=profile).values()),
        "languages": list(LanguageSkill.objects.filter(profile=profile).values()),
    }


# --- Profile service ----------------------------------------------------------------------------


def test_iin_sets_birth_date_and_sex_and_phone_is_normalised(catalog):
    user = new_seeker()
    profile = seeker_profile_update(
        profile=seeker_profile_get_own(user=user), iin=fresh_iin(sex="female"), phone="+7 (701) 555 12 34"
    )

    profile.refresh_from_db()
    assert profile.birth_date == BIRTH_DATE
    assert profile.sex == SeekerProfile.Sex.FEMALE
    assert profile.phone == "+77015551234"


def test_a_full_profile_is_saved_with_its_catalog_values(catalog):
    profile = fill_profile(new_seeker())

    profile = seeker_profile_get_own(user=profile.user)
    assert profile.region.code == "KZ-71"
    assert [o.code for o in profile.desired_occupations.all()] == ["7212"]
    assert profile.desired_salary == 350_000
    assert [e.code for e in profile.employment_types.all()] == ["full_time"]
    assert profile.educations.count() == 1 and profile.experiences.count() == 1
    assert sorted(language.language for language in profile.languages.all()) == ["kk", "ru"]
    assert profile.is_discoverable


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"iin": "123456789012"}, "iin"),
        ({"iin": "12345"}, "iin"),
        ({"iin": "future"}, "iin"),
        ({"phone": "+1 202 555 0100"}, "phone"),
        ({"phone": "+7 912 345 67 89"}, "phone"),  # a Russian number
        ({"desired_salary": -1}, "desired_salary"),
        ({"desired_salary": 10**10}, "desired_salary"),
        ({"desired_occupations": "major group"}, "desired_occupations"),
        ({"full_name": ""}, "full_name"),
        ({"locality": "x" * 121}, "locality"),
        ({"search_status": "sleeping"}, "search_status"),
    ],
)
def test_bad_profile_input_is_refused_by_field_and_nothing_is_written(catalog, fields, field):
    user = new_seeker()
    fields = dict(fields)
    if fields.get("iin") == "future":
        fields["iin"] = future_iin()
    if fields.get("desired_occupations") == "major group":
        fields["desired_occupations"] = [Occupation.objects.get(code="7")]
    before = snapshot(user)

    with pytest.raises(BusinessError) as error:
        # Valid fields given along with the bad one are not written either.
        seeker_profile_update(
            profile=seeker_profile_get_own(user=user), **({"full_name": "Changed Name", "remote_ok": True} | fields)
        )

    assert error.value.code == "invalid"
    assert field in error.value.fields
    assert snapshot(user) == before


def test_birth_date_in_the_future_is_refused_with_a_message_about_it(catalog):
    user = new_seeker()

    with pytest.raises(BusinessError) as error:
        seeker_profile_update(profile=seeker_profile_get_own(user=user), iin=future_iin())

    assert "future" in error.value.fields["iin"][0]


def test_an_iin_registered_to_another_seeker_is_a_field_error(cast):
    taken = cast.seeker_a.seeker_profile.iin
    user = new_seeker()

    with pytest.raises(BusinessError) as error:
        seeker_profile_update(profile=seeker_profile_get_own(user=user), iin=taken)

    assert "iin" in error.value.fields
    assert SeekerProfile.objects.get(user=user).iin is None


def test_clearing_the_iin_clears_birth_date_and_sex(catalog):
    user = new_seeker()
    profile = seeker_profile_update(profile=seeker_profile_get_own(user=user), iin=fresh_iin())

    seeker_profile_update(profile=profile, iin="")

    profile.refresh_from_db()
    assert (profile.iin, profile.birth_date, profile.sex) == (None, None, "")


def test_profile_cannot_become_visible_without_consent(catalog):
    user = new_seeker()

    with pytest.raises(BusinessError) as error:
        seeker_profile_update(profile=seeker_profile_get_own(user=user), visibility=SeekerProfile.Visibility.VISIBLE)

    assert error.value.code == "consent_required"
    assert "visibility" in error.value.fields
    assert SeekerProfile.objects.get(user=user).visibility == SeekerProfile.Visibility.HIDDEN


def test_youth_and_graduate_flags_follow_birth_date_and_education(catalog):
    user = new_seeker()
    profile = seeker_profile_get_own(user=user)
    young = datetime.date(timezone.localdate().year - 20, 1, 1)
    seeker_profile_update(profile=profile, iin=fresh_iin(birth_date=young))
    seeker_education_add(
        profile=profile,
        level=EducationLevel.objects.get(code="bachelor"),
        institution="Nazarbayev University",
        graduation_year=timezone.localdate().year - 1,
    )

    profile = seeker_profile_get_own(user=user)
    assert profile.is_youth() and profile.is_graduate()
    assert not profile.is_youth(day=datetime.date(young.year + 35, 1, 1))

    seeker_profile_update(profile=profile, iin=fresh_iin(birth_date=datetime.date(1970, 1, 1)))
    Education.objects.filter(profile=profile).update(graduation_year=1992)
    profile = seeker_profile_get_own(user=user)
    assert not profile.is_youth() and not profile.is_graduate()


# --- Entries ------------------------------------------------------------------------------------


def test_graduation_year_in_the_far_future_is_refused(catalog):
    profile = seeker_profile_get_own(user=new_seeker())

    with pytest.raises(BusinessError) as error:
        seeker_education_add(
            profile=profile,
            level=EducationLevel.objects.get(code="bachelor"),
            institution="KazNU",
            graduation_year=timezone.localdate().year + 11,
            is_current=True,
        )

    assert "graduation_year" in error.value.fields
    assert not Education.objects.filter(profile=profile).exists()


def test_education_update_checks_the_whole_entry(catalog):
    profile = seeker_profile_get_own(user=new_seeker())
    entry = seeker_education_add(
        profile=profile, level=EducationLevel.objects.get(code="bachelor"), institution="KazNU"
    )

    seeker_education_update(education=entry, specialty="Law", is_current=True)
    with pytest.raises(BusinessError) as error:
        seeker_education_update(education=Education.objects.get(pk=entry.pk), institution="  ")

    assert "institution" in error.value.fields
    entry.refresh_from_db()
    assert (entry.institution, entry.specialty, entry.is_current) == ("KazNU", "Law", True)


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"start_date": datetime.date(2020, 5, 1), "end_date": datetime.date(2020, 4, 30)}, "end_date"),
        ({"start_date": "tomorrow"}, "start_date"),
        ({"start_date": datetime.date(2020, 5, 1), "end_date": "tomorrow"}, "end_date"),
    ],
)
def test_experience_dates_must_be_ordered_and_not_in_the_future(catalog, dates, field):
    profile = seeker_profile_get_own(user=new_seeker())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    dates = {name: tomorrow if value == "tomorrow" else value for name, value in dates.items()}

    with pytest.raises(BusinessError) as error:
        seeker_experience_add(profile=profile, employer_name="Kaspi", position="Courier", **dates)

    assert field in error.value.fields
    assert not WorkExperience.objects.filter(profile=profile).exists()


def test_experience_update_cannot_move_the_end_before_the_start(catalog):
    profile = seeker_profile_get_own(user=new_seeker())
    entry = seeker_experience_add(
        profile=profile, employer_name="Kaspi", position="Courier", start_date=datetime.date(2020, 5, 1)
    )

    with pytest.raises(BusinessError) as error:
        seeker_experience_update(experience=entry, end_date=datetime.date(2019, 1, 1))

    assert "end_date" in error.value.fields
    assert WorkExperience.objects.get(pk=entry.pk).end_date is None


def test_experience_occupation_must_be_a_unit_group(catalog):
    profile = seeker_profile_get_own(user=new_seeker())

    with pytest.raises(BusinessError) as error:
        seeker_experience_add(
            profile=profile,
            employer_name="Kaspi",
            position="Courier",
            occupation=Occupation.objects.get(code="83"),
            start_date=datetime.date(2020, 5, 1),
        )

    assert "occupation" in error.value.fields


def test_a_language_is_listed_once_with_a_known_code(catalog):
    profile = seeker_profile_get_own(user=new_seeker())
    seeker_language_add(profile=profile, language="KK", level="native")

    with pytest.raises(BusinessError) as duplicate:
        seeker_language_add(profile=profile, language="kk", level="C1")
    with pytest.raises(BusinessError) as unknown:
        seeker_language_add(profile=profile, language="xx", level="C1")
    with pytest.raises(BusinessError) as bad_level:
        seeker_language_add(profile=profile, language="en", level="C3")

    assert "language" in duplicate.value.fields and "language" in unknown.value.fields
    assert "level" in bad_level.value.fields
    assert list(LanguageSkill.objects.filter(profile=profile).values_list("language", flat=True)) == ["kk"]


def test_a_language_cannot_be_renamed_to_one_already_listed(catalog):
    profile = seeker_profile_get_own(user=new_seeker())
    seeker_language_add(profile=profile, language="kk", level="native")
    english = seeker_language_add(profile=profile, language="en", level="B1")

    with pytest.raises(BusinessError):
        seeker_language_update(language_skill=english, language="kk")
    seeker_language_update(language_skill=english, level="B2")

    assert LanguageSkill.objects.get(pk=english.pk).level == "B2"


# --- Consent ------------------------------------------------------------------------------------


def test_giving_consent_records_text_version_time_and_channel(catalog):
    user = new_seeker()

    consent = consent_give(user=user, channel=Consent.Channel.API)

    assert (consent.text_version, consent.channel, consent.withdrawn_at) == (CONSENT_TEXT_VERSION, "api", None)
    assert consent.given_at is not None
    assert SeekerProfile.objects.get(user=user).has_consent


def test_giving_consent_twice_keeps_one_consent_in_force(catalog):
    user = new_seeker()

    first = consent_give(user=user, channel=Consent.Channel.WEB)
    second = consent_give(user=user, channel=Consent.Channel.WEB)

    assert first.pk == second.pk
    assert Consent.objects.filter(user=user).count() == 1


def test_consent_to_an_outdated_text_is_refused(catalog):
    user = new_seeker()

    with pytest.raises(BusinessError) as error:
        consent_give(user=user, channel=Consent.Channel.API, text_version="0")

    assert error.value.code == "consent_text_outdated"
    assert not Consent.objects.filter(user=user).exists()


def test_withdrawing_consent_hides_the_profile_and_keeps_the_record(cast):
    user = cast.seeker_a
    assert user.seeker_profile.is_discoverable

    consent_withdraw(user=user)

    profile = SeekerProfile.objects.get(user=user)
    assert not profile.has_consent
    assert profile.visibility == SeekerProfile.Visibility.HIDDEN
    assert Consent.objects.get(user=user).withdrawn_at is not None


def test_consent_can_be_given_again_after_withdrawal(cast):
    consent_withdraw(user=cast.seeker_a)

    consent_give(user=cast.seeker_a, channel=Consent.Channel.WEB)

    assert Consent.objects.filter(user=cast.seeker_a).count() == 2
    assert SeekerProfile.objects.get(user=cast.seeker_a).has_consent


@pytest.mark.parametrize("who", ["employer_a", "staff_x", "admin"])
def test_only_job_seekers_give_consent(cast, who):
    with pytest.raises(PermissionDenied):
        consent_give(user=getattr(cast, who), channel=Consent.Channel.WEB)


# --- Who sees a profile -------------------------------------------------------------------------


def test_seeker_sees_own_profile_with_full_iin(cast):
    profile = seeker_profile_get_own(user=cast.seeker_a)

    assert seeker_iin_for_viewer(profile=profile, viewer=cast.seeker_a) == profile.iin


@pytest.mark.parametrize("who", ["staff_x", "admin"])
def test_staff_of_the_region_and_administrators_see_the_full_iin(cast, who):
    viewer = getattr(cast, who)
    profile = seeker_profile_get_for_viewing(user=viewer, profile_id=cast.seeker_a.seeker_profile.pk)

    details = seeker_personal_details_for_viewer(profile=profile, viewer=viewer)

    assert details["iin"] == profile.iin
    assert details["birth_date"] == profile.birth_date
    assert details["phone"] == profile.phone


@pytest.mark.parametrize("who", ["employer_a", "employer_b"])
def test_employers_see_a_masked_iin_and_no_birth_date_or_contacts(cast, who):
    viewer = getattr(cast, who)
    profile = seeker_profile_get_for_viewing(user=viewer, profile_id=cast.seeker_a.seeker_profile.pk)

    details = seeker_personal_details_for_viewer(profile=profile, viewer=viewer)

    assert details["iin"] == mask_iin(profile.iin) != profile.iin
    assert details["birth_date"] is details["phone"] is details["email"] is None
    assert details["age"] is not None


@pytest.mark.parametrize("who", ["seeker_b", "staff_y"])
def test_other_seekers_and_staff_of_other_regions_get_404(cast, who):
    with pytest.raises(Http404):
        seeker_profile_get_for_viewing(user=getattr(cast, who), profile_id=cast.seeker_a.seeker_profile.pk)


@pytest.mark.parametrize(
    "change",
    [
        {"visibility": SeekerProfile.Visibility.HIDDEN},
        {"has_consent": False},
    ],
)
def test_employers_get_404_for_profiles_that_are_not_discoverable(cast, change):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(**change)

    with pytest.raises(Http404):
        seeker_profile_get_for_viewing(user=cast.employer_a, profile_id=cast.seeker_a.seeker_profile.pk)
    # Staff of the region still see it: they help seekers whatever the visibility.
    assert seeker_profile_get_for_viewing(user=cast.staff_x, profile_id=cast.seeker_a.seeker_profile.pk)


def test_employers_get_404_for_deactivated_accounts(cast):
    User.objects.filter(pk=cast.seeker_a.pk).update(is_active=False)

    with pytest.raises(Http404):
        seeker_profile_get_for_viewing(user=cast.employer_a, profile_id=cast.seeker_a.seeker_profile.pk)


@pytest.mark.parametrize("who", ["employer_a", "staff_x", "admin"])
def test_only_job_seekers_have_an_own_profile(cast, who):
    with pytest.raises(PermissionDenied):
        seeker_profile_get_own(user=getattr(cast, who))


def test_a_seeker_without_a_profile_gets_an_empty_one(catalog):
    user = factories.SeekerFactory()

    profile = seeker_profile_get_own(user=user)

    assert profile.user == user and profile.visibility == SeekerProfile.Visibility.HIDDEN


# --- Pages --------------------------------------------------------------------------------------

SEEKER_PAGES = [
    "accounts:profile",
    "accounts:profile-personal",
    "accounts:profile-education",
    "accounts:profile-experience",
    "accounts:profile-skills",
    "accounts:profile-preferences",
    "accounts:profile-consent",
    "accounts:account-delete",
]


@pytest.mark.parametrize("name", [*SEEKER_PAGES, "accounts:data-export", "accounts:data-export-download"])
def test_anonymous_visitors_are_sent_to_log_in(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_visitors_are_sent_to_log_in_from_a_seeker_profile(client, cast):
    response = client.get(reverse("accounts:seeker-detail", args=[cast.seeker_a.seeker_profile.pk]))

    assert response.status_code == 302


@pytest.mark.parametrize("name", SEEKER_PAGES)
def test_seeker_pages_answer_the_seeker(client, cast, name):
    client.force_login(cast.seeker_a)

    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", SEEKER_PAGES)
def test_seeker_pages_are_forbidden_to_employers(client, cast, name):
    client.force_login(cast.employer_a)

    assert client.get(reverse(name)).status_code == 403


def test_wizard_shows_the_progress_and_the_next_step(client, catalog):
    client.force_login(new_seeker())

    response = client.get(reverse("accounts:profile-education"))

    html = response.content.decode()
    assert "Step 2 of 6" in html
    assert 'aria-current="step"' in html
    assert reverse("accounts:profile-experience") in html


def test_personal_step_saves_and_goes_to_the_next_step(client, catalog):
    user = new_seeker()
    client.force_login(user)
    iin = fresh_iin()

    response = client.post(
        reverse("accounts:profile-personal"),
        {"full_name": "Aizhan Sample", "iin": iin, "phone": "87015551234", "region": "KZ-75", "locality": "Almaty"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile-education")
    profile = SeekerProfile.objects.get(user=user)
    assert (profile.iin, profile.phone, profile.region.code, profile.birth_date) == (
        iin,
        "+77015551234",
        "KZ-75",
        BIRTH_DATE,
    )


def test_personal_step_shows_the_iin_error_and_writes_nothing(client, catalog):
    user = new_seeker()
    client.force_login(user)
    before = snapshot(user)

    response = client.post(
        reverse("accounts:profile-personal"),
        {"full_name": "Another Name", "iin": "123456789012", "phone": "87015551234", "region": "KZ-75"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["iin"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert snapshot(user) == before


def test_personal_step_refuses_an_unknown_region(client, catalog):
    user = new_seeker()
    client.force_login(user)

    response = client.post(reverse("accounts:profile-personal"), {"full_name": "A B", "region": "KZ-00"})

    assert response.context["form"].errors["region"]
    assert SeekerProfile.objects.get(user=user).region is None


def test_education_step_adds_edits_and_removes_entries(client, catalog):
    user = new_seeker()
    client.force_login(user)

    client.post(
        reverse("accounts:profile-education"),
        {"level": "bachelor", "institution": "KazNU", "specialty": "Law", "graduation_year": "2016"},
    )
    entry = Education.objects.get(profile__user=user)
    client.post(
        reverse("accounts:profile-education-edit", args=[entry.pk]),
        {"level": "master", "institution": "KazNU", "graduation_year": "2018"},
    )
    entry.refresh_from_db()
    assert (entry.level.code, entry.graduation_year) == ("master", 2018)

    client.post(reverse("accounts:profile-education-delete", args=[entry.pk]))
    assert not Education.objects.filter(profile__user=user).exists()


def test_experience_step_shows_the_date_error(client, catalog):
    user = new_seeker()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile-experience"),
        {"employer_name": "Kaspi", "position": "Courier", "start_date": "2021-05-01", "end_date": "2021-01-01"},
    )

    assert response.context["form"].errors["end_date"]
    assert not WorkExperience.objects.filter(profile__user=user).exists()


def test_experience_occupation_is_picked_from_the_datalist_text(client, catalog):
    user = new_seeker()
    client.force_login(user)

    page = client.get(reverse("accounts:profile-experience")).content.decode()
    client.post(
        reverse("accounts:profile-experience"),
        {
            "employer_name": "Kaspi",
            "position": "Developer",
            "occupation": "2512 Software developers",
            "start_date": "2021-05-01",
        },
    )

    assert '<datalist id="isco-unit-groups">' in page and 'value="2512 ' in page
    assert WorkExperience.objects.get(profile__user=user).occupation.code == "2512"


def test_entries_of_another_seeker_answer_404(client, catalog):
    owner = new_seeker("owner@example.kz")
    profile = seeker_profile_get_own(user=owner)
    entry = seeker_education_add(profile=profile, level=EducationLevel.objects.get(code="bachelor"), institution="X")
    language = seeker_language_add(profile=profile, language="en", level="B1")
    client.force_login(new_seeker("other@example.kz"))

    assert client.get(reverse("accounts:profile-education-edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("accounts:profile-education-delete", args=[entry.pk])).status_code == 404
    assert client.post(reverse("accounts:profile-language-delete", args=[language.pk])).status_code == 404
    assert Education.objects.filter(pk=entry.pk).exists()


def test_skills_step_adds_a_language_and_saves_skills(client, catalog):
    user = new_seeker()
    client.force_login(user)

    client.post(
        reverse("accounts:profile-skills"),
        {"action": "add-language", "language-language": "en", "language-level": "B2"},
    )
    response = client.post(
        reverse("accounts:profile-skills"),
        {"headline": "Welder", "skills": ["welding"], "other_skills": "Forklift"},
    )

    assert response["Location"] == reverse("accounts:profile-preferences")
    profile = SeekerProfile.objects.get(user=user)
    assert [s.code for s in profile.skills.all()] == ["welding"]
    assert (profile.headline, profile.other_skills) == ("Welder", "Forklift")
    assert list(profile.languages.values_list("language", "level")) == [("en", "B2")]


def test_preferences_step_saves_occupations_typed_as_codes(client, catalog):
    user = new_seeker()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile-preferences"),
        {
            "desired_occupations_0": "7212 Welders and flame cutters",
            "desired_occupations_1": "8322",
            "desired_salary": "300000",
            "employment_types": ["full_time", "shift"],
            "schedules": ["shift_work"],
            "willing_to_relocate": "on",
            "search_status": "active",
        },
    )

    assert response.status_code == 302
    profile = SeekerProfile.objects.get(user=user)
    assert sorted(o.code for o in profile.desired_occupations.all()) == ["7212", "8322"]
    assert profile.desired_salary == 300_000 and profile.willing_to_relocate and not profile.remote_ok


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"desired_occupations_0": "72 Metal workers"}, "desired_occupations"),
        ({"desired_occupations_0": "9999"}, "desired_occupations"),
        ({"desired_occupations_0": "welder"}, "desired_occupations"),
        ({"desired_salary": "-5"}, "desired_salary"),
    ],
)
def test_preferences_step_shows_bad_input_and_writes_nothing(client, catalog, data, field):
    user = new_seeker()
    client.force_login(user)
    before = snapshot(user)

    response = client.post(reverse("accounts:profile-preferences"), {"search_status": "open", **data})

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert snapshot(user) == before


def test_consent_step_gives_consent_and_makes_the_profile_visible(client, catalog):
    user = new_seeker()
    client.force_login(user)

    page = client.get(reverse("accounts:profile-consent")).content.decode()
    response = client.post(reverse("accounts:profile-consent"), {"agree": "on", "visibility": "visible"})

    assert "Consent to the processing of personal data" in page
    assert response["Location"] == reverse("accounts:profile")
    assert Consent.objects.get(user=user).channel == Consent.Channel.WEB
    assert SeekerProfile.objects.get(user=user).is_discoverable


def test_consent_step_refuses_visibility_without_consent(client, catalog):
    user = new_seeker()
    client.force_login(user)

    response = client.post(reverse("accounts:profile-consent"), {"visibility": "visible"})

    assert response.context["form"].errors["visibility"]
    assert SeekerProfile.objects.get(user=user).visibility == SeekerProfile.Visibility.HIDDEN


def test_withdrawing_consent_on_the_page_hides_the_profile(client, cast):
    client.force_login(cast.seeker_a)

    response = client.post(reverse("accounts:consent-withdraw"))

    assert response["Location"] == reverse("accounts:profile")
    assert not SeekerProfile.objects.get(user=cast.seeker_a).is_discoverable


def test_overview_shows_the_whole_profile_with_edit_links(client, catalog):
    profile = fill_profile(new_seeker())
    client.force_login(profile.user)

    html = client.get(reverse("accounts:profile")).content.decode()

    for text in [profile.iin, "+77015551234", "Astana Polytechnic College", "BI Group", "7212", "350", "Forklift"]:
        assert text in html
    for name in SEEKER_PAGES[1:]:
        assert reverse(name) in html
    assert reverse("accounts:data-export") in html and reverse("accounts:consent-withdraw") in html


def test_employer_sees_the_profile_page_with_a_masked_iin(client, cast):
    profile = cast.seeker_a.seeker_profile
    client.force_login(cast.employer_b)

    response = client.get(reverse("accounts:seeker-detail", args=[profile.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert mask_iin(profile.iin) in html
    assert profile.iin not in html
    assert profile.phone not in html and cast.seeker_a.email not in html


def test_staff_of_the_region_see_the_profile_page_with_the_full_iin(client, cast):
    profile = cast.seeker_a.seeker_profile
    client.force_login(cast.staff_x)

    response = client.get(reverse("accounts:seeker-detail", args=[profile.pk]))

    assert profile.iin in response.content.decode()


@pytest.mark.parametrize("who", ["seeker_b", "staff_y"])
def test_profile_page_answers_404_to_outsiders(client, cast, who):
    client.force_login(getattr(cast, who))

    response = client.get(reverse("accounts:seeker-detail", args=[cast.seeker_a.seeker_profile.pk]))

    assert response.status_code == 404


def test_editing_an_experience_entry_shows_the_date_error_and_keeps_the_entry(client, catalog):
    user = new_seeker()
    client.force_login(user)
    profile = SeekerProfile.objects.get(user=user)
    entry = WorkExperience.objects.create(
        profile=profile, employer_name="Kaspi", position="Courier", start_date=datetime.date(2021, 5, 1)
    )
    url = reverse("accounts:profile-experience-edit", args=[entry.pk])

    response = client.post(
        url, {"employer_name": "Kaspi", "position": "Courier", "start_date": "2021-05-01", "end_date": "2021-01-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end_date"]
    entry.refresh_from_db()
    assert entry.end_date is None

    response = client.post(url, {"employer_name": "Kaspi", "position": "Senior courier", "start_date": "2021-05-01"})

    assert response["Location"] == reverse("accounts:profile-experience")
    entry.refresh_from_db()
    assert entry.position == "Senior courier"


def test_editing_a_language_level_saves_it_and_returns_to_the_skills_step(client, catalog):
    user = new_seeker()
    client.force_login(user)
    entry = LanguageSkill.objects.create(profile=SeekerProfile.objects.get(user=user), language="kk", level="B1")

    response = client.post(reverse("accounts:profile-language-edit", args=[entry.pk]), {"level": "C1"})

    assert response["Location"] == reverse("accounts:profile-skills")
    entry.refresh_from_db()
    assert entry.level == "C1"
