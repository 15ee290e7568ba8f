"""Referrals: staff refer seekers of their region, the yearly quota holds under concurrency,
deadlines in working days, overdue flags, outcomes, quota administration, API and pages."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from accounts.models import SeekerProfile
from exchange.errors import BusinessError, ConflictError
from tests import factories
from vacancies.models import Application, Referral, ReferralQuota, Vacancy
from vacancies.selectors.referrals import referral_quota_usage, referrals_for_staff
from vacancies.services.applications import application_hire, application_transition, application_withdraw
from vacancies.services.referrals import referral_create, referral_quota_set, working_days_after

S = Application.Status
TODAY = timezone.localdate


@pytest.fixture
def vacancy(cast) -> Vacancy:
    """A published vacancy of employer A in region X (staff X's region), ten positions."""
    return factories.VacancyFactory(
        organization=cast.employer_a.membership.organization, region=cast.region_x, positions=10
    )


@pytest.fixture
def quota(cast) -> ReferralQuota:
    return ReferralQuota.objects.create(region=cast.region_x, year=TODAY().year, limit=5)


@pytest.fixture
def referral(cast, vacancy, quota) -> Referral:
    return referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_a)


def consenting_seeker(region) -> object:
    profile = factories.SeekerProfileFactory(region=region, has_consent=True)
    return profile.user


def make_overdue(referral: Referral, days: int = 1) -> None:
    Referral.objects.filter(pk=referral.pk).update(reply_deadline=TODAY() - datetime.timedelta(days=days))


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


# --- Working days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 9)),  # Monday -> next Monday
        (datetime.date(2026, 3, 4), datetime.date(2026, 3, 11)),  # Wednesday -> next Wednesday
        (datetime.date(2026, 3, 6), datetime.date(2026, 3, 13)),  # Friday -> next Friday
        (datetime.date(2026, 3, 7), datetime.date(2026, 3, 13)),  # Saturday -> Friday
        (datetime.date(2026, 3, 8), datetime.date(2026, 3, 13)),  # Sunday -> Friday
    ],
)
def test_the_reply_deadline_counts_five_working_days(start, expected):
    assert working_days_after(start, 5) == expected


# --- Referring --------------------------------------------------------------------------------


def test_staff_refer_a_seeker_which_applies_with_source_referral(cast, vacancy, quota, referral):
    application = referral.application

    assert application.source == Application.Source.REFERRAL
    assert (application.vacancy, application.seeker, application.status) == (vacancy, cast.seeker_a, S.SUBMITTED)
    assert application.cv_snapshot["full_name"] == cast.seeker_a.full_name
    assert application.events.get().by == cast.staff_x
    assert referral.staff == cast.staff_x
    assert referral.centre == cast.staff_x.staff_assignment.centre
    assert referral.region == cast.region_x
    assert referral.reply_deadline == working_days_after(TODAY(), 5)
    assert referral.outcome == Referral.Outcome.PENDING
    quota.refresh_from_db()
    assert quota.used == 1


def test_without_a_quota_for_the_year_nobody_is_referred(cast, vacancy):
    ReferralQuota.objects.create(region=cast.region_x, year=TODAY().year - 1, limit=100)

    with pytest.raises(BusinessError) as error:
        referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_a)

    assert error.value.code == "no_referral_quota"
    assert not Application.objects.exists()


def test_a_used_up_quota_refuses_more_referrals_and_writes_nothing(cast, vacancy, quota):
    ReferralQuota.objects.filter(pk=quota.pk).update(used=5)

    with pytest.raises(ConflictError) as error:
        referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_a)

    assert error.value.code == "referral_limit_reached"
    assert not Application.objects.exists()
    assert not Referral.objects.exists()


def test_a_refused_application_uses_no_quota(cast, vacancy, quota):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(has_consent=False)

    with pytest.raises(BusinessError) as error:
        referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_a)

    assert error.value.code == "consent_required"
    quota.refresh_from_db()
    assert quota.used == 0


def test_a_seeker_who_already_applied_is_not_referred_and_uses_no_quota(cast, vacancy, quota, referral):
    with pytest.raises(ConflictError) as error:
        referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_a)

    assert error.value.code == "already_applied"
    quota.refresh_from_db()
    assert quota.used == 1


def test_staff_cannot_refer_to_a_vacancy_of_another_region(cast, quota):
    elsewhere = factories.VacancyFactory(region=cast.region_y)
    ReferralQuota.objects.create(region=cast.region_y, year=TODAY().year, limit=5)

    with pytest.raises(PermissionDenied):
        referral_create(staff=cast.staff_x, vacancy=elsewhere, seeker=cast.seeker_a)


