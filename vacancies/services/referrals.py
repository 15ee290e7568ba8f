"""Writes for referrals ("направления"): staff sending a job seeker to a vacancy, and the yearly quotas.

A referral is an application with source ``referral`` plus a ``Referral`` row. Each region has a
yearly limit of referrals (``ReferralQuota``), set by administrators; ``used`` only moves under a
lock of the quota row, so the limit holds however many staff refer at once. The referral's
outcome follows its application (see ``vacancies.services.applications.application_transition``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, SeekerProfile, StaffAssignment, User
from catalog.models import Region
from exchange.errors import BusinessError, ConflictError
from notifications.models import Kind
from notifications.services import NewNotification, notifications_create_bulk
from vacancies.models import Application, Referral, ReferralQuota, Vacancy
from vacancies.services.applications import application_submit

REPLY_WORKING_DAYS = 5
QUOTA_YEARS = (2000, 2100)


def working_days_after(day: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days (Monday to Friday) after ``day``.

    Public holidays are ignored: Kazakhstan moves holidays and working days by a government
    decree each year, so counting them would need a calendar kept by administrators. A deadline
    that crosses a holiday is therefore a day early, in the seeker's favour.
    """
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _staff_assignment(staff: User) -> StaffAssignment:
    if not (staff.is_authenticated and staff.role == User.Role.CENTRE_STAFF):
        raise PermissionDenied
    assignment = StaffAssignment.objects.select_related("centre").filter(user=staff).first()
    if assignment is None:
        raise PermissionDenied
    return assignment


def referral_create(*, staff: User, vacancy: Vacancy, seeker: User) -> Referral:
    """Staff refer ``seeker`` to ``vacancy``: an application with source ``referral`` and its referral.

    Preconditions: ``staff`` is employment-centre staff with a centre, and both the vacancy and
    the seeker's profile are in the centre's region (PermissionDenied otherwise); the region has
    a referral quota for the current year (``no_referral_quota``) with room left (409
    ``referral_limit_reached``); everything ``application_submit`` requires (consent, an open
    vacancy, no earlier application).

    The employer must reply within ``REPLY_WORKING_DAYS`` working days. Locks the region's
    quota row for the whole transaction, so concurrent referrals in one region are counted one
    after the other and the limit is never passed; if applying fails, nothing is counted.
    """
    assignment = _staff_assignment(staff)
    region_id = assignment.centre.region_id
    seeker_region_id = SeekerProfile.objects.filter(user=seeker).values_list("region_id", flat=True).first()
    if vacancy.region_id != region_id or seeker_region_id != region_id:
        raise PermissionDenied

    today = timezone.localdate()
    with transaction.atomic():
        # of=self: the default ordering joins the region, which FOR UPDATE would lock as well.
        quota = (
            ReferralQuota.objects.select_for_update(of=("self",)).filter(region_id=region_id, year=today.year).first()
        )
        if quota is None:
            raise BusinessError(
                "no_referral_quota",
                _("No referral limit is set for this region for %(year)d. Ask an administrator to set one.")
                % {"year": today.year},
            )
        if quota.used >= quota.limit:
            raise ConflictError(
                "referral_limit_reached",
                _("The region has used all %(limit)d referrals of %(year)d.")
                % {"limit": quota.limit, "year": today.year},
            )
        application = application_submit(vacancy=vacancy, seeker=seeker, source=Application.Source.REFERRAL, by=staff)
        referral = Referral.objects.create(
            application=application,
            staff=staff,
            centre=assignment.centre,
            region_id=vacancy.region_id,
            reply_deadline=working_days_after(today, REPLY_WORKING_DAYS),
        )
        ReferralQuota.objects.filter(pk=quota.pk).update(used=F("used") + 1, updated_at=timezone.now())
        _notify_referral(referral, vacancy=vacancy, seeker=seeker)
    return referral


def _notify_referral(referral: Referral, *, vacancy: Vacancy, seeker: User) -> None:
    """The seeker and the employer's members hear of the referral, in the referral's transaction."""
    facts = {
        "referral_id": referral.pk,
        "application_id": referral.application_id,
        "vacancy_id": vacancy.pk,
        "vacancy_title": vacancy.title,
        "organization_name": vacancy.organization.legal_name,
        "centre_name": referral.centre.name,
        "reply_deadline": referral.reply_deadline.isoformat(),
    }
    members = (
        Membership.objects.filter(organization_id=vacancy.organization_id, user__is_active=True)
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    notifications_create_bulk(
        items=[
            NewNotification(
                recipient_id=seeker.pk,
                kind=Kind.REFERRAL,
                subject=f"referral:{referral.pk}",
                data={**facts, "audience": "seeker"},
                url=reverse("vacancies:application-detail", args=[referral.application_id]),
            ),
            *(
                NewNotification(
                    recipient_id=member_id,
                    kind=Kind.REFERRAL,
                    subject=f"referral:{referral.pk}",
                    data={**facts, "audience": "employer"},
                    url=reverse("vacancies:candidates", args=[vacancy.pk]),
                )
                for member_id in members
            ),
        ]
    )


def referral_quota_set(*, region: Region, year: int, limit: int, by: User) -> ReferralQuota:
    """An administrator sets the region's referral limit for ``year`` (creating the quota if needed).

    A limit below the referrals already issued that year is refused (400 ``limit_below_used``).
    Locks the quota row, so a referral being made at the same moment is counted before the
    check.
    """
    if not (by.is_authenticated and by.is_administrator):
        raise PermissionDenied
    errors = {}
    if not QUOTA_YEARS[0] <= year <= QUOTA_YEARS[1]:
        errors["year"] = [
            str(_("Enter a year from %(min)d to %(max)d.") % {"min": QUOTA_YEARS[0], "max": QUOTA_YEARS[1]})
        ]
    if limit < 0:
        errors["limit"] = [str(_("The limit cannot be negative."))]
    if errors:
        raise BusinessError("invalid", _("Some fields are not valid."), fields=errors)

    with transaction.atomic():
        quota = ReferralQuota.objects.select_for_update(of=("self",)).filter(region=region, year=year).first()
        if quota is None:
            try:
                with transaction.atomic():
                    return ReferralQuota.objects.create(region=region, year=year, limit=limit)
            except IntegrityError:
                # Another administrator created it a moment ago: update theirs instead.
                quota = ReferralQuota.objects.select_for_update().get(region=region, year=year)
        if limit < quota.used:
            message = _("%(used)d referrals have already been issued this year; the limit cannot be lower.") % {
                "used": quota.used
            }
            raise BusinessError("limit_below_used", message, fields={"limit": [str(message)]})
        quota.limit = limit
        quota.save(update_fields=["limit", "updated_at"])
    return quota
