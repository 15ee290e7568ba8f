"""Reads of the employers' side of a fair: participations, fair vacancies, slots, fair applications.

Objects are fetched through the access selectors of ``fairs.selectors.access``; the one added
here, ``participation_get_for_viewing``, lets both sides of a participation read it: the
employer's members and the fair's managers.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.selectors.access import acting_region_ids, organization_of
from exchange.errors import BusinessError, ConflictError
from fairs.models import Fair, FairApplication, FairVacancy, InterviewSlot, Participation, SlotBooking
from fairs.selectors.access import can_manage_fair
from vacancies.models import Application, Vacancy

# Employers may still join (and prepare vacancies and slots) until the fair closes.
OPEN_STATUSES = frozenset({Fair.Status.SCHEDULED, Fair.Status.REGISTRATION, Fair.Status.LIVE})
# Hiring happens while the fair runs and in the week after it, until the results are frozen.
HIRING_STATUSES = frozenset({Fair.Status.LIVE, Fair.Status.CLOSED})
# An application in these states can still move on (hired, booked into an interview).
OPEN_APPLICATION_STATUSES = frozenset(
    {
        Application.Status.SUBMITTED,
        Application.Status.VIEWED,
        Application.Status.SHORTLISTED,
        Application.Status.INTERVIEW,
        Application.Status.OFFER,
    }
)

# Who looks at a participation (``participation_viewer``).
VIEWER_EMPLOYER = "employer"
VIEWER_MANAGER = "manager"

# The fair page's panel for managers lists this many applications waiting for a decision.
PANEL_PENDING_MAX = 10


def fair_is_open_for_employers(fair: Fair, *, now: datetime.datetime | None = None) -> bool:
    """Whether employers may still join the fair and add vacancies and slots: until it closes.

    The periodic task moves the status on time, give or take its period; the end time is
    checked too, so the last minute of a fair is not longer than the others.
    """
    return fair.status in OPEN_STATUSES and (now or timezone.now()) < fair.ends_at


def fair_takes_slots(fair: Fair, *, now: datetime.datetime | None = None) -> bool:
    """Whether employers may still publish interview slots: until the results, since candidates
    are interviewed and hired in the week after the fair too."""
    return fair.status != Fair.Status.RESULTS and (now or timezone.now()) < fair.results_at


def fair_is_hiring(fair: Fair) -> bool:
    return fair.status in HIRING_STATUSES


def apply_refusal(*, fair: Fair, organization: Organization) -> BusinessError | None:
    """Why ``organization`` cannot apply to take part in ``fair`` (an error to raise or show), or None.

    Not verified (403 ``organization_not_verified``), another employer's single-employer fair
    (403 ``single_employer_fair``), a closed fair (409 ``fair_closed``). Whether it has applied
    already is the service's question, answered under a lock.
    """
    if not organization.is_verified:
        return BusinessError(
            "organization_not_verified",
            _("Your organization has not been verified yet, so it cannot take part in fairs."),
            status_code=403,
        )
    if fair.kind == Fair.Kind.EMPLOYER and fair.organization_id != organization.pk:
        return BusinessError(
            "single_employer_fair", _("This fair presents the vacancies of one employer only."), status_code=403
        )
    if not fair_is_open_for_employers(fair):
        return ConflictError(
            "fair_closed", _("This fair has closed: employers can no longer join it or change their offer.")
        )
    return None


# --- Participations -----------------------------------------------------------------------------


def participation_viewer(*, user: User, participation: Participation) -> str | None:
    """In which capacity ``user`` reads ``participation``: its employer, a manager of the fair, or None."""
    if not user.is_authenticated:
        return None
    organization = organization_of(user)
    if organization is not None and organization.pk == participation.organization_id:
        return VIEWER_EMPLOYER
    if can_manage_fair(user, participation.fair):
        return VIEWER_MANAGER
    return None


def participation_get_for_viewing(*, user: User, participation_id: int) -> Participation:
    """A participation, for the members of its organization and the managers of its fair.

    Anonymous visitors get PermissionDenied; everyone else 404, so ids do not reveal who takes
    part in what.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    participation = get_object_or_404(
        Participation.objects.select_related("fair", "organization__region", "decided_by"), pk=participation_id
    )
    if participation_viewer(user=user, participation=participation) is None:
        raise Http404("No such participation")
    return participation


def participation_of(*, fair: Fair, organization: Organization) -> Participation | None:
    return Participation.objects.filter(fair=fair, organization=organization).first()


