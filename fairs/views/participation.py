"""Web pages of the employers' side of a fair: taking part, the participation with its vacancies and
interview slots, screening fair applications (hire, book into a slot), and the managers' list of
employers to approve or decline.

Thin, like the API (``fairs.apis.participation``): access selectors fetch, one service acts, the
page renders. A refused action re-renders its page with the service's message and the error's
HTTP status, so the page says exactly what the API says.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from exchange.errors import BusinessError
from fairs.forms.participation import (
    BookForm,
    DecisionForm,
    FairVacancyForm,
    ParticipantsFilterForm,
    ParticipationApplyForm,
    ScreeningFilterForm,
    SlotForm,
)
from fairs.models import Participation
from fairs.selectors import participation as selectors
from fairs.selectors.access import (
    employer_organization,
    fair_application_get_for_employer,
    fair_get_for_managing,
    fair_get_public,
    fair_vacancy_get_for_employer,
    participation_get_for_deciding,
    participation_get_for_employer,
    slot_get_for_employer,
)
from fairs.services import participation as services
from vacancies.models import Application

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


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


# --- Taking part --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def participate(request, fair_id: int):
    """The employer's "take part" page: the application form, or why the organization cannot apply."""
    fair = fair_get_public(fair_id=fair_id)
    organization = employer_organization(request.user)
    existing = selectors.participation_of(fair=fair, organization=organization)
    if existing is not None and existing.status != Participation.Status.WITHDRAWN and request.method == "GET":
        return redirect("fairs:participation", existing.pk)
    form = ParticipationApplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                participation = services.participation_apply(
                    fair=fair, organization=organization, by=request.user, note=form.cleaned_data["note"]
                )
            except BusinessError as error:
                show_business_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Your application to take part was sent to the organizers."))
                return redirect("fairs:participation", participation.pk)
    refusal = selectors.apply_refusal(fair=fair, organization=organization)
    return render(
        request,
        "fairs/participation_apply.html",
        {"fair": fair, "organization": organization, "form": form, "problem": refusal.message if refusal else ""},
        status=status,
    )


@login_required
def my_participations(request):
    """The organization's fairs: those it takes part in and those it could still join."""
    organization = employer_organization(request.user)
    return render(
        request,
        "fairs/participation_list.html",
        {
            "organization": organization,
            "participations": list(selectors.participations_of_organization(organization=organization)),
            "open_fairs": list(selectors.fairs_open_to_organization(organization=organization)[:20]),
        },
    )


def _detail_context(request, participation: Participation, **forms) -> dict:
    viewer = selectors.participation_viewer(user=request.user, participation=participation)
    participation = selectors.participation_with_counts(participation_id=participation.pk)
    fair = participation.fair
    context = {
        "participation": participation,
        "fair": fair,
        "viewer": viewer,
        "fair_vacancies": list(selectors.fair_vacancies_of_participation(participation=participation)),
        "slots": list(selectors.slots_of_participation(participation=participation)),
        "is_open": selectors.fair_is_open_for_employers(fair),
        "takes_slots": selectors.fair_takes_slots(fair),
        "can_withdraw": participation.status in (Participation.Status.PENDING, Participation.Status.APPROVED)
        and fair.status in (fair.Status.SCHEDULED, fair.Status.REGISTRATION),
    }
    if viewer == selectors.VIEWER_MANAGER and participation.status == Participation.Status.PENDING:
        context["decision_form"] = forms.get("decision_form") or DecisionForm()
    return context


def _detail_action(request, participation: Participation, action, done: str):
    """Run ``action`` (a service call) from a button of the participation page: back to the page
    with ``done`` on success, or the page again with the business error and its status."""
    try:
        action()
    except BusinessError as error:
        context = _detail_context(request, participation)
        context["action_error"] = error.message
        return render(request, "fairs/participation_detail.html", context, status=error.status_code)
    messages.success(request, done)
    return redirect("fairs:participation", participation.pk)


@login_required
def participation_detail(request, participation_id: int):
    """The participation: for the employer, its fair vacancies and slots to manage; for the fair's
    managers, the same read-only with the decision form while it waits."""
    participation = selectors.participation_get_for_viewing(user=request.user, participation_id=participation_id)
    return render(request, "fairs/participation_detail.html", _detail_context(request, participation))


@login_required
@require_POST
def participation_withdraw(request, participation_id: int):
    participation = participation_get_for_employer(user=request.user, participation_id=participation_id)
    return _detail_action(
        request,
        participation,
        lambda: services.participation_withdraw(participation=participation, by=request.user),
        _("Your organization withdrew from the fair."),
    )


