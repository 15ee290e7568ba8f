"""Delivery through real Celery workers on the real broker, including the failures that matter:
the same task twice, a worker killed with SIGKILL mid-batch, Redis down while events happen.

Mail goes to the ``DeliveredEmail`` table through the sending transaction (the database mail
backend), so "delivered exactly once" is counted, not assumed: one row per notification's
Message-ID. Nothing of our stack is mocked.
"""

from __future__ import annotations

import datetime
import os
import uuid
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from exchange.celery import app
from notifications.models import DeliveredEmail, Digest, Frequency, Kind, Notification, SentEmail
from notifications.services import notifications_create_bulk
from tests import factories
from tests.notifications import processes
from tests.notifications.helpers import deliveries_per_notification, insert_pending, match, prefer, status_changed

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

Status = Notification.EmailStatus
OPEN = [Status.PENDING, Status.SENDING]


def settled(notifications) -> bool:
    return not Notification.objects.filter(pk__in=[n.pk for n in notifications], email_status__in=OPEN).exists()


# --- The in-process worker (the suite's celery_worker fixture) ---------------------------------


def test_notifications_created_in_a_transaction_are_delivered_once_by_the_worker(cast, celery_worker, database_mail):
    with transaction.atomic():
        notifications_create_bulk(items=[status_changed(cast.seeker_a, n) for n in range(5)])
    notifications = list(Notification.objects.all())

    assert processes.wait_until(lambda: settled(notifications), timeout=30)
    assert set(deliveries_per_notification(notifications).values()) == {1}


def test_running_the_delivery_task_again_sends_nothing_twice(cast, celery_worker, database_mail):
    with transaction.atomic():
        notifications_create_bulk(items=[status_changed(cast.seeker_a, n) for n in range(3)])
    notifications = list(Notification.objects.all())
    assert processes.wait_until(lambda: settled(notifications), timeout=30)

    ids = [n.pk for n in notifications]
    app.send_task("notifications.deliver", args=[ids])
    app.send_task("notifications.deliver", args=[ids])
    app.send_task("notifications.sweep")
    # One worker takes its queue in order: once a later notification is delivered, so are the
    # repeated tasks before it.
    with transaction.atomic():
        notifications_create_bulk(items=[status_changed(cast.seeker_b, 99)])
    marker = Notification.objects.get(recipient=cast.seeker_b)

    assert processes.wait_until(lambda: settled([marker]), timeout=30)
    assert set(deliveries_per_notification(notifications).values()) == {1}
    assert DeliveredEmail.objects.count() == SentEmail.objects.count() == 4


def test_the_daily_digest_task_run_twice_sends_one_digest(cast, celery_worker, database_mail):
    rows = insert_pending(match(cast.seeker_a, 1), match(cast.seeker_a, 2))
    Notification.objects.update(
        email_status=Status.DIGEST,
        email_frequency=Frequency.DAILY,
        created_at=timezone.now() - datetime.timedelta(days=2),
    )

    app.send_task("notifications.send_daily_digests")
    app.send_task("notifications.send_daily_digests")
    with transaction.atomic():  # queued behind both, and the batches they enqueue
        notifications_create_bulk(items=[status_changed(cast.seeker_b, 99)])
    marker = Notification.objects.get(recipient=cast.seeker_b)

    assert processes.wait_until(lambda: settled([marker]) and Digest.objects.exists(), timeout=30)
    assert processes.wait_until(
        lambda: not Notification.objects.filter(pk__in=[r.pk for r in rows], email_status=Status.DIGEST).exists(),
        timeout=30,
    )
    digest = Digest.objects.get()
    assert DeliveredEmail.objects.filter(message_id=digest.message_id).count() == 1
    assert set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("digest", flat=True)) == {digest.pk}


def test_the_worker_finds_every_notifications_task_by_its_name():
    app.loader.import_default_modules()  # what a starting worker does: autodiscovery

    assert {
        "notifications.deliver",
        "notifications.sweep",
        "notifications.send_daily_digests",
        "notifications.send_weekly_digests",
        "notifications.send_digest_batch",
    } <= set(app.tasks)


# --- Worker subprocesses ------------------------------------------------------------------------


