"""Web pages of national programmes and projects, and the regional job creation map.

The list, project pages and the map are public; administrators create, change and delete
(``vacancies.services.projects`` says why only they). The pages call the same selectors and
services as ``vacancies.apis.projects``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalog.models import Region
from exchange.errors import BusinessError
from vacancies.forms.lifecycle import add_business_error
from vacancies.forms.projects import MapYearForm, ProgrammeForm, ProjectForm
from vacancies.selectors import projects as selectors
from vacancies.services import projects as services

PAGE_SIZE = 20
PROJECT_VACANCIES_SHOWN = 20


def _int_param(request, name: str) -> int | None:
    try:
        return int(request.GET.get(name) or 0) or None
    except ValueError:
        return None


# --- Projects ---------------------------------------------------------------------------------


@require_GET
def project_list(request):
    region_code = request.GET.get("region") or None
    programme_id = _int_param(request, "programme")
    year = _int_param(request, "year")
    projects = selectors.national_projects(region_code=region_code, programme_id=programme_id, year=year)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "vacancies/projects/list.html",
        {
            "page": page,
            "programmes": selectors.national_programmes(),
            "regions": Region.objects.order_by("position", "code"),
            "filters": {"region": region_code or "", "programme": programme_id, "year": year},
            "is_admin": request.user.is_authenticated and request.user.is_administrator,
        },
    )


@require_GET
def project_detail(request, project_id: int):
    project = selectors.national_project_get(project_id=project_id)
    vacancies = selectors.national_project_published_vacancies(project=project)[:PROJECT_VACANCIES_SHOWN]
    return render(
        request,
        "vacancies/projects/detail.html",
        {
            "project": project,
            "vacancies": vacancies,
            "is_admin": request.user.is_authenticated and request.user.is_administrator,
        },
    )


def _project_form_page(request, *, project=None):
    selectors.require_project_admin(request.user)
    initial = ProjectForm.initial_for(project) if project else {"start_year": timezone.localdate().year}
    form = ProjectForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if project is None:
                    project = services.project_create(by=request.user, **form.cleaned_data)
                    messages.success(request, _("The project was created."))
                else:
                    project = services.project_update(project=project, by=request.user, **form.cleaned_data)
                    messages.success(request, _("The project was saved."))
            except BusinessError as error:
                add_business_error(form, error)
                status = error.status_code
            else:
                return redirect("vacancies:project-detail", project_id=project.pk)
    return render(request, "vacancies/projects/form.html", {"form": form, "project": project}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    return _project_form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, project_id: int):
    project = selectors.national_project_get_for_editing(user=request.user, project_id=project_id)
    return _project_form_page(request, project=project)


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request, project_id: int):
    project = selectors.national_project_get_for_editing(user=request.user, project_id=project_id)
    error = None
    status = 200
    if request.method == "POST":
        try:
            services.project_delete(project=project, by=request.user)
        except BusinessError as exc:
            error, status = exc.message, exc.status_code
        else:
            messages.success(request, _("The project was deleted."))
            return redirect("vacancies:projects")
    return render(
        request,
        "vacancies/projects/confirm_delete.html",
        {"object": project, "error": error, "cancel_url": reverse("vacancies:project-detail", args=[project.pk])},
        status=status,
    )


# --- Programmes -------------------------------------------------------------------------------


def _programme_form_page(request, *, programme=None):
    selectors.require_project_admin(request.user)
    initial = (
        {name: getattr(programme, name) for name in ("code", "name_en", "name_ru", "name_kk")} if programme else None
    )
    form = ProgrammeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if programme is None:
                    services.programme_create(by=request.user, **form.cleaned_data)
                else:
                    services.programme_update(programme=programme, by=request.user, **form.cleaned_data)
            except BusinessError as error:
                add_business_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The programme was saved."))
                return redirect("vacancies:projects")
    return render(
        request, "vacancies/projects/programme_form.html", {"form": form, "programme": programme}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    return _programme_form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, programme_id: int):
    programme = selectors.national_programme_get_for_editing(user=request.user, programme_id=programme_id)
    return _programme_form_page(request, programme=programme)


@login_required
@require_http_methods(["GET", "POST"])
def programme_delete(request, programme_id: int):
    programme = selectors.national_programme_get_for_editing(user=request.user, programme_id=programme_id)
    error = None
    status = 200
    if request.method == "POST":
        try:
            services.programme_delete(programme=programme, by=request.user)
        except BusinessError as exc:
            error, status = exc.message, exc.status_code
        else:
            messages.success(request, _("The programme was deleted."))
            return redirect("vacancies:projects")
    return render(
        request,
        "vacancies/projects/confirm_delete.html",
        {"object": programme, "error": error, "cancel_url": reverse("vacancies:projects")},
        status=status,
    )


# --- The regional job creation map -------------------------------------------------------------

# The bar chart is drawn on the server as plain SVG: no JavaScript library, nothing from a CDN.
# It compares three figures per region; the full choropleth map of Kazakhstan belongs to the
# statistics issue, which will replace or complement this chart.
CHART_WIDTH = 760
CHART_LABEL_WIDTH = 210
CHART_VALUE_WIDTH = 70
CHART_BAR_HEIGHT = 9
CHART_BAR_GAP = 2
CHART_GROUP_GAP = 12
CHART_TOP = 8
CHART_SERIES = (
    ("planned_jobs", "planned"),
    ("vacancies", "vacancies"),
    ("hires", "hires"),
)


def _bar_chart(job_map) -> dict:
    """Geometry of a horizontal grouped bar chart: planned jobs, vacancies and hires per region,
    on one linear scale (the table below gives the exact figures)."""
    area = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_VALUE_WIDTH
    peak = max([1] + [getattr(row, attr) for row in job_map.regions for attr, _css in CHART_SERIES])
    group_height = len(CHART_SERIES) * (CHART_BAR_HEIGHT + CHART_BAR_GAP) - CHART_BAR_GAP
    groups = []
    y = CHART_TOP
    for row in job_map.regions:
        bars = []
        for index, (attr, css) in enumerate(CHART_SERIES):
            value = getattr(row, attr)
            width = round(area * value / peak, 1)
            if value and width < 1:
                width = 1  # a non-zero figure stays visible
            bar_y = y + index * (CHART_BAR_HEIGHT + CHART_BAR_GAP)
            bars.append(
                {
                    "css": css,
                    "value": value,
                    "x": CHART_LABEL_WIDTH,
                    "y": bar_y,
                    "width": width,
                    "text_x": CHART_LABEL_WIDTH + width + 4,
                    "text_y": bar_y + CHART_BAR_HEIGHT - 1,
                }
            )
        groups.append({"label": row.region.name, "label_y": y + group_height / 2 + 4, "bars": bars})
        y += group_height + CHART_GROUP_GAP
    return {
        "width": CHART_WIDTH,
        "height": y - CHART_GROUP_GAP + CHART_TOP,
        "label_x": CHART_LABEL_WIDTH - 8,
        "bar_height": CHART_BAR_HEIGHT,
        "groups": groups,
    }


@require_GET
def job_creation_map(request):
    this_year = timezone.localdate().year
    form = MapYearForm(request.GET or None)
    status = 200
    year = this_year
    if form.is_bound:
        if form.is_valid():
            year = form.cleaned_data["year"] or this_year
        else:
            status = 400
    job_map = selectors.job_creation_map(year=year)
    return render(
        request,
        "vacancies/projects/map.html",
        {
            "form": form,
            "map": job_map,
            "year": year,
            "years": selectors.job_creation_map_years(around=this_year),
            "chart": _bar_chart(job_map),
        },
        status=status,
    )


urlpatterns = [
    path("national-projects/", project_list, name="projects"),
    path("national-projects/new/", project_create, name="project-create"),
    path("national-projects/<int:project_id>/", project_detail, name="project-detail"),
    path("national-projects/<int:project_id>/edit/", project_edit, name="project-edit"),
    path("national-projects/<int:project_id>/delete/", project_delete, name="project-delete"),
    path("national-programmes/new/", programme_create, name="programme-create"),
    path("national-programmes/<int:programme_id>/edit/", programme_edit, name="programme-edit"),
    path("national-programmes/<int:programme_id>/delete/", programme_delete, name="programme-delete"),
    path("job-creation-map/", job_creation_map, name="job-creation-map"),
]
