"""Applications: applying with a CV snapshot, the state machine, opening CVs, hiring, erasure, and the pages."""

from __future__ import annotations

import datetime
import json
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Education, LanguageSkill, SeekerProfile, User, WorkExperience
from catalog.models import EducationLevel, EmploymentType, Occupation, Skill
from exchange.errors import BusinessError, ConflictError
from tests import factories
from vacancies.models import Application, ApplicationEvent, CvView, Vacancy
from vacancies.selectors.applications import application_apply_panel
from vacancies.services.applications import (
    application_hire,
    application_open_cv,
    application_submit,
    application_transition,
    application_withdraw,
    applications_anonymise,
)

S = Application.Status


@pytest.fixture
def vacancy(cast) -> Vacancy:
    """A published vacancy of employer A's organization in region X, three positions."""
    return factories.VacancyFactory(organization=cast.employer_a.membership.organization, region=cast.region_x)


@pytest.fixture
def application(cast, vacancy) -> Application:
    """Seeker A's fresh application to ``vacancy``, made through the service."""
    return application_submit(vacancy=vacancy, seeker=cast.seeker_a, cover_letter="I weld well.")


def move(application, *statuses, by):
    for status in statuses:
        application = application_transition(application=application, to_status=status, by=by)
    return application


def fill_in_cv(user: User) -> SeekerProfile:
    profile = user.seeker_profile
    profile.headline = "Certified welder"
    profile.about = "Ten years on construction sites."
    profile.desired_salary = 400000
    profile.save()
    profile.skills.set(Skill.objects.filter(code__in=["welding", "turning"]))
    profile.desired_occupations.set(Occupation.objects.filter(code="7212"))
    profile.employment_types.set(EmploymentType.objects.filter(code="full_time"))
    Education.objects.create(
        profile=profile,
        level=EducationLevel.objects.get(code="technical_vocational"),
        institution="Astana Polytechnic College",
        specialty="Welding",
        graduation_year=2018,
    )
    WorkExperience.objects.create(
        profile=profile,
        employer_name="KazStroy LLP",
        position="Welder",
        occupation=Occupation.objects.get(code="7212"),
        start_date=datetime.date(2018, 9, 1),
    )
    LanguageSkill.objects.create(profile=profile, language="kk", level=LanguageSkill.Level.NATIVE)
    return profile


# --- Applying ---------------------------------------------------------------------------------


def test_seeker_applies_and_the_application_keeps_a_snapshot_of_the_cv(cast, vacancy):
    profile = fill_in_cv(cast.seeker_a)

    application = application_submit(vacancy=vacancy, seeker=cast.seeker_a, cover_letter="  I weld well.  ")

    assert application.status == S.SUBMITTED
    assert application.source == Application.Source.DIRECT
    assert application.cover_letter == "I weld well."
    cv = application.cv_snapshot
    assert cv["full_name"] == cast.seeker_a.full_name
    assert cv["email"] == cast.seeker_a.email
    assert cv["phone"] == profile.phone
    assert cv["region"]["code"] == "KZ-71"
    assert cv["headline"] == "Certified welder"
    assert cv["desired_salary"] == 400000
    assert [s["code"] for s in cv["skills"]] == ["turning", "welding"]
    assert cv["skills"][1]["name"] == {"en": "Welding", "ru": "Сварка", "kk": "Дәнекерлеу"}
    assert cv["desired_occupations"][0]["code"] == "7212"
    assert cv["employment_types"][0]["code"] == "full_time"
    assert cv["education"][0]["institution"] == "Astana Polytechnic College"
    assert cv["education"][0]["level"]["code"] == "technical_vocational"
    assert cv["experience"][0]["position"] == "Welder"
    assert cv["experience"][0]["end_date"] is None
    assert cv["languages"] == [{"language": "kk", "level": "native"}]


def test_the_snapshot_holds_the_iin_masked_and_no_birth_date(cast, vacancy):
    profile = cast.seeker_a.seeker_profile

    application = application_submit(vacancy=vacancy, seeker=cast.seeker_a)

    stored = json.dumps(Application.objects.get(pk=application.pk).cv_snapshot)
    assert application.cv_snapshot["iin_masked"] == "******" + profile.iin[-6:]
    assert profile.iin not in stored
    assert profile.birth_date.isoformat() not in stored
    assert application.cv_snapshot["age"] == profile.age_on(datetime.date.today())


