"""Vacancy pages: the public vacancy page with its JobPosting data and report form, the
employer's list, form and actions, and the staff's moderation and report queues.

Every page fetches through an access selector of ``vacancies.selectors.lifecycle`` and changes
things only through ``vacancies.services.lifecycle``, the same functions the API calls.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exchange.errors import BusinessError
from vacancies.forms.lifecycle import (
    LANGUAGE_CHOICES,
    ProlongForm,
    RejectForm,
    ReportForm,
    UpholdForm,
    VacancyForm,
    add_business_error,
)
from vacancies.models import Vacancy
from vacancies.selectors.applications import application_apply_panel
from vacancies.selectors.lifecycle import (
    organization_for_vacancies,
    vacancy_get_for_editing,
    vacancy_get_for_moderation,
    vacancy_get_public,
    vacancy_is_insider,
    vacancy_list_for_organization,
    vacancy_moderation_queue,
    vacancy_report_get_for_handling,
    vacancy_report_queue,
    vacancy_status_counts,
)
from vacancies.selectors.matching import vacancy_match_for_seeker
from vacancies.services import lifecycle as services

PAGE_SIZE = 20

# Google's employmentType values for our catalog's employment types. Shift and rotation work
# ("вахта") is full-time employment in blocks. "Remote" says where, not how much, one works: it
# maps to OTHER and sets jobLocationType TELECOMMUTE.
GOOGLE_EMPLOYMENT_TYPES = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "shift": "FULL_TIME",
    "temporary": "TEMPORARY",
    "internship": "INTERN",
    "remote": "OTHER",
    "platform": "CONTRACTOR",
}

EMPLOYER_ACTIONS = ("submit", "resume", "pause", "prolong", "close")
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


# --- The public vacancy page --------------------------------------------------------------------


def _description_html(vacancy: Vacancy) -> str:
    parts = [linebreaks(escape(vacancy.description))]
    for heading, text in ((_("Duties"), vacancy.duties), (_("Requirements"), vacancy.requirements)):
        if text.strip():
            parts.append(f"<h3>{escape(heading)}</h3>{linebreaks(escape(text))}")
    return "".join(parts)


def job_posting(vacancy: Vacancy, request) -> dict:
    """The vacancy as schema.org JobPosting, with every property Google requires and the
    recommended ones we have (https://developers.google.com/search/docs/appearance/structured-data/job-posting)."""
    organization = vacancy.organization
    hiring_organization = {"@type": "Organization", "name": organization.legal_name}
    if organization.website:
        hiring_organization["sameAs"] = organization.website
    if organization.logo:
        hiring_organization["logo"] = request.build_absolute_uri(organization.logo.url)
    address = {
        "@type": "PostalAddress",
        "addressLocality": vacancy.locality or vacancy.region.name,
        "addressRegion": vacancy.region.name,
        "addressCountry": "KZ",
    }
    if vacancy.address:
        address["streetAddress"] = vacancy.address
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": _description_html(vacancy),
        "identifier": {"@type": "PropertyValue", "name": organization.legal_name, "value": str(vacancy.pk)},
        "datePosted": timezone.localtime(vacancy.published_at).isoformat() if vacancy.published_at else None,
        "validThrough": timezone.localtime(vacancy.expires_at).isoformat() if vacancy.expires_at else None,
        "employmentType": GOOGLE_EMPLOYMENT_TYPES.get(vacancy.employment_type.code, "OTHER"),
        "hiringOrganization": hiring_organization,
        "jobLocation": {"@type": "Place", "address": address},
        "occupationalCategory": f"{vacancy.occupation.code} {vacancy.occupation.title}",
        "totalJobOpenings": vacancy.positions_open,
        "url": request.build_absolute_uri(vacancy.get_absolute_url()),
        "directApply": True,
    }
    if vacancy.is_remote or vacancy.employment_type.code == "remote":
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "Kazakhstan"}
    if vacancy.salary_min is not None or vacancy.salary_max is not None:
        value = {"@type": "QuantitativeValue", "unitText": "MONTH"}
        if vacancy.salary_min is not None and vacancy.salary_max is not None:
            value.update(minValue=vacancy.salary_min, maxValue=vacancy.salary_max)
        elif vacancy.salary_min is not None:
            value.update(minValue=vacancy.salary_min, value=vacancy.salary_min)
        else:
            value.update(maxValue=vacancy.salary_max, value=vacancy.salary_max)
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "KZT", "value": value}
    if vacancy.education_level:
        data["educationRequirements"] = vacancy.education_level.name
    if vacancy.experience_years:
        data["experienceRequirements"] = {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": vacancy.experience_years * 12,
        }
    skills = [s.name for s in vacancy.required_skills.all()] + [s.name for s in vacancy.nice_skills.all()]
    if skills:
        data["skills"] = ", ".join(skills)
    return {k: v for k, v in data.items() if v is not None}


