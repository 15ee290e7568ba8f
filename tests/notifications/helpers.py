"""Small builders shared by the notifications tests."""

from __future__ import annotations

from collections import Counter

from accounts.models import User
from notifications.models import DeliveredEmail, Frequency, Kind, Notification, NotificationPreference
from notifications.rendering import instant_message_id
from notifications.services import NewNotification, notifications_create_bulk

STATUS_DATA = {
    "application_id": 7,
    "vacancy_id": 42,
    "vacancy_title": "Welder",
    "organization_name": "Steel LLP",
    "status": "shortlisted",
    "reason": "",
}


def status_changed(user: User, n: int = 1, **data) -> NewNotification:
    """An application_status notification for ``user`` (instant by default)."""
    return NewNotification(
        recipient_id=user.pk,
        kind=Kind.APPLICATION_STATUS,
        subject=f"application:{n}:shortlisted",
        data={**STATUS_DATA, "application_id": n, **data},
        url=f"/vacancies/applications/{n}/",
    )


def match(user: User, vacancy_id: int = 42, **data) -> NewNotification:
    return NewNotification(
        recipient_id=user.pk,
        kind=Kind.VACANCY_MATCH,
        subject=f"vacancy:{vacancy_id}",
        data={
            "vacancy_id": vacancy_id,
            "vacancy_title": "Welder",
            "organization_name": "Steel LLP",
            "score": 87,
            **data,
        },
        url=f"/vacancies/{vacancy_id}/",
    )


def create(*items: NewNotification) -> list[Notification]:
    notifications_create_bulk(items=items)
    keys = [item.key() for item in items]
    return list(Notification.objects.filter(dedupe_key__in=keys).order_by("id"))


def insert_pending(*items: NewNotification) -> list[Notification]:
    """Pending notifications written straight to the table, without enqueuing their delivery.

    For transactional tests whose deliveries only the code under test may run: the suite's
    in-process worker (``celery_worker_session``) keeps consuming the test queue between tests.
    """
    Notification.objects.bulk_create(
        Notification(
            recipient_id=item.recipient_id,
            kind=item.kind,
            subject=item.subject,
            dedupe_key=item.key(),
            data=item.data,
            url=item.url,
        )
        for item in items
    )
    return list(Notification.objects.filter(dedupe_key__in=[item.key() for item in items]).order_by("id"))


def prefer(user: User, kind: str, frequency: str = Frequency.INSTANT) -> None:
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"frequency": frequency})


def deliveries_per_notification(notifications) -> dict[int, int]:
    """How many e-mails the database mail backend received for each notification."""
    counts = Counter(DeliveredEmail.objects.values_list("message_id", flat=True))
    return {n.pk: counts[instant_message_id(n.dedupe_key)] for n in notifications}
