"""Bulk import of vacancies: row checks, the upsert, file formats, the command, the Celery task
on a real worker, and who may import and see what."""

from __future__ import annotations

import csv
import datetime
import io
import time
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from exchange.errors import BusinessError, ConflictError
from tests import factories
from vacancies.models import ImportJob, Vacancy
from vacancies.services import imports
from vacancies.services.imports import (
    COLUMN_NAMES,
    ImportFileError,
    import_job_create,
    import_job_run,
    import_jobs_recover,
    import_vacancies,
    read_table,
)
from vacancies.tasks.imports import run_import

DATA = Path(__file__).resolve().parents[2] / "vacancies" / "data"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def organization_of(user):
    return user.membership.organization


def reading_english(user):
    """A job's report is written in the uploader's language (``User.language``, "ru" by default);
    tests that read its messages in English make the uploader English-speaking."""
    User.objects.filter(pk=user.pk).update(language="en")
    user.language = "en"
    return user


def row(n: int = 1, **overrides) -> dict:
    values = {
        "external_id": f"EXT-{n:04d}",
        "title": f"Welder {n}",
        "occupation": "7212",
        "description": "Welding of steel structures, beams and pipes.",
        "duties": "Weld; inspect seams.",
        "requirements": "Certificate.",
        "education_level": "technical_vocational",
        "experience_years": "1",
        "required_skills": "welding;first_aid",
        "nice_skills": "crane_operation",
        "languages": "kk;ru",
        "salary_min": "300000",
        "salary_max": "450000",
        "salary_is_gross": "yes",
        "employment_type": "full_time",
        "schedule": "full_day",
        "region": "KZ-71",
        "locality": "Astana",
        "address": "Industrial zone, 12",
        "is_remote": "no",
        "positions": "2",
        "is_youth_friendly": "no",
        "is_quota": "no",
        "has_social_package": "yes",
        "national_project": "",
        "contact_name": "Aigerim",
        "contact_phone": "+7 701 000 0000",
        "contact_email": "hr@example.kz",
    }
    values.update(overrides)
    return values


def sheet(rows: list[dict], columns=COLUMN_NAMES) -> list[list[str]]:
    return [list(columns), *([r.get(c, "") for c in columns] for r in rows)]


def csv_bytes(rows: list[dict], *, delimiter=",", bom=False, encoding="utf-8", columns=COLUMN_NAMES) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(sheet(rows, columns))
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def xlsx_bytes(table: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for values in table:
        workbook.active.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def errors_by_row(result) -> dict[int, list[tuple[str, str]]]:
    grouped: dict[int, list[tuple[str, str]]] = {}
    for error in result.errors:
        grouped.setdefault(error["row"], []).append((error["column"], error["message"]))
    return grouped


# --- Rows ---------------------------------------------------------------------------------------


def test_an_import_with_ten_percent_bad_rows_imports_the_other_90_and_reports_each_bad_row(cast):
    employer = cast.employer_a
    rows = [row(n) for n in range(1, 51)]
    # Five bad rows out of fifty, each with a different mistake; spreadsheet row = index + 2.
    rows[3] = row(4, occupation="9999")
    rows[11] = row(12, salary_min="lots")
    rows[22] = row(23, salary_min="500000", salary_max="400000")
    rows[35] = row(36, region="KZ-00")
    rows[47] = row(48, title="")

    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=sheet(rows))

    assert result.processed_rows == 50
    assert result.created_count == 45
    assert result.updated_count == 0
    assert result.bad_rows == [5, 13, 24, 37, 49]
    reported = errors_by_row(result)
    assert reported[5] == [("occupation", "Unknown ISCO-08 code “9999”.")]
    assert reported[13] == [("salary_min", "“lots” is not a whole number.")]
    assert reported[24] == [("salary_max", "salary_max must not be lower than salary_min.")]
    assert reported[37] == [("region", "Unknown code “KZ-00”.")]
    assert reported[49] == [("title", "This column must not be empty.")]

    imported = Vacancy.objects.filter(organization=organization_of(employer))
    assert imported.count() == 45
    assert set(imported.values_list("status", flat=True)) == {Vacancy.Status.DRAFT}
    assert not imported.filter(external_id__in=["EXT-0004", "EXT-0012", "EXT-0023", "EXT-0036", "EXT-0048"]).exists()


