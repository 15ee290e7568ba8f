"""Matching: the score and its reasons, the hard filters, the candidate query and the seeker's list."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import SeekerProfile
from catalog.models import Skill
from tests.vacancies.test_matching_helpers import make_seeker, make_vacancy
from vacancies.models import Vacancy
from vacancies.selectors.matching import (
    EMPLOYER,
    MAX_SCORE,
    SEEKER,
    WEIGHTS,
    MatchReason,
    matching_vacancies_for_seeker,
    reason_names,
    suitable_candidates,
    vacancy_match_for_seeker,
)

pytestmark = pytest.mark.django_db


def _codes(match) -> list[str]:
    return [reason.code for reason in match.reasons]


def _match(vacancy, user):
    return vacancy_match_for_seeker(vacancy=vacancy, profile=user.seeker_profile)


def _candidates(vacancy, **kwargs) -> dict:
    """user id -> match of every suitable candidate of the vacancy."""
    return {profile.user_id: profile.match for profile in suitable_candidates(vacancy=vacancy, **kwargs).rows}


# --- The score and its reasons ----------------------------------------------------------------


def test_the_weights_add_up_to_a_hundred():
    assert MAX_SCORE == 100
    assert WEIGHTS["occupation_exact"] > WEIGHTS["occupation_minor"] > WEIGHTS["occupation_major"]


def test_a_welder_in_the_same_city_with_every_skill_scores_a_hundred(catalog):
    vacancy = make_vacancy(salary_min=300_000, salary_max=450_000, experience_years=1)
    seeker = make_seeker(salary=350_000, experience_years=2)

    match = _candidates(vacancy)[seeker.pk]

    assert match.score == 100
    assert _codes(match) == ["occupation_exact", "skills_required", "same_region", "salary_meets_wish", "experience_ok"]
    assert match.reasons[1].params == {"covered": 1, "total": 1}


def test_a_neighbouring_occupation_with_half_the_skills_relocating_scores_the_documented_parts(catalog):
    vacancy = make_vacancy(
        required=("welding", "driving_b"),
        salary_min=300_000,
        salary_max=400_000,
        experience_years=3,
        education_level="technical_vocational",
    )
    seeker = make_seeker(
        occupations=("7213",),  # sheet metal workers: the welders' minor group 721
        region="KZ-75",
        relocate=True,
        salary=600_000,
        experience_years=2,
        education="bachelor",
    )

    match = _candidates(vacancy)[seeker.pk]

    # 20 minor group + 10 (1 of 2 required) + 5 (no nice-to-have listed) + 10 relocation
    # + 0 salary (400k is below 80 % of 600k) + 5 (2 of 3 years: at least half) + 5 education
    assert match.score == 55
    assert _codes(match) == [
        "occupation_minor",
        "skills_required",
        "skills_missing",
        "relocate",
        "salary_below_wish",
        "experience_short",
        "education_ok",
    ]
    driving = Skill.objects.get(code="driving_b")
    assert match.reasons[2].params == {"skills": [driving.pk]}
    assert match.reasons[5].params == {"years": 2, "need": 3}


def test_a_salary_close_to_the_wish_counts_half_and_missing_education_and_experience_count_nothing(catalog):
    vacancy = make_vacancy(salary_min=300_000, salary_max=450_000, experience_years=1, education_level="bachelor")
    seeker = make_seeker(salary=500_000, education="technical_vocational")

    match = _candidates(vacancy)[seeker.pk]

    assert match.score == 35 + 20 + 5 + 15 + 5 + 0 + 0
    assert {"salary_below_wish", "experience_short", "education_below"} <= set(_codes(match))


def test_nice_to_have_skills_add_up_to_five(catalog):
    vacancy = make_vacancy(nice=("driving_b", "first_aid"), experience_years=0)
    one_of_two = make_seeker(skills=("welding", "first_aid"))

    match = _candidates(vacancy)[one_of_two.pk]

    assert match.score == 35 + 20 + 2 + 15 + 10 + 10 + 5  # 5 * 1 / 2 rounds down
    assert MatchReason("skills_nice", {"covered": 1, "total": 2}) in match.reasons


def test_a_salary_above_the_wish_and_no_experience_required_are_said(catalog):
    vacancy = make_vacancy(salary_min=500_000, salary_max=600_000, experience_years=0)
    seeker = make_seeker(salary=400_000)

    codes = _codes(_candidates(vacancy)[seeker.pk])

    assert "salary_above_wish" in codes
    assert "experience_not_required" in codes


def test_a_remote_vacancy_matches_a_remote_seeker_elsewhere_but_not_one_who_stays_home(catalog):
    vacancy = make_vacancy(is_remote=True)
    remote = make_seeker(region="KZ-75", remote=True)
    stays_home = make_seeker(region="KZ-75")

    candidates = _candidates(vacancy)

    assert "remote" in _codes(candidates[remote.pk])
    assert stays_home.pk not in candidates


def test_a_seeker_elsewhere_who_will_not_move_is_no_candidate_for_an_office_job(catalog):
    vacancy = make_vacancy()
    make_seeker(region="KZ-75")
    make_seeker(region=None)

    assert _candidates(vacancy) == {}


def test_reasons_are_rendered_for_each_side_in_the_active_language(catalog):
    names = reason_names([MatchReason("skills_missing", {"skills": [Skill.objects.get(code="driving_b").pk]})])
    missing = MatchReason("skills_missing", {"skills": [Skill.objects.get(code="driving_b").pk]}, "bad")
    salary = MatchReason("salary_above_wish")

    with translation.override("en"):
        assert missing.text(names=names) == "Missing: Driving licence B"
        assert salary.text(viewer=SEEKER) == "Salary above your wish"
        assert salary.text(viewer=EMPLOYER) == "Salary above the candidate's wish"
    with translation.override("ru"):
        assert "Водительские права категории B" in missing.text(names=reason_names([missing]))
    with translation.override("kk"):
        assert missing.text(names=reason_names([missing]))


# --- Hard filters -----------------------------------------------------------------------------


def test_hidden_unconsenting_not_looking_and_inactive_seekers_are_never_candidates(catalog):
    vacancy = make_vacancy()
    active = make_seeker()
    open_to_offers = make_seeker(status=SeekerProfile.SearchStatus.OPEN)
    make_seeker(visibility=SeekerProfile.Visibility.HIDDEN)
    make_seeker(consent=False)
    make_seeker(status=SeekerProfile.SearchStatus.NOT_LOOKING)
    make_seeker(active=False)

    assert set(_candidates(vacancy)) == {active.pk, open_to_offers.pk}


@pytest.mark.parametrize("status", ["draft", "pending", "paused", "closed"])
def test_a_vacancy_that_is_not_published_has_no_candidates(catalog, status):
    vacancy = make_vacancy(status=status)
    make_seeker()

    page = suitable_candidates(vacancy=vacancy)

    assert page.rows == []
    assert page.enabled is False
    assert page.notice


def test_an_occupation_outside_the_minor_group_is_no_candidate_but_the_seeker_still_sees_the_fit(catalog):
    vacancy = make_vacancy(experience_years=1)
    electrician = make_seeker(occupations=("7411",))  # same major group 7, other minor group

    assert _candidates(vacancy) == {}
    match = _match(vacancy, electrician)
    assert match.score == 10 + 20 + 5 + 15 + 10 + 0 + 5
    assert _codes(match)[0] == "occupation_major"


def test_the_seekers_own_fit_needs_consent_but_not_a_visible_profile(catalog):
    vacancy = make_vacancy()
    hidden = make_seeker(visibility=SeekerProfile.Visibility.HIDDEN)
    unconsenting = make_seeker(consent=False)

    assert _match(vacancy, hidden).score == 100 - 10  # experience: 1 year asked, none
    assert _match(vacancy, unconsenting) is None


# --- The candidate query ----------------------------------------------------------------------


def test_candidates_are_ranked_best_first_and_paged(catalog):
    vacancy = make_vacancy(required=("welding", "driving_b"))
    best = make_seeker(skills=("welding", "driving_b"), experience_years=3)
    middle = make_seeker(skills=("welding",), experience_years=3)
    last = make_seeker(occupations=("7213",), skills=("welding",))

    first = suitable_candidates(vacancy=vacancy, page=1, page_size=2)
    second = suitable_candidates(vacancy=vacancy, page=2, page_size=2)

    assert [p.user_id for p in first.rows] == [best.pk, middle.pk]
    assert [p.user_id for p in second.rows] == [last.pk]
    assert first.total == 3
    assert first.has_next and not second.has_next
    assert [p.match.score for p in first.rows + second.rows] == sorted(
        [p.match.score for p in first.rows + second.rows], reverse=True
    )


def test_the_candidate_query_costs_the_same_number_of_queries_for_any_number_of_candidates(catalog):
    vacancy = make_vacancy(required=("welding", "driving_b"), education_level="general_secondary")

    def queries() -> int:
        fresh = Vacancy.objects.get(pk=vacancy.pk)
        with CaptureQueriesContext(connection) as captured:
            page = suitable_candidates(vacancy=fresh)
            page.render_reasons(viewer=EMPLOYER)
            for profile in page.rows:
                list(profile.desired_occupations.all())
                list(profile.skills.all())
                str(profile.region)
                str(profile.user)
        return len(captured)

    make_seeker(skills=("welding",), education="bachelor")
    few = queries()
    for _ in range(6):
        make_seeker(skills=("welding",), education="bachelor", occupations=("7212", "7213"))
    assert len(suitable_candidates(vacancy=vacancy).rows) == 7
    assert queries() == few


def test_the_ranking_is_computed_by_the_database_not_by_loading_seekers(catalog):
    vacancy = make_vacancy()
    for _ in range(5):
        make_seeker()

    with CaptureQueriesContext(connection) as captured:
        page = suitable_candidates(vacancy=vacancy, page_size=2)

    assert len(page.rows) == 2 and page.total == 5
    ranked = [q["sql"] for q in captured if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"] and "score" in q["sql"]]
    assert len(ranked) == 1
    # The page's profiles are fetched by id: two, not five.
    profile_reads = [q["sql"] for q in captured if 'FROM "accounts_seekerprofile"' in q["sql"]]
    assert len(profile_reads) == 1


# --- Vacancies for a seeker -------------------------------------------------------------------


def test_vacancies_for_you_lists_published_matching_vacancies_best_first(catalog):
    seeker = make_seeker(salary=350_000, experience_years=2)
    exact = make_vacancy(title="Welder A")
    neighbour = make_vacancy(title="Sheet metal", occupation="7213", required=())
    make_vacancy(title="Draft welder", status="draft", published_at=None, expires_at=None)
    make_vacancy(title="Expired welder", expires_at=timezone.now() - datetime.timedelta(days=1), status="published")
    make_vacancy(title="Welder in Almaty", region="KZ-75")
    make_vacancy(title="Electrician", occupation="7411", required=("electrical_installation",))

    page = matching_vacancies_for_seeker(user=seeker)

    assert [v.pk for v in page.rows] == [exact.pk, neighbour.pk]
    assert page.rows[0].match.score == 100
    assert page.rows[1].match.reasons[0].code == "occupation_minor"


def test_vacancies_for_you_names_the_missing_skills(catalog):
    seeker = make_seeker()
    vacancy = make_vacancy(required=("welding", "driving_b"))

    page = matching_vacancies_for_seeker(user=seeker)
    page.render_reasons(viewer=SEEKER)

    (row,) = page.rows
    assert row.pk == vacancy.pk
    with translation.override("en"):
        page.render_reasons(viewer=SEEKER)
    texts = [reason["text"] for reason in row.match.display]
    assert "Missing: Driving licence B" in texts
    assert "1 of 2 required skills" in texts


def test_vacancies_for_you_needs_consent(catalog):
    seeker = make_seeker(consent=False)
    make_vacancy()

    page = matching_vacancies_for_seeker(user=seeker)

    assert page.rows == [] and page.enabled is False and page.notice


def test_a_hidden_seeker_still_gets_vacancies_for_you_with_a_notice(catalog):
    seeker = make_seeker(visibility=SeekerProfile.Visibility.HIDDEN)
    vacancy = make_vacancy()

    page = matching_vacancies_for_seeker(user=seeker)

    assert [v.pk for v in page.rows] == [vacancy.pk]
    assert page.notice


def test_vacancies_for_you_without_desired_occupations_asks_for_them(catalog):
    seeker = make_seeker(occupations=())
    make_vacancy()

    page = matching_vacancies_for_seeker(user=seeker)

    assert page.rows == [] and not page.enabled


def test_both_sides_see_the_same_score(catalog):
    seeker = make_seeker(occupations=("7213",), relocate=True, region="KZ-75", salary=500_000)
    vacancy = make_vacancy(required=("welding", "driving_b"))

    for_seeker = matching_vacancies_for_seeker(user=seeker).rows[0].match
    for_employer = _candidates(vacancy)[seeker.pk]

    assert for_seeker.score == for_employer.score
    assert _codes(for_seeker) == _codes(for_employer)
