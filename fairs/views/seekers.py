"""Web pages of the seekers' side of a fair: register, a fair vacancy with its apply form, the
bookable interview slots, booking and cancelling, and "my fairs".

Thin, like the API (``fairs.apis.seekers``): access selectors fetch, one service acts, the page
renders. A refused action re-renders its page with the service's message and the error's HTTP
status, so the page says exactly what the API says.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from exchange.errors import BusinessError
from fairs.forms.seekers import FairApplyForm, answer_field_name
from fairs.selectors import seekers as selectors
from fairs.selectors.access import (
    fair_get_public,
    fair_vacancy_get_public,
    registration_get_for_seeker,
    slot_get_public,
)
from fairs.services import seekers as services

# --- Registration -----------------------------------------------------------------------------


def _register_page(request, fair, *, error: str = "", status: int = 200):
    state = selectors.registration_state(user=request.user, fair=fair)
    return render(request, "fairs/seekers_register.html", {"fair": fair, "state": state, "error": error}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def register(request, fair_id: int):
    """The seeker's standing at a fair: registered, or the register button, or why not."""
    fair = fair_get_public(fair_id=fair_id)
    if request.method == "POST":
        try:
            services.fair_register(fair=fair, seeker=request.user)
        except BusinessError as error:
            return _register_page(request, fair, error=error.message, status=error.status_code)
        messages.success(request, _("You are registered for the fair."))
        return redirect("fairs:register", fair.pk)
    return _register_page(request, fair)


@login_required
@require_POST
def unregister(request, fair_id: int):
    fair = fair_get_public(fair_id=fair_id)
    registration = registration_get_for_seeker(user=request.user, fair=fair)
    if registration is None:
        raise Http404("Not registered")
    try:
        services.registration_cancel(registration=registration, by=request.user)
    except BusinessError as error:
        return _register_page(request, fair, error=error.message, status=error.status_code)
    messages.success(request, _("Your registration for the fair was cancelled."))
    return redirect("fairs:register", fair.pk)


# --- A fair vacancy and applying --------------------------------------------------------------


def _show_apply_error(form: FairApplyForm, error: BusinessError) -> None:
    """The service's error on the form: its message on top, and ``answers.<n>`` messages on the
    n-th answer field (other fields' on theirs)."""
    form.add_error(None, error.message)
    for field, field_messages in (error.fields or {}).items():
        name = answer_field_name(int(field.split(".", 1)[1])) if field.startswith("answers.") else field
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)


def _fair_vacancy_page(request, fair_vacancy, *, form: FairApplyForm | None = None, status: int = 200):
    panel = selectors.fair_vacancy_apply_panel(user=request.user, fair_vacancy=fair_vacancy)
    questions = selectors.screening_questions(fair_vacancy.screening_questions)
    if form is None and panel["can_apply"]:
        form = FairApplyForm(questions=questions)
    context = {
        "fair": fair_vacancy.fair,
        "fair_vacancy": fair_vacancy,
        "vacancy": fair_vacancy.vacancy,
        "organization": fair_vacancy.participation.organization,
        "questions": questions,
        "panel": panel,
        "form": form,
    }
    return render(request, "fairs/seekers_fair_vacancy.html", context, status=status)


def fair_vacancy_detail(request, fair_vacancy_id: int):
    """A vacancy at a fair, for everyone; job seekers find the apply form here."""
    fair_vacancy = fair_vacancy_get_public(fair_vacancy_id=fair_vacancy_id)
    return _fair_vacancy_page(request, fair_vacancy)


@login_required
@require_http_methods(["GET", "POST"])
def fair_vacancy_apply(request, fair_vacancy_id: int):
    fair_vacancy = fair_vacancy_get_public(fair_vacancy_id=fair_vacancy_id)
    if request.method == "GET":
        return _fair_vacancy_page(request, fair_vacancy)
    form = FairApplyForm(request.POST, questions=selectors.screening_questions(fair_vacancy.screening_questions))
    if not form.is_valid():
        return _fair_vacancy_page(request, fair_vacancy, form=form, status=400)
    try:
        services.fair_apply(
            fair_vacancy=fair_vacancy,
            seeker=request.user,
            cover_letter=form.cleaned_data["cover_letter"],
            answers=form.answers(),
        )
    except BusinessError as error:
        _show_apply_error(form, error)
        return _fair_vacancy_page(request, fair_vacancy, form=form, status=error.status_code)
    messages.success(request, _("Your application was sent. You can book an interview with the employer now."))
    return redirect("fairs:fair-vacancy", fair_vacancy.pk)


# --- Interview slots --------------------------------------------------------------------------


def _slots_page(request, fair, *, error: str = "", error_slot_id: int | None = None, status: int = 200):
    slots = list(selectors.slots_for_user(user=request.user, fair=fair))
    registration = registration_get_for_seeker(user=request.user, fair=fair)
    context = {
        "fair": fair,
        "slots": slots,
        "registration": registration,
        "is_seeker": request.user.role == User.Role.SEEKER,
        "error": error,
        "error_slot_id": error_slot_id,
    }
    return render(request, "fairs/seekers_slots.html", context, status=status)


@login_required
def slots(request, fair_id: int):
    """Interview slots a seeker may book: those of the employers they applied to at the fair."""
    fair = fair_get_public(fair_id=fair_id)
    return _slots_page(request, fair)


@login_required
@require_POST
def slot_book(request, slot_id: int):
    slot = slot_get_public(slot_id=slot_id)
    try:
        services.slot_book(slot=slot, seeker=request.user, by=request.user)
    except BusinessError as error:
        return _slots_page(request, slot.fair, error=error.message, error_slot_id=slot.pk, status=error.status_code)
    messages.success(request, _("Your interview is booked. The meeting link is in “My fairs”."))
    return redirect("fairs:my")


@login_required
@require_POST
def booking_cancel(request, booking_id: int):
    """Cancel a booking: the seeker's own, or (employers) one in their organization's slots."""
    booking = selectors.booking_get_for_cancelling(user=request.user, booking_id=booking_id)
    is_seeker = booking.seeker_id == request.user.pk
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("fairs:my") if is_seeker else booking.slot.fair.get_absolute_url()
    try:
        services.booking_cancel(booking=booking, by=request.user)
    except BusinessError as error:
        if is_seeker:
            return _my_page(request, error=error.message, status=error.status_code)
        messages.error(request, error.message)
        return redirect(next_url)
    messages.success(request, _("The interview booking was cancelled."))
    return redirect(next_url)


# --- My fairs ---------------------------------------------------------------------------------


def _my_page(request, *, error: str = "", status: int = 200):
    context = {**selectors.my_fairs(user=request.user), "error": error}
    return render(request, "fairs/seekers_my.html", context, status=status)


@login_required
def my_fairs(request):
    """The seeker's fairs: registrations, applications with their state, booked interviews."""
    return _my_page(request)


urlpatterns = [
    path("<int:fair_id>/register/", register, name="register"),
    path("<int:fair_id>/unregister/", unregister, name="unregister"),
    path("<int:fair_id>/slots/", slots, name="slots"),
    path("fair-vacancies/<int:fair_vacancy_id>/", fair_vacancy_detail, name="fair-vacancy"),
    path("fair-vacancies/<int:fair_vacancy_id>/apply/", fair_vacancy_apply, name="fair-vacancy-apply"),
    path("slots/<int:slot_id>/book/", slot_book, name="slot-book"),
    path("bookings/<int:booking_id>/cancel/", booking_cancel, name="booking-cancel"),
    path("my/", my_fairs, name="my"),
]
