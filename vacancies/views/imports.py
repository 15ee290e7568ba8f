"""Web pages of the bulk import: upload, the job's status with its progress and bad rows, the
list of imports, the column reference and the template file.

Employers import for their organization; staff for an employer of their region, chosen with
``?organization=<id>`` (the page asks for a BIN when it is missing). The pages call the same
selectors and services as ``vacancies.apis.imports``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.selectors.access import require_role
from exchange.errors import BusinessError
from vacancies.forms.imports import ImportEmployerForm, ImportUploadForm
from vacancies.forms.lifecycle import add_business_error
from vacancies.models import ImportJob
from vacancies.selectors import imports as selectors
from vacancies.services import imports as services

PAGE_SIZE = 20
# The status page lists this many bad-row messages; the API gives them all.
ERRORS_SHOWN = 1000


def _organization_id(request) -> int | None:
    raw = request.GET.get("organization")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


@login_required
def import_list(request):
    jobs = selectors.import_jobs_for_user(user=request.user)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    employer_form = None if request.user.is_employer else ImportEmployerForm()
    return render(request, "vacancies/imports/list.html", {"page": page, "employer_form": employer_form})


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    require_role(request.user, User.Role.EMPLOYER, User.Role.CENTRE_STAFF)
    organization_id = _organization_id(request)
    if not request.user.is_employer and organization_id is None:
        return _choose_employer(request)
    organization = selectors.organization_get_for_importing(user=request.user, organization_id=organization_id)

    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                job = services.import_job_create(
                    organization=organization, by=request.user, file=form.cleaned_data["file"]
                )
            except BusinessError as error:
                add_business_error(form, error)
                status = error.status_code
            else:
                return redirect("vacancies:import-detail", job_id=job.pk)
    return render(
        request,
        "vacancies/imports/new.html",
        {"form": form, "organization": organization, "on_behalf": not request.user.is_employer},
        status=status,
    )


def _choose_employer(request):
    """Staff and administrators first name the employer by BIN."""
    form = ImportEmployerForm(request.GET if "bin" in request.GET else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            organization = selectors.organization_find_for_importing(user=request.user, bin=form.cleaned_data["bin"])
            if organization is not None:
                return redirect(f"{reverse('vacancies:import-new')}?organization={organization.pk}")
            status = 404
            form.add_error("bin", _("No employer with this BIN is registered in the regions you work in."))
    return render(request, "vacancies/imports/choose_employer.html", {"form": form}, status=status)


@login_required
def import_detail(request, job_id: int):
    job = selectors.import_job_get_for_viewing(user=request.user, job_id=job_id)
    errors = job.errors[:ERRORS_SHOWN]
    return render(
        request,
        "vacancies/imports/detail.html",
        {
            "job": job,
            "errors": errors,
            "more_errors": max(len(job.errors) - ERRORS_SHOWN, 0),
            "bad_rows": selectors.import_job_bad_rows(job),
            "is_finished": job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED),
        },
    )


@require_GET
def import_help(request):
    """The column reference, public like any documentation."""
    return render(
        request,
        "vacancies/imports/help.html",
        {
            "columns": services.COLUMNS,
            "code_lists": selectors.import_code_lists(),
            "max_rows": services.MAX_ROWS,
            "max_open_jobs": services.MAX_OPEN_JOBS,
        },
    )


@require_GET
def import_template(request):
    # With a BOM, so Excel opens the file as UTF-8 and Kazakh and Russian text stays readable.
    response = HttpResponse("\ufeff" + services.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vacancies-import-template.csv"'
    return response


urlpatterns = [
    path("imports/", import_list, name="imports"),
    path("imports/new/", import_new, name="import-new"),
    path("imports/help/", import_help, name="import-help"),
    path("imports/template.csv", import_template, name="import-template"),
    path("imports/<int:job_id>/", import_detail, name="import-detail"),
]