def test_the_snapshot_stays_as_sent_when_the_cv_changes_later(cast, application):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(headline="Now a manager")

    application.refresh_from_db()

    assert application.cv_snapshot["headline"] == ""


def test_the_application_remembers_the_seekers_region_and_youth_for_statistics(cast, application):
    assert application.seeker_region == cast.region_x
    assert application.seeker_was_youth is True


def test_applying_is_recorded_as_the_first_event(cast, application):
    event = application.events.get()

    assert (event.from_status, event.to_status, event.by) == ("", S.SUBMITTED, cast.seeker_a)


def test_seeker_without_consent_cannot_apply(cast, vacancy):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(has_consent=False)

    with pytest.raises(BusinessError) as error:
        application_submit(vacancy=vacancy, seeker=cast.seeker_a)

    assert error.value.code == "consent_required"
    assert not Application.objects.exists()


def test_seeker_without_a_cv_cannot_apply(catalog, vacancy):
    seeker = factories.SeekerFactory()

    with pytest.raises(BusinessError) as error:
        application_submit(vacancy=vacancy, seeker=seeker)

    assert error.value.code == "profile_required"


def test_employers_cannot_apply(cast, vacancy):
    with pytest.raises(BusinessError) as error:
        application_submit(vacancy=vacancy, seeker=cast.employer_b)

    assert (error.value.code, error.value.status_code) == ("seekers_only", 403)


def test_a_second_application_to_the_same_vacancy_is_a_conflict(cast, vacancy, application):
    with pytest.raises(ConflictError) as error:
        application_submit(vacancy=vacancy, seeker=cast.seeker_a)

    assert (error.value.code, error.value.status_code) == ("already_applied", 409)
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == 1


@pytest.mark.parametrize("status", ["draft", "pending", "paused", "closed", "filled", "expired", "rejected"])
def test_only_published_vacancies_take_applications(cast, status):
    vacancy = factories.VacancyFactory(status=status)

    with pytest.raises(ConflictError) as error:
        application_submit(vacancy=vacancy, seeker=cast.seeker_a)

    assert error.value.code == "vacancy_not_open"


def test_a_vacancy_with_every_position_filled_takes_no_applications(cast):
    vacancy = factories.VacancyFactory(positions=2, positions_filled=2)

    with pytest.raises(ConflictError) as error:
        application_submit(vacancy=vacancy, seeker=cast.seeker_a)

    assert error.value.code == "no_positions_left"


def test_a_cover_letter_longer_than_5000_characters_is_refused(cast, vacancy):
    with pytest.raises(BusinessError) as error:
        application_submit(vacancy=vacancy, seeker=cast.seeker_a, cover_letter="x" * 5001)

    assert "cover_letter" in error.value.fields
    assert not Application.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_applications_of_one_seeker_make_exactly_one(cast, vacancy):
    barrier = threading.Barrier(10)
    outcomes = []

    def apply():
        try:
            barrier.wait()
            application_submit(vacancy=vacancy, seeker=cast.seeker_a)
            outcomes.append("created")
        except ConflictError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_applied"] * 9 + ["created"]
    assert Application.objects.filter(vacancy=vacancy, seeker=cast.seeker_a).count() == 1


# --- The state machine ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        [S.VIEWED, S.SHORTLISTED, S.INTERVIEW, S.OFFER, S.HIRED],
        [S.SHORTLISTED],
        [S.INTERVIEW, S.HIRED],
    ],
)
def test_employer_moves_a_candidate_forward_and_may_skip_steps(cast, application, path):
    application = move(application, *path, by=cast.employer_a)

    assert application.status == path[-1]
    assert Application.objects.get(pk=application.pk).status == path[-1]


def test_employer_cannot_move_a_candidate_back(cast, application):
    application = move(application, S.INTERVIEW, by=cast.employer_a)

    with pytest.raises(ConflictError) as error:
        application_transition(application=application, to_status=S.VIEWED, by=cast.employer_a)

    assert error.value.code == "invalid_transition"
    assert Application.objects.get(pk=application.pk).status == S.INTERVIEW


