"""Reporting a vacancy: anyone reports a published vacancy, staff of its region uphold the
report (the vacancy is taken down) or dismiss it, on the web and through the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Organization, User
from tests import factories
from vacancies.models import Vacancy, VacancyReport

pytestmark = pytest.mark.django_db

Status = Vacancy.Status
Report = VacancyReport


# --- Local fixtures ---------------------------------------------------------------------------


def org_of(user: User) -> Organization:
    return Membership.objects.get(user=user).organization


@pytest.fixture
def vacancy(cast) -> Vacancy:
    return factories.VacancyFactory(organization=org_of(cast.employer_a), title="Easy money from home")


def report_on(vacancy: Vacancy, reason=Report.Reason.FRAUD, reporter: User | None = None, **extra) -> VacancyReport:
    return VacancyReport.objects.create(vacancy=vacancy, reason=reason, reporter=reporter, **extra)


@pytest.fixture
def as_user(api_client):
    def login(user: User | None):
        api_client.force_authenticate(user)
        return api_client

    return login


# --- Reporting ----------------------------------------------------------------------------------


def test_an_anonymous_visitor_reports_a_vacancy_from_its_page(client, vacancy):
    page = client.get(f"/vacancies/{vacancy.pk}/").content.decode()
    assert "Report this vacancy" in page

    response = client.post(
        f"/vacancies/{vacancy.pk}/report/", {"reason": "fraud", "comment": "Asks for a deposit"}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/vacancies/{vacancy.pk}/"
    report = VacancyReport.objects.get()
    assert report.reporter is None and report.status == Report.Status.OPEN
    assert (report.reason, report.comment) == ("fraud", "Asks for a deposit")


def test_a_report_without_a_reason_is_shown_again_with_the_error(client, vacancy):
    response = client.post(f"/vacancies/{vacancy.pk}/report/", {"comment": "?"})

    assert response.status_code == 400 and "reason" in response.context["report_form"].errors
    assert not VacancyReport.objects.exists()


def test_a_logged_in_seeker_reports_through_the_api(as_user, cast, vacancy):
    response = as_user(cast.seeker_a).post(
        f"/api/v1/vacancies/{vacancy.pk}/reports/", {"reason": "spam"}, format="json"
    )

    assert response.status_code == 201 and response.json()["status"] == "open"
    assert VacancyReport.objects.get().reporter == cast.seeker_a


def test_anyone_reports_through_the_api_without_an_account(api_client, vacancy):
    response = api_client.post(f"/api/v1/vacancies/{vacancy.pk}/reports/", {"reason": "fake"}, format="json")

    assert response.status_code == 201 and VacancyReport.objects.get().reporter is None


def test_reporting_the_same_vacancy_twice_keeps_one_open_report(as_user, cast, vacancy):
    client = as_user(cast.seeker_a)
    first = client.post(f"/api/v1/vacancies/{vacancy.pk}/reports/", {"reason": "spam"}, format="json")

    again = client.post(f"/api/v1/vacancies/{vacancy.pk}/reports/", {"reason": "fake"}, format="json")

    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert VacancyReport.objects.count() == 1


@pytest.mark.parametrize("payload", [{}, {"reason": "boring"}, {"reason": "spam", "comment": "x" * 2001}])
def test_a_bad_report_is_400_and_writes_nothing(api_client, vacancy, payload):
    response = api_client.post(f"/api/v1/vacancies/{vacancy.pk}/reports/", payload, format="json")

    assert response.status_code == 400 and response.json()["error"]["fields"]
    assert not VacancyReport.objects.exists()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING, Status.CLOSED])
def test_a_vacancy_the_public_cannot_see_cannot_be_reported(api_client, cast, status):
    hidden = factories.VacancyFactory(organization=org_of(cast.employer_a), status=status)

    response = api_client.post(f"/api/v1/vacancies/{hidden.pk}/reports/", {"reason": "spam"}, format="json")

    assert response.status_code == 404


def test_the_employer_is_not_offered_to_report_their_own_vacancy(client, cast, vacancy):
    client.force_login(cast.employer_a)

    assert "Report this vacancy" not in client.get(f"/vacancies/{vacancy.pk}/").content.decode()


# --- The staff queue ----------------------------------------------------------------------------


def test_staff_see_open_reports_of_their_region_only_oldest_first(as_user, cast, vacancy):
    older, newer = report_on(vacancy), report_on(vacancy, reason=Report.Reason.SPAM)
    elsewhere = factories.VacancyFactory(organization=org_of(cast.employer_b), region=cast.region_y)
    report_on(elsewhere)
    report_on(vacancy, status=Report.Status.DISMISSED)

    response = as_user(cast.staff_x).get("/api/v1/staff/reports/")

    assert [r["id"] for r in response.json()["results"]] == [older.pk, newer.pk]
    assert response.json()["results"][0]["vacancy"]["title"] == vacancy.title
    assert as_user(cast.admin).get("/api/v1/staff/reports/").json()["count"] == 3


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_the_report_queue_is_for_staff_only(as_user, cast, who):
    assert as_user(getattr(cast, who)).get("/api/v1/staff/reports/").status_code == 403


def test_the_report_queue_runs_a_fixed_number_of_queries(as_user, cast, vacancy):
    client = as_user(cast.staff_x)
    report_on(vacancy, reporter=cast.seeker_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/staff/reports/").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(6):
        report_on(factories.VacancyFactory(organization=org_of(cast.employer_a)), reporter=cast.seeker_b)

    assert queries() == few


def test_the_report_queue_page_lists_the_reports(client, cast, vacancy):
    report_on(vacancy, comment="Wants my passport scan")
    client.force_login(cast.staff_x)

    html = client.get("/vacancies/staff/reports/").content.decode()

    assert vacancy.title in html and "Wants my passport scan" in html


# --- Handling a report --------------------------------------------------------------------------


def test_upholding_a_report_takes_the_vacancy_down_and_closes_every_open_report_on_it(as_user, client, cast, vacancy):
    report, second = report_on(vacancy), report_on(vacancy, reason=Report.Reason.SPAM)

    response = as_user(cast.staff_x).post(f"/api/v1/staff/reports/{report.pk}/uphold/", {}, format="json")

    assert response.status_code == 200 and response.json()["status"] == "upheld"
    vacancy.refresh_from_db()
    assert vacancy.status == Status.REJECTED
    assert vacancy.status_reason == "Reported: Asks for money or personal data"
    second.refresh_from_db()
    assert second.status == Report.Status.UPHELD and second.handled_by == cast.staff_x
    assert client.get(f"/vacancies/{vacancy.pk}/").status_code == 404


def test_the_moderators_note_becomes_the_reason_the_employer_reads(as_user, cast, vacancy):
    report = report_on(vacancy)

    as_user(cast.staff_x).post(
        f"/api/v1/staff/reports/{report.pk}/uphold/", {"note": "Requests a fee from applicants"}, format="json"
    )

    vacancy.refresh_from_db()
    assert vacancy.status_reason == "Reported: Requests a fee from applicants"


def test_dismissing_a_report_leaves_the_vacancy_published(as_user, cast, vacancy):
    report = report_on(vacancy)

    response = as_user(cast.staff_x).post(f"/api/v1/staff/reports/{report.pk}/dismiss/")

    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    vacancy.refresh_from_db()
    assert vacancy.status == Status.PUBLISHED


def test_a_handled_report_cannot_be_handled_again(as_user, cast, vacancy):
    report = report_on(vacancy)
    client = as_user(cast.staff_x)
    client.post(f"/api/v1/staff/reports/{report.pk}/dismiss/")

    response = client.post(f"/api/v1/staff/reports/{report.pk}/uphold/", {}, format="json")

    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"
    vacancy.refresh_from_db()
    assert vacancy.status == Status.PUBLISHED


def test_upholding_a_report_on_a_vacancy_already_closed_only_closes_the_report(as_user, cast, vacancy):
    report = report_on(vacancy)
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Status.CLOSED)

    response = as_user(cast.staff_x).post(f"/api/v1/staff/reports/{report.pk}/uphold/", {}, format="json")

    assert response.status_code == 200
    vacancy.refresh_from_db()
    assert vacancy.status == Status.CLOSED


@pytest.mark.parametrize("action", ["uphold", "dismiss"])
@pytest.mark.parametrize("who", ["staff_y", "employer_a", "seeker_a"])
def test_outsiders_cannot_handle_a_report(as_user, cast, vacancy, action, who):
    report = report_on(vacancy)

    response = as_user(getattr(cast, who)).post(f"/api/v1/staff/reports/{report.pk}/{action}/", {}, format="json")

    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN


def test_staff_uphold_and_dismiss_from_the_queue_page(client, cast, vacancy):
    upheld, dismissed = report_on(vacancy), report_on(factories.VacancyFactory(organization=org_of(cast.employer_a)))
    client.force_login(cast.staff_x)

    client.post(f"/vacancies/staff/reports/{upheld.pk}/uphold/", {"note": ""})
    client.post(f"/vacancies/staff/reports/{dismissed.pk}/dismiss/")

    upheld.refresh_from_db()
    dismissed.refresh_from_db()
    assert (upheld.status, dismissed.status) == (Report.Status.UPHELD, Report.Status.DISMISSED)
    vacancy.refresh_from_db()
    assert vacancy.status == Status.REJECTED


def test_staff_of_another_region_cannot_handle_a_report_on_the_web(client, cast, vacancy):
    report = report_on(vacancy)
    client.force_login(cast.staff_y)

    assert client.post(f"/vacancies/staff/reports/{report.pk}/uphold/").status_code == 404
