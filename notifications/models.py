"""Notifications: one row per (recipient, kind, subject), delivered after the event by Celery.

The row is written in the same transaction as the event that causes it (an outbox): if the
broker is down when the event happens nothing is lost, because a periodic task delivers what is
still pending. ``dedupe_key`` is unique, so the same event can never notify twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    VACANCY_MATCH = "vacancy_match", _("New vacancy matching your profile")
    SAVED_SEARCH = "saved_search", _("New vacancy for a saved search")
    APPLICATION_STATUS = "application_status", _("Application status changed")
    INVITATION = "invitation", _("Invitation from an employer")
    NEW_APPLICATIONS = "new_applications", _("New applications for your vacancies")
    VACANCY_EXPIRING = "vacancy_expiring", _("Vacancy expiring soon")
    REFERRAL = "referral", _("Referral to a vacancy")
    ORGANIZATION_STATUS = "organization_status", _("Organization verified or rejected")
    FAIR = "fair", _("Online job fair news")


class Frequency(models.TextChoices):
    INSTANT = "instant", _("Instantly")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("Never")


class NotificationPreference(models.Model):
    """How often a user wants e-mail for one kind (the in-app inbox always gets the row)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.frequency}"


class Notification(models.Model):
    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        DIGEST = "digest", _("Waiting for the digest")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent (preference or consent)")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What the notification is about, e.g. "vacancy:42" or "application:7:shortlisted".
    subject = models.CharField(max_length=100)
    # f"{recipient_id}:{kind}:{subject}" unless the caller needs another rule; never repeats.
    dedupe_key = models.CharField(max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(
                fields=["email_status", "created_at"],
                condition=models.Q(email_status__in=["pending", "sending", "digest"]),
                name="notification_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.dedupe_key


class SentEmail(models.Model):
    """The record of an e-mail handed to the mail server, keyed by the notification.

    Written in the same transaction that marks the notification sent; its unique key is what
    makes delivery exactly-once from the exchange's side when a worker dies mid-batch.
    """

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="sent_email")
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    message_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")

    def __str__(self) -> str:
        return self.message_id