@pytest.mark.parametrize("final", [S.HIRED, S.REJECTED, S.WITHDRAWN])
@pytest.mark.parametrize("target", [S.VIEWED, S.OFFER, S.HIRED, S.REJECTED, S.WITHDRAWN])
def test_nothing_leaves_a_final_state(cast, application, final, target):
    actor = cast.seeker_a if final == S.WITHDRAWN else cast.employer_a
    application = application_transition(application=application, to_status=final, by=actor, reason="Because")

    with pytest.raises(ConflictError) as error:
        application_transition(application=application, to_status=target, by=cast.employer_a, reason="Again")

    assert error.value.code == "invalid_transition"


@pytest.mark.parametrize("status", [S.SUBMITTED, S.VIEWED, S.SHORTLISTED, S.INTERVIEW, S.OFFER])
def test_employer_rejects_from_any_open_state_with_a_reason(cast, application, status):
    if status != S.SUBMITTED:
        application = move(application, status, by=cast.employer_a)

    application = application_transition(
        application=application, to_status=S.REJECTED, by=cast.employer_a, reason="We need 5 years of experience."
    )

    assert application.status == S.REJECTED
    assert application.status_reason == "We need 5 years of experience."
    assert application.events.last().note == "We need 5 years of experience."


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(cast, application):
    with pytest.raises(BusinessError) as error:
        application_transition(application=application, to_status=S.REJECTED, by=cast.employer_a, reason="   ")

    assert error.value.code == "reason_required"
    assert "reason" in error.value.fields
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED
    assert application.events.count() == 1


def test_an_unknown_state_is_refused_as_bad_input(cast, application):
    with pytest.raises(BusinessError) as error:
        application_transition(application=application, to_status="promoted", by=cast.employer_a)

    assert "to_status" in error.value.fields


def test_only_the_seeker_withdraws(cast, application):
    for outsider in (cast.employer_a, cast.seeker_b, cast.staff_x, cast.admin):
        with pytest.raises(PermissionDenied):
            application_withdraw(application=application, by=outsider)

    application = application_withdraw(application=application, by=cast.seeker_a, reason="Found another job")

    assert application.status == S.WITHDRAWN
    assert application.status_reason == "Found another job"


def test_seeker_cannot_move_their_own_application_forward(cast, application):
    with pytest.raises(PermissionDenied):
        application_transition(application=application, to_status=S.SHORTLISTED, by=cast.seeker_a)


@pytest.mark.parametrize("who", ["employer_b", "staff_x", "admin", "seeker_b"])
def test_only_members_of_the_vacancys_organization_move_candidates(cast, application, who):
    with pytest.raises(PermissionDenied):
        application_transition(application=application, to_status=S.SHORTLISTED, by=getattr(cast, who))

    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_every_transition_is_recorded_with_who_from_and_to(cast, application):
    move(application, S.VIEWED, S.SHORTLISTED, by=cast.employer_a)
    application_withdraw(application=application, by=cast.seeker_a)

    events = list(application.events.values_list("from_status", "to_status", "by__email"))

    assert events == [
        ("", S.SUBMITTED, "seeker-a@example.kz"),
        (S.SUBMITTED, S.VIEWED, "employer-a@example.kz"),
        (S.VIEWED, S.SHORTLISTED, "employer-a@example.kz"),
        (S.SHORTLISTED, S.WITHDRAWN, "seeker-a@example.kz"),
    ]


# --- Opening the CV ---------------------------------------------------------------------------


def test_opening_the_cv_logs_a_view_and_marks_the_application_viewed(cast, application):
    application_open_cv(application=application, by=cast.employer_a)
    application_open_cv(application=application, by=cast.employer_a)

    views = CvView.objects.filter(application=application)
    assert views.count() == 2
    assert views.first().viewer == cast.employer_a
    assert views.first().organization == cast.employer_a.membership.organization
    assert Application.objects.get(pk=application.pk).status == S.VIEWED
    assert application.events.filter(to_status=S.VIEWED).count() == 1


def test_opening_the_cv_later_does_not_move_the_state_back(cast, application):
    move(application, S.SHORTLISTED, by=cast.employer_a)

    application_open_cv(application=application, by=cast.employer_a)

    assert Application.objects.get(pk=application.pk).status == S.SHORTLISTED


