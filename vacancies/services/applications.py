"""Writes for applications, CV views and invitations.

An application moves through one transition table (``TRANSITIONS``) enforced by one function,
``application_transition``; hiring is the transition to ``hired``, which also takes a position of
the vacancy under a row lock. Every transition is recorded as an ``ApplicationEvent``.

Lock order, wherever more than one row is locked: vacancy, then application, then anything
hanging off the application (referral, invitation). Keeping one order means two services can
never deadlock on each other.
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Education, LanguageSkill, Membership, SeekerProfile, User, WorkExperience
from accounts.validators import mask_iin
from exchange.errors import BusinessError, ConflictError
from notifications.models import Kind
from notifications.services import NewNotification, notifications_create_bulk
from vacancies.models import Application, ApplicationEvent, CvView, Invitation, Referral, Vacancy
from vacancies.selectors.applications import cv_access_refusal
from vacancies.services.lifecycle import vacancy_can, vacancy_fill

Status = Application.Status

OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.VIEWED, Status.SHORTLISTED, Status.INTERVIEW, Status.OFFER})

# Who may make a transition: a member of the vacancy's organization, or the applicant.
EMPLOYER = "employer"
SEEKER = "seeker"

_FORWARD = (Status.SUBMITTED, Status.VIEWED, Status.SHORTLISTED, Status.INTERVIEW, Status.OFFER, Status.HIRED)

# The one transition table: (from, to) -> who may do it. Employers move a candidate forward and
# may skip steps (a referred candidate is often interviewed and hired outside the exchange) but
# never back; they reject from any open state; only the seeker withdraws. Hired, rejected and
# withdrawn are final: nothing leaves them.
TRANSITIONS: dict[tuple[str, str], str] = {
    **{(a, b): EMPLOYER for i, a in enumerate(_FORWARD) for b in _FORWARD[i + 1 :]},
    **{(a, Status.REJECTED): EMPLOYER for a in OPEN_STATUSES},
    **{(a, Status.WITHDRAWN): SEEKER for a in OPEN_STATUSES},
}


def transitions_from(status: str, actor: str) -> list[str]:
    """The states ``actor`` (``EMPLOYER`` or ``SEEKER``) may move an application in ``status`` to."""
    return [to for (frm, to), who in TRANSITIONS.items() if frm == status and who == actor]


# What a referral's outcome becomes when its application reaches a final state.
_REFERRAL_OUTCOMES = {
    Status.HIRED: Referral.Outcome.HIRED,
    Status.REJECTED: Referral.Outcome.NOT_HIRED,
    Status.WITHDRAWN: Referral.Outcome.NOT_HIRED,
}

COVER_LETTER_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 500
INVITATION_MESSAGE_MAX_LENGTH = 2000

SNAPSHOT_VERSION = 1


def _constraint_name(exc: IntegrityError) -> str | None:
    """The name of the constraint PostgreSQL reported as violated (psycopg's diagnostics)."""
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)