def _with_offer_counts(queryset: QuerySet[Participation]) -> QuerySet[Participation]:
    """Each participation with its vacancies, positions offered and filled, slots and applications.

    One join (fair vacancies) for the sums; the other counts are subqueries, so nothing multiplies.
    """
    applications = (
        FairApplication.objects.filter(fair_vacancy__participation=OuterRef("pk"))
        .order_by()
        .values("fair_vacancy__participation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    slots = (
        InterviewSlot.objects.filter(participation=OuterRef("pk"))
        .order_by()
        .values("participation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        vacancies_count=Count("fair_vacancies"),
        positions_offered=Coalesce(Sum("fair_vacancies__positions_offered"), 0),
        positions_filled=Coalesce(Sum("fair_vacancies__positions_filled"), 0),
        slots_count=Coalesce(Subquery(slots, output_field=IntegerField()), Value(0)),
        applications_count=Coalesce(Subquery(applications, output_field=IntegerField()), Value(0)),
    )


def participation_with_counts(*, participation_id: int) -> Participation:
    """A participation with its offer counts, re-read for display (the caller passed the access selector)."""
    return _with_offer_counts(Participation.objects.select_related("fair", "organization__region", "decided_by")).get(
        pk=participation_id
    )


def participations_for_fair(*, fair: Fair, status: str | None = None) -> QuerySet[Participation]:
    """The employers who applied to take part in ``fair``: waiting ones first, oldest first."""
    queryset = Participation.objects.filter(fair=fair).select_related("organization__region", "fair")
    if status:
        queryset = queryset.filter(status=status)
    # Waiting ones first: they are what a manager comes for.
    waiting_first = Case(When(status=Participation.Status.PENDING, then=Value(0)), default=Value(1))
    return _with_offer_counts(queryset).order_by(waiting_first, "created_at", "id")


def participation_status_counts(*, fair: Fair) -> dict[str, int]:
    rows = Participation.objects.filter(fair=fair).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def participations_of_organization(*, organization: Organization) -> QuerySet[Participation]:
    """The organization's participations, the latest fair first, with their offer counts."""
    return _with_offer_counts(
        Participation.objects.filter(organization=organization).select_related("fair", "organization")
    ).order_by("-fair__starts_at", "-id")


def fairs_open_to_organization(*, organization: Organization) -> QuerySet[Fair]:
    """Fairs the organization could still apply to: not closed, not applied to (or withdrawn from),
    and no other employer's single-employer fair."""
    taken = Participation.objects.filter(organization=organization).exclude(status=Participation.Status.WITHDRAWN)
    return (
        Fair.objects.filter(status__in=OPEN_STATUSES, ends_at__gt=timezone.now())
        .exclude(pk__in=taken.values("fair_id"))
        .exclude(Q(kind=Fair.Kind.EMPLOYER) & ~Q(organization=organization))
        .select_related("region")
        .order_by("starts_at", "id")
    )


def participations_pending_for_manager(*, user: User) -> QuerySet[Participation]:
    """Applications to take part waiting for ``user``'s decision across the fairs they manage:
    every fair for administrators, the regional fairs of their region for centre staff.
    Others get PermissionDenied."""
    if not user.is_authenticated or not (user.is_administrator or user.role == User.Role.CENTRE_STAFF):
        raise PermissionDenied
    queryset = Participation.objects.filter(
        status=Participation.Status.PENDING, fair__status__in=OPEN_STATUSES, fair__ends_at__gt=timezone.now()
    ).select_related("fair", "organization__region")
    regions = acting_region_ids(user)
    if regions is not None:
        queryset = queryset.filter(fair__kind=Fair.Kind.REGIONAL, fair__region_id__in=regions)
    return queryset.order_by("fair__starts_at", "created_at", "id")


# --- Fair vacancies and slots -------------------------------------------------------------------


def fair_vacancies_of_participation(*, participation: Participation) -> QuerySet[FairVacancy]:
    """The participation's fair vacancies with how many applied to each at the fair."""
    return (
        FairVacancy.objects.filter(participation=participation)
        .select_related("vacancy")
        .annotate(applications_count=Count("applications"))
        .order_by("vacancy__title", "id")
    )


def vacancies_for_fair(*, participation: Participation) -> QuerySet[Vacancy]:
    """The organization's vacancies it could still offer at the fair: published, with positions
    left, not offered there yet."""
    offered = FairVacancy.objects.filter(fair_id=participation.fair_id).values("vacancy_id")
    return (
        Vacancy.objects.filter(
            organization_id=participation.organization_id,
            status=Vacancy.Status.PUBLISHED,
            positions_filled__lt=F("positions"),
        )
        .exclude(pk__in=offered)
        .order_by("title", "id")
    )


def vacancy_get_for_fair_offer(*, participation: Participation, vacancy_id: int) -> Vacancy:
    """One of the organization's vacancies, to offer at the fair; anything else is the same 400
    ``vacancy_not_eligible`` (naming the field) as a vacancy that is not published, so ids of other
    employers' vacancies tell nothing."""
    vacancy = Vacancy.objects.filter(pk=vacancy_id, organization_id=participation.organization_id).first()
    if vacancy is None:
        raise vacancy_not_eligible()
    return vacancy


def vacancy_not_eligible() -> BusinessError:
    message = _("Choose one of your organization's published vacancies.")
    return BusinessError("vacancy_not_eligible", message, fields={"vacancy": [str(message)]})


def _booked() -> Prefetch:
    return Prefetch(
        "bookings",
        queryset=SlotBooking.objects.filter(status=SlotBooking.Status.BOOKED)
        .select_related("seeker", "fair_application")
        .order_by("created_at", "id"),
        to_attr="booked_list",
    )


def slots_of_participation(*, participation: Participation) -> QuerySet[InterviewSlot]:
    """The participation's interview slots in time order, each with its live bookings (``booked_list``)."""
    return (
        InterviewSlot.objects.filter(participation=participation)
        .select_related("fair_vacancy__vacancy")
        .prefetch_related(_booked())
        .order_by("starts_at", "id")
    )


def bookable_slots(*, participation: Participation) -> list[InterviewSlot]:
    """Slots an employer can still book a candidate into: not started, with a place left."""
    return list(
        InterviewSlot.objects.filter(
            participation=participation, starts_at__gt=timezone.now(), booked__lt=F("capacity")
        )
        .select_related("fair_vacancy__vacancy")
        .order_by("starts_at", "id")
    )


# --- Fair applications (screening) --------------------------------------------------------------


def _fair_applications() -> QuerySet[FairApplication]:
    return FairApplication.objects.select_related("application", "fair_vacancy__vacancy").prefetch_related(
        Prefetch(
            "bookings",
            queryset=SlotBooking.objects.filter(status=SlotBooking.Status.BOOKED)
            .select_related("slot")
            .order_by("starts_at", "id"),
            to_attr="booked_list",
        )
    )


def fair_applications_for_participation(
    *, participation: Participation, fair_vacancy_id: int | None = None, status: str | None = None
) -> QuerySet[FairApplication]:
    """The fair applications to the participation's vacancies, oldest first, with the application
    (CV snapshot, state), the vacancy and the candidate's live bookings (``booked_list``)."""
    queryset = _fair_applications().filter(fair_vacancy__participation=participation)
    if fair_vacancy_id:
        queryset = queryset.filter(fair_vacancy_id=fair_vacancy_id)
    if status:
        queryset = queryset.filter(application__status=status)
    return queryset.order_by("created_at", "id")


def fair_application_for_display(*, fair_application_id: int) -> FairApplication:
    """A fair application re-read with what the API shows (the caller passed the access selector)."""
    return _fair_applications().get(pk=fair_application_id)


def fair_application_status_counts(*, participation: Participation) -> dict[str, int]:
    rows = (
        FairApplication.objects.filter(fair_vacancy__participation=participation)
        .order_by()
        .values("application__status")
        .annotate(n=Count("id"))
    )
    return {row["application__status"]: row["n"] for row in rows}


# --- Panels on the fair page --------------------------------------------------------------------


def employer_panel(*, user: User, fair: Fair) -> dict | None:
    """What the fair page shows a member of an organization: None for everyone else.

    ``{"fair", "organization", "participation": theirs or None, "can_apply": bool, "problem": why
    they cannot apply, or ""}``.
    """
    if not user.is_authenticated or user.role != User.Role.EMPLOYER:
        return None
    organization = organization_of(user)
    if organization is None:
        return None
    participation = participation_of(fair=fair, organization=organization)
    active = participation is not None and participation.status != Participation.Status.WITHDRAWN
    refusal = None if active else apply_refusal(fair=fair, organization=organization)
    if refusal is not None and refusal.code == "single_employer_fair":
        return None  # another employer's own fair: nothing to offer them here
    return {
        "fair": fair,
        "organization": organization,
        "participation": participation if active else None,
        "withdrawn": participation is not None and not active,
        "can_apply": not active and refusal is None,
        "problem": refusal.message if refusal is not None else "",
        "is_hiring": fair_is_hiring(fair),
    }


def manage_panel(*, user: User, fair: Fair) -> dict | None:
    """What the fair page shows its managers: counts by state and the first applications waiting."""
    if not can_manage_fair(user, fair):
        return None
    counts = participation_status_counts(fair=fair)
    pending = list(
        Participation.objects.filter(fair=fair, status=Participation.Status.PENDING)
        .select_related("organization__region")
        .order_by("created_at", "id")[:PANEL_PENDING_MAX]
    )
    return {
        "fair": fair,
        "counts": [{"status": status, "count": counts.get(status.value, 0)} for status in Participation.Status],
        "pending": pending,
        "pending_total": counts.get(Participation.Status.PENDING, 0),
        "can_decide": fair_is_open_for_employers(fair),
    }
