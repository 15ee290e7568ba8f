"""Reads for the seekers' side of a fair: who is admitted, the catalogue, bookable slots, "my fairs".

``fair_admission`` is the one place the audience rules are read (the register page, the panel
on the fair page, the API and the registration service all ask it), so the reason a seeker is
shown is always the reason the service refuses with.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import SeekerProfile, User
from accounts.selectors.access import require_role
from accounts.validators import parse_iin
from fairs.models import (
    Fair,
    FairApplication,
    FairVacancy,
    InterviewSlot,
    Participation,
    Registration,
    SlotBooking,
)
from fairs.selectors.access import booking_get_for_employer, booking_get_for_seeker, registration_get_for_seeker
from vacancies.models import Application

# The youth programmes' limit (``SeekerProfile.is_youth``): a registration is "young" below it.
YOUTH_AGE_LIMIT = 35

# Applications in these states no longer lead anywhere: they do not open interview slots.
CLOSED_APPLICATION_STATUSES = (Application.Status.REJECTED, Application.Status.WITHDRAWN)

# Fair states in which seekers may register / book interviews.
REGISTRATION_STATUSES = (Fair.Status.REGISTRATION, Fair.Status.LIVE)
BOOKING_STATUSES = (Fair.Status.LIVE, Fair.Status.CLOSED)


def fair_start_date(fair: Fair) -> datetime.date:
    """The fair's first day in the exchange's time zone: the day audience ages are taken on."""
    return timezone.localdate(fair.starts_at)


def format_day(day: datetime.date) -> str:
    """A date as people read it in the active language: "24 December 2026"."""
    return formats.date_format(day, "j E Y") if day else ""


def format_moment(moment: datetime.datetime) -> str:
    """A date and time in the exchange's time zone: "24 December 2026, 10:00"."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'j E Y')}, {formats.time_format(local, 'H:i')}"


def birth_date_of(profile: SeekerProfile) -> datetime.date | None:
    """The birth date the IIN encodes; the profile's own birth date when there is no valid IIN."""
    if profile.iin:
        try:
            return parse_iin(profile.iin).birth_date
        except DjangoValidationError:
            pass
    return profile.birth_date