@pytest.mark.parametrize("who", ["employer_b", "seeker_a", "staff_x"])
def test_only_members_of_the_organization_open_cvs_as_the_employer(cast, application, who):
    with pytest.raises(PermissionDenied):
        application_open_cv(application=application, by=getattr(cast, who))

    assert not CvView.objects.exists()


# --- Hiring -----------------------------------------------------------------------------------


def test_hiring_fills_positions_and_the_last_one_closes_the_vacancy(cast):
    vacancy = factories.VacancyFactory(organization=cast.employer_a.membership.organization, positions=2)
    first = application_submit(vacancy=vacancy, seeker=cast.seeker_a)
    second = application_submit(vacancy=vacancy, seeker=cast.seeker_b)

    application_hire(application=first, by=cast.employer_a)
    vacancy.refresh_from_db()
    assert (vacancy.positions_filled, vacancy.status) == (1, Vacancy.Status.PUBLISHED)

    application_hire(application=second, by=cast.employer_a)
    vacancy.refresh_from_db()
    assert (vacancy.positions_filled, vacancy.status) == (2, Vacancy.Status.FILLED)


def test_the_last_hire_fills_a_paused_vacancy_too(cast):
    vacancy = factories.VacancyFactory(organization=cast.employer_a.membership.organization, positions=1)
    application = application_submit(vacancy=vacancy, seeker=cast.seeker_a)
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.PAUSED)

    application_hire(application=application, by=cast.employer_a)

    vacancy.refresh_from_db()
    assert (vacancy.positions_filled, vacancy.status) == (1, Vacancy.Status.FILLED)


def test_a_hire_on_an_expired_vacancy_counts_the_position_and_leaves_it_expired(cast):
    vacancy = factories.VacancyFactory(organization=cast.employer_a.membership.organization, positions=1)
    application = application_submit(vacancy=vacancy, seeker=cast.seeker_a)
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.EXPIRED)

    application_hire(application=application, by=cast.employer_a)

    vacancy.refresh_from_db()
    assert (vacancy.positions_filled, vacancy.status) == (1, Vacancy.Status.EXPIRED)


def test_hiring_when_no_position_is_left_is_refused_and_changes_nothing(cast):
    vacancy = factories.VacancyFactory(organization=cast.employer_a.membership.organization, positions=1)
    application = factories.ApplicationFactory(vacancy=vacancy, status=S.OFFER)
    Vacancy.objects.filter(pk=vacancy.pk).update(positions_filled=1)

    with pytest.raises(ConflictError) as error:
        application_hire(application=application, by=cast.employer_a)

    assert error.value.code == "no_positions_left"
    assert Application.objects.get(pk=application.pk).status == S.OFFER
    assert Vacancy.objects.get(pk=vacancy.pk).positions_filled == 1


def test_hiring_by_an_outsider_takes_no_position(cast, application):
    with pytest.raises(PermissionDenied):
        application_hire(application=application, by=cast.employer_b)

    assert Vacancy.objects.get(pk=application.vacancy_id).positions_filled == 0


# --- Erasure ----------------------------------------------------------------------------------


def test_anonymising_blanks_the_cv_letter_and_reasons_and_keeps_the_statistics(cast, application):
    application = application_transition(
        application=application, to_status=S.REJECTED, by=cast.employer_a, reason="Not enough experience"
    )
    other = application_submit(vacancy=factories.VacancyFactory(), seeker=cast.seeker_b, cover_letter="Hello")

    assert applications_anonymise(user=cast.seeker_a) == 1

    application.refresh_from_db()
    assert (application.cv_snapshot, application.cover_letter, application.status_reason) == ({}, "", "")
    assert not application.events.exclude(note="").exists()
    assert application.events.count() == 2
    assert application.status == S.REJECTED
    assert application.source == Application.Source.DIRECT
    assert application.seeker_region == cast.region_x
    assert application.seeker_was_youth is True
    other.refresh_from_db()
    assert other.cover_letter == "Hello"
    assert other.cv_snapshot