def test_imported_vacancy_has_every_field_and_skills_text_in_three_languages(cast):
    employer = cast.employer_a

    import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=sheet([row(1)]))

    vacancy = Vacancy.objects.get(external_id="EXT-0001")
    assert vacancy.created_by == employer
    assert vacancy.occupation.code == "7212"
    assert vacancy.education_level.code == "technical_vocational"
    assert vacancy.region.code == "KZ-71"
    assert vacancy.employment_type.code == "full_time"
    assert vacancy.schedule.code == "full_day"
    assert (vacancy.salary_min, vacancy.salary_max, vacancy.salary_is_gross) == (300000, 450000, True)
    assert vacancy.positions == 2
    assert vacancy.languages == ["kk", "ru"]
    assert vacancy.has_social_package is True
    assert vacancy.is_remote is False
    assert {s.code for s in vacancy.required_skills.all()} == {"welding", "first_aid"}
    assert {s.code for s in vacancy.nice_skills.all()} == {"crane_operation"}
    for name in ("Welding", "Сварка", "Дәнекерлеу"):
        assert name in vacancy.skills_text


def test_reimporting_the_same_file_updates_the_vacancies_instead_of_duplicating_them(cast):
    employer = cast.employer_a
    organization = organization_of(employer)
    rows = [row(n) for n in range(1, 11)]

    first = import_vacancies(organization=organization, by=employer, rows_iterable=sheet(rows))
    rows[2] = row(3, title="Senior welder", salary_max="600000", required_skills="welding;machining_cnc")
    second = import_vacancies(organization=organization, by=employer, rows_iterable=sheet(rows))

    assert (first.created_count, first.updated_count) == (10, 0)
    assert (second.created_count, second.updated_count) == (0, 10)
    assert second.errors == []
    assert Vacancy.objects.filter(organization=organization).count() == 10
    changed = Vacancy.objects.get(organization=organization, external_id="EXT-0003")
    assert (changed.title, changed.salary_max) == ("Senior welder", 600000)
    assert "Machining" in changed.skills_text or "CNC" in changed.skills_text


def test_the_same_external_id_of_another_employer_is_a_different_vacancy(cast):
    import_vacancies(organization=organization_of(cast.employer_a), by=cast.employer_a, rows_iterable=sheet([row(1)]))
    result = import_vacancies(
        organization=organization_of(cast.employer_b), by=cast.employer_b, rows_iterable=sheet([row(1)])
    )

    assert result.created_count == 1
    assert Vacancy.objects.filter(external_id="EXT-0001").count() == 2


def test_a_published_vacancy_is_updated_and_stays_published(cast):
    employer = cast.employer_a
    organization = organization_of(employer)
    published = factories.VacancyFactory(organization=organization, external_id="EXT-0001", title="Welder 1")

    result = import_vacancies(
        organization=organization, by=employer, rows_iterable=sheet([row(1, salary_max="900000")])
    )

    assert (result.created_count, result.updated_count, result.errors) == (0, 1, [])
    published.refresh_from_db()
    assert published.status == Vacancy.Status.PUBLISHED
    assert published.salary_max == 900000


@pytest.mark.parametrize("status", ["pending", "closed", "filled", "expired"])
def test_a_vacancy_no_longer_editable_is_reported_not_changed(cast, status):
    employer = cast.employer_a
    organization = organization_of(employer)
    vacancy = factories.VacancyFactory(organization=organization, external_id="EXT-0001", status=status)

    result = import_vacancies(organization=organization, by=employer, rows_iterable=sheet([row(1, title="New")]))

    assert result.updated_count == 0
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "external_id")]
    assert "new external_id" in result.errors[0]["message"]
    vacancy.refresh_from_db()
    assert vacancy.title != "New"


