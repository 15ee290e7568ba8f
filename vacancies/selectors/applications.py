"""Reads for applications, the CV search and invitations.

Access selectors (``*_get_for_*``) are the only way views and APIs fetch these objects: they
raise ``Http404`` where the caller must not learn that the object exists and ``PermissionDenied``
where the caller's role cannot use the page at all (as in ``accounts.selectors.organizations``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization, SeekerProfile, User
from accounts.selectors.access import can_act_in_region, require_role
from exchange.errors import BusinessError
from vacancies.models import Application, ApplicationEvent, Invitation, Vacancy

# A vacancy in these states has been public: an applicant can find it, so it answers 200 to
# everyone. Drafts, vacancies waiting for moderation and rejected ones exist only for their
# employer and staff.
PUBLIC_VACANCY_STATUSES = (
    Vacancy.Status.PUBLISHED,
    Vacancy.Status.PAUSED,
    Vacancy.Status.CLOSED,
    Vacancy.Status.FILLED,
    Vacancy.Status.EXPIRED,
)

# Who is looking at an application (``application_viewer``).
VIEWER_SEEKER = "seeker"
VIEWER_EMPLOYER = "employer"
VIEWER_STAFF = "staff"


def _membership(user: User) -> Membership | None:
    if not user.is_authenticated or user.role != User.Role.EMPLOYER:
        return None
    return Membership.objects.select_related("organization").filter(user=user).first()


def employer_organization_get(*, user: User) -> Organization:
    """The caller's organization, for employer pages: 403 for other roles, 404 without one."""
    require_role(user, User.Role.EMPLOYER)
    membership = _membership(user)
    if membership is None:
        raise Http404("No organization")
    return membership.organization


def cv_access_refusal(organization: Organization) -> BusinessError | None:
    """Why ``organization`` may not search, open or invite CVs (an error to raise), or None.

    Job seekers' personal data go to verified employers only: an organization still pending,
    rejected, or sent back to checking after it changed its identity, is refused (403
    ``organization_not_verified``).
    """
    if organization.is_verified:
        return None
    return BusinessError(
        "organization_not_verified",
        _("Your organization has not been verified yet, so it cannot search job seekers' CVs or invite them."),
        status_code=403,
    )


def employer_organization_get_for_cvs(*, user: User) -> Organization:
    """The caller's organization, for the CV search, opening CVs and invitations: as
    ``employer_organization_get``, and verified (``cv_access_refusal``)."""
    organization = employer_organization_get(user=user)
    if refusal := cv_access_refusal(organization):
        raise refusal
    return organization


# --- Vacancies, as this area needs them -------------------------------------------------------


def vacancy_get_for_applying(*, vacancy_id: int) -> Vacancy:
    """A vacancy someone applies to: any vacancy that has been public (its state is the
    service's question, so a closed one explains itself); the others answer 404."""
    vacancy = (
        Vacancy.objects.select_related("organization", "region")
        .filter(pk=vacancy_id, status__in=PUBLIC_VACANCY_STATUSES)
        .first()
    )
    if vacancy is None:
        raise Http404("No such vacancy")
    return vacancy


def vacancy_get_for_candidates(*, user: User, vacancy_id: int) -> Vacancy:
    """A vacancy whose candidates the caller reads: members of its organization and administrators.

    Other roles get 403; members of another organization get 404, so employers cannot probe
    each other's vacancies.
    """
    require_role(user, User.Role.EMPLOYER)
    vacancy = Vacancy.objects.select_related("organization", "region").filter(pk=vacancy_id).first()
    if vacancy is None:
        raise Http404("No such vacancy")
    if user.is_administrator:
        return vacancy
    membership = _membership(user)
    if membership is None or membership.organization_id != vacancy.organization_id:
        raise Http404("No such vacancy")
    return vacancy


def vacancies_for_inviting(*, organization: Organization) -> QuerySet[Vacancy]:
    """The organization's vacancies a seeker can be invited to: published, with a position open."""
    return (
        Vacancy.objects.live()
        .filter(organization=organization, positions_filled__lt=F("positions"))
        .select_related("region")
        .order_by("-published_at", "-id")
    )


# --- Applications -----------------------------------------------------------------------------


def _events() -> Prefetch:
    return Prefetch("events", queryset=ApplicationEvent.objects.select_related("by").order_by("created_at", "id"))


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related("vacancy__organization", "vacancy__region", "referral")


