"""Writes of the employers' side of a fair: taking part, fair vacancies, interview slots, hiring.

An employer applies to take part; the fair's managers (administrators, or centre staff of the
region for a regional fair) approve or decline. An approved employer offers vacancies with the
number of positions filled through the fair and publishes interview slots; during the fair and in
the week after it, the employer screens fair applications, books candidates into slots and hires.

Lock order, wherever more than one row is locked (it extends the vacancies app's order, so a
fair hire and a direct hire can never deadlock): fair (share lock), fair vacancy, vacancy,
application.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, StaffAssignment, User
from exchange.errors import BusinessError, ConflictError
from fairs.models import Fair, FairApplication, FairVacancy, InterviewSlot, Participation, SlotBooking
from fairs.selectors.access import can_manage_fair
from fairs.selectors.fairs import fair_status_share_locked
from fairs.selectors.participation import (
    HIRING_STATUSES,
    apply_refusal,
    fair_is_open_for_employers,
    fair_takes_slots,
    vacancy_not_eligible,
)
from fairs.selectors.seekers import format_moment
from fairs.services import seekers as seeker_services
from notifications.models import Kind
from notifications.services import NewNotification, notifications_create_bulk
from vacancies.models import Vacancy
from vacancies.services.applications import application_hire, is_member_of
from vacancies.services.lifecycle import vacancy_keep_open_until

NOTE_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 500
SCREENING_QUESTIONS_MAX = 5
SCREENING_QUESTION_MAX_LENGTH = 300
SLOT_MINUTES_MIN = 10
SLOT_MINUTES_MAX = 240
SLOT_CAPACITY_MAX = 500
MEETING_LINK_MAX_LENGTH = 500

# An employer may change its mind before seekers can apply to it.
_WITHDRAWABLE_STATUSES = frozenset({Fair.Status.SCHEDULED, Fair.Status.REGISTRATION})


def _invalid(field: str, message) -> BusinessError:
    return BusinessError("invalid", _("Some fields are not valid."), fields={field: [str(message)]})


def _too_long(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        message = _("Use at most %(limit)d characters (you used %(length)d).") % {
            "limit": limit,
            "length": len(value),
        }
        raise _invalid(field, message)


def _require_member(by: User, organization_id: int) -> None:
    if not is_member_of(by, organization_id):
        raise PermissionDenied


def _require_fair_open(fair: Fair) -> None:
    if not fair_is_open_for_employers(fair):
        raise ConflictError(
            "fair_closed", _("This fair has closed: employers can no longer join it or change their offer.")
        )


def _require_approved(participation: Participation) -> None:
    if participation.status != Participation.Status.APPROVED:
        raise ConflictError(
            "participation_not_approved",
            _("Your organization takes part in this fair once the organizers approve it."),
        )


def _member_ids(organization_id: int) -> list[int]:
    return list(
        User.objects.filter(membership__organization_id=organization_id, is_active=True)
        .order_by("id")
        .values_list("id", flat=True)
    )


def _manager_ids(fair: Fair) -> list[int]:
    """Who decides on the fair's employers: the region's centre staff for a regional fair, else the
    administrators (who may decide on regional fairs too, but need not hear of every one)."""
    if fair.kind == Fair.Kind.REGIONAL and fair.region_id:
        users = StaffAssignment.objects.filter(centre__region_id=fair.region_id, user__is_active=True).values_list(
            "user_id", flat=True
        )
    else:
        users = User.objects.filter(role=User.Role.ADMIN, is_active=True).values_list("id", flat=True)
    return sorted(set(users))


# --- Taking part --------------------------------------------------------------------------------


def _notify_managers_of_application(participation: Participation) -> None:
    fair = participation.fair
    notifications_create_bulk(
        items=[
            NewNotification(
                recipient_id=user_id,
                kind=Kind.FAIR,
                subject=f"fair:{fair.pk}",
                data={
                    "event": "participation_requested",
                    "fair_id": fair.pk,
                    "fair_title": fair.title,
                    "participation_id": participation.pk,
                    "organization_name": participation.organization.legal_name,
                },
                url=reverse("fairs:participants", args=[fair.pk]),
                # A withdrawn participation applying again is news again.
                dedupe_key=(
                    f"{user_id}:fair:{fair.pk}:participation:{participation.pk}"
                    f":requested:{int(participation.updated_at.timestamp())}"
                ),
            )
            for user_id in _manager_ids(fair)
        ]
    )


def participation_apply(*, fair: Fair, organization: Organization, by: User, note: str = "") -> Participation:
    """``by``, a member of ``organization``, applies for it to take part in ``fair``.

    Preconditions: ``by`` acts for the organization (PermissionDenied); the organization is
    verified (403 ``organization_not_verified``); a single-employer fair admits its own
    organization only (403 ``single_employer_fair``); the fair has not closed (409
    ``fair_closed``). One participation per fair and organization, by the database: a second
    application answers 409 ``already_participating`` (``participation_declined`` when the
    organizers said no). A withdrawn participation is reopened as a new application.

    The fair's managers are notified. Runs in its own transaction.
    """
    note = (note or "").strip()
    _too_long("note", note, NOTE_MAX_LENGTH)
    _require_member(by, organization.pk)
    refusal = apply_refusal(fair=fair, organization=organization)
    if refusal is not None:
        raise refusal

    with transaction.atomic():
        # order_by: the default ordering joins the fair and the organization, which FOR UPDATE
        # would lock too (the fair row is share-locked by every hire).
        existing = (
            Participation.objects.select_for_update(of=("self",))
            .filter(fair=fair, organization=organization)
            .order_by("pk")
            .first()
        )
        if existing is not None and existing.status != Participation.Status.WITHDRAWN:
            if existing.status == Participation.Status.DECLINED:
                raise ConflictError(
                    "participation_declined", _("The organizers have declined your organization's participation.")
                )
            raise ConflictError("already_participating", _("Your organization has already applied to this fair."))
        if existing is not None:
            existing.status = Participation.Status.PENDING
            existing.note = note
            existing.applied_by = by
            existing.decided_by = None
            existing.decided_at = None
            existing.decline_reason = ""
            existing.save()
            participation = existing
        else:
            try:
                with transaction.atomic():
                    participation = Participation.objects.create(
                        fair=fair, organization=organization, note=note, applied_by=by
                    )
            except IntegrityError:
                # Two members applying at the same moment: the other one's row won.
                raise ConflictError(
                    "already_participating", _("Your organization has already applied to this fair.")
                ) from None
        participation.fair = fair
        participation.organization = organization
        _notify_managers_of_application(participation)
    return participation


def participation_decide(*, participation: Participation, by: User, approve: bool, reason: str = "") -> Participation:
    """A manager of the fair approves or declines an employer's application to take part.

    Preconditions: ``by`` manages the fair (PermissionDenied); the participation waits for a
    decision (409 ``participation_decided``); the fair has not closed (409 ``fair_closed``);
    declining needs a reason the employer will read (400 ``reason_required``). The members of
    the organization are notified. Locks the participation row.
    """
    reason = (reason or "").strip()
    _too_long("reason", reason, REASON_MAX_LENGTH)
    fair = participation.fair
    if not can_manage_fair(by, fair):
        raise PermissionDenied
    if not approve and not reason:
        message = _("Say why the employer is declined: they will see the reason.")
        raise BusinessError("reason_required", message, fields={"reason": [str(message)]})

    with transaction.atomic():
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        if locked.status != Participation.Status.PENDING:
            raise ConflictError(
                "participation_decided",
                _("This application has already been answered: it is “%(status)s”.")
                % {"status": Participation.Status(locked.status).label},
            )
        _require_fair_open(fair)
        locked.status = Participation.Status.APPROVED if approve else Participation.Status.DECLINED
        locked.decline_reason = "" if approve else reason
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decline_reason", "decided_by", "decided_at", "updated_at"])
        locked.fair = fair
        organization_name = Organization.objects.values_list("legal_name", flat=True).get(pk=locked.organization_id)
        notifications_create_bulk(
            items=[
                NewNotification(
                    recipient_id=member_id,
                    kind=Kind.FAIR,
                    subject=f"fair:{fair.pk}",
                    data={
                        "event": f"participation_{locked.status}",
                        "fair_id": fair.pk,
                        "fair_title": fair.title,
                        "participation_id": locked.pk,
                        "organization_name": organization_name,
                        "reason": locked.decline_reason,
                    },
                    url=reverse("fairs:participation", args=[locked.pk]),
                    dedupe_key=f"{member_id}:fair:{fair.pk}:participation:{locked.pk}:{locked.status}",
                )
                for member_id in _member_ids(locked.organization_id)
            ]
        )
    return locked


def participation_withdraw(*, participation: Participation, by: User) -> Participation:
    """A member of the organization takes its application (or approved participation) back.

    Only before the fair goes live (409 ``fair_already_live``): once seekers can apply to its
    vacancies, an employer leaving would strand them. A decided-against or withdrawn
    participation cannot be withdrawn (409 ``participation_not_active``).
    """
    _require_member(by, participation.organization_id)
    with transaction.atomic():
        locked = Participation.objects.select_for_update(of=("self",)).select_related("fair").get(pk=participation.pk)
        if locked.status not in (Participation.Status.PENDING, Participation.Status.APPROVED):
            raise ConflictError("participation_not_active", _("This participation is not active."))
        if locked.fair.status not in _WITHDRAWABLE_STATUSES:
            raise ConflictError(
                "fair_already_live", _("The fair has started: your organization can no longer withdraw from it.")
            )
        locked.status = Participation.Status.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
    return locked


# --- Fair vacancies -----------------------------------------------------------------------------


def _clean_questions(questions) -> list[str]:
    """Screening questions as stored: stripped, blank ones dropped, at most five of 1-300 characters."""
    if questions is None:
        return []
    if isinstance(questions, str) or not isinstance(questions, list | tuple):
        raise _invalid("screening_questions", _("Give the questions as a list."))
    cleaned = []
    for question in questions:
        if not isinstance(question, str):
            raise _invalid("screening_questions", _("Each question must be text."))
        question = question.strip()
        if not question:
            continue
        if len(question) > SCREENING_QUESTION_MAX_LENGTH:
            raise _invalid(
                "screening_questions",
                _("Keep each question to %(limit)d characters (one has %(length)d).")
                % {"limit": SCREENING_QUESTION_MAX_LENGTH, "length": len(question)},
            )
        cleaned.append(question)
    if len(cleaned) > SCREENING_QUESTIONS_MAX:
        raise _invalid(
            "screening_questions",
            _("Ask at most %(limit)d screening questions (you asked %(count)d).")
            % {"limit": SCREENING_QUESTIONS_MAX, "count": len(cleaned)},
        )
    return cleaned


def _check_positions(positions_offered, available: int) -> int:
    if isinstance(positions_offered, bool) or not isinstance(positions_offered, int):
        raise _invalid("positions_offered", _("Enter a whole number of positions."))
    if positions_offered < 1:
        raise _invalid("positions_offered", _("Offer at least one position."))
    if positions_offered > available:
        raise _invalid(
            "positions_offered",
            _("The vacancy has %(available)d positions not yet filled: offer at most that many at the fair.")
            % {"available": available},
        )
    return positions_offered


def fair_vacancy_add(
    *,
    participation: Participation,
    vacancy: Vacancy,
    positions_offered: int,
    screening_questions: list[str] | None = None,
    by: User,
) -> FairVacancy:
    """Offer one of the organization's vacancies at the fair, with the positions filled through it.

    Preconditions: ``by`` acts for the organization (PermissionDenied); the participation is
    approved (409 ``participation_not_approved``) and the fair has not closed (409
    ``fair_closed``); the vacancy is the organization's own and published (400
    ``vacancy_not_eligible``); ``positions_offered`` is between 1 and the vacancy's positions
    not yet filled, and at most five screening questions of 1-300 characters (400 ``invalid``).
    A vacancy is offered once per fair (409 ``fair_vacancy_exists``, race-safe by the database).
    The vacancy stays open until the fair's results at least (``vacancy_keep_open_until``): one
    that would expire during the fair would refuse the applications the fair brings.
    """
    _require_member(by, participation.organization_id)
    questions = _clean_questions(screening_questions)
    with transaction.atomic():
        # Locked so a withdrawal cannot slip in between the check and the insert.
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        _require_approved(locked)
        _require_fair_open(participation.fair)
        current = Vacancy.objects.filter(pk=vacancy.pk).only(
            "organization_id", "status", "positions", "positions_filled"
        )
        current = current.first()
        if (
            current is None
            or current.organization_id != participation.organization_id
            or current.status != Vacancy.Status.PUBLISHED
        ):
            raise vacancy_not_eligible()
        _check_positions(positions_offered, current.positions - current.positions_filled)
        try:
            with transaction.atomic():
                fair_vacancy = FairVacancy.objects.create(
                    fair_id=participation.fair_id,
                    participation=locked,
                    vacancy=vacancy,
                    positions_offered=positions_offered,
                    screening_questions=questions,
                )
        except IntegrityError:
            message = _("This vacancy is already offered at the fair.")
            raise ConflictError("fair_vacancy_exists", message, fields={"vacancy": [str(message)]}) from None
        vacancy_keep_open_until(vacancy=vacancy, until=participation.fair.results_at)
    return fair_vacancy


def fair_vacancy_update(
    *,
    fair_vacancy: FairVacancy,
    by: User,
    positions_offered: int | None = None,
    screening_questions: list[str] | None = None,
) -> FairVacancy:
    """Change the positions offered or the screening questions of a fair vacancy (None: unchanged).

    Same rules as ``fair_vacancy_add``; the positions offered cannot go below those already
    filled at the fair (400 ``invalid``). Answers already given keep the question they answered.
    Locks the fair vacancy row, as hiring does, so the check against the hires is exact.
    """
    _require_member(by, fair_vacancy.participation.organization_id)
    questions = None if screening_questions is None else _clean_questions(screening_questions)
    with transaction.atomic():
        locked = FairVacancy.objects.select_for_update().get(pk=fair_vacancy.pk)
        _require_approved(Participation.objects.get(pk=locked.participation_id))
        _require_fair_open(Fair.objects.get(pk=locked.fair_id))
        fields = []
        if positions_offered is not None:
            vacancy = Vacancy.objects.only("positions", "positions_filled").get(pk=locked.vacancy_id)
            # The fair's own hires are among the vacancy's filled positions: they stay available to it.
            available = vacancy.positions - vacancy.positions_filled + locked.positions_filled
            _check_positions(positions_offered, available)
            if positions_offered < locked.positions_filled:
                raise _invalid(
                    "positions_offered",
                    _("%(count)d people have already been hired at the fair: offer at least that many positions.")
                    % {"count": locked.positions_filled},
                )
            locked.positions_offered = positions_offered
            fields.append("positions_offered")
        if questions is not None:
            locked.screening_questions = questions
            fields.append("screening_questions")
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
    return locked


def fair_vacancy_remove(*, fair_vacancy: FairVacancy, by: User) -> None:
    """Take a vacancy off the fair, with its interview slots.

    Refused once seekers have applied to it at the fair (409 ``fair_vacancy_has_applications``)
    or while one of its slots has bookings (409 ``slot_has_bookings``): their fair records would
    go with it.
    """
    _require_member(by, fair_vacancy.participation.organization_id)
    with transaction.atomic():
        locked = FairVacancy.objects.select_for_update().get(pk=fair_vacancy.pk)
        if FairApplication.objects.filter(fair_vacancy=locked).exists():
            raise ConflictError(
                "fair_vacancy_has_applications",
                _("Job seekers have applied to this vacancy at the fair: it can no longer be removed."),
            )
        slots = InterviewSlot.objects.select_for_update().filter(fair_vacancy=locked).order_by("pk")
        if SlotBooking.objects.filter(slot__in=list(slots), status=SlotBooking.Status.BOOKED).exists():
            raise ConflictError(
                "slot_has_bookings",
                _("Interviews for this vacancy are booked: cancel the bookings before removing it."),
            )
        locked.delete()


# --- Interview slots ----------------------------------------------------------------------------


def slot_create(
    *,
    participation: Participation,
    starts_at: datetime.datetime,
    duration_minutes: int,
    meeting_link: str,
    capacity: int,
    fair_vacancy: FairVacancy | None = None,
    by: User,
) -> InterviewSlot:
    """Publish an interview slot: a time, a length, an online meeting link and a capacity.

    Preconditions: ``by`` acts for the organization (PermissionDenied); the participation is
    approved (409 ``participation_not_approved``) and the results are not out (409
    ``fair_finished``: interviews go on in the hiring week after the fair); the slot starts in
    the future, inside the fair's window from its start until its results; 10-240 minutes; an
    http(s) link; capacity 1 (one-to-one) to 500 (a group); the optional vacancy is one of this
    participation's (400 ``invalid`` naming the field).
    """
    _require_member(by, participation.organization_id)
    fair = participation.fair
    # The state first: once the results are out, every time in the window is in the past anyway.
    if not fair_takes_slots(fair):
        raise ConflictError(
            "fair_finished", _("The results of this fair are published: no more interviews can be planned.")
        )
    meeting_link = (meeting_link or "").strip()
    if starts_at is None or timezone.is_naive(starts_at):
        raise _invalid("starts_at", _("Enter a date and time."))
    if not (fair.starts_at <= starts_at < fair.results_at):
        raise _invalid(
            "starts_at",
            _("Interviews take place from the start of the fair (%(start)s) until its results (%(end)s).")
            % {"start": format_moment(fair.starts_at), "end": format_moment(fair.results_at)},
        )
    if starts_at <= timezone.now():
        raise _invalid("starts_at", _("Choose a time in the future."))
    if (
        isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not (SLOT_MINUTES_MIN <= duration_minutes <= SLOT_MINUTES_MAX)
    ):
        raise _invalid(
            "duration_minutes",
            _("An interview lasts from %(min)d to %(max)d minutes.")
            % {"min": SLOT_MINUTES_MIN, "max": SLOT_MINUTES_MAX},
        )
    _too_long("meeting_link", meeting_link, MEETING_LINK_MAX_LENGTH)
    try:
        URLValidator(schemes=["http", "https"])(meeting_link)
    except ValidationError:
        raise _invalid("meeting_link", _("Enter the meeting's web address, starting with https://.")) from None
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not (1 <= capacity <= SLOT_CAPACITY_MAX):
        raise _invalid(
            "capacity",
            _("A slot takes 1 person (one-to-one) to %(max)d people (a group).") % {"max": SLOT_CAPACITY_MAX},
        )
    if fair_vacancy is not None and fair_vacancy.participation_id != participation.pk:
        raise _invalid("fair_vacancy", _("Choose one of the vacancies you offer at this fair."))

    with transaction.atomic():
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        _require_approved(locked)
        return InterviewSlot.objects.create(
            fair=fair,
            participation=locked,
            fair_vacancy=fair_vacancy,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=duration_minutes),
            meeting_link=meeting_link,
            capacity=capacity,
        )


def slot_delete(*, slot: InterviewSlot, by: User) -> None:
    """Delete an interview slot nobody has booked.

    A slot with bookings is refused (409 ``slot_has_bookings``): the candidates are expecting the
    interview, so their bookings are cancelled first (and they are told). Locks the slot row, as
    booking does, so a booking cannot arrive between the check and the delete.
    """
    _require_member(by, slot.participation.organization_id)
    with transaction.atomic():
        locked = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.booked > 0 or SlotBooking.objects.filter(slot=locked, status=SlotBooking.Status.BOOKED).exists():
            raise ConflictError(
                "slot_has_bookings",
                _("Candidates have booked this slot: cancel their bookings before deleting it."),
            )
        locked.delete()


# --- Screening: bookings and hires --------------------------------------------------------------


def fair_application_book(*, fair_application: FairApplication, slot: InterviewSlot, by: User) -> SlotBooking:
    """The employer books a candidate who applied at the fair into one of its interview slots.

    The slot must be one of the same participation's (400 ``invalid`` on ``slot``); the
    candidate must still have an account (409 ``candidate_gone``). Capacity, overlaps and times
    are the booking service's rules (``fairs.services.seekers.slot_book``), which it enforces
    under its own locks.
    """
    fair_vacancy = fair_application.fair_vacancy
    _require_member(by, fair_vacancy.vacancy.organization_id)
    if slot.participation_id != fair_vacancy.participation_id:
        raise _invalid("slot", _("Choose one of your interview slots at this fair."))
    application = fair_application.application
    if application.seeker_id is None:
        raise ConflictError("candidate_gone", _("This candidate has deleted their account."))
    return seeker_services.slot_book(slot=slot, seeker=application.seeker, by=by, fair_application=fair_application)


def fair_application_hire(*, fair_application: FairApplication, by: User) -> FairApplication:
    """Hire a candidate who applied at the fair, within the positions offered there.

    Preconditions: ``by`` acts for the employer (PermissionDenied); the fair is live or closed,
    not yet with published results (409 ``fair_not_live`` / ``fair_results_published``); the
    participation is approved (409 ``participation_not_approved``); a position offered at the
    fair is left (409 ``fair_positions_filled``). Then the vacancies app hires
    (``application_hire``: 409 ``no_positions_left`` or ``invalid_transition`` from there), and
    the seeker is notified by it.

    Concurrency-safe: the fair vacancy row is locked (SELECT ... FOR UPDATE) before its counter is
    read and moved with F(); ``application_hire`` then locks the vacancy and the application,
    keeping the lock order fair vacancy, vacancy, application. Whatever refuses, the whole
    transaction (counter included) rolls back.
    """
    fair_vacancy = fair_application.fair_vacancy
    # The vacancy's organization is the participation's (fair_vacancy_add checks it).
    _require_member(by, fair_vacancy.vacancy.organization_id)
    with transaction.atomic():
        status = fair_status_share_locked(fair_id=fair_application.fair_id)
        if status == Fair.Status.RESULTS:
            raise ConflictError(
                "fair_results_published", _("The results of this fair are published: hires through it are over.")
            )
        if status not in HIRING_STATUSES:
            raise ConflictError("fair_not_live", _("Hiring at the fair starts when the fair opens."))
        locked = FairVacancy.objects.select_for_update().get(pk=fair_vacancy.pk)
        _require_approved(Participation.objects.get(pk=locked.participation_id))
        if locked.positions_filled >= locked.positions_offered:
            raise ConflictError(
                "fair_positions_filled", _("Every position offered at the fair for this vacancy has been filled.")
            )
        FairVacancy.objects.filter(pk=locked.pk).update(
            positions_filled=F("positions_filled") + 1, updated_at=timezone.now()
        )
        application_hire(application=fair_application.application, by=by, via_fair=True)
    fair_application.application.refresh_from_db()
    fair_vacancy.refresh_from_db(fields=["positions_filled", "updated_at"])
    return fair_application