@login_required
@require_POST
def participation_decide(request, participation_id: int):
    """Approve or decline (with a reason); back to where the manager came from."""
    participation = participation_get_for_deciding(user=request.user, participation_id=participation_id)
    form = DecisionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            decided = services.participation_decide(
                participation=participation,
                by=request.user,
                approve=form.approve,
                reason=form.cleaned_data["reason"],
            )
        except BusinessError as error:
            show_business_error(form, error)
            status = error.status_code
        else:
            if decided.status == Participation.Status.APPROVED:
                messages.success(request, _("%(name)s takes part in the fair.") % {"name": participation.organization})
            else:
                messages.success(request, _("%(name)s was declined.") % {"name": participation.organization})
            return redirect(_safe_next(request, reverse("fairs:participants", args=[participation.fair_id])))
    context = _detail_context(request, participation, decision_form=form)
    return render(request, "fairs/participation_detail.html", context, status=status)


# --- Fair vacancies -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fair_vacancy_add(request, participation_id: int):
    participation = participation_get_for_employer(user=request.user, participation_id=participation_id)
    vacancies = selectors.vacancies_for_fair(participation=participation)
    form = FairVacancyForm(request.POST or None, vacancies=vacancies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.fair_vacancy_add(
                    participation=participation,
                    vacancy=form.cleaned_data["vacancy"],
                    positions_offered=form.cleaned_data["positions_offered"],
                    screening_questions=form.cleaned_data["screening_questions"],
                    by=request.user,
                )
            except BusinessError as error:
                show_business_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The vacancy is offered at the fair."))
                return redirect("fairs:participation", participation.pk)
    return render(
        request,
        "fairs/participation_vacancy_form.html",
        {"participation": participation, "fair": participation.fair, "form": form, "has_vacancies": vacancies.exists()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def fair_vacancy_edit(request, fair_vacancy_id: int):
    fair_vacancy = fair_vacancy_get_for_employer(user=request.user, fair_vacancy_id=fair_vacancy_id)
    form = FairVacancyForm.for_fair_vacancy(fair_vacancy, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.fair_vacancy_update(
                    fair_vacancy=fair_vacancy,
                    by=request.user,
                    positions_offered=form.cleaned_data["positions_offered"],
                    screening_questions=form.cleaned_data["screening_questions"],
                )
            except BusinessError as error:
                show_business_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The fair vacancy was saved."))
                return redirect("fairs:participation", fair_vacancy.participation_id)
    return render(
        request,
        "fairs/participation_vacancy_form.html",
        {
            "participation": fair_vacancy.participation,
            "fair": fair_vacancy.fair,
            "fair_vacancy": fair_vacancy,
            "form": form,
            "has_vacancies": True,
        },
        status=status,
    )


@login_required
@require_POST
def fair_vacancy_remove(request, fair_vacancy_id: int):
    fair_vacancy = fair_vacancy_get_for_employer(user=request.user, fair_vacancy_id=fair_vacancy_id)
    return _detail_action(
        request,
        fair_vacancy.participation,
        lambda: services.fair_vacancy_remove(fair_vacancy=fair_vacancy, by=request.user),
        _("The vacancy was taken off the fair."),
    )


# --- Interview slots ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def slot_add(request, participation_id: int):
    participation = participation_get_for_employer(user=request.user, participation_id=participation_id)
    fair_vacancies = selectors.fair_vacancies_of_participation(participation=participation)
    form = SlotForm(request.POST or None, fair_vacancies=fair_vacancies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.slot_create(
                    participation=participation,
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    meeting_link=data["meeting_link"],
                    capacity=data["capacity"],
                    fair_vacancy=data["fair_vacancy"],
                    by=request.user,
                )
            except BusinessError as error:
                show_business_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The interview slot is published."))
                return redirect("fairs:participation", participation.pk)
    return render(
        request,
        "fairs/participation_slot_form.html",
        {"participation": participation, "fair": participation.fair, "form": form},
        status=status,
    )


@login_required
@require_POST
def slot_delete(request, slot_id: int):
    slot = slot_get_for_employer(user=request.user, slot_id=slot_id)
    return _detail_action(
        request,
        slot.participation,
        lambda: services.slot_delete(slot=slot, by=request.user),
        _("The interview slot was deleted."),
    )


# --- Screening ----------------------------------------------------------------------------------


def _screening_page(
    request, participation: Participation, *, error: str = "", error_for: int | None = None, status: int = 200
):
    fair_vacancies = selectors.fair_vacancies_of_participation(participation=participation)
    form = ScreeningFilterForm(request.GET or None, fair_vacancies=fair_vacancies)
    valid = form.is_valid()
    chosen_vacancy = form.cleaned_data.get("vacancy") if valid else None
    chosen_status = form.cleaned_data.get("status") if valid else ""
    applications = selectors.fair_applications_for_participation(
        participation=participation,
        fair_vacancy_id=chosen_vacancy.pk if chosen_vacancy else None,
        status=chosen_status or None,
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.fair_application_status_counts(participation=participation)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "fairs/participation_applications.html",
        {
            "participation": participation,
            "fair": participation.fair,
            "fair_vacancies": list(fair_vacancies),
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": [{"status": s, "count": counts[s.value]} for s in Application.Status if counts.get(s.value)],
            "total": sum(counts.values()),
            "slots": selectors.bookable_slots(participation=participation),
            "is_hiring": selectors.fair_is_hiring(participation.fair),
            "open_statuses": selectors.OPEN_APPLICATION_STATUSES,
            "action_error": error,
            "error_for": error_for,
            "next": request.get_full_path(),
        },
        status=status if (valid or not request.GET) else 400,
    )


@login_required
def participation_applications(request, participation_id: int):
    """Screening: the fair applications with the answers to the screening questions, the CV sent,
    the state, and the buttons to hire and to book the candidate into an interview slot."""
    participation = participation_get_for_employer(user=request.user, participation_id=participation_id)
    return _screening_page(request, participation)


def _back_to_screening(request, fair_application) -> str:
    default = reverse("fairs:participation-applications", args=[fair_application.fair_vacancy.participation_id])
    return _safe_next(request, default)


@login_required
@require_POST
def fair_application_hire(request, fair_application_id: int):
    fair_application = fair_application_get_for_employer(user=request.user, fair_application_id=fair_application_id)
    try:
        services.fair_application_hire(fair_application=fair_application, by=request.user)
    except BusinessError as error:
        participation = participation_get_for_employer(
            user=request.user, participation_id=fair_application.fair_vacancy.participation_id
        )
        return _screening_page(
            request, participation, error=error.message, error_for=fair_application.pk, status=error.status_code
        )
    name = fair_application.application.cv_snapshot.get("full_name") or _("The candidate")
    messages.success(request, _("%(name)s is hired.") % {"name": name})
    return redirect(_back_to_screening(request, fair_application))


@login_required
@require_POST
def fair_application_book(request, fair_application_id: int):
    fair_application = fair_application_get_for_employer(user=request.user, fair_application_id=fair_application_id)
    participation = participation_get_for_employer(
        user=request.user, participation_id=fair_application.fair_vacancy.participation_id
    )
    form = BookForm(request.POST, slots=selectors.slots_of_participation(participation=participation))
    if not form.is_valid():
        message = _("Choose one of your interview slots at this fair.")
        return _screening_page(request, participation, error=message, error_for=fair_application.pk, status=400)
    try:
        services.fair_application_book(
            fair_application=fair_application, slot=form.cleaned_data["slot"], by=request.user
        )
    except BusinessError as error:
        return _screening_page(
            request, participation, error=error.message, error_for=fair_application.pk, status=error.status_code
        )
    messages.success(request, _("The interview is booked; the candidate sees it in their fairs."))
    return redirect(_back_to_screening(request, fair_application))


# --- Managers -----------------------------------------------------------------------------------


@login_required
def participants(request, fair_id: int):
    """The fair's employers for its managers: who applied, with what, and approve / decline."""
    fair = fair_get_for_managing(user=request.user, fair_id=fair_id)
    form = ParticipantsFilterForm(request.GET or None)
    chosen = form.cleaned_data.get("status") if form.is_valid() else ""
    page = Paginator(selectors.participations_for_fair(fair=fair, status=chosen or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = selectors.participation_status_counts(fair=fair)
    return render(
        request,
        "fairs/participation_participants.html",
        {
            "fair": fair,
            "page": page,
            "chosen": chosen,
            "tabs": [{"status": s, "count": counts.get(s.value, 0)} for s in Participation.Status],
            "total": sum(counts.values()),
            "can_decide": selectors.fair_is_open_for_employers(fair),
            "next": request.get_full_path(),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


@login_required
def participants_pending(request):
    """Applications to take part waiting for the user's decision, across the fairs they manage."""
    page = Paginator(selectors.participations_pending_for_manager(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "fairs/participation_pending.html", {"page": page, "next": request.get_full_path()})


urlpatterns = [
    path("<int:fair_id>/participate/", participate, name="participate"),
    path("<int:fair_id>/participants/", participants, name="participants"),
    path("participants/", participants_pending, name="participants-pending"),
    path("participations/", my_participations, name="my-participations"),
    path("participations/<int:participation_id>/", participation_detail, name="participation"),
    path("participations/<int:participation_id>/withdraw/", participation_withdraw, name="participation-withdraw"),
    path("participations/<int:participation_id>/decide/", participation_decide, name="participation-decide"),
    path("participations/<int:participation_id>/vacancies/new/", fair_vacancy_add, name="fair-vacancy-add"),
    path("participations/<int:participation_id>/slots/new/", slot_add, name="slot-add"),
    path(
        "participations/<int:participation_id>/applications/",
        participation_applications,
        name="participation-applications",
    ),
    path("fair-vacancies/<int:fair_vacancy_id>/edit/", fair_vacancy_edit, name="fair-vacancy-edit"),
    path("fair-vacancies/<int:fair_vacancy_id>/remove/", fair_vacancy_remove, name="fair-vacancy-remove"),
    path("slots/<int:slot_id>/delete/", slot_delete, name="slot-delete"),
    path("applications/<int:fair_application_id>/hire/", fair_application_hire, name="fair-application-hire"),
    path("applications/<int:fair_application_id>/book/", fair_application_book, name="fair-application-book"),
]
