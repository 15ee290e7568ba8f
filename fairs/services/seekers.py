"""Writes for the seekers' side of a fair: registering, applying, booking and cancelling interviews.

Lock order, wherever more than one row is locked: the fair (a share lock, booking only), the
seeker's ``User`` row (booking only), their ``Registration`` for the fair, the ``InterviewSlot``,
the ``SlotBooking``, then (through the vacancies services) the ``Application``. Hiring at the
fair (``fairs.services.participation``) takes the same share lock, then locks the fair vacancy,
the vacancy and the application, none of which is locked here before an application, so the
two never wait on each other in a circle.

Applying takes no lock at all: it is the hot path when a fair opens (thousands of seekers at
once, all on the same fair vacancies), and nothing it checks needs one. Positions are only
taken when hiring, under the fair vacancy's row lock; an application only reads the counter.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exchange.errors import BusinessError, ConflictError
from fairs.models import Fair, FairApplication, FairVacancy, InterviewSlot, Participation, Registration, SlotBooking
from fairs.selectors.fairs import fair_status_share_locked
from fairs.selectors.seekers import (
    AFTER,
    BEFORE,
    BOOKING_STATUSES,
    CLOSED_APPLICATION_STATUSES,
    REGISTRATION_STATUSES,
    booking_conflict_label,
    fair_admission,
    fair_eligibility,
    format_moment,
    live_window,
    registration_closed_message,
    screening_questions,
    seeker_profile_for_fairs,
)
from vacancies.models import Application
from vacancies.services.applications import (
    EMPLOYER,
    application_submit,
    application_transition,
    is_member_of,
    transitions_from,
)

__all__ = [
    "ANSWER_MAX_LENGTH",
    "booking_cancel",
    "fair_apply",
    "fair_eligibility",
    "fair_register",
    "registration_cancel",
    "slot_book",
]

ANSWER_MAX_LENGTH = 2000


def _constraint_name(exc: IntegrityError) -> str | None:
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)


def _require_seeker(user: User, message) -> None:
    if not (user.is_authenticated and user.is_active and user.role == User.Role.SEEKER):
        raise BusinessError("seekers_only", message, status_code=403)


# --- Registration -----------------------------------------------------------------------------


def fair_register(*, fair: Fair, seeker: User) -> Registration:
    """Register ``seeker`` for ``fair``; returns the registration.

    Preconditions: a job seeker (403 ``seekers_only``); registration open or the fair live (409
    ``registration_closed``); not registered yet (409 ``already_registered``, race-safe by the
    unique constraint); admitted by the audience rules (``fair_admission``: 400 for a missing
    CV or consent, 403 with the reason for age, graduates, regions). The facts checked (region,
    age on the first day, young, graduate) are kept on the registration for the results.
    """
    _require_seeker(seeker, _("Only job seekers register for job fairs."))
    if fair.status not in REGISTRATION_STATUSES:
        raise ConflictError("registration_closed", registration_closed_message(fair))
    if Registration.objects.filter(fair=fair, seeker=seeker).exists():
        raise ConflictError("already_registered", _("You are already registered for this fair."))
    admission = fair_admission(fair=fair, profile=seeker_profile_for_fairs(user=seeker))
    if not admission.admitted:
        raise BusinessError(admission.code, admission.message, status_code=admission.status_code)
    try:
        with transaction.atomic():
            return Registration.objects.create(
                fair=fair,
                seeker=seeker,
                region_id=admission.region_id,
                age_at_start=admission.age_at_start,
                is_youth=admission.is_youth,
                is_graduate=admission.is_graduate,
            )
    except IntegrityError as exc:
        if _constraint_name(exc) == "one_registration_per_fair_and_seeker":
            raise ConflictError("already_registered", _("You are already registered for this fair.")) from None
        raise


def registration_cancel(*, registration: Registration, by: User) -> None:
    """The seeker takes back their registration, while registration is open or the fair is live.

    Only the seeker themselves (PermissionDenied). A seeker who has applied at the fair keeps
    the registration (409 ``registration_has_applications``): the applications and the fair's
    results hang off it; they withdraw applications instead.
    """
    if not by.is_authenticated or registration.seeker_id != by.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked = Registration.objects.select_for_update(of=("self",)).select_related("fair").get(pk=registration.pk)
        if locked.fair.status not in REGISTRATION_STATUSES:
            raise ConflictError("registration_final", _("This fair is over: your registration stays on its record."))
        if locked.applications.exists():
            raise ConflictError(
                "registration_has_applications",
                _(
                    "You have applied to vacancies at this fair, so your registration stays. "
                    "You can withdraw your applications instead."
                ),
            )
        locked.delete()


# --- Applying ---------------------------------------------------------------------------------


def _checked_answers(questions: list[str], answers: list[str] | None) -> list[dict]:
    """The answers paired with their questions, or 400 ``invalid`` naming each missing one."""
    answers = [str(answer if answer is not None else "").strip() for answer in (answers or [])]
    fields: dict[str, list[str]] = {}
    if len(answers) > len(questions):
        fields["answers"] = [
            str(
                _("This vacancy asks %(questions)d questions; you sent %(answers)d answers.")
                % {"questions": len(questions), "answers": len(answers)}
            )
        ]
    paired = []
    for index, question in enumerate(questions):
        answer = answers[index] if index < len(answers) else ""
        if not answer:
            fields[f"answers.{index}"] = [str(_("Answer this question."))]
        elif len(answer) > ANSWER_MAX_LENGTH:
            fields[f"answers.{index}"] = [
                str(
                    _("Use at most %(limit)d characters (you used %(length)d).")
                    % {"limit": ANSWER_MAX_LENGTH, "length": len(answer)}
                )
            ]
        paired.append({"question": question, "answer": answer})
    if fields:
        raise BusinessError("invalid", _("Answer every screening question of this vacancy."), fields=fields)
    return paired


def fair_apply(
    *, fair_vacancy: FairVacancy, seeker: User, cover_letter: str = "", answers: list[str] | None = None
) -> FairApplication:
    """``seeker`` applies to ``fair_vacancy`` at its fair; returns the fair application.

    Preconditions, read fresh in one query: a job seeker (403 ``seekers_only``); the fair live
    (409 ``fair_not_started`` / ``fair_over``); registered for the fair (403
    ``not_registered``); the employer still approved (409 ``participation_not_approved``); a
    position left at the fair (409 ``fair_vacancy_full``); an answer to every screening
    question (400 ``invalid`` with ``answers.<n>`` fields). Then the vacancies application is
    made through ``application_submit`` (source ``fair``; its own refusals: no CV or consent,
    vacancy closed, 409 ``already_applied``) and the fair application beside it, in one
    transaction: either both rows are written or neither.

    Takes no row lock (see the module's docstring).
    """
    _require_seeker(seeker, _("Only job seekers apply at job fairs."))
    registrations = Registration.objects.filter(fair_id=OuterRef("fair_id"), seeker=seeker).values("pk")[:1]
    current = (
        FairVacancy.objects.filter(pk=fair_vacancy.pk)
        .annotate(registration_id=Subquery(registrations))
        .values(
            "fair_id",
            "positions_offered",
            "positions_filled",
            "screening_questions",
            "participation__status",
            "fair__status",
            "fair__starts_at",
            "fair__ends_at",
            "registration_id",
        )
        .get()
    )
    window = live_window(
        status=current["fair__status"], starts_at=current["fair__starts_at"], ends_at=current["fair__ends_at"]
    )
    if window == BEFORE:
        raise ConflictError(
            "fair_not_started",
            _("The fair has not started yet: applications open on %(date)s.")
            % {"date": format_moment(current["fair__starts_at"])},
        )
    if window == AFTER:
        raise ConflictError(
            "fair_over",
            _("The fair is over: applications closed on %(date)s.") % {"date": format_moment(current["fair__ends_at"])},
        )
    if current["registration_id"] is None:
        raise BusinessError("not_registered", _("Register for the fair before applying."), status_code=403)
    if current["participation__status"] != Participation.Status.APPROVED:
        raise ConflictError("participation_not_approved", _("This employer no longer takes part in the fair."))
    if current["positions_filled"] >= current["positions_offered"]:
        raise ConflictError(
            "fair_vacancy_full", _("Every position offered at the fair for this vacancy has been filled.")
        )
    questions = screening_questions(current["screening_questions"])
    paired = _checked_answers(questions, answers)

    try:
        with transaction.atomic():
            application = application_submit(
                vacancy=fair_vacancy.vacancy, seeker=seeker, cover_letter=cover_letter, source=Application.Source.FAIR
            )
            return FairApplication.objects.create(
                application=application,
                fair_id=current["fair_id"],
                fair_vacancy=fair_vacancy,
                registration_id=current["registration_id"],
                answers=paired,
            )
    except IntegrityError:
        # The seeker cancelled their registration in the instant between the check and the
        # insert (the foreign key refused it); anything else is a real error.
        if Registration.objects.filter(pk=current["registration_id"]).exists():
            raise
        raise BusinessError("not_registered", _("Register for the fair before applying."), status_code=403) from None


# --- Interview slots --------------------------------------------------------------------------


def _booking_actor(*, by: User, seeker: User, organization_id: int) -> str:
    """ "seeker" when the seeker books for themselves, EMPLOYER for a member of the slot's
    organization; PermissionDenied for anyone else."""
    if by.is_authenticated and by.pk == seeker.pk and by.role == User.Role.SEEKER:
        return "seeker"
    if is_member_of(by, organization_id):
        return EMPLOYER
    raise PermissionDenied


def _fair_application_for_slot(
    *, slot: InterviewSlot, registration: Registration, fair_application: FairApplication | None, actor: str
) -> FairApplication:
    """The seeker's open fair application the slot is booked for: to the slot's employer, and to
    the slot's fair vacancy when it has one; 403 ``application_required`` without one."""
    candidates = FairApplication.objects.select_related("application").filter(
        registration=registration, fair_vacancy__participation_id=slot.participation_id
    )
    candidates = candidates.exclude(application__status__in=CLOSED_APPLICATION_STATUSES)
    if slot.fair_vacancy_id:
        candidates = candidates.filter(fair_vacancy_id=slot.fair_vacancy_id)
    if fair_application is not None:
        candidates = candidates.filter(pk=fair_application.pk)
    found = candidates.order_by("created_at", "pk").first()
    if found is None:
        if actor == EMPLOYER:
            message = _("This job seeker has no open application to this interview's vacancy at the fair.")
        elif slot.fair_vacancy_id:
            message = _("This interview is for one vacancy: apply to it at the fair before booking the interview.")
        else:
            message = _("Apply to one of this employer's vacancies at the fair before booking an interview.")
        raise BusinessError("application_required", message, status_code=403)
    return found


def slot_book(
    *, slot: InterviewSlot, seeker: User, by: User, fair_application: FairApplication | None = None
) -> SlotBooking:
    """Book ``seeker`` into ``slot``; ``by`` is the seeker, or a member of the slot's organization
    booking a candidate. Returns the booking.

    Preconditions: ``seeker`` is a job seeker (403 ``seekers_only``) and ``by`` may act for them
    (PermissionDenied); the seeker is registered for the fair (403
    ``not_registered``) and holds an open fair application to the slot's employer, to the
    slot's vacancy when it has one (403 ``application_required``; ``fair_application`` picks
    one, else the oldest is used); the fair is live or closed but without results yet (409
    ``booking_closed``); the employer still approved (409 ``participation_not_approved``); the
    slot not started (409 ``slot_started``), not booked by this seeker (409
    ``already_booked``), not full (409 ``slot_full``), overlapping none of the seeker's booked
    slots (409 ``slot_overlaps``, naming the other slot's time).

    Locks the seeker's registration first, so one seeker's bookings run one after the other and
    two overlapping ones cannot both pass the overlap check (the database has no exclusion
    constraint for it: no btree_gist), then the slot, so its capacity is read and moved under
    the lock. An employer booking moves the application to ``interview`` when the state
    machine allows it (employers move candidates forward; the seeker is told).
    """
    _require_seeker(seeker, _("Only job seekers book interviews at job fairs."))
    actor = _booking_actor(by=by, seeker=seeker, organization_id=slot.participation.organization_id)
    now = timezone.now()
    with transaction.atomic():
        # Read under a share lock, like hires: a booking cannot land after the results froze.
        fair_status_share_locked(fair_id=slot.fair_id)
        # The seeker's own row serialises all their bookings, in every fair, so two overlapping
        # ones (even in two fairs at once) cannot both pass the overlap check below.
        User.objects.select_for_update().filter(pk=seeker.pk).values_list("pk", flat=True).first()
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .filter(fair_id=slot.fair_id, seeker_id=seeker.pk)
            .order_by("pk")
            .first()
        )
        if registration is None:
            if actor == EMPLOYER:
                message = _("This job seeker is not registered for the fair.")
            else:
                message = _("Register for the fair before booking an interview.")
            raise BusinessError("not_registered", message, status_code=403)
        locked = (
            InterviewSlot.objects.select_for_update(of=("self",))
            .select_related("fair", "participation")
            .get(pk=slot.pk)
        )
        if locked.fair.status not in BOOKING_STATUSES:
            if locked.fair.status in (Fair.Status.SCHEDULED, Fair.Status.REGISTRATION):
                message = _("Interviews can be booked once the fair has started, on %(date)s.") % {
                    "date": format_moment(locked.fair.starts_at)
                }
            else:
                message = _("The fair's results are published: its interviews can no longer be booked.")
            raise ConflictError("booking_closed", message)
        if locked.participation.status != Participation.Status.APPROVED:
            raise ConflictError("participation_not_approved", _("This employer no longer takes part in the fair."))
        if locked.starts_at <= now:
            raise ConflictError("slot_started", _("This interview has already started: it can no longer be booked."))
        found = _fair_application_for_slot(
            slot=locked, registration=registration, fair_application=fair_application, actor=actor
        )
        if SlotBooking.objects.filter(slot=locked, seeker_id=seeker.pk, status=SlotBooking.Status.BOOKED).exists():
            raise ConflictError("already_booked", _("This interview is already booked for this job seeker."))
        if locked.booked >= locked.capacity:
            raise ConflictError("slot_full", _("This interview slot is full: choose another time."))
        overlap = (
            SlotBooking.objects.filter(
                seeker_id=seeker.pk,
                status=SlotBooking.Status.BOOKED,
                starts_at__lt=locked.ends_at,
                ends_at__gt=locked.starts_at,
            )
            .order_by("starts_at")
            .first()
        )
        if overlap is not None:
            raise ConflictError(
                "slot_overlaps",
                _("This interview overlaps another one already booked, %(time)s: cancel that one first.")
                % {"time": booking_conflict_label(overlap)},
            )
        booking = SlotBooking.objects.create(
            slot=locked,
            seeker_id=seeker.pk,
            fair_application=found,
            starts_at=locked.starts_at,
            ends_at=locked.ends_at,
            booked_by=by,
        )
        InterviewSlot.objects.filter(pk=locked.pk).update(booked=F("booked") + 1, updated_at=now)
        application = found.application
        if actor == EMPLOYER and Application.Status.INTERVIEW in transitions_from(application.status, EMPLOYER):
            application_transition(application=application, to_status=Application.Status.INTERVIEW, by=by)
    return booking


