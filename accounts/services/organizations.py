"""Writes for employers: organizations, their verification by staff, members and invitations.

Every service checks its own preconditions (who may act, in which state) even when the access
selector already did: a service is also called from the admin, commands and other apps.
Field-level problems raise ``BusinessError("invalid", ..., fields={...})`` with the field names
the form and the API use, so both show the same messages and nothing is written.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from PIL import Image

from accounts.models import MemberInvitation, Membership, Organization, User
from accounts.selectors.access import can_act_in_region
from accounts.selectors.organizations import invitation_acceptance_problem, organization_setup_check
from accounts.validators import validate_bin
from catalog.models import Industry, Region
from exchange.errors import BusinessError, ConflictError
from notifications.models import Kind
from notifications.services import NewNotification, notifications_create_bulk

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=7)
LOGO_MAX_BYTES = 2 * 1024 * 1024
# Pillow's format name -> the extension the stored file gets (the uploaded name is not trusted).
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}

EDITABLE_FIELDS = frozenset({"bin", "legal_name", "region", "industry", "size", "website", "description", "logo"})
# Staff verified the organization's identity: changing it needs a new verification.
IDENTITY_FIELDS = ("bin", "legal_name")

BIN_TAKEN = _("An organization with this BIN is already registered on the exchange.")
REASON_MAX_LENGTH = Organization._meta.get_field("status_reason").max_length


def _invalid(fields: dict[str, list]) -> BusinessError:
    return BusinessError(
        "invalid",
        _("Some fields are not valid."),
        fields={name: [str(message) for message in messages] for name, messages in fields.items()},
    )


# --- Organizations ----------------------------------------------------------------------------


def _checked_logo(logo) -> list[str]:
    """Problems with an uploaded logo; on success the file is renamed after its real format.

    Pillow reads the header and verifies the structure without decoding the whole image, so a
    decompression bomb is refused before it costs memory.
    """
    if logo.size > LOGO_MAX_BYTES:
        return [_("The logo must not be larger than 2 MB.")]
    image_format = None
    try:
        logo.seek(0)
        with Image.open(logo) as image:
            image_format = image.format
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        image_format = None
    finally:
        logo.seek(0)
    if image_format not in LOGO_FORMATS:
        return [_("Upload the logo as a PNG, JPEG or WebP image.")]
    logo.name = f"{secrets.token_hex(8)}.{LOGO_FORMATS[image_format]}"
    return []


def _by_code(model, code, *, unknown_message) -> tuple[object | None, list]:
    code = (code or "").strip() if isinstance(code, str) else code
    if not code:
        return None, [_("This field is required.")]
    entry = model.objects.filter(code=code).first()
    return (entry, []) if entry else (None, [unknown_message])


def _assign(organization: Organization, data: dict) -> dict[str, list]:
    """Copy ``data`` (form and API names, catalog codes) onto ``organization``; return field errors."""
    errors: dict[str, list] = {}
    if "bin" in data:
        organization.bin = (data["bin"] or "").strip()
        try:
            validate_bin(organization.bin)
        except ValidationError as exc:
            errors["bin"] = list(exc.messages)
        else:
            if Organization.objects.filter(bin=organization.bin).exclude(pk=organization.pk).exists():
                errors["bin"] = [BIN_TAKEN]
    for field, model, unknown in (
        ("region", Region, _("There is no region with this code.")),
        ("industry", Industry, _("There is no industry with this code (OKED sections A-U).")),
    ):
        if field in data:
            entry, problems = _by_code(model, data[field], unknown_message=unknown)
            if problems:
                errors[field] = problems
            else:
                setattr(organization, field, entry)
    for field in ("legal_name", "size", "website", "description"):
        if field in data:
            setattr(organization, field, (data[field] or "").strip())
    if data.get("logo") and (problems := _checked_logo(data["logo"])):
        errors["logo"] = problems

    # The model's own rules (required, lengths, choices, URL) for what was not checked above.
    try:
        organization.full_clean(
            exclude=["bin", "region", "industry", "logo", *errors], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    return errors


def _save_organization(organization: Organization) -> None:
    # Two owners racing for the same BIN: the unique index decides, the loser gets the field error.
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError:
        raise _invalid({"bin": [BIN_TAKEN]}) from None


def organization_create(
    *,
    user: User,
    bin: str,  # shadows the builtin on purpose: it is the name every form, API and document uses
    legal_name: str,
    region: str,
    industry: str,
    size: str,
    website: str = "",
    description: str = "",
    logo=None,
) -> Organization:
    """Register an employer's organization; its creator becomes the owner. Starts pending.

    ``region`` and ``industry`` are catalog codes (``KZ-71``, ``C``). Precondition: ``user`` is
    an employer account without an organization (PermissionDenied / ConflictError otherwise).
    The user row is locked so two submissions cannot create two organizations for one account.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        organization_setup_check(user=user)
        organization = Organization(status=Organization.Status.PENDING)
        errors = _assign(
            organization,
            {
                "bin": bin,
                "legal_name": legal_name,
                "region": region,
                "industry": industry,
                "size": size,
                "website": website,
                "description": description,
                "logo": logo,
            },
        )
        if errors:
            raise _invalid(errors)
        if logo:
            organization.logo = logo
        _save_organization(organization)
        Membership.objects.create(organization=organization, user=user, role=Membership.Role.OWNER)
    logger.info("organization %s created by user %s", organization.pk, user.pk)
    return organization


