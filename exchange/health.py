"""Health of the exchange's moving parts, for ``/healthz`` and the launcher.

The worker writes a heartbeat into the shared cache (Redis, or the file cache of the embedded
default); the check reads it back. Database and broker are probed with a real round trip.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

WORKER_KEY = "health:worker:last"
BEAT_KEY = "health:beat:last"


def worker_heartbeat_interval() -> int:
    return settings.WORKER_HEARTBEAT_INTERVAL


def record_worker_heartbeat(hostname: str) -> None:
    cache.set(WORKER_KEY, {"at": time.time(), "hostname": hostname}, timeout=None)


def record_beat_heartbeat() -> None:
    cache.set(BEAT_KEY, time.time(), timeout=None)


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}


def check_broker(url: str | None = None) -> dict:
    """A real connection to the broker (``url`` defaults to the configured one)."""
    from exchange.celery import app

    url = url or app.conf.broker_url
    transport = url.split("://", 1)[0]
    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": transport}
    except Exception as exc:
        return {"ok": False, "transport": transport, "error": exc.__class__.__name__}


def check_worker() -> dict:
    try:
        last = cache.get(WORKER_KEY)
        beat = cache.get(BEAT_KEY)
    except Exception as exc:
        return {"ok": False, "error": f"cache unavailable ({exc.__class__.__name__})"}
    now = time.time()
    beat_age = round(now - beat, 1) if beat else None
    if not last:
        return {"ok": False, "error": "no worker heartbeat yet", "beat_age_seconds": beat_age}
    age = now - last["at"]
    ok = age <= settings.WORKER_HEARTBEAT_MAX_AGE
    result = {"ok": ok, "hostname": last["hostname"], "heartbeat_age_seconds": round(age, 1)}
    result["beat_age_seconds"] = beat_age
    if not ok:
        result["error"] = "last worker heartbeat is too old"
    return result


def check_all() -> tuple[bool, dict]:
    checks = {"database": check_database(), "broker": check_broker(), "worker": check_worker()}
    healthy = all(c["ok"] for c in checks.values())
    down = [name for name, c in checks.items() if not c["ok"]]
    return healthy, {"status": "ok" if healthy else "down", "down": down, "checks": checks}
