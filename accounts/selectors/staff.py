"""Reads for employment centres and their staff.

Administrators see every centre and every staff member; centre staff see the centres and
colleagues of their own region; nobody else sees this part of the exchange.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import EmploymentCentre, StaffAssignment, User
from accounts.selectors.access import acting_region_ids, require_role

NO_SUCH_USER = _("No account uses this e-mail address. Ask the person to sign up first.")


def require_administrator(user: User) -> None:
    """Raise PermissionDenied unless ``user`` is an administrator: only they appoint staff."""
    if not user.is_authenticated or not user.is_administrator:
        raise PermissionDenied


def centres_for_user(*, user: User) -> QuerySet[EmploymentCentre]:
    """Centres the caller may see, with the number of staff in each."""
    require_role(user, User.Role.CENTRE_STAFF)
    queryset = EmploymentCentre.objects.select_related("region").annotate(staff_count=Count("staff"))
    regions = acting_region_ids(user)
    if regions is not None:
        queryset = queryset.filter(region_id__in=regions)
    return queryset.order_by("region__position", "name", "id")


def staff_assignments_for_user(*, user: User) -> QuerySet[StaffAssignment]:
    """Staff members the caller may see: everyone for administrators, their region for staff."""
    require_role(user, User.Role.CENTRE_STAFF)
    queryset = StaffAssignment.objects.select_related("user", "centre__region")
    regions = acting_region_ids(user)
    if regions is not None:
        queryset = queryset.filter(centre__region_id__in=regions)
    return queryset.order_by("centre__region__position", "centre__name", "user__email")


def staff_without_centre(*, user: User) -> QuerySet[User]:
    """Accounts with the staff role but no centre (set in the admin): they act nowhere yet."""
    require_administrator(user)
    return User.objects.filter(role=User.Role.CENTRE_STAFF, staff_assignment__isnull=True).order_by("email")


def staff_assignment_get_for_admin(*, user: User, assignment_id: int) -> StaffAssignment:
    """A staff assignment, for changing it: administrators only (403 for everyone else)."""
    require_administrator(user)
    assignment = StaffAssignment.objects.select_related("user", "centre__region").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404("No such assignment")
    return assignment


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip()).first()
