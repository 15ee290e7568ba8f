"""Writes for a vacancy's life: creation and edits, moderation, pausing, closing, prolonging,
expiry with its reminder, and the "report this vacancy" queue.

Every status change goes through ``TRANSITIONS`` (which states an action starts from, which it
leads to, who may take it) and ``_begin``, which locks the row and checks the table. Nothing else
in the code base sets ``Vacancy.status`` except the set-based expiry update, which reads its
source states from the same table.

Life cycle::

    draft --submit--> pending --approve--> published --pause--> paused --resume--> published
      ^                  |                    |   \\--expire--> expired
      |                reject               reject, close, fill
      +--- (edit) <-- rejected --submit--> pending

Duplicate detection: an employer cannot have two *open* (pending, published, paused) vacancies
with the same title (case-insensitive), occupation and region. The services check before they
write, to answer with a link to the existing vacancy, and the partial unique constraint
``vacancy_no_open_duplicate`` settles races: its ``IntegrityError`` is answered the same way.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Membership, Organization, User
from accounts.selectors.access import can_act_in_region, membership_of
from catalog.models import Occupation
from exchange.errors import BusinessError, ConflictError
from notifications.models import Kind
from notifications.services import NewNotification, notifications_create_bulk
from vacancies.models import NationalProject, Vacancy, VacancyReport
from vacancies.selectors.lifecycle import vacancy_find_open_duplicate
from vacancies.services.matching import vacancy_fanout_schedule

logger = logging.getLogger(__name__)

Status = Vacancy.Status

PUBLICATION_DAYS = 30
MAX_PROLONG_DAYS = 30
REMINDER_DAYS_BEFORE = 3
# Sanity bounds that also keep values inside the PositiveIntegerField columns.
MAX_SALARY = 100_000_000
MAX_POSITIONS = 10_000
DUPLICATE_CONSTRAINT = "vacancy_no_open_duplicate"
EXTERNAL_ID_CONSTRAINT = "vacancy_unique_external_id"

# Fields an employer sets; everything else (status, dates, counters, skills_text) belongs to the
# services. ``required_skills`` and ``nice_skills`` take lists of catalog Skill objects.
EDITABLE_FIELDS = frozenset(
    {
        "external_id",
        "title",
        "occupation",
        "description",
        "duties",
        "requirements",
        "education_level",
        "experience_years",
        "required_skills",
        "nice_skills",
        "languages",
        "salary_min",
        "salary_max",
        "salary_is_gross",
        "employment_type",
        "schedule",
        "region",
        "locality",
        "address",
        "is_remote",
        "positions",
        "is_youth_friendly",
        "is_quota",
        "has_social_package",
        "national_project",
        "contact_name",
        "contact_phone",
        "contact_email",
    }
)
REQUIRED_FIELDS = ("title", "occupation", "description", "employment_type", "schedule", "region")
M2M_FIELDS = ("required_skills", "nice_skills")

# An employer may edit a vacancy in these states. A published (or paused) vacancy stays live
# while it is edited, without a second moderation: moderators see every vacancy when it is first
# submitted, and the "report this vacancy" queue catches later abuse. Its duplicate check runs
# again, since a new title may now clash with another open vacancy. A pending vacancy is frozen
# so the moderator approves exactly what they read.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.REJECTED, Status.PUBLISHED, Status.PAUSED})

# --- The transition table ---------------------------------------------------------------------

MEMBER = "member"  # a member of the vacancy's organization (or staff of its region, or an admin)
MODERATOR = "moderator"  # staff of the vacancy's region, or an admin
SYSTEM = "system"  # periodic tasks and other services; no user


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the status stays (prolong)
    actor: str


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({Status.DRAFT, Status.REJECTED}), Status.PENDING, MEMBER),
    "approve": Transition(frozenset({Status.PENDING}), Status.PUBLISHED, MODERATOR),
    # Moderators reject pending vacancies, and take down live ones when a report is upheld.
    "reject": Transition(frozenset({Status.PENDING, Status.PUBLISHED, Status.PAUSED}), Status.REJECTED, MODERATOR),
    "pause": Transition(frozenset({Status.PUBLISHED}), Status.PAUSED, MEMBER),
    "resume": Transition(frozenset({Status.PAUSED}), Status.PUBLISHED, MEMBER),
    "close": Transition(
        frozenset({Status.DRAFT, Status.PENDING, Status.PUBLISHED, Status.PAUSED, Status.REJECTED, Status.EXPIRED}),
        Status.CLOSED,
        MEMBER,
    ),
    "prolong": Transition(frozenset({Status.PUBLISHED, Status.PAUSED}), None, MEMBER),
    # Pausing does not stop the clock: a paused vacancy whose time ran out expires too, rather
    # than going live on resume only to expire at the next run of the task.
    "expire": Transition(frozenset({Status.PUBLISHED, Status.PAUSED}), Status.EXPIRED, SYSTEM),
    # The last hire fills the vacancy. The hiring service makes this change itself, under its
    # own lock and in one UPDATE with the counter; ``vacancy_fill`` is here for other callers.
    "fill": Transition(frozenset({Status.PUBLISHED, Status.PAUSED}), Status.FILLED, SYSTEM),
}


def vacancy_can(*, vacancy: Vacancy, action: str) -> bool:
    """Whether ``action`` may start from the vacancy's current status (for showing buttons)."""
    return vacancy.status in TRANSITIONS[action].sources