def _require_owner(*, organization: Organization, user: User) -> None:
    if not Membership.objects.filter(organization=organization, user=user, role=Membership.Role.OWNER).exists():
        raise PermissionDenied


def _delete_file_later(storage, name: str) -> None:
    """Remove a replaced file once the new state is committed (a rollback keeps it in use)."""
    transaction.on_commit(partial(storage.delete, name), robust=True)


def organization_update(*, organization: Organization, by: User, data: dict) -> Organization:
    """Change an organization's details; owners only (recruiters read, they do not edit).

    ``data`` holds only the fields to change (a PATCH), with catalog codes for region and
    industry; ``logo`` is a new file, or None to remove the logo. Changing the BIN or the legal
    name of a verified organization sends it back to verification; any change to a rejected one
    resubmits it. The row is locked so a verification cannot interleave with the change.
    """
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"organization_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        _require_owner(organization=organization, user=by)
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        identity_before = [getattr(organization, field) for field in IDENTITY_FIELDS]
        old_logo = organization.logo.name
        errors = _assign(organization, data)
        if errors:
            raise _invalid(errors)
        if "logo" in data:
            organization.logo = data["logo"] or ""

        identity_changed = identity_before != [getattr(organization, field) for field in IDENTITY_FIELDS]
        if (organization.status == Organization.Status.VERIFIED and identity_changed) or (
            organization.status == Organization.Status.REJECTED and data
        ):
            organization.status = Organization.Status.PENDING
            organization.status_reason = ""
            organization.verified_by = None
            organization.verified_at = None
        _save_organization(organization)
        if old_logo and old_logo != organization.logo.name:
            _delete_file_later(organization.logo.storage, old_logo)
    return organization


def _notify_owners(organization: Organization) -> None:
    """The owners hear the verification's outcome, in the transaction that decided it. The
    moment is part of the subject: an organization can be verified, rejected and verified again."""
    owners = Membership.objects.filter(
        organization=organization, role=Membership.Role.OWNER, user__is_active=True
    ).values_list("user_id", flat=True)
    moment = organization.updated_at.strftime("%Y%m%dT%H%M%S%f")
    notifications_create_bulk(
        items=[
            NewNotification(
                recipient_id=owner_id,
                kind=Kind.ORGANIZATION_STATUS,
                subject=f"organization:{organization.pk}:{organization.status}:{moment}",
                data={
                    "organization_id": organization.pk,
                    "organization_name": organization.legal_name,
                    "status": organization.status,
                    "reason": organization.status_reason,
                },
                url=reverse("accounts:organization"),
            )
            for owner_id in owners.order_by("id")
        ]
    )


def organization_verify(*, organization: Organization, by: User) -> Organization:
    """Staff of the organization's region (or an administrator) confirm the employer is real.

    Verifying a rejected organization is allowed: the reviewer may change their mind.
    """
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        # Checked on the locked row: the owner may have just moved the organization to another region.
        if not can_act_in_region(by, organization.region_id):
            raise PermissionDenied
        if organization.status == Organization.Status.VERIFIED:
            raise ConflictError("already_verified", _("This organization is already verified."))
        organization.status = Organization.Status.VERIFIED
        organization.status_reason = ""
        organization.verified_by = by
        organization.verified_at = timezone.now()
        organization.save(update_fields=["status", "status_reason", "verified_by", "verified_at", "updated_at"])
        _notify_owners(organization)
    logger.info("organization %s verified by user %s", organization.pk, by.pk)
    return organization


