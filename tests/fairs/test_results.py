"""Fair results: live counters, results by region/employer/occupation, publication (frozen),
history month by month, the pages and CSV files, the employer page section and home counters.

A small fair is built row by row (two approved employers, one declined, one pending; seekers of
three regions, young and not; applications, hires, interview bookings) and every figure is
checked both against the numbers worked out by hand and against a count made in the test.
"""

from __future__ import annotations

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import Occupation, Region
from fairs.models import (
    Fair,
    FairApplication,
    FairVacancy,
    InterviewSlot,
    Participation,
    Registration,
    SlotBooking,
)
from fairs.selectors import results as selectors
from fairs.services.results import fair_results_publish
from tests import factories
from vacancies.models import Application

HIRED = Application.Status.HIRED
REGION_Z = "KZ-11"  # Akmola: a third region, beside the cast's X (Astana) and Y (Almaty)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Counters are cached for a few seconds by fair id; each test starts without them."""
    cache.clear()
    yield
    cache.clear()


# --- Building a fair ----------------------------------------------------------------------------


def make_fair(*, status=Fair.Status.LIVE, title="National online job fair", starts_at=None, kind=Fair.Kind.NATIONAL):
    starts_at = starts_at or timezone.now() - datetime.timedelta(days=1)
    return Fair.objects.create(
        title=title,
        kind=kind,
        status=status,
        registration_opens_at=starts_at - datetime.timedelta(days=7),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(days=6),
        results_at=starts_at + datetime.timedelta(days=13),
        month=starts_at.date().replace(day=1) if kind == Fair.Kind.NATIONAL else None,
    )


def take_part(fair, organization, status=Participation.Status.APPROVED):
    return Participation.objects.create(fair=fair, organization=organization, status=status)


def offer(participation, *, occupation, positions, filled=0, title=None):
    vacancy = factories.VacancyFactory(
        organization=participation.organization,
        occupation=Occupation.objects.get(code=occupation),
        # Unique per fair: an employer cannot have two open vacancies with one title.
        title=f"{title or 'Vacancy'} #{participation.fair_id}",
        positions=positions + 5,
    )
    fair_vacancy = FairVacancy.objects.create(
        fair=participation.fair, participation=participation, vacancy=vacancy, positions_offered=positions
    )
    if filled:
        FairVacancy.objects.filter(pk=fair_vacancy.pk).update(positions_filled=filled)
        fair_vacancy.refresh_from_db()
    return fair_vacancy


def register(fair, *, name, region_code, youth):
    """A seeker registered for ``fair``; ``region_code`` None: the region is not known."""
    region = Region.objects.get(code=region_code) if region_code else None
    user = factories.SeekerFactory(full_name=name, email=f"{name.lower().replace(' ', '.')}.{fair.pk}@example.kz")
    factories.SeekerProfileFactory(user=user, region=region)
    return Registration.objects.create(
        fair=fair, seeker=user, region=region, is_youth=youth, age_at_start=25 if youth else 45
    )


def apply(registration, fair_vacancy, *, status=Application.Status.SUBMITTED):
    application = factories.ApplicationFactory(
        vacancy=fair_vacancy.vacancy,
        seeker=registration.seeker,
        status=status,
        source=Application.Source.FAIR,
        seeker_region=registration.region,
        seeker_was_youth=registration.is_youth,
        cv_snapshot={"full_name": registration.seeker.full_name, "email": registration.seeker.email},
    )
    return FairApplication.objects.create(
        application=application, fair=registration.fair, fair_vacancy=fair_vacancy, registration=registration
    )


def book(slot, registration, *, status=SlotBooking.Status.BOOKED):
    return SlotBooking.objects.create(
        slot=slot, seeker=registration.seeker, status=status, starts_at=slot.starts_at, ends_at=slot.ends_at
    )


def slot_of(participation, *, capacity=2, hours=1):
    starts_at = participation.fair.starts_at + datetime.timedelta(hours=hours)
    return InterviewSlot.objects.create(
        fair=participation.fair,
        participation=participation,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=30),
        meeting_link="https://meet.example.kz/room",
        capacity=capacity,
    )


