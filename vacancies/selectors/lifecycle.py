"""Reads for a vacancy's life: who may see or change which vacancy, the employer's own list,
the moderation queue and the report queue.

The access selectors answer 404 (``Http404``) rather than 403 for a vacancy the user may not
act on, so nobody learns which draft or pending vacancies exist elsewhere.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Lower
from django.http import Http404

from accounts.models import Organization, User
from accounts.selectors.access import acting_region_ids, can_act_in_region, membership_of, require_role
from vacancies.models import Application, Vacancy, VacancyReport

Status = Vacancy.Status


def vacancy_queryset() -> QuerySet[Vacancy]:
    """Vacancies with everything a page or the API shows about them, in a fixed number of queries."""
    return Vacancy.objects.select_related(
        "organization",
        "occupation",
        "region",
        "employment_type",
        "schedule",
        "education_level",
        "national_project",
    ).prefetch_related("required_skills", "nice_skills")


def _get(queryset: QuerySet[Vacancy], vacancy_id) -> Vacancy:
    vacancy = queryset.filter(pk=vacancy_id).first()
    if vacancy is None:
        raise Http404
    return vacancy


def _moderation_filter(user: User) -> dict:
    """Lookups limiting vacancies to those ``user`` moderates; PermissionDenied for everyone
    who moderates nowhere."""
    regions = acting_region_ids(user)
    if regions is None:
        return {}
    if not regions:
        raise PermissionDenied
    return {"region_id__in": regions}


# --- One vacancy --------------------------------------------------------------------------------


def vacancy_get_for_editing(*, user: User, vacancy_id: int) -> Vacancy:
    """A vacancy of the user's own organization, for its members to edit and act on; 404 for
    everyone else (other employers, staff, administrators, anonymous users)."""
    membership = membership_of(user)
    if membership is None:
        raise Http404
    return _get(vacancy_queryset().filter(organization_id=membership.organization_id), vacancy_id)


def vacancy_get_for_moderation(*, user: User, vacancy_id: int) -> Vacancy:
    """A vacancy in a region the user moderates (staff of that region, administrators); 404 for
    everyone else."""
    try:
        lookups = _moderation_filter(user)
    except PermissionDenied:
        raise Http404 from None
    return _get(vacancy_queryset().filter(**lookups), vacancy_id)


def vacancy_is_insider(*, user: User, vacancy: Vacancy) -> bool:
    """Members of the vacancy's organization, staff of its region and administrators see the
    vacancy in every state."""
    if not user.is_authenticated:
        return False
    membership = membership_of(user)
    if membership is not None:
        return membership.organization_id == vacancy.organization_id
    return can_act_in_region(user, vacancy.region_id)


def vacancy_get_public(*, vacancy_id: int, user: User) -> Vacancy:
    """The public vacancy page's vacancy.

    Live vacancies (published by a verified employer) are public. Any other one (draft,
    pending, paused, rejected, closed, filled, expired, or published by an employer whose
    verification was withdrawn) is shown only to insiders (``vacancy_is_insider``) and to the
    seekers who applied to it, who follow their application there; 404 for everyone else.
    """
    vacancy = _get(vacancy_queryset(), vacancy_id)
    if vacancy.is_live or vacancy_is_insider(user=user, vacancy=vacancy):
        return vacancy
    if user.is_authenticated and user.is_seeker and Application.objects.filter(vacancy=vacancy, seeker=user).exists():
        return vacancy
    raise Http404


def vacancy_find_open_duplicate(*, vacancy: Vacancy) -> Vacancy | None:
    """Another open vacancy of the same employer with the same title, occupation and region.

    Compares with PostgreSQL's ``lower()`` on both sides, exactly as the unique index does.
    """
    return (
        Vacancy.objects.alias(title_lower=Lower("title"))
        .filter(
            title_lower=Lower(Value(vacancy.title)),
            organization_id=vacancy.organization_id,
            occupation_id=vacancy.occupation_id,
            region_id=vacancy.region_id,
            status__in=Vacancy.OPEN_STATUSES,
        )
        .exclude(pk=vacancy.pk)
        .order_by("id")
        .first()
    )


# --- Lists ------------------------------------------------------------------------------------


def organization_for_vacancies(*, user: User) -> Organization:
    """The organization whose vacancies the user manages; PermissionDenied unless an employer
    member."""
    require_role(user, User.Role.EMPLOYER)
    membership = membership_of(user)
    if membership is None:
        raise PermissionDenied
    return membership.organization


def vacancy_list_for_organization(*, organization: Organization, status: str | None = None) -> QuerySet[Vacancy]:
    """The organization's vacancies, newest first, optionally in one status."""
    queryset = vacancy_queryset().filter(organization=organization).order_by("-created_at", "-id")
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def vacancy_status_counts(*, organization: Organization) -> dict[str, int]:
    """How many of the organization's vacancies are in each status (every status present, 0
    included); one grouped query over one employer's rows."""
    counts = dict.fromkeys(Status.values, 0)
    rows = Vacancy.objects.filter(organization=organization).values("status").annotate(n=Count("id")).order_by()
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def vacancy_moderation_queue(*, user: User) -> QuerySet[Vacancy]:
    """Pending vacancies in the regions the user moderates, waiting longest first (a pending
    vacancy cannot be edited, so ``updated_at`` is when it was submitted)."""
    return vacancy_queryset().filter(status=Status.PENDING, **_moderation_filter(user)).order_by("updated_at", "id")


def vacancy_report_queue(*, user: User) -> QuerySet[VacancyReport]:
    """Open reports on vacancies in the regions the user moderates, oldest first."""
    lookups = {f"vacancy__{k}": v for k, v in _moderation_filter(user).items()}
    return (
        VacancyReport.objects.filter(status=VacancyReport.Status.OPEN, **lookups)
        .select_related("vacancy", "vacancy__organization", "vacancy__region", "reporter")
        .order_by("created_at", "id")
    )


def vacancy_report_get_for_handling(*, user: User, report_id: int) -> VacancyReport:
    """A report on a vacancy in a region the user moderates; 404 for everyone else."""
    try:
        lookups = {f"vacancy__{k}": v for k, v in _moderation_filter(user).items()}
    except PermissionDenied:
        raise Http404 from None
    report = (
        VacancyReport.objects.filter(pk=report_id, **lookups)
        .select_related("vacancy", "vacancy__organization", "vacancy__region", "reporter")
        .first()
    )
    if report is None:
        raise Http404
    return report


def employer_page_section(*, organization, user) -> dict:
    """The "open vacancies" section of the public employer page (see settings.EMPLOYER_PAGE_SECTIONS)."""
    vacancies = list(
        Vacancy.objects.live()
        .filter(organization=organization)
        .select_related("region", "employment_type")
        .order_by("-published_at", "-id")[:20]
    )
    return {"template": "vacancies/_employer_vacancies.html", "context": {"vacancies": vacancies}}


def home_counters() -> list[dict]:
    from django.db.models import Sum
    from django.utils.translation import gettext_lazy as _

    published = Vacancy.objects.live()
    totals = published.aggregate(positions=Sum("positions"), filled=Sum("positions_filled"))
    return [
        {"label": _("vacancies open"), "value": published.count()},
        {"label": _("jobs offered"), "value": (totals["positions"] or 0) - (totals["filled"] or 0)},
    ]
