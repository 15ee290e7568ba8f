"""Reads for a fair's life: the fair lists, the detail page's facts (audience rules in words, the
status timeline), the monthly template in force, and who the reminders go to.

Who may see or change a fair is decided in ``fairs.selectors.access``; the functions here only
read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import Membership, SeekerProfile, User
from fairs.models import Fair, FairTemplate, FairVacancy, Participation, Registration
from fairs.selectors.access import can_create_fairs, can_manage_fair
from notifications.models import Notification

Status = Fair.Status

UPCOMING_STATUSES = (Status.SCHEDULED, Status.REGISTRATION)
PAST_STATUSES = (Status.CLOSED, Status.RESULTS)

# Years after graduation a seeker still counts as a graduate (as ``SeekerProfile.is_graduate``).
GRADUATE_YEARS = 3


def fair_queryset() -> QuerySet[Fair]:
    """Fairs with everything their rows and pages show, in two queries for any number of fairs."""
    return Fair.objects.select_related("region", "organization").prefetch_related("audience_regions")


def fair_list(*, status: str | None = None, kind: str | None = None) -> QuerySet[Fair]:
    """Every fair, newest start first (the public list and the API)."""
    queryset = fair_queryset().order_by("-starts_at", "-pk")
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def fair_list_sections() -> dict[str, list[Fair] | QuerySet[Fair]]:
    """The public fair list: live fairs, fairs open for registration and scheduled ones (soonest
    first), and the past fairs as a queryset for paging (latest first)."""
    current = list(fair_queryset().filter(status__in=(Status.LIVE, *UPCOMING_STATUSES)).order_by("starts_at", "pk"))
    return {
        "live": [f for f in current if f.status == Status.LIVE],
        "registration": [f for f in current if f.status == Status.REGISTRATION],
        "scheduled": [f for f in current if f.status == Status.SCHEDULED],
        "past": fair_queryset().filter(status__in=PAST_STATUSES).order_by("-starts_at", "-pk"),
    }


def fairs_require_creator(*, user: User) -> None:
    """PermissionDenied unless ``user`` may create fairs (administrators; centre staff, regional)."""
    if not can_create_fairs(user):
        raise PermissionDenied


def fair_can_manage(*, user: User, fair: Fair) -> bool:
    return can_manage_fair(user, fair)


# --- What the fair page says -------------------------------------------------------------------


def fair_audience_rules(fair: Fair) -> list[str]:
    """Who may register, in words, one rule a line (``audience_regions`` must be prefetched)."""
    rules = []
    regions = sorted(region.name for region in fair.audience_regions.all())
    if regions:
        rules.append(
            ngettext(
                "Job seekers from %(regions)s.",
                "Job seekers from these regions: %(regions)s.",
                len(regions),
            )
            % {"regions": ", ".join(regions)}
        )
    else:
        rules.append(gettext("Job seekers from the whole country."))
    if fair.max_age is not None:
        rules.append(
            gettext("Aged under %(age)s on the first day of the fair (from the birth date in the IIN).")
            % {"age": fair.max_age}
        )
    if fair.graduates_only:
        rules.append(
            gettext("Graduates only: students, or graduated in the last %(years)s years.") % {"years": GRADUATE_YEARS}
        )
    if fair.max_age is None and not fair.graduates_only:
        rules.append(gettext("No age or education limits."))
    return rules


@dataclass(frozen=True)
class TimelineStep:
    status: str
    label: str
    at: datetime.datetime | None
    done: bool
    current: bool


def fair_timeline(fair: Fair) -> list[TimelineStep]:
    """The fair's statuses in order, each with the time it starts and whether it was reached."""
    order = list(Status.values)
    reached = order.index(fair.status)
    times = {
        Status.SCHEDULED: fair.created_at,
        Status.REGISTRATION: fair.registration_opens_at,
        Status.LIVE: fair.starts_at,
        Status.CLOSED: fair.ends_at,
        Status.RESULTS: fair.results_at,
    }
    return [
        TimelineStep(
            status=value,
            label=str(label),
            at=times[value],
            done=index <= reached,
            current=index == reached,
        )
        for index, (value, label) in enumerate(Status.choices)
    ]


# --- The monthly template ----------------------------------------------------------------------


def fair_template_in_force() -> FairTemplate | None:
    """The template the monthly fair is made from: the active row edited last; an unsaved row
    with the defaults when administrators have created none; None when every row is inactive
    (monthly fairs switched off)."""
    template = FairTemplate.objects.order_by("-active", "-updated_at", "-pk").first()
    if template is None:
        return FairTemplate()
    return template if template.active else None


# --- Periodic work and reminder recipients -----------------------------------------------------


def fair_ids_due(*, status: str, time_field: str, now: datetime.datetime) -> list[int]:
    """Fairs in ``status`` whose ``time_field`` has come (the next step of their life is due)."""
    return list(
        Fair.objects.filter(status=status, **{f"{time_field}__lte": now})
        .order_by(time_field)
        .values_list("pk", flat=True)
    )