def _too_long(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        message = _("Use at most %(limit)d characters (you used %(length)d).") % {
            "limit": limit,
            "length": len(value),
        }
        raise BusinessError("invalid", _("Some fields are not valid."), fields={field: [str(message)]})


def is_member_of(user: User, organization_id: int) -> bool:
    """Whether ``user`` acts for the organization (administrators do not: they belong to none)."""
    return (
        user.is_authenticated
        and user.role == User.Role.EMPLOYER
        and Membership.objects.filter(user=user, organization_id=organization_id).exists()
    )


# --- CV snapshot ------------------------------------------------------------------------------


# The interface languages a snapshot keeps catalog names in.
SNAPSHOT_LANGUAGES = ("en", "ru", "kk")


def _names(entry, prefix: str = "name") -> dict:
    """A catalog row as it reads in every interface language, so the snapshot shows in each."""
    return {
        "code": entry.code,
        "name": {language: getattr(entry, f"{prefix}_{language}", "") for language in SNAPSHOT_LANGUAGES},
    }


def _catalog_columns(path: str, prefix: str = "name", *, key: str = "") -> dict[str, str]:
    """``JSONObject`` arguments reading the catalog row at ``path`` for ``_catalog_names``: its code
    and its names in each language, under keys starting with ``key``."""
    return {
        f"{key}code": f"{path}__code",
        **{f"{key}{language}": f"{path}__{prefix}_{language}" for language in SNAPSHOT_LANGUAGES},
    }


def _catalog_names(row: dict, *, key: str = "") -> dict | None:
    """What ``_names`` makes of the catalog row ``_catalog_columns`` read; None for no row."""
    if row[f"{key}code"] is None:
        return None
    return {"code": row[f"{key}code"], "name": {language: row[f"{key}{language}"] for language in SNAPSHOT_LANGUAGES}}


def _rows(queryset, **columns) -> ArraySubquery:
    """The rows of ``queryset``, in its order, as a list of JSON objects of ``columns``."""
    return ArraySubquery(queryset.values(row=JSONObject(**columns)))


def _cv_lists(profile: SeekerProfile) -> dict:
    """Everything the CV lists (occupations, employment types, schedules, skills, languages,
    education, experience), in one query: an ``ARRAY(SELECT ...)`` per list, each in the order
    the CV shows it. One statement also reads every list at one moment, while the seeker may be
    editing the CV."""

    def chosen(name: str, *order: str, prefix: str = "name") -> ArraySubquery:
        """The catalog rows of the many-to-many field ``name``, read through its link table."""
        field = SeekerProfile._meta.get_field(name)
        target = field.m2m_reverse_field_name()
        links = field.remote_field.through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")})
        return _rows(links.order_by(*(f"{target}__{column}" for column in order)), **_catalog_columns(target, prefix))

    lists = {
        "desired_occupations": chosen("desired_occupations", "code", prefix="title"),
        "employment_types": chosen("employment_types", "position", "code"),
        "schedules": chosen("schedules", "position", "code"),
        "skills": chosen("skills", "name_en"),
        "languages": _rows(
            LanguageSkill.objects.filter(profile=OuterRef("pk")).order_by("language"),
            language="language",
            level="level",
        ),
        "education": _rows(
            # The order of Education.Meta.ordering, as ``profile.educations`` reads them.
            Education.objects.filter(profile=OuterRef("pk")).order_by("-graduation_year", "-id"),
            institution="institution",
            specialty="specialty",
            graduation_year="graduation_year",
            is_current="is_current",
            **_catalog_columns("level", key="level_"),
        ),
        "experience": _rows(
            # The order of WorkExperience.Meta.ordering.
            WorkExperience.objects.filter(profile=OuterRef("pk")).order_by("-start_date"),
            employer_name="employer_name",
            position="position",
            start_date="start_date",  # JSON writes a date as ISO 8601, as date.isoformat()
            end_date="end_date",
            description="description",
            **_catalog_columns("occupation", "title", key="occupation_"),
        ),
    }
    # Aliased: the names of the lists are the profile's own field names.
    row = (
        SeekerProfile.objects.filter(pk=profile.pk).values(**{f"cv_{name}": rows for name, rows in lists.items()}).get()
    )
    return {name: row[f"cv_{name}"] for name in lists}


def cv_snapshot_build(profile: SeekerProfile) -> dict:
    """The seeker's CV as a JSON-ready dict: what the employer reads, frozen at the moment it is sent.

    Employers read snapshots, so the IIN is stored masked, and the birth date is reduced to an
    age: the masked IIN hides exactly the birth date, and storing both would give the IIN away.
    Catalog entries keep their code and their names in the three languages.

    One query for the lists (``_cv_lists``), plus the user and the region unless the caller
    read them with the profile (``select_related("user", "region")``).
    """
    user = profile.user
    today = timezone.localdate()
    lists = _cv_lists(profile)
    return {
        "version": SNAPSHOT_VERSION,
        "taken_at": timezone.now().isoformat(),
        "full_name": user.get_full_name(),
        "email": user.email,
        "phone": profile.phone,
        "iin_masked": mask_iin(profile.iin) if profile.iin else "",
        "age": profile.age_on(today),
        "region": _names(profile.region) if profile.region_id else None,
        "locality": profile.locality,
        "headline": profile.headline,
        "about": profile.about,
        "search_status": profile.search_status,
        "desired_occupations": [_catalog_names(row) for row in lists["desired_occupations"]],
        "desired_salary": profile.desired_salary,
        "employment_types": [_catalog_names(row) for row in lists["employment_types"]],
        "schedules": [_catalog_names(row) for row in lists["schedules"]],
        "willing_to_relocate": profile.willing_to_relocate,
        "remote_ok": profile.remote_ok,
        "skills": [_catalog_names(row) for row in lists["skills"]],
        "other_skills": profile.other_skills,
        "languages": [{"language": row["language"], "level": row["level"]} for row in lists["languages"]],
        "education": [
            {
                "level": _catalog_names(row, key="level_"),
                "institution": row["institution"],
                "specialty": row["specialty"],
                "graduation_year": row["graduation_year"],
                "is_current": row["is_current"],
            }
            for row in lists["education"]
        ],
        "experience": [
            {
                "employer_name": row["employer_name"],
                "position": row["position"],
                "occupation": _catalog_names(row, key="occupation_"),
                "start_date": row["start_date"],
                "end_date": row["end_date"],
                "description": row["description"],
            }
            for row in lists["experience"]
        ],
    }


# --- Notifications ----------------------------------------------------------------------------
# Written in the transaction of the event (the notifications outbox), delivered after the commit.


def _member_ids(organization_id: int) -> list[int]:
    return list(
        Membership.objects.filter(organization_id=organization_id, user__is_active=True)
        .order_by("id")
        .values_list("user_id", flat=True)
    )


def _notify_new_application(application: Application, vacancy: Vacancy) -> None:
    """The organization's members hear of a new applicant (a digest kind by default)."""
    notifications_create_bulk(
        items=[
            NewNotification(
                recipient_id=member_id,
                kind=Kind.NEW_APPLICATIONS,
                subject=f"application:{application.pk}",
                data={
                    "application_id": application.pk,
                    "vacancy_id": vacancy.pk,
                    "vacancy_title": vacancy.title,
                    "source": application.source,
                },
                url=reverse("vacancies:candidates", args=[vacancy.pk]),
            )
            for member_id in _member_ids(vacancy.organization_id)
        ]
    )


def _notify_status_change(application: Application, reason: str) -> None:
    """The seeker hears of every state the employer moves their application to."""
    vacancy = (
        Vacancy.objects.select_related("organization")
        .only("title", "organization__legal_name")
        .get(pk=application.vacancy_id)
    )
    notifications_create_bulk(
        items=[
            NewNotification(
                recipient_id=application.seeker_id,
                kind=Kind.APPLICATION_STATUS,
                subject=f"application:{application.pk}:{application.status}",
                data={
                    "application_id": application.pk,
                    "vacancy_id": vacancy.pk,
                    "vacancy_title": vacancy.title,
                    "organization_name": vacancy.organization.legal_name,
                    "status": application.status,
                    "reason": reason,
                },
                url=reverse("vacancies:application-detail", args=[application.pk]),
            )
        ]
    )


# --- Applying ---------------------------------------------------------------------------------


def _open_vacancy_state(vacancy_id: int) -> Vacancy:
    """The vacancy's state as it is now, with its employer's, for ``_require_open_vacancy``: the
    caller's object may be stale (a hire may have just filled it)."""
    return (
        Vacancy.objects.select_related("organization")
        .only("status", "positions", "positions_filled", "expires_at", "organization__status")
        .get(pk=vacancy_id)
    )


def _require_open_vacancy(vacancy: Vacancy) -> None:
    """Open for applications (``Vacancy.is_open_for_applications``) with a position left; 409
    otherwise."""
    if not vacancy.is_open_for_applications:
        raise ConflictError("vacancy_not_open", _("This vacancy is not open for applications."))
    if vacancy.positions_filled >= vacancy.positions:
        raise ConflictError("no_positions_left", _("All positions of this vacancy have been filled."))


def _applicant_profile(seeker: User) -> SeekerProfile:
    """The profile of a seeker who may apply, or the business error saying why they may not."""
    if not (seeker.is_authenticated and seeker.is_active and seeker.role == User.Role.SEEKER):
        raise BusinessError("seekers_only", _("Only job seekers can apply to vacancies."), status_code=403)
    profile = SeekerProfile.objects.select_related("user", "region").filter(user=seeker).first()
    if profile is None:
        raise BusinessError("profile_required", _("Fill in your CV before applying."))
    if not profile.has_consent:
        raise BusinessError(
            "consent_required",
            _("Give your consent to the processing of personal data before applying: employers will read your CV."),
        )
    return profile


def application_submit(
    *,
    vacancy: Vacancy,
    seeker: User,
    cover_letter: str = "",
    source: str = Application.Source.DIRECT,
    by: User | None = None,
) -> Application:
    """``seeker`` applies to ``vacancy``; returns the new application in state ``submitted``.

    Preconditions: a seeker with a CV and active consent (``consent_required``), a published
    vacancy with a position open (409 ``vacancy_not_open`` / ``no_positions_left``). One
    application per seeker and vacancy is the database's rule: a second one, even racing the
    first, answers 409 ``already_applied``. ``by`` is who acted when it is not the seeker (staff
    making a referral); the event records them.

    Runs in its own transaction (or a savepoint of the caller's).
    """
    cover_letter = (cover_letter or "").strip()
    _too_long("cover_letter", cover_letter, COVER_LETTER_MAX_LENGTH)
    profile = _applicant_profile(seeker)

    with transaction.atomic():
        _require_open_vacancy(_open_vacancy_state(vacancy.pk))
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    vacancy=vacancy,
                    seeker=seeker,
                    source=source,
                    cover_letter=cover_letter,
                    cv_snapshot=cv_snapshot_build(profile),
                    status=Status.SUBMITTED,
                    seeker_region_id=profile.region_id,
                    seeker_was_youth=profile.is_youth(),
                )
        except IntegrityError as exc:
            if _constraint_name(exc) == "one_application_per_seeker_and_vacancy":
                raise ConflictError("already_applied", _("You have already applied to this vacancy.")) from None
            raise
        ApplicationEvent.objects.create(
            application=application, from_status="", to_status=Status.SUBMITTED, by=by or seeker
        )
        # A referral tells the employer itself (vacancies.services.referrals), with its deadline.
        if source != Application.Source.REFERRAL:
            _notify_new_application(application, vacancy)
    return application