def json_ld(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">``: ``<``, ``>`` and ``&`` escaped as
    ``\\u003C``... (still valid JSON) so no text can close the script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - every character that could end the element is escaped above


def _is_live(vacancy: Vacancy) -> bool:
    # The expiry task runs every few minutes; until it has, a vacancy past its date is shown as
    # expired already rather than as open.
    return vacancy.status == Vacancy.Status.PUBLISHED and (
        vacancy.expires_at is None or vacancy.expires_at > timezone.now()
    )


def _match_for(user, vacancy: Vacancy):
    """How well a consenting job seeker fits this vacancy (None for everyone else)."""
    profile = getattr(user, "seeker_profile", None) if user.is_authenticated and user.is_seeker else None
    if profile is None or not profile.has_consent:
        return None
    return vacancy_match_for_seeker(vacancy=vacancy, profile=profile)


def _detail_context(request, vacancy: Vacancy, report_form: ReportForm | None = None) -> dict:
    user = request.user
    insider = vacancy_is_insider(user=user, vacancy=vacancy)
    is_member = insider and user.is_employer
    can_moderate = insider and not user.is_employer
    live = _is_live(vacancy)
    return {
        "vacancy": vacancy,
        "is_live": live,
        "is_past_expiry": vacancy.status == Vacancy.Status.PUBLISHED and not live,
        "is_member": is_member,
        "can_moderate": can_moderate,
        "employer_actions": [a for a in EMPLOYER_ACTIONS if services.vacancy_can(vacancy=vacancy, action=a)]
        if is_member
        else [],
        "can_edit": is_member and vacancy.status in services.EDITABLE_STATUSES,
        "can_approve": can_moderate and services.vacancy_can(vacancy=vacancy, action="approve"),
        "can_reject": can_moderate and services.vacancy_can(vacancy=vacancy, action="reject"),
        "required_skills": list(vacancy.required_skills.all()),
        "nice_skills": list(vacancy.nice_skills.all()),
        "json_ld": json_ld(job_posting(vacancy, request)) if live else None,
        "apply_panel": application_apply_panel(user=user, vacancy=vacancy),
        "match": _match_for(user, vacancy),
        "report_form": report_form or ReportForm(),
        "can_report": live and not insider,
        "show_contacts": live or insider,
        "language_names": [LANGUAGE_NAMES.get(code, code) for code in vacancy.languages],
        "reject_form": RejectForm(),
    }


@require_GET
def detail(request, pk: int):
    vacancy = vacancy_get_public(vacancy_id=pk, user=request.user)
    return render(request, "vacancies/detail.html", _detail_context(request, vacancy))


@require_POST
def report(request, pk: int):
    """The "report this vacancy" form: open to everyone, logged in or not."""
    vacancy = vacancy_get_public(vacancy_id=pk, user=request.user)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.vacancy_report_create(
                vacancy=vacancy,
                reporter=request.user if request.user.is_authenticated else None,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, _("Thank you. An employment centre will look at this vacancy."))
            return redirect(vacancy)
    context = _detail_context(request, vacancy, report_form=form)
    return render(request, "vacancies/detail.html", context, status=400)


# --- The employer's pages -----------------------------------------------------------------------


@login_required
@require_GET
def my_vacancies(request):
    organization = organization_for_vacancies(user=request.user)
    status = request.GET.get("status", "")
    if status not in Vacancy.Status.values:
        status = ""
    counts = vacancy_status_counts(organization=organization)
    page = Paginator(vacancy_list_for_organization(organization=organization, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    tabs = [{"status": "", "label": _("All"), "count": sum(counts.values())}] + [
        {"status": value, "label": label, "count": counts[value]} for value, label in Vacancy.Status.choices
    ]
    return render(
        request,
        "vacancies/lifecycle/my_vacancies.html",
        {
            "organization": organization,
            "status": status,
            "tabs": tabs,
            "page": page,
            "vacancies": [
                {
                    "vacancy": v,
                    "actions": [a for a in EMPLOYER_ACTIONS if services.vacancy_can(vacancy=v, action=a)],
                    "can_edit": v.status in services.EDITABLE_STATUSES,
                }
                for v in page.object_list
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    organization = organization_for_vacancies(user=request.user)
    form = VacancyForm(request.POST or None, initial={"region": organization.region_id})
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.vacancy_create(organization=organization, by=request.user, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, _("The draft is saved. Submit it for moderation when it is ready."))
            return redirect(vacancy)
    return render(
        request,
        "vacancies/lifecycle/form.html",
        {"form": form, "organization": organization, "vacancy": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    vacancy = vacancy_get_for_editing(user=request.user, vacancy_id=pk)
    form = VacancyForm(request.POST or None, initial=VacancyForm.initial_for(vacancy))
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.vacancy_update(vacancy=vacancy, by=request.user, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(vacancy)
    return render(
        request,
        "vacancies/lifecycle/form.html",
        {
            "form": form,
            "organization": vacancy.organization,
            "vacancy": vacancy,
            "is_editable": vacancy.status in services.EDITABLE_STATUSES,
        },
        status=400 if form.errors else 200,
    )


def _back(request, default) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


SUCCESS_MESSAGES = {
    "submit": gettext_lazy(
        "The vacancy was sent to moderation. An employment centre usually checks it within a working day."
    ),
    "pause": gettext_lazy("The vacancy is paused: it is hidden from search and does not take applications."),
    "resume": gettext_lazy("The vacancy is published again."),
    "close": gettext_lazy("The vacancy is closed."),
    "prolong": gettext_lazy("The vacancy is prolonged until %(date)s."),
    "approve": gettext_lazy("The vacancy is published."),
    "reject": gettext_lazy("The vacancy is rejected; the employer sees your reason."),
}


def _message(action: str, vacancy: Vacancy) -> str:
    message = str(SUCCESS_MESSAGES[action])
    if action == "prolong":
        message = message % {"date": date_format(timezone.localtime(vacancy.expires_at), "DATE_FORMAT")}
    return message


@login_required
@require_POST
def employer_action(request, pk: int, action: str):
    """Submit, pause, resume, close or prolong: one POST button each on the employer's pages."""
    vacancy = vacancy_get_for_editing(user=request.user, vacancy_id=pk)
    kwargs = {}
    if action == "prolong":
        form = ProlongForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("days", [])))
            return redirect(_back(request, vacancy.get_absolute_url()))
        kwargs["days"] = form.cleaned_data["days"]
    service = {
        "submit": services.vacancy_submit,
        "pause": services.vacancy_pause,
        "resume": services.vacancy_resume,
        "close": services.vacancy_close,
        "prolong": services.vacancy_prolong,
    }[action]
    try:
        vacancy = service(vacancy=vacancy, by=request.user, **kwargs)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _message(action, vacancy))
    return redirect(_back(request, vacancy.get_absolute_url()))


# --- The staff's pages --------------------------------------------------------------------------


@login_required
@require_GET
def moderation_queue(request):
    page = Paginator(vacancy_moderation_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "vacancies/lifecycle/moderation_queue.html", {"page": page, "reject_form": RejectForm()})


@login_required
@require_POST
def approve(request, pk: int):
    vacancy = vacancy_get_for_moderation(user=request.user, vacancy_id=pk)
    try:
        vacancy = services.vacancy_approve(vacancy=vacancy, by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _message("approve", vacancy))
    return redirect(_back(request, reverse("vacancies:moderation")))


@login_required
@require_POST
def reject(request, pk: int):
    vacancy = vacancy_get_for_moderation(user=request.user, vacancy_id=pk)
    form = RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise BusinessError("invalid", " ".join(form.errors.get("reason", [])))
        vacancy = services.vacancy_reject(vacancy=vacancy, by=request.user, reason=form.cleaned_data["reason"])
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _message("reject", vacancy))
    return redirect(_back(request, reverse("vacancies:moderation")))


@login_required
@require_GET
def report_queue(request):
    page = Paginator(vacancy_report_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "vacancies/lifecycle/report_queue.html", {"page": page, "uphold_form": UpholdForm()})


@login_required
@require_POST
def report_handle(request, pk: int, action: str):
    report_obj = vacancy_report_get_for_handling(user=request.user, report_id=pk)
    try:
        if action == "uphold":
            form = UpholdForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.vacancy_report_uphold(report=report_obj, by=request.user, note=note)
            messages.success(request, _("The report is upheld and the vacancy is taken down."))
        else:
            services.vacancy_report_dismiss(report=report_obj, by=request.user)
            messages.success(request, _("The report is dismissed; the vacancy stays as it is."))
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("vacancies:reports")


urlpatterns = [
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/report/", report, name="report"),
    path("my/", my_vacancies, name="my-vacancies"),
    path("new/", create, name="create"),
    path("<int:pk>/edit/", edit, name="edit"),
    *(path(f"<int:pk>/{action}/", employer_action, {"action": action}, name=action) for action in EMPLOYER_ACTIONS),
    path("staff/moderation/", moderation_queue, name="moderation"),
    path("<int:pk>/approve/", approve, name="approve"),
    path("<int:pk>/reject/", reject, name="reject"),
    path("staff/reports/", report_queue, name="reports"),
    path("staff/reports/<int:pk>/uphold/", report_handle, {"action": "uphold"}, name="report-uphold"),
    path("staff/reports/<int:pk>/dismiss/", report_handle, {"action": "dismiss"}, name="report-dismiss"),
]
