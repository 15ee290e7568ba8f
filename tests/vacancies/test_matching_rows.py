"""The seekers' matching rows (``vacancies_matching_seeker``) follow every write of a CV: the
profile and consent services, experience and education, the account's state, erasure, a catalogue
correction, a TRUNCATE, and two edits of one CV at once. Each test checks the row itself and that
the suitable-candidates list, which reads only these rows, sees the change."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.models import SeekerProfile, User
from accounts.services.privacy import seeker_account_delete
from accounts.services.seekers import (
    consent_give,
    consent_withdraw,
    seeker_education_add,
    seeker_education_delete,
    seeker_experience_add,
    seeker_experience_delete,
    seeker_experience_update,
    seeker_profile_update,
)
from catalog.models import EducationLevel, Occupation, Region, Skill
from tests.factories import TEST_PASSWORD
from tests.vacancies.test_matching_helpers import make_seeker, make_vacancy
from vacancies.selectors.matching import MATCHING_TABLE, suitable_candidates

pytestmark = pytest.mark.django_db


def _rows(user: User) -> dict[str, dict]:
    """The seeker's matching rows by minor group."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {MATCHING_TABLE} WHERE user_id = %s ORDER BY minor_code",  # noqa: S608
            [user.pk],
        )
        columns = [c.name for c in cursor.description]
        return {row[columns.index("minor_code")]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}


def _row(user: User) -> dict:
    (row,) = _rows(user).values()
    return row


def _assert_in_step() -> None:
    """Every stored row is the one the CV gives now, and none is missing."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FROM (
                (SELECT * FROM {MATCHING_TABLE} EXCEPT
                 SELECT * FROM vacancies_matching_seeker_rows(ARRAY(SELECT id FROM accounts_seekerprofile)))
                UNION ALL
                (SELECT * FROM vacancies_matching_seeker_rows(ARRAY(SELECT id FROM accounts_seekerprofile)) EXCEPT
                 SELECT * FROM {MATCHING_TABLE})) differences"""  # noqa: S608
        )
        assert cursor.fetchone()[0] == 0


def _candidate_ids(vacancy) -> set[int]:
    return {profile.user_id for profile in suitable_candidates(vacancy=vacancy, page_size=100).rows}


def _ids(model, *codes: str) -> list[int]:
    return sorted(model.objects.filter(code__in=codes).values_list("pk", flat=True))


def test_a_new_seeker_has_one_row_per_minor_group_with_their_cv(catalog):
    seeker = make_seeker(
        occupations=("7212", "7213", "7411"), skills=("welding", "driving_b"), salary=300_000, relocate=True
    )

    rows = _rows(seeker)

    assert set(rows) == {"721", "741"}
    welders = rows["721"]
    assert welders["occupation_ids"] == _ids(Occupation, "7212", "7213")
    assert welders["skill_ids"] == _ids(Skill, "welding", "driving_b")
    assert welders["discoverable"] is True
    assert welders["willing_to_relocate"] is True
    assert welders["desired_salary"] == 300_000
    assert rows["741"]["occupation_ids"] == _ids(Occupation, "7411")
    _assert_in_step()


def test_a_seeker_without_desired_occupations_has_no_row(catalog):
    seeker = make_seeker(occupations=())

    assert _rows(seeker) == {}


def test_editing_the_profile_through_its_service_moves_the_row(catalog):
    vacancy = make_vacancy(required=("welding", "driving_b"))
    seeker = make_seeker(region="KZ-75", skills=("welding",))
    profile = seeker.seeker_profile
    assert seeker.pk not in _candidate_ids(vacancy)

    seeker_profile_update(
        profile=profile,
        region=Region.objects.get(code="KZ-71"),
        skills=list(Skill.objects.filter(code__in=("welding", "driving_b"))),
        desired_occupations=list(Occupation.objects.filter(code__in=("7212", "2512"))),
        desired_salary=400_000,
        remote_ok=True,
    )

    rows = _rows(seeker)
    assert set(rows) == {"251", "721"}
    assert rows["721"]["region_id"] == Region.objects.get(code="KZ-71").pk
    assert rows["721"]["skill_ids"] == _ids(Skill, "welding", "driving_b")
    assert rows["721"]["desired_salary"] == 400_000
    assert rows["721"]["remote_ok"] is True
    page = suitable_candidates(vacancy=vacancy)
    assert [p.user_id for p in page.rows] == [seeker.pk]
    assert page.rows[0].match.reasons[1].params == {"covered": 2, "total": 2}
    _assert_in_step()


def test_dropping_an_occupation_deletes_its_row(catalog):
    seeker = make_seeker(occupations=("7212", "7411"))

    seeker_profile_update(
        profile=seeker.seeker_profile, desired_occupations=list(Occupation.objects.filter(code="7411"))
    )

    assert set(_rows(seeker)) == {"741"}
    _assert_in_step()


@pytest.mark.parametrize(
    "change",
    [
        {"visibility": SeekerProfile.Visibility.HIDDEN},
        {"search_status": SeekerProfile.SearchStatus.NOT_LOOKING},
    ],
)
def test_hiding_the_cv_or_stopping_the_search_takes_the_seeker_out_at_once(catalog, change):
    vacancy = make_vacancy()
    seeker = make_seeker()
    assert seeker.pk in _candidate_ids(vacancy)

    seeker_profile_update(profile=seeker.seeker_profile, **change)

    assert _row(seeker)["discoverable"] is False
    assert seeker.pk not in _candidate_ids(vacancy)
    _assert_in_step()


