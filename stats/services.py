"""Writes of the statistics: the refresh that recomputes every figure, and the bookkeeping of
refreshes asked for by the schedule, an administrator or the command line.

A refresh reads the big tables with a handful of grouped queries (``stats.aggregates``) inside one
REPEATABLE READ transaction, so every figure is taken at the same instant, and replaces the
snapshots in that transaction: readers see the old figures or the new ones, never a mix. It is
idempotent: run twice on the same data, it stores the same figures.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from functools import partial

from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exchange.errors import BusinessError
from stats import aggregates
from stats.definitions import CHARTS, HEADLINE_KEY
from stats.models import StatRefresh, StatSnapshot

logger = logging.getLogger(__name__)

# Advisory lock key: one refresh computes at a time (another one finding it taken is skipped:
# the one running will store fresher figures anyway).
REFRESH_LOCK = 0x57A75  # "stats"
# A refresh still "running" after this long lost its worker (killed, machine restarted).
STALE_AFTER = timedelta(minutes=30)
# A queued refresh whose task has not started after this long lost its message; the periodic
# task runs it instead.
LOST_AFTER = timedelta(minutes=2)
# SQLSTATE of "could not serialize access" under REPEATABLE READ.
SERIALIZATION_FAILURE = "40001"


def stats_compute(*, now: datetime) -> dict[str, dict]:
    """Every snapshot payload, keyed by chart slug (and ``headline``), computed from the live
    tables as of ``now``. Only reads; the caller decides the transaction."""
    year = timezone.localtime(now).year
    vacancies = aggregates.vacancy_figures()
    activity = aggregates.activity_figures(now=now)
    referrals = aggregates.referral_figures(year=year)
    projects = aggregates.project_figures(year=year)
    rows = {
        **{key: value for key, value in vacancies.items() if key != "total"},
        **{key: value for key, value in activity.items() if key != "total"},
        "referrals-by-region": referrals,
        "projects-by-region": projects,
        "fairs-monthly": aggregates.fair_figures(),
    }
    payloads = {chart.slug: {"rows": rows[chart.slug], "year": year if chart.yearly else None} for chart in CHARTS}

    totals = activity["total"]
    payloads[HEADLINE_KEY] = {
        "year": year,
        "figures": {
            "vacancies_open": vacancies["total"]["vacancies"],
            "positions_open": vacancies["total"]["positions"],
            "median_salary": vacancies["total"]["median_salary"],
            **aggregates.people_figures(),
            "applications": totals["applications"],
            "interviews": totals["interviews"],
            "hires": totals["hires"],
            "youth_hires": totals["youth_hires"],
            "youth_share": aggregates._percent(totals["youth_hires"], totals["hires"]),
            "referrals_issued": sum(row["issued"] for row in referrals),
            "referral_limit": sum(row["limit"] for row in referrals),
            "planned_jobs": sum(row["planned_jobs"] for row in projects),
        },
    }
    return payloads


def _try_lock(cursor, *, for_transaction: bool) -> bool:
    if for_transaction:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK])
    else:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFRESH_LOCK])
    return cursor.fetchone()[0]


def _unlock() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFRESH_LOCK])
    except DatabaseError:
        # The connection is gone, and the session's lock with it.
        logger.warning("Could not release the statistics refresh lock", exc_info=True)


def _store(now: datetime) -> None:
    """Compute every payload and replace the snapshots. Runs in the caller's transaction."""
    with connection.cursor() as cursor:
        # The medians sort the published vacancies' salaries: let them sort in memory. The
        # queries run once per refresh: compiling them (JIT) costs more than it saves.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL jit = off")
    payloads = stats_compute(now=now)
    StatSnapshot.objects.bulk_create(
        [StatSnapshot(key=key, payload=payload, refreshed_at=now) for key, payload in payloads.items()],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["payload", "refreshed_at", "updated_at"],
    )
    StatSnapshot.objects.exclude(key__in=list(payloads)).delete()


