"""Writes for matching: saved searches, and the fan-out of a newly published vacancy to the seekers
it matches.

Fan-out (``vacancy_fanout``): when a vacancy is published for the first time, one set-based query
selects and scores its candidates (``vacancies.selectors.matching``) and their notifications are
inserted in bulk, in chunks, by the notifications app (``INSERT ... ON CONFLICT (dedupe_key) DO
NOTHING`` in our transaction; delivery is scheduled on commit). Saved searches the vacancy matches
are notified first, then the profile matches at or above ``NOTIFY_THRESHOLD``. Both kinds use one
dedupe key per (seeker, vacancy), ``"<user id>:new_vacancy:<vacancy id>"``, so a seeker matched
both ways, or by two saved searches, gets one notification (the saved search's: it is what they
asked for).

It is an outbox: ``vacancy_approve`` only enqueues the task on commit; the task claims the
vacancy with a conditional UPDATE of ``fanout_done_at`` in the same transaction as the inserted
notifications, so a fan-out happens once, a crashed one is rolled back and claimed again, and
the periodic ``vacancies_fanout_pending`` picks up vacancies whose task was lost (broker down at
publication). A vacancy published more than ``FANOUT_WINDOW`` ago is no longer news: it is marked
done without notifying.

Frequencies: a saved search's ``frequency`` decides whether it notifies at all (``never`` keeps
it as a bookmark only); how soon its notifications are e-mailed (at once, daily or weekly
digest, or never) is the user's preference for the ``saved_search`` kind in the notifications
app, and the in-app inbox always shows them. The saved search's own value is passed along in
the notification's ``data["frequency"]`` for the notifications app to honour when it is the
slower of the two.
"""

from __future__ import annotations

import datetime
import logging
from functools import lru_cache, partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import User
from exchange.errors import BusinessError, ConflictError
from notifications.services import NewNotification, notifications_create_bulk
from vacancies.forms.matching import saved_search_clean
from vacancies.models import SavedSearch, Vacancy
from vacancies.selectors.matching import (
    NOTIFY_THRESHOLD,
    SEEKER,
    MatchReason,
    fanout_candidates,
    reasons_from_row,
    saved_searches_matching,
)

logger = logging.getLogger(__name__)

MAX_SAVED_SEARCHES = 20
NOTIFICATION_KIND_MATCH = "vacancy_match"
NOTIFICATION_KIND_SAVED_SEARCH = "saved_search"
# Rows handed to the notifications app per INSERT.
FANOUT_CHUNK = 5000
# A vacancy whose fan-out did not happen within this time after publication is stale news.
FANOUT_WINDOW = datetime.timedelta(days=1)
# The periodic safety net leaves a just-published vacancy to its own task for this long.
FANOUT_GRACE = datetime.timedelta(minutes=2)
FANOUT_PENDING_BATCH = 20


# --- Saved searches ---------------------------------------------------------------------------


def _default_name(query: str, filters: dict) -> str:
    if query:
        return query[:100]
    return gettext("Search of %(date)s") % {"date": date_format(timezone.localdate(), "SHORT_DATE_FORMAT")}


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) > 100:
        message = gettext("Keep the name under 100 characters.")
        raise BusinessError("invalid", message, fields={"name": [message]})
    return name


def _check_frequency(frequency: str) -> str:
    if frequency not in SavedSearch.Frequency.values:
        message = gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(SavedSearch.Frequency.values)}
        raise BusinessError("invalid", message, fields={"frequency": [message]})
    return frequency


def _save(saved: SavedSearch, **kwargs) -> SavedSearch:
    try:
        with transaction.atomic():
            saved.save(**kwargs)
    except IntegrityError as exc:
        message = gettext("You already have a saved search with this name.")
        raise ConflictError("duplicate_name", message, fields={"name": [message]}) from exc
    return saved


