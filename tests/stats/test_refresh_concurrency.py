"""Refreshes racing each other: the schedule, an administrator's "refresh now" run by a worker and
the command, all at once in real threads against PostgreSQL. Each ends done or skipped, never with
a serialization error nor a record left queued or running, and the snapshots they leave are one
consistent set of the right figures. Also what happens when the snapshots change under a refresh
and when its database connection is cut."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from stats import services, tables
from stats.definitions import CHARTS, CHARTS_BY_SLUG, HEADLINE, HEADLINE_KEY
from stats.models import StatRefresh, StatSnapshot
from stats.selectors import snapshots_get
from stats.tasks import refresh as periodic_refresh
from tests.concurrency import run_in_threads
from tests.stats import direct
from tests.stats.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

Status = StatRefresh.Status
ALL_KEYS = [HEADLINE_KEY, *(chart.slug for chart in CHARTS)]


def other_connection() -> psycopg.Connection:
    """A second connection to the test database, outside Django, committing at once."""
    params = {k: v for k, v in connection.get_connection_params().items() if k not in ("cursor_factory", "context")}
    params.pop("server_side_binding", None)
    return psycopg.connect(**params, autocommit=True)


def assert_snapshots_hold_the_database_figures() -> None:
    snapshots = snapshots_get(keys=ALL_KEYS)
    assert set(snapshots.payloads) == set(ALL_KEYS)
    assert StatSnapshot.objects.values("refreshed_at").distinct().count() == 1  # one refresh wrote them all
    figures = snapshots.get(HEADLINE_KEY)["figures"]
    assert {column.key: figures[column.key] for column in HEADLINE} == direct.expected_headline()
    expected = direct.expected_charts()
    for chart in CHARTS:
        table = tables.chart_table(CHARTS_BY_SLUG[chart.slug], snapshots.get(chart.slug))
        assert direct.shown(table) == expected[chart.slug], chart.slug


def test_refreshes_started_together_all_end_cleanly_with_one_consistent_set_of_snapshots(cast):
    build_world(cast)
    services.stats_refresh()  # figures to read from the start
    rounds = 3
    writers = 8
    finished = []
    mixed_reads = []

    def schedule():
        return periodic_refresh()

    def administrator():
        refresh, created = services.stats_refresh_request(by=cast.admin)
        if created:  # what the worker does with the task sent on commit
            services.stats_refresh_run(refresh_id=refresh.pk)
        return refresh.pk

    def command():
        done = services.stats_refresh_record(trigger=StatRefresh.Trigger.COMMAND)
        return done.pk if done else None

    def bare():
        return services.stats_refresh()

    def reader():
        # A page reading while refreshes replace the snapshots sees one refresh's figures.
        deadline = time.monotonic() + 120
        while len(finished) < writers and time.monotonic() < deadline:
            at = set(StatSnapshot.objects.filter(key__in=ALL_KEYS).values_list("refreshed_at", flat=True))
            if len(at) != 1:
                mixed_reads.append(at)
        return len(finished)

    kinds = [schedule, administrator, command, bare]

    def work(i: int):
        if i == writers:
            return reader()
        try:
            return [kinds[i % len(kinds)]() for _ in range(rounds)]
        finally:
            finished.append(i)

    started = timezone.now()
    results = run_in_threads(writers + 1, work)

    assert [result for result in results if isinstance(result, BaseException)] == []
    assert results[writers] == writers and mixed_reads == []
    refreshes = list(StatRefresh.objects.values_list("status", flat=True))
    assert refreshes, "no refresh was recorded"
    assert set(refreshes) <= {Status.DONE, Status.SKIPPED}  # none failed, none left queued or running
    assert StatSnapshot.objects.get(key=HEADLINE_KEY).refreshed_at >= started
    assert_snapshots_hold_the_database_figures()


def test_refreshes_racing_on_the_lock_never_meet_a_serialization_failure(cast):
    """Many bare refreshes in a tight loop: the one that gets the lock always sees what the one
    before it committed, so none fails to overwrite newer snapshot rows."""
    build_world(cast)
    services.stats_refresh()

    def work(_i: int):
        return [services.stats_refresh() is not None for _ in range(25)]

    results = run_in_threads(6, work)

    assert [result for result in results if isinstance(result, BaseException)] == []
    assert any(any(done) for done in results)
    assert_snapshots_hold_the_database_figures()


def test_a_refresh_takes_its_lock_before_the_transaction_whose_view_it_reads(catalog):
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert services.stats_refresh() is not None

    locks = [i for i, (sql, _atomic) in enumerate(statements) if "pg_try_advisory" in sql]
    isolation = next(i for i, (sql, _atomic) in enumerate(statements) if "REPEATABLE READ" in sql)
    assert len(locks) == 1 and locks[0] < isolation
    assert statements[locks[0]][1] is False  # outside the transaction: no snapshot yet
    assert "pg_advisory_unlock" in statements[-1][0]


def disturb_snapshots(monkeypatch, *, times: int) -> list[int]:
    """Make the next ``times`` computations find a snapshot row changed (and committed) by
    someone else after their transaction's view was taken."""
    real = services.stats_compute
    calls = []

    def compute(**kwargs):
        calls.append(1)
        result = real(**kwargs)  # the view of the database is taken by now
        if len(calls) <= times:
            with other_connection() as other:
                other.execute("UPDATE stats_statsnapshot SET updated_at = now() WHERE key = %s", [HEADLINE_KEY])
        return result

    monkeypatch.setattr(services, "stats_compute", compute)
    return calls


