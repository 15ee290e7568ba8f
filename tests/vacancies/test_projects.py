"""National programmes and projects (public reads, administrators' writes) and the regional job
creation map (figures, all regions, constant number of queries)."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Region
from exchange.errors import BusinessError
from tests import factories
from vacancies.models import Application, NationalProgramme, NationalProject, Vacancy
from vacancies.selectors.projects import job_creation_map
from vacancies.services.projects import project_create, project_update

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
YEAR = 2025


def at(year, month=6, day=15, hour=12, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ALMATY)


@pytest.fixture
def programme(catalog) -> NationalProgramme:
    return NationalProgramme.objects.create(code="NP-TEST", name_en="Test programme", name_ru="Тест")


def make_project(programme, region, *, start=YEAR, end=YEAR + 1, stage="in_progress", permanent=10, temporary=5, **kw):
    return NationalProject.objects.create(
        programme=programme,
        name=kw.pop("name", f"Project {region.code} {start}-{end} {stage} {NationalProject.objects.count()}"),
        region=region,
        stage=stage,
        contractor="Builder LLP",
        planned_permanent_jobs=permanent,
        planned_temporary_jobs=temporary,
        start_year=start,
        end_year=end,
        **kw,
    )


def make_vacancy(project, *, status="published", published_at=None, positions=2, applications=(), **kw):
    vacancy = factories.VacancyFactory(
        national_project=project,
        status=status,
        published_at=published_at if published_at is not None else at(YEAR),
        positions=positions,
        region=project.region if project else factories.region(),
        **kw,
    )
    for application_status in applications:
        factories.ApplicationFactory(vacancy=vacancy, status=application_status)
    return vacancy


@pytest.fixture
def projects_in_two_regions(cast, programme):
    """Projects in X and Y with vacancies and applications; some things that must not count."""
    x, y = cast.region_x, cast.region_y
    x_running = make_project(programme, x, permanent=100, temporary=40)
    x_tender = make_project(programme, x, stage="tender_open", permanent=30, temporary=0, start=YEAR - 2, end=YEAR)
    y_running = make_project(programme, y, permanent=7, temporary=3, start=YEAR, end=YEAR)
    make_project(programme, x, permanent=999, start=YEAR + 1, end=YEAR + 3)  # not yet running
    make_project(programme, y, permanent=888, start=YEAR - 3, end=YEAR - 1)  # over

    # X: three vacancies posted in YEAR (published, filled, closed count alike).
    make_vacancy(x_running, positions=3, applications=["submitted", "viewed", "hired", "rejected"])
    make_vacancy(x_running, status="filled", positions=1, applications=["hired"])
    make_vacancy(x_tender, status="closed", positions=5, applications=["withdrawn"])
    # Not posted in YEAR: draft, rejected, published the year before, published late on New Year's Eve
    # local time counts for YEAR but one minute after midnight does not.
    make_vacancy(x_running, status="draft", published_at=None, applications=[])
    make_vacancy(x_running, status="rejected", applications=["submitted"])
    make_vacancy(x_running, published_at=at(YEAR - 1), applications=["hired"])
    make_vacancy(x_running, published_at=at(YEAR, 12, 31, 23, 30), positions=4, applications=["offer"])
    make_vacancy(x_running, published_at=at(YEAR + 1, 1, 1, 0, 1), applications=["hired"])
    # Y: one vacancy, no applications; a vacancy without a project never counts.
    make_vacancy(y_running, positions=10)
    make_vacancy(None, applications=["hired"])
    return {"x": x, "y": y}


def expected_by_direct_counts(region: Region, year: int) -> dict:
    """The map's figures for one region computed the plain way, one question at a time."""
    projects = [p for p in NationalProject.objects.filter(region=region) if p.start_year <= year <= p.end_year]
    vacancies = [
        v
        for v in Vacancy.objects.filter(national_project__in=projects)
        if v.status not in ("draft", "rejected") and v.published_at and v.published_at.astimezone(ALMATY).year == year
    ]
    applications = list(Application.objects.filter(vacancy__in=vacancies))
    return {
        "planned_jobs": sum(p.planned_permanent_jobs + p.planned_temporary_jobs for p in projects),
        "projects": len(projects),
        "tenders_open": sum(p.stage == "tender_open" for p in projects),
        "vacancies": len(vacancies),
        "positions": sum(v.positions for v in vacancies),
        "applications": len(applications),
        "hires": sum(a.status == "hired" for a in applications),
    }


