"""Writing notifications: one row per dedupe key, in the event's transaction, delivery after commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.models import SeekerProfile
from accounts.services.seekers import consent_withdraw
from notifications.models import Kind, Notification
from notifications.services import NewNotification, notification_create, notifications_create_bulk
from tests import factories
from tests.notifications.helpers import match, status_changed

pytestmark = pytest.mark.django_db


def test_a_notification_is_written_once_per_dedupe_key(cast):
    first = notification_create(
        recipient=cast.seeker_a, kind=Kind.INVITATION, subject="invitation:1", data={"vacancy_title": "Welder"}
    )
    again = notification_create(
        recipient=cast.seeker_a, kind=Kind.INVITATION, subject="invitation:1", data={"vacancy_title": "Other"}
    )

    assert first is not None and again is None
    stored = Notification.objects.get()
    assert stored.pk == first.pk
    assert stored.dedupe_key == f"{cast.seeker_a.pk}:invitation:invitation:1"
    assert stored.data == {"vacancy_title": "Welder"}
    assert stored.email_status == Notification.EmailStatus.PENDING


def test_bulk_creation_skips_existing_keys_and_counts_only_new_rows(cast):
    assert notifications_create_bulk(items=[status_changed(cast.seeker_a, 1), status_changed(cast.seeker_b, 1)]) == 2

    created = notifications_create_bulk(
        items=[status_changed(cast.seeker_a, 1), status_changed(cast.seeker_a, 2), status_changed(cast.seeker_a, 2)]
    )

    assert created == 1
    assert Notification.objects.count() == 3


def test_bulk_creation_works_in_batches(cast):
    items = [status_changed(cast.seeker_a, n) for n in range(25)]

    assert notifications_create_bulk(items=items, batch_size=10) == 25
    assert Notification.objects.filter(recipient=cast.seeker_a).count() == 25


def test_a_caller_may_share_one_dedupe_key_between_kinds(cast):
    # Matching uses one key per seeker and vacancy so a saved search and a profile match
    # never notify twice about the same vacancy.
    key = f"{cast.seeker_a.pk}:vacancy:42"
    saved = NewNotification(
        recipient_id=cast.seeker_a.pk, kind=Kind.SAVED_SEARCH, subject="vacancy:42", data={}, dedupe_key=key
    )
    profile_match = NewNotification(
        recipient_id=cast.seeker_a.pk, kind=Kind.VACANCY_MATCH, subject="vacancy:42", data={}, dedupe_key=key
    )

    assert notifications_create_bulk(items=[saved, profile_match]) == 1
    assert Notification.objects.get().kind == Kind.SAVED_SEARCH


def test_matches_are_not_written_for_seekers_without_consent(cast):
    without_consent = factories.SeekerProfileFactory().user
    assert not SeekerProfile.objects.get(user=without_consent).has_consent

    created = notifications_create_bulk(items=[match(cast.seeker_a), match(without_consent)])

    assert created == 1
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [cast.seeker_a.pk]


def test_matches_stop_being_written_once_consent_is_withdrawn(cast):
    consent_withdraw(user=cast.seeker_a)

    assert notification_create(recipient=cast.seeker_a, kind=Kind.VACANCY_MATCH, subject="vacancy:1", data={}) is None
    assert not Notification.objects.exists()


def test_other_kinds_reach_users_without_a_profile(cast):
    assert notifications_create_bulk(
        items=[NewNotification(recipient_id=cast.employer_a.pk, kind=Kind.NEW_APPLICATIONS, subject="a:1", data={})]
    )


def test_a_notification_rolls_back_with_its_event(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications_create_bulk(items=[status_changed(cast.seeker_a)])
        raise RuntimeError("the event failed")

    assert not Notification.objects.exists()


def test_delivery_is_enqueued_after_the_commit_and_only_for_new_rows(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notifications_create_bulk(items=[status_changed(cast.seeker_a, 1)])
        notifications_create_bulk(items=[status_changed(cast.seeker_a, 1)])

    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"kind": "gossip"}, "unknown notification kind"),
        ({"subject": "x" * 101}, "subject"),
        ({"subject": ""}, "subject"),
        ({"dedupe_key": "k" * 201}, "dedupe key"),
        ({"url": "/" + "u" * 500}, "url"),
    ],
)
def test_a_malformed_notification_is_a_programming_error(cast, change, problem):
    item = NewNotification(**{**status_changed(cast.seeker_a).__dict__, **change})

    with pytest.raises(ValueError, match=problem):
        notifications_create_bulk(items=[item])