# --- The state machine ------------------------------------------------------------------------


def _check_actor(actor: str, *, application: Application, organization_id: int, by: User) -> None:
    if actor == SEEKER:
        allowed = by.is_authenticated and application.seeker_id is not None and application.seeker_id == by.pk
    else:
        allowed = is_member_of(by, organization_id)
    if not allowed:
        raise PermissionDenied


def _take_position(vacancy: Vacancy) -> None:
    """Fill one position of ``vacancy``, which the caller has locked with SELECT ... FOR UPDATE.

    The counter moves with F() in the database. The last position fills the vacancy through the
    life-cycle service, in this transaction and under the same lock, when its state machine
    allows it (a published or paused vacancy); a closed or expired one keeps its state and just
    counts the hire.
    """
    if vacancy.positions_filled >= vacancy.positions:
        raise ConflictError("no_positions_left", _("All positions of this vacancy have been filled."))
    Vacancy.objects.filter(pk=vacancy.pk).update(positions_filled=F("positions_filled") + 1, updated_at=timezone.now())
    if vacancy.positions_filled + 1 >= vacancy.positions and vacancy_can(vacancy=vacancy, action="fill"):
        vacancy_fill(vacancy=vacancy)


def application_transition(
    *, application: Application, to_status: str, by: User, reason: str = "", via_fair: bool = False
) -> Application:
    """Move ``application`` to ``to_status`` as ``by``; returns the updated application.

    The one place that enforces ``TRANSITIONS``: a move the table does not have answers 409
    ``invalid_transition``; a move ``by`` may not make raises PermissionDenied. Rejecting needs a
    reason (400 ``reason_required``). Moving to ``hired`` takes a position of the vacancy (409
    ``no_positions_left`` when none is left) and fills the vacancy at the last one. An application
    made at a job fair is hired only through the fair (``via_fair``, set by the fairs app's hiring
    service, which counts the positions offered at the fair); elsewhere it answers 409
    ``hire_at_fair``. A referred application's referral gets its outcome when the application
    reaches a final state.

    Locks the application row (and, when hiring, the vacancy row first) for the whole
    transaction, so two people acting at once are applied one after the other, each against
    the state the other left.
    """
    reason = (reason or "").strip()
    if to_status not in Status.values:
        message = _("Unknown application status.")
        raise BusinessError("invalid", _("Some fields are not valid."), fields={"to_status": [str(message)]})
    _too_long("reason", reason, REASON_MAX_LENGTH)

    with transaction.atomic():
        vacancy = None
        if to_status == Status.HIRED:
            vacancy = Vacancy.objects.select_for_update().get(pk=application.vacancy_id)
        locked = Application.objects.select_for_update().get(pk=application.pk)
        from_status = locked.status

        actor = TRANSITIONS.get((from_status, to_status))
        if actor is None:
            raise ConflictError(
                "invalid_transition",
                _("An application cannot move from “%(from)s” to “%(to)s”.")
                % {"from": Status(from_status).label, "to": Status(to_status).label},
            )
        organization_id = (
            vacancy.organization_id
            if vacancy
            else Vacancy.objects.values_list("organization_id", flat=True).get(pk=locked.vacancy_id)
        )
        _check_actor(actor, application=locked, organization_id=organization_id, by=by)
        if to_status == Status.HIRED and locked.source == Application.Source.FAIR and not via_fair:
            raise ConflictError(
                "hire_at_fair",
                _(
                    "This candidate applied at an online job fair: hire them on the fair's screening page, "
                    "which keeps count of the positions offered at the fair."
                ),
            )
        if to_status == Status.REJECTED and not reason:
            message = _("Say why the candidate is rejected: the job seeker will see the reason.")
            raise BusinessError("reason_required", message, fields={"reason": [str(message)]})
        if vacancy is not None:
            _take_position(vacancy)

        locked.status = to_status
        locked.status_reason = reason if to_status in (Status.REJECTED, Status.WITHDRAWN) else ""
        locked.save(update_fields=["status", "status_reason", "updated_at"])
        ApplicationEvent.objects.create(
            application=locked, from_status=from_status, to_status=to_status, by=by, note=reason
        )
        # The seeker's own moves (withdrawing) are not news to them.
        if actor == EMPLOYER and locked.seeker_id is not None:
            _notify_status_change(locked, locked.status_reason)
        outcome = _REFERRAL_OUTCOMES.get(to_status)
        if outcome and locked.source == Application.Source.REFERRAL:
            Referral.objects.filter(application=locked, outcome=Referral.Outcome.PENDING).update(
                outcome=outcome, updated_at=timezone.now()
            )
    return locked


