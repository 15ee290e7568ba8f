"""Who a fair admits: a CV with consent, age from the IIN on the fair's first day, graduates, regions.

Each refusal is a sentence a person understands, and registering is refused with the same one.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from accounts.models import Education, SeekerProfile
from catalog.models import EducationLevel
from fairs.models import Fair
from fairs.selectors.seekers import fair_admission, fair_eligibility
from fairs.services.seekers import fair_register
from tests import factories
from tests.fairs.test_seekers import make_fair, make_seeker

# 24 December of next year, 10:00 in the exchange's time zone (Asia/Almaty): always ahead.
Y = timezone.localdate().year + 1
START = timezone.make_aware(datetime.datetime(Y, 12, 24, 10, 0))


def profile_of(user) -> SeekerProfile:
    return SeekerProfile.objects.select_related("region").get(user=user)


def eligibility(fair, user) -> str | None:
    with translation.override("en"):
        return fair_eligibility(fair=fair, profile=profile_of(user))


def under_35_fair(**fields) -> Fair:
    return make_fair(status=Fair.Status.SCHEDULED, starts_at=START, max_age=35, **fields)


def add_education(user, *, graduation_year=None, is_current=False) -> None:
    Education.objects.create(
        profile=profile_of(user),
        level=EducationLevel.objects.order_by("position").last(),
        institution="L.N. Gumilyov Eurasian National University",
        graduation_year=graduation_year,
        is_current=is_current,
    )


# --- Age ----------------------------------------------------------------------------------------


def test_someone_who_turns_35_the_day_before_the_fair_starts_is_not_admitted(catalog):
    fair = under_35_fair()
    seeker = make_seeker(birth_date=datetime.date(Y - 35, 12, 23))
    assert eligibility(fair, seeker) == (
        f"This fair is for people under 35 on its first day (24 December {Y}); you will be 35."
    )


def test_someone_who_turns_35_on_the_first_day_is_not_admitted(catalog):
    fair = under_35_fair()
    seeker = make_seeker(birth_date=datetime.date(Y - 35, 12, 24))
    assert "you will be 35" in eligibility(fair, seeker)


def test_someone_who_turns_35_the_day_after_the_fair_starts_is_admitted(catalog):
    fair = under_35_fair()
    seeker = make_seeker(birth_date=datetime.date(Y - 35, 12, 25))
    assert eligibility(fair, seeker) is None
    admission = fair_admission(fair=fair, profile=profile_of(seeker))
    assert admission.age_at_start == 34
    assert admission.is_youth is True


def test_the_message_gives_the_age_the_seeker_will_have(catalog):
    fair = under_35_fair()
    seeker = make_seeker(birth_date=datetime.date(Y - 36, 12, 20))
    assert eligibility(fair, seeker) == (
        f"This fair is for people under 35 on its first day (24 December {Y}); you will be 36."
    )


def test_the_age_comes_from_the_iin_even_when_the_profile_says_otherwise(catalog):
    fair = under_35_fair()
    seeker = make_seeker(birth_date=datetime.date(Y - 41, 1, 1))
    # A birth date typed into the profile does not override the one the IIN encodes.
    SeekerProfile.objects.filter(user=seeker).update(birth_date=datetime.date(Y - 26, 1, 1))
    assert "you will be 41" in eligibility(fair, seeker)


def test_without_an_iin_the_birth_date_of_the_profile_is_used(catalog):
    fair = under_35_fair()
    young = make_seeker(iin=False, birth_date=datetime.date(Y - 25, 6, 1))
    old = make_seeker(iin=False, birth_date=datetime.date(Y - 56, 6, 1))
    assert eligibility(fair, young) is None
    assert "you will be 56" in eligibility(fair, old)


def test_an_unknown_age_is_not_admitted_to_an_age_limited_fair_and_is_told_what_to_add(catalog):
    fair = under_35_fair()
    seeker = make_seeker(iin=False, birth_date=None)
    SeekerProfile.objects.filter(user=seeker).update(birth_date=None)
    assert eligibility(fair, seeker) == (
        f"This fair is for people under 35 on its first day (24 December {Y}): "
        "add your IIN to your CV so that we know your age."
    )


def test_a_fair_without_an_age_limit_admits_any_age(catalog):
    fair = make_fair(status=Fair.Status.SCHEDULED, starts_at=START)
    seeker = make_seeker(birth_date=datetime.date(Y - 66, 3, 3))
    assert eligibility(fair, seeker) is None
    assert fair_admission(fair=fair, profile=profile_of(seeker)).is_youth is False


def test_once_the_fair_has_started_the_message_speaks_of_the_past(catalog):
    started = timezone.now() - datetime.timedelta(days=2)
    fair = make_fair(status=Fair.Status.LIVE, starts_at=started, max_age=30)
    seeker = make_seeker(birth_date=datetime.date(timezone.localdate().year - 40, 1, 1))
    assert "; you were " in eligibility(fair, seeker)


def test_the_reason_is_translated(catalog):
    fair = under_35_fair()
    seeker = make_seeker(birth_date=datetime.date(Y - 46, 1, 1))
    with translation.override("ru"):
        message = fair_eligibility(fair=fair, profile=profile_of(seeker))
    # The date is written in the page's language whether or not the sentence has a translation yet.
    assert f"декабря {Y}" in message


# --- Graduates ----------------------------------------------------------------------------------


def test_a_graduates_only_fair_refuses_someone_without_recent_studies(catalog):
    fair = make_fair(status=Fair.Status.SCHEDULED, starts_at=START, graduates_only=True)
    seeker = make_seeker()
    add_education(seeker, graduation_year=Y - 10)
    assert eligibility(fair, seeker).startswith("This fair is for graduates:")


@pytest.mark.parametrize(("year", "current"), [(Y - 3, False), (Y, False), (None, True)])
def test_a_graduates_only_fair_admits_recent_graduates_and_students(catalog, year, current):
    fair = make_fair(status=Fair.Status.SCHEDULED, starts_at=START, graduates_only=True)
    seeker = make_seeker()
    add_education(seeker, graduation_year=year, is_current=current)
    assert eligibility(fair, seeker) is None
    assert fair_admission(fair=fair, profile=profile_of(seeker)).is_graduate is True


# --- Regions ------------------------------------------------------------------------------------


def test_a_fair_without_audience_regions_is_for_the_whole_country(cast):
    fair = make_fair(status=Fair.Status.SCHEDULED, starts_at=START)
    far_away = make_seeker(region=factories.region("KZ-75"))
    assert eligibility(fair, far_away) is None
    assert eligibility(fair, cast.seeker_a) is None


def test_a_fair_for_some_regions_refuses_seekers_elsewhere_naming_the_regions(cast):
    fair = make_fair(status=Fair.Status.SCHEDULED, starts_at=START, regions=[cast.region_y])
    assert eligibility(fair, cast.seeker_a) == (
        "This fair is for job seekers of Almaty; your CV says you live in Astana."
    )
    assert eligibility(fair, make_seeker(region=cast.region_y)) is None


def test_a_seeker_without_a_region_is_asked_to_add_it(cast):
    fair = make_fair(status=Fair.Status.SCHEDULED, starts_at=START, regions=[cast.region_x, cast.region_y])
    seeker = make_seeker()
    SeekerProfile.objects.filter(user=seeker).update(region=None)
    message = eligibility(fair, seeker)
    assert message == ("This fair is for job seekers of these regions: Almaty, Astana. Add your region to your CV.")


# --- CV and consent -----------------------------------------------------------------------------


def test_a_seeker_without_a_cv_is_told_to_fill_it_in(catalog):
    fair = make_fair(status=Fair.Status.SCHEDULED, starts_at=START)
    with translation.override("en"):
        assert fair_eligibility(fair=fair, profile=None) == (
            "Fill in your CV before registering: employers at the fair read it."
        )


def test_a_seeker_without_consent_is_asked_for_it(catalog):
    fair = make_fair(status=Fair.Status.SCHEDULED, starts_at=START)
    seeker = make_seeker(consent=False)
    assert eligibility(fair, seeker).startswith("Give your consent to the processing of personal data")


# --- Registering applies the same rules ---------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "admitted"),
    [(datetime.date(Y - 35, 12, 23), False), (datetime.date(Y - 35, 12, 25), True)],
)
def test_registering_refuses_with_the_same_reason_and_keeps_the_checked_facts(catalog, birth_date, admitted):
    fair = under_35_fair()
    Fair.objects.filter(pk=fair.pk).update(status=Fair.Status.REGISTRATION)
    fair.refresh_from_db()
    seeker = make_seeker(birth_date=birth_date)
    add_education(seeker, is_current=True)
    if admitted:
        registration = fair_register(fair=fair, seeker=seeker)
        assert (registration.age_at_start, registration.is_youth, registration.is_graduate) == (34, True, True)
        assert registration.region_id == profile_of(seeker).region_id
    else:
        with translation.override("en"), pytest.raises(Exception) as caught:
            fair_register(fair=fair, seeker=seeker)
        assert caught.value.code == "age_limit"
        assert caught.value.status_code == 403
        assert caught.value.message == eligibility(fair, seeker)


def test_registering_without_a_cv_is_refused(catalog):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    user = factories.SeekerFactory()
    with pytest.raises(Exception) as caught:
        fair_register(fair=fair, seeker=user)
    assert (caught.value.code, caught.value.status_code) == ("profile_required", 400)
