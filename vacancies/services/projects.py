"""Writes for national programmes and their projects.

Administrators only. The projects are national-level data (programmes are approved by the
government and their projects agreed between the ministry and the regional akimats), and the
job creation map compares regions with one another: letting each region's staff edit their own
region's figures would make the map a self-report. Staff and everyone else read them; the list
and the map are public on purpose (transparency).

``by=None`` means the system itself (``manage.py loadprojects`` run by an operator).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import Organization, User
from catalog.models import Region
from exchange.errors import BusinessError, ConflictError
from vacancies.models import NationalProgramme, NationalProject

YEARS = (2000, 2100)
MAX_PLANNED_JOBS = 10_000_000

PROGRAMME_FIELDS = frozenset({"code", "name_en", "name_ru", "name_kk"})
PROJECT_FIELDS = frozenset(
    {
        "programme",
        "name",
        "region",
        "employer",
        "contractor",
        "stage",
        "planned_permanent_jobs",
        "planned_temporary_jobs",
        "start_year",
        "end_year",
    }
)


def _require_admin(by: User | None) -> None:
    if by is None:
        return
    if not (by.is_authenticated and by.is_administrator):
        raise PermissionDenied


def _invalid(errors: dict[str, list[str]]) -> BusinessError:
    return BusinessError("invalid", gettext("Some fields are not valid."), fields=errors)


def _check_fields(fields: dict, allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")


# --- Programmes -------------------------------------------------------------------------------


def _validate_programme(values: dict, *, instance: NationalProgramme | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = {k: (v or "").strip() if isinstance(v, str) or v is None else v for k, v in values.items()}
    code = cleaned.get("code", "")
    if not code:
        errors.setdefault("code", []).append(gettext("This field is required."))
    elif len(code) > 40:
        errors.setdefault("code", []).append(gettext("At most 40 characters."))
    elif NationalProgramme.objects.filter(code__iexact=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors.setdefault("code", []).append(gettext("A programme with this code already exists."))
    if not cleaned.get("name_en"):
        errors.setdefault("name_en", []).append(gettext("This field is required."))
    for name in ("name_en", "name_ru", "name_kk"):
        if len(cleaned.get(name, "")) > 300:
            errors.setdefault(name, []).append(gettext("At most 300 characters."))
    if errors:
        raise _invalid(errors)
    return cleaned


@transaction.atomic
def programme_create(
    *, by: User | None, code: str, name_en: str, name_ru: str = "", name_kk: str = ""
) -> NationalProgramme:
    """A new national programme (administrators). 400 ``invalid`` for a missing or taken code."""
    _require_admin(by)
    values = _validate_programme({"code": code, "name_en": name_en, "name_ru": name_ru, "name_kk": name_kk})
    return NationalProgramme.objects.create(**values)


@transaction.atomic
def programme_update(*, programme: NationalProgramme, by: User | None, **fields) -> NationalProgramme:
    """Change the given fields of a programme (a PATCH); locks its row."""
    _require_admin(by)
    _check_fields(fields, PROGRAMME_FIELDS)
    locked = NationalProgramme.objects.select_for_update().get(pk=programme.pk)
    current = {name: getattr(locked, name) for name in PROGRAMME_FIELDS}
    values = _validate_programme({**current, **fields}, instance=locked)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    return locked


@transaction.atomic
def programme_delete(*, programme: NationalProgramme, by: User | None) -> None:
    """Delete a programme without projects; 409 ``programme_has_projects`` otherwise."""
    _require_admin(by)
    locked = NationalProgramme.objects.select_for_update().get(pk=programme.pk)
    if NationalProject.objects.filter(programme=locked).exists():
        raise ConflictError(
            "programme_has_projects", gettext("The programme still has projects. Delete or move them first.")
        )
    locked.delete()


# --- Projects ---------------------------------------------------------------------------------


def _validate_project(values: dict) -> dict:
    """Check a project's fields (all of them, after merging a PATCH); returns them cleaned or
    raises one BusinessError naming every bad field."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    cleaned = dict(values)
    for name in ("name", "contractor"):
        cleaned[name] = (cleaned.get(name) or "").strip()
    if not cleaned["name"]:
        add("name", gettext("This field is required."))
    for name in ("name", "contractor"):
        if len(cleaned[name]) > 300:
            add(name, gettext("At most 300 characters."))
    if not isinstance(cleaned.get("programme"), NationalProgramme):
        add("programme", gettext("This field is required."))
    if not isinstance(cleaned.get("region"), Region):
        add("region", gettext("This field is required."))
    employer = cleaned.get("employer")
    if employer is not None and not isinstance(employer, Organization):
        add("employer", gettext("Choose a registered employer."))
    if cleaned.get("stage") not in NationalProject.Stage.values:
        add("stage", gettext("Choose a stage from the list."))
    elif (
        cleaned["stage"] != NationalProject.Stage.TENDER_OPEN
        and not cleaned["contractor"]
        and cleaned.get("employer") is None
    ):
        add("contractor", gettext("Name the contractor (or the implementing employer) once the tender is closed."))
    for name in ("planned_permanent_jobs", "planned_temporary_jobs"):
        value = cleaned.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PLANNED_JOBS:
            add(name, gettext("Enter a number of jobs from 0 to %(max)s.") % {"max": MAX_PLANNED_JOBS})
    for name in ("start_year", "end_year"):
        value = cleaned.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not YEARS[0] <= value <= YEARS[1]:
            add(name, gettext("Enter a year from %(min)s to %(max)s.") % {"min": YEARS[0], "max": YEARS[1]})
    start, end = cleaned.get("start_year"), cleaned.get("end_year")
    if "start_year" not in errors and "end_year" not in errors and end < start:
        add("end_year", gettext("The last year must not be before the first year."))
    if errors:
        raise _invalid(errors)
    return cleaned