def _is_serialization_failure(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == SERIALIZATION_FAILURE


def stats_refresh(*, now: datetime | None = None) -> datetime | None:
    """Recompute every figure and replace the snapshots; returns the time the figures are of, or
    None when another refresh holds the lock (this one then does nothing).

    Outside a transaction (the worker, the command) it takes the refresh lock first, for the
    session, and only then opens a REPEATABLE READ transaction, so all figures come from one view
    of the database and that view already holds whatever the refresh before it committed. Were
    the lock taken inside the transaction, its snapshot (taken by that very statement) could
    predate the commit of a refresh that released the lock a moment later: this one would then
    get the lock and fail to overwrite snapshot rows newer than its view ("could not serialize
    access due to concurrent update"). Should something else still change a snapshot row during
    the refresh, it computes once more from a new view, and gives up (None, as when skipped)
    if that fails too.

    Inside a caller's transaction it uses the caller's, with a lock held until that transaction
    ends. Always raises what else goes wrong.
    """
    now = now or timezone.now()
    if connection.in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            if not _try_lock(cursor, for_transaction=True):
                return None
            _store(now)
        return now

    with connection.cursor() as cursor:
        if not _try_lock(cursor, for_transaction=False):
            return None
    try:
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    _store(now)
                return now
            except OperationalError as error:
                if not _is_serialization_failure(error):
                    raise
                logger.warning("Statistics snapshots changed during a refresh (attempt %s of 2)", attempt)
        return None
    finally:
        _unlock()


# --- Refreshes asked for ------------------------------------------------------------------------


def _fail_stale(now: datetime) -> int:
    return StatRefresh.objects.filter(status=StatRefresh.Status.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=StatRefresh.Status.FAILED,
        finished_at=now,
        error="The worker stopped before the refresh finished.",
        updated_at=now,
    )


def _enqueue(refresh_id: int) -> None:
    from stats.tasks import run_refresh

    run_refresh.delay(refresh_id)


def stats_refresh_request(*, by: User) -> tuple[StatRefresh, bool]:
    """An administrator asks for a refresh now. Queues one for the Celery worker (sent when the
    transaction commits) and returns it with True; when one is already queued or running,
    returns that one with False instead of queueing a second.

    403 ``administrators_only`` for anyone else.
    """
    if not (by.is_authenticated and by.is_administrator):
        raise BusinessError(
            "administrators_only", _("Only administrators can refresh the statistics."), status_code=403
        )
    now = timezone.now()
    _fail_stale(now)
    try:
        with transaction.atomic():
            refresh = StatRefresh.objects.create(trigger=StatRefresh.Trigger.ADMIN, requested_by=by)
    except IntegrityError:
        pending = StatRefresh.objects.filter(status__in=StatRefresh.PENDING_STATUSES).first()
        if pending is None:  # it finished between the insert and this read: ask again
            return stats_refresh_request(by=by)
        return pending, False
    transaction.on_commit(partial(_enqueue, refresh.pk), robust=True)
    return refresh, True


def _finish(refresh_id: int, **fields) -> None:
    fields["finished_at"] = fields["updated_at"] = timezone.now()
    StatRefresh.objects.filter(pk=refresh_id).update(**fields)


def stats_refresh_run(*, refresh_id: int) -> bool:
    """Run queued refresh ``refresh_id``: claims it (queued -> running) with a conditional UPDATE,
    so a second delivery of its task does nothing and returns False. Marks it done (or skipped,
    when another refresh held the lock) with its duration, or failed with the error, which is
    raised again (also when the worker is stopped in the middle). Must not run inside a
    transaction."""
    started_at = timezone.now()
    claimed = StatRefresh.objects.filter(pk=refresh_id, status=StatRefresh.Status.QUEUED).update(
        status=StatRefresh.Status.RUNNING, started_at=started_at, updated_at=started_at
    )
    if not claimed:
        return False
    started = time.perf_counter()
    try:
        refreshed = stats_refresh()
    except BaseException as exc:  # a stopped worker (SystemExit, KeyboardInterrupt) too
        _finish(refresh_id, status=StatRefresh.Status.FAILED, error=(str(exc) or type(exc).__name__)[:500])
        raise
    _finish(
        refresh_id,
        status=StatRefresh.Status.DONE if refreshed else StatRefresh.Status.SKIPPED,
        duration_ms=round((time.perf_counter() - started) * 1000),
    )
    return True


def stats_refresh_record(*, trigger: str, by: User | None = None) -> StatRefresh | None:
    """Refresh now, in this process, recording it (the periodic task and the command).

    First fails refreshes whose worker died. A refresh queued by an administrator whose task has
    not started within ``LOST_AFTER`` (its message was lost) is run here instead. When a refresh
    is already queued or running, returns None: that one brings the figures up to date.
    """
    now = timezone.now()
    _fail_stale(now)
    lost = (
        StatRefresh.objects.filter(status=StatRefresh.Status.QUEUED, created_at__lt=now - LOST_AFTER)
        .values_list("pk", flat=True)
        .first()
    )
    if lost is not None:
        stats_refresh_run(refresh_id=lost)
        return StatRefresh.objects.get(pk=lost)
    try:
        with transaction.atomic():
            refresh = StatRefresh.objects.create(trigger=trigger, requested_by=by)
    except IntegrityError:
        return None
    stats_refresh_run(refresh_id=refresh.pk)
    refresh.refresh_from_db()
    return refresh
