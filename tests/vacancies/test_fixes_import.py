"""Bulk import fixes: a NUL character in a cell is a bad cell (not a failed import), the report
is written in the uploader's language, and a row may only join a national project the employer
may use."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from catalog.models import Region
from tests import factories
from tests.vacancies.test_imports import csv_bytes, errors_by_row, organization_of, row, sheet
from vacancies.models import ImportJob, NationalProgramme, NationalProject, Vacancy
from vacancies.services.imports import import_job_create, import_job_run, import_vacancies, read_table

pytestmark = pytest.mark.django_db

NUL_MESSAGE = (
    "The cell contains a NUL character (code 0), which cannot be stored. Remove it from the file and import "
    "the row again."
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def project(*, region: Region, employer=None, name: str = "Road") -> NationalProject:
    programme, _created = NationalProgramme.objects.get_or_create(code="P1", defaults={"name_en": "Programme"})
    return NationalProject.objects.create(
        programme=programme, name=name, region=region, employer=employer, start_year=2024, end_year=2030
    )


# --- NUL characters -----------------------------------------------------------------------------


def test_a_nul_in_a_csv_cell_is_an_error_on_that_cell_and_the_other_rows_are_imported(cast):
    employer = cast.employer_a
    data = csv_bytes([row(1), row(2, description="bad\x00text"), row(3)])

    result = import_vacancies(
        organization=organization_of(employer),
        by=employer,
        rows_iterable=read_table(io.BytesIO(data), filename="v.csv"),
    )

    assert result.created_count == 2
    assert errors_by_row(result) == {3: [("description", NUL_MESSAGE)]}
    assert set(Vacancy.objects.values_list("external_id", flat=True)) == {"EXT-0001", "EXT-0003"}


def test_a_nul_in_any_column_of_a_row_is_reported_on_each_such_column(cast):
    employer = cast.employer_a
    rows = [
        row(1, region="KZ-71\x00", salary_min="3\x0000"),
        row(2, external_id="EXT-\x00"),
        row(3, title="Welder\x00"),
        row(4, contact_email="hr@example.kz\x00"),
    ]

    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=sheet(rows))

    assert errors_by_row(result) == {
        2: [("salary_min", NUL_MESSAGE), ("region", NUL_MESSAGE)],
        3: [("external_id", NUL_MESSAGE)],
        4: [("title", NUL_MESSAGE)],
        5: [("contact_email", NUL_MESSAGE)],
    }
    assert not Vacancy.objects.exists()


def test_a_nul_in_an_update_row_leaves_the_vacancy_as_it_was(cast):
    employer = cast.employer_a
    vacancy = factories.VacancyFactory(organization=organization_of(employer), external_id="EXT-0001")

    result = import_vacancies(
        organization=organization_of(employer),
        by=employer,
        rows_iterable=sheet([row(1, duties="x\x00y"), row(2)]),
    )

    assert result.updated_count == 0 and result.created_count == 1
    assert errors_by_row(result) == {2: [("duties", NUL_MESSAGE)]}
    vacancy.refresh_from_db()
    assert "\x00" not in vacancy.duties


def test_a_nul_in_a_header_cell_is_reported_as_an_unknown_column(cast):
    employer = cast.employer_a
    table = sheet([row(1)])
    table[0] = [*table[0], "no\x00tes"]
    table[1] = [*table[1], "whatever"]

    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=table)

    assert result.created_count == 1
    assert [(e["row"], e["column"]) for e in result.errors] == [(1, "no\ufffdtes")]


def test_an_uploaded_csv_with_a_nul_finishes_done_with_the_bad_row_reported(cast):
    employer = cast.employer_a
    User.objects.filter(pk=employer.pk).update(language="en")
    employer.refresh_from_db()
    data = csv_bytes([row(1), row(2, requirements="\x00"), row(3)])
    job = import_job_create(organization=organization_of(employer), by=employer, file=SimpleUploadedFile("v.csv", data))

    assert import_job_run(job_id=job.pk) is True

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.processed_rows) == (2, 3)
    assert job.errors == [{"row": 3, "column": "requirements", "message": NUL_MESSAGE}]


# --- The uploader's language --------------------------------------------------------------------


def test_a_russian_uploaders_report_is_in_russian_although_the_worker_runs_in_english(cast):
    employer = cast.employer_a
    User.objects.filter(pk=employer.pk).update(language="ru")
    employer.refresh_from_db()
    data = csv_bytes([row(1, region="KZ-00"), row(2, title="")])
    with translation.override("ru"):
        job = import_job_create(
            organization=organization_of(employer), by=employer, file=SimpleUploadedFile("v.csv", data)
        )
        expected_region = gettext("Unknown code “%(code)s”.") % {"code": "KZ-00"}

    # A Celery worker runs in the default language, whatever the uploader's is.
    with translation.override("en"):
        import_job_run(job_id=job.pk)
        assert translation.get_language() == "en"

    assert expected_region == "Неизвестный код «KZ-00»."  # the Russian catalogue has this message
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    by_row = {e["row"]: e for e in job.errors}
    assert by_row[2]["message"] == expected_region
    assert by_row[3] == {"row": 3, "column": "title", "message": "Этот столбец не может быть пустым."}


def test_a_file_refused_as_a_whole_is_reported_in_the_uploaders_language(cast):
    employer = cast.employer_a
    User.objects.filter(pk=employer.pk).update(language="ru")
    employer.refresh_from_db()
    job = import_job_create(
        organization=organization_of(employer), by=employer, file=SimpleUploadedFile("v.csv", csv_bytes([row(1)]))
    )
    # The uploader lost the right to import meanwhile.
    employer.membership.delete()

    with translation.override("en"):
        import_job_run(job_id=job.pk)

    job.refresh_from_db()
    with translation.override("ru"):
        expected = gettext("The person who uploaded the file may no longer import for this employer.")
    assert job.status == ImportJob.Status.FAILED
    assert (
        job.errors[0]["message"]
        == expected
        != "The person who uploaded the file may no longer import for this employer."
    )


# --- National projects --------------------------------------------------------------------------


def test_a_row_cannot_join_another_employers_project(cast):
    employer = cast.employer_a
    others = project(region=cast.region_x, employer=organization_of(cast.employer_b))
    own = project(region=cast.region_y, employer=organization_of(employer), name="Own")
    rows = [row(1, national_project=str(others.pk)), row(2, national_project=str(own.pk))]

    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=sheet(rows))

    assert result.created_count == 1
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "national_project")]
    assert "implemented by another employer" in result.errors[0]["message"]
    assert Vacancy.objects.get().national_project == own


def test_a_row_may_join_a_project_without_an_employer_only_in_the_projects_region(cast):
    employer = cast.employer_a  # rows are in KZ-71 (Astana)
    astana = project(region=Region.objects.get(code="KZ-71"), name="Astana road")
    elsewhere = project(region=Region.objects.exclude(code="KZ-71").first(), name="Elsewhere road")
    rows = [row(1, national_project=str(astana.pk)), row(2, national_project=str(elsewhere.pk))]

    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=sheet(rows))

    assert result.created_count == 1
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "national_project")]
    assert Vacancy.objects.get().national_project == astana


def test_an_update_row_cannot_move_a_vacancy_into_another_employers_project(cast):
    employer = cast.employer_a
    vacancy = factories.VacancyFactory(organization=organization_of(employer), external_id="EXT-0001")
    others = project(region=cast.region_x, employer=organization_of(cast.employer_b))

    result = import_vacancies(
        organization=organization_of(employer),
        by=employer,
        rows_iterable=sheet([row(1, title="Renamed", national_project=str(others.pk))]),
    )

    assert result.updated_count == 0
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "national_project")]
    vacancy.refresh_from_db()
    assert vacancy.national_project is None and vacancy.title != "Renamed"


def test_staff_importing_for_an_employer_follow_the_same_project_rule(cast):
    staff = cast.staff_x
    others = project(region=cast.region_x, employer=organization_of(cast.employer_b))
    region_x_row = row(1, region=cast.region_x.code, national_project=str(others.pk))

    result = import_vacancies(
        organization=organization_of(cast.employer_a), by=staff, rows_iterable=sheet([region_x_row])
    )

    assert result.created_count == 0
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "national_project")]