FIGURES = ("planned_jobs", "projects", "tenders_open", "vacancies", "positions", "applications", "hires")


def figures(row) -> dict:
    return {name: getattr(row, name) for name in FIGURES}


# --- The job creation map -----------------------------------------------------------------------


def test_the_map_figures_equal_direct_counts_of_the_database(projects_in_two_regions):
    job_map = job_creation_map(year=YEAR)
    rows = {row.region.code: row for row in job_map.regions}

    for code in ("KZ-71", "KZ-75"):
        region = projects_in_two_regions["x" if code == "KZ-71" else "y"]
        assert figures(rows[code]) == expected_by_direct_counts(region, YEAR), code
    assert figures(rows["KZ-71"]) == {
        "planned_jobs": 170,
        "projects": 2,
        "tenders_open": 1,
        "vacancies": 4,
        "positions": 13,
        "applications": 7,
        "hires": 2,
    }
    assert figures(rows["KZ-75"]) == {
        "planned_jobs": 10,
        "projects": 1,
        "tenders_open": 0,
        "vacancies": 1,
        "positions": 10,
        "applications": 0,
        "hires": 0,
    }
    assert (rows["KZ-71"].planned_permanent_jobs, rows["KZ-71"].planned_temporary_jobs) == (130, 40)


def test_the_map_of_another_year_counts_that_years_projects_and_vacancies(projects_in_two_regions):
    rows = {row.region.code: row for row in job_creation_map(year=YEAR + 1).regions}

    assert figures(rows["KZ-71"]) == expected_by_direct_counts(projects_in_two_regions["x"], YEAR + 1)
    assert rows["KZ-71"].planned_jobs == 140 + 999 + 5  # the running project and the one starting
    assert (rows["KZ-71"].vacancies, rows["KZ-71"].hires) == (1, 1)  # the one posted on 1 January
    assert figures(rows["KZ-75"]) == dict.fromkeys(figures(rows["KZ-75"]), 0)


def test_the_map_api_returns_all_20_regions_with_zeros_and_totals(projects_in_two_regions, api_client):
    response = api_client.get("/api/v1/job-creation-map/", {"year": YEAR})

    assert response.status_code == 200
    body = response.json()
    assert body["year"] == YEAR
    assert len(body["regions"]) == 20
    assert [r["region"]["code"] for r in body["regions"]] == list(
        Region.objects.order_by("position", "code").values_list("code", flat=True)
    )
    almaty = next(r for r in body["regions"] if r["region"]["code"] == "KZ-75")
    assert (almaty["planned_jobs"], almaty["vacancies"], almaty["positions"]) == (10, 1, 10)
    shymkent = next(r for r in body["regions"] if r["region"]["code"] == "KZ-79")
    assert {k: v for k, v in shymkent.items() if k != "region"} == {
        "planned_jobs": 0,
        "planned_permanent_jobs": 0,
        "planned_temporary_jobs": 0,
        "projects": 0,
        "tenders_open": 0,
        "vacancies": 0,
        "positions": 0,
        "applications": 0,
        "hires": 0,
    }
    for name in FIGURES:
        assert body["totals"][name] == sum(r[name] for r in body["regions"]), name
    assert body["totals"]["hires"] == 2


def test_the_map_api_defaults_to_this_year_and_refuses_a_bad_year(catalog, api_client):
    from django.utils import timezone

    assert api_client.get("/api/v1/job-creation-map/").json()["year"] == timezone.localdate().year
    response = api_client.get("/api/v1/job-creation-map/", {"year": "next"})
    assert response.status_code == 400
    assert "year" in response.json()["error"]["fields"]


