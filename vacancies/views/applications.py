"""Web pages: applying, the seeker's applications, employers' candidates, CV search, invitations.

Thin, like the API: access selectors fetch, one service acts, the page renders. Business errors
are shown in the form they came from, with the error's HTTP status.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.validators import mask_iin
from exchange.errors import BusinessError
from vacancies.forms.applications import (
    ApplicationForm,
    CandidatesFilterForm,
    CvSearchForm,
    InvitationForm,
    TransitionForm,
    WithdrawForm,
)
from vacancies.models import Application
from vacancies.selectors import applications as selectors
from vacancies.services import applications as services

PAGE_SIZE = 20


def show_business_error(form, error: BusinessError) -> None:
    """Put a service's error into the form: on its fields when it names them, else on top."""
    placed = False
    for field, field_messages in (error.fields or {}).items():
        if field in form.fields:
            for message in field_messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


# --- Applying and the seeker's applications ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, vacancy_id: int):
    """The apply form on its own page (the vacancy page embeds the same form, ``_apply.html``)."""
    vacancy = selectors.vacancy_get_for_applying(vacancy_id=vacancy_id)
    form = ApplicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.application_submit(
                    vacancy=vacancy, seeker=request.user, cover_letter=form.cleaned_data["cover_letter"]
                )
            except BusinessError as error:
                show_business_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Your application was sent. You can follow its state here."))
                return redirect("vacancies:application-detail", application.pk)
        else:
            status = 400
    panel = selectors.application_apply_panel(user=request.user, vacancy=vacancy)
    return render(
        request,
        "vacancies/applications/apply.html",
        {"vacancy": vacancy, "form": form, "apply_panel": panel},
        status=status,
    )


@login_required
def my_applications(request):
    applications = selectors.applications_of_seeker(user=request.user)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "vacancies/applications/my_list.html", {"page": page})


def _detail_context(application: Application, viewer: str, **forms) -> dict:
    context = {
        "application": application,
        "viewer": viewer,
        "cv": selectors.cv_snapshot_display(application.cv_snapshot),
        "is_open": application.status in services.OPEN_STATUSES,
    }
    if viewer == selectors.VIEWER_EMPLOYER:
        forward = [
            Application.Status(s)
            for s in services.transitions_from(application.status, services.EMPLOYER)
            if s != Application.Status.REJECTED
        ]
        context["forward_statuses"] = forward
        context["reject_form"] = forms.get("transition_form") or TransitionForm(
            initial={"to_status": Application.Status.REJECTED}
        )
    if viewer == selectors.VIEWER_SEEKER:
        context["withdraw_form"] = forms.get("withdraw_form") or WithdrawForm()
    return context


@login_required
def application_detail(request, application_id: int):
    """One application. For a member of the vacancy's organization this page *is* the CV:
    each opening is logged and the first one marks the application as viewed."""
    application = selectors.application_get_for_viewing(user=request.user, application_id=application_id)
    viewer = selectors.application_viewer(user=request.user, application=application)
    if viewer == selectors.VIEWER_EMPLOYER:
        services.application_open_cv(application=application, by=request.user)
        application = selectors.application_with_history(application_id=application.pk)
    return render(request, "vacancies/applications/detail.html", _detail_context(application, viewer))