def test_columns_left_out_keep_their_values_on_update(cast):
    employer = cast.employer_a
    organization = organization_of(employer)
    import_vacancies(organization=organization, by=employer, rows_iterable=sheet([row(1)]))
    required_only = ["external_id", "title", "occupation", "description", "employment_type", "schedule", "region"]

    result = import_vacancies(
        organization=organization, by=employer, rows_iterable=sheet([row(1, title="Renamed")], required_only)
    )

    assert result.updated_count == 1
    vacancy = Vacancy.objects.get(organization=organization, external_id="EXT-0001")
    assert vacancy.title == "Renamed"
    assert vacancy.salary_max == 450000
    assert vacancy.required_skills.count() == 2


def test_a_duplicate_external_id_in_the_same_file_reports_the_second_row(cast):
    employer = cast.employer_a

    result = import_vacancies(
        organization=organization_of(employer),
        by=employer,
        rows_iterable=sheet([row(1), row(2), row(1, title="Again")]),
    )

    assert result.created_count == 2
    assert [(e["row"], e["column"]) for e in result.errors] == [(4, "external_id")]
    assert "Row 2" in result.errors[0]["message"]


def test_empty_rows_are_skipped_and_still_counted_in_row_numbers(cast):
    employer = cast.employer_a
    table = [*sheet([row(1)]), [""] * len(COLUMN_NAMES), [], *sheet([row(2, occupation="abc")])[1:]]

    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=table)

    assert result.processed_rows == 2
    assert result.created_count == 1
    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "occupation")]


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"occupation": "721"}, "occupation", "Use an ISCO-08 unit group (a four-digit code); 721 is a broader group."),
        ({"education_level": "phd"}, "education_level", "Unknown code “phd”."),
        ({"experience_years": "51"}, "experience_years", "Enter a number from 0 to 50."),
        ({"required_skills": "welding;juggling"}, "required_skills", "Unknown skill codes: juggling."),
        ({"languages": "kazakh"}, "languages", "Use two-letter language codes such as kk, ru, en; not kazakh."),
        ({"salary_is_gross": "maybe"}, "salary_is_gross", "Write yes or no, not “maybe”."),
        ({"positions": "0"}, "positions", "Enter a number from 1 to 10000."),
        ({"positions": "2.5"}, "positions", "“2.5” is not a whole number."),
        ({"national_project": "999999"}, "national_project", "There is no national project with id 999999."),
        ({"contact_email": "not-an-email"}, "contact_email", "“not-an-email” is not an e-mail address."),
        ({"employment_type": ""}, "employment_type", "This column must not be empty."),
        ({"external_id": ""}, "external_id", "This column must not be empty."),
        ({"title": "x" * 201}, "title", "At most 200 characters (this has 201)."),
    ],
)
def test_each_kind_of_bad_cell_is_reported_on_its_column(cast, overrides, column, message):
    employer = cast.employer_a

    result = import_vacancies(
        organization=organization_of(employer), by=employer, rows_iterable=sheet([row(1, **overrides)])
    )

    assert result.created_count == 0
    assert result.errors == [{"row": 2, "column": column, "message": message}]
    assert not Vacancy.objects.exists()


def test_numbers_with_spaces_and_yes_no_in_russian_and_kazakh_are_understood(cast):
    employer = cast.employer_a
    rows = [row(1, salary_min="300 000", salary_max="450\u00a0000", is_remote="да", is_quota="иә", languages="KK, ru")]

    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=sheet(rows))

    assert result.errors == []
    vacancy = Vacancy.objects.get()
    assert (vacancy.salary_min, vacancy.salary_max, vacancy.is_remote, vacancy.is_quota) == (300000, 450000, True, True)
    assert vacancy.languages == ["kk", "ru"]


def test_an_unknown_column_is_reported_on_the_header_and_ignored(cast):
    employer = cast.employer_a
    columns = [*COLUMN_NAMES, "salary_mn"]

    result = import_vacancies(
        organization=organization_of(employer), by=employer, rows_iterable=sheet([row(1)], columns)
    )

    assert result.created_count == 1
    assert result.errors == [{"row": 1, "column": "salary_mn", "message": "Unknown column; it was ignored."}]
    assert result.bad_rows == []