def test_the_map_api_answers_in_the_same_number_of_queries_whatever_the_data(
    projects_in_two_regions, programme, api_client
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert api_client.get("/api/v1/job-creation-map/", {"year": YEAR}).status_code == 200
        return len(context.captured_queries)

    before = queries()
    for code in ("KZ-10", "KZ-23", "KZ-35", "KZ-79"):
        project = make_project(programme, Region.objects.get(code=code))
        for _ in range(3):
            make_vacancy(project, applications=["submitted", "hired"])

    assert queries() == before
    assert before <= 4  # regions, then one grouped query each for projects, vacancies, applications


def test_the_map_page_shows_the_table_the_chart_and_the_year_selector(projects_in_two_regions, client):
    response = client.get("/vacancies/job-creation-map/", {"year": YEAR})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<th scope="row"><a href="/vacancies/national-projects/?region=') == 20
    assert "<svg" in html and 'class="jcm-planned"' in html
    assert f'<option value="{YEAR}" selected>' in html
    assert "<tfoot>" in html
    assert "cdn" not in html.lower()
    assert client.get("/vacancies/job-creation-map/", {"year": "abc"}).status_code == 400


def test_the_map_page_answers_in_a_fixed_number_of_queries(projects_in_two_regions, client, programme):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/vacancies/job-creation-map/", {"year": YEAR}).status_code == 200
        return len(context.captured_queries)

    before = queries()
    make_vacancy(make_project(programme, Region.objects.get(code="KZ-10")), applications=["hired"])
    assert queries() == before


# --- Projects: reads ----------------------------------------------------------------------------


def test_anyone_may_read_projects_and_programmes(projects_in_two_regions, client, api_client):
    listed = api_client.get("/api/v1/national-projects/", {"region": "KZ-71", "year": YEAR})
    assert listed.status_code == 200
    assert listed.json()["count"] == 2
    project = NationalProject.objects.filter(region__code="KZ-75").first()
    detail = api_client.get(f"/api/v1/national-projects/{project.pk}/").json()
    assert detail["region"] == {"code": "KZ-75", "name": "Almaty"}
    assert detail["programme"]["code"] == "NP-TEST"
    assert api_client.get("/api/v1/national-programmes/").json()["count"] == 1
    assert api_client.get("/api/v1/national-projects/999999/").status_code == 404

    assert client.get("/vacancies/national-projects/").status_code == 200
    page = client.get(f"/vacancies/national-projects/{project.pk}/")
    assert page.status_code == 200
    assert project.name in page.content.decode()


def test_the_project_list_api_answers_in_a_fixed_number_of_queries(cast, programme, api_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert api_client.get("/api/v1/national-projects/").status_code == 200
        return len(context.captured_queries)

    make_project(programme, cast.region_x, employer=cast.employer_a.membership.organization)
    before = queries()
    for code in ("KZ-10", "KZ-23", "KZ-35"):
        make_project(programme, Region.objects.get(code=code), employer=factories.OrganizationFactory())
    assert queries() == before


# --- Projects: writes ---------------------------------------------------------------------------


def project_body(programme, **overrides) -> dict:
    body = {
        "programme": programme.pk,
        "name": "Solar plant",
        "region": "KZ-71",
        "stage": "tender_open",
        "planned_permanent_jobs": 50,
        "planned_temporary_jobs": 300,
        "start_year": YEAR,
        "end_year": YEAR + 2,
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize("who", ["staff_x", "staff_y", "employer_a", "seeker_a"])
def test_only_administrators_write_projects_through_the_api(cast, programme, api_client, who):
    project = make_project(programme, cast.region_x)
    api_client.force_authenticate(getattr(cast, who))

    assert api_client.post("/api/v1/national-projects/", project_body(programme), format="json").status_code == 403
    assert api_client.patch(f"/api/v1/national-projects/{project.pk}/", {"name": "X"}, format="json").status_code == 403
    assert api_client.delete(f"/api/v1/national-projects/{project.pk}/").status_code == 403
    assert (
        api_client.post("/api/v1/national-programmes/", {"code": "A", "name_en": "A"}, format="json").status_code == 403
    )
    assert NationalProject.objects.get().name == project.name


def test_anonymous_users_cannot_write_projects(cast, programme, api_client):
    assert api_client.post("/api/v1/national-projects/", project_body(programme), format="json").status_code in (
        401,
        403,
    )
    assert not NationalProject.objects.exists()


def test_an_administrator_creates_changes_and_deletes_a_project(cast, programme, api_client):
    api_client.force_authenticate(cast.admin)
    employer = cast.employer_a.membership.organization

    created = api_client.post(
        "/api/v1/national-projects/", project_body(programme, employer=employer.pk), format="json"
    )
    assert created.status_code == 201, created.json()
    project_id = created.json()["id"]
    assert created.json()["employer"]["bin"] == employer.bin

    changed = api_client.patch(
        f"/api/v1/national-projects/{project_id}/",
        {"stage": "contractor_identified", "contractor": "Sun LLP", "end_year": YEAR + 3},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["stage"], changed.json()["end_year"]) == ("contractor_identified", YEAR + 3)

    assert api_client.delete(f"/api/v1/national-projects/{project_id}/").status_code == 204
    assert not NationalProject.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_year": YEAR + 1, "end_year": YEAR}, "end_year"),
        ({"stage": "in_progress", "contractor": ""}, "contractor"),
        ({"stage": "finished"}, "stage"),
        ({"name": ""}, "name"),
        ({"region": "KZ-00"}, "region"),
        ({"planned_permanent_jobs": -1}, "planned_permanent_jobs"),
        ({"start_year": 1990}, "start_year"),
    ],
)
def test_bad_project_input_gets_a_400_naming_the_field_and_writes_nothing(cast, programme, api_client, body, field):
    api_client.force_authenticate(cast.admin)

    response = api_client.post("/api/v1/national-projects/", project_body(programme, **body), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]
    assert not NationalProject.objects.exists()


def test_a_patch_is_checked_against_the_project_as_a_whole(cast, programme, api_client):
    project = make_project(programme, cast.region_x, start=YEAR, end=YEAR + 1)
    api_client.force_authenticate(cast.admin)

    response = api_client.patch(f"/api/v1/national-projects/{project.pk}/", {"start_year": YEAR + 5}, format="json")

    assert response.status_code == 400
    assert "end_year" in response.json()["error"]["fields"]
    project.refresh_from_db()
    assert project.start_year == YEAR


def test_a_project_with_vacancies_cannot_be_deleted(cast, programme, api_client):
    project = make_project(programme, cast.region_x)
    make_vacancy(project)
    api_client.force_authenticate(cast.admin)

    response = api_client.delete(f"/api/v1/national-projects/{project.pk}/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "project_has_vacancies"
    assert NationalProject.objects.filter(pk=project.pk).exists()


def test_programmes_are_managed_by_administrators(cast, programme, api_client):
    api_client.force_authenticate(cast.admin)

    created = api_client.post("/api/v1/national-programmes/", {"code": "NP-2", "name_en": "Second"}, format="json")
    taken = api_client.post("/api/v1/national-programmes/", {"code": "np-test", "name_en": "Again"}, format="json")
    make_project(programme, cast.region_x)
    busy = api_client.delete(f"/api/v1/national-programmes/{programme.pk}/")
    renamed = api_client.patch(f"/api/v1/national-programmes/{programme.pk}/", {"name_kk": "Сынақ"}, format="json")

    assert created.status_code == 201
    assert taken.status_code == 400
    assert "code" in taken.json()["error"]["fields"]
    assert busy.status_code == 409
    assert renamed.json()["name_kk"] == "Сынақ"
    assert api_client.delete(f"/api/v1/national-programmes/{created.json()['id']}/").status_code == 204


def test_the_services_refuse_everyone_but_administrators(cast, programme):
    with pytest.raises(PermissionDenied):
        project_create(
            by=cast.staff_x, programme=programme, name="P", region=cast.region_x, start_year=2025, end_year=2025
        )
    project = project_create(
        by=cast.admin, programme=programme, name="P", region=cast.region_x, start_year=2025, end_year=2025
    )
    with pytest.raises(PermissionDenied):
        project_update(project=project, by=cast.employer_a, name="Q")
    with pytest.raises(BusinessError):
        project_update(project=project, by=cast.admin, end_year=2024)


# --- Project pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("staff_x", 403), ("employer_a", 403), ("seeker_a", 403), ("admin", 200)])
def test_only_administrators_open_the_project_forms(cast, programme, client, who, status):
    project = make_project(programme, cast.region_x)
    client.force_login(getattr(cast, who))

    assert client.get("/vacancies/national-projects/new/").status_code == status
    assert client.get(f"/vacancies/national-projects/{project.pk}/edit/").status_code == status
    assert client.get(f"/vacancies/national-projects/{project.pk}/delete/").status_code == status
    assert client.get("/vacancies/national-programmes/new/").status_code == status
    assert client.post(f"/vacancies/national-projects/{project.pk}/delete/").status_code in (status, 302)
    assert NationalProject.objects.filter(pk=project.pk).exists() == (who != "admin")


def test_anonymous_users_are_sent_to_log_in_for_project_forms(catalog, client):
    assert client.get("/vacancies/national-projects/new/").status_code == 302


def test_an_administrator_creates_a_project_through_the_form(cast, programme, client):
    client.force_login(cast.admin)
    data = {
        "programme": programme.pk,
        "name": "Wind farm",
        "region": cast.region_y.pk,
        "employer": cast.employer_b.membership.organization.bin,
        "contractor": "",
        "stage": "in_progress",
        "planned_permanent_jobs": 20,
        "planned_temporary_jobs": 200,
        "start_year": YEAR,
        "end_year": YEAR,
    }

    refused = client.post("/vacancies/national-projects/new/", {**data, "employer": "", "contractor": ""})
    created = client.post("/vacancies/national-projects/new/", data)

    assert refused.status_code == 400
    assert "Name the contractor" in refused.content.decode()
    assert created.status_code == 302
    project = NationalProject.objects.get()
    assert project.employer == cast.employer_b.membership.organization
    assert created.url == f"/vacancies/national-projects/{project.pk}/"


def test_a_programme_with_projects_cannot_be_deleted_from_its_page(cast, programme, client):
    make_project(programme, cast.region_x)
    client.force_login(cast.admin)

    response = client.post(f"/vacancies/national-programmes/{programme.pk}/delete/")

    assert response.status_code == 409
    assert NationalProgramme.objects.filter(pk=programme.pk).exists()


# --- loadprojects -------------------------------------------------------------------------------


def test_loadprojects_loads_the_demo_projects_idempotently(catalog):
    out = io.StringIO()
    call_command("loadprojects", stdout=out, verbosity=0)
    call_command("loadprojects", stdout=out, verbosity=0)

    assert "national projects: 12 created, 0 updated" in out.getvalue()
    assert "national projects: 0 created, 12 updated" in out.getvalue()
    assert NationalProject.objects.count() == 12
    assert NationalProgramme.objects.count() == 4
    assert len({p.region_id for p in NationalProject.objects.all()}) == 12


def test_loadprojects_stops_on_a_bad_row_and_loads_nothing(catalog, tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "projects.csv"
    path.write_text(
        "programme_code,programme_name_en,programme_name_ru,programme_name_kk,name,region,employer_bin,contractor,"
        "stage,planned_permanent_jobs,planned_temporary_jobs,start_year,end_year\n"
        "P1,One,,,Good,KZ-71,,,tender_open,1,1,2025,2025\n"
        "P1,One,,,Bad,KZ-71,,,tender_open,1,1,2026,2025\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="row 3"):
        call_command("loadprojects", str(path), stdout=io.StringIO(), verbosity=0)
    assert not NationalProject.objects.exists()
