"""A whole fair with the clock moved forward: created by the monthly task, registration, live,
applications, interviews, hires, closed, results published. Every status change is made by the
periodic tasks on the real Celery worker, each task sent more than once at every step, and every
reminder is written and e-mailed exactly once.

The worker runs in a thread of this process (the ``celery_worker`` fixture), so time-machine's
clock, which is process-wide, is the worker's clock too. Tasks keep no results, so "the tasks
sent so far have run" is known by sending the beat heartbeat task after them and waiting for
its cache key: the solo worker takes the queue's tasks one at a time, in order.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from catalog.models import Occupation
from exchange.health import BEAT_KEY
from exchange.tasks import beat_heartbeat
from fairs.models import Fair, FairApplication, FairVacancy, Participation
from fairs.services.participation import (
    fair_application_hire,
    fair_vacancy_add,
    participation_apply,
    participation_decide,
    slot_create,
)
from fairs.services.seekers import fair_apply, fair_register, slot_book
from fairs.tasks import advance, create_monthly
from notifications.models import DeliveredEmail, Kind, Notification
from notifications.rendering import instant_message_id
from tests import factories
from vacancies.models import Application

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

Status = Fair.Status
ALMATY = ZoneInfo("Asia/Almaty")
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
REMINDERS = ("registration_open", "starts_soon", "started", "matching", "ends_soon")


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout  # time-machine leaves the monotonic clock alone
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def run_periodic_tasks(*tasks, times: int = 2) -> None:
    """Send each task ``times`` times to the worker and wait until all of them have run."""
    cache.delete(BEAT_KEY)
    for _ in range(times):
        for task in tasks:
            task.delay()
    beat_heartbeat.delay()
    assert wait_for(lambda: cache.get(BEAT_KEY) is not None), "the worker did not run the tasks"


def reminders(fair: Fair) -> dict[str, Counter]:
    """Per reminder, how many notifications each user got."""
    counts = {event: Counter() for event in REMINDERS}
    rows = Notification.objects.filter(kind=Kind.FAIR, subject=f"fair:{fair.pk}")
    for event, user_id in rows.values_list("data__event", "recipient_id"):
        if event in counts:
            counts[event][user_id] += 1
    return counts


def test_a_whole_fair_runs_on_the_periodic_tasks_with_every_reminder_sent_once(
    cast, celery_worker, time_machine, settings
):
    settings.EMAIL_BACKEND = "notifications.mail_backends.DatabaseEmailBackend"
    employer, seeker, matching_seeker = cast.employer_a, cast.seeker_a, cast.seeker_b
    matching_seeker.seeker_profile.desired_occupations.set([Occupation.objects.get(code="7212")])

    # The 10th of a month: the monthly task creates next month's national fair (24th-30th).
    today = datetime.datetime.now(tz=ALMATY).date()
    time_machine.move_to(datetime.datetime(today.year + 1, 1, 10, 12, 0, tzinfo=ALMATY))
    run_periodic_tasks(create_monthly, advance)
    fair = Fair.objects.get(kind=Fair.Kind.NATIONAL)
    assert fair.title == f"National online job fair — February {today.year + 1}"
    assert fair.status == Status.SCHEDULED
    assert fair.starts_at == datetime.datetime(today.year + 1, 2, 24, tzinfo=ALMATY)

    # An employer asks to take part; the administrator approves; a vacancy with positions and a
    # one-to-one interview slot on the first day.
    organization = employer.membership.organization
    participation = participation_apply(fair=fair, organization=organization, by=employer)
    participation_decide(participation=participation, by=cast.admin, approve=True)
    # Published today, it would expire before the fair ends: offering it keeps it open.
    vacancy = factories.VacancyFactory(organization=organization, title="Welder", positions=5)
    fair_vacancy = fair_vacancy_add(
        participation=participation,
        vacancy=vacancy,
        positions_offered=3,
        screening_questions=["Do you hold a welder's certificate?"],
        by=employer,
    )
    slot = slot_create(
        participation=participation,
        starts_at=fair.starts_at + 10 * HOUR,
        duration_minutes=30,
        meeting_link="https://meet.example.kz/welders",
        capacity=1,
        fair_vacancy=fair_vacancy,
        by=employer,
    )

    # Registration opens; the seeker registers.
    time_machine.move_to(fair.registration_opens_at + MINUTE)
    run_periodic_tasks(create_monthly, advance)
    fair.refresh_from_db()
    assert fair.status == Status.REGISTRATION
    fair_register(fair=fair, seeker=seeker)

    # The day before the start, then the start.
    time_machine.move_to(fair.starts_at - 12 * HOUR)
    run_periodic_tasks(create_monthly, advance)
    time_machine.move_to(fair.starts_at + MINUTE)
    run_periodic_tasks(create_monthly, advance)
    fair.refresh_from_db()
    assert fair.status == Status.LIVE

    # Live: the seeker applies, answering the question, and books the interview; the employer
    # interviews and hires.
    fair_application = fair_apply(
        fair_vacancy=fair_vacancy, seeker=seeker, cover_letter="I weld.", answers=["Yes, since 2021."]
    )
    booking = slot_book(slot=slot, seeker=seeker, by=seeker)
    assert booking.fair_application == fair_application
    time_machine.move_to(slot.ends_at + HOUR)
    fair_application_hire(fair_application=fair_application, by=employer)
    assert Application.objects.get(pk=fair_application.application_id).status == Application.Status.HIRED

    # The day before the end, the end, the hiring week, the results.
    time_machine.move_to(fair.ends_at - 12 * HOUR)
    run_periodic_tasks(create_monthly, advance)
    time_machine.move_to(fair.ends_at + MINUTE)
    run_periodic_tasks(create_monthly, advance)
    assert Fair.objects.get(pk=fair.pk).status == Status.CLOSED
    time_machine.move_to(fair.results_at + MINUTE)
    run_periodic_tasks(create_monthly, advance, times=3)

    fair.refresh_from_db()
    assert fair.status == Status.RESULTS
    totals = fair.results["totals"]
    assert (totals["employers"], totals["positions_offered"], totals["registered"]) == (1, 3, 1)
    assert (totals["applications"], totals["hired"]) == (1, 1)
    assert FairVacancy.objects.get(pk=fair_vacancy.pk).positions_filled == 1
    assert FairApplication.objects.filter(fair=fair).count() == 1
    assert Participation.objects.get(pk=participation.pk).status == Participation.Status.APPROVED
    one_fair_a_month = Fair.objects.filter(kind=Fair.Kind.NATIONAL).values_list("month", flat=True)
    assert len(one_fair_a_month) == len(set(one_fair_a_month)), "the monthly task made no second fair"

    # Every reminder went to the right people exactly once...
    both = {seeker.pk: 1, employer.pk: 1}
    assert reminders(fair) == {
        "registration_open": Counter({employer.pk: 1}),
        "starts_soon": Counter(both),
        "started": Counter(both),
        "matching": Counter({matching_seeker.pk: 1}),
        "ends_soon": Counter(both),
    }
    # ...and was e-mailed exactly once by the worker.
    sent = Notification.objects.filter(kind=Kind.FAIR, dedupe_key__contains=f":fair:{fair.pk}:")
    assert wait_for(lambda: not sent.exclude(email_status=Notification.EmailStatus.SENT).exists()), list(
        sent.values_list("dedupe_key", "email_status", "email_note")
    )
    mail = Counter(DeliveredEmail.objects.values_list("message_id", flat=True))
    assert {n.dedupe_key: mail[instant_message_id(n.dedupe_key)] for n in sent} == {n.dedupe_key: 1 for n in sent}