def test_staff_cannot_refer_a_seeker_of_another_region(cast, vacancy, quota):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(region=cast.region_y)

    with pytest.raises(PermissionDenied):
        referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_a)


@pytest.mark.parametrize("who", ["admin", "employer_a", "seeker_b"])
def test_only_centre_staff_refer(cast, vacancy, quota, who):
    with pytest.raises(PermissionDenied):
        referral_create(staff=getattr(cast, who), vacancy=vacancy, seeker=cast.seeker_a)


@pytest.mark.django_db(transaction=True)
def test_30_simultaneous_referrals_with_a_limit_of_10_make_exactly_10(cast):
    vacancy = factories.VacancyFactory(
        organization=cast.employer_a.membership.organization, region=cast.region_x, positions=50
    )
    quota = ReferralQuota.objects.create(region=cast.region_x, year=TODAY().year, limit=10)
    seekers = [consenting_seeker(cast.region_x) for _ in range(30)]
    barrier = threading.Barrier(30)
    results: list = [None] * 30

    def refer(i):
        try:
            barrier.wait()
            results[i] = referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=seekers[i])
        except Exception as exc:  # the test inspects whatever each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refer, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sum(isinstance(r, Referral) for r in results) == 10
    assert sorted({r.code for r in results if isinstance(r, ConflictError)}) == ["referral_limit_reached"]
    assert sum(isinstance(r, ConflictError) for r in results) == 20
    quota.refresh_from_db()
    assert quota.used == 10
    assert Referral.objects.count() == 10
    assert Application.objects.filter(source=Application.Source.REFERRAL).count() == 10


# --- Outcomes and overdue flags ---------------------------------------------------------------


def test_hiring_a_referred_seeker_counts_as_hired(cast, referral):
    application_hire(application=referral.application, by=cast.employer_a)

    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.HIRED


def test_rejecting_a_referred_seeker_counts_as_not_hired(cast, referral):
    application_transition(
        application=referral.application, to_status=S.REJECTED, by=cast.employer_a, reason="No certificate"
    )

    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.NOT_HIRED


def test_a_referred_seeker_withdrawing_counts_as_not_hired(cast, referral):
    application_withdraw(application=referral.application, by=cast.seeker_a)

    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.NOT_HIRED


def test_moving_a_referred_seeker_forward_keeps_the_outcome_pending(cast, referral):
    application_transition(application=referral.application, to_status=S.INTERVIEW, by=cast.employer_a)

    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.PENDING


def overdue_ids(user) -> set[int]:
    return {r.pk for r in referrals_for_staff(user=user) if r.is_overdue}


def test_a_referral_the_employer_has_not_answered_by_the_deadline_is_overdue(cast, referral):
    make_overdue(referral)

    assert overdue_ids(cast.staff_x) == {referral.pk}
    assert [r.pk for r in referrals_for_staff(user=cast.staff_x, overdue=True)] == [referral.pk]


def test_an_opened_but_unanswered_referral_is_still_overdue(cast, referral):
    application_transition(application=referral.application, to_status=S.VIEWED, by=cast.employer_a)
    make_overdue(referral)

    assert overdue_ids(cast.staff_x) == {referral.pk}


def test_a_referral_is_not_overdue_on_its_deadline_day(cast, referral):
    make_overdue(referral, days=0)

    assert overdue_ids(cast.staff_x) == set()


@pytest.mark.parametrize("status", [S.SHORTLISTED, S.INTERVIEW])
def test_a_referral_the_employer_moved_forward_is_not_overdue(cast, referral, status):
    application_transition(application=referral.application, to_status=status, by=cast.employer_a)
    make_overdue(referral, days=10)

    assert overdue_ids(cast.staff_x) == set()
    assert list(referrals_for_staff(user=cast.staff_x, overdue=True)) == []


def test_a_referral_with_an_outcome_is_not_overdue(cast, referral):
    application_withdraw(application=referral.application, by=cast.seeker_a)
    make_overdue(referral, days=10)

    assert overdue_ids(cast.staff_x) == set()


def test_staff_see_only_their_regions_referrals(cast, referral):
    assert [r.pk for r in referrals_for_staff(user=cast.staff_x)] == [referral.pk]
    assert list(referrals_for_staff(user=cast.staff_y)) == []
    assert [r.pk for r in referrals_for_staff(user=cast.admin)] == [referral.pk]