def test_deleting_an_anonymised_account_keeps_the_application_as_an_anonymous_statistic(cast, application):
    applications_anonymise(user=cast.seeker_a)

    cast.seeker_a.delete()

    application.refresh_from_db()
    assert application.seeker is None
    assert application.vacancy.pk is not None
    assert (application.status, application.seeker_region, application.cv_snapshot) == (S.SUBMITTED, cast.region_x, {})


def test_an_anonymised_application_shows_no_cv_to_its_employer(cast, application, client):
    applications_anonymise(user=cast.seeker_a)
    # What deleting the account then does to the row (on_delete=SET_NULL).
    Application.objects.filter(pk=application.pk).update(seeker=None)
    client.force_login(cast.employer_a)

    response = client.get(reverse("vacancies:application-detail", args=[application.pk]))

    assert response.status_code == 200
    assert not CvView.objects.exists()


# --- The apply panel on the vacancy page ------------------------------------------------------


def render_panel(user, vacancy) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "vacancies/_apply.html", {"apply_panel": application_apply_panel(user=user, vacancy=vacancy)}, request=request
    )


def test_the_apply_panel_offers_seekers_the_form(cast, vacancy):
    html = render_panel(cast.seeker_a, vacancy)

    assert reverse("vacancies:apply", args=[vacancy.pk]) in html
    assert 'name="cover_letter"' in html


def test_the_apply_panel_shows_the_state_once_applied(cast, vacancy, application):
    move(application, S.SHORTLISTED, by=cast.employer_a)

    html = render_panel(cast.seeker_a, vacancy)

    assert 'name="cover_letter"' not in html
    assert "app-status-shortlisted" in html
    assert reverse("vacancies:application-detail", args=[application.pk]) in html


def test_the_apply_panel_asks_for_consent_first(cast, vacancy):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(has_consent=False)

    html = render_panel(cast.seeker_a, vacancy)

    assert 'name="cover_letter"' not in html
    assert "notice" in html


def test_the_apply_panel_shows_nothing_to_others(cast, vacancy):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), cast.employer_a, cast.staff_x, cast.admin):
        assert render_panel(user, vacancy).strip() == ""


# --- Pages ------------------------------------------------------------------------------------


def test_seeker_applies_through_the_page(cast, vacancy, client):
    client.force_login(cast.seeker_a)

    response = client.post(reverse("vacancies:apply", args=[vacancy.pk]), {"cover_letter": "Hire me"})

    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("vacancies:application-detail", args=[application.pk])
    assert application.cover_letter == "Hire me"


def test_a_too_long_cover_letter_on_the_page_answers_400_and_writes_nothing(cast, vacancy, client):
    client.force_login(cast.seeker_a)

    response = client.post(reverse("vacancies:apply", args=[vacancy.pk]), {"cover_letter": "x" * 5001})

    assert response.status_code == 400
    assert response.context["form"].errors["cover_letter"]
    assert not Application.objects.exists()


def test_applying_twice_through_the_page_shows_the_conflict(cast, vacancy, application, client):
    client.force_login(cast.seeker_a)

    response = client.post(reverse("vacancies:apply", args=[vacancy.pk]), {"cover_letter": ""})

    assert response.status_code == 409
    assert response.context["form"].non_field_errors()
    assert Application.objects.count() == 1