def test_missing_required_columns_are_a_whole_file_error_and_nothing_is_written(cast):
    employer = cast.employer_a
    columns = [c for c in COLUMN_NAMES if c not in ("title", "region")]

    with pytest.raises(ImportFileError) as caught:
        import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=sheet([row(1)], columns))

    assert caught.value.message.startswith("Required columns are missing: title, region.")
    assert caught.value.fields == {"file": [caught.value.message]}
    assert not Vacancy.objects.exists()


def test_staff_import_for_an_employer_of_their_region_only_into_their_region(cast):
    organization = organization_of(cast.employer_a)

    result = import_vacancies(
        organization=organization, by=cast.staff_x, rows_iterable=sheet([row(1), row(2, region="KZ-75")])
    )

    assert result.created_count == 1
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "region")]
    assert Vacancy.objects.get().created_by == cast.staff_x


@pytest.mark.parametrize("who", ["employer_b", "staff_y", "seeker_a"])
def test_outsiders_cannot_import_for_an_employer(cast, who):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_vacancies(
            organization=organization_of(cast.employer_a), by=getattr(cast, who), rows_iterable=sheet([row(1)])
        )


def test_a_duplicate_of_an_open_vacancy_is_refused_on_update_by_the_lifecycle_rules(cast):
    employer = cast.employer_a
    organization = organization_of(employer)
    factories.VacancyFactory(organization=organization, title="Taken title", external_id="OTHER")
    factories.VacancyFactory(organization=organization, title="Welder 1", external_id="EXT-0001")

    result = import_vacancies(
        organization=organization, by=employer, rows_iterable=sheet([row(1, title="Taken title")])
    )

    assert result.updated_count == 0
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "title")]
    assert "already have an open vacancy" in result.errors[0]["message"]


# --- Files --------------------------------------------------------------------------------------


def test_a_csv_with_a_bom_and_semicolons_is_read(cast):
    employer = cast.employer_a
    data = csv_bytes([row(1, description="Steel; beams, pipes"), row(2)], delimiter=";", bom=True)

    table = read_table(io.BytesIO(data), filename="vacancies.CSV")
    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=table)

    assert table.data_row_count == 2
    assert (result.created_count, result.errors) == (2, [])
    assert Vacancy.objects.get(external_id="EXT-0001").description == "Steel; beams, pipes"


def test_a_csv_saved_by_excel_in_windows_1251_is_read(cast):
    employer = cast.employer_a
    data = csv_bytes([row(1, title="Сварщик")], delimiter=";", encoding="cp1251")

    result = import_vacancies(
        organization=organization_of(employer),
        by=employer,
        rows_iterable=read_table(io.BytesIO(data), filename="v.csv"),
    )

    assert result.errors == []
    assert Vacancy.objects.get().title == "Сварщик"


def test_an_xlsx_with_numeric_and_boolean_cells_is_read(cast):
    employer = cast.employer_a
    values = row(1)
    values.update(
        external_id=1001,
        occupation=7212,
        salary_min=300000.0,
        salary_max=450000,
        positions=3.0,
        is_remote=True,
        experience_years=2,
    )
    armed_forces = row(2, occupation=110)  # 0110 after a spreadsheet dropped the zero
    table = [list(COLUMN_NAMES), [values[c] for c in COLUMN_NAMES], [], [armed_forces[c] for c in COLUMN_NAMES]]

    read = read_table(io.BytesIO(xlsx_bytes(table)), filename="vacancies.xlsx")
    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=read)

    assert result.errors == []
    assert result.created_count == 2
    vacancy = Vacancy.objects.get(external_id="1001")
    assert (vacancy.salary_min, vacancy.salary_max, vacancy.positions) == (300000, 450000, 3)
    assert vacancy.is_remote is True
    assert vacancy.experience_years == 2
    assert Vacancy.objects.get(external_id="EXT-0002").occupation.code == "0110"


