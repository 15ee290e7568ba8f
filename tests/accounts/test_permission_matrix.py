"""Every URL of the accounts app, pages and API, read by each member of the cast.

The table below is the contract: who may read what. A new accounts URL without a row fails
``test_every_accounts_url_has_a_row``; writes are checked the other way round: everyone who may
not change a thing is refused and nothing is written.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Education, LanguageSkill, MemberInvitation, SeekerProfile, WorkExperience

ACTORS = ["anonymous", "seeker_a", "seeker_b", "employer_a", "employer_b", "staff_x", "staff_y", "admin"]


def accounts_routes() -> list[tuple[str, str]]:
    """(URL name with namespace, route) of every view defined in the accounts app."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith("accounts.") and pattern.name:
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    yield name, prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


def build_objects(cast):
    from tests import factories

    profile = SeekerProfile.objects.get(user=cast.seeker_a)
    education = Education.objects.create(
        profile=profile, level_id=1, institution="Nazarbayev University", graduation_year=2024
    )
    experience = WorkExperience.objects.create(
        profile=profile, employer_name="KazMunayGas", position="Welder", start_date="2022-01-01"
    )
    language = LanguageSkill.objects.create(profile=profile, language="kk", level="native")
    membership = cast.employer_a.membership
    recruiter = factories.MembershipFactory(
        organization=membership.organization, role="recruiter", user=factories.EmployerFactory()
    )
    from datetime import timedelta

    from django.utils import timezone

    invitation = MemberInvitation.objects.create(
        organization=membership.organization,
        email="colleague@example.kz",
        token="matrix-token",
        invited_by=cast.employer_a,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return {
        "profile_id": profile.pk,
        "education_id": education.pk,
        "experience_id": experience.pk,
        "language_id": language.pk,
        "organization_id": membership.organization_id,
        "membership_id": recruiter.pk,
        "invitation_id": invitation.pk,
        "token": invitation.token,
        "assignment_id": cast.staff_x.staff_assignment.pk,
    }


def url_for(name: str, route: str, objects: dict) -> str:
    kwargs = {param: objects[param] for param in re.findall(r"<(?:\w+:)?(\w+)>", route)}
    return reverse(name, kwargs=kwargs)


# GET status for: anonymous, seeker_a, seeker_b, employer_a, employer_b, staff_x, staff_y, admin.
# Objects in URLs belong to seeker A (profile in region X), employer A (organization in X) and
# staff X. 302 = sent to the login page; 405 = the URL only takes writes.
READ = {
    "accounts:account-delete": [302, 200, 200, 403, 403, 403, 403, 403],
    "accounts:consent-withdraw": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:dashboard": [302, 200, 200, 200, 200, 200, 200, 200],
    "accounts:data-export": [302, 200, 200, 200, 200, 200, 200, 200],
    "accounts:data-export-download": [302, 200, 200, 200, 200, 200, 200, 200],
    "accounts:employer-detail": [200, 200, 200, 200, 200, 200, 200, 200],
    # Only an employer without an organization, invited at that address, may accept.
    "accounts:invitation-accept": [302, 403, 403, 403, 403, 403, 403, 403],
    # Administrators belong to no organization: nothing to show.
    "accounts:organization": [302, 403, 403, 200, 200, 403, 403, 404],
    "accounts:organization-edit": [302, 403, 403, 200, 200, 403, 403, 404],
    "accounts:organization-invitation-revoke": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:organization-member-remove": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:organization-members": [302, 403, 403, 200, 200, 403, 403, 404],
    # Employers who already have an organization are sent to it.
    "accounts:organization-setup": [302, 403, 403, 302, 302, 403, 403, 403],
    "accounts:profile": [302, 200, 200, 403, 403, 403, 403, 403],
    "accounts:profile-consent": [302, 200, 200, 403, 403, 403, 403, 403],
    "accounts:profile-education": [302, 200, 200, 403, 403, 403, 403, 403],
    "accounts:profile-education-delete": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:profile-education-edit": [302, 200, 404, 404, 404, 404, 404, 404],
    "accounts:profile-experience": [302, 200, 200, 403, 403, 403, 403, 403],
    "accounts:profile-experience-delete": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:profile-experience-edit": [302, 200, 404, 404, 404, 404, 404, 404],
    "accounts:profile-language-delete": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:profile-language-edit": [302, 200, 404, 404, 404, 404, 404, 404],
    "accounts:profile-personal": [302, 200, 200, 403, 403, 403, 403, 403],
    "accounts:profile-preferences": [302, 200, 200, 403, 403, 403, 403, 403],
    "accounts:profile-skills": [302, 200, 200, 403, 403, 403, 403, 403],
    # A consenting, visible CV: every employer may read it (IIN masked); staff of its region only.
    "accounts:seeker-detail": [302, 200, 404, 200, 200, 200, 404, 200],
    "accounts:staff-organization": [302, 403, 403, 403, 403, 200, 404, 200],
    "accounts:staff-organization-reject": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:staff-organization-verify": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:staff-organizations": [302, 403, 403, 403, 403, 200, 200, 200],
    "accounts:staff-people": [302, 403, 403, 403, 403, 200, 200, 200],
    "accounts:staff-unassign": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:token-revoke": [302, 405, 405, 405, 405, 405, 405, 405],
    "accounts:tokens": [302, 200, 200, 200, 200, 200, 200, 200],
    "api-employer-detail": [200, 200, 200, 200, 200, 200, 200, 200],
    "api-employer-list": [200, 200, 200, 200, 200, 200, 200, 200],
    "api-organization": [403, 403, 403, 200, 200, 403, 403, 404],
    "api-organization-invitation": [403, 405, 405, 405, 405, 405, 405, 405],
    "api-organization-invitation-accept": [403, 405, 405, 405, 405, 405, 405, 405],
    "api-organization-invitations": [403, 403, 403, 200, 200, 403, 403, 404],
    "api-organization-member": [403, 405, 405, 405, 405, 405, 405, 405],
    "api-organization-members": [403, 403, 403, 200, 200, 403, 403, 404],
    "api-staff-assignment": [403, 405, 405, 405, 405, 405, 405, 405],
    "api-staff-assignments": [403, 403, 403, 403, 403, 200, 200, 200],
    "api-staff-centres": [403, 403, 403, 403, 403, 200, 200, 200],
    "api-staff-organization": [403, 403, 403, 403, 403, 200, 404, 200],
    "api-staff-organization-reject": [403, 405, 405, 405, 405, 405, 405, 405],
    "api-staff-organization-verify": [403, 405, 405, 405, 405, 405, 405, 405],
    "api-staff-organizations": [403, 403, 403, 403, 403, 200, 200, 200],
    "me": [403, 200, 200, 200, 200, 200, 200, 200],
    "me-consent": [403, 200, 200, 403, 403, 403, 403, 403],
    "me-education-detail": [403, 405, 405, 405, 405, 405, 405, 405],
    "me-education-list": [403, 405, 405, 405, 405, 405, 405, 405],
    "me-experience-detail": [403, 405, 405, 405, 405, 405, 405, 405],
    "me-experience-list": [403, 405, 405, 405, 405, 405, 405, 405],
    "me-export": [403, 200, 200, 200, 200, 200, 200, 200],
    "me-language-detail": [403, 405, 405, 405, 405, 405, 405, 405],
    "me-language-list": [403, 405, 405, 405, 405, 405, 405, 405],
    "me-profile": [403, 200, 200, 403, 403, 403, 403, 403],
    "me-token": [403, 405, 405, 405, 405, 405, 405, 405],
    "seeker-profile-detail": [403, 200, 404, 200, 200, 200, 404, 200],
}

SEEKERS = {"seeker_a", "seeker_b"}
EMPLOYERS = {"employer_a", "employer_b"}
LOGGED_IN = set(ACTORS) - {"anonymous"}

# Who may change something through each URL. Everyone else must be refused, with nothing written.
# URLs without an object id act on the caller's own things ("own"); ids point at A's and X's.
WRITE = {
    "accounts:account-delete": SEEKERS,
    "accounts:consent-withdraw": SEEKERS,
    "accounts:organization-edit": EMPLOYERS,
    "accounts:organization-invitation-revoke": {"employer_a"},
    "accounts:organization-member-remove": {"employer_a"},
    "accounts:organization-members": EMPLOYERS,
    "accounts:profile-consent": SEEKERS,
    "accounts:profile-education": SEEKERS,
    "accounts:profile-education-delete": {"seeker_a"},
    "accounts:profile-education-edit": {"seeker_a"},
    "accounts:profile-experience": SEEKERS,
    "accounts:profile-experience-delete": {"seeker_a"},
    "accounts:profile-experience-edit": {"seeker_a"},
    "accounts:profile-language-delete": {"seeker_a"},
    "accounts:profile-language-edit": {"seeker_a"},
    "accounts:profile-personal": SEEKERS,
    "accounts:profile-preferences": SEEKERS,
    "accounts:profile-skills": SEEKERS,
    "accounts:staff-organization-reject": {"staff_x", "admin"},
    "accounts:staff-organization-verify": {"staff_x", "admin"},
    "accounts:staff-people": {"admin"},
    "accounts:staff-unassign": {"admin"},
    "accounts:token-revoke": LOGGED_IN,
    "accounts:tokens": LOGGED_IN,
    "api-organization": EMPLOYERS,
    "api-organization-invitation": {"employer_a"},
    "api-organization-invitations": EMPLOYERS,
    "api-organization-member": {"employer_a"},
    "api-staff-assignment": {"admin"},
    "api-staff-assignments": {"admin"},
    "api-staff-organization-reject": {"staff_x", "admin"},
    "api-staff-organization-verify": {"staff_x", "admin"},
    "me": SEEKERS,
    "me-consent": SEEKERS,
    "me-education-detail": {"seeker_a"},
    "me-education-list": SEEKERS,
    "me-experience-detail": {"seeker_a"},
    "me-experience-list": SEEKERS,
    "me-language-detail": {"seeker_a"},
    "me-language-list": SEEKERS,
    "me-profile": SEEKERS,
    "me-token": LOGGED_IN,
}

# Who may see seeker A's full IIN.
IIN_READERS = {"seeker_a", "staff_x", "admin"}


def login(client, cast, actor):
    client.logout()
    if actor != "anonymous":
        client.force_login(getattr(cast, actor))


def test_every_accounts_url_has_a_row():
    names = {name for name, _ in accounts_routes()}

    assert names == set(READ), f"missing: {sorted(names - set(READ))}, stale: {sorted(set(READ) - names)}"
    assert set(WRITE) <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), accounts_routes())