def test_a_draft_vacancy_has_no_apply_page(cast, client):
    client.force_login(cast.seeker_a)

    response = client.get(reverse("vacancies:apply", args=[factories.VacancyFactory(status="draft").pk]))

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(vacancy, client):
    for url in (
        reverse("vacancies:apply", args=[vacancy.pk]),
        reverse("vacancies:my-applications"),
        reverse("vacancies:candidates", args=[vacancy.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response.url


def test_my_applications_page_shows_each_state_and_history_in_a_fixed_number_of_queries(
    cast, client, django_assert_max_num_queries
):
    for _ in range(4):
        application = application_submit(vacancy=factories.VacancyFactory(), seeker=cast.seeker_a)
    client.force_login(cast.seeker_a)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("vacancies:my-applications"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 4
    assert application.vacancy.title in response.content.decode()


def test_other_roles_have_no_my_applications_page(cast, client):
    client.force_login(cast.employer_a)

    assert client.get(reverse("vacancies:my-applications")).status_code == 403


@pytest.mark.parametrize("who", ["seeker_b", "employer_b", "staff_y"])
def test_outsiders_get_404_for_an_application_page(cast, application, client, who):
    client.force_login(getattr(cast, who))

    response = client.get(reverse("vacancies:application-detail", args=[application.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["seeker_a", "staff_x", "admin"])
def test_the_applicant_regional_staff_and_administrators_read_an_application_without_opening_it(
    cast, application, client, who
):
    client.force_login(getattr(cast, who))

    response = client.get(reverse("vacancies:application-detail", args=[application.pk]))

    assert response.status_code == 200
    assert not CvView.objects.exists()
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_the_employer_opening_the_application_page_opens_the_cv(cast, application, client):
    client.force_login(cast.employer_a)

    response = client.get(reverse("vacancies:application-detail", args=[application.pk]))

    assert response.status_code == 200
    assert cast.seeker_a.full_name in response.content.decode()
    assert CvView.objects.filter(application=application, viewer=cast.employer_a).count() == 1
    assert response.context["application"].status == S.VIEWED


def test_employer_shortlists_with_a_button(cast, application, client):
    client.force_login(cast.employer_a)

    response = client.post(
        reverse("vacancies:application-transition", args=[application.pk]), {"to_status": S.SHORTLISTED}
    )

    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == S.SHORTLISTED


def test_rejecting_on_the_page_without_a_reason_answers_400_and_changes_nothing(cast, application, client):
    client.force_login(cast.employer_a)

    response = client.post(
        reverse("vacancies:application-transition", args=[application.pk]), {"to_status": S.REJECTED, "reason": ""}
    )

    assert response.status_code == 400
    assert response.context["reject_form"].errors["reason"]
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_an_illegal_move_on_the_page_answers_409(cast, application, client):
    move(application, S.OFFER, by=cast.employer_a)
    client.force_login(cast.employer_a)

    response = client.post(reverse("vacancies:application-transition", args=[application.pk]), {"to_status": S.VIEWED})

    assert response.status_code == 409
    assert Application.objects.get(pk=application.pk).status == S.OFFER


def test_employer_of_another_organization_cannot_move_a_candidate_on_the_page(cast, application, client):
    client.force_login(cast.employer_b)

    response = client.post(
        reverse("vacancies:application-transition", args=[application.pk]), {"to_status": S.SHORTLISTED}
    )

    assert response.status_code == 404


def test_seeker_withdraws_on_the_page(cast, application, client):
    client.force_login(cast.seeker_a)

    response = client.post(reverse("vacancies:application-withdraw", args=[application.pk]), {"reason": ""})

    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == S.WITHDRAWN


def test_employer_cannot_withdraw_a_candidate_on_the_page(cast, application, client):
    client.force_login(cast.employer_a)

    response = client.post(reverse("vacancies:application-withdraw", args=[application.pk]), {"reason": ""})

    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_candidates_page_lists_the_vacancys_candidates_by_state(cast, vacancy, application, client):
    second = application_submit(vacancy=vacancy, seeker=cast.seeker_b)
    move(second, S.SHORTLISTED, by=cast.employer_a)
    client.force_login(cast.employer_a)

    everyone = client.get(reverse("vacancies:candidates", args=[vacancy.pk]))
    shortlisted = client.get(reverse("vacancies:candidates", args=[vacancy.pk]), {"status": "shortlisted"})

    assert [a.pk for a in everyone.context["page"].object_list] == [application.pk, second.pk]
    assert [a.pk for a in shortlisted.context["page"].object_list] == [second.pk]
    assert not CvView.objects.exists()


def test_candidates_page_answers_in_a_fixed_number_of_queries(cast, vacancy, client, django_assert_max_num_queries):
    for _ in range(5):
        factories.ApplicationFactory(vacancy=vacancy, cv_snapshot={"full_name": "Someone"})
    client.force_login(cast.employer_a)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("vacancies:candidates", args=[vacancy.pk]))

    assert len(response.context["page"].object_list) == 5


@pytest.mark.parametrize(("who", "status"), [("employer_b", 404), ("seeker_a", 403), ("staff_x", 403)])
def test_others_cannot_see_an_employers_candidates(cast, vacancy, application, client, who, status):
    client.force_login(getattr(cast, who))

    assert client.get(reverse("vacancies:candidates", args=[vacancy.pk])).status_code == status
