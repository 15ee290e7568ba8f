"""Reads for referrals and referral quotas.

Staff act within their centre's region and administrators everywhere
(``accounts.selectors.access``); every selector here applies that rule itself.

A referral is *overdue* when the employer has not answered in time: its outcome is still
pending, the reply deadline has passed, and the application has not moved beyond ``viewed``.
It is computed in SQL (``is_overdue``), never stored, so it cannot go stale.
"""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import SeekerProfile, User
from accounts.selectors.access import acting_region_ids, require_role
from catalog.models import Region
from vacancies.models import Application, Referral, ReferralQuota, Vacancy

# The employer has not answered while the application is still in one of these.
UNANSWERED_STATUSES = (Application.Status.SUBMITTED, Application.Status.VIEWED)

SEARCH_LIMIT = 50


def overdue_condition(today: datetime.date | None = None, prefix: str = "") -> Q:
    """``Q`` matching overdue referrals; ``prefix`` reaches them from another model (``"referral__"``)."""
    today = today or timezone.localdate()
    return Q(
        **{
            f"{prefix}outcome": Referral.Outcome.PENDING,
            f"{prefix}reply_deadline__lt": today,
            f"{prefix}application__status__in": UNANSWERED_STATUSES,
        }
    )


def referral_is_overdue(referral: Referral, today: datetime.date | None = None) -> bool:
    """``overdue_condition`` for one referral already in memory (its application loaded or cached)."""
    today = today or timezone.localdate()
    return (
        referral.outcome == Referral.Outcome.PENDING
        and referral.reply_deadline < today
        and referral.application.status in UNANSWERED_STATUSES
    )


def _staff_regions(user: User) -> set[int] | None:
    """Regions the caller acts in as staff (None: everywhere); 403 for other roles."""
    require_role(user, User.Role.CENTRE_STAFF)
    return acting_region_ids(user)


def _in_regions(queryset: QuerySet, regions: set[int] | None, field: str = "region_id") -> QuerySet:
    return queryset if regions is None else queryset.filter(**{f"{field}__in": regions})


def referrals_for_staff(*, user: User, overdue: bool | None = None) -> QuerySet[Referral]:
    """Referrals of the regions the caller acts in, newest first, each with ``is_overdue``.

    ``overdue=True`` keeps only the overdue ones, ``False`` only the others.
    """
    condition = overdue_condition()
    queryset = _in_regions(Referral.objects.all(), _staff_regions(user)).annotate(
        is_overdue=ExpressionWrapper(condition, output_field=BooleanField())
    )
    if overdue is True:
        queryset = queryset.filter(condition)
    elif overdue is False:
        queryset = queryset.exclude(condition)
    return queryset.select_related(
        "application__vacancy__organization",
        "application__vacancy__region",
        "application__seeker",
        "centre",
        "staff",
        "region",
    ).order_by("-created_at", "-id")


def vacancy_get_for_referring(*, user: User, vacancy_id: int) -> Vacancy:
    """A vacancy staff refer to: in their region (404 elsewhere, 403 for other roles)."""
    regions = _staff_regions(user)
    vacancy = (
        _in_regions(Vacancy.objects.select_related("organization", "region"), regions).filter(pk=vacancy_id).first()
    )
    if vacancy is None:
        raise Http404("No such vacancy")
    return vacancy


def seeker_get_for_referring(*, user: User, seeker_id: int) -> User:
    """A job seeker registered in the caller's region, by user id (404 otherwise)."""
    regions = _staff_regions(user)
    profile = (
        _in_regions(SeekerProfile.objects.select_related("user"), regions)
        .filter(user_id=seeker_id, user__role=User.Role.SEEKER)
        .first()
    )
    if profile is None:
        raise Http404("No such job seeker")
    return profile.user


def referral_seekers_search(*, user: User, q: str) -> QuerySet[SeekerProfile]:
    """Job seekers of the caller's region whose name, e-mail or IIN matches ``q`` (at most 50).

    Staff see the full IIN. An empty query finds nobody rather than listing the whole region.
    """
    regions = _staff_regions(user)
    q = (q or "").strip()
    queryset = _in_regions(SeekerProfile.objects.select_related("user", "region"), regions).filter(
        user__role=User.Role.SEEKER, user__is_active=True
    )
    if not q:
        return queryset.none()
    match = Q(user__full_name__icontains=q) | Q(user__email__icontains=q)
    if q.isdigit():
        match |= Q(iin__startswith=q)
    return queryset.filter(match).order_by("user__full_name", "id")[:SEARCH_LIMIT]


def referral_vacancies_search(*, user: User, q: str = "") -> QuerySet[Vacancy]:
    """Live vacancies with a position open in the caller's region, title matching ``q`` (at most 50)."""
    regions = _staff_regions(user)
    queryset = _in_regions(Vacancy.objects.live().select_related("organization"), regions).filter(
        positions_filled__lt=F("positions")
    )
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(organization__legal_name__icontains=q))
    return queryset.order_by("-published_at", "-id")[:SEARCH_LIMIT]


# --- Quotas -----------------------------------------------------------------------------------


def region_get_for_quota(*, user: User, region_code: str) -> Region:
    """A region whose quota the caller reads: staff their own, administrators any (404 otherwise)."""
    regions = _staff_regions(user)
    region = Region.objects.filter(code=region_code).first()
    if region is None or (regions is not None and region.pk not in regions):
        raise Http404("No such region")
    return region


def referral_quota_usage(*, user: User, year: int, region: Region | None = None) -> list[dict]:
    """Per region the caller acts in (or just ``region``): the year's limit, referrals issued,
    and their outcomes so far, including how many are overdue.

    ``{"region", "year", "limit" (None without a quota), "used", "remaining", "hired",
    "not_hired", "pending", "overdue"}``, in three queries whatever the number of regions.
    """
    regions = _staff_regions(user)
    region_rows = list(_in_regions(Region.objects.all(), regions, "pk").order_by("position", "code"))
    if region is not None:
        region_rows = [r for r in region_rows if r.pk == region.pk]
    ids = [r.pk for r in region_rows]
    quotas = {q.region_id: q for q in ReferralQuota.objects.filter(year=year, region_id__in=ids)}
    counts = {
        row["region_id"]: row
        for row in Referral.objects.filter(region_id__in=ids, created_at__year=year)
        .values("region_id")
        .annotate(
            hired=Count("id", filter=Q(outcome=Referral.Outcome.HIRED)),
            not_hired=Count("id", filter=Q(outcome=Referral.Outcome.NOT_HIRED)),
            pending=Count("id", filter=Q(outcome=Referral.Outcome.PENDING)),
            overdue=Count("id", filter=overdue_condition()),
        )
    }
    rows = []
    for r in region_rows:
        quota = quotas.get(r.pk)
        count = counts.get(r.pk, {})
        rows.append(
            {
                "region": r,
                "year": year,
                "limit": quota.limit if quota else None,
                "used": quota.used if quota else 0,
                "remaining": quota.limit - quota.used if quota else None,
                "hired": count.get("hired", 0),
                "not_hired": count.get("not_hired", 0),
                "pending": count.get("pending", 0),
                "overdue": count.get("overdue", 0),
            }
        )
    return rows