def _is_member(user: User | None, organization_id: int) -> bool:
    membership = membership_of(user) if user is not None else None
    return membership is not None and membership.organization_id == organization_id


def _check_actor(*, actor: str, by: User | None, organization_id: int, region_id: int) -> None:
    if actor == SYSTEM:
        return
    if by is None or not by.is_authenticated:
        raise PermissionDenied
    if actor == MODERATOR and by.is_employer:
        raise PermissionDenied
    if actor == MEMBER and _is_member(by, organization_id):
        return
    if not can_act_in_region(by, region_id):
        raise PermissionDenied


def _lock(vacancy: Vacancy | int) -> Vacancy:
    """The vacancy read afresh under a row lock (only its own row: ``of=self``), with the
    references the rules and the error messages need."""
    vacancy_id = vacancy if isinstance(vacancy, int) else vacancy.pk
    return (
        Vacancy.objects.select_for_update(of=("self",))
        .select_related(
            "organization", "occupation", "region", "employment_type", "schedule", "education_level", "national_project"
        )
        .get(pk=vacancy_id)
    )


def _begin(*, vacancy: Vacancy | int, action: str, by: User | None) -> Vacancy:
    """Lock the vacancy's row and check ``action`` against ``TRANSITIONS``; the caller's
    ``transaction.atomic`` must be open. Returns the freshly read, locked vacancy."""
    locked = _lock(vacancy)
    rule = TRANSITIONS[action]
    _check_actor(actor=rule.actor, by=by, organization_id=locked.organization_id, region_id=locked.region_id)
    if locked.status not in rule.sources:
        raise ConflictError(
            "invalid_transition",
            _refusal(action) % {"status": locked.get_status_display()},
            fields={"status": [locked.status]},
        )
    return locked


def _refusal(action: str) -> str:
    # Whole sentences, not a verb slotted into one: Russian and Kazakh inflect the words around it.
    return {
        "submit": gettext("Only a draft or a rejected vacancy can be submitted; this one is “%(status)s”."),
        "approve": gettext("Only a vacancy waiting for moderation can be approved; this one is “%(status)s”."),
        "reject": gettext("This vacancy is “%(status)s” and cannot be rejected."),
        "pause": gettext("Only a published vacancy can be paused; this one is “%(status)s”."),
        "resume": gettext("Only a paused vacancy can be resumed; this one is “%(status)s”."),
        "close": gettext("This vacancy is already “%(status)s”."),
        "prolong": gettext("Only a published or paused vacancy can be prolonged; this one is “%(status)s”."),
        "expire": gettext("This vacancy is “%(status)s” and cannot expire."),
        "fill": gettext("This vacancy is “%(status)s” and cannot be filled."),
    }[action]