def fairs_in_reminder_window(
    *, statuses: tuple[str, ...], time_field: str, now: datetime.datetime, ahead: datetime.timedelta
) -> QuerySet[Fair]:
    """Fairs in one of ``statuses`` whose ``time_field`` falls within ``ahead`` from now."""
    return Fair.objects.filter(
        status__in=statuses, **{f"{time_field}__gt": now, f"{time_field}__lte": now + ahead}
    ).order_by(time_field)


def _not_yet_notified(queryset: QuerySet, *, user_field: str, dedupe_suffix: str) -> QuerySet:
    """Leave out users who already have the notification whose key is ``"<user id><suffix>"``:
    a reminder that runs every minute then reads only the few people it has not reached yet."""
    key = Concat(Cast(OuterRef(user_field), CharField()), Value(dedupe_suffix), output_field=CharField())
    return queryset.exclude(Exists(Notification.objects.filter(dedupe_key=key)))


def fair_registered_seeker_ids(*, fair: Fair, not_notified: str | None = None) -> list[int]:
    """Active seekers registered for the fair; with ``not_notified`` (a dedupe-key suffix), only
    those who have not had that notification."""
    queryset = Registration.objects.filter(fair=fair, seeker__is_active=True)
    if not_notified:
        queryset = _not_yet_notified(queryset, user_field="seeker_id", dedupe_suffix=not_notified)
    return list(queryset.order_by("seeker_id").values_list("seeker_id", flat=True))


def fair_employer_member_ids(*, fair: Fair, not_notified: str | None = None) -> list[int]:
    """Active members of the organizations approved to take part in the fair."""
    queryset = Membership.objects.filter(
        user__is_active=True,
        organization__fair_participations__fair=fair,
        organization__fair_participations__status=Participation.Status.APPROVED,
    )
    if not_notified:
        queryset = _not_yet_notified(queryset, user_field="user_id", dedupe_suffix=not_notified)
    return list(queryset.order_by("user_id").values_list("user_id", flat=True).distinct())


def _audience_filter(fair: Fair) -> Q:
    """The fair's audience rules as a filter on SeekerProfile: region, age on the first day
    (from the birth date), graduate status. Seekers whose birth date is unknown are left out of
    an age-limited fair, as the registration would refuse them."""
    condition = Q()
    region_ids = [region.pk for region in fair.audience_regions.all()]
    if region_ids:
        condition &= Q(region_id__in=region_ids)
    first_day = timezone.localtime(fair.starts_at).date()
    if fair.max_age is not None:
        # Under max_age on the first day: born after the day max_age years before it.
        condition &= Q(birth_date__gt=_years_before(first_day, fair.max_age))
    if fair.graduates_only:
        condition &= Q(educations__is_current=True) | Q(
            educations__graduation_year__gte=first_day.year - GRADUATE_YEARS
        )
    return condition


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def fair_matching_seekers(*, fair: Fair, limit: int) -> list[tuple[int, int]]:
    """Seekers not registered for the fair whose desired occupations include the occupation of a
    vacancy offered there, and whom the audience rules admit: ``(user id, number of their
    desired occupations on offer)``, at most ``limit``, the most recently active first.

    Only profiles employers may match (consent given, visible, looking for work, active
    account); one query, whatever the number of seekers.
    """
    offered = FairVacancy.objects.filter(fair=fair, participation__status=Participation.Status.APPROVED).values(
        "vacancy__occupation_id"
    )
    registered = Registration.objects.filter(fair=fair, seeker_id=OuterRef("user_id"))
    rows = (
        SeekerProfile.objects.filter(
            _audience_filter(fair),
            has_consent=True,
            visibility=SeekerProfile.Visibility.VISIBLE,
            search_status__in=(SeekerProfile.SearchStatus.ACTIVE, SeekerProfile.SearchStatus.OPEN),
            user__is_active=True,
            user__role=User.Role.SEEKER,
            desired_occupations__in=offered,
        )
        .exclude(Exists(registered))
        .values("user_id", "updated_at")
        .annotate(occupations=Count("desired_occupations", distinct=True))
        .order_by("-updated_at", "user_id")[:limit]
    )
    return [(row["user_id"], row["occupations"]) for row in rows]


def fair_status_share_locked(*, fair_id: int) -> str:
    """The fair's status under a share lock held to the end of the caller's transaction.

    Hires and interview bookings take share locks, which do not wait for each other; the
    periodic task's status UPDATE waits for them, and one that starts after it reads the new
    status. So nothing lands after the results were frozen. Django has no FOR SHARE, hence the SQL.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {Fair._meta.db_table} WHERE id = %s FOR SHARE", [fair_id])  # noqa: S608
        row = cursor.fetchone()
    return row[0]
