"""Reads for employers: organizations, their members and invitations.

Access selectors (``*_get_for_*``) are the only way views and APIs fetch these objects: they
raise ``Http404`` where the caller must not even learn that the object exists and
``PermissionDenied`` where the caller may know it exists but may not act on it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import MemberInvitation, Membership, Organization, User
from accounts.selectors.access import acting_region_ids, can_act_in_region, require_role
from exchange.errors import BusinessError, ConflictError


def organization_can_publish(organization: Organization) -> bool:
    """Whether the organization's vacancies may go live: only verified employers publish.

    Unverified organizations may still draft vacancies; the vacancies app asks this before
    publishing.
    """
    return organization.status == Organization.Status.VERIFIED


def _organizations() -> QuerySet[Organization]:
    return Organization.objects.select_related("region", "industry")


# --- The employer's own organization ----------------------------------------------------------


def organization_setup_check(*, user: User) -> None:
    """May ``user`` register an organization? Employer accounts without one may (403 / 409 otherwise)."""
    if not user.is_authenticated or user.role != User.Role.EMPLOYER:
        raise PermissionDenied
    if Membership.objects.filter(user=user).exists():
        raise ConflictError("already_member", _("Your account already belongs to an organization."))


def membership_get_for_member(*, user: User) -> Membership:
    """The caller's own membership, with its organization.

    Anonymous callers and roles other than employer get PermissionDenied (administrators pass
    the role check but belong to no organization, so they get 404 like an employer who has not
    set one up yet).
    """
    require_role(user, User.Role.EMPLOYER)
    membership = (
        Membership.objects.select_related("organization__region", "organization__industry")
        .filter(user=user, user__role=User.Role.EMPLOYER)
        .first()
    )
    if membership is None:
        raise Http404("No organization")
    return membership


def organization_get_for_member(*, user: User) -> Organization:
    """The organization the caller belongs to (any member role may read it)."""
    return membership_get_for_member(user=user).organization


def organization_get_for_owner(*, user: User) -> Organization:
    """The caller's organization, for changing it or its members: owners only (403 for recruiters)."""
    membership = membership_get_for_member(user=user)
    if membership.role != Membership.Role.OWNER:
        raise PermissionDenied
    return membership.organization


def membership_get_for_owner(*, user: User, membership_id: int) -> Membership:
    """A membership of the caller's organization, for removing it: owners only.

    A membership of another organization answers 404, so an owner cannot probe other employers.
    """
    organization = organization_get_for_owner(user=user)
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(pk=membership_id, organization=organization)
        .first()
    )
    if membership is None:
        raise Http404("No such member")
    return membership


def invitation_get_for_owner(*, user: User, invitation_id: int) -> MemberInvitation:
    """An open (not yet accepted) invitation of the caller's organization, for revoking it."""
    organization = organization_get_for_owner(user=user)
    invitation = (
        MemberInvitation.objects.select_related("organization")
        .filter(pk=invitation_id, organization=organization, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def invitation_get_for_accepting(*, user: User, token: str) -> MemberInvitation:
    """The invitation a link points to. The token is the secret: an unknown one answers 404.

    Whether this user may accept it is ``invitation_acceptance_problem``'s question, so the
    page can explain what is wrong instead of hiding the invitation.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    invitation = (
        MemberInvitation.objects.select_related("organization__region", "invited_by").filter(token=token).first()
        if token
        else None
    )
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def invitation_is_expired(invitation: MemberInvitation, *, now=None) -> bool:
    return invitation.expires_at <= (now or timezone.now())


def invitation_acceptance_problem(*, invitation: MemberInvitation, user: User) -> BusinessError | None:
    """Why ``user`` cannot accept ``invitation`` now, or None when they can.

    The service raises the returned error; the page shows its message before the user even
    presses the button. Checked in the order a person can act on: a dead link first, then the
    wrong account.
    """
    if invitation.accepted_at is not None:
        return ConflictError("invitation_used", _("This invitation has already been used."))
    if invitation_is_expired(invitation):
        return BusinessError(
            "invitation_expired",
            _("This invitation has expired. Ask the organization's owner to invite you again."),
        )
    if user.role != User.Role.EMPLOYER:
        return BusinessError(
            "not_employer",
            _("Only employer accounts can join an organization. Sign up as an employer with the invited address."),
            status_code=403,
        )
    if user.email.lower() != invitation.email.lower():
        return BusinessError(
            "wrong_email",
            _("This invitation was sent to another e-mail address. Log in with the address it was sent to."),
            status_code=403,
        )
    if Membership.objects.filter(user=user).exists():
        return ConflictError("already_member", _("Your account already belongs to an organization."))
    return None


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    """Members of one organization: owners first, then by the date they joined."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "created_at", "id")  # "owner" sorts before "recruiter"
    )


def organization_open_invitations(*, organization: Organization) -> QuerySet[MemberInvitation]:
    """Invitations not accepted yet, newest first; expired ones stay listed until re-sent or revoked."""
    return (
        MemberInvitation.objects.filter(organization=organization, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


# --- Public employer pages --------------------------------------------------------------------


def organization_get_for_viewing(*, user: User, organization_id: int) -> Organization:
    """An employer's public page. Verified organizations are public; the others exist (and
    answer) only for their own members, staff of their region and administrators.
    """
    organization = _organizations().filter(pk=organization_id).first()
    if organization is None:
        raise Http404("No such organization")
    if organization.status == Organization.Status.VERIFIED:
        return organization
    if user.is_authenticated and (
        can_act_in_region(user, organization.region_id)
        or Membership.objects.filter(user=user, organization=organization).exists()
    ):
        return organization
    raise Http404("No such organization")


def organizations_public(*, region_code: str | None = None) -> QuerySet[Organization]:
    """Verified organizations (the public employer list), optionally in one region."""
    queryset = _organizations().filter(status=Organization.Status.VERIFIED)
    if region_code:
        queryset = queryset.filter(region__code=region_code)
    return queryset.order_by("legal_name", "id")


# --- Verification by staff --------------------------------------------------------------------


def organization_get_for_verification(*, user: User, organization_id: int) -> Organization:
    """An organization a staff member reviews. Only staff and administrators (403 for others);
    staff of another region get 404, so they cannot learn which employers exist elsewhere.
    """
    require_role(user, User.Role.CENTRE_STAFF)
    organization = _organizations().filter(pk=organization_id).first()
    if organization is None or not can_act_in_region(user, organization.region_id):
        raise Http404("No such organization")
    return organization


def organizations_for_verification(
    *, user: User, status: str | None = Organization.Status.PENDING
) -> QuerySet[Organization]:
    """The verification queue: organizations in the regions the caller acts in, oldest first.

    ``status=None`` lists every status.
    """
    require_role(user, User.Role.CENTRE_STAFF)
    queryset = _organizations()
    regions = acting_region_ids(user)
    if regions is not None:
        queryset = queryset.filter(region_id__in=regions)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "id")


def organization_owners(*, organization: Organization) -> QuerySet[Membership]:
    """Who staff contact about a verification: the owners, with their accounts."""
    return organization_members(organization=organization).filter(role=Membership.Role.OWNER)