def _finish(vacancy: Vacancy, action: str, *, update_fields: Iterable[str] = ()) -> Vacancy:
    target = TRANSITIONS[action].target
    fields = set(update_fields) | {"updated_at"}
    if target is not None:
        vacancy.status = target
        fields.add("status")
    _save(vacancy, update_fields=fields)
    return vacancy


# --- Validation -------------------------------------------------------------------------------

_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def national_project_refusal(*, project: NationalProject, organization_id: int, region_id: int | None) -> str | None:
    """Why a vacancy of ``organization_id`` in ``region_id`` may not belong to ``project``, or
    None when it may.

    A project with an implementing employer takes that employer's vacancies only. One without
    (its tender is still open, or its contractor is not an employer of the exchange) takes the
    vacancies of its region, from any employer: they are the jobs the project is to create there.
    Staff and administrators acting for an employer follow the same rule.
    """
    if project.employer_id is not None:
        if project.employer_id == organization_id:
            return None
        return gettext(
            "This national project is implemented by another employer; only that employer's vacancies can belong to it."
        )
    if region_id is not None and project.region_id == region_id:
        return None
    return gettext(
        "This national project has no implementing employer yet, so only vacancies in its region "
        "(%(region)s) can belong to it."
    ) % {"region": project.region.name}


def _validate(
    values: dict, *, positions_filled: int = 0, organization_id: int | None = None, check_project: bool = True
) -> None:
    """Check the business rules on a vacancy's fields; raise one BusinessError listing every
    problem, keyed by field, so a form or the API can show each next to its field.

    With ``organization_id``, a ``national_project`` is checked against ``national_project_refusal``
    (unless ``check_project`` is false: the link is not being made or changed)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message) -> None:
        errors.setdefault(field, []).append(str(message))

    for field in REQUIRED_FIELDS:
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            add(field, gettext("This field is required."))

    occupation = values.get("occupation")
    if isinstance(occupation, Occupation) and occupation.level != Occupation.Level.UNIT:
        add(
            "occupation",
            gettext("Choose an ISCO-08 unit group (a four-digit code); %(code)s is a broader group.")
            % {"code": occupation.code},
        )

    salary_min, salary_max = values.get("salary_min"), values.get("salary_max")
    for field, value in (("salary_min", salary_min), ("salary_max", salary_max)):
        if value is not None and value < 0:
            add(field, gettext("A salary cannot be negative."))
        elif value is not None and value > MAX_SALARY:
            add(field, gettext("Enter a monthly salary in tenge, at most %(max)s.") % {"max": MAX_SALARY})
    if salary_min is not None and salary_max is not None and 0 <= salary_max < salary_min:
        add("salary_max", gettext("The upper salary must not be lower than the lower one."))

    positions = values.get("positions")
    if positions is None or positions < 1:
        add("positions", gettext("There must be at least one position."))
    elif positions > MAX_POSITIONS:
        add("positions", gettext("Enter at most %(max)s positions.") % {"max": MAX_POSITIONS})
    elif positions < positions_filled:
        add(
            "positions",
            gettext("%(filled)s positions are already filled; the number of positions cannot be lower.")
            % {"filled": positions_filled},
        )

    experience = values.get("experience_years")
    if experience is not None and not 0 <= experience <= 50:
        add("experience_years", gettext("Enter a number of years between 0 and 50."))

    for code in values.get("languages") or []:
        if not isinstance(code, str) or not _LANGUAGE_CODE.match(code):
            add("languages", gettext("“%(code)s” is not a two-letter ISO 639-1 language code.") % {"code": code})

    project = values.get("national_project")
    if check_project and organization_id is not None and isinstance(project, NationalProject):
        region = values.get("region")
        refusal = national_project_refusal(
            project=project, organization_id=organization_id, region_id=getattr(region, "pk", None)
        )
        if refusal:
            add("national_project", refusal)

    if errors:
        raise BusinessError("invalid", gettext("Some fields are not valid."), fields=errors)


def skills_text_for(skills: Iterable) -> str:
    """Every skill's name in every language, one skill a line, for the full-text search."""
    lines = []
    for skill in skills:
        names = dict.fromkeys(n for n in (skill.name_en, skill.name_ru, skill.name_kk) if n)
        lines.append(" ".join(names))
    return "\n".join(lines)


