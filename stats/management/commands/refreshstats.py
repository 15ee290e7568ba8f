"""``python manage.py refreshstats``: recompute the public statistics now, in this process."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stats.models import StatRefresh
from stats.services import stats_refresh_record


class Command(BaseCommand):
    help = (
        "Recompute the public statistics (every chart and the headline figures) from the live tables and "
        "store them for the statistics pages and API. Does nothing when a refresh is already queued or running."
    )

    def handle(self, *args, **options):
        self.stdout.write("Refreshing the statistics…")
        try:
            refresh = stats_refresh_record(trigger=StatRefresh.Trigger.COMMAND)
        except Exception as exc:  # recorded as failed by the service; say it plainly here
            raise CommandError(f"The refresh failed: {exc}") from exc
        if refresh is None:
            self.stdout.write("A refresh is already queued or running; it will bring the figures up to date.")
            return
        if refresh.status == StatRefresh.Status.SKIPPED:
            self.stdout.write("Another refresh was computing at the same moment; nothing was changed.")
            return
        self.stdout.write(
            f"Done in {refresh.duration_ms / 1000:.1f} s; figures as of "
            f"{timezone.localtime(refresh.started_at):%Y-%m-%d %H:%M:%S %Z}."
        )
