"""Bulk import of vacancies from CSV or XLSX: reading the file, checking each row, upserting.

The import is an **upsert by (organization, external_id)**:

* no vacancy of the employer has the row's ``external_id``: a new **draft** is created;
* the existing one is a draft, rejected, published or paused (``lifecycle.EDITABLE_STATUSES``):
  the columns present in the file are written over it and its status is kept, so a published
  vacancy stays live with its new text, exactly as when the employer edits it in the form;
* the existing one is pending moderation (frozen so the moderator approves what they read),
  closed, filled or expired: the row is refused, and the report says to use a new external_id.

Columns missing from the file leave an existing vacancy's fields as they are (a PATCH); an
empty cell in a column that is present sets the field's empty value or default.

Each row is checked on its own (the parser makes every check of ``lifecycle._validate`` and
more, column by column; a cell holding a NUL character, which PostgreSQL cannot store, is a bad
cell; a new row's national project is checked against ``lifecycle.national_project_refusal``
before it is written, and updates get the same rule from ``lifecycle.vacancy_update``). Rows are
written in chunks of ``PROGRESS_EVERY``, one transaction per chunk with a savepoint per update,
so a bad row never rolls back the others: an import with 10% bad rows imports the other 90% and
reports every bad row with its number (the header is row 1, as in a spreadsheet), column and
reason.

New drafts are inserted in bulk, exactly as ``lifecycle.vacancy_create`` builds them (status,
author, defaults, ``skills_text`` by the lifecycle formula); a draft is not open, so there is
no duplicate to detect. Updates go through ``lifecycle.vacancy_update`` row by row, the function
the vacancy form and API use, for its row lock, state rules and duplicate detection. Inserting
row by row through ``vacancy_create`` cost ~14 ms a row (about 5 minutes for a 20,000-row file);
in bulk the same file takes well under a minute.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import PurePath

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.selectors.access import can_act_in_region
from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule
from exchange.errors import BusinessError, ConflictError
from vacancies.models import ImportJob, NationalProject, Vacancy
from vacancies.selectors.imports import can_import_for
from vacancies.services import lifecycle

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # data rows, the header not counted
MAX_COLUMNS = 100
MAX_SKILLS = 50
EXTENSIONS = (".csv", ".xlsx")
# Rows are written, and the job's counters updated, in chunks of this many rows.
PROGRESS_EVERY = 50
# An organization may have this many imports waiting or running at once.
MAX_OPEN_JOBS = 3
# A running job whose counters have not moved for this long lost its worker (see
# ``import_jobs_recover``); a queued one this old lost its message and is sent again.
STALLED_AFTER = datetime.timedelta(minutes=30)
REQUEUE_AFTER = datetime.timedelta(minutes=10)

CREATED, UPDATED = "created", "updated"
# PostgreSQL text (and jsonb) cannot hold this character; a cell with it is a bad cell.
NUL = "\x00"


# --- The columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    example: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        _("Your own reference for the vacancy. Importing a row with the same reference again updates that vacancy."),
        "WLD-2025-001",
        required=True,
    ),
    Column("title", _("Job title, up to 200 characters."), "Electric welder", required=True),
    Column(
        "occupation",
        _("ISCO-08 unit group: a four-digit code from the occupations catalog."),
        "7212",
        required=True,
    ),
    Column("description", _("What the job is."), "Welding of steel structures at a plant.", required=True),
    Column("duties", _("Duties, free text."), "Weld, inspect seams."),
    Column("requirements", _("Requirements, free text."), "Welder certificate."),
    Column("education_level", _("Minimum education: a code of the education levels catalog."), "technical_vocational"),
    Column("experience_years", _("Years of experience required, 0 to 50. Empty: 0."), "1"),
    Column("required_skills", _("Skill codes from the skills catalog, separated by “;”."), "welding"),
    Column("nice_skills", _("Nice-to-have skill codes, separated by “;”."), ""),
    Column("languages", _("Two-letter language codes separated by “;”, e.g. kk;ru."), "kk;ru"),
    Column("salary_min", _("Monthly salary from, whole tenge."), "300000"),
    Column("salary_max", _("Monthly salary to, whole tenge; not lower than salary_min."), "450000"),
    Column("salary_is_gross", _("yes: the salary is before tax; no: after tax. Empty: yes."), "yes"),
    Column("employment_type", _("A code of the employment types catalog."), "full_time", required=True),
    Column("schedule", _("A code of the work schedules catalog."), "full_day", required=True),
    Column("region", _("Region code (ISO 3166-2:KZ), e.g. KZ-71 for Astana."), "KZ-71", required=True),
    Column("locality", _("City, town or village."), "Astana"),
    Column("address", _("Street address."), ""),
    Column("is_remote", _("yes or no. Empty: no."), "no"),
    Column("positions", _("Number of positions, 1 to 10000. Empty: 1."), "2"),
    Column("is_youth_friendly", _("Suitable for young people without experience: yes or no."), "no"),
    Column("is_quota", _("Quota place for people with disabilities: yes or no."), "no"),
    Column("has_social_package", _("Social package: yes or no."), "yes"),
    Column("national_project", _("Id of the national project the vacancy belongs to (see the projects page)."), ""),
    Column("contact_name", _("Contact person."), "Aigerim Sarsenova"),
    Column("contact_phone", _("Contact phone."), "+7 701 000 0000"),
    Column("contact_email", _("Contact e-mail."), "hr@example.kz"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS = tuple(c.name for c in COLUMNS if c.required)


def template_csv() -> str:
    """The downloadable template: the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow([c.example for c in COLUMNS])
    return out.getvalue()


