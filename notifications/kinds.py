"""What each kind of notification is for: its default e-mail frequency and who may get it."""

from __future__ import annotations

from accounts.models import User
from notifications.models import Frequency, Kind

# E-mail frequency when the user has not chosen one. Things a person waits for (an answer to an
# application, an invitation, a referral) go at once; streams (matches, new applicants) in a digest.
DEFAULT_FREQUENCY: dict[str, str] = {
    Kind.VACANCY_MATCH: Frequency.DAILY,
    Kind.SAVED_SEARCH: Frequency.DAILY,
    Kind.APPLICATION_STATUS: Frequency.INSTANT,
    Kind.INVITATION: Frequency.INSTANT,
    Kind.NEW_APPLICATIONS: Frequency.DAILY,
    Kind.VACANCY_EXPIRING: Frequency.INSTANT,
    Kind.REFERRAL: Frequency.INSTANT,
    Kind.ORGANIZATION_STATUS: Frequency.INSTANT,
    Kind.FAIR: Frequency.INSTANT,
}

# Kinds that come from matching a seeker's profile: only for seekers who consented to the
# processing of their personal data, checked when the row is written, shown and e-mailed.
MATCHING_KINDS = frozenset({Kind.VACANCY_MATCH, Kind.SAVED_SEARCH})

# The kinds each role can receive, in the order the preferences page lists them.
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    User.Role.SEEKER: (
        Kind.APPLICATION_STATUS,
        Kind.INVITATION,
        Kind.REFERRAL,
        Kind.VACANCY_MATCH,
        Kind.SAVED_SEARCH,
        Kind.FAIR,
    ),
    User.Role.EMPLOYER: (
        Kind.NEW_APPLICATIONS,
        Kind.REFERRAL,
        Kind.VACANCY_EXPIRING,
        Kind.ORGANIZATION_STATUS,
        Kind.FAIR,
    ),
    User.Role.CENTRE_STAFF: (Kind.FAIR,),
    User.Role.ADMIN: (Kind.FAIR,),
}


# From soonest to never: "the slower of two" is the later in this list.
_ORDER = (Frequency.INSTANT, Frequency.DAILY, Frequency.WEEKLY, Frequency.NEVER)


def slower(frequency: str, requested: str | None) -> str:
    """The slower of the user's frequency and the one a notification asks for (``data["frequency"]``,
    e.g. a saved search the seeker wants weekly); an unknown request is ignored."""
    if requested not in _ORDER:
        return frequency
    return max(frequency, requested, key=_ORDER.index)


def default_frequency(kind: str) -> str:
    return DEFAULT_FREQUENCY.get(kind, Frequency.INSTANT)


def kinds_for(user: User) -> tuple[str, ...]:
    return ROLE_KINDS.get(user.role, ())
