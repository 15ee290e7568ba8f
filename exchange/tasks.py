from celery import shared_task

from exchange.health import record_beat_heartbeat


@shared_task(name="exchange.tasks.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Sent by beat, run by a worker: its time stamp shows the schedule is being executed.

    Idempotent: it only overwrites one cache key.
    """
    record_beat_heartbeat()