@login_required
@require_POST
def application_transition(request, application_id: int):
    """The employer's buttons (forward, hire) and the reject form."""
    application = selectors.application_get_for_viewing(user=request.user, application_id=application_id)
    viewer = selectors.application_viewer(user=request.user, application=application)
    form = TransitionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.application_transition(
                application=application,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except BusinessError as error:
            show_business_error(form, error)
            status = error.status_code
        else:
            messages.success(
                request,
                _("The application is now “%(status)s”.")
                % {"status": Application.Status(form.cleaned_data["to_status"]).label},
            )
            return redirect("vacancies:application-detail", application.pk)
    application = selectors.application_with_history(application_id=application.pk)
    context = _detail_context(application, viewer, transition_form=form)
    return render(request, "vacancies/applications/detail.html", context, status=status)


@login_required
@require_POST
def application_withdraw(request, application_id: int):
    application = selectors.application_get_for_viewing(user=request.user, application_id=application_id)
    viewer = selectors.application_viewer(user=request.user, application=application)
    form = WithdrawForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.application_withdraw(application=application, by=request.user, reason=form.cleaned_data["reason"])
        except BusinessError as error:
            show_business_error(form, error)
            status = error.status_code
        else:
            messages.success(request, _("You withdrew your application."))
            return redirect("vacancies:application-detail", application.pk)
    application = selectors.application_with_history(application_id=application.pk)
    context = _detail_context(application, viewer, withdraw_form=form)
    return render(request, "vacancies/applications/detail.html", context, status=status)


# --- Employers: candidates, CV search, invitations --------------------------------------------


@login_required
def candidates(request, vacancy_id: int):
    vacancy = selectors.vacancy_get_for_candidates(user=request.user, vacancy_id=vacancy_id)
    form = CandidatesFilterForm(request.GET or None)
    chosen = form.cleaned_data.get("status") if form.is_valid() else None
    applications = selectors.applications_for_vacancy(vacancy=vacancy, status=chosen or None)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.application_status_counts(vacancy=vacancy)
    tabs = [{"status": s, "count": counts.get(s.value, 0)} for s in Application.Status]
    return render(
        request,
        "vacancies/applications/candidates.html",
        {"vacancy": vacancy, "form": form, "page": page, "tabs": tabs, "chosen": chosen, "total": sum(counts.values())},
        status=200 if form.is_valid() or not request.GET else 400,
    )


def _cvs_unavailable(request, error: BusinessError):
    """The CV pages for an organization that may not read CVs (yet): why, with the page's status."""
    return render(
        request, "vacancies/applications/cv_unavailable.html", {"message": error.message}, status=error.status_code
    )


@login_required
def cv_search(request):
    try:
        organization = selectors.employer_organization_get_for_cvs(user=request.user)
    except BusinessError as error:
        return _cvs_unavailable(request, error)
    form = CvSearchForm(request.GET or None)
    results, next_after = [], None
    if form.is_valid():
        data = form.cleaned_data
        queryset = selectors.cv_search(
            user=request.user,
            region=data["region"].code if data["region"] else None,
            occupation=data["occupation"] or None,
            skills=[s.code for s in data["skills"]],
        )
        if data.get("after"):
            queryset = queryset.filter(pk__lt=data["after"])
        # Keyset pagination: no COUNT(*) over every visible CV, one extra row says "there is more".
        results = list(queryset[: PAGE_SIZE + 1])
        if len(results) > PAGE_SIZE:
            results = results[:PAGE_SIZE]
            next_after = results[-1].pk
        for profile in results:
            profile.iin_masked = mask_iin(profile.iin) if profile.iin else ""
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "vacancies/applications/cv_search.html",
        {
            "form": form,
            "organization": organization,
            "results": results,
            "next_after": next_after,
            "query": query.urlencode(),
            "searched": bool(request.GET),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cv_detail(request, seeker_id: int):
    """A visible seeker's CV, opened from the CV search (logged each time it is shown), with the
    invitation form."""
    try:
        organization = selectors.employer_organization_get_for_cvs(user=request.user)
    except BusinessError as error:
        return _cvs_unavailable(request, error)
    profile = selectors.seeker_profile_get_for_employer(user=request.user, seeker_id=seeker_id)
    form = InvitationForm(request.POST or None, vacancies=selectors.vacancies_for_inviting(organization=organization))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.invitation_send(
                    vacancy=form.cleaned_data["vacancy"],
                    seeker=profile.user,
                    by=request.user,
                    message=form.cleaned_data["message"],
                )
            except BusinessError as error:
                show_business_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The invitation was sent."))
                return redirect("vacancies:invitations")
    cv = selectors.cv_snapshot_display(services.seeker_cv_open(profile=profile, by=request.user))
    return render(
        request,
        "vacancies/applications/cv_detail.html",
        {"profile": profile, "cv": cv, "form": form, "has_vacancies": form.fields["vacancy"].queryset.exists()},
        status=status,
    )


@login_required
def invitations(request):
    """Invitations received (seekers) or sent by the organization (employers)."""
    queryset = selectors.invitations_for_user(user=request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "vacancies/applications/invitations.html", {"page": page})


@login_required
@require_POST
def invitation_answer(request, invitation_id: int):
    invitation = selectors.invitation_get_for_viewing(user=request.user, invitation_id=invitation_id)
    accept = request.POST.get("answer") == "accept"
    if request.POST.get("answer") not in ("accept", "decline"):
        messages.error(request, _("Choose to accept or decline the invitation."))
        return redirect("vacancies:invitations")
    try:
        services.invitation_answer(invitation=invitation, by=request.user, accept=accept)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("vacancies:invitations")
    if accept:
        messages.success(request, _("You accepted the invitation: your application was sent."))
        application = selectors.application_for_seeker_and_vacancy(user=request.user, vacancy=invitation.vacancy)
        return redirect("vacancies:application-detail", application.pk)
    messages.success(request, _("You declined the invitation."))
    return redirect("vacancies:invitations")


urlpatterns = [
    path("<int:vacancy_id>/apply/", apply, name="apply"),
    path("<int:vacancy_id>/candidates/", candidates, name="candidates"),
    path("applications/", my_applications, name="my-applications"),
    path("applications/<int:application_id>/", application_detail, name="application-detail"),
    path("applications/<int:application_id>/transition/", application_transition, name="application-transition"),
    path("applications/<int:application_id>/withdraw/", application_withdraw, name="application-withdraw"),
    path("cv-search/", cv_search, name="cv-search"),
    path("cv-search/<int:seeker_id>/", cv_detail, name="cv-detail"),
    path("invitations/", invitations, name="invitations"),
    path("invitations/<int:invitation_id>/answer/", invitation_answer, name="invitation-answer"),
]
