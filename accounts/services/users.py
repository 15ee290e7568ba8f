"""Writes for users and roles."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User

# Printed by `make run`; the demo data set is for development machines only.
DEMO_PASSWORD = "demo-exchange-2026"  # noqa: S105

DEMO_USERS = [
    # (email, full name, role, admin site access)
    ("admin@demo.kz", "Aigerim Administrator", User.Role.ADMIN, True),
    ("staff@demo.kz", "Nurlan Centre Staff", User.Role.CENTRE_STAFF, False),
    ("employer@demo.kz", "Dana Employer", User.Role.EMPLOYER, False),
    ("seeker@demo.kz", "Arman Seeker", User.Role.SEEKER, False),
]


@transaction.atomic
def demo_users_ensure() -> list[tuple[User, bool]]:
    """Create the demo accounts that are missing; existing ones are left untouched (idempotent)."""
    results = []
    for email, full_name, role, is_admin in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        created = user is None
        if created:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                is_staff=is_admin,
                is_superuser=is_admin,
            )
        # Demo accounts are for logging in at once: with allauth's mandatory verification an
        # address that is not confirmed would stop them at "check your e-mail".
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        results.append((user, created))
    return results


@transaction.atomic
def user_finish_signup(*, user: User, full_name: str, role: str) -> User:
    """Complete a new account: name and role; a job seeker gets an empty profile (CV) at once.

    Only the two public roles can be chosen at sign-up; staff and administrators are appointed.
    """
    from accounts.models import SeekerProfile

    if role not in (User.Role.SEEKER, User.Role.EMPLOYER):
        raise ValueError(f"role {role!r} cannot be chosen at sign-up")
    user.full_name = full_name.strip()
    user.role = role
    user.save(update_fields=["full_name", "role", "updated_at"])
    if role == User.Role.SEEKER:
        SeekerProfile.objects.get_or_create(user=user)
    return user


def user_token_issue(*, user: User):
    """Issue a new API token for ``user``, replacing the old one (one token per user)."""
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def user_token_revoke(*, user: User) -> int:
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted
