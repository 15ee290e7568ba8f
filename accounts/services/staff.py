"""Writes for employment-centre staff: administrators put people in centres and take them out.

A staff member acts within the region of their centre (``accounts.selectors.access``); the
role and the assignment change together so no one is left half staff.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import EmploymentCentre, Membership, SeekerProfile, StaffAssignment, User
from accounts.selectors.staff import require_administrator
from exchange.errors import BusinessError, ConflictError

logger = logging.getLogger(__name__)


def staff_assign(*, user: User, centre: EmploymentCentre, by: User) -> StaffAssignment:
    """Make ``user`` a member of staff of ``centre`` (or move them there); administrators only.

    Administrators already act everywhere and are never demoted by this; members of an employer
    organization must leave it first, since one account acts in one role. The user row is
    locked so two administrators assigning the same person end with one assignment.
    """
    require_administrator(by)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_administrator:
            message = _("Administrators act in every region; they are not assigned to a centre.")
            raise BusinessError("is_administrator", message, fields={"user_email": [str(message)]})
        if Membership.objects.filter(user=user).exists():
            message = _("This person is a member of an employer organization. Remove them from it first.")
            raise ConflictError("already_member", message, fields={"user_email": [str(message)]})
        if user.role != User.Role.CENTRE_STAFF:
            user.role = User.Role.CENTRE_STAFF
            user.save(update_fields=["role", "updated_at"])
        assignment, _created = StaffAssignment.objects.update_or_create(user=user, defaults={"centre": centre})
    logger.info("user %s assigned to centre %s by user %s", user.pk, centre.pk, by.pk)
    return assignment


def staff_unassign(*, assignment: StaffAssignment, by: User) -> None:
    """Take a staff member out of their centre; administrators only.

    They stop acting anywhere at once and go back to an ordinary (job-seeker) account with an
    empty, hidden profile, as every seeker account has one (``user_finish_signup``).
    """
    require_administrator(by)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=assignment.user_id)
        StaffAssignment.objects.filter(pk=assignment.pk).delete()
        if user.role == User.Role.CENTRE_STAFF:
            user.role = User.Role.SEEKER
            user.save(update_fields=["role", "updated_at"])
            SeekerProfile.objects.get_or_create(user=user)
    logger.info("user %s unassigned from their centre by user %s", assignment.user_id, by.pk)
