"""Writes for a fair's life: creation and edits by administrators and centre staff, next month's
national fair made from the template, the periodic advance through the statuses, and the
reminders sent on the way.

Life cycle; each arrow is taken by ``fairs_advance`` (the ``fairs.advance`` task, every minute)
once the time in the fair's row has come::

    scheduled --registration_opens_at--> registration --starts_at--> live
        --ends_at--> closed --results_at--> results (fair_results_publish freezes them)

Nothing else sets ``Fair.status``. Every step is claimed with a conditional UPDATE (``... WHERE
status = <the step's source>``) in the transaction that does the step's work, so a run repeated,
or racing on a second worker, does each step once; a step whose work fails is rolled back and
taken again at the next run. A fair that is late by several steps (the worker was down) takes
them all in one run, in order.

Reminders (notification kind ``fair``, one dedupe key per person, fair and reminder, so however
often or on how many workers the task runs, each person gets each reminder once):

- ``registration_open``: when registration opens, to the approved employers and any seeker
  already registered;
- ``starts_soon``: within a day before the start, to registered seekers and approved employers;
- ``started``: at the start, to the same people; and ``matching`` to seekers who have not
  registered but whose desired occupations are on offer there (``FAIR_MATCHING_MAX`` at most);
- ``ends_soon``: within a day before the end, to registered seekers and approved employers.

The two "within a day" reminders are sent by every run during their day to whoever has not had
them yet (someone who registers that day too); the others are part of their step. Their dedupe
key names the date they announce (``starts_soon`` the start, ``ends_soon`` the end): the date can
still move after they went out, and a reminder of the old date must not count as one of the new.

When ``fair_update`` moves the start or the end, the registered seekers and the approved
employers' members get one ``rescheduled`` notice with the old and the new dates (the other
reminders keep their keys: the step that sends them has not been taken while their date can
move, so they go out on the new date by themselves).
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import Organization, User
from accounts.selectors.access import can_act_in_region
from catalog.models import Region
from exchange.errors import BusinessError, ConflictError
from fairs.models import Fair, FairTemplate
from fairs.selectors.access import can_create_fairs, can_manage_fair
from fairs.selectors.fairs import (
    fair_employer_member_ids,
    fair_ids_due,
    fair_matching_seekers,
    fair_queryset,
    fair_registered_seeker_ids,
    fair_template_in_force,
    fairs_in_reminder_window,
)
from fairs.services.results import fair_results_publish
from notifications.models import Kind
from notifications.services import NewNotification, notifications_create_bulk

logger = logging.getLogger(__name__)

Status = Fair.Status

MONTHLY_CONSTRAINT = "one_national_fair_per_month"
# Matching seekers invited when a fair opens: a sensible ceiling for one fair's invitations.
FAIR_MATCHING_MAX = 20_000
REMINDER_AHEAD = datetime.timedelta(days=1)
MIN_AGE_LIMIT = 16
MAX_AGE_LIMIT = 100
MAX_DURATION = datetime.timedelta(days=62)
# The dates people are told: moving either is news to everyone taking part.
ANNOUNCED_DATES = ("starts_at", "ends_at")

# Fields administrators and centre staff set; status, month and results belong to the services.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "kind",
        "region",
        "organization",
        "max_age",
        "graduates_only",
        "audience_regions",
        "registration_opens_at",
        "starts_at",
        "ends_at",
        "results_at",
    }
)
DATE_FIELDS = ("registration_opens_at", "starts_at", "ends_at", "results_at")
# Who may attend is fixed once seekers can register: they were admitted by these rules.
AUDIENCE_FIELDS = ("kind", "region", "organization", "max_age", "graduates_only", "audience_regions")
# The fields that can no longer change once the fair reached a status: a time that has come
# stays where it was, and the audience once registration opened.
FROZEN_FROM: dict[str, tuple[str, ...]] = {
    Status.SCHEDULED: (),
    Status.REGISTRATION: ("registration_opens_at", *AUDIENCE_FIELDS),
    Status.LIVE: ("registration_opens_at", "starts_at", *AUDIENCE_FIELDS),
    Status.CLOSED: ("registration_opens_at", "starts_at", "ends_at", *AUDIENCE_FIELDS),
    Status.RESULTS: DATE_FIELDS + AUDIENCE_FIELDS,
}


# --- Validation -------------------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def raise_if_any(self, *, code: str = "invalid", status_code: int | None = None) -> None:
        if self.fields:
            raise BusinessError(
                code, gettext("Some fields are not valid."), fields=self.fields, status_code=status_code
            )


def _validate(values: dict, *, creating: bool) -> None:
    """Check a fair's fields together; raise one BusinessError("invalid") listing every problem
    by field, so the form and the API show each next to its field."""
    errors = _Errors()
    title = (values.get("title") or "").strip()
    if not title:
        errors.add("title", gettext("This field is required."))
    elif len(title) > 200:
        errors.add("title", gettext("Keep the title under 200 characters."))
    if len(values.get("description") or "") > 10_000:
        errors.add("description", gettext("Keep the description under 10,000 characters."))

    kind = values.get("kind")
    if kind not in Fair.Kind.values:
        errors.add("kind", gettext("Choose the kind of fair."))
    region, organization = values.get("region"), values.get("organization")
    if kind == Fair.Kind.REGIONAL and region is None:
        errors.add("region", gettext("A regional fair needs the region whose employment centres organize it."))
    if kind != Fair.Kind.REGIONAL and region is not None:
        errors.add("region", gettext("Only a regional fair has an organizing region; leave this empty."))
    if kind == Fair.Kind.EMPLOYER:
        if organization is None:
            errors.add("organization", gettext("A single-employer fair needs its employer."))
        elif organization.status != Organization.Status.VERIFIED:
            errors.add("organization", gettext("The employer's organization has not been verified yet."))
    elif organization is not None:
        errors.add("organization", gettext("Only a single-employer fair has an employer; leave this empty."))

    max_age = values.get("max_age")
    if max_age is not None and not MIN_AGE_LIMIT <= max_age <= MAX_AGE_LIMIT:
        errors.add(
            "max_age",
            gettext("Enter an age between %(min)s and %(max)s, or leave it empty for no limit.")
            % {"min": MIN_AGE_LIMIT, "max": MAX_AGE_LIMIT},
        )

    for field in DATE_FIELDS:
        if values.get(field) is None:
            errors.add(field, gettext("This field is required."))
    opens, starts, ends, results = (values.get(field) for field in DATE_FIELDS)
    if opens and starts and opens > starts:
        errors.add("registration_opens_at", gettext("Registration must open before the fair starts."))
    if starts and ends:
        if ends <= starts:
            errors.add("ends_at", gettext("The fair must end after it starts."))
        elif ends - starts > MAX_DURATION:
            errors.add("ends_at", gettext("A fair lasts at most %(days)s days.") % {"days": MAX_DURATION.days})
        elif creating and ends <= timezone.now():
            errors.add("ends_at", gettext("This time is already past: a new fair must end in the future."))
    if ends and results and results < ends:
        errors.add("results_at", gettext("Results are published after the fair ends."))
    errors.raise_if_any()


def _check_organizer(*, by: User, values: dict) -> None:
    """Centre staff organize regional fairs of their own region only (403 with the field)."""
    if by.is_administrator:
        return
    errors = _Errors()
    if values.get("kind") != Fair.Kind.REGIONAL:
        errors.add("kind", gettext("Employment centre staff organize regional fairs only."))
    region = values.get("region")
    if region is not None and not can_act_in_region(by, region.pk):
        errors.add("region", gettext("You can organize fairs of your own region only."))
    errors.raise_if_any(code="not_allowed", status_code=403)


def _month_of(values: dict) -> datetime.date | None:
    """The "exactly once a month" key of a national fair: the first day of its starting month."""
    if values.get("kind") != Fair.Kind.NATIONAL or values.get("starts_at") is None:
        return None
    return timezone.localdate(values["starts_at"]).replace(day=1)


def _month_taken_error(month: datetime.date) -> ConflictError:
    message = gettext("There is already a national fair in %(month)s.") % {"month": date_format(month, "F Y")}
    return ConflictError("fair_month_taken", message, fields={"starts_at": [message]})


def _constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _save(fair: Fair, **kwargs) -> None:
    """``fair.save()`` in a savepoint; a second national fair in one month (also one that lost a
    race) is a 409 ``fair_month_taken`` rather than a database error."""
    try:
        with transaction.atomic():
            fair.save(**kwargs)
    except IntegrityError as exc:
        if _constraint_name(exc) != MONTHLY_CONSTRAINT:
            raise
        raise _month_taken_error(fair.month) from exc


def _split(fields: dict) -> tuple[dict, list[Region] | None]:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable fair fields: {', '.join(sorted(unknown))}")
    plain = {k: v for k, v in fields.items() if k != "audience_regions"}
    if isinstance(plain.get("title"), str):
        plain["title"] = plain["title"].strip()
    regions = fields.get("audience_regions")
    return plain, (list(regions) if regions is not None else None)


def _default_results_at(values: dict) -> None:
    if values.get("results_at") is None and values.get("ends_at") is not None:
        values["results_at"] = values["ends_at"] + datetime.timedelta(days=FairTemplate().results_days)


# --- Creating and editing ---------------------------------------------------------------------


@transaction.atomic
def fair_create(*, by: User, **fields) -> Fair:
    """Create a scheduled fair organized by ``by``.

    ``fields`` are ``EDITABLE_FIELDS``: ``region`` a catalog Region, ``organization`` an
    Organization, ``audience_regions`` a list of Region (none: the whole country); when
    ``results_at`` is not given, results are published a week after the end. Administrators
    create any kind; centre staff regional fairs of their own region (403 ``not_allowed`` with
    the field). Raises BusinessError("invalid") listing every invalid field, or 409
    ``fair_month_taken`` for a second national fair in a month; writes nothing then.
    """
    if not can_create_fairs(by):
        raise PermissionDenied
    values, regions = _split(fields)
    values.setdefault("kind", Fair.Kind.NATIONAL)
    values.setdefault("description", "")
    _default_results_at(values)
    _validate(values, creating=True)
    _check_organizer(by=by, values=values)
    fair = Fair(organizer=by, status=Status.SCHEDULED, month=_month_of(values), **values)
    if fair.month and Fair.objects.filter(kind=Fair.Kind.NATIONAL, month=fair.month).exists():
        raise _month_taken_error(fair.month)
    _save(fair)
    if regions:
        fair.audience_regions.set(regions)
    return fair


def _same(name: str, old, new) -> bool:
    if name == "audience_regions":
        return {r.pk for r in old} == {r.pk for r in new}
    if isinstance(old, Region | Organization) or isinstance(new, Region | Organization):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    return old == new


@transaction.atomic
def fair_update(*, fair: Fair, by: User, **fields) -> Fair:
    """Change the given fields of a fair (a PATCH: fields not passed keep their values).

    Locks the fair's row. ``by`` must manage the fair (``can_manage_fair``), and staff keep it a
    regional fair of their region. Once a status is reached its time cannot move, and once
    registration opens the audience is fixed, and so is the start once a seeker registered (their
    age was checked on it) (409 ``fair_field_frozen`` naming the fields);
    sending a frozen field's current value is fine. Raises BusinessError("invalid") like
    ``fair_create``; writes nothing then.

    A new start or end is told, in the same transaction, to everyone taking part: one
    ``rescheduled`` notification to each registered seeker and approved employer's member.
    """
    values, regions = _split(fields)
    locked = fair_queryset().select_for_update(of=("self",)).get(pk=fair.pk)
    if not can_manage_fair(by, locked):
        raise PermissionDenied
    current = {name: getattr(locked, name) for name in EDITABLE_FIELDS if name != "audience_regions"}
    current_regions = list(locked.audience_regions.all())

    changed = {name: value for name, value in values.items() if not _same(name, current[name], value)}
    if regions is not None and not _same("audience_regions", current_regions, regions):
        changed["audience_regions"] = regions
    frozen = [name for name in FROZEN_FROM[locked.status] if name in changed]
    if frozen:
        message = gettext("The fair is “%(status)s”: this can no longer be changed.") % {
            "status": locked.get_status_display()
        }
        raise ConflictError("fair_field_frozen", message, fields={name: [message] for name in frozen})
    # Seekers were admitted by their age on the first day: once anyone registered, that day stays.
    if "starts_at" in changed and locked.status == Status.REGISTRATION and locked.registrations.exists():
        message = gettext(
            "Job seekers have registered, admitted by their age on this first day: the start can no longer move."
        )
        raise ConflictError("fair_field_frozen", message, fields={"starts_at": [message]})

    merged = {**current, **{k: v for k, v in changed.items() if k != "audience_regions"}}
    _validate(merged, creating=False)
    _check_organizer(by=by, values=merged)

    for name, value in merged.items():
        setattr(locked, name, value)
    locked.month = _month_of(merged)
    if locked.month and Fair.objects.filter(kind=Fair.Kind.NATIONAL, month=locked.month).exclude(pk=locked.pk).exists():
        raise _month_taken_error(locked.month)
    version = locked.updated_at  # the row as people knew it; save() moves updated_at
    _save(locked)
    if "audience_regions" in changed:
        locked.audience_regions.set(regions)
    if any(name in changed for name in ANNOUNCED_DATES):
        _tell_rescheduled(locked, previous=current, version=version)
    return fair_queryset().get(pk=locked.pk)


# --- The monthly national fair ----------------------------------------------------------------


def _month_after(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _local(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at), timezone.get_default_timezone())


def monthly_fair_values(*, template: FairTemplate, month: datetime.date) -> dict:
    """The fields of the national fair of ``month`` made from ``template``, in the exchange's
    time zone: it starts at 00:00 on ``start_day`` and ends at 23:59:59 on ``end_day`` (the
    month's last day in a shorter month); registration opens ``registration_days`` before the
    start, results come ``results_days`` after the end. The one title is in the site's default
    language, with the month: "National online job fair — December 2026"."""
    last_day = calendar.monthrange(month.year, month.month)[1]
    starts_at = _local(month.replace(day=template.start_day), datetime.time.min)
    ends_at = _local(month.replace(day=min(template.end_day, last_day)), datetime.time(23, 59, 59))
    language = settings.LANGUAGE_CODE
    title = getattr(template, f"title_{language}", "") or template.title_en
    with translation.override(language):
        title = f"{title} — {date_format(month, 'F Y')}"
    return {
        "title": title[:200],
        "description": template.description,
        "kind": Fair.Kind.NATIONAL,
        "status": Status.SCHEDULED,
        "max_age": template.max_age,
        "graduates_only": template.graduates_only,
        "registration_opens_at": starts_at - datetime.timedelta(days=template.registration_days),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "results_at": ends_at + datetime.timedelta(days=template.results_days),
        "month": month,
    }


def fair_create_monthly(*, today: datetime.date | None = None) -> Fair | None:
    """Create next month's national fair from the template in force; None when it exists
    already or monthly fairs are switched off (every template inactive).

    Exactly once per month however often it runs: the partial unique constraint
    ``one_national_fair_per_month`` decides between two workers racing (the loser's INSERT waits
    for the winner's commit, fails in its savepoint and answers None).
    """
    month = _month_after(today or timezone.localdate())
    if Fair.objects.filter(kind=Fair.Kind.NATIONAL, month=month).exists():
        return None
    template = fair_template_in_force()
    if template is None:
        return None
    try:
        with transaction.atomic():
            fair = Fair.objects.create(**monthly_fair_values(template=template, month=month))
    except IntegrityError as exc:
        if _constraint_name(exc) != MONTHLY_CONSTRAINT:
            raise
        return None
    logger.info("created the national fair %s for %s", fair.pk, month)
    return fair


# --- The periodic advance and the reminders ---------------------------------------------------


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    time_field: str


STEPS = (
    Step(Status.SCHEDULED, Status.REGISTRATION, "registration_opens_at"),
    Step(Status.REGISTRATION, Status.LIVE, "starts_at"),
    Step(Status.LIVE, Status.CLOSED, "ends_at"),
    Step(Status.CLOSED, Status.RESULTS, "results_at"),
)


@dataclass(frozen=True)
class Window:
    """A reminder sent within ``REMINDER_AHEAD`` before ``time_field`` while the fair is in one
    of ``statuses``."""

    event: str
    statuses: tuple[str, ...]
    time_field: str


WINDOWS = (
    Window("starts_soon", (Status.SCHEDULED, Status.REGISTRATION), "starts_at"),
    Window("ends_soon", (Status.LIVE,), "ends_at"),
)

SEEKER = "seeker"
EMPLOYER = "employer"


# The reminders sent ahead of a date that may still move, by the date they announce.
DATED_EVENTS = {window.event: window.time_field for window in WINDOWS}


def _key_moment(moment: datetime.datetime, *, precise: bool = False) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ" if precise else "%Y%m%dT%H%M%SZ")


def reminder_key_suffix(*, fair: Fair, event: str) -> str:
    """The dedupe key of ``event`` of ``fair`` without the user id in front. A reminder of a date
    (``DATED_EVENTS``) names that date, so once the date moves it is due again, once."""
    suffix = f":fair:{fair.pk}:{event}"
    if event in DATED_EVENTS:
        suffix += f":{_key_moment(getattr(fair, DATED_EVENTS[event]))}"
    return suffix


def reminder_dedupe_key(*, user_id: int, fair: Fair, event: str) -> str:
    return f"{user_id}{reminder_key_suffix(fair=fair, event=event)}"


def _fair_facts(fair: Fair, event: str, role: str) -> dict:
    return {
        "event": event,
        "role": role,
        "fair_id": fair.pk,
        "fair_title": fair.title,
        "registration_opens_at": fair.registration_opens_at.isoformat(),
        "starts_at": fair.starts_at.isoformat(),
        "ends_at": fair.ends_at.isoformat(),
        "results_at": fair.results_at.isoformat(),
    }


def _reminders(fair: Fair, event: str, role: str, user_ids: Iterable[int], **extra) -> list[NewNotification]:
    data = {**_fair_facts(fair, event, role), **extra}
    return [
        NewNotification(
            recipient_id=user_id,
            kind=Kind.FAIR,
            subject=f"fair:{fair.pk}",
            data=data,
            url=fair.get_absolute_url(),
            dedupe_key=reminder_dedupe_key(user_id=user_id, fair=fair, event=event),
        )
        for user_id in user_ids
    ]


def _remind_people(fair: Fair, event: str, *, only_new: bool = False) -> int:
    """``event`` to the registered seekers and the approved employers' members; with
    ``only_new``, read only those who have not had it (the windows run every minute)."""
    suffix = reminder_key_suffix(fair=fair, event=event) if only_new else None
    items = _reminders(fair, event, SEEKER, fair_registered_seeker_ids(fair=fair, not_notified=suffix))
    items += _reminders(fair, event, EMPLOYER, fair_employer_member_ids(fair=fair, not_notified=suffix))
    return notifications_create_bulk(items=items) if items else 0


def _tell_rescheduled(fair: Fair, *, previous: dict, version: datetime.datetime) -> int:
    """One ``rescheduled`` notification to each registered seeker and approved employer's member
    of ``fair``, whose start or end has just moved from ``previous``; in the caller's transaction.

    The notification templates word it from the old and new dates, in the reader's language. The
    dedupe key names the change by ``version``, the fair's ``updated_at`` before it: the same
    change is never told twice, and a later change (even back to earlier dates) is news again.
    """
    seekers = fair_registered_seeker_ids(fair=fair)
    employers = fair_employer_member_ids(fair=fair)
    facts = {
        "previous_starts_at": previous["starts_at"].isoformat(),
        "previous_ends_at": previous["ends_at"].isoformat(),
    }
    items = []
    for role, user_ids in ((SEEKER, seekers), (EMPLOYER, employers)):
        for user_id in user_ids:
            items.append(
                NewNotification(
                    recipient_id=user_id,
                    kind=Kind.FAIR,
                    subject=f"fair:{fair.pk}",
                    data={**_fair_facts(fair, "rescheduled", role), **facts},
                    url=fair.get_absolute_url(),
                    dedupe_key=f"{user_id}:fair:{fair.pk}:rescheduled:{_key_moment(version, precise=True)}",
                )
            )
    return notifications_create_bulk(items=items) if items else 0


def _invite_matching_seekers(fair: Fair) -> int:
    matches = fair_matching_seekers(fair=fair, limit=FAIR_MATCHING_MAX)
    items = [
        item
        for user_id, occupations in matches
        for item in _reminders(fair, "matching", SEEKER, [user_id], matching_occupations=occupations)
    ]
    return notifications_create_bulk(items=items) if items else 0


def _enter(fair: Fair, status: str) -> int:
    """The work of reaching ``status``, inside the transaction that claimed the step. Returns
    how many notifications were written."""
    if status == Status.REGISTRATION:
        return _remind_people(fair, "registration_open")
    if status == Status.LIVE:
        return _remind_people(fair, "started") + _invite_matching_seekers(fair)
    if status == Status.RESULTS:
        fair_results_publish(fair=fair)
    return 0


def _take_step(fair_id: int, step: Step) -> int | None:
    """Claim and do one step of one fair; None when another run took it first."""
    with transaction.atomic():
        claimed = Fair.objects.filter(pk=fair_id, status=step.source).update(
            status=step.target, updated_at=timezone.now()
        )
        if not claimed:
            return None
        return _enter(fair_queryset().get(pk=fair_id), step.target)


def fairs_advance(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Move every fair whose time has come through each due step, and send the reminders due.

    Safe to run every minute and on several workers at once (see the module's docstring). A
    step or reminder that fails is rolled back, logged and left for the next run, without
    holding up the other fairs: one broken fair must not stop every fair's calendar.
    Returns ``{"steps": ..., "notifications": ...}`` for the task's log.
    """
    now = now or timezone.now()
    steps = notifications = 0
    for step in STEPS:
        for fair_id in fair_ids_due(status=step.source, time_field=step.time_field, now=now):
            try:
                written = _take_step(fair_id, step)
            except Exception:
                logger.exception("fair %s could not go from %s to %s", fair_id, step.source, step.target)
                continue
            if written is not None:
                steps += 1
                notifications += written
    for window in WINDOWS:
        for fair in fairs_in_reminder_window(
            statuses=window.statuses, time_field=window.time_field, now=now, ahead=REMINDER_AHEAD
        ):
            try:
                with transaction.atomic():
                    notifications += _remind_people(fair, window.event, only_new=True)
            except Exception:
                logger.exception("fair %s: the %s reminder could not be written", fair.pk, window.event)
    return {"steps": steps, "notifications": notifications}