# --- Duplicates -------------------------------------------------------------------------------


def _duplicate_error(existing: Vacancy | None) -> ConflictError:
    if existing is None:  # the other one was closed again between the failure and our look-up
        message = gettext("An open vacancy with the same title, occupation and region already exists.")
        return ConflictError("duplicate_vacancy", message, fields={"title": [message]})
    url = existing.get_absolute_url()
    message = gettext(
        "You already have an open vacancy with the same title, occupation and region: "
        "“%(title)s” (%(status)s), %(url)s. Edit or close that one instead."
    ) % {"title": existing.title, "status": existing.get_status_display(), "url": url}
    return ConflictError(
        "duplicate_vacancy", message, fields={"title": [message], "duplicate_of": [str(existing.pk)], "url": [url]}
    )


def _refuse_duplicate(vacancy: Vacancy) -> None:
    existing = vacancy_find_open_duplicate(vacancy=vacancy)
    if existing is not None:
        raise _duplicate_error(existing)


def _violates(exc: IntegrityError, constraint: str) -> bool:
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name == constraint if name else constraint in str(exc)


def external_id_taken_error(external_id: str) -> ConflictError:
    """The refusal of a reference another vacancy of the same employer already has (the unique
    constraint ``vacancy_unique_external_id``)."""
    message = gettext(
        "Another vacancy of your organization already has the reference “%(external_id)s”. Use a different reference."
    ) % {"external_id": external_id}
    return ConflictError("duplicate_external_id", message, fields={"external_id": [message]})


def _save(vacancy: Vacancy, **kwargs) -> None:
    """``vacancy.save()`` in a savepoint; a race that the duplicate check lost turns into the
    same ``duplicate_vacancy`` error (the savepoint keeps the outer transaction usable for the
    look-up of the vacancy that won), and a reference (``external_id``) another vacancy of the
    employer has into ``duplicate_external_id`` on that field. The database's unique constraint
    is the check: it also settles two writers at once."""
    try:
        with transaction.atomic():
            vacancy.save(**kwargs)
    except IntegrityError as exc:
        if _violates(exc, DUPLICATE_CONSTRAINT):
            raise _duplicate_error(vacancy_find_open_duplicate(vacancy=vacancy)) from exc
        if _violates(exc, EXTERNAL_ID_CONSTRAINT):
            raise external_id_taken_error(vacancy.external_id) from exc
        raise


def _require_verified(organization: Organization, *, by_moderator: bool = False) -> None:
    if organization.status == Organization.Status.VERIFIED:
        return
    if by_moderator:
        message = gettext("The employer's organization is not verified, so its vacancies cannot be published.")
    else:
        message = gettext(
            "Your organization has not been verified yet, so its vacancies cannot be published. "
            "You can keep preparing drafts; an employment centre checks new organizations within "
            "a few working days."
        )
    raise BusinessError("organization_not_verified", message, status_code=403)


# --- Creating and editing ---------------------------------------------------------------------


_ONE_LINE_FIELDS = ("title", "locality", "address", "contact_name", "contact_phone", "contact_email", "external_id")


