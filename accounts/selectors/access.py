"""Who may act where: the building blocks every access selector uses.

Roles: job seekers act on their own profile; employer members within their organization;
employment-centre staff within the region of their centre; administrators everywhere.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.models import Membership, Organization, User


def require_role(user: User, *roles: str) -> None:
    """Raise PermissionDenied unless ``user`` is logged in and has one of ``roles``.

    Administrators pass every role check: they act everywhere.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    if user.is_administrator:
        return
    if user.role not in roles:
        raise PermissionDenied


def acting_region_ids(user: User) -> set[int] | None:
    """The regions a user may act in as staff: ``None`` means everywhere (administrators).

    Employment-centre staff act in their centre's region; everyone else in none.
    """
    if not user.is_authenticated:
        return set()
    if user.is_administrator:
        return None
    if user.role == User.Role.CENTRE_STAFF:
        assignment = getattr(user, "staff_assignment", None)
        return {assignment.centre.region_id} if assignment else set()
    return set()


def can_act_in_region(user: User, region_id: int | None) -> bool:
    regions = acting_region_ids(user)
    return regions is None or (region_id is not None and region_id in regions)


def membership_of(user: User) -> Membership | None:
    """The user's organization membership, or None (also for non-employers)."""
    if not user.is_authenticated or user.role != User.Role.EMPLOYER:
        return None
    return Membership.objects.select_related("organization").filter(user=user).first()


def organization_of(user: User) -> Organization | None:
    membership = membership_of(user)
    return membership.organization if membership else None


def is_staff_or_admin(user: User) -> bool:
    return user.is_authenticated and (user.is_administrator or user.role == User.Role.CENTRE_STAFF)
