"""Reads of the statistics: the snapshots the last refresh stored, and the refreshes themselves.

Pages and the API read only these small rows (one query for the snapshots of a page), never the
big tables: those are read once per refresh by ``stats.aggregates``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from stats.definitions import HEADLINE_KEY
from stats.models import StatRefresh, StatSnapshot


def is_stats_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_administrator)


def require_stats_admin(user: User) -> None:
    """403 unless an administrator: the only ones who export the workbook or refresh by hand."""
    if not is_stats_admin(user):
        raise PermissionDenied


@dataclass(frozen=True)
class Snapshots:
    """The payloads of some snapshot keys and when they were computed (None: never refreshed)."""

    payloads: dict[str, dict]
    refreshed_at: datetime | None

    def get(self, key: str) -> dict | None:
        return self.payloads.get(key)


def snapshots_get(*, keys: list[str] | tuple[str, ...]) -> Snapshots:
    """The snapshots of ``keys`` in one query; every refresh writes all keys at once, so they share
    one ``refreshed_at``."""
    rows = list(StatSnapshot.objects.filter(key__in=list(keys)).values_list("key", "payload", "refreshed_at"))
    refreshed_at = max((row[2] for row in rows), default=None)
    return Snapshots(payloads={key: payload for key, payload, _at in rows}, refreshed_at=refreshed_at)


def last_refreshed_at() -> datetime | None:
    return StatSnapshot.objects.filter(key=HEADLINE_KEY).values_list("refreshed_at", flat=True).first()


def refresh_pending() -> StatRefresh | None:
    """The refresh queued or running, if any (at most one: a database constraint)."""
    return StatRefresh.objects.filter(status__in=StatRefresh.PENDING_STATUSES).first()


def refresh_latest() -> StatRefresh | None:
    return StatRefresh.objects.order_by("-created_at", "-id").first()


def home_counters() -> list[dict]:
    """Headline figures for the home page (``settings.HOME_COUNTERS``), read from the last
    refresh; nothing before the first one."""
    payload = StatSnapshot.objects.filter(key=HEADLINE_KEY).values_list("payload", flat=True).first()
    if not payload:
        return []
    figures = payload.get("figures", {})
    return [
        {"label": _("people hired through the exchange"), "value": figures.get("hires", 0)},
        {"label": _("of them young people under 35"), "value": figures.get("youth_hires", 0)},
    ]