def test_a_worker_killed_mid_batch_delivers_every_notification_exactly_once_after_restart(cast, tmp_path: Path):
    # Not through the service: no delivery may be enqueued for the suite's own worker.
    notifications = insert_pending(*(status_changed(cast.seeker_a, n) for n in range(20)))
    queue = f"notifications-test-{uuid.uuid4().hex[:8]}"
    env = processes.subprocess_env(NOTIFICATIONS_TEST_SEND_DELAY="0.4", NOTIFICATIONS_TEST_CLAIM_TIMEOUT="2")
    log = tmp_path / "worker.log"
    worker = processes.Worker(queue=queue, log=log, env=env)
    try:
        worker.start()
        app.send_task("notifications.deliver", args=[[n.pk for n in notifications]], queue=queue)
        assert processes.wait_until(lambda: DeliveredEmail.objects.count() >= 5, timeout=60), worker.output()

        worker.kill()

        delivered_before_restart = DeliveredEmail.objects.count()
        assert 5 <= delivered_before_restart < 20, "the kill must land in the middle of the batch"
        assert Notification.objects.filter(email_status=Status.SENDING).exists()

        worker = processes.Worker(queue=queue, log=log, env={**env, "NOTIFICATIONS_TEST_SEND_DELAY": "0"}).start()

        def sweep():
            app.send_task("notifications.sweep", queue=queue)

        sweep()
        assert processes.wait_until(lambda: settled(notifications), timeout=60, every=sweep), worker.output()
    finally:
        worker.kill()

    assert set(Notification.objects.values_list("email_status", flat=True)) == {Status.SENT}
    assert set(deliveries_per_notification(notifications).values()) == {1}
    assert DeliveredEmail.objects.count() == SentEmail.objects.count() == 20


def _redis_or_skip() -> None:
    if not os.path.exists(processes.REDIS_SERVER):
        if os.environ.get("CI") == "true":
            pytest.fail(f"redis-server is required in CI ({processes.REDIS_SERVER} not found)")
        pytest.skip(f"redis-server not installed ({processes.REDIS_SERVER})")


def test_events_while_redis_is_down_are_delivered_once_when_it_returns(cast, tmp_path: Path):
    _redis_or_skip()
    vacancy = factories.VacancyFactory(organization=cast.employer_a.membership.organization, title="Welder")
    applications = [factories.ApplicationFactory(vacancy=vacancy) for _ in range(4)]
    for seeker in (cast.seeker_a, cast.seeker_b):
        prefer(seeker, Kind.VACANCY_MATCH, Frequency.INSTANT)

    redis = processes.RedisServer(port=processes.free_port(), log=tmp_path / "redis.log").start()
    queue = f"notifications-test-{uuid.uuid4().hex[:8]}"
    env = processes.subprocess_env(REDIS_URL=redis.url, CELERY_QUEUE=queue, NOTIFICATIONS_TEST_CLAIM_TIMEOUT="2")
    worker = processes.Worker(queue=queue, log=tmp_path / "worker.log", env=env)
    try:
        worker.start()
        redis.stop()

        # The web process, with its broker gone: applications move, a vacancy's matches fan out.
        shortlisted, shortlist_log = processes.run_events(
            "shortlist", "--by", str(cast.employer_a.pk), *(str(a.pk) for a in applications), env=env
        )
        matched, match_log = processes.run_events(
            "matches", "--vacancy", str(vacancy.pk), str(cast.seeker_a.pk), str(cast.seeker_b.pk), env=env
        )

        assert (shortlisted["events"], matched["events"]) == (4, 1)
        assert max(shortlisted["slowest_seconds"], matched["slowest_seconds"]) < 10, "an event waited for the broker"
        assert shortlist_log.count("could not enqueue the delivery") == 4
        assert match_log.count("could not enqueue the delivery") == 1
        notifications = list(Notification.objects.order_by("id"))
        assert [n.kind for n in notifications] == [Kind.APPLICATION_STATUS] * 4 + [Kind.VACANCY_MATCH] * 2
        assert {n.email_status for n in notifications} == {Status.PENDING}  # nothing could be enqueued

        redis.start()

        def sweep():  # what beat does every minute
            processes.run_events("send", "notifications.sweep", env=env)

        sweep()
        assert processes.wait_until(lambda: settled(notifications), timeout=90, every=sweep, every_seconds=10), (
            worker.output()
        )
    finally:
        worker.kill()
        redis.stop()

    assert set(Notification.objects.values_list("email_status", flat=True)) == {Status.SENT}
    assert set(deliveries_per_notification(notifications).values()) == {1}
    assert DeliveredEmail.objects.count() == 6