def test_who_may_read_each_accounts_url(name, route, cast, client):
    objects = build_objects(cast)
    url = url_for(name, route, objects)
    full_iin = SeekerProfile.objects.get(user=cast.seeker_a).iin

    seen = {}
    for actor in ACTORS:
        login(client, cast, actor)
        response = client.get(url)
        seen[actor] = response.status_code
        if response.status_code == 302 and actor == "anonymous":
            assert response["Location"].startswith(reverse("account_login"))
        if actor not in IIN_READERS:
            assert full_iin not in response.content.decode(errors="replace"), f"{actor} saw the full IIN at {url}"

    assert [seen[a] for a in ACTORS] == READ[name]


def database_state():
    """Row counts and the latest change of every table the accounts URLs can write."""
    from allauth.account.models import EmailAddress
    from django.apps import apps
    from django.db.models import Max
    from rest_framework.authtoken.models import Token

    models = [*apps.get_app_config("accounts").get_models(), Token, EmailAddress]
    state = {}
    for model in models:
        queryset = model.objects.all()
        fields = {f.name for f in model._meta.get_fields()}
        state[model.__name__] = (
            queryset.count(),
            queryset.aggregate(m=Max("updated_at"))["m"] if "updated_at" in fields else None,
        )
    return state


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), accounts_routes())
def test_nobody_else_may_change_anything_through_an_accounts_url(name, route, cast, client):
    objects = build_objects(cast)
    url = url_for(name, route, objects)
    allowed = WRITE.get(name, set())
    methods = ["post"] + (["patch", "put", "delete"] if not name.startswith("accounts:") else [])

    for actor in ACTORS:
        if actor in allowed:
            continue
        login(client, cast, actor)
        for method in methods:
            before = database_state()
            response = getattr(client, method)(url, data={}, content_type="application/json")

            assert response.status_code not in (200, 201, 202, 204), f"{actor} {method} {url}"
            assert database_state() == before, f"{actor} {method} {url} changed the database"