def _stripped(values: dict) -> dict:
    return {k: v.strip() if k in _ONE_LINE_FIELDS and isinstance(v, str) else v for k, v in values.items()}


def _split_fields(fields: dict) -> tuple[dict, dict]:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable vacancy fields: {', '.join(sorted(unknown))}")
    plain = {k: v for k, v in fields.items() if k not in M2M_FIELDS}
    m2m = {k: list(v or []) for k, v in fields.items() if k in M2M_FIELDS}
    return plain, m2m


@transaction.atomic
def vacancy_create(*, organization: Organization, by: User, **fields) -> Vacancy:
    """Create a draft vacancy for ``organization``.

    ``fields`` are the employer's fields (``EDITABLE_FIELDS``), catalog references as catalog
    objects (``occupation``, ``region``, ``employment_type``, ``schedule``, ``education_level``,
    lists of Skill for ``required_skills``/``nice_skills``). ``by`` is a member of the
    organization, or staff of the vacancy's region / an administrator acting for it (imports).
    Raises BusinessError("invalid", fields=...) listing every invalid field; writes nothing then.
    """
    plain, m2m = _split_fields(fields)
    region = plain.get("region")
    if not _is_member(by, organization.pk) and not (region is not None and can_act_in_region(by, region.pk)):
        raise PermissionDenied
    plain.setdefault("positions", 1)
    plain.setdefault("languages", [])
    _validate(plain, organization_id=organization.pk)
    vacancy = Vacancy(organization=organization, created_by=by, status=Status.DRAFT, **_stripped(plain))
    vacancy.skills_text = skills_text_for(m2m.get("required_skills", []) + m2m.get("nice_skills", []))
    _save(vacancy)
    for name, skills in m2m.items():
        getattr(vacancy, name).set(skills)
    return vacancy


@transaction.atomic
def vacancy_update(*, vacancy: Vacancy, by: User, **fields) -> Vacancy:
    """Change the given fields of a vacancy in an editable state (``EDITABLE_STATUSES``).

    Locks the row. Fields not passed keep their values (a PATCH). ``skills_text`` follows the
    skills. An open vacancy is checked for duplicates again (see ``EDITABLE_STATUSES`` for why a
    live vacancy stays live). A national project is checked (``national_project_refusal``) when
    the vacancy joins it or moves to another region; an existing link is otherwise left alone.
    Lowering ``positions`` to the number already filled fills a published or paused vacancy,
    as the last hire does, in this transaction under the same lock (below that number is
    refused). Raises BusinessError("invalid") or ConflictError.
    """
    plain, m2m = _split_fields(fields)
    locked = _lock(vacancy)
    _check_actor(actor=MEMBER, by=by, organization_id=locked.organization_id, region_id=locked.region_id)
    if locked.status not in EDITABLE_STATUSES:
        raise ConflictError(
            "not_editable",
            gettext("A vacancy that is “%(status)s” cannot be edited.") % {"status": locked.get_status_display()},
            fields={"status": [locked.status]},
        )
    current = {name: getattr(locked, name) for name in EDITABLE_FIELDS if name not in M2M_FIELDS}
    merged = {**current, **plain}
    project, region = merged.get("national_project"), merged.get("region")
    project_changed = project is not None and (
        project.pk != locked.national_project_id or getattr(region, "pk", None) != locked.region_id
    )
    _validate(
        merged,
        positions_filled=locked.positions_filled,
        organization_id=locked.organization_id,
        check_project=project_changed,
    )

    for name, value in _stripped(plain).items():
        setattr(locked, name, value)
    if m2m:
        required = m2m.get("required_skills", list(locked.required_skills.all()))
        nice = m2m.get("nice_skills", list(locked.nice_skills.all()))
        locked.skills_text = skills_text_for(required + nice)
    if locked.status in Vacancy.OPEN_STATUSES:
        _refuse_duplicate(locked)
    _save(locked)
    for name, skills in m2m.items():
        getattr(locked, name).set(skills)
    if locked.positions_filled >= locked.positions and vacancy_can(vacancy=locked, action="fill"):
        # No position is left: the vacancy is filled exactly as by the last hire, rather than
        # staying in search while refusing every application.
        locked = vacancy_fill(vacancy=locked)
    return locked


