"""Precomputed public statistics.

The figures are computed from the big tables (vacancies, applications, referrals...) by one
refresh (``stats.services.stats_refresh``) and kept here as small JSON documents, one per
section of the statistics pages; pages and the API read only these rows, so they stay fast
whatever the size of the exchange. ``StatRefresh`` records each refresh asked for (by the
schedule, an administrator or the command) so the pages can show a queued or running one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatSnapshot(models.Model):
    """The figures of one chart (or of the headline), as computed by the last refresh."""

    key = models.CharField(_("key"), max_length=60, unique=True)
    payload = models.JSONField(_("figures"), default=dict)
    refreshed_at = models.DateTimeField(_("refreshed at"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")

    def __str__(self) -> str:
        return f"{self.key} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


class StatRefresh(models.Model):
    """One refresh of the statistics: asked for, queued, run, done or failed."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        ADMIN = "admin", _("Administrator")
        COMMAND = "command", _("Command line")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (another refresh was running)")

    PENDING_STATUSES = (Status.QUEUED, Status.RUNNING)

    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration, ms"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("statistics refresh")
        verbose_name_plural = _("statistics refreshes")
        constraints = [
            # At most one refresh waiting or running at a time: a second "refresh now" while one
            # is pending is answered with the pending one instead of queueing another.
            models.UniqueConstraint(
                models.Value(True),
                condition=models.Q(status__in=["queued", "running"]),
                name="one_pending_stats_refresh",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="stats_refresh_status_idx")]

    def __str__(self) -> str:
        return f"{self.trigger} refresh {self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING_STATUSES