def application_get_for_viewing(*, user: User, application_id: int) -> Application:
    """An application, for the applicant, members of the vacancy's organization, staff of the
    vacancy's region and administrators; 404 for everyone else, who must not learn it exists.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    application = _applications().prefetch_related(_events()).filter(pk=application_id).first()
    if application is None or application_viewer(user=user, application=application) is None:
        raise Http404("No such application")
    return application


def application_with_history(*, application_id: int) -> Application:
    """An application with what the API and pages show, history included; for re-reading one a
    service just changed (the caller already passed the access selector)."""
    return _applications().prefetch_related(_events()).get(pk=application_id)


def application_viewer(*, user: User, application: Application) -> str | None:
    """In which capacity ``user`` reads ``application``: the applicant, the employer, staff, or None."""
    if not user.is_authenticated:
        return None
    if application.seeker_id is not None and application.seeker_id == user.pk:
        return VIEWER_SEEKER
    membership = _membership(user)
    if membership is not None and membership.organization_id == application.vacancy.organization_id:
        return VIEWER_EMPLOYER
    if (user.is_administrator or user.role == User.Role.CENTRE_STAFF) and can_act_in_region(
        user, application.vacancy.region_id
    ):
        return VIEWER_STAFF
    return None


def applications_of_seeker(*, user: User) -> QuerySet[Application]:
    """The seeker's own applications, newest first, each with its full history."""
    require_role(user, User.Role.SEEKER)
    return _applications().filter(seeker=user).prefetch_related(_events()).order_by("-created_at", "-id")


def applications_for_vacancy(*, vacancy: Vacancy, status: str | None = None) -> QuerySet[Application]:
    """Candidates of one vacancy (the caller fetched it through ``vacancy_get_for_candidates``),
    oldest first, as employers work through them; optionally in one state."""
    queryset = Application.objects.filter(vacancy=vacancy).select_related("referral")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "id")


def application_status_counts(*, vacancy: Vacancy) -> dict[str, int]:
    """How many candidates of the vacancy are in each state (states without any are left out)."""
    rows = Application.objects.filter(vacancy=vacancy).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def application_for_seeker_and_vacancy(*, user: User, vacancy: Vacancy) -> Application | None:
    if not user.is_authenticated:
        return None
    return Application.objects.filter(seeker=user, vacancy=vacancy).first()


def application_apply_panel(*, user: User, vacancy: Vacancy) -> dict | None:
    """What ``vacancies/_apply.html`` shows on a vacancy page: None for everyone but job seekers.

    ``{"vacancy", "application": the seeker's application or None, "can_apply": bool,
    "problem": why this seeker cannot apply yet (no CV, no consent) or ""}``; the vacancy detail
    view passes it to the template as ``apply_panel``.
    """
    if not user.is_authenticated or user.role != User.Role.SEEKER:
        return None
    application = application_for_seeker_and_vacancy(user=user, vacancy=vacancy)
    can_apply = (
        application is None and vacancy.is_open_for_applications and vacancy.positions_filled < vacancy.positions
    )
    problem = ""
    if can_apply:
        has_consent = SeekerProfile.objects.filter(user=user).values_list("has_consent", flat=True).first()
        if has_consent is None:
            problem = _("Fill in your CV before applying.")
        elif not has_consent:
            problem = _(
                "Give your consent to the processing of personal data before applying: employers will read your CV."
            )
    return {"application": application, "can_apply": can_apply, "problem": problem, "vacancy": vacancy}


# --- Snapshots for display --------------------------------------------------------------------


def snapshot_label(entry: dict | None) -> str:
    """The name of a catalog entry stored in a CV snapshot, in the active language."""
    if not entry:
        return ""
    names = entry.get("name") or {}
    language = (get_language() or "en").split("-")[0]
    return names.get(language) or names.get("en") or entry.get("code", "")


def cv_snapshot_display(snapshot: dict) -> dict:
    """A CV snapshot with every catalog entry replaced by its name in the active language, for templates."""
    if not snapshot:
        return {}
    shown = dict(snapshot)
    shown["region"] = snapshot_label(snapshot.get("region"))
    for key in ("desired_occupations", "employment_types", "schedules", "skills"):
        shown[key] = [snapshot_label(entry) for entry in snapshot.get(key) or []]
    shown["education"] = [
        {**entry, "level": snapshot_label(entry.get("level"))} for entry in snapshot.get("education") or []
    ]
    shown["experience"] = [
        {**entry, "occupation": snapshot_label(entry.get("occupation"))} for entry in snapshot.get("experience") or []
    ]
    return shown