@transaction.atomic
def project_create(
    *,
    by: User | None,
    programme: NationalProgramme,
    name: str,
    region: Region,
    start_year: int,
    end_year: int,
    employer: Organization | None = None,
    contractor: str = "",
    stage: str = NationalProject.Stage.TENDER_OPEN,
    planned_permanent_jobs: int = 0,
    planned_temporary_jobs: int = 0,
) -> NationalProject:
    """A new project of a programme (administrators). 400 ``invalid`` naming every bad field."""
    _require_admin(by)
    values = _validate_project(
        {
            "programme": programme,
            "name": name,
            "region": region,
            "employer": employer,
            "contractor": contractor,
            "stage": stage,
            "planned_permanent_jobs": planned_permanent_jobs,
            "planned_temporary_jobs": planned_temporary_jobs,
            "start_year": start_year,
            "end_year": end_year,
        }
    )
    return NationalProject.objects.create(**values)


@transaction.atomic
def project_update(*, project: NationalProject, by: User | None, **fields) -> NationalProject:
    """Change the given fields of a project (a PATCH); locks its row and checks the merged
    values as a whole (a new first year must still come before the last one)."""
    _require_admin(by)
    _check_fields(fields, PROJECT_FIELDS)
    locked = (
        NationalProject.objects.select_for_update(of=("self",))
        .select_related("programme", "region", "employer")
        .get(pk=project.pk)
    )
    current = {name: getattr(locked, name) for name in PROJECT_FIELDS}
    values = _validate_project({**current, **fields})
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    return locked


@transaction.atomic
def project_delete(*, project: NationalProject, by: User | None) -> None:
    """Delete a project without vacancies; 409 ``project_has_vacancies`` otherwise, since the
    job creation map would silently lose them (mark the project completed instead)."""
    _require_admin(by)
    locked = NationalProject.objects.select_for_update().get(pk=project.pk)
    if locked.vacancies.exists():
        raise ConflictError(
            "project_has_vacancies",
            gettext("Vacancies belong to this project, so it cannot be deleted. Mark it as completed instead."),
        )
    locked.delete()


# --- Loading projects from a file (manage.py loadprojects) ----------------------------------------

LOAD_COLUMNS = (
    "programme_code",
    "programme_name_en",
    "programme_name_ru",
    "programme_name_kk",
    "name",
    "region",
    "employer_bin",
    "contractor",
    "stage",
    "planned_permanent_jobs",
    "planned_temporary_jobs",
    "start_year",
    "end_year",
)


def projects_load(*, rows: Iterable[dict], on_row: Callable[[], None] | None = None) -> tuple[int, int]:
    """Create or update programmes (by code) and projects (by programme, name and region) from
    dicts with ``LOAD_COLUMNS``; idempotent. For the operator's ``loadprojects`` command (runs
    as the system). Returns (created, updated) project counts; a bad row raises BusinessError
    naming it, and the whole load is rolled back."""
    created = updated = 0
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            try:
                programme = NationalProgramme.objects.filter(code=row["programme_code"].strip()).first()
                names = {k: row.get(f"programme_{k}", "") for k in ("name_en", "name_ru", "name_kk")}
                if programme is None:
                    programme = programme_create(by=None, code=row["programme_code"], **names)
                region = Region.objects.filter(code=row["region"].strip().upper()).first()
                employer = None
                if row.get("employer_bin", "").strip():
                    employer = Organization.objects.filter(bin=row["employer_bin"].strip()).first()
                fields = {
                    "programme": programme,
                    "name": row["name"],
                    "region": region,
                    "employer": employer,
                    "contractor": row.get("contractor", ""),
                    "stage": row.get("stage") or NationalProject.Stage.TENDER_OPEN,
                    "planned_permanent_jobs": int(row.get("planned_permanent_jobs") or 0),
                    "planned_temporary_jobs": int(row.get("planned_temporary_jobs") or 0),
                    "start_year": int(row["start_year"]),
                    "end_year": int(row["end_year"]),
                }
                existing = NationalProject.objects.filter(
                    programme=programme, name=row["name"].strip(), region=region
                ).first()
                if existing is None:
                    project_create(by=None, **fields)
                    created += 1
                else:
                    project_update(project=existing, by=None, **fields)
                    updated += 1
            except (KeyError, ValueError) as exc:
                raise BusinessError("invalid", f"row {number}: {exc!r}") from exc
            except BusinessError as exc:
                raise BusinessError("invalid", f"row {number}: {exc.message} {exc.fields}") from exc
            if on_row is not None:
                on_row()
    return created, updated