def vacancy_skills_text_refresh(*, vacancy: Vacancy) -> None:
    """Recompute ``skills_text`` from the vacancy's skills, for writers that set the skills
    themselves (the admin site)."""
    skills = list(vacancy.required_skills.all()) + list(vacancy.nice_skills.all())
    Vacancy.objects.filter(pk=vacancy.pk).update(skills_text=skills_text_for(skills))


# --- Moderation and the employer's actions ----------------------------------------------------


@transaction.atomic
def vacancy_submit(*, vacancy: Vacancy, by: User) -> Vacancy:
    """Draft or rejected -> pending moderation. The organization must be verified (403
    ``organization_not_verified``) and no identical vacancy may be open (409 ``duplicate_vacancy``)."""
    locked = _begin(vacancy=vacancy, action="submit", by=by)
    _require_verified(locked.organization)
    _refuse_duplicate(locked)
    locked.status_reason = ""
    return _finish(locked, "submit", update_fields=["status_reason"])


@transaction.atomic
def vacancy_approve(*, vacancy: Vacancy, by: User) -> Vacancy:
    """Pending -> published for ``PUBLICATION_DAYS`` days; by staff of the vacancy's region or
    an administrator. The matching fan-out is enqueued when the transaction commits."""
    locked = _begin(vacancy=vacancy, action="approve", by=by)
    _require_verified(locked.organization, by_moderator=True)
    _refuse_duplicate(locked)
    now = timezone.now()
    locked.published_at = now
    locked.expires_at = now + datetime.timedelta(days=PUBLICATION_DAYS)
    locked.expiry_reminder_sent_at = None
    locked.status_reason = ""
    published = _finish(
        locked, "approve", update_fields=["published_at", "expires_at", "expiry_reminder_sent_at", "status_reason"]
    )
    vacancy_fanout_schedule(vacancy_id=published.pk)
    return published


@transaction.atomic
def vacancy_reject(*, vacancy: Vacancy, by: User, reason: str) -> Vacancy:
    """Pending (or live, after a report) -> rejected with a reason the employer sees."""
    reason = (reason or "").strip()
    if not reason:
        message = gettext("Tell the employer why the vacancy is rejected.")
        raise BusinessError("invalid", message, fields={"reason": [message]})
    locked = _begin(vacancy=vacancy, action="reject", by=by)
    locked.status_reason = reason[:500]
    return _finish(locked, "reject", update_fields=["status_reason"])


@transaction.atomic
def vacancy_pause(*, vacancy: Vacancy, by: User) -> Vacancy:
    """Published -> paused: hidden from search and closed to applications; the clock runs on."""
    return _finish(_begin(vacancy=vacancy, action="pause", by=by), "pause")


@transaction.atomic
def vacancy_resume(*, vacancy: Vacancy, by: User) -> Vacancy:
    """Paused -> published again, while the organization is verified and no duplicate is open."""
    locked = _begin(vacancy=vacancy, action="resume", by=by)
    _require_verified(locked.organization)
    _refuse_duplicate(locked)
    return _finish(locked, "resume")


@transaction.atomic
def vacancy_close(*, vacancy: Vacancy, by: User) -> Vacancy:
    """Any state but closed or filled -> closed, for good (no longer needed)."""
    return _finish(_begin(vacancy=vacancy, action="close", by=by), "close")