def test_quota_usage_counts_issued_hired_not_hired_pending_and_overdue(cast, vacancy, quota):
    referrals = [referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=consenting_seeker(cast.region_x))]
    referrals += [referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=consenting_seeker(cast.region_x))]
    referrals += [referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=consenting_seeker(cast.region_x))]
    application_hire(application=referrals[0].application, by=cast.employer_a)
    application_transition(application=referrals[1].application, to_status=S.REJECTED, by=cast.employer_a, reason="No")
    make_overdue(referrals[2])

    [row] = referral_quota_usage(user=cast.staff_x, year=TODAY().year)

    assert row["region"] == cast.region_x
    assert (row["limit"], row["used"], row["remaining"]) == (5, 3, 2)
    assert (row["hired"], row["not_hired"], row["pending"], row["overdue"]) == (1, 1, 1, 1)


# --- Quota administration ---------------------------------------------------------------------


def test_administrator_sets_and_changes_a_regions_yearly_limit(cast):
    quota = referral_quota_set(region=cast.region_y, year=2027, limit=100, by=cast.admin)
    assert (quota.region, quota.year, quota.limit, quota.used) == (cast.region_y, 2027, 100, 0)

    referral_quota_set(region=cast.region_y, year=2027, limit=150, by=cast.admin)

    assert ReferralQuota.objects.get(region=cast.region_y, year=2027).limit == 150


def test_a_limit_below_the_referrals_issued_is_refused(cast, quota):
    ReferralQuota.objects.filter(pk=quota.pk).update(used=4)

    with pytest.raises(BusinessError) as error:
        referral_quota_set(region=cast.region_x, year=quota.year, limit=3, by=cast.admin)

    assert error.value.code == "limit_below_used"
    assert "limit" in error.value.fields
    assert ReferralQuota.objects.get(pk=quota.pk).limit == 5


@pytest.mark.parametrize("who", ["staff_x", "employer_a", "seeker_a"])
def test_only_administrators_set_limits(cast, who):
    with pytest.raises(PermissionDenied):
        referral_quota_set(region=cast.region_x, year=2027, limit=10, by=getattr(cast, who))


# --- API --------------------------------------------------------------------------------------


