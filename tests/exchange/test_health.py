import time

import pytest
from django.core.cache import cache

from exchange import health
from exchange.celery import app


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.celery_worker
def test_healthz_answers_200_naming_database_broker_and_worker_when_a_worker_runs(client, celery_worker):
    assert _wait_for(lambda: cache.get(health.WORKER_KEY) is not None)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "worker"}
    assert body["checks"]["worker"]["heartbeat_age_seconds"] < 60


@pytest.mark.celery_worker
def test_beat_heartbeat_task_sent_through_the_broker_is_run_by_the_worker(celery_worker):
    cache.delete(health.BEAT_KEY)

    app.send_task("exchange.tasks.beat_heartbeat")

    assert _wait_for(lambda: cache.get(health.BEAT_KEY) is not None)


def test_healthz_answers_503_naming_the_worker_when_no_heartbeat_is_recent(client, db, settings):
    cache.set(health.WORKER_KEY, {"at": time.time() - 3600, "hostname": "gone@host"}, timeout=None)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["worker"]
    assert body["checks"]["database"]["ok"] is True


def test_broker_check_reports_an_unreachable_broker():
    # Port 9 (discard) on loopback: nothing listens there, so the connection is refused.
    result = health.check_broker("redis://127.0.0.1:9/0")

    assert result["ok"] is False
    assert result["transport"] == "redis"


def test_broker_check_reaches_the_configured_broker():
    assert health.check_broker()["ok"] is True
