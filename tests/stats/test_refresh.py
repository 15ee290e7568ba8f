"""Refreshing the statistics: on demand by an administrator through the Celery worker, on the
schedule, from the command line; one at a time, each claimed once, failures and lost workers
recorded."""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO

import psycopg
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from exchange.errors import BusinessError
from stats import services
from stats.definitions import HEADLINE_KEY
from stats.models import StatRefresh, StatSnapshot
from stats.tasks import refresh as periodic_refresh
from tests import factories

Status = StatRefresh.Status


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


# --- Asking for a refresh -------------------------------------------------------------------------


def test_an_administrator_queues_one_refresh_and_a_second_request_gets_the_same(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first, created = services.stats_refresh_request(by=cast.admin)
    second, created_again = services.stats_refresh_request(by=cast.admin)

    assert created is True and created_again is False
    assert second.pk == first.pk
    assert (first.status, first.trigger, first.requested_by) == (Status.QUEUED, StatRefresh.Trigger.ADMIN, cast.admin)
    assert StatRefresh.objects.count() == 1
    assert len(callbacks) == 1  # the task is sent once, when the transaction commits


@pytest.mark.parametrize("actor", ["seeker_a", "employer_a", "staff_x"])
def test_only_administrators_may_ask_for_a_refresh(cast, actor):
    with pytest.raises(BusinessError) as refused:
        services.stats_refresh_request(by=getattr(cast, actor))

    assert (refused.value.code, refused.value.status_code) == ("administrators_only", 403)
    assert not StatRefresh.objects.exists()


def test_a_queued_refresh_runs_once_however_often_its_task_is_delivered(cast):
    queued, _created = services.stats_refresh_request(by=cast.admin)

    assert services.stats_refresh_run(refresh_id=queued.pk) is True
    assert services.stats_refresh_run(refresh_id=queued.pk) is False

    queued.refresh_from_db()
    assert queued.status == Status.DONE
    assert queued.duration_ms is not None and queued.started_at <= queued.finished_at
    assert StatSnapshot.objects.filter(key=HEADLINE_KEY).exists()


def test_a_failing_refresh_is_recorded_with_its_error_and_keeps_the_old_figures(cast, monkeypatch):
    services.stats_refresh()
    before = StatSnapshot.objects.get(key=HEADLINE_KEY).refreshed_at
    queued, _created = services.stats_refresh_request(by=cast.admin)

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "stats_compute", broken)
    with pytest.raises(RuntimeError):
        services.stats_refresh_run(refresh_id=queued.pk)

    queued.refresh_from_db()
    assert (queued.status, queued.error) == (Status.FAILED, "the database went away")
    assert StatSnapshot.objects.get(key=HEADLINE_KEY).refreshed_at == before


def test_a_refresh_finding_another_one_computing_is_skipped(cast):
    params = {k: v for k, v in connection.get_connection_params().items() if k not in ("cursor_factory", "context")}
    params.pop("server_side_binding", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [services.REFRESH_LOCK])
        try:
            assert services.stats_refresh() is None
            done = services.stats_refresh_record(trigger=StatRefresh.Trigger.COMMAND)
        finally:
            other.execute("SELECT pg_advisory_unlock(%s)", [services.REFRESH_LOCK])

    assert done.status == Status.SKIPPED
    assert not StatSnapshot.objects.exists()


# --- The schedule ---------------------------------------------------------------------------------


def test_the_scheduled_refresh_records_and_runs_one(catalog):
    refresh_id = periodic_refresh()

    done = StatRefresh.objects.get(pk=refresh_id)
    assert (done.trigger, done.status) == (StatRefresh.Trigger.SCHEDULE, Status.DONE)
    assert StatSnapshot.objects.filter(key=HEADLINE_KEY).exists()


def test_the_scheduled_refresh_leaves_a_fresh_queued_one_to_its_task(cast):
    queued, _created = services.stats_refresh_request(by=cast.admin)

    assert periodic_refresh() is None

    queued.refresh_from_db()
    assert queued.status == Status.QUEUED
    assert StatRefresh.objects.count() == 1


def test_the_scheduled_refresh_runs_a_queued_one_whose_message_was_lost(cast):
    queued, _created = services.stats_refresh_request(by=cast.admin)
    StatRefresh.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    assert periodic_refresh() == queued.pk

    queued.refresh_from_db()
    assert queued.status == Status.DONE


def test_a_refresh_whose_worker_died_is_failed_and_a_new_one_runs(cast):
    stuck = StatRefresh.objects.create(
        trigger=StatRefresh.Trigger.ADMIN, status=Status.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )

    refresh_id = periodic_refresh()

    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED
    assert "worker stopped" in stuck.error
    assert StatRefresh.objects.get(pk=refresh_id).status == Status.DONE


# --- The command ----------------------------------------------------------------------------------


def test_the_command_refreshes_and_says_how_long_it_took(catalog):
    out = StringIO()

    call_command("refreshstats", stdout=out)

    assert "Done in" in out.getvalue()
    assert StatRefresh.objects.get().trigger == StatRefresh.Trigger.COMMAND
    assert StatSnapshot.objects.filter(key=HEADLINE_KEY).exists()


def test_the_command_does_nothing_while_a_refresh_is_pending(cast):
    services.stats_refresh_request(by=cast.admin)
    out = StringIO()

    call_command("refreshstats", stdout=out)

    assert "already queued or running" in out.getvalue()
    assert not StatSnapshot.objects.exists()


# --- Through the real worker ----------------------------------------------------------------------


@pytest.mark.celery_worker
def test_refresh_now_runs_through_the_worker_and_the_page_shows_the_new_time(celery_worker, cast, client):
    factories.VacancyFactory(title="Counted welder")
    client.force_login(cast.admin)

    response = client.post(reverse("stats:refresh"), {"next": reverse("stats:section", args=["vacancies"])})

    assert response.status_code == 302
    assert response["Location"] == reverse("stats:section", args=["vacancies"])
    queued = StatRefresh.objects.get()
    assert wait_for(lambda: StatRefresh.objects.get(pk=queued.pk).status == Status.DONE)
    figures = StatSnapshot.objects.get(key=HEADLINE_KEY)
    assert figures.payload["figures"]["vacancies_open"] == 1
    page = client.get(reverse("stats:overview"))
    assert "data-refreshed-at" in page.content.decode()
    assert "data-refresh-status" not in page.content.decode()


@pytest.mark.celery_worker
def test_the_periodic_task_runs_on_the_worker(celery_worker, catalog):
    periodic_refresh.delay()

    assert wait_for(lambda: StatRefresh.objects.filter(status=Status.DONE).exists())
    assert StatSnapshot.objects.filter(key=HEADLINE_KEY).exists()


def test_the_administrator_sees_a_queued_refresh_and_the_page_reloads_itself(cast, client):
    services.stats_refresh_request(by=cast.admin)
    client.force_login(cast.admin)

    page = client.get(reverse("stats:overview")).content.decode()

    assert 'data-refresh-status="queued"' in page
    assert 'http-equiv="refresh"' in page
    assert "disabled" in page