def build_fair(cast, *, status=Fair.Status.LIVE, **fair_fields) -> SimpleNamespace:
    """The fair of these tests. Worked out by hand:

    employers 2 (A approved: welders 7212 x5, developers 2512 x2; B approved: sales 5223 x3;
    C declined with 10 welders, D pending: not counted), positions offered 10, registered 6,
    applications 6, interviews 2 (a third booking was cancelled), hired 4 (A 2, B 2), of whom 3
    young (share 0.75). By region: X 2 registered / 2 applications / 1 hired (young);
    Y 2 / 3 / 2 (both young); Z 1 / 1 / 1 (not young); unknown region 1 registered.
    """
    fair = make_fair(status=status, **fair_fields)
    org_a = cast.employer_a.membership.organization
    org_b = cast.employer_b.membership.organization
    part_a = take_part(fair, org_a)
    part_b = take_part(fair, org_b)
    part_c = take_part(fair, factories.OrganizationFactory(legal_name="Declined LLP"), Participation.Status.DECLINED)
    take_part(fair, factories.OrganizationFactory(legal_name="Pending LLP"), Participation.Status.PENDING)
    welders = offer(part_a, occupation="7212", positions=5, filled=1, title="Welder")
    developers = offer(part_a, occupation="2512", positions=2, filled=1, title="Developer")
    sales = offer(part_b, occupation="5223", positions=3, filled=2, title="Shop assistant")
    offer(part_c, occupation="7212", positions=10, title="Declined welder")

    s1 = register(fair, name="Aigerim Young", region_code=cast.region_x.code, youth=True)
    s2 = register(fair, name="Bolat Senior", region_code=cast.region_x.code, youth=False)
    s3 = register(fair, name="Dana Young", region_code=cast.region_y.code, youth=True)
    s4 = register(fair, name="Erlan Young", region_code=cast.region_y.code, youth=True)
    s5 = register(fair, name="Gulnar Senior", region_code=REGION_Z, youth=False)
    s6 = register(fair, name="Nowhere Young", region_code=None, youth=True)

    a1 = apply(s1, welders, status=HIRED)
    a2 = apply(s2, welders)
    apply(s3, developers, status=HIRED)
    apply(s3, sales, status=Application.Status.REJECTED)
    apply(s4, sales, status=HIRED)
    apply(s5, sales, status=HIRED)

    slot_a = slot_of(part_a)
    slot_b = slot_of(part_b)
    book(slot_a, s1)
    book(slot_a, s2)
    book(slot_b, s3, status=SlotBooking.Status.CANCELLED)
    return SimpleNamespace(
        fair=fair,
        org_a=org_a,
        org_b=org_b,
        part_a=part_a,
        part_b=part_b,
        welders=welders,
        developers=developers,
        sales=sales,
        seekers=[s1, s2, s3, s4, s5, s6],
        a1=a1,
        a2=a2,
        slot_a=slot_a,
    )


def counted_in_the_database(fair) -> dict:
    """The counters, counted here with plain ORM queries."""
    approved = FairVacancy.objects.filter(fair=fair, participation__status=Participation.Status.APPROVED)
    return {
        "employers": Participation.objects.filter(fair=fair, status=Participation.Status.APPROVED).count(),
        "positions_offered": approved.aggregate(n=Sum("positions_offered"))["n"] or 0,
        "registered": Registration.objects.filter(fair=fair).count(),
        "applications": FairApplication.objects.filter(fair=fair).count(),
        "interviews": SlotBooking.objects.filter(slot__fair=fair, status=SlotBooking.Status.BOOKED).count(),
        "hired": approved.aggregate(n=Sum("positions_filled"))["n"] or 0,
    }


EXPECTED_COUNTERS = {
    "employers": 2,
    "positions_offered": 10,
    "registered": 6,
    "applications": 6,
    "interviews": 2,
    "hired": 4,
}


# --- Counters -----------------------------------------------------------------------------------


def test_counters_equal_the_figures_counted_in_the_database(cast):
    built = build_fair(cast)

    counters = selectors.fair_counters(fair=built.fair)

    assert counters == EXPECTED_COUNTERS
    assert counters == counted_in_the_database(built.fair)


def test_counters_of_an_empty_fair_are_zeros(catalog):
    fair = make_fair(status=Fair.Status.SCHEDULED)

    assert selectors.fair_counters(fair=fair) == dict.fromkeys(selectors.COUNTER_KEYS, 0)