@transaction.atomic
def saved_search_create(
    *,
    user: User,
    query: str = "",
    filters: dict | None = None,
    name: str = "",
    frequency: str = SavedSearch.Frequency.INSTANT,
) -> SavedSearch:
    """Save a job seeker's search. ``query`` and ``filters`` are the search page's words and
    filters (``vacancies.forms.matching``), validated by the search form and stored in canonical
    form. Job seekers only (PermissionDenied); at most ``MAX_SAVED_SEARCHES`` each (409
    ``too_many_saved_searches``); names are unique per user (409 ``duplicate_name``); invalid
    fields raise BusinessError("invalid") keyed ``query``, ``filters.<name>``, ``name``,
    ``frequency``."""
    if not (user.is_authenticated and user.is_seeker):
        raise PermissionDenied
    query, filters = saved_search_clean(query=query, filters=filters)
    name = _check_name(name) or _default_name(query, filters)
    frequency = _check_frequency(frequency)
    # Lock the user's row so two saves at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise ConflictError(
            "too_many_saved_searches",
            gettext("You can keep at most %(max)s saved searches. Delete one first.") % {"max": MAX_SAVED_SEARCHES},
        )
    return _save(SavedSearch(user=user, name=name, query=query, filters=filters, frequency=frequency))


@transaction.atomic
def saved_search_update(
    *,
    saved_search: SavedSearch,
    by: User,
    name: str | None = None,
    frequency: str | None = None,
    query: str | None = None,
    filters: dict | None = None,
) -> SavedSearch:
    """Change what is given (a PATCH); the owner only (PermissionDenied). Words and filters are
    validated together, the one not given keeping its value."""
    saved = SavedSearch.objects.select_for_update().get(pk=saved_search.pk)
    if saved.user_id != by.pk:
        raise PermissionDenied
    fields = {"updated_at"}
    if query is not None or filters is not None:
        saved.query, saved.filters = saved_search_clean(
            query=saved.query if query is None else query, filters=saved.filters if filters is None else filters
        )
        fields |= {"query", "filters"}
    if name is not None:
        saved.name = _check_name(name) or _default_name(saved.query, saved.filters)
        fields.add("name")
    if frequency is not None:
        saved.frequency = _check_frequency(frequency)
        fields.add("frequency")
    return _save(saved, update_fields=fields)


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch, by: User) -> None:
    """Delete a saved search; the owner only. Notifications it produced stay in the inbox."""
    if saved_search.user_id != by.pk:
        raise PermissionDenied
    SavedSearch.objects.filter(pk=saved_search.pk).delete()


# --- Fan-out ----------------------------------------------------------------------------------


def fanout_dedupe_key(*, user_id: int, vacancy_id: int) -> str:
    """One key per (seeker, vacancy) for every "new vacancy" notification, whatever its kind."""
    return f"{user_id}:new_vacancy:{vacancy_id}"


def _vacancy_data(vacancy: Vacancy) -> dict:
    return {
        "vacancy_id": vacancy.pk,
        "vacancy_title": vacancy.title,
        "organization": vacancy.organization.legal_name,
        "region": vacancy.region.code,
        "salary_min": vacancy.salary_min,
        "salary_max": vacancy.salary_max,
    }


@lru_cache(maxsize=4096)
def _reasons_text(language: str, reasons: tuple[tuple[str, tuple], ...]) -> tuple[str, ...]:
    """The reasons rendered in ``language``: the e-mail is written in the recipient's language
    and the notifications app cannot render our reason codes. Cached: rows repeat a few shapes."""
    with translation.override(language):
        return tuple(MatchReason(code, dict(params)).text(viewer=SEEKER) for code, params in reasons)


def _language(code: str | None) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _match_items(vacancy: Vacancy, rows: list[dict], base: dict, url: str) -> list[NewNotification]:
    items = []
    for row in rows:
        # The fan-out's rows do not list the missing skills (that would cost a look-up per
        # row); the vacancy page shows them to the seeker.
        reasons = reasons_from_row(row)
        shape = tuple((r.code, tuple(sorted(r.params.items()))) for r in reasons)
        items.append(
            NewNotification(
                recipient_id=row["user_id"],
                kind=NOTIFICATION_KIND_MATCH,
                subject=f"vacancy:{vacancy.pk}",
                data={
                    **base,
                    "score": row["score"],
                    "reasons": [r.as_data() for r in reasons],
                    "reasons_text": list(_reasons_text(_language(row["language"]), shape)),
                },
                url=url,
                dedupe_key=fanout_dedupe_key(user_id=row["user_id"], vacancy_id=vacancy.pk),
            )
        )
    return items