# --- CV search --------------------------------------------------------------------------------


def discoverable_profiles() -> QuerySet[SeekerProfile]:
    """Profiles employers may find: consent given, visible, active seeker account."""
    return SeekerProfile.objects.filter(
        has_consent=True,
        visibility=SeekerProfile.Visibility.VISIBLE,
        user__is_active=True,
        user__role=User.Role.SEEKER,
    )


def cv_search(
    *, user: User, region: str | None = None, occupation: str | None = None, skills: list[str] | tuple = ()
) -> QuerySet[SeekerProfile]:
    """Discoverable CVs for an employer (403 for other roles, 404 without an organization).

    ``region`` is a region code, ``occupation`` an ISCO-08 code prefix matched against the
    desired occupations (any level of the classifier), ``skills`` skill codes the CV must all
    have. Newest profiles first; the caller paginates by keyset. Nothing is logged here: only
    opening a CV is. Unverified organizations get 403 (``cv_access_refusal``).
    """
    employer_organization_get_for_cvs(user=user)
    queryset = discoverable_profiles()
    if region:
        queryset = queryset.filter(region__code=region)
    if occupation:
        through = SeekerProfile.desired_occupations.through
        queryset = queryset.filter(
            Exists(through.objects.filter(seekerprofile_id=OuterRef("pk"), occupation__code__startswith=occupation))
        )
    skill_through = SeekerProfile.skills.through
    for code in skills:
        # One EXISTS per skill: "has all of them" without joins that would repeat profiles.
        queryset = queryset.filter(
            Exists(skill_through.objects.filter(seekerprofile_id=OuterRef("pk"), skill__code=code))
        )
    return queryset.select_related("user", "region").prefetch_related("desired_occupations", "skills").order_by("-id")


def seeker_profile_get_for_employer(*, user: User, seeker_id: int) -> SeekerProfile:
    """A discoverable seeker's profile (by user id), for an employer opening the CV or inviting.

    Hidden profiles, profiles without consent and unknown ids all answer 404 alike; unverified
    organizations get 403 (``cv_access_refusal``).
    """
    employer_organization_get_for_cvs(user=user)
    profile = (
        discoverable_profiles()
        .select_related("user", "region")
        .prefetch_related("desired_occupations", "skills")
        .filter(user_id=seeker_id)
        .first()
    )
    if profile is None:
        raise Http404("No such job seeker")
    return profile


# --- Invitations ------------------------------------------------------------------------------


def _invitations() -> QuerySet[Invitation]:
    """Invitations with what lists show, and ``application_id``: the application an accepted one led to."""
    application = Application.objects.filter(vacancy=OuterRef("vacancy"), seeker=OuterRef("seeker")).values("id")[:1]
    return Invitation.objects.select_related(
        "vacancy__organization", "vacancy__region", "seeker", "invited_by"
    ).annotate(application_id=Subquery(application))


def invitation_with_details(*, invitation_id: int) -> Invitation:
    """An invitation with what lists show; for re-reading one a service just changed."""
    return _invitations().get(pk=invitation_id)


def invitation_get_for_viewing(*, user: User, invitation_id: int) -> Invitation:
    """An invitation, for the invited seeker and members of the vacancy's organization; 404 otherwise."""
    if not user.is_authenticated:
        raise PermissionDenied
    invitation = _invitations().filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    if invitation.seeker_id == user.pk:
        return invitation
    membership = _membership(user)
    if membership is None or membership.organization_id != invitation.vacancy.organization_id:
        raise Http404("No such invitation")
    return invitation


def invitations_for_user(*, user: User) -> QuerySet[Invitation]:
    """Invitations the seeker received, or those the employer's organization sent; newest first.

    Other roles get 403; an employer without an organization 404.
    """
    require_role(user, User.Role.SEEKER, User.Role.EMPLOYER)
    if user.role == User.Role.SEEKER:
        queryset = _invitations().filter(seeker=user)
    else:
        queryset = _invitations().filter(vacancy__organization=employer_organization_get(user=user))
    return queryset.order_by("-created_at", "-id")