def test_row_numbers_of_an_xlsx_match_the_spreadsheet(cast):
    employer = cast.employer_a
    table = [
        list(COLUMN_NAMES),
        [row(1)[c] for c in COLUMN_NAMES],
        [],
        [],
        [row(2, region="nowhere")[c] for c in COLUMN_NAMES],
    ]

    read = read_table(io.BytesIO(xlsx_bytes(table)), filename="v.xlsx")
    result = import_vacancies(organization=organization_of(employer), by=employer, rows_iterable=read)

    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "region")]


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("vacancies.xls", b"whatever", "Upload a .csv or .xlsx file."),
        ("vacancies.xlsx", b"not a zip", "The file is not a valid XLSX workbook."),
        ("vacancies.csv", b"", "The file is empty."),
        ("vacancies.csv", b"\r\n\r\n", "The file is empty."),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(filename, data, message):
    with pytest.raises(ImportFileError) as caught:
        read_table(io.BytesIO(data), filename=filename)

    assert caught.value.message == message


def test_files_over_the_limits_are_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(io.BytesIO(csv_bytes([row(n) for n in range(4)])), filename="v.csv")

    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImportFileError, match="larger than"):
        read_table(io.BytesIO(csv_bytes([row(1)])), filename="v.csv")


def test_the_template_and_the_sample_file_import_cleanly(cast):
    employer = cast.employer_a
    organization = organization_of(employer)

    template = read_table(io.BytesIO(imports.template_csv().encode()), filename="template.csv")
    with open(DATA / "vacancies_sample.csv", "rb") as file:
        sample = read_table(file, filename="vacancies_sample.csv")

    assert import_vacancies(organization=organization, by=employer, rows_iterable=template).errors == []
    result = import_vacancies(organization=organization, by=cast.admin, rows_iterable=sample)
    assert result.errors == []
    assert result.created_count == 5


# --- The management command ---------------------------------------------------------------------


def test_importvacancies_imports_the_file_and_lists_the_bad_rows(cast, tmp_path, capsys):
    organization = organization_of(cast.employer_a)
    path = tmp_path / "vacancies.csv"
    path.write_bytes(csv_bytes([row(1), row(2, salary_max="abc"), row(3)], delimiter=";", bom=True))
    out = io.StringIO()

    call_command("importvacancies", str(path), "--employer", organization.bin, stdout=out)

    output = out.getvalue()
    assert "3 rows: 2 created, 0 updated, 1 bad rows." in output
    assert "row 3, column salary_max: “abc” is not a whole number." in output
    assert "vacancies" in capsys.readouterr().err  # the progress bar
    assert Vacancy.objects.filter(organization=organization).count() == 2
    assert Vacancy.objects.filter(organization=organization).first().created_by == cast.employer_a

    out = io.StringIO()
    call_command("importvacancies", str(path), "--employer", organization.bin, "--by", "staff-x@example.kz", stdout=out)
    assert "3 rows: 0 created, 2 updated, 1 bad rows." in out.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing.csv", "--employer", "{bin}"], "Cannot read missing.csv"),
        (["{bad}", "--employer", "{bin}"], "Required columns are missing"),
        (["{good}", "--employer", "000000000000"], "No employer with BIN"),
        (["{good}", "--employer", "{bin}", "--by", "staff-y@example.kz"], "may not import"),
        (["{good}", "--employer", "{bin}", "--by", "nobody@example.kz"], "No user with e-mail"),
    ],
)
def test_importvacancies_fails_loudly_when_it_cannot_import(cast, tmp_path, arguments, message):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes([row(1)]))
    bad.write_bytes(csv_bytes([row(1)], columns=["external_id", "title"]))
    values = {"bin": organization_of(cast.employer_a).bin, "good": str(good), "bad": str(bad)}
    arguments = [a.format(**values) for a in arguments]

    with pytest.raises(CommandError, match=message):
        call_command("importvacancies", *arguments, stdout=io.StringIO())
    assert not Vacancy.objects.exists()


# --- Jobs and the task --------------------------------------------------------------------------


def upload(rows=None, *, name="vacancies.csv", data=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else csv_bytes(rows or [row(1)]), "text/csv")


