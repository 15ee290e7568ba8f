"""The statistics' part of the demo data: nothing to seed, but the figures are computed once when
there are none yet, so /stats/ shows the demo data at the first start instead of waiting for the
periodic refresh. A seeder of ``settings.DEMO_SEEDERS``; it must come last, after the data.

A module of its own rather than a function in ``stats.services``: it is only ever called by
``seeddemo``, and keeps the demo concerns out of the refresh's module.
"""

from __future__ import annotations

from stats.models import StatRefresh
from stats.selectors import last_refreshed_at
from stats.services import stats_refresh_record


def demo_stats_seed() -> list[str]:
    """Refresh the statistics (recorded as a command-line refresh) when none were ever computed.

    Must not run inside a transaction (``stats_refresh_run``'s precondition)."""
    if last_refreshed_at() is not None:
        return ["statistics: already computed"]
    refresh = stats_refresh_record(trigger=StatRefresh.Trigger.COMMAND)
    if refresh is None:
        return ["statistics: a refresh is already queued or running"]
    return [f"statistics: computed ({refresh.status})"]