# --- Errors and results -------------------------------------------------------------------------


class ImportFileError(BusinessError):
    """The whole file cannot be imported (unreadable, too big, columns missing...)."""

    def __init__(self, message):
        super().__init__("invalid_file", str(message), fields={"file": [str(message)]})


@dataclass
class ImportResult:
    """What an import did. ``errors`` holds ``{"row", "column", "message"}`` dicts; notes on the
    header (row 1) are not bad rows."""

    processed_rows: int = 0
    created_count: int = 0
    updated_count: int = 0
    errors: list[dict] = field(default_factory=list)

    def add_error(self, row: int | None, column: str, message) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e["row"] for e in self.errors if (e["row"] or 0) > 1})


# --- Reading files ------------------------------------------------------------------------------


@dataclass
class Table:
    """The non-empty rows of a file with their 1-based numbers; iterating gives every row in
    order (empty ones as ``[]``), so row numbers stay those of the spreadsheet."""

    rows: list[tuple[int, list[str]]]

    @property
    def data_row_count(self) -> int:
        return max(len(self.rows) - 1, 0)

    def __iter__(self) -> Iterator[list[str]]:
        previous = 0
        for number, cells in self.rows:
            for _gap in range(number - previous - 1):
                yield []
            yield cells
            previous = number


def _extension(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def _too_big() -> ImportFileError:
    return ImportFileError(
        _("The file is larger than %(mb)s MB. Split it into several files.") % {"mb": MAX_FILE_BYTES // 2**20}
    )


def _read_bytes(file) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_big()
    if not data:
        raise ImportFileError(_("The file is empty."))
    return data


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), UTF-16 with a BOM, or Windows-1251, the
    encoding of "CSV" saved by Excel on Russian-language Windows."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def _csv_rows(data: bytes) -> Iterator[list]:
    text = _decode(data).lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    # The header line holds column names only, so sniffing it alone is reliable even when
    # descriptions further down are full of commas and semicolons.
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(_("The file is not a valid XLSX workbook.")) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheets."))
        # The first sheet is read; further sheets (instructions, lists of codes) are ignored.
        yield from workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
        # A damaged sheet shows only while it is read (ElementTree's ParseError is a SyntaxError).
        raise ImportFileError(_("The XLSX workbook cannot be read: %(error)s") % {"error": exc}) from exc
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A cell as text. XLSX numbers come as int or float (300000.0 -> "300000"), booleans as
    yes/no; dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _raw_rows(file, *, filename: str) -> Iterator[list[str]]:
    extension = _extension(filename)
    if extension not in EXTENSIONS:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    data = _read_bytes(file)
    rows = _csv_rows(data) if extension == ".csv" else _xlsx_rows(data)
    for row in rows:
        yield [_cell_text(value) for value in row[:MAX_COLUMNS]]


def read_table(file, *, filename: str) -> Table:
    """Read a CSV or XLSX file (chosen by ``filename``'s extension) into a ``Table``.

    Enforces the limits: 10 MB, 20,000 data rows. Raises ImportFileError.
    """
    kept: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(_raw_rows(file, filename=filename), start=1):
        if any(cells):
            kept.append((number, cells))
            if len(kept) > MAX_ROWS + 1:
                raise ImportFileError(
                    _("The file has more than %(max)s rows. Split it into several files.") % {"max": MAX_ROWS}
                )
    if not kept:
        raise ImportFileError(_("The file is empty."))
    return Table(rows=kept)


def check_file(file, *, filename: str) -> None:
    """The cheap checks made while the upload waits: type, size and the header's columns.
    Raises ImportFileError; leaves ``file`` at its start."""
    rows = _raw_rows(file, filename=filename)
    try:
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("The file is empty."))
        _columns(header)
    finally:
        rows.close()
        if hasattr(file, "seek"):
            file.seek(0)