def test_withdrawing_consent_takes_the_seeker_out_and_giving_it_back_lets_them_be_found(catalog):
    vacancy = make_vacancy()
    seeker = make_seeker()

    consent_withdraw(user=seeker)

    assert _row(seeker)["discoverable"] is False
    assert seeker.pk not in _candidate_ids(vacancy)

    consent_give(user=seeker, channel="web")
    seeker_profile_update(profile=SeekerProfile.objects.get(user=seeker), visibility=SeekerProfile.Visibility.VISIBLE)

    assert _row(seeker)["discoverable"] is True
    assert seeker.pk in _candidate_ids(vacancy)
    _assert_in_step()


def test_a_queryset_update_that_bypasses_the_services_is_followed_too(catalog):
    seeker = make_seeker()

    SeekerProfile.objects.filter(user=seeker).update(has_consent=False)

    assert _row(seeker)["discoverable"] is False


def test_deactivating_the_account_or_changing_its_role_takes_the_seeker_out(catalog):
    vacancy = make_vacancy()
    deactivated = make_seeker()
    promoted = make_seeker()
    login = make_seeker()

    User.objects.filter(pk=deactivated.pk).update(is_active=False)
    promoted.role = User.Role.EMPLOYER
    promoted.save()
    login.last_login = timezone.now()
    login.save(update_fields=["last_login"])

    assert _row(deactivated)["discoverable"] is False
    assert _row(promoted)["discoverable"] is False
    assert _row(login)["discoverable"] is True
    assert _candidate_ids(vacancy) == {login.pk}
    _assert_in_step()


def test_experience_added_changed_and_deleted_moves_the_experience_part(catalog):
    vacancy = make_vacancy(experience_years=2)
    seeker = make_seeker()
    profile = seeker.seeker_profile
    today = timezone.localdate()

    finished = seeker_experience_add(
        profile=profile,
        employer_name="Steel LLP",
        position="Welder",
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=35),
    )
    current = seeker_experience_add(
        profile=profile, employer_name="Pipe LLP", position="Welder", start_date=today - datetime.timedelta(days=400)
    )

    row = _row(seeker)
    assert row["exp_closed_days"] == 365
    assert row["exp_open_count"] == 1
    assert row["exp_open_start_sum"] == (today - datetime.timedelta(days=400) - datetime.date(2000, 1, 1)).days
    match = suitable_candidates(vacancy=vacancy).rows[0].match
    assert "experience_ok" in [r.code for r in match.reasons]  # 365 + 400 days: two years

    seeker_experience_update(experience=current, start_date=today - datetime.timedelta(days=100))
    seeker_experience_delete(experience=finished)

    row = _row(seeker)
    assert (row["exp_closed_days"], row["exp_open_count"]) == (0, 1)
    match = suitable_candidates(vacancy=vacancy).rows[0].match
    assert match.reasons[-1].code == "experience_short"
    _assert_in_step()


def test_finished_education_counts_and_current_studies_do_not(catalog):
    vacancy = make_vacancy(education_level="bachelor")
    seeker = make_seeker()
    profile = seeker.seeker_profile
    bachelor = EducationLevel.objects.get(code="bachelor")

    studying = seeker_education_add(profile=profile, level=bachelor, institution="University", is_current=True)
    assert _row(seeker)["edu_level_ids"] == []
    seeker_education_add(profile=profile, level=bachelor, institution="University", graduation_year=2020)

    assert _row(seeker)["edu_level_ids"] == [bachelor.pk]
    assert "education_ok" in [r.code for r in suitable_candidates(vacancy=vacancy).rows[0].match.reasons]
    seeker_education_delete(education=studying)
    _assert_in_step()


def test_erasing_the_account_deletes_the_rows(catalog):
    vacancy = make_vacancy()
    seeker = make_seeker()
    seeker.set_password(TEST_PASSWORD)
    seeker.save(update_fields=["password"])

    seeker_account_delete(user=seeker, password=TEST_PASSWORD)

    assert _rows(seeker) == {}
    assert _candidate_ids(vacancy) == set()
    _assert_in_step()


def test_moving_an_occupation_to_another_group_regroups_its_seekers(catalog):
    seeker = make_seeker(occupations=("7212",))
    welder = Occupation.objects.get(code="7212")
    minor = Occupation.objects.get(code="741")

    Occupation.objects.filter(pk=welder.pk).update(code="7419", parent=minor)

    assert set(_rows(seeker)) == {"741"}
    _assert_in_step()


def test_truncating_the_profiles_empties_the_rows(catalog):
    make_seeker()

    with connection.cursor() as cursor:
        # Django's foreign keys are deferred: check them now, or PostgreSQL refuses the TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE accounts_seekerprofile CASCADE")
        cursor.execute(f"SELECT count(*) FROM {MATCHING_TABLE}")  # noqa: S608
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_two_edits_of_one_cv_at_once_leave_the_row_of_both(catalog):
    seeker = make_seeker(skills=("welding",))
    profile_id = seeker.seeker_profile.pk
    skills = {code: Skill.objects.get(code=code).pk for code in ("driving_b", "first_aid")}
    barrier = threading.Barrier(2)
    errors = []

    def add(skill_id: int) -> None:
        try:
            barrier.wait()
            SeekerProfile.skills.through.objects.create(seekerprofile_id=profile_id, skill_id=skill_id)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(pk,)) for pk in skills.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert _row(seeker)["skill_ids"] == _ids(Skill, "welding", "driving_b", "first_aid")
    _assert_in_step()