def application_hire(*, application: Application, by: User, via_fair: bool = False) -> Application:
    """Hire the candidate: the transition to ``hired`` (see ``application_transition``).

    Concurrency-safe: the vacancy row is locked before its counter is read, so however many
    hires run at once, ``positions_filled`` never passes ``positions``; the others get 409
    ``no_positions_left``.
    """
    return application_transition(application=application, to_status=Status.HIRED, by=by, via_fair=via_fair)


def application_withdraw(*, application: Application, by: User, reason: str = "") -> Application:
    """The seeker takes their application back (see ``application_transition``)."""
    return application_transition(application=application, to_status=Status.WITHDRAWN, by=by, reason=reason)


def application_open_cv(*, application: Application, by: User) -> Application:
    """An employer member opens the CV of an application: logged, and ``submitted`` becomes ``viewed``.

    Raises PermissionDenied for anyone but members of the vacancy's organization (the seeker
    reading their own application, staff and administrators read without this). Each opening
    is logged; only the first moves the state.
    """
    organization_id = Vacancy.objects.values_list("organization_id", flat=True).get(pk=application.vacancy_id)
    if not is_member_of(by, organization_id):
        raise PermissionDenied
    with transaction.atomic():
        if application.seeker_id is not None:
            CvView.objects.create(
                viewer=by, seeker_id=application.seeker_id, application=application, organization_id=organization_id
            )
        # Checked again under the lock: two members opening at once record one transition.
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status == Status.SUBMITTED:
            locked = application_transition(application=locked, to_status=Status.VIEWED, by=by)
    application.status = locked.status
    return locked