@transaction.atomic
def vacancy_prolong(*, vacancy: Vacancy, by: User, days: int = PUBLICATION_DAYS) -> Vacancy:
    """A published or paused vacancy runs for ``days`` more days counted from now (not from the
    old expiry, so a vacancy can never be pushed more than ``MAX_PROLONG_DAYS`` ahead); the
    reminder is sent again before the new date."""
    if not isinstance(days, int) or not 1 <= days <= MAX_PROLONG_DAYS:
        message = gettext("Enter a number of days between 1 and %(max)s.") % {"max": MAX_PROLONG_DAYS}
        raise BusinessError("invalid", message, fields={"days": [message]})
    locked = _begin(vacancy=vacancy, action="prolong", by=by)
    locked.expires_at = timezone.now() + datetime.timedelta(days=days)
    locked.expiry_reminder_sent_at = None
    return _finish(locked, "prolong", update_fields=["expires_at", "expiry_reminder_sent_at"])


def vacancy_keep_open_until(*, vacancy: Vacancy, until: datetime.datetime) -> bool:
    """Push a published or paused vacancy's expiry to ``until`` when it would end sooner; never
    shortens it. For the services of higher apps that need the vacancy open for a while (a job
    fair offering it keeps it open until its results). One conditional UPDATE, safe to repeat;
    the expiry reminder is sent again before the new date. True when the expiry moved."""
    return bool(
        Vacancy.objects.filter(
            pk=vacancy.pk, status__in=(Status.PUBLISHED, Status.PAUSED), expires_at__lt=until
        ).update(expires_at=until, expiry_reminder_sent_at=None, updated_at=timezone.now())
    )


@transaction.atomic
def vacancy_fill(*, vacancy: Vacancy) -> Vacancy:
    """Published or paused -> filled. For the applications services, inside their transaction
    and under their lock on the vacancy row, when the last position is filled."""
    return _finish(_begin(vacancy=vacancy, action="fill", by=None), "fill")


# --- Expiry and the reminder (periodic tasks) -------------------------------------------------


def vacancies_expire_due(*, now: datetime.datetime | None = None) -> int:
    """Expire every live vacancy whose time ran out; one set-based UPDATE, so running it twice
    (or on two workers at once) expires each vacancy once. Returns how many expired."""
    now = now or timezone.now()
    return Vacancy.objects.filter(status__in=TRANSITIONS["expire"].sources, expires_at__lte=now).update(
        status=TRANSITIONS["expire"].target, updated_at=now
    )


def _reminder_due(now: datetime.datetime):
    return Vacancy.objects.filter(
        status__in=TRANSITIONS["expire"].sources,
        expires_at__gt=now,
        expires_at__lte=now + datetime.timedelta(days=REMINDER_DAYS_BEFORE),
        expiry_reminder_sent_at__isnull=True,
    )


def vacancies_remind_expiring(*, now: datetime.datetime | None = None) -> int:
    """Notify the members of each organization whose vacancy expires within
    ``REMINDER_DAYS_BEFORE`` days (kind ``vacancy_expiring``), once per vacancy (until it is
    prolonged).

    Each vacancy is claimed with a conditional UPDATE (``expiry_reminder_sent_at IS NULL``) in
    the same transaction as the notifications are written: a second run, even a concurrent one,
    claims nothing, and a failure rolls the claim back so the next run tries again. The e-mail
    goes out through the notifications outbox after the commit, in each member's language.
    Returns how many vacancies were reminded about.
    """
    now = now or timezone.now()
    reminded = 0
    for vacancy_id in list(_reminder_due(now).values_list("id", flat=True)):
        with transaction.atomic():
            claimed = _reminder_due(now).filter(id=vacancy_id).update(expiry_reminder_sent_at=now)
            if not claimed:
                continue
            vacancy = Vacancy.objects.select_related("organization").get(pk=vacancy_id)
            _notify_expiring(vacancy)
            reminded += 1
    return reminded