def organization_reject(*, organization: Organization, by: User, reason: str) -> Organization:
    """Refuse verification (or withdraw it) with a reason the employer sees and can act on."""
    reason = (reason or "").strip()
    if not reason:
        raise _invalid({"reason": [_("Write the reason, so the employer knows what to correct.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise _invalid({"reason": [_("Keep the reason under 500 characters.")]})
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        # Checked on the locked row: the owner may have just moved the organization to another region.
        if not can_act_in_region(by, organization.region_id):
            raise PermissionDenied
        if organization.status == Organization.Status.REJECTED:
            raise ConflictError("already_rejected", _("This organization is already rejected."))
        organization.status = Organization.Status.REJECTED
        organization.status_reason = reason
        # verified_by/at describe a verification; a rejected organization has none.
        organization.verified_by = None
        organization.verified_at = None
        organization.save(update_fields=["status", "status_reason", "verified_by", "verified_at", "updated_at"])
        _notify_owners(organization)
    logger.info("organization %s rejected by user %s", organization.pk, by.pk)
    return organization


# --- Members and invitations ------------------------------------------------------------------


def member_invite(
    *, organization: Organization, email: str, role: str, by: User, base_url: str = ""
) -> MemberInvitation:
    """Invite a colleague by e-mail; owners only. The link in the e-mail expires in 7 days.

    ``base_url`` (``https://host``) makes the link absolute; views pass the request's. The
    e-mail goes out after the commit, in the inviter's language. An expired invitation to the
    same address is replaced; a live one is a ConflictError ``already_invited``.
    """
    email = (email or "").strip().lower()
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    if role not in Membership.Role.values:
        errors["role"] = [_("Choose owner or recruiter.")]
    if errors:
        raise _invalid(errors)

    with transaction.atomic():
        _require_owner(organization=organization, user=by)
        if Membership.objects.filter(user__email__iexact=email).exists():
            message = _("A person with this e-mail address already belongs to an organization on the exchange.")
            raise ConflictError("already_member", message, fields={"email": [str(message)]})
        now = timezone.now()
        # An expired invitation still holds the one-open-invitation slot; inviting again replaces it.
        MemberInvitation.objects.filter(
            organization=organization, email=email, accepted_at__isnull=True, expires_at__lte=now
        ).delete()
        try:
            with transaction.atomic():
                invitation = MemberInvitation.objects.create(
                    organization=organization,
                    email=email,
                    role=role,
                    token=secrets.token_urlsafe(32),
                    invited_by=by,
                    expires_at=now + INVITATION_LIFETIME,
                )
        except IntegrityError:
            message = _("An invitation to this address is already waiting to be accepted.")
            raise ConflictError("already_invited", message, fields={"email": [str(message)]}) from None
        # robust: a mail server that is down must not turn a committed invitation into a 500;
        # the owner sees the invitation listed and can revoke and send it again.
        transaction.on_commit(partial(_send_invitation_email, invitation.pk, base_url), robust=True)
    return invitation


def _send_invitation_email(invitation_id: int, base_url: str) -> None:
    invitation = (
        MemberInvitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:  # revoked or accepted before the commit hook ran
        return
    inviter = invitation.invited_by
    language = inviter.language if inviter and inviter.language in dict(settings.LANGUAGES) else None
    with translation.override(language or settings.LANGUAGE_CODE):
        path = reverse("accounts:invitation-accept", args=[invitation.token])
        context = {
            "invitation": invitation,
            "organization": invitation.organization,
            "inviter": inviter,
            "role": invitation.get_role_display(),
            "accept_url": f"{base_url.rstrip('/')}{path}",
            "expires_at": invitation.expires_at,
        }
        subject = " ".join(render_to_string("accounts/email/invitation_subject.txt", context).split())
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invitation_revoke(*, invitation: MemberInvitation, by: User) -> None:
    """Withdraw an invitation that has not been accepted; owners only. The link stops working."""
    with transaction.atomic():
        _require_owner(organization=invitation.organization, user=by)
        deleted, _counts = MemberInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()
        if not deleted:
            raise ConflictError("invitation_used", _("This invitation has already been used."))


def invitation_accept(*, invitation: MemberInvitation, user: User) -> Membership:
    """Join the inviting organization. The invitation and the user are locked, so a link used
    twice at once creates one membership and the second attempt is told the link is used.
    """
    with transaction.atomic():
        locked = MemberInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if locked is None:
            raise ConflictError("invitation_revoked", _("This invitation was withdrawn by the organization."))
        user = User.objects.select_for_update().get(pk=user.pk)
        problem = invitation_acceptance_problem(invitation=locked, user=user)
        if problem is not None:
            raise problem
        membership = Membership.objects.create(organization_id=locked.organization_id, user=user, role=locked.role)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at", "updated_at"])
    return membership


def member_remove(*, membership: Membership, by: User) -> None:
    """Remove a member from the organization; owners only, and never the last owner.

    The organization's owner rows are locked first, so two owners removing each other at the
    same moment cannot leave the organization without one.
    """
    with transaction.atomic():
        owners = list(
            Membership.objects.select_for_update()
            .filter(organization_id=membership.organization_id, role=Membership.Role.OWNER)
            .values_list("pk", "user_id")
        )
        if by.pk not in {user_id for _pk, user_id in owners}:
            raise PermissionDenied
        target = Membership.objects.filter(pk=membership.pk).first()
        if target is None:
            return  # already removed: removing twice is not an error
        if target.role == Membership.Role.OWNER and [pk for pk, _user in owners] == [target.pk]:
            raise BusinessError(
                "last_owner",
                _("An organization needs at least one owner. Invite another owner before removing this one."),
            )
        target.delete()
    logger.info("membership %s removed by user %s", membership.pk, by.pk)