def _normalized_name(name: str) -> str:
    # A NUL cannot be stored in the job's report (PostgreSQL text and jsonb refuse it); shown as
    # the replacement character, the header cell is reported as an unknown column.
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower()).replace(NUL, "\ufffd")


def _columns(header: list[str]) -> tuple[list[str | None], list[str]]:
    """The column name of each position (None: not ours) and the unknown names; raises
    ImportFileError when the header is missing, repeats a column or lacks a required one."""
    if not any(header):
        raise ImportFileError(_("The first row must hold the column names (see the template)."))
    names = [_normalized_name(cell) for cell in header]
    seen: set[str] = set()
    positions: list[str | None] = []
    unknown: list[str] = []
    for name in names:
        if not name:
            positions.append(None)
        elif name in COLUMN_NAMES:
            if name in seen:
                raise ImportFileError(_("The column “%(column)s” appears twice in the header.") % {"column": name})
            seen.add(name)
            positions.append(name)
        else:
            positions.append(None)
            unknown.append(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s. The first row must hold the column names (see the template).")
            % {"columns": ", ".join(missing)}
        )
    return positions, unknown


# --- Parsing cells ------------------------------------------------------------------------------


class _CellError(Exception):
    pass


_TRUE = frozenset({"yes", "y", "true", "1", "да", "д", "иә", "иа", "ия", "+"})
_FALSE = frozenset({"no", "n", "false", "0", "нет", "н", "жоқ", "жок", "-"})
_LIST_SEPARATOR = re.compile(r"[;,]")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def _integer(text: str, *, minimum: int, maximum: int) -> int:
    cleaned = _SPACES.sub("", text).replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise _CellError(gettext("“%(value)s” is not a whole number.") % {"value": text}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise _CellError(gettext("“%(value)s” is not a whole number.") % {"value": text})
    if not minimum <= number <= maximum:
        raise _CellError(gettext("Enter a number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum})
    return int(number)


def _boolean(text: str, *, default: bool) -> bool:
    if not text:
        return default
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _CellError(gettext("Write yes or no, not “%(value)s”.") % {"value": text})


def _text(text: str, *, max_length: int | None = None, required: bool = False) -> str:
    if required and not text:
        raise _CellError(gettext("This column must not be empty."))
    if max_length is not None and len(text) > max_length:
        raise _CellError(
            gettext("At most %(max)s characters (this has %(length)s).")
            % {
                "max": max_length,
                "length": len(text),
            }
        )
    return text


class _Catalog:
    """The catalogs loaded once per import, looked up case-insensitively by code."""

    def __init__(self) -> None:
        self.occupations = {o.code: o for o in Occupation.objects.all()}
        self.skills = {s.code.lower(): s for s in Skill.objects.all()}
        self.education_levels = {e.code.lower(): e for e in EducationLevel.objects.all()}
        self.employment_types = {e.code.lower(): e for e in EmploymentType.objects.all()}
        self.schedules = {s.code.lower(): s for s in WorkSchedule.objects.all()}
        self.regions = {r.code.lower(): r for r in Region.objects.all()}
        self._projects: dict[int, NationalProject | None] = {}

    def code(self, entries: dict, text: str, *, required: bool = False):
        if not text:
            if required:
                raise _CellError(gettext("This column must not be empty."))
            return None
        entry = entries.get(text.strip().lower())
        if entry is None:
            raise _CellError(gettext("Unknown code “%(code)s”.") % {"code": text})
        return entry

    def occupation(self, text: str) -> Occupation:
        if not text:
            raise _CellError(gettext("This column must not be empty."))
        code = text.strip()
        occupation = self.occupations.get(code)
        if (occupation is None or occupation.level != Occupation.Level.UNIT) and len(code) == 3 and code.isdigit():
            # Spreadsheets drop the leading zero of the armed forces' unit groups (0110 -> 110).
            occupation = self.occupations.get(code.zfill(4), occupation)
        if occupation is None:
            raise _CellError(gettext("Unknown ISCO-08 code “%(code)s”.") % {"code": text})
        if occupation.level != Occupation.Level.UNIT:
            raise _CellError(
                gettext("Use an ISCO-08 unit group (a four-digit code); %(code)s is a broader group.")
                % {"code": occupation.code}
            )
        return occupation

    def skill_list(self, text: str) -> list[Skill]:
        codes = [c.strip().lower() for c in _LIST_SEPARATOR.split(text) if c.strip()]
        unknown = [c for c in codes if c not in self.skills]
        if unknown:
            raise _CellError(gettext("Unknown skill codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        if len(set(codes)) > MAX_SKILLS:
            raise _CellError(gettext("At most %(max)s skills.") % {"max": MAX_SKILLS})
        return [self.skills[c] for c in dict.fromkeys(codes)]

    def project(self, text: str) -> NationalProject | None:
        if not text:
            return None
        project_id = _integer(text, minimum=1, maximum=2**31 - 1)
        if project_id not in self._projects:
            self._projects[project_id] = NationalProject.objects.filter(pk=project_id).first()
        if self._projects[project_id] is None:
            raise _CellError(gettext("There is no national project with id %(id)s.") % {"id": project_id})
        return self._projects[project_id]


def _languages(text: str) -> list[str]:
    codes = [c.strip().lower() for c in re.split(r"[;,\s]+", text) if c.strip()]
    wrong = [c for c in codes if not _LANGUAGE.match(c)]
    if wrong:
        raise _CellError(
            gettext("Use two-letter language codes such as kk, ru, en; not %(codes)s.") % {"codes": ", ".join(wrong)}
        )
    return list(dict.fromkeys(codes))


def _email(text: str) -> str:
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise _CellError(gettext("“%(value)s” is not an e-mail address.") % {"value": text}) from None
    return _text(text, max_length=254)


def _parsers(catalog: _Catalog) -> dict[str, Callable[[str], object]]:
    """Column -> function turning the cell's text into the vacancy field's value."""
    return {
        "title": partial(_text, max_length=200, required=True),
        "occupation": catalog.occupation,
        "description": partial(_text, required=True),
        "duties": _text,
        "requirements": _text,
        "education_level": partial(catalog.code, catalog.education_levels),
        "experience_years": lambda t: _integer(t, minimum=0, maximum=50) if t else 0,
        "required_skills": catalog.skill_list,
        "nice_skills": catalog.skill_list,
        "languages": _languages,
        "salary_min": lambda t: _integer(t, minimum=0, maximum=lifecycle.MAX_SALARY) if t else None,
        "salary_max": lambda t: _integer(t, minimum=0, maximum=lifecycle.MAX_SALARY) if t else None,
        "salary_is_gross": partial(_boolean, default=True),
        "employment_type": partial(catalog.code, catalog.employment_types, required=True),
        "schedule": partial(catalog.code, catalog.schedules, required=True),
        "region": partial(catalog.code, catalog.regions, required=True),
        "locality": partial(_text, max_length=120),
        "address": partial(_text, max_length=300),
        "is_remote": partial(_boolean, default=False),
        "positions": lambda t: _integer(t, minimum=1, maximum=lifecycle.MAX_POSITIONS) if t else 1,
        "is_youth_friendly": partial(_boolean, default=False),
        "is_quota": partial(_boolean, default=False),
        "has_social_package": partial(_boolean, default=False),
        "national_project": catalog.project,
        "contact_name": partial(_text, max_length=200),
        "contact_phone": partial(_text, max_length=40),
        "contact_email": _email,
    }


# --- Importing ----------------------------------------------------------------------------------


class _RowRefused(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class _Row:
    number: int
    external_id: str
    values: dict


def _refusal(exc: BusinessError) -> _RowRefused:
    """A lifecycle service's refusal as row errors, on the columns it names."""
    errors = [
        (name, str(message))
        for name, messages in (exc.fields or {}).items()
        if name in COLUMN_NAMES
        for message in messages
    ]
    return _RowRefused(errors or [("", exc.message)])


def _not_editable(vacancy: Vacancy) -> _RowRefused:
    message = gettext(
        "Your vacancy with this external_id is “%(status)s” and can no longer be changed by an import. "
        "Give the row a new external_id to create a new vacancy."
    ) % {"status": vacancy.get_status_display()}
    return _RowRefused([("external_id", message)])


def _write_one(*, organization: Organization, by: User, row: _Row, existing: Vacancy | None) -> str:
    """One row through the lifecycle services, in its own savepoint; raises _RowRefused."""
    try:
        with transaction.atomic():
            if existing is None:
                lifecycle.vacancy_create(organization=organization, by=by, external_id=row.external_id, **row.values)
                return CREATED
            if existing.status not in lifecycle.EDITABLE_STATUSES:
                raise _not_editable(existing)
            lifecycle.vacancy_update(vacancy=existing, by=by, **row.values)
            return UPDATED
    except BusinessError as exc:
        raise _refusal(exc) from exc
    except PermissionDenied as exc:
        raise _RowRefused([("", gettext("You may not create or change this vacancy."))]) from exc
    except IntegrityError as exc:
        logger.warning("import row %s of organization %s refused by the database", row.number, organization.pk)
        message = gettext(
            "The database refused this row (probably another import wrote the same external_id at the same "
            "moment). Import the file again."
        )
        raise _RowRefused([("external_id", message)]) from exc
    except DataError as exc:
        logger.warning("import row %s of organization %s: a value refused by the database", row.number, organization.pk)
        raise _RowRefused([("", gettext("The database refused a value of this row; check its cells."))]) from exc


def _insert_drafts(*, organization: Organization, by: User, rows: list[_Row]) -> None:
    """New drafts in one INSERT (and one per skill table): what ``lifecycle.vacancy_create`` would
    write for each row, whose checks the row parser and ``_write_chunk`` have made. Drafts are not
    open, so there is no duplicate to detect and no row to lock."""
    vacancies = []
    for row in rows:
        plain = {k: v for k, v in row.values.items() if k not in lifecycle.M2M_FIELDS}
        skills = row.values.get("required_skills", []) + row.values.get("nice_skills", [])
        vacancy = Vacancy(
            organization=organization, created_by=by, status=Vacancy.Status.DRAFT, external_id=row.external_id, **plain
        )
        # The lifecycle services' own formula, so search sees imported skills as it sees typed ones.
        vacancy.skills_text = lifecycle.skills_text_for(skills)
        vacancies.append(vacancy)
    Vacancy.objects.bulk_create(vacancies)
    for name in lifecycle.M2M_FIELDS:
        through = getattr(Vacancy, name).through
        through.objects.bulk_create(
            [
                through(vacancy_id=vacancy.pk, skill_id=skill.pk)
                for vacancy, row in zip(vacancies, rows, strict=True)
                for skill in row.values.get(name, [])
            ]
        )


def _project_refusal(*, organization: Organization, row: _Row) -> str | None:
    """The national project rule of the lifecycle services for a new row (updates go through
    ``lifecycle.vacancy_update``, which applies it)."""
    project, region = row.values.get("national_project"), row.values.get("region")
    if project is None:
        return None
    return lifecycle.national_project_refusal(
        project=project, organization_id=organization.pk, region_id=getattr(region, "pk", None)
    )


def _write_chunk(*, organization: Organization, by: User, rows: list[_Row], result: ImportResult) -> None:
    """Write a chunk of checked rows in one transaction: new vacancies in bulk, updates one by
    one through ``lifecycle.vacancy_update`` (they need its row lock, state rules and duplicate
    detection), each in a savepoint so a refused row rolls back alone. The counters move only
    once the chunk is committed."""
    chunk = ImportResult()
    with transaction.atomic():
        existing = {
            v.external_id: v
            for v in Vacancy.objects.filter(organization=organization, external_id__in=[r.external_id for r in rows])
        }
        new = []
        for row in rows:
            if row.external_id in existing:
                continue
            refusal = _project_refusal(organization=organization, row=row)
            if refusal:
                chunk.add_error(row.number, "national_project", refusal)
            else:
                new.append(row)
        if new:
            try:
                with transaction.atomic():
                    _insert_drafts(organization=organization, by=by, rows=new)
                chunk.created_count += len(new)
            except (IntegrityError, DataError):
                # Another import created one of these meanwhile, or the database refused a value
                # the parser let through; row by row finds which row, and the others are written.
                for row in new:
                    _write_row(organization=organization, by=by, row=row, existing=None, result=chunk)
        for row in rows:
            if row.external_id in existing:
                _write_row(organization=organization, by=by, row=row, existing=existing[row.external_id], result=chunk)
    result.created_count += chunk.created_count
    result.updated_count += chunk.updated_count
    result.errors.extend(chunk.errors)


def _write_row(*, organization: Organization, by: User, row: _Row, existing: Vacancy | None, result: ImportResult):
    try:
        outcome = _write_one(organization=organization, by=by, row=row, existing=existing)
    except _RowRefused as exc:
        for column, message in exc.errors:
            result.add_error(row.number, column, message)
    else:
        if outcome == CREATED:
            result.created_count += 1
        else:
            result.updated_count += 1


def _nul_error() -> str:
    return gettext(
        "The cell contains a NUL character (code 0), which cannot be stored. Remove it from the file and import "
        "the row again."
    )


def _parse_row(
    *, number: int, texts: dict[str, str], present: list[str], parsers: dict, by: User, is_member: bool
) -> tuple[dict, list[tuple[str, str]]]:
    values: dict = {}
    errors: list[tuple[str, str]] = []
    for name in present:
        if NUL in texts[name]:
            errors.append((name, _nul_error()))
            continue
        try:
            values[name] = parsers[name](texts[name])
        except _CellError as exc:
            errors.append((name, str(exc)))
    low, high = values.get("salary_min"), values.get("salary_max")
    if low is not None and high is not None and low > high:
        errors.append(("salary_max", gettext("salary_max must not be lower than salary_min.")))
    region = values.get("region")
    if not is_member and region is not None and not can_act_in_region(by, region.pk):
        # The lifecycle services let staff create vacancies only in the regions they act in.
        errors.append(("region", gettext("As staff you can import vacancies only in the regions you work in.")))
    return values, errors


def import_vacancies(
    *,
    organization: Organization,
    by: User,
    rows_iterable: Iterable,
    on_progress: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import vacancies for ``organization`` from spreadsheet rows; see the module docstring for
    the upsert rule.

    ``rows_iterable`` gives the header first, then the data rows, each a sequence of cells (text,
    or the numbers and booleans of XLSX cells): ``csv.reader``, a ``Table`` of ``read_table``, or
    plain lists. Rows are numbered from 1 at the header; empty rows are skipped (and counted in
    the numbering). ``by`` must be allowed to import for the organization (PermissionDenied).

    Rows are checked one by one and written in chunks of ``PROGRESS_EVERY``, one transaction per
    chunk (committed at once when the caller holds none, so others see the progress; do not wrap
    a long import in one transaction). ``on_progress(result)`` is called once the header is read,
    after each chunk and at the end, always with the same ``ImportResult``, which the import keeps
    updating; its errors are in row order at the end.

    Raises ImportFileError when the header is unusable (nothing is written then).
    """
    if not can_import_for(user=by, organization=organization):
        raise PermissionDenied
    rows = iter(rows_iterable)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    positions, unknown = _columns([_cell_text(c) for c in header])
    present = [name for name in COLUMN_NAMES if name in positions and name != "external_id"]
    result = ImportResult()
    for name in unknown:
        result.add_error(1, name, gettext("Unknown column; it was ignored."))

    parsers = _parsers(_Catalog())
    is_member = by.is_employer  # can_import_for passed, so an employer is a member here
    first_row_of: dict[str, int] = {}
    pending: list[_Row] = []
    if on_progress is not None:
        on_progress(result)

    def flush() -> None:
        if pending:
            _write_chunk(organization=organization, by=by, rows=pending, result=result)
            pending.clear()
        if on_progress is not None:
            on_progress(result)

    for number, raw in enumerate(rows, start=2):
        cells = [_cell_text(c) for c in raw]
        if not any(cells):
            continue
        result.processed_rows += 1
        texts = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(positions) if name}
        errors: list[tuple[str, str]] = []

        external_id = texts["external_id"]
        if not external_id:
            errors.append(("external_id", gettext("This column must not be empty.")))
        elif NUL in external_id:
            errors.append(("external_id", _nul_error()))
        elif len(external_id) > 100:
            errors.append(("external_id", gettext("At most 100 characters.")))
        elif external_id in first_row_of:
            message = gettext("Row %(row)s has the same external_id; each vacancy may appear once in a file.")
            errors.append(("external_id", message % {"row": first_row_of[external_id]}))
        else:
            first_row_of[external_id] = number
        values, cell_errors = _parse_row(
            number=number, texts=texts, present=present, parsers=parsers, by=by, is_member=is_member
        )
        errors.extend(cell_errors)

        if errors:
            for column, message in errors:
                result.add_error(number, column, message)
        else:
            pending.append(_Row(number=number, external_id=external_id, values=values))
        if result.processed_rows % PROGRESS_EVERY == 0:
            flush()

    flush()
    result.errors.sort(key=lambda e: e["row"] or 0)
    return result


# --- Import jobs (web and API uploads, run by Celery) -------------------------------------------


def _enqueue_run(job_id: int) -> None:
    # The task module imports this one, so the task is looked up when needed.
    from vacancies.tasks.imports import run_import

    run_import.delay(job_id)


@transaction.atomic
def import_job_create(*, organization: Organization, by: User, file: UploadedFile) -> ImportJob:
    """Store an uploaded file as a queued ImportJob and enqueue ``vacancies.run_import`` once the
    transaction commits.

    Checked now, so the uploader hears at once: the caller may import for the organization
    (PermissionDenied), type .csv/.xlsx, size <= 10 MB and the header's required columns
    (400 ``invalid_file`` on ``file``), at most ``MAX_OPEN_JOBS`` imports of the organization
    waiting or running (409 ``too_many_imports``). The rows are checked by the task.
    """
    if not can_import_for(user=by, organization=organization):
        raise PermissionDenied
    if file is None:
        raise ImportFileError(_("Choose a file to upload."))
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise _too_big()
    check_file(file, filename=file.name)
    # Lock the organization's row so two uploads at once cannot both pass the limit.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    open_jobs = ImportJob.objects.filter(
        organization=organization, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    ).count()
    if open_jobs >= MAX_OPEN_JOBS:
        raise ConflictError(
            "too_many_imports",
            gettext("%(count)s imports of this employer are still waiting or running. Wait for them to finish.")
            % {"count": open_jobs},
        )
    original_name = PurePath(file.name).name[:255]
    job = ImportJob(organization=organization, uploaded_by=by, original_name=original_name)
    job.file.save(f"{organization.pk}-{original_name}", file, save=False)
    job.save()
    transaction.on_commit(partial(_enqueue_run, job.pk))
    return job


def _job_update(job_id: int, **fields) -> int:
    return ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        updated_at=timezone.now(), **fields
    )


def _counts(result: ImportResult) -> dict:
    return {
        "processed_rows": result.processed_rows,
        "created_count": result.created_count,
        "updated_count": result.updated_count,
    }


def import_job_run(*, job_id: int) -> bool:
    """Run a queued import job to the end: done with its counts and bad rows, or failed.

    Claims the job with a conditional UPDATE (queued -> running): a second delivery of the task,
    or a second worker, changes no row and returns False without doing anything. Rows are
    committed one by one (see ``import_vacancies``), and the job's counters every
    ``PROGRESS_EVERY`` rows, so the status page shows progress. Must not run inside a transaction.

    The report's messages are stored as text, so they are written in the uploader's interface
    language (``User.language``), not in the worker's default one.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return False
    job = ImportJob.objects.select_related("organization", "uploaded_by").get(pk=job_id)
    with translation.override(_language_of(job.uploaded_by)):
        _run_claimed(job)
    return True


def _language_of(user: User | None) -> str:
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _run_claimed(job: ImportJob) -> None:
    job_id = job.pk
    progress: list[ImportResult] = []

    def on_progress(result: ImportResult) -> None:
        if not progress:
            progress.append(result)  # the live result, so a crash can still report what was done
        _job_update(job_id, **_counts(result))

    try:
        if not can_import_for(user=job.uploaded_by, organization=job.organization):
            raise ImportFileError(_("The person who uploaded the file may no longer import for this employer."))
        with job.file.open("rb") as file:
            table = read_table(file, filename=job.original_name)
        _job_update(job_id, total_rows=table.data_row_count)
        result = import_vacancies(
            organization=job.organization, by=job.uploaded_by, rows_iterable=table, on_progress=on_progress
        )
    except ImportFileError as exc:
        _job_update(
            job_id, status=ImportJob.Status.FAILED, errors=[{"row": None, "column": "", "message": exc.message}]
        )
        return
    except Exception:
        # Rows already imported stay (each was committed); importing the file again updates
        # them. The job must not stay "running" for ever.
        logger.exception("import job %s failed", job_id)
        partial_result = progress[0] if progress else ImportResult()
        message = gettext(
            "The import stopped because of an unexpected error after reading %(rows)s rows. Upload the file again: "
            "rows already imported will be updated, not duplicated."
        ) % {"rows": partial_result.processed_rows}
        _job_update(
            job_id,
            status=ImportJob.Status.FAILED,
            errors=[*partial_result.errors, {"row": None, "column": "", "message": message}],
            **_counts(partial_result),
        )
        return
    _job_update(job_id, status=ImportJob.Status.DONE, errors=result.errors, **_counts(result))


def import_jobs_recover(*, now=None) -> dict[str, int]:
    """Periodic clean-up of jobs whose worker or message was lost.

    A running job whose counters have not moved for ``STALLED_AFTER`` lost its worker: it is
    failed (the rows it imported stay; the file can be imported again). A job still queued after
    ``REQUEUE_AFTER`` lost its message: the task is sent again, which is harmless if the first
    message does arrive, since only one run can claim the job.
    """
    now = now or timezone.now()
    stalled = ImportJob.objects.filter(status=ImportJob.Status.RUNNING, updated_at__lt=now - STALLED_AFTER)
    failed = 0
    for job_id in list(stalled.values_list("id", flat=True)):
        job = (
            ImportJob.objects.filter(pk=job_id)
            .select_related("uploaded_by")
            .only("errors", "uploaded_by__language")
            .first()
        )
        # In the uploader's language, as the rest of the job's report (see ``import_job_run``).
        with translation.override(_language_of(job.uploaded_by if job else None)):
            message = gettext(
                "The import stopped without finishing. Upload the file again: rows already imported will be updated."
            )
        errors = [*(job.errors if job else []), {"row": None, "column": "", "message": message}]
        failed += stalled.filter(pk=job_id).update(status=ImportJob.Status.FAILED, errors=errors, updated_at=now)
    requeued = 0
    for job_id in ImportJob.objects.filter(
        status=ImportJob.Status.QUEUED, created_at__lt=now - REQUEUE_AFTER
    ).values_list("id", flat=True):
        _enqueue_run(job_id)
        requeued += 1
    return {"failed": failed, "requeued": requeued}
