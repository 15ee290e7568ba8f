"""The fairs API: the public list and detail, creating and changing fairs, the error bodies, and
who may call what."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fairs.models import Fair
from tests.fairs.test_fairs import ROLES, make_fair

pytestmark = pytest.mark.django_db

Status = Fair.Status
DAY = datetime.timedelta(days=1)


def login(api_client, cast, who: str) -> None:
    api_client.force_authenticate(None if who == "anonymous" else getattr(cast, who))


def body(**overrides) -> dict:
    start = (timezone.now() + 14 * DAY).replace(microsecond=0)
    data = {
        "title": "National online job fair",
        "description": "Employers from every region.",
        "kind": "national",
        "max_age": 35,
        "graduates_only": False,
        "audience_regions": [],
        "registration_opens_at": (start - 7 * DAY).isoformat(),
        "starts_at": start.isoformat(),
        "ends_at": (start + 6 * DAY).isoformat(),
    }
    data.update(overrides)
    return data


# --- Reading ----------------------------------------------------------------------------------


def test_anyone_lists_the_fairs_newest_first(api_client, cast):
    older = make_fair(status=Status.RESULTS, title="Old fair")
    newer = make_fair(status=Status.SCHEDULED, title="New fair", audience_regions=[cast.region_x])

    response = api_client.get("/api/v1/fairs/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["id"] for row in results] == [newer.pk, older.pk]
    row = results[0]
    assert row["url"].endswith(f"/fairs/{newer.pk}/")
    assert row["status"] == "scheduled"
    assert row["status_display"] == "Scheduled"
    assert row["audience_regions"] == [{"code": "KZ-71", "name": cast.region_x.name}]
    assert row["audience"][0] == f"Job seekers from {cast.region_x.name}."


def test_the_list_filters_by_status_and_kind(api_client, cast):
    live = make_fair(status=Status.LIVE, kind=Fair.Kind.REGIONAL, region=cast.region_x)
    make_fair(status=Status.SCHEDULED)

    by_status = api_client.get("/api/v1/fairs/", {"status": "live"}).json()["results"]
    by_kind = api_client.get("/api/v1/fairs/", {"kind": "regional"}).json()["results"]

    assert [row["id"] for row in by_status] == [live.pk]
    assert [row["id"] for row in by_kind] == [live.pk]
    assert by_kind[0]["region"] == {"code": "KZ-71", "name": cast.region_x.name}


def test_an_unknown_status_filter_is_a_400_naming_the_field(api_client, cast):
    response = api_client.get("/api/v1/fairs/", {"status": "cancelled"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "status" in response.json()["error"]["fields"]


def test_the_list_runs_a_fixed_number_of_queries(api_client, cast, django_assert_max_num_queries):
    for n in range(15):
        make_fair(
            status=Status.SCHEDULED,
            kind=Fair.Kind.EMPLOYER,
            organization=cast.employer_a.membership.organization,
            audience_regions=[cast.region_x, cast.region_y],
            title=f"Fair {n}",
        )
    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/fairs/")
    assert response.json()["count"] == 15


def test_anyone_reads_a_fair(api_client, cast):
    fair = make_fair(max_age=35, graduates_only=True)

    data = api_client.get(f"/api/v1/fairs/{fair.pk}/").json()

    assert data["title"] == "Spring job fair"
    assert data["max_age"] == 35
    assert "Graduates only" in " ".join(data["audience"])
    assert api_client.get("/api/v1/fairs/999999/").json()["error"]["code"] == "not_found"


# --- Creating ---------------------------------------------------------------------------------


def test_an_administrator_creates_a_fair(api_client, cast):
    api_client.force_authenticate(cast.admin)

    response = api_client.post("/api/v1/fairs/", body(audience_regions=["KZ-71", "KZ-75"]), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    fair = Fair.objects.get(pk=data["id"])
    assert data["status"] == "scheduled"
    assert {row["code"] for row in data["audience_regions"]} == {"KZ-71", "KZ-75"}
    assert fair.organizer == cast.admin
    assert fair.results_at == fair.ends_at + 7 * DAY


def test_centre_staff_create_a_regional_fair_of_their_region(api_client, cast):
    api_client.force_authenticate(cast.staff_x)

    response = api_client.post("/api/v1/fairs/", body(kind="regional", region="KZ-71"), format="json")

    assert response.status_code == 201
    assert response.json()["region"]["code"] == "KZ-71"


def test_centre_staff_of_another_region_get_403_naming_the_region(api_client, cast):
    api_client.force_authenticate(cast.staff_y)

    response = api_client.post("/api/v1/fairs/", body(kind="regional", region="KZ-71"), format="json")

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "not_allowed"
    assert "your own region" in error["fields"]["region"][0]
    assert not Fair.objects.exists()


def test_bad_dates_answer_400_with_a_message_per_field_and_write_nothing(api_client, cast):
    api_client.force_authenticate(cast.admin)
    start = timezone.now() + 14 * DAY

    response = api_client.post(
        "/api/v1/fairs/",
        body(
            kind="regional",
            starts_at=start.isoformat(),
            ends_at=(start - DAY).isoformat(),
            registration_opens_at=(start + DAY).isoformat(),
        ),
        format="json",
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"region", "ends_at", "registration_opens_at"}
    assert fields["ends_at"] == ["The fair must end after it starts."]
    assert not Fair.objects.exists()


def test_malformed_input_is_a_400_before_any_rule(api_client, cast):
    api_client.force_authenticate(cast.admin)

    response = api_client.post(
        "/api/v1/fairs/", body(kind="festival", starts_at="tomorrow", region="KZ-99"), format="json"
    )

    assert response.status_code == 400
    assert {"kind", "starts_at", "region"} <= set(response.json()["error"]["fields"])


def test_a_second_national_fair_in_a_month_is_409(api_client, cast):
    api_client.force_authenticate(cast.admin)
    api_client.post("/api/v1/fairs/", body(), format="json")

    response = api_client.post("/api/v1/fairs/", body(title="Twin"), format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "fair_month_taken"
    assert Fair.objects.count() == 1


# --- Changing ---------------------------------------------------------------------------------


def test_an_organizer_patches_only_the_fields_sent(api_client, cast):
    fair = make_fair(kind=Fair.Kind.REGIONAL, region=cast.region_x, max_age=35)
    api_client.force_authenticate(cast.staff_x)

    response = api_client.patch(
        f"/api/v1/fairs/{fair.pk}/", {"title": "Astana fair", "audience_regions": ["KZ-71"]}, format="json"
    )

    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Astana fair"
    assert data["max_age"] == 35
    assert [row["code"] for row in data["audience_regions"]] == ["KZ-71"]


def test_patching_what_the_status_has_fixed_is_409_naming_the_fields(api_client, cast):
    fair = make_fair(status=Status.LIVE, max_age=35)
    api_client.force_authenticate(cast.admin)

    response = api_client.patch(
        f"/api/v1/fairs/{fair.pk}/",
        {"max_age": 40, "starts_at": (fair.starts_at + DAY).isoformat(), "title": "Changed"},
        format="json",
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "fair_field_frozen"
    assert set(error["fields"]) == {"max_age", "starts_at"}
    assert Fair.objects.get(pk=fair.pk).title == "Spring job fair"


def test_a_patch_that_breaks_the_date_order_is_400(api_client, cast):
    fair = make_fair()
    api_client.force_authenticate(cast.admin)

    response = api_client.patch(
        f"/api/v1/fairs/{fair.pk}/", {"results_at": (fair.ends_at - DAY).isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["results_at"] == ["Results are published after the fair ends."]


# --- Who may call what ------------------------------------------------------------------------

# Status for: anonymous, seeker A, employer B (outsider), staff of Y (another region), staff of X
# (the fair's region), administrator. The fair is a regional fair of region X.
MATRIX = {
    ("GET", "/api/v1/fairs/"): [200, 200, 200, 200, 200, 200],
    ("GET", "/api/v1/fairs/{id}/"): [200, 200, 200, 200, 200, 200],
    ("POST", "/api/v1/fairs/"): [403, 403, 403, 403, 201, 201],
    ("PATCH", "/api/v1/fairs/{id}/"): [403, 403, 403, 403, 200, 200],
}


@pytest.mark.parametrize(("method", "url"), MATRIX)
def test_who_may_call_each_fairs_endpoint(api_client, cast, method, url):
    fair = make_fair(kind=Fair.Kind.REGIONAL, region=cast.region_x)
    start = timezone.now() + 40 * DAY
    for n, (who, expected) in enumerate(zip(ROLES, MATRIX[(method, url)], strict=True)):
        login(api_client, cast, who)
        payload = body(
            kind="regional",
            region="KZ-71",
            title=f"Fair by {who}",
            registration_opens_at=(start + n * DAY).isoformat(),
            starts_at=(start + (n + 1) * DAY).isoformat(),
            ends_at=(start + (n + 2) * DAY).isoformat(),
        )
        if method == "PATCH":
            payload = {"title": f"Renamed by {who}"}
        if method == "GET":
            response = api_client.get(url.format(id=fair.pk))
        else:
            response = getattr(api_client, method.lower())(url.format(id=fair.pk), payload, format="json")
        assert response.status_code == expected, f"{who} {method} {url}: {response.content[:200]}"
        if expected >= 400:
            assert "error" in response.json()

    if method == "POST":
        assert set(Fair.objects.exclude(pk=fair.pk).values_list("title", flat=True)) == {
            "Fair by staff_x",
            "Fair by admin",
        }
    if method == "PATCH":
        assert Fair.objects.get(pk=fair.pk).title == "Renamed by admin"