def test_referral_api_creates_the_referral(cast, vacancy, quota, api_client):
    response = as_user(api_client, cast.staff_x).post(
        "/api/v1/referrals/", {"vacancy": vacancy.pk, "seeker": cast.seeker_a.pk}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["application_status"] == "submitted"
    assert body["seeker_id"] == cast.seeker_a.pk
    assert body["region"] == "KZ-71"
    assert body["reply_deadline"] == working_days_after(TODAY(), 5).isoformat()
    assert body["is_overdue"] is False


def test_staff_of_another_region_get_404_for_a_vacancy_outside_it(cast, vacancy, quota, api_client):
    response = as_user(api_client, cast.staff_y).post(
        "/api/v1/referrals/", {"vacancy": vacancy.pk, "seeker": cast.seeker_a.pk}, format="json"
    )

    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_a_seeker_of_another_region_answers_404(cast, vacancy, quota, api_client):
    outsider = consenting_seeker(cast.region_y)

    response = as_user(api_client, cast.staff_x).post(
        "/api/v1/referrals/", {"vacancy": vacancy.pk, "seeker": outsider.pk}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize(("who", "status"), [("seeker_a", 403), ("employer_a", 403), ("admin", 403)])
def test_only_centre_staff_refer_through_the_api(cast, vacancy, quota, api_client, who, status):
    response = as_user(api_client, getattr(cast, who)).post(
        "/api/v1/referrals/", {"vacancy": vacancy.pk, "seeker": cast.seeker_a.pk}, format="json"
    )

    assert response.status_code == status
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "payload", [{}, {"vacancy": "x", "seeker": 1}, {"vacancy": 0, "seeker": -1}], ids=["empty", "text", "not-positive"]
)
def test_referral_api_refuses_bad_input_and_writes_nothing(cast, quota, api_client, payload):
    response = as_user(api_client, cast.staff_x).post("/api/v1/referrals/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    assert not Referral.objects.exists()


def test_referral_api_answers_409_when_the_quota_is_used_up(cast, vacancy, quota, api_client):
    ReferralQuota.objects.filter(pk=quota.pk).update(used=5)

    response = as_user(api_client, cast.staff_x).post(
        "/api/v1/referrals/", {"vacancy": vacancy.pk, "seeker": cast.seeker_a.pk}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "referral_limit_reached"


def test_staff_list_their_regions_referrals_and_filter_the_overdue_ones(cast, vacancy, quota, referral, api_client):
    fresh = referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_b)
    make_overdue(referral)
    as_user(api_client, cast.staff_x)

    everything = api_client.get("/api/v1/staff/referrals/").json()["results"]
    overdue = api_client.get("/api/v1/staff/referrals/", {"overdue": "true"}).json()["results"]
    on_time = api_client.get("/api/v1/staff/referrals/", {"overdue": "false"}).json()["results"]

    assert {r["id"]: r["is_overdue"] for r in everything} == {referral.pk: True, fresh.pk: False}
    assert [r["id"] for r in overdue] == [referral.pk]
    assert [r["id"] for r in on_time] == [fresh.pk]


def test_staff_of_another_region_see_none_of_these_referrals(cast, referral, api_client):
    assert as_user(api_client, cast.staff_y).get("/api/v1/staff/referrals/").json()["results"] == []


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_referral_list_is_for_staff(cast, api_client, who):
    assert as_user(api_client, getattr(cast, who)).get("/api/v1/staff/referrals/").status_code == 403


def test_referral_list_answers_in_a_fixed_number_of_queries(cast, vacancy, api_client, django_assert_max_num_queries):
    ReferralQuota.objects.create(region=cast.region_x, year=TODAY().year, limit=100)
    for _ in range(6):
        referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=consenting_seeker(cast.region_x))
    as_user(api_client, cast.staff_x)

    with django_assert_max_num_queries(5):
        response = api_client.get("/api/v1/staff/referrals/")

    assert response.json()["count"] == 6


def test_staff_find_seekers_of_their_region_with_the_full_iin(cast, api_client):
    iin = SeekerProfile.objects.get(user=cast.seeker_a).iin
    as_user(api_client, cast.staff_x)

    by_email = api_client.get("/api/v1/referrals/seekers/", {"q": "seeker-a@"}).json()
    by_iin = api_client.get("/api/v1/referrals/seekers/", {"q": iin}).json()
    nothing = api_client.get("/api/v1/referrals/seekers/", {"q": ""}).json()

    assert [(r["seeker_id"], r["iin"]) for r in by_email] == [(cast.seeker_a.pk, iin)]
    assert [r["seeker_id"] for r in by_iin] == [cast.seeker_a.pk]
    assert nothing == []


def test_staff_do_not_find_seekers_of_other_regions(cast, api_client):
    assert as_user(api_client, cast.staff_y).get("/api/v1/referrals/seekers/", {"q": "seeker-a"}).json() == []


def test_employers_cannot_search_seekers_by_iin(cast, api_client):
    assert as_user(api_client, cast.employer_a).get("/api/v1/referrals/seekers/", {"q": "seeker"}).status_code == 403


def test_administrator_puts_a_quota(cast, api_client):
    response = as_user(api_client, cast.admin).put(
        "/api/v1/staff/referral-quotas/KZ-75/2027/", {"limit": 250}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["limit"] == 250
    assert response.json()["remaining"] == 250
    assert ReferralQuota.objects.get(region=cast.region_y, year=2027).limit == 250


def test_putting_a_limit_below_the_referrals_issued_answers_400(cast, quota, api_client):
    ReferralQuota.objects.filter(pk=quota.pk).update(used=4)

    response = as_user(api_client, cast.admin).put(
        f"/api/v1/staff/referral-quotas/KZ-71/{quota.year}/", {"limit": 3}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "limit_below_used"
    assert response.json()["error"]["fields"]["limit"]
    assert ReferralQuota.objects.get(pk=quota.pk).limit == 5


@pytest.mark.parametrize(
    ("payload", "year"), [({"limit": -1}, 2027), ({}, 2027), ({"limit": "many"}, 2027), ({"limit": 5}, 1900)]
)
def test_putting_bad_input_answers_400_and_writes_nothing(cast, api_client, payload, year):
    response = as_user(api_client, cast.admin).put(
        f"/api/v1/staff/referral-quotas/KZ-71/{year}/", payload, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    assert not ReferralQuota.objects.exists()


def test_an_unknown_region_answers_404(cast, api_client):
    response = as_user(api_client, cast.admin).put(
        "/api/v1/staff/referral-quotas/KZ-00/2027/", {"limit": 1}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize(("who", "status"), [("staff_x", 403), ("staff_y", 404), ("employer_a", 403)])
def test_only_administrators_put_quotas(cast, api_client, who, status):
    response = as_user(api_client, getattr(cast, who)).put(
        "/api/v1/staff/referral-quotas/KZ-71/2027/", {"limit": 10}, format="json"
    )

    assert response.status_code == status
    assert not ReferralQuota.objects.exists()


def test_staff_read_their_regions_quota_but_not_another(cast, quota, api_client):
    own = as_user(api_client, cast.staff_x).get(f"/api/v1/staff/referral-quotas/KZ-71/{quota.year}/")
    other = api_client.get(f"/api/v1/staff/referral-quotas/KZ-75/{quota.year}/")
    missing_year = api_client.get("/api/v1/staff/referral-quotas/KZ-71/2001/")

    assert own.status_code == 200
    assert (own.json()["limit"], own.json()["used"]) == (5, 0)
    assert other.status_code == 404
    assert missing_year.status_code == 404


def test_quota_list_shows_staff_their_region_and_administrators_every_region(cast, quota, api_client):
    staff_rows = as_user(api_client, cast.staff_x).get("/api/v1/staff/referral-quotas/").json()
    admin_rows = as_user(api_client, cast.admin).get("/api/v1/staff/referral-quotas/").json()

    assert [(r["region"], r["limit"]) for r in staff_rows] == [("KZ-71", 5)]
    assert len(admin_rows) == 20
    assert {r["region"]: r["limit"] for r in admin_rows}["KZ-75"] is None


# --- Pages ------------------------------------------------------------------------------------


def test_staff_refer_through_the_page(cast, vacancy, quota, client):
    client.force_login(cast.staff_x)
    found = client.get(reverse("vacancies:referral-new"), {"q": cast.seeker_a.email})
    chosen = client.get(reverse("vacancies:referral-new"), {"seeker": cast.seeker_a.pk})

    response = client.post(reverse("vacancies:referral-new"), {"seeker": cast.seeker_a.pk, "vacancy": vacancy.pk})

    assert [p.user_id for p in found.context["seekers"]] == [cast.seeker_a.pk]
    assert vacancy in chosen.context["vacancies"]
    assert response.status_code == 302
    assert Referral.objects.get().application.seeker == cast.seeker_a


def test_staff_of_another_region_cannot_refer_on_the_page(cast, vacancy, quota, client):
    client.force_login(cast.staff_y)

    response = client.post(reverse("vacancies:referral-new"), {"seeker": cast.seeker_a.pk, "vacancy": vacancy.pk})

    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_a_used_up_quota_is_explained_on_the_page(cast, vacancy, quota, client):
    ReferralQuota.objects.filter(pk=quota.pk).update(used=5)
    client.force_login(cast.staff_x)

    response = client.post(reverse("vacancies:referral-new"), {"seeker": cast.seeker_a.pk, "vacancy": vacancy.pk})

    assert response.status_code == 409
    assert response.context["form"].non_field_errors()


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_referral_pages_are_for_staff(cast, client, who):
    client.force_login(getattr(cast, who))

    for name in ("vacancies:referrals", "vacancies:referral-new", "vacancies:referral-quotas"):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_referral_list_page_flags_overdue_referrals(cast, referral, client, django_assert_max_num_queries):
    make_overdue(referral)
    client.force_login(cast.staff_x)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("vacancies:referrals"), {"overdue": "1"})

    assert [r.pk for r in response.context["page"].object_list] == [referral.pk]
    assert "app-overdue" in response.content.decode()


def test_administrator_sets_a_limit_on_the_quota_page(cast, client):
    client.force_login(cast.admin)

    response = client.post(reverse("vacancies:referral-quotas"), {"region": "KZ-75", "year": 2027, "limit": 40})

    assert response.status_code == 302
    assert ReferralQuota.objects.get(region=cast.region_y, year=2027).limit == 40


def test_a_negative_limit_on_the_quota_page_answers_400(cast, client):
    client.force_login(cast.admin)

    response = client.post(reverse("vacancies:referral-quotas"), {"region": "KZ-75", "year": 2027, "limit": -4})

    assert response.status_code == 400
    assert response.context["form"].errors["limit"]
    assert not ReferralQuota.objects.exists()


def test_staff_see_their_regions_usage_but_cannot_set_limits(cast, quota, client):
    client.force_login(cast.staff_x)

    page = client.get(reverse("vacancies:referral-quotas"))
    post = client.post(reverse("vacancies:referral-quotas"), {"region": "KZ-71", "year": quota.year, "limit": 99})

    assert [row["region"] for row in page.context["rows"]] == [cast.region_x]
    assert page.context["form"] is None
    assert post.status_code == 403
    assert ReferralQuota.objects.get(pk=quota.pk).limit == 5
