"""Reads for national programmes and projects, and the regional job creation map.

Projects and the map are public (transparency); only administrators change them
(``vacancies.services.projects`` explains why).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.http import Http404

from accounts.models import Organization, User
from catalog.models import Region
from vacancies.models import Application, NationalProgramme, NationalProject, Vacancy


def require_project_admin(user: User) -> None:
    """403 unless an administrator: the only ones who change programmes and projects."""
    if not (user.is_authenticated and user.is_administrator):
        raise PermissionDenied


def national_programmes() -> QuerySet[NationalProgramme]:
    return NationalProgramme.objects.order_by("code")


def national_programme_get(*, programme_id: int) -> NationalProgramme:
    programme = NationalProgramme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return programme


def national_programme_get_for_editing(*, user: User, programme_id: int) -> NationalProgramme:
    require_project_admin(user)
    return national_programme_get(programme_id=programme_id)


def national_projects(
    *, region_code: str | None = None, programme_id: int | None = None, year: int | None = None
) -> QuerySet[NationalProject]:
    """Projects with their programme, region and employer (no N+1), by region then name;
    optionally of one region, one programme, or active in one year."""
    queryset = NationalProject.objects.select_related("programme", "region", "employer").order_by(
        "region__position", "name", "id"
    )
    if region_code:
        queryset = queryset.filter(region__code__iexact=region_code)
    if programme_id:
        queryset = queryset.filter(programme_id=programme_id)
    if year:
        queryset = queryset.filter(start_year__lte=year, end_year__gte=year)
    return queryset


def national_project_get(*, project_id: int) -> NationalProject:
    project = national_projects().filter(pk=project_id).first()
    if project is None:
        raise Http404
    return project


def national_project_get_for_editing(*, user: User, project_id: int) -> NationalProject:
    """A project for an administrator to change or delete; 403 for everyone else (the project
    itself is public, so 404 would hide nothing)."""
    require_project_admin(user)
    return national_project_get(project_id=project_id)


def national_project_published_vacancies(*, project: NationalProject) -> QuerySet[Vacancy]:
    """The project's published vacancies, newest first, for its public page."""
    return (
        Vacancy.objects.live()
        .filter(national_project=project)
        .select_related("organization", "region")
        .order_by("-published_at", "-id")
    )


def organization_by_bin(*, bin: str) -> Organization | None:
    """The implementing employer named by BIN in the project form."""
    return Organization.objects.filter(bin=(bin or "").strip()).first()


# --- The regional job creation map -------------------------------------------------------------

# Vacancies in these states were never (or no longer legitimately) posted: drafts never left the
# employer, rejected ones were refused or taken down by moderators.
NOT_POSTED = (Vacancy.Status.DRAFT, Vacancy.Status.REJECTED)


@dataclass
class RegionJobFigures:
    region: Region | None
    planned_permanent_jobs: int = 0
    planned_temporary_jobs: int = 0
    projects: int = 0
    tenders_open: int = 0
    vacancies: int = 0
    positions: int = 0
    applications: int = 0
    hires: int = 0

    @property
    def planned_jobs(self) -> int:
        return self.planned_permanent_jobs + self.planned_temporary_jobs

    def add(self, other: RegionJobFigures) -> None:
        for f in fields(self):
            if f.name != "region":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class JobCreationMap:
    year: int
    regions: list[RegionJobFigures]
    totals: RegionJobFigures = field(default_factory=lambda: RegionJobFigures(region=None))


def job_creation_posted_vacancies(*, year: int) -> QuerySet[Vacancy]:
    """The vacancies the map counts for ``year``: linked to a project active that year and
    published that year (``published_at`` in the year, in the site's time zone), in any state but
    draft or rejected. The year is turned into a date range, so the filter can use an index."""
    return Vacancy.objects.filter(
        national_project__start_year__lte=year,
        national_project__end_year__gte=year,
        published_at__year=year,
    ).exclude(status__in=NOT_POSTED)


def job_creation_map(*, year: int) -> JobCreationMap:
    """Per region (all 20, zeros included, in catalog order) and for ``year``:

    * planned permanent and temporary jobs, projects and projects with the tender still open,
      of the projects active that year (``start_year <= year <= end_year``);
    * vacancies posted and their positions (``job_creation_posted_vacancies``);
    * applications to those vacancies and hires among them (status hired).

    Figures are grouped by the **project's** region, so each project's plan and its vacancies are
    counted in the same place. One grouped query per figure family (projects, vacancies,
    applications) plus the regions: four queries whatever the size of the data.
    """
    rows = {region.pk: RegionJobFigures(region=region) for region in Region.objects.order_by("position", "code")}

    projects = (
        NationalProject.objects.filter(start_year__lte=year, end_year__gte=year)
        .values(project_region=F("region_id"))
        .annotate(
            planned_permanent_jobs=Sum("planned_permanent_jobs"),
            planned_temporary_jobs=Sum("planned_temporary_jobs"),
            projects=Count("id"),
            tenders_open=Count("id", filter=Q(stage=NationalProject.Stage.TENDER_OPEN)),
        )
        .order_by()
    )
    posted = job_creation_posted_vacancies(year=year)
    vacancies = (
        posted.values(project_region=F("national_project__region_id"))
        .annotate(vacancies=Count("id"), positions=Sum("positions"))
        .order_by()
    )
    applications = (
        Application.objects.filter(vacancy__in=posted.values("id"))
        .values(project_region=F("vacancy__national_project__region_id"))
        .annotate(applications=Count("id"), hires=Count("id", filter=Q(status=Application.Status.HIRED)))
        .order_by()
    )
    for family in (projects, vacancies, applications):
        for figures in family:
            row = rows.get(figures.pop("project_region"))
            if row is not None:
                for name, value in figures.items():
                    setattr(row, name, value or 0)

    result = JobCreationMap(year=year, regions=list(rows.values()))
    for row in result.regions:
        result.totals.add(row)
    return result


def job_creation_map_years(*, around: int) -> list[int]:
    """The years worth offering in the map's year selector: every year of a project, and
    ``around`` (the current year) with its neighbours."""
    bounds = NationalProject.objects.aggregate(first=Min("start_year"), last=Max("end_year"))
    first = min(bounds["first"] or around, around - 1)
    last = max(bounds["last"] or around, around + 1)
    return list(range(first, last + 1))