def test_a_refresh_whose_snapshots_change_under_it_computes_once_more(catalog, monkeypatch):
    services.stats_refresh()
    calls = disturb_snapshots(monkeypatch, times=1)

    done = services.stats_refresh_record(trigger=StatRefresh.Trigger.COMMAND)

    assert len(calls) == 2
    assert done.status == Status.DONE
    assert StatSnapshot.objects.get(key=HEADLINE_KEY).refreshed_at >= done.started_at


def test_a_refresh_disturbed_twice_is_recorded_as_skipped_without_an_error(catalog, monkeypatch):
    services.stats_refresh()
    before = StatSnapshot.objects.get(key=HEADLINE_KEY).refreshed_at
    calls = disturb_snapshots(monkeypatch, times=2)

    refresh_id = periodic_refresh()

    assert len(calls) == 2
    assert StatRefresh.objects.get(pk=refresh_id).status == Status.SKIPPED
    assert StatSnapshot.objects.get(key=HEADLINE_KEY).refreshed_at == before
    with other_connection() as other:  # the lock was given back
        assert other.execute("SELECT pg_try_advisory_lock(%s)", [services.REFRESH_LOCK]).fetchone()[0] is True


def test_a_refresh_whose_connection_is_cut_is_recorded_as_failed_not_left_running(cast, monkeypatch):
    queued, _created = services.stats_refresh_request(by=cast.admin)
    real = services.stats_compute

    def cut(**kwargs):
        pid = connection.cursor().connection.info.backend_pid
        with other_connection() as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return real(**kwargs)

    monkeypatch.setattr(services, "stats_compute", cut)
    with pytest.raises(OperationalError):
        services.stats_refresh_run(refresh_id=queued.pk)

    queued.refresh_from_db()
    assert queued.status == Status.FAILED
    assert queued.finished_at is not None and queued.error
    monkeypatch.undo()
    assert services.stats_refresh() is not None  # the lock went with the cut connection
    assert StatSnapshot.objects.filter(key=HEADLINE_KEY).exists()


def test_a_refresh_whose_worker_is_stopped_in_the_middle_is_recorded_as_failed(cast, monkeypatch):
    queued, _created = services.stats_refresh_request(by=cast.admin)

    def stopped(**kwargs):
        raise SystemExit(1)

    monkeypatch.setattr(services, "stats_compute", stopped)
    with pytest.raises(SystemExit):
        services.stats_refresh_run(refresh_id=queued.pk)

    queued.refresh_from_db()
    assert (queued.status, queued.error) == (Status.FAILED, "1")
    with other_connection() as other:  # the lock was given back
        assert other.execute("SELECT pg_try_advisory_lock(%s)", [services.REFRESH_LOCK]).fetchone()[0] is True