def booking_cancel(*, booking: SlotBooking, by: User) -> SlotBooking:
    """Cancel ``booking`` until its slot starts; the seeker or a member of the slot's organization.

    Refused for anyone else (PermissionDenied), once cancelled (409 ``booking_cancelled``), from
    the slot's start on (409 ``slot_started``). Frees the place: the slot's counter goes down.
    Locks in the same order as ``slot_book`` (registration, slot, booking).
    """
    slot = InterviewSlot.objects.select_related("participation").get(pk=booking.slot_id)
    if not (by.is_authenticated and by.pk == booking.seeker_id) and not is_member_of(
        by, slot.participation.organization_id
    ):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        # Taken only for their locks, in slot_book's order (see the module's docstring).
        # order_by: Registration's default ordering joins the fair, which FOR UPDATE would lock.
        Registration.objects.select_for_update(of=("self",)).filter(
            fair_id=slot.fair_id, seeker_id=booking.seeker_id
        ).order_by("pk").first()
        InterviewSlot.objects.select_for_update().only("pk").get(pk=slot.pk)
        locked = SlotBooking.objects.select_for_update().get(pk=booking.pk)
        if locked.status != SlotBooking.Status.BOOKED:
            raise ConflictError("booking_cancelled", _("This interview booking has already been cancelled."))
        if locked.starts_at <= now:
            raise ConflictError(
                "slot_started", _("This interview has already started: its booking can no longer be cancelled.")
            )
        locked.status = SlotBooking.Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        InterviewSlot.objects.filter(pk=slot.pk, booked__gt=0).update(booked=F("booked") - 1, updated_at=now)
    return locked