# --- Erasure ----------------------------------------------------------------------------------


def applications_anonymise(*, user: User) -> int:
    """Erase what a seeker's applications hold about them, before their account is deleted.

    Registered in ``settings.PERSONAL_DATA_ERASERS`` and called inside the deletion's
    transaction. The CV snapshot, cover letter and the free-text reasons (the employer's words
    about this person, or theirs) are blanked; status, vacancy, source, dates, region and the
    youth flag stay as anonymous statistics, and the deletion itself sets ``seeker`` to NULL.
    Returns the number of applications anonymised.
    """
    now = timezone.now()
    with transaction.atomic():
        applications = Application.objects.filter(seeker=user)
        ApplicationEvent.objects.filter(application__in=applications).exclude(note="").update(note="", updated_at=now)
        return applications.update(cv_snapshot={}, cover_letter="", status_reason="", updated_at=now)


# --- CV search and invitations ----------------------------------------------------------------


def seeker_cv_open(*, profile: SeekerProfile, by: User) -> dict:
    """An employer member opens a visible seeker's CV from the CV search: logged, returned masked.

    Only discoverable profiles (consent, visible, active account) can be opened; the caller's
    access selector already refuses the others, and this checks again (404 ``seeker_not_found``).
    """
    membership = (
        Membership.objects.select_related("organization").filter(user=by, user__role=User.Role.EMPLOYER).first()
        if by.is_authenticated
        else None
    )
    if membership is None:
        raise PermissionDenied
    if refusal := cv_access_refusal(membership.organization):
        raise refusal
    if not profile.is_discoverable:
        raise BusinessError("seeker_not_found", _("This job seeker's CV is not available."), status_code=404)
    CvView.objects.create(viewer=by, seeker=profile.user, application=None, organization_id=membership.organization_id)
    return cv_snapshot_build(profile)