def _notify_expiring(vacancy: Vacancy) -> None:
    # The expiry time is part of the subject: a prolonged vacancy is reminded about again.
    members = (
        Membership.objects.filter(organization_id=vacancy.organization_id, user__is_active=True)
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    notifications_create_bulk(
        items=[
            NewNotification(
                recipient_id=member_id,
                kind=Kind.VACANCY_EXPIRING,
                subject=f"vacancy:{vacancy.pk}:expires:{int(vacancy.expires_at.timestamp())}",
                data={
                    "vacancy_id": vacancy.pk,
                    "vacancy_title": vacancy.title,
                    "organization_name": vacancy.organization.legal_name,
                    "expires_at": vacancy.expires_at.isoformat(),
                },
                url=vacancy.get_absolute_url(),
            )
            for member_id in members
        ]
    )


# --- Reports ----------------------------------------------------------------------------------


@transaction.atomic
def vacancy_report_create(
    *, vacancy: Vacancy, reporter: User | None, reason: str, comment: str = ""
) -> tuple[VacancyReport, bool]:
    """Put a complaint about a published vacancy in the staff queue of its region.

    Anyone may report, also without an account (``reporter`` None). A logged-in user who already
    has an open report on the vacancy gets that one back instead of a second: returns
    ``(report, created)``.
    """
    errors = {}
    if reason not in VacancyReport.Reason.values:
        errors["reason"] = [gettext("Choose a reason from the list.")]
    comment = (comment or "").strip()
    if len(comment) > 2000:
        errors["comment"] = [gettext("Keep the comment under 2000 characters.")]
    if errors:
        raise BusinessError("invalid", gettext("Some fields are not valid."), fields=errors)
    if vacancy.status != Status.PUBLISHED:
        raise ConflictError("not_reportable", gettext("Only a published vacancy can be reported."))
    if reporter is not None and reporter.is_authenticated:
        existing = VacancyReport.objects.filter(
            vacancy=vacancy, reporter=reporter, status=VacancyReport.Status.OPEN
        ).first()
        if existing:
            return existing, False
    else:
        reporter = None
    report = VacancyReport.objects.create(vacancy=vacancy, reporter=reporter, reason=reason, comment=comment)
    return report, True


def _begin_report(*, report: VacancyReport, by: User) -> VacancyReport:
    locked = VacancyReport.objects.select_for_update(of=("self",)).select_related("vacancy").get(pk=report.pk)
    if by.is_employer or not can_act_in_region(by, locked.vacancy.region_id):
        raise PermissionDenied
    if locked.status != VacancyReport.Status.OPEN:
        raise ConflictError(
            "invalid_transition",
            gettext("This report has already been handled (%(status)s).") % {"status": locked.get_status_display()},
        )
    return locked


@transaction.atomic
def vacancy_report_uphold(*, report: VacancyReport, by: User, note: str = "") -> VacancyReport:
    """The report is right: the vacancy is taken down (rejected with the reason "Reported: ...",
    which the employer sees) and every open report on it is closed as upheld."""
    locked = _begin_report(report=report, by=by)
    vacancy = locked.vacancy
    if vacancy.status in TRANSITIONS["reject"].sources:
        reason = gettext("Reported: %(reason)s") % {"reason": (note or "").strip() or locked.get_reason_display()}
        vacancy_reject(vacancy=vacancy, by=by, reason=reason)
    now = timezone.now()
    VacancyReport.objects.filter(vacancy_id=vacancy.pk, status=VacancyReport.Status.OPEN).update(
        status=VacancyReport.Status.UPHELD, handled_by=by, handled_at=now, updated_at=now
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def vacancy_report_dismiss(*, report: VacancyReport, by: User) -> VacancyReport:
    """The report is unfounded: it leaves the queue and the vacancy stays as it is."""
    locked = _begin_report(report=report, by=by)
    locked.status = VacancyReport.Status.DISMISSED
    locked.handled_by = by
    locked.handled_at = timezone.now()
    locked.save(update_fields=["status", "handled_by", "handled_at", "updated_at"])
    return locked