def age_on(birth_date: datetime.date | None, day: datetime.date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class Admission:
    """What the audience rules say about one seeker and one fair.

    ``code``/``message``/``status_code`` name the refusal (``code`` is None when admitted); the
    facts are the ones a registration keeps, as they were checked.
    """

    code: str | None = None
    message: str = ""
    status_code: int = 403
    region_id: int | None = None
    age_at_start: int | None = None
    is_youth: bool = False
    is_graduate: bool = False

    @property
    def admitted(self) -> bool:
        return self.code is None


def _refused(code: str, message, status_code: int = 403, **facts) -> Admission:
    return Admission(code=code, message=str(message), status_code=status_code, **facts)


def _region_names(regions) -> str:
    return ", ".join(sorted(region.name for region in regions))


def fair_admission(*, fair: Fair, profile: SeekerProfile | None) -> Admission:
    """Whether the seeker with ``profile`` is admitted to ``fair``, and the facts checked.

    Rules, in the order a seeker fixes them: a CV (400 ``profile_required``), consent to the
    processing of personal data (400 ``consent_required``), then the fair's audience (403):
    age under ``fair.max_age`` on the fair's first day, taken from the IIN (``age_unknown``,
    ``age_limit``); graduates only (``graduates_only``); the audience regions when the
    organizer chose any (``region_not_in_audience``: the fair is online, so without regions
    the whole country takes part). Reads the audience regions and the seeker's education: pass
    a fair with ``audience_regions`` prefetched to save a query.
    """
    if profile is None:
        message = _("Fill in your CV before registering: employers at the fair read it.")
        return _refused("profile_required", message, 400)
    if not profile.has_consent:
        return _refused(
            "consent_required",
            _(
                "Give your consent to the processing of personal data before registering: "
                "employers at the fair will read your CV."
            ),
            400,
        )

    start = fair_start_date(fair)
    age = age_on(birth_date_of(profile), start)
    facts = {
        "region_id": profile.region_id,
        "age_at_start": age,
        "is_youth": age is not None and age < YOUTH_AGE_LIMIT,
        "is_graduate": profile.is_graduate(start),
    }

    if fair.max_age is not None:
        if age is None:
            message = _(
                "This fair is for people under %(max_age)d on its first day (%(date)s): "
                "add your IIN to your CV so that we know your age."
            ) % {"max_age": fair.max_age, "date": format_day(start)}
            return _refused("age_unknown", message, **facts)
        if age >= fair.max_age:
            if start >= timezone.localdate():
                message = _(
                    "This fair is for people under %(max_age)d on its first day (%(date)s); you will be %(age)d."
                )
            else:
                message = _("This fair is for people under %(max_age)d on its first day (%(date)s); you were %(age)d.")
            return _refused(
                "age_limit", message % {"max_age": fair.max_age, "date": format_day(start), "age": age}, **facts
            )

    if fair.graduates_only and not facts["is_graduate"]:
        return _refused(
            "graduates_only",
            _(
                "This fair is for graduates: people who are studying or finished their studies in the "
                "last three years. If this is you, add your education to your CV."
            ),
            **facts,
        )

    regions = list(fair.audience_regions.all())
    if regions and profile.region_id not in {region.pk for region in regions}:
        names = _region_names(regions)
        count = len(regions)
        if profile.region_id is None:
            message = ngettext(
                "This fair is for job seekers of %(regions)s: add your region to your CV.",
                "This fair is for job seekers of these regions: %(regions)s. Add your region to your CV.",
                count,
            ) % {"regions": names}
        else:
            message = ngettext(
                "This fair is for job seekers of %(regions)s; your CV says you live in %(region)s.",
                "This fair is for job seekers of these regions: %(regions)s. Your CV says you live in %(region)s.",
                count,
            ) % {"regions": names, "region": profile.region.name}
        return _refused("region_not_in_audience", message, **facts)

    return Admission(**facts)


def fair_eligibility(*, fair: Fair, profile: SeekerProfile | None) -> str | None:
    """None when the seeker is admitted to the fair, else the sentence saying why not."""
    admission = fair_admission(fair=fair, profile=profile)
    return None if admission.admitted else admission.message


def seeker_profile_for_fairs(*, user: User) -> SeekerProfile | None:
    """The seeker's CV with what the audience rules read (region, education), or None."""
    if not user.is_authenticated:
        return None
    return (
        SeekerProfile.objects.select_related("user", "region").prefetch_related("educations").filter(user=user).first()
    )


# --- Registration -----------------------------------------------------------------------------


def registration_closed_message(fair: Fair) -> str:
    """Why nobody can register for ``fair`` right now ("" while registration is open)."""
    if fair.status == Fair.Status.SCHEDULED:
        return str(
            _("Registration for this fair opens on %(date)s.") % {"date": format_moment(fair.registration_opens_at)}
        )
    if fair.status in (Fair.Status.CLOSED, Fair.Status.RESULTS):
        return str(_("This fair is over: registration is closed."))
    return ""


def registration_state(*, user: User, fair: Fair) -> dict:
    """The seeker's standing at ``fair``: their registration, or whether and why not they may register.

    ``{"fair", "registration", "admission": Admission | None, "can_register": bool, "reason": str,
    "can_cancel": bool}``; ``reason`` is "" when nothing stands in the way.
    """
    registration = registration_get_for_seeker(user=user, fair=fair)
    state = {
        "fair": fair,
        "registration": registration,
        "admission": None,
        "can_register": False,
        "reason": "",
        "can_cancel": False,
    }
    if registration is not None:
        state["can_cancel"] = fair.status in REGISTRATION_STATUSES and not registration.applications.exists()
        return state
    if not user.is_authenticated or user.role != User.Role.SEEKER:
        state["reason"] = str(_("Only job seekers register for job fairs."))
        return state
    admission = fair_admission(fair=fair, profile=seeker_profile_for_fairs(user=user))
    state["admission"] = admission
    state["reason"] = admission.message or registration_closed_message(fair)
    state["can_register"] = admission.admitted and fair.status in REGISTRATION_STATUSES
    return state


# --- The catalogue: employers and vacancies at a fair -----------------------------------------


def fair_vacancies_public(*, fair: Fair) -> QuerySet[FairVacancy]:
    """The fair's vacancies of approved employers, by employer and title, ready to list."""
    return (
        FairVacancy.objects.filter(fair=fair, participation__status=Participation.Status.APPROVED)
        .select_related("fair", "participation__organization", "vacancy__region", "vacancy__occupation")
        .order_by("participation__organization__legal_name", "vacancy__title", "pk")
    )


def fair_catalogue_entries(*, fair: Fair, user: User | None = None) -> list[dict]:
    """Approved employers of ``fair`` with their fair vacancies: ``[{"organization", "vacancies"}]``.

    Three queries whatever the size of the fair: the participations, their vacancies, and the
    vacancies the (seeker) ``user`` applied to, marked ``applied`` on each fair vacancy.
    """
    vacancies = FairVacancy.objects.select_related("vacancy__region", "vacancy__occupation").order_by(
        "vacancy__title", "pk"
    )
    participations = (
        Participation.objects.filter(fair=fair, status=Participation.Status.APPROVED)
        .select_related("organization")
        .prefetch_related(Prefetch("fair_vacancies", queryset=vacancies))
        .order_by("organization__legal_name", "pk")
    )
    applied: set[int] = set()
    if user is not None and user.is_authenticated and user.role == User.Role.SEEKER:
        mine = FairApplication.objects.filter(fair=fair, registration__seeker=user)
        applied = set(mine.values_list("fair_vacancy_id", flat=True))
    entries = []
    for participation in participations:
        fair_vacancies = list(participation.fair_vacancies.all())
        for fair_vacancy in fair_vacancies:
            fair_vacancy.applied = fair_vacancy.pk in applied
        entries.append({"organization": participation.organization, "vacancies": fair_vacancies})
    return entries


def fair_vacancy_apply_panel(*, user: User, fair_vacancy: FairVacancy) -> dict:
    """What the fair vacancy page shows about applying.

    ``{"fair_application": the user's, or None, "can_apply": bool, "problem": why not, or "",
    "show_form": bool}``. Only job seekers see a form; everyone else gets the reason.
    """
    fair = fair_vacancy.fair
    panel = {"fair_application": None, "can_apply": False, "problem": "", "registration": None}
    if not user.is_authenticated:
        panel["problem"] = str(_("Log in as a job seeker to apply at the fair."))
        return panel
    if user.role != User.Role.SEEKER:
        panel["problem"] = str(_("Only job seekers apply at job fairs."))
        return panel
    panel["fair_application"] = (
        FairApplication.objects.select_related("application")
        .filter(fair_vacancy=fair_vacancy, registration__seeker=user)
        .first()
    )
    if panel["fair_application"] is not None:
        return panel
    registration = registration_get_for_seeker(user=user, fair=fair)
    panel["registration"] = registration
    window = live_window(status=fair.status, starts_at=fair.starts_at, ends_at=fair.ends_at)
    if window == BEFORE:
        panel["problem"] = str(
            _("The fair has not started yet: applications open on %(date)s.") % {"date": format_moment(fair.starts_at)}
        )
    elif window == AFTER:
        panel["problem"] = str(
            _("The fair is over: applications closed on %(date)s.") % {"date": format_moment(fair.ends_at)}
        )
    elif registration is None:
        panel["problem"] = str(_("Register for the fair before applying."))
    elif fair_vacancy.positions_filled >= fair_vacancy.positions_offered:
        panel["problem"] = str(_("Every position offered at the fair for this vacancy has been filled."))
    else:
        panel["can_apply"] = True
    return panel


BEFORE, LIVE, AFTER = "before", "live", "after"


def live_window(*, status: str, starts_at, ends_at, now=None) -> str:
    """Where a fair stands for applying: ``before``, ``live`` or ``after`` its live window.

    Live means the status says so and ``ends_at`` has not passed: the periodic task moves the
    status within a minute of the times (or later if the worker was down), and the window must
    not stay open past the end meanwhile. The opening goes by the status alone: the task opens
    a fair only once ``starts_at`` has come.
    """
    now = now or timezone.now()
    if status in (Fair.Status.SCHEDULED, Fair.Status.REGISTRATION):
        return BEFORE
    if status != Fair.Status.LIVE or now >= ends_at:
        return AFTER
    return LIVE


def screening_questions(raw: list | None) -> list[str]:
    """A fair vacancy's ``screening_questions`` as plain strings (an entry may be ``{"question": ...}``)."""
    questions = []
    for entry in raw or []:
        text = entry.get("question", "") if isinstance(entry, dict) else entry
        questions.append(str(text))
    return questions


# --- Interview slots --------------------------------------------------------------------------


def _open_fair_applications(*, user: User, fair: Fair) -> QuerySet[FairApplication]:
    return FairApplication.objects.filter(fair=fair, registration__seeker=user).exclude(
        application__status__in=CLOSED_APPLICATION_STATUSES
    )


def slots_for_user(*, user: User, fair: Fair) -> QuerySet[InterviewSlot]:
    """Interview slots of ``fair`` the caller may book, earliest first.

    A seeker sees the upcoming slots of the employers they hold an open fair application to (a
    slot tied to one fair vacancy only when they applied to that vacancy), with ``my_booking_id``
    set on the ones they booked; administrators see every upcoming slot of approved employers.
    Other roles: PermissionDenied (employers manage their slots on their participation page).
    """
    require_role(user, User.Role.SEEKER)
    slots = InterviewSlot.objects.filter(
        fair=fair, participation__status=Participation.Status.APPROVED, starts_at__gt=timezone.now()
    )
    if user.role == User.Role.SEEKER:
        applications = _open_fair_applications(user=user, fair=fair)
        slots = slots.filter(
            participation_id__in=applications.values("fair_vacancy__participation_id"),
        ).filter(Q(fair_vacancy__isnull=True) | Q(fair_vacancy_id__in=applications.values("fair_vacancy_id")))
    mine = SlotBooking.objects.filter(slot=OuterRef("pk"), seeker_id=user.pk, status=SlotBooking.Status.BOOKED)
    return (
        slots.select_related("participation__organization", "fair_vacancy__vacancy")
        .annotate(
            booked_by_me=Exists(mine),
            my_booking_id=mine.values("pk")[:1],
        )
        .order_by("starts_at", "pk")
    )


def booking_get_for_cancelling(*, user: User, booking_id: int) -> SlotBooking:
    """A booking the caller may cancel: their own (seekers), or one in their organization's slots
    (employers); 404 for anyone else's, PermissionDenied for anonymous visitors."""
    if not user.is_authenticated:
        raise PermissionDenied
    if user.role == User.Role.EMPLOYER:
        return booking_get_for_employer(user=user, booking_id=booking_id)
    return booking_get_for_seeker(user=user, booking_id=booking_id)


# --- "My fairs" -------------------------------------------------------------------------------


def my_fairs(*, user: User) -> dict:
    """A seeker's fairs: ``{"registrations", "applications", "bookings"}``, newest fair first.

    Three queries. Applications carry their vacancies ``Application`` (with its state);
    bookings their slot with the meeting link, and ``can_cancel`` until the slot starts.
    """
    require_role(user, User.Role.SEEKER)
    registrations = list(
        Registration.objects.filter(seeker=user).select_related("fair", "region").order_by("-fair__starts_at", "-pk")
    )
    applications = list(
        FairApplication.objects.filter(registration__seeker=user)
        .select_related("fair", "application", "fair_vacancy__vacancy", "fair_vacancy__participation__organization")
        .order_by("-fair__starts_at", "-created_at", "-pk")
    )
    now = timezone.now()
    bookings = list(
        SlotBooking.objects.filter(seeker=user)
        .select_related("slot__fair", "slot__participation__organization", "slot__fair_vacancy__vacancy")
        .order_by("status", "starts_at", "pk")  # booked ones first
    )
    for booking in bookings:
        booking.can_cancel = booking.status == SlotBooking.Status.BOOKED and booking.starts_at > now
    return {"registrations": registrations, "applications": applications, "bookings": bookings}


def booking_conflict_label(booking: SlotBooking) -> str:
    """The booking's time for an overlap message: "24 December 2026, 10:00-10:30" (with an en dash)."""
    end = formats.time_format(timezone.localtime(booking.ends_at), "H:i")
    return f"{format_moment(booking.starts_at)}\N{EN DASH}{end}"