def test_counters_of_one_fair_do_not_count_another_fairs_activity(cast):
    built = build_fair(cast)
    other = build_fair(cast, title="Regional fair", kind=Fair.Kind.REGIONAL)
    register(other.fair, name="Only Other", region_code=cast.region_x.code, youth=True)

    assert selectors.fair_counters(fair=built.fair) == EXPECTED_COUNTERS
    assert selectors.fair_counters(fair=other.fair)["registered"] == 7


def test_counters_take_one_query_and_are_then_cached_for_a_few_seconds(cast, django_assert_num_queries):
    built = build_fair(cast)
    with django_assert_num_queries(1):
        selectors.fair_counters(fair=built.fair)

    register(built.fair, name="Late Comer", region_code=cast.region_x.code, youth=True)
    with django_assert_num_queries(0):
        cached = selectors.fair_counters(fair=built.fair)
    assert cached["registered"] == 6

    cache.delete(selectors._counters_cache_key(built.fair.pk))
    assert selectors.fair_counters(fair=built.fair)["registered"] == 7


# --- Results ------------------------------------------------------------------------------------


def test_results_give_totals_and_the_share_of_young_people_hired(cast):
    built = build_fair(cast)

    results = selectors.fair_results_compute(fair=built.fair)

    assert results["totals"] == {**EXPECTED_COUNTERS, "youth_hired": 3, "youth_share": 0.75}
    assert results["youth_hired"] == 3
    assert results["youth_share"] == 0.75
    hired = FairApplication.objects.filter(fair=built.fair, application__status=HIRED)
    assert results["youth_hired"] == hired.filter(application__seeker_was_youth=True).count()
    assert results["youth_share"] == round(results["youth_hired"] / hired.count(), 4)


