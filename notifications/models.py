"""Notifications: one row per (recipient, kind, subject), delivered after the event by Celery.

The row is written in the same transaction as the event that causes it (an outbox): if the
broker is down when the event happens nothing is lost, because a periodic task delivers what is
still pending. ``dedupe_key`` is unique, so the same event can never notify twice.

Titles and texts are not stored: they are rendered from ``kind`` + ``data`` by templates in the
reader's language when the inbox is shown or the e-mail is sent (``notifications.rendering``).

E-mail state of a row (``email_status``)::

    pending --claim--> sending --send+commit--> sent
       ^                  |  \\--preference daily/weekly--> digest --digest sent--> sent
       |                  |  \\--never / no consent / inactive--> skipped
       +---- error, retry-+  \\--too many errors--> failed
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
    """How often a user wants e-mail for one kind (the in-app inbox always gets the row).

    No row means the kind's default (``notifications.kinds.DEFAULT_FREQUENCY``).
    """

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


class Digest(models.Model):
    """One digest e-mail: a user's waiting notifications of one period, sent together.

    ``(user, frequency, period)`` is unique and the row is written in the transaction that sends
    the e-mail and marks the notifications sent, so a period's digest goes out once however
    often (or on how many workers) the digest task runs.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    # "2026-11-23" for a daily digest, "2026-W48" for a weekly one (ISO week).
    period = models.CharField(_("period"), max_length=10)
    message_id = models.CharField(max_length=200, unique=True)
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "frequency", "period"], name="one_digest_per_user_and_period")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.frequency} {self.period}"


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
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The facts the templates render (ids, titles, status, reasons...), JSON only.
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    # Claims so far; a row claimed too often without success ends as failed.
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Set when a worker claims the row; it is also the claim's token (see services.delivery).
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # Back-off after an error: the row is not claimed again before this moment.
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    # Which digest a row in ``digest`` waits for (daily or weekly), decided when it was routed
    # and kept in step with preference changes by the preferences service.
    email_frequency = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    # Why the e-mail was skipped, or the last error.
    email_note = models.CharField(max_length=300, blank=True)
    digest = models.ForeignKey(Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The inbox, newest first, paged by id (keyset).
            models.Index(fields=["recipient", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            # Small partial indexes for the three queues the delivery reads; sent rows are in none.
            models.Index(fields=["id"], condition=models.Q(email_status="pending"), name="notification_pending_idx"),
            models.Index(
                fields=["email_claimed_at"], condition=models.Q(email_status="sending"), name="notification_sending_idx"
            ),
            models.Index(
                fields=["email_frequency", "created_at"],
                condition=models.Q(email_status="digest"),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.dedupe_key


class SentEmail(models.Model):
    """The record of an instant e-mail handed to the mail server, keyed by the notification.

    Written in the same transaction that sends and marks the notification sent; its unique keys
    are what make delivery exactly-once from the exchange's side when a worker dies mid-batch.
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


class DeliveredEmail(models.Model):
    """An e-mail "delivered" by ``notifications.mail_backends.DatabaseEmailBackend``.

    The backend writes through the sending transaction, so a message exists here exactly when
    the transaction that sent it committed: tests count these rows to prove exactly-once
    delivery, and a development site can read its mail in the admin. ``message_id`` is
    deliberately not unique, so a duplicate would show up rather than fail.
    """

    message_id = models.CharField(max_length=200, db_index=True)
    to = models.TextField()
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivered e-mail (database backend)")
        verbose_name_plural = _("delivered e-mails (database backend)")

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