def _saved_search_items(vacancy: Vacancy, matches: list[dict], base: dict, url: str) -> list[NewNotification]:
    by_user: dict[int, list[dict]] = {}
    for match in matches:
        by_user.setdefault(match["user_id"], []).append(match)
    return [
        NewNotification(
            recipient_id=user_id,
            kind=NOTIFICATION_KIND_SAVED_SEARCH,
            subject=f"vacancy:{vacancy.pk}",
            data={
                **base,
                "saved_search_id": searches[0]["id"],
                "saved_search_name": searches[0]["name"],
                "saved_search_names": [s["name"] for s in searches],
                "frequency": searches[0]["frequency"],
            },
            url=url,
            dedupe_key=fanout_dedupe_key(user_id=user_id, vacancy_id=vacancy.pk),
        )
        for user_id, searches in by_user.items()
    ]


def _claim(vacancy_id: int, now: datetime.datetime) -> bool:
    return bool(
        Vacancy.objects.filter(pk=vacancy_id, status=Vacancy.Status.PUBLISHED, fanout_done_at__isnull=True).update(
            fanout_done_at=now
        )
    )


@transaction.atomic
def vacancy_fanout(*, vacancy_id: int, threshold: int = NOTIFY_THRESHOLD, chunk_size: int = FANOUT_CHUNK) -> int:
    """Notify the seekers a newly published vacancy matches; returns how many notifications
    were created.

    Claims the vacancy (``fanout_done_at IS NULL`` -> now, published only) in this transaction,
    which also holds every insert: a second run, concurrent or later, claims nothing and returns
    0; a failure rolls the claim back for the next run. The candidates stream from one
    server-side query in chunks of ``chunk_size`` rows, each chunk one bulk insert. The claim
    keeps the vacancy's row locked until the fan-out commits (edits of that vacancy wait).
    """
    now = timezone.now()
    if not _claim(vacancy_id, now):
        return 0
    vacancy = Vacancy.objects.select_related("occupation", "organization", "region", "employment_type", "schedule").get(
        pk=vacancy_id
    )
    base = _vacancy_data(vacancy)
    url = vacancy.get_absolute_url()
    created = 0

    searches = saved_searches_matching(vacancy=vacancy, now=now)
    if searches:
        items = _saved_search_items(vacancy, searches, base, url)
        for start in range(0, len(items), chunk_size):
            created += notifications_create_bulk(items=items[start : start + chunk_size], batch_size=chunk_size)
        SavedSearch.objects.filter(pk__in=[s["id"] for s in searches]).update(last_run_at=now)

    for rows in fanout_candidates(vacancy=vacancy, threshold=threshold, chunk_size=chunk_size):
        created += notifications_create_bulk(items=_match_items(vacancy, rows, base, url), batch_size=chunk_size)
    logger.info("vacancy %s fanned out: %s notifications (%s saved searches)", vacancy_id, created, len(searches))
    return created


def _enqueue_fanout(vacancy_id: int) -> None:
    # The task module imports this one, so the task is looked up when needed.
    from vacancies.tasks.matching import fanout_vacancy

    # One quick retry only: this runs after a moderator's request, and the periodic
    # ``vacancies.fanout_pending`` is the safety net for a broker that is down.
    fanout_vacancy.apply_async(
        args=[vacancy_id], retry=True, retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0}
    )


def vacancy_fanout_schedule(*, vacancy_id: int) -> None:
    """Enqueue the fan-out of a vacancy when the caller's transaction commits (``vacancy_approve``).
    A broker outage then is logged, not raised: ``vacancies_fanout_pending`` will do it."""
    transaction.on_commit(partial(_enqueue_fanout, vacancy_id), robust=True)


def vacancies_fanout_pending(*, now: datetime.datetime | None = None, limit: int = FANOUT_PENDING_BATCH) -> int:
    """The safety net, run periodically: fan out published vacancies whose fan-out has not
    happened ``FANOUT_GRACE`` after publication (their task was lost), oldest first, at most
    ``limit`` per run; mark those published more than ``FANOUT_WINDOW`` ago as done without
    notifying. Returns how many notifications were created."""
    now = now or timezone.now()
    pending = Vacancy.objects.filter(status=Vacancy.Status.PUBLISHED, fanout_done_at__isnull=True)
    stale = pending.filter(published_at__lt=now - FANOUT_WINDOW).update(fanout_done_at=now)
    if stale:
        logger.warning("%s published vacancies were too old to fan out; marked done", stale)
    due = list(
        pending.filter(published_at__gte=now - FANOUT_WINDOW, published_at__lte=now - FANOUT_GRACE)
        .order_by("published_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(vacancy_fanout(vacancy_id=vacancy_id) for vacancy_id in due)