def invitation_send(*, vacancy: Vacancy, seeker: User, by: User, message: str = "") -> Invitation:
    """A member of the vacancy's organization invites a visible job seeker to apply.

    Preconditions: ``by`` acts for the vacancy's organization (PermissionDenied), the vacancy is
    published with a position open (409), the seeker's profile is discoverable (404
    ``seeker_not_found``, also when it is not a seeker at all), the seeker has not applied
    (409 ``already_applied``). One invitation per vacancy and seeker, by the database (409
    ``already_invited``, race-safe).
    """
    message = (message or "").strip()
    _too_long("message", message, INVITATION_MESSAGE_MAX_LENGTH)
    if not is_member_of(by, vacancy.organization_id):
        raise PermissionDenied
    if refusal := cv_access_refusal(vacancy.organization):
        raise refusal
    profile = SeekerProfile.objects.select_related("user").filter(user=seeker, user__role=User.Role.SEEKER).first()
    if profile is None or not profile.is_discoverable:
        raise BusinessError("seeker_not_found", _("This job seeker cannot be invited."), status_code=404)

    with transaction.atomic():
        _require_open_vacancy(_open_vacancy_state(vacancy.pk))
        if Application.objects.filter(vacancy=vacancy, seeker=seeker).exists():
            raise ConflictError("already_applied", _("This job seeker has already applied to this vacancy."))
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(vacancy=vacancy, seeker=seeker, invited_by=by, message=message)
        except IntegrityError as exc:
            if _constraint_name(exc) == "one_invitation_per_seeker":
                raise ConflictError(
                    "already_invited", _("This job seeker has already been invited to this vacancy.")
                ) from None
            raise
        notifications_create_bulk(
            items=[
                NewNotification(
                    recipient_id=seeker.pk,
                    kind=Kind.INVITATION,
                    subject=f"invitation:{invitation.pk}",
                    data={
                        "invitation_id": invitation.pk,
                        "vacancy_id": vacancy.pk,
                        "vacancy_title": vacancy.title,
                        "organization_name": vacancy.organization.legal_name,
                        "message": message,
                    },
                    url=reverse("vacancies:invitations"),
                )
            ]
        )
    return invitation


def invitation_answer(*, invitation: Invitation, by: User, accept: bool) -> Invitation:
    """The invited seeker accepts (which applies, with source ``invitation``) or declines.

    Only the invited seeker answers (PermissionDenied), once (409 ``invitation_answered``).
    Accepting runs ``application_submit`` in the same transaction: if applying is refused (no
    consent, vacancy closed, already applied) the invitation stays unanswered.
    """
    with transaction.atomic():
        # of=("self",): lock the invitation only, not the vacancy joined in (hires lock that).
        locked = Invitation.objects.select_for_update(of=("self",)).select_related("vacancy").get(pk=invitation.pk)
        if not by.is_authenticated or locked.seeker_id != by.pk:
            raise PermissionDenied
        if locked.status != Invitation.Status.SENT:
            raise ConflictError("invitation_answered", _("This invitation has already been answered."))
        if accept:
            application_submit(vacancy=locked.vacancy, seeker=by, source=Application.Source.INVITATION)
        locked.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_at", "updated_at"])
    return locked