def test_running_a_job_twice_does_nothing_the_second_time(cast):
    employer = cast.employer_a
    job = import_job_create(
        organization=organization_of(employer), by=employer, file=upload([row(1), row(2), row(3, region="x")])
    )

    assert import_job_run(job_id=job.pk) is True
    assert run_import(job.pk) is False  # the task itself, called as the worker would
    assert import_job_run(job_id=job.pk) is False

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows, job.created_count, job.updated_count) == (3, 3, 2, 0)
    assert job.progress_percent == 100
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "region")]
    assert Vacancy.objects.count() == 2


def test_a_job_whose_file_has_too_many_rows_fails_with_the_reason(cast, monkeypatch):
    employer = reading_english(cast.employer_a)
    job = import_job_create(organization=organization_of(employer), by=employer, file=upload([row(1), row(2)]))
    monkeypatch.setattr(imports, "MAX_ROWS", 1)

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {"row": None, "column": "", "message": "The file has more than 1 rows. Split it into several files."}
    ]
    assert not Vacancy.objects.exists()


def test_an_unexpected_error_fails_the_job_and_keeps_the_chunks_already_committed(cast, monkeypatch):
    employer = reading_english(cast.employer_a)
    rows = [row(n) for n in range(1, 61)]  # two chunks: 50 rows, then 10
    job = import_job_create(organization=organization_of(employer), by=employer, file=upload(rows))
    real_insert = imports._insert_drafts
    calls = []

    def insert(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real_insert(**kwargs)

    monkeypatch.setattr(imports, "_insert_drafts", insert)

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.created_count == 50
    assert "unexpected error after reading 60 rows" in job.errors[-1]["message"]
    assert Vacancy.objects.count() == 50


def test_when_the_bulk_insert_is_refused_the_rows_are_written_one_by_one(cast, monkeypatch):
    from django.db import IntegrityError

    employer = cast.employer_a

    def refuse(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(imports, "_insert_drafts", refuse)

    result = import_vacancies(
        organization=organization_of(employer), by=employer, rows_iterable=sheet([row(1), row(2), row(3)])
    )

    assert (result.created_count, result.errors) == (3, [])
    assert all(v.skills_text for v in Vacancy.objects.all())


def test_import_job_create_checks_the_file_before_queuing(cast):
    employer = cast.employer_a
    organization = organization_of(employer)

    with pytest.raises(ImportFileError, match=r"Upload a \.csv or \.xlsx file\."):
        import_job_create(organization=organization, by=employer, file=upload(name="v.txt"))
    with pytest.raises(ImportFileError, match="Required columns are missing"):
        import_job_create(
            organization=organization, by=employer, file=upload(data=csv_bytes([row(1)], columns=["external_id"]))
        )
    assert not ImportJob.objects.exists()


def test_an_employer_may_have_three_imports_waiting_at_once(cast):
    employer = cast.employer_a
    organization = organization_of(employer)
    for _ in range(3):
        import_job_create(organization=organization, by=employer, file=upload())

    with pytest.raises(ConflictError) as caught:
        import_job_create(organization=organization, by=employer, file=upload())
    assert caught.value.code == "too_many_imports"


def test_recovery_fails_stalled_jobs_and_sends_lost_ones_again(cast, monkeypatch):
    employer = reading_english(cast.employer_a)
    organization = organization_of(employer)
    stalled = import_job_create(organization=organization, by=employer, file=upload())
    lost = import_job_create(organization=organization, by=employer, file=upload())
    fresh = import_job_create(organization=organization, by=employer, file=upload())
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ImportJob.objects.filter(pk=stalled.pk).update(status=ImportJob.Status.RUNNING, updated_at=long_ago)
    ImportJob.objects.filter(pk=lost.pk).update(created_at=long_ago)
    sent = []
    monkeypatch.setattr(imports, "_enqueue_run", sent.append)

    assert import_jobs_recover() == {"failed": 1, "requeued": 1}

    stalled.refresh_from_db()
    assert stalled.status == ImportJob.Status.FAILED
    assert "stopped without finishing" in stalled.errors[-1]["message"]
    assert sent == [lost.pk]
    fresh.refresh_from_db()
    assert fresh.status == ImportJob.Status.QUEUED


def wait_for(predicate, timeout=60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.celery_worker
def test_a_web_upload_is_imported_by_the_celery_worker_with_correct_counts(cast, client, celery_worker):
    employer = reading_english(cast.employer_a)
    organization = organization_of(employer)
    factories.VacancyFactory(organization=organization, external_id="EXT-0001", status="draft", title="Old")
    rows = [row(n) for n in range(1, 121)]
    rows[9] = row(10, occupation="0000")
    client.force_login(employer)

    response = client.post("/vacancies/imports/new/", {"file": upload(rows)})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == f"/vacancies/imports/{job.pk}/"
    assert job.file.name.startswith("imports/")
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status in ("done", "failed")), "the worker never finished"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows, job.created_count, job.updated_count) == (120, 120, 118, 1)
    assert job.errors == [{"row": 11, "column": "occupation", "message": "Unknown ISCO-08 code “0000”."}]
    assert Vacancy.objects.filter(organization=organization).count() == 119

    page = client.get(f"/vacancies/imports/{job.pk}/")
    assert page.status_code == 200
    assert b"<progress" in page.content
    assert "Unknown ISCO-08 code “0000”.".encode() in page.content
    status = client.get(f"/api/v1/imports/{job.pk}/").json()
    assert (status["status"], status["progress_percent"], status["bad_rows"]) == ("done", 100, 1)


@pytest.mark.celery_worker
def test_an_api_upload_by_staff_is_imported_by_the_worker(cast, api_client, celery_worker):
    organization = organization_of(cast.employer_a)
    api_client.force_authenticate(cast.staff_x)

    response = api_client.post(
        "/api/v1/imports/",
        {
            "file": upload([row(1), row(2)], name="list.xlsx", data=xlsx_bytes(sheet([row(1), row(2)]))),
            "organization_id": organization.pk,
        },
        format="multipart",
    )

    assert response.status_code == 202, response.json()
    job_id = response.json()["id"]
    assert response["Location"] == f"/api/v1/imports/{job_id}/"
    assert wait_for(lambda: ImportJob.objects.get(pk=job_id).status in ("done", "failed"))
    body = api_client.get(f"/api/v1/imports/{job_id}/").json()
    assert (body["status"], body["created_count"], body["errors"]) == ("done", 2, [])


# --- Pages, API and permissions -----------------------------------------------------------------


@pytest.fixture
def job(cast):
    employer = reading_english(cast.employer_a)
    job = import_job_create(
        organization=organization_of(employer), by=employer, file=upload([row(1), row(2, region="?")])
    )
    import_job_run(job_id=job.pk)
    return job


@pytest.mark.parametrize(
    ("who", "web", "api"),
    [
        ("employer_a", 200, 200),
        ("staff_x", 200, 200),
        ("admin", 200, 200),
        ("employer_b", 404, 404),
        ("staff_y", 404, 404),
        ("seeker_a", 403, 403),
    ],
)
def test_who_may_see_an_import_job(cast, client, api_client, job, who, web, api):
    user = getattr(cast, who)
    client.force_login(user)
    api_client.force_authenticate(user)

    assert client.get(f"/vacancies/imports/{job.pk}/").status_code == web
    assert api_client.get(f"/api/v1/imports/{job.pk}/").status_code == api


def test_anonymous_users_cannot_see_import_jobs(client, api_client, job):
    assert client.get(f"/vacancies/imports/{job.pk}/").status_code == 302
    assert api_client.get(f"/api/v1/imports/{job.pk}/").status_code in (401, 403)
    assert api_client.post("/api/v1/imports/", {"file": upload()}, format="multipart").status_code in (401, 403)
    assert client.get("/vacancies/imports/new/").status_code == 302


def test_the_import_list_shows_only_jobs_the_user_may_see(cast, client, api_client, job):
    for who, count in (("employer_a", 1), ("staff_x", 1), ("admin", 1), ("employer_b", 0), ("staff_y", 0)):
        api_client.force_authenticate(getattr(cast, who))
        assert api_client.get("/api/v1/imports/").json()["count"] == count, who
    client.force_login(cast.employer_b)
    assert job.original_name not in client.get("/vacancies/imports/").content.decode()
    client.force_login(cast.seeker_a)
    assert client.get("/vacancies/imports/").status_code == 403


def test_the_status_api_reports_progress_and_every_bad_row(cast, api_client, job):
    api_client.force_authenticate(cast.employer_a)

    body = api_client.get(f"/api/v1/imports/{job.pk}/").json()

    assert body["status"] == "done"
    assert (body["total_rows"], body["processed_rows"], body["progress_percent"]) == (2, 2, 100)
    assert (body["created_count"], body["updated_count"], body["bad_rows"]) == (1, 0, 1)
    assert body["errors"] == [{"row": 3, "column": "region", "message": "Unknown code “?”."}]
    assert body["organization"]["bin"] == organization_of(cast.employer_a).bin


@pytest.mark.parametrize(
    ("who", "organization", "status", "code"),
    [
        ("seeker_a", None, 403, None),
        ("staff_x", None, 400, "organization_required"),
        ("staff_y", "a", 404, None),
        ("employer_b", "a", 404, None),
        ("admin", None, 400, "organization_required"),
    ],
)
def test_who_may_upload_through_the_api(cast, api_client, who, organization, status, code):
    api_client.force_authenticate(getattr(cast, who))
    data = {"file": upload()}
    if organization:
        data["organization_id"] = organization_of(cast.employer_a).pk

    response = api_client.post("/api/v1/imports/", data, format="multipart")

    assert response.status_code == status
    if code:
        assert response.json()["error"]["code"] == code
    assert not ImportJob.objects.exists()


def test_a_bad_file_through_the_api_gets_a_400_naming_the_file_and_writes_nothing(cast, api_client):
    api_client.force_authenticate(cast.employer_a)

    wrong_type = api_client.post("/api/v1/imports/", {"file": upload(name="v.pdf")}, format="multipart")
    no_columns = api_client.post(
        "/api/v1/imports/", {"file": upload(data=csv_bytes([row(1)], columns=["title"]))}, format="multipart"
    )
    no_file = api_client.post("/api/v1/imports/", {}, format="multipart")

    assert wrong_type.status_code == 400
    assert wrong_type.json()["error"] == {
        "code": "invalid_file",
        "message": "Upload a .csv or .xlsx file.",
        "fields": {"file": ["Upload a .csv or .xlsx file."]},
    }
    assert no_columns.status_code == 400
    assert "Required columns are missing" in no_columns.json()["error"]["fields"]["file"][0]
    assert no_file.status_code == 400
    assert "file" in no_file.json()["error"]["fields"]
    assert not ImportJob.objects.exists()


def test_the_upload_page_shows_the_file_error_next_to_the_field(cast, client):
    client.force_login(cast.employer_a)

    response = client.post("/vacancies/imports/new/", {"file": upload(name="v.doc")})

    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_staff_choose_the_employer_by_bin_then_upload_for_it(cast, client):
    organization = organization_of(cast.employer_a)
    client.force_login(cast.staff_x)

    assert client.get("/vacancies/imports/new/").status_code == 200
    found = client.get("/vacancies/imports/new/", {"bin": organization.bin})
    assert found.status_code == 302
    assert found.url == f"/vacancies/imports/new/?organization={organization.pk}"
    assert client.get(found.url).status_code == 200
    response = client.post(found.url, {"file": upload()})
    assert response.status_code == 302
    assert ImportJob.objects.get().uploaded_by == cast.staff_x

    client.force_login(cast.staff_y)
    assert client.get("/vacancies/imports/new/", {"bin": organization.bin}).status_code == 404
    assert client.get(found.url).status_code == 404


def test_the_help_page_and_the_template_are_public(client, catalog):
    help_page = client.get("/vacancies/imports/help/")
    template = client.get("/vacancies/imports/template.csv")

    assert help_page.status_code == 200
    for name in COLUMN_NAMES:
        assert name in help_page.content.decode()
    assert template.status_code == 200
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMN_NAMES)


def test_business_errors_carry_the_documented_body():
    error = ImportFileError("The file is empty.")
    assert isinstance(error, BusinessError)
    assert (error.code, error.status_code, error.fields) == ("invalid_file", 400, {"file": ["The file is empty."]})