def test_results_by_region_follow_the_seekers_region_with_unknown_last(cast):
    built = build_fair(cast)

    rows = {row["code"]: row for row in selectors.fair_results_compute(fair=built.fair)["by_region"]}

    figures = {code: (r["registered"], r["applications"], r["hired"], r["youth_hired"]) for code, r in rows.items()}
    assert figures == {
        cast.region_x.code: (2, 2, 1, 1),
        cast.region_y.code: (2, 3, 2, 2),
        REGION_Z: (1, 1, 1, 0),
        "": (1, 0, 0, 0),
    }
    # Counted again here, straight from the rows the seekers left.
    per_region = dict(
        FairApplication.objects.filter(fair=built.fair)
        .values_list("application__seeker_region__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert {code: r["applications"] for code, r in rows.items() if r["applications"]} == per_region
    assert rows[cast.region_x.code]["name_en"] == "Astana"
    assert rows[cast.region_x.code]["name_ru"] == Region.objects.get(code=cast.region_x.code).name_ru
    ordered = [row["code"] for row in selectors.fair_results_compute(fair=built.fair)["by_region"]]
    assert ordered[-1] == ""


def test_results_by_employer_count_approved_participations_only(cast):
    built = build_fair(cast)

    rows = selectors.fair_results_compute(fair=built.fair)["by_employer"]

    assert [(r["name"], r["positions_offered"], r["applications"], r["hired"]) for r in rows] == [
        (built.org_a.legal_name, 7, 3, 2),
        (built.org_b.legal_name, 3, 3, 2),
    ]
    assert rows[0]["organization_id"] == built.org_a.pk
    assert sum(r["positions_offered"] for r in rows) == counted_in_the_database(built.fair)["positions_offered"]
    assert sum(r["hired"] for r in rows) == counted_in_the_database(built.fair)["hired"]


def test_results_by_occupation_give_the_isco_unit_group_and_its_major_group(cast):
    built = build_fair(cast)

    rows = selectors.fair_results_compute(fair=built.fair)["by_occupation"]

    assert [(r["code"], r["positions_offered"], r["applications"], r["hired"]) for r in rows] == [
        ("2512", 2, 1, 1),
        ("5223", 3, 3, 2),
        ("7212", 5, 2, 1),  # the declined employer's 10 welders are not offered at the fair
    ]
    welders = rows[2]
    assert welders["title_en"] == "Welders and flame cutters"
    assert welders["title_ru"] == "Сварщики и газорезчики"
    assert welders["major_code"] == "7"
    assert welders["major_title_en"] == Occupation.objects.get(code="7").title_en


def test_results_are_computed_with_a_fixed_number_of_queries(cast):
    built = build_fair(cast)
    with CaptureQueriesContext(connection) as small:
        selectors.fair_results_compute(fair=built.fair)

    for index in range(8):
        seeker = register(built.fair, name=f"More Seeker {index}", region_code=REGION_Z, youth=index % 2 == 0)
        apply(seeker, built.sales if index % 2 else built.welders)
    third = take_part(built.fair, factories.OrganizationFactory(legal_name="Third LLP"))
    offer(third, occupation="5223", positions=4)
    with CaptureQueriesContext(connection) as large:
        results = selectors.fair_results_compute(fair=built.fair)

    assert results["totals"]["applications"] == 14
    assert len(small.captured_queries) == len(large.captured_queries) <= 8


def test_names_follow_the_active_language(cast):
    built = build_fair(cast)
    results = selectors.fair_results_compute(fair=built.fair)

    with translation.override("ru"):
        shown = selectors.fair_results_display(results)
    astana = next(row for row in shown["by_region"] if row["code"] == cast.region_x.code)
    welders = next(row for row in shown["by_occupation"] if row["code"] == "7212")
    assert astana["name"] == Region.objects.get(code=cast.region_x.code).name_ru
    assert welders["title"] == "Сварщики и газорезчики"
    # ISCO-08 major groups have no Russian titles: English is shown instead of nothing.
    assert welders["major_title"] == "Craft and related trades workers"
    with translation.override("en"):
        assert next(r for r in selectors.fair_results_display(results)["by_region"] if not r["code"])["name"] == (
            "Region not known"
        )


# --- Publication ------------------------------------------------------------------------------


def test_published_results_do_not_change_after_new_activity(cast):
    built = build_fair(cast, status=Fair.Status.CLOSED)
    Fair.objects.filter(pk=built.fair.pk).update(status=Fair.Status.RESULTS)
    built.fair.refresh_from_db()

    fair_results_publish(fair=built.fair)
    published = Fair.objects.get(pk=built.fair.pk).results

    # Later: a late hire, a new registration, an employer approved afterwards.
    Application.objects.filter(pk=built.a2.application_id).update(status=HIRED)
    FairVacancy.objects.filter(pk=built.welders.pk).update(positions_filled=2)
    register(built.fair, name="Too Late", region_code=cast.region_x.code, youth=True)
    offer(take_part(built.fair, factories.OrganizationFactory()), occupation="5223", positions=50)

    fair = Fair.objects.get(pk=built.fair.pk)
    shown = selectors.fair_results(fair=fair)
    assert shown["provisional"] is False
    assert shown["totals"] == published["totals"] == {**EXPECTED_COUNTERS, "youth_hired": 3, "youth_share": 0.75}
    assert shown["by_employer"] == published["by_employer"]
    assert selectors.fair_results_compute(fair=fair)["totals"]["hired"] == 5  # the live figure did move


def test_publishing_twice_keeps_the_first_snapshot(cast):
    built = build_fair(cast, status=Fair.Status.RESULTS)
    first = fair_results_publish(fair=built.fair).results

    register(built.fair, name="After Publication", region_code=REGION_Z, youth=False)
    again = fair_results_publish(fair=Fair.objects.get(pk=built.fair.pk)).results

    assert again == first
    assert Fair.objects.get(pk=built.fair.pk).results["totals"]["registered"] == 6
    assert first["published_at"]


def test_results_before_publication_are_provisional_and_live(cast):
    built = build_fair(cast)
    assert selectors.fair_results(fair=built.fair)["provisional"] is True

    register(built.fair, name="Just Now", region_code=REGION_Z, youth=False)
    assert selectors.fair_results(fair=built.fair)["totals"]["registered"] == 7


# --- History ------------------------------------------------------------------------------------


def test_history_compares_published_fairs_and_the_running_one_month_by_month(cast):
    now = timezone.now()
    older = build_fair(cast, status=Fair.Status.RESULTS, starts_at=now - datetime.timedelta(days=62), title="Older")
    fair_results_publish(fair=older.fair)
    register(older.fair, name="After Older", region_code=REGION_Z, youth=True)  # not in the frozen figures
    running = build_fair(cast, status=Fair.Status.LIVE, title="Running")
    make_fair(status=Fair.Status.SCHEDULED, starts_at=now + datetime.timedelta(days=30), title="Next month")

    rows = selectors.fairs_history()

    assert [row["title"] for row in rows] == ["Older", "Running"]
    assert all(list(row) == list(selectors.HISTORY_KEYS) for row in rows)
    older_row, running_row = rows
    assert older_row["fair_id"] == older.fair.pk
    assert older_row["status"] == Fair.Status.RESULTS
    assert older_row["month"] == older.fair.month
    assert isinstance(older_row["month"], datetime.date)
    assert (older_row["registered"], older_row["hired"], older_row["youth_share"]) == (6, 4, 0.75)
    assert running_row["status"] == Fair.Status.LIVE
    assert {key: running_row[key] for key in ("employers", "positions_offered", "registered", "applications")} == {
        key: counted_in_the_database(running.fair)[key]
        for key in ("employers", "positions_offered", "registered", "applications")
    }
    assert (running_row["hired"], running_row["youth_hired"]) == (4, 3)


def test_history_takes_two_queries_whatever_the_number_of_fairs(cast, django_assert_max_num_queries):
    now = timezone.now()
    for months in (1, 2, 3):
        old = build_fair(
            cast, status=Fair.Status.RESULTS, starts_at=now - datetime.timedelta(days=31 * months), title=f"M{months}"
        )
        fair_results_publish(fair=old.fair)
    build_fair(cast, status=Fair.Status.CLOSED, title="Hiring week", kind=Fair.Kind.REGIONAL)
    build_fair(cast, status=Fair.Status.LIVE, title="Live", kind=Fair.Kind.REGIONAL)

    with django_assert_max_num_queries(2):
        rows = selectors.fairs_history()
    assert len(rows) == 5


# --- Pages --------------------------------------------------------------------------------------

ROLES = ["anonymous", "seeker_a", "employer_b", "staff_y", "admin"]


def as_role(client, cast, role):
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    return client


def personal_strings(built) -> list[str]:
    strings = []
    for registration in built.seekers:
        seeker = registration.seeker
        strings += [seeker.email, seeker.full_name, seeker.seeker_profile.iin, seeker.seeker_profile.phone]
    return [s for s in strings if s]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["fairs:results", "fairs:results-csv"])
def test_everyone_reads_a_fairs_results_page_and_csv(client, cast, role, name):
    built = build_fair(cast)

    response = as_role(client, cast, role).get(reverse(name, args=[built.fair.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert built.org_a.legal_name in body
    for personal in personal_strings(built):
        assert personal not in body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["fairs:history", "fairs:history-csv"])
def test_everyone_reads_the_history_page_and_csv(client, cast, role, name):
    build_fair(cast, title="The fair of the month")

    response = as_role(client, cast, role).get(reverse(name))

    assert response.status_code == 200
    assert "The fair of the month" in response.content.decode()


@pytest.mark.parametrize("name", ["fairs:results", "fairs:results-csv"])
def test_results_of_a_fair_that_does_not_exist_are_404(client, catalog, name):
    assert client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["fairs:results", "fairs:history"])
def test_results_pages_answer_get_only(client, catalog, name):
    fair = make_fair()
    url = reverse(name, args=[fair.pk]) if name == "fairs:results" else reverse(name)
    assert client.post(url).status_code == 405


def test_results_page_of_a_live_fair_is_marked_provisional_with_tables_and_charts(client, cast):
    built = build_fair(cast)

    response = client.get(reverse("fairs:results", args=[built.fair.pk]))

    content = response.content.decode()
    assert "Provisional figures." in content
    assert content.count("<svg") == 3
    assert content.count("<table") == 3
    assert "75.0%" in content  # the share of young people among the hired
    assert "Welders and flame cutters" in content
    assert reverse("fairs:results-csv", args=[built.fair.pk]) in content
    assert reverse("accounts:employer-detail", args=[built.org_a.pk]) in content
    assert "<script" not in content.split("</footer>")[0].split("<main")[1]  # no script in the results page


def test_results_page_after_publication_shows_the_frozen_figures(client, cast):
    built = build_fair(cast, status=Fair.Status.RESULTS)
    fair_results_publish(fair=built.fair)
    FairVacancy.objects.filter(pk=built.sales.pk).update(positions_filled=3)

    response = client.get(reverse("fairs:results", args=[built.fair.pk]))

    content = response.content.decode()
    assert "Provisional figures." not in content
    assert "Published results" in content
    assert response.context["results"]["totals"]["hired"] == 4


def test_results_page_of_a_fair_without_activity_says_so(client, catalog):
    fair = make_fair(status=Fair.Status.REGISTRATION, starts_at=timezone.now() + datetime.timedelta(days=3))

    content = client.get(reverse("fairs:results", args=[fair.pk])).content.decode()

    assert "The fair has not started yet." in content
    assert "No employer takes part yet." in content
    assert "<svg" not in content


def test_results_page_takes_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    built = build_fair(cast)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("fairs:results", args=[built.fair.pk])).status_code == 200


def read_csv(response) -> list[dict]:
    raw = response.content
    assert raw.startswith("\ufeff".encode())  # a byte order mark, for Excel
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_results_csv_has_one_table_with_a_section_column(client, cast):
    built = build_fair(cast)

    response = client.get(reverse("fairs:results-csv", args=[built.fair.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"fair-{built.fair.pk}-results-provisional.csv" in response["Content-Disposition"]
    rows = read_csv(response)
    assert [row["section"] for row in rows] == ["totals"] + ["region"] * 4 + ["employer"] * 2 + ["occupation"] * 3
    totals = rows[0]
    assert (totals["employers"], totals["positions_offered"], totals["registered"]) == ("2", "10", "6")
    assert (totals["applications"], totals["interviews"], totals["hired"]) == ("6", "2", "4")
    assert (totals["youth_hired"], totals["youth_share"]) == ("3", "0.75")
    astana = next(row for row in rows if row["code"] == cast.region_x.code)
    assert (astana["name"], astana["registered"], astana["applications"], astana["hired"]) == ("Astana", "2", "2", "1")
    employer_b = next(row for row in rows if row["section"] == "employer" and row["name"] == built.org_b.legal_name)
    assert (employer_b["code"], employer_b["positions_offered"], employer_b["hired"]) == (str(built.org_b.pk), "3", "2")
    welders = next(row for row in rows if row["code"] == "7212")
    assert (welders["major_group_code"], welders["major_group_name"]) == ("7", "Craft and related trades workers")


def test_results_csv_names_are_in_the_active_language(client, cast):
    built = build_fair(cast)

    response = client.get(reverse("fairs:results-csv", args=[built.fair.pk]), HTTP_ACCEPT_LANGUAGE="ru")

    welders = next(row for row in read_csv(response) if row["code"] == "7212")
    assert welders["name"] == "Сварщики и газорезчики"


def test_results_csv_defuses_employer_names_that_look_like_formulas(client, cast):
    fair = make_fair()
    organization = factories.OrganizationFactory(legal_name='=HYPERLINK("http://evil.example","x")')
    offer(take_part(fair, organization), occupation="7212", positions=1)

    rows = read_csv(client.get(reverse("fairs:results-csv", args=[fair.pk])))

    employer = next(row for row in rows if row["section"] == "employer")
    assert employer["name"] == "'" + organization.legal_name


def test_history_csv_has_a_row_per_fair(client, cast):
    older = build_fair(cast, status=Fair.Status.RESULTS, starts_at=timezone.now() - datetime.timedelta(days=40))
    fair_results_publish(fair=older.fair)
    running = build_fair(cast, title="Running fair", kind=Fair.Kind.REGIONAL)

    rows = read_csv(client.get(reverse("fairs:history-csv")))

    assert list(rows[0]) == [*selectors.HISTORY_KEYS, "provisional"]
    assert [(row["fair_id"], row["provisional"]) for row in rows] == [
        (str(older.fair.pk), "no"),
        (str(running.fair.pk), "yes"),
    ]
    assert rows[0]["month"] == f"{older.fair.month:%Y-%m}"
    assert (rows[0]["employers"], rows[0]["hired"], rows[0]["youth_share"]) == ("2", "4", "0.75")


def test_history_page_marks_the_running_fair_provisional(client, cast):
    older = build_fair(cast, status=Fair.Status.RESULTS, starts_at=timezone.now() - datetime.timedelta(days=40))
    fair_results_publish(fair=older.fair)
    build_fair(cast, title="Running fair", kind=Fair.Kind.REGIONAL)

    response = client.get(reverse("fairs:history"))

    content = response.content.decode()
    assert content.count(">provisional<") == 1
    assert content.count("<svg") == 1
    assert reverse("fairs:results", args=[older.fair.pk]) in content
    table = content.split("<table")[1]
    assert table.index("Running fair") < table.index(older.fair.title)  # the newest first


def test_history_page_without_fairs_says_so(client, catalog):
    content = client.get(reverse("fairs:history")).content.decode()
    assert "No fair has published results yet." in content


def test_history_page_takes_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for months in (1, 2):
        starts_at = timezone.now() - datetime.timedelta(days=31 * months)
        fair_results_publish(fair=build_fair(cast, status=Fair.Status.RESULTS, starts_at=starts_at).fair)
    build_fair(cast, kind=Fair.Kind.REGIONAL)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("fairs:history")).status_code == 200


# --- The counters tag on the fair page ---------------------------------------------------------


def render_counters(fair) -> str:
    return Template("{% load fair_results %}{% fair_counters fair %}").render(Context({"fair": fair}))


def test_counter_tiles_of_a_live_fair_refresh_from_the_api_with_a_self_hosted_script(cast):
    built = build_fair(cast)

    html = render_counters(built.fair)

    assert f'data-url="{reverse("fairs-api-counters", args=[built.fair.pk])}"' in html
    assert 'data-refresh-seconds="15"' in html
    assert '<script src="/static/fairs/counters.js" defer></script>' in html
    assert html.count("<script") == 1  # no inline script: the page's CSP can forbid them
    for key, value in EXPECTED_COUNTERS.items():
        assert f'data-counter="{key}">{value}<' in html
    assert finders.find("fairs/counters.js")


def test_counter_tiles_of_a_fair_that_is_not_live_do_not_poll(cast):
    built = build_fair(cast, status=Fair.Status.CLOSED)

    html = render_counters(built.fair)

    assert "<script" not in html
    assert "data-url" not in html
    assert 'data-counter="hired">4<' in html
    assert reverse("fairs:results", args=[built.fair.pk]) in html


def test_share_percent_filter():
    template = Template("{% load fair_results %}{{ a|share_percent }} {{ b|share_percent }}")
    assert template.render(Context({"a": 0.2547, "b": None})) == "25.5% —"


# --- The public employer page and the home page ------------------------------------------------


def test_employer_page_section_lists_the_fairs_the_employer_took_part_in(cast):
    built = build_fair(cast)
    declined = make_fair(title="Declined fair", starts_at=timezone.now() - datetime.timedelta(days=40))
    take_part(declined, built.org_a, Participation.Status.DECLINED)

    section = selectors.employer_page_section(organization=built.org_a, user=cast.seeker_a)

    assert section["template"] == "fairs/_employer_fairs.html"
    participations = section["context"]["participations"]
    assert [(p.fair.title, p.positions_offered, p.hired) for p in participations] == [(built.fair.title, 7, 2)]


def test_public_employer_page_shows_the_fairs_section(client, cast, settings):
    built = build_fair(cast)
    settings.EMPLOYER_PAGE_SECTIONS = [
        *settings.EMPLOYER_PAGE_SECTIONS,
        "fairs.selectors.results.employer_page_section",
    ]

    response = client.get(reverse("accounts:employer-detail", args=[built.org_b.pk]))

    content = response.content.decode()
    assert built.fair.title in content
    assert "3 positions offered, 2 hired" in content
    assert reverse("fairs:results", args=[built.fair.pk]) in content


def test_employer_page_section_of_an_employer_without_fairs_is_empty(cast, django_assert_num_queries):
    organization = cast.employer_b.membership.organization
    with django_assert_num_queries(1):
        section = selectors.employer_page_section(organization=organization, user=None)
    assert section["context"]["participations"] == []


def test_home_counters_give_people_hired_at_fairs_and_positions_at_the_next_fair(cast):
    built = build_fair(cast, status=Fair.Status.RESULTS, starts_at=timezone.now() - datetime.timedelta(days=40))
    upcoming = make_fair(status=Fair.Status.REGISTRATION, starts_at=timezone.now() + datetime.timedelta(days=3))
    offer(take_part(upcoming, built.org_a), occupation="7212", positions=350)

    counters = {str(c["label"]): c["value"] for c in selectors.home_counters()}

    assert counters == {"hired at online job fairs": 4, "positions at the next job fair": 350}


def test_home_counters_name_the_fair_running_now(cast):
    built = build_fair(cast)

    counters = {str(c["label"]): c["value"] for c in selectors.home_counters()}

    assert counters["positions at the job fair now"] == 10
    assert counters["hired at online job fairs"] == 4
    assert built.fair.is_live
