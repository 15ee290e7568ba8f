"""The monthly national fair (made from the template, exactly once a month however often and on
however many workers the task runs) and the periodic advance of every fair through its statuses
(on time, each step once, late fairs catching up)."""

from __future__ import annotations

import datetime
import threading
import time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from fairs.models import Fair, FairTemplate
from fairs.services import fairs as services
from tests.fairs.test_fairs import make_fair

Status = Fair.Status
DAY = datetime.timedelta(days=1)
ALMATY = ZoneInfo("Asia/Almaty")
NOVEMBER_23 = datetime.date(2026, 11, 23)


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ALMATY)


def in_threads(count: int, work) -> list:
    """Run ``work()`` in ``count`` threads released together; their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # collected for the assertion below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# --- The monthly fair -------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_template_next_months_fair_is_made_from_the_defaults(catalog):
    fair = services.fair_create_monthly(today=NOVEMBER_23)

    assert fair.title == "National online job fair — December 2026"
    assert (fair.kind, fair.status, fair.month) == (Fair.Kind.NATIONAL, Status.SCHEDULED, datetime.date(2026, 12, 1))
    assert fair.starts_at == local(2026, 12, 24, 0, 0)
    assert fair.ends_at == local(2026, 12, 30, 23, 59, 59)
    assert fair.registration_opens_at == local(2026, 12, 17, 0, 0), "registration opens a week before"
    assert fair.results_at == local(2027, 1, 6, 23, 59, 59), "results a week after the end"
    assert (fair.max_age, fair.graduates_only) == (35, False)
    assert fair.organizer is None


@pytest.mark.django_db
def test_the_active_template_decides_days_titles_and_audience(catalog):
    FairTemplate.objects.create(active=False, title_en="Old template", start_day=1, end_day=2)
    FairTemplate.objects.create(
        title_en="Youth fair",
        description="For young people.",
        start_day=10,
        end_day=31,
        registration_days=3,
        results_days=2,
        max_age=29,
        graduates_only=True,
    )

    fair = services.fair_create_monthly(today=datetime.date(2027, 1, 15))

    assert fair.title == "Youth fair — February 2027"
    assert fair.description == "For young people."
    assert fair.starts_at == local(2027, 2, 10, 0, 0)
    assert fair.ends_at == local(2027, 2, 28, 23, 59, 59), "day 31 is the last day of a shorter month"
    assert fair.registration_opens_at == local(2027, 2, 7, 0, 0)
    assert fair.results_at == local(2027, 3, 2, 23, 59, 59)
    assert (fair.max_age, fair.graduates_only) == (29, True)


@pytest.mark.django_db
def test_monthly_fairs_stop_when_every_template_is_inactive(catalog):
    FairTemplate.objects.create(active=False)

    assert services.fair_create_monthly(today=NOVEMBER_23) is None
    assert not Fair.objects.exists()


@pytest.mark.django_db
def test_the_monthly_fair_is_created_once_however_often_the_task_runs(catalog):
    first = services.fair_create_monthly(today=NOVEMBER_23)

    again = [services.fair_create_monthly(today=NOVEMBER_23 + n * DAY) for n in range(5)]

    assert first is not None
    assert again == [None] * 5
    assert Fair.objects.count() == 1
    assert services.fair_create_monthly(today=datetime.date(2026, 12, 1)).month == datetime.date(2027, 1, 1)


@pytest.mark.django_db
def test_a_national_fair_an_administrator_made_for_next_month_is_the_months_fair(cast):
    start = local(2026, 12, 10, 9, 0)
    services.fair_create(
        by=cast.admin,
        title="December fair",
        kind=Fair.Kind.NATIONAL,
        registration_opens_at=start - 3 * DAY,
        starts_at=start,
        ends_at=start + 3 * DAY,
    )

    assert services.fair_create_monthly(today=NOVEMBER_23) is None
    assert list(Fair.objects.values_list("title", flat=True)) == ["December fair"]


@pytest.mark.django_db(transaction=True)
def test_workers_racing_to_create_the_monthly_fair_create_one(catalog):
    results = in_threads(8, lambda: services.fair_create_monthly(today=NOVEMBER_23))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert len([r for r in results if isinstance(r, Fair)]) == 1
    assert Fair.objects.filter(month=datetime.date(2026, 12, 1)).count() == 1


@pytest.mark.django_db
def test_the_createmonthlyfair_command_creates_next_months_fair_once(catalog):
    out = StringIO()
    call_command("createmonthlyfair", "--today", "2026-11-23", stdout=out)
    call_command("createmonthlyfair", "--today", "2026-11-30", stdout=out)

    fair = Fair.objects.get()
    assert f"created fair {fair.pk}: National online job fair — December 2026 (2026-12-24)" in out.getvalue()
    assert "no fair created" in out.getvalue()


@pytest.mark.django_db
def test_the_createmonthlyfair_command_refuses_a_bad_date(catalog):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("createmonthlyfair", "--today", "23.11.2026")


# --- The advance ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_moves_before_its_time(catalog):
    fair = make_fair(status=Status.SCHEDULED)

    assert services.fairs_advance(now=fair.registration_opens_at - datetime.timedelta(seconds=1))["steps"] == 0
    fair.refresh_from_db()
    assert fair.status == Status.SCHEDULED


@pytest.mark.django_db
def test_each_status_comes_at_its_time(catalog):
    fair = make_fair(status=Status.SCHEDULED)
    expected = [
        ("registration_opens_at", Status.REGISTRATION),
        ("starts_at", Status.LIVE),
        ("ends_at", Status.CLOSED),
        ("results_at", Status.RESULTS),
    ]
    for field, status in expected:
        services.fairs_advance(now=getattr(fair, field))
        assert Fair.objects.get(pk=fair.pk).status == status, field


@pytest.mark.django_db
def test_running_the_advance_again_takes_no_step_twice(catalog):
    fair = make_fair(status=Status.SCHEDULED)

    first = services.fairs_advance(now=fair.registration_opens_at)
    second = services.fairs_advance(now=fair.registration_opens_at)

    assert (first["steps"], second["steps"]) == (1, 0)


@pytest.mark.django_db
def test_a_fair_late_by_several_steps_takes_them_all_in_one_run_in_order(catalog):
    fair = make_fair(status=Status.SCHEDULED)

    done = services.fairs_advance(now=fair.results_at + DAY)

    fair.refresh_from_db()
    assert done["steps"] == 4
    assert fair.status == Status.RESULTS
    assert fair.results, "the results were published on the way"


@pytest.mark.django_db
def test_results_are_frozen_into_the_fair_when_their_time_comes(catalog):
    fair = make_fair(status=Status.CLOSED)

    services.fairs_advance(now=fair.results_at)

    fair.refresh_from_db()
    assert fair.status == Status.RESULTS
    assert "published_at" in fair.results
    assert fair.results["totals"]["hired"] == 0


@pytest.mark.django_db
def test_a_step_that_fails_is_rolled_back_and_taken_at_the_next_run(catalog, monkeypatch):
    fair = make_fair(status=Status.CLOSED)
    other = make_fair(status=Status.SCHEDULED)

    def broken(*, fair):
        raise RuntimeError("results could not be computed")

    monkeypatch.setattr(services, "fair_results_publish", broken)
    done = services.fairs_advance(now=fair.results_at)

    assert Fair.objects.get(pk=fair.pk).status == Status.CLOSED, "the failed step left no trace"
    assert Fair.objects.get(pk=other.pk).status == Status.REGISTRATION, "other fairs were not held up"
    assert done["steps"] == 1

    monkeypatch.undo()
    services.fairs_advance(now=fair.results_at)
    assert Fair.objects.get(pk=fair.pk).status == Status.RESULTS


@pytest.mark.django_db(transaction=True)
def test_two_workers_advancing_at_once_take_each_step_once(catalog):
    fairs = [make_fair(status=Status.SCHEDULED, title=f"Fair {n}") for n in range(3)]
    now = fairs[0].results_at + DAY

    results = in_threads(4, lambda: services.fairs_advance(now=now))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["steps"] for r in results) == 3 * 4
    assert set(Fair.objects.values_list("status", flat=True)) == {Status.RESULTS}


@pytest.mark.django_db
def test_the_advancefairs_command_runs_the_advance(catalog):
    fair = make_fair(status=Status.REGISTRATION, now=timezone.now() - 6 * DAY)
    out = StringIO()

    call_command("advancefairs", stdout=out)

    assert Fair.objects.get(pk=fair.pk).status == Status.LIVE
    assert "1 steps taken" in out.getvalue()


# --- The tasks --------------------------------------------------------------------------------


def test_the_periodic_tasks_are_the_fairs_tasks():
    from exchange.celery import PERIODIC_TASKS, app
    from fairs import tasks

    declared = {name for name, _every in PERIODIC_TASKS.values()}
    assert {"fairs.create_monthly", "fairs.advance"} <= declared
    assert app.tasks["fairs.create_monthly"].run is tasks.create_monthly.run
    assert app.tasks["fairs.advance"].run is tasks.advance.run


@pytest.mark.celery_worker
def test_the_tasks_run_on_the_real_worker(catalog, celery_worker):
    from fairs.tasks import advance, create_monthly

    late = make_fair(status=Status.SCHEDULED, now=timezone.now() - 6 * DAY)
    create_monthly.delay()
    advance.delay()

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        created = Fair.objects.filter(kind=Fair.Kind.NATIONAL, month__isnull=False).exists()
        moved = Fair.objects.get(pk=late.pk).status == Status.REGISTRATION
        if created and moved:
            break
        time.sleep(0.2)
    next_month = (timezone.localdate().replace(day=1) + 32 * DAY).replace(day=1)
    assert Fair.objects.filter(kind=Fair.Kind.NATIONAL, month=next_month).count() == 1
    assert Fair.objects.get(pk=late.pk).status == Status.REGISTRATION


# --- The admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_administrators_edit_the_monthly_template_in_the_admin(client, cast):
    client.force_login(cast.admin)
    data = {
        "title_en": "Youth job fair",
        "title_ru": "Молодёжная ярмарка вакансий",
        "title_kk": "Жастар жәрмеңкесі",
        "description": "",
        "start_day": "20",
        "end_day": "26",
        "registration_days": "5",
        "results_days": "7",
        "max_age": "29",
        "active": "on",
    }

    response = client.post("/admin/fairs/fairtemplate/add/", data)
    refused = client.post("/admin/fairs/fairtemplate/add/", {**data, "start_day": "27", "end_day": "26"})

    assert response.status_code == 302
    assert refused.status_code == 200, "the days-in-month constraint is shown in the form"
    template = FairTemplate.objects.get()
    assert (template.title_en, template.start_day, template.max_age) == ("Youth job fair", 20, 29)
    fair = services.fair_create_monthly(today=NOVEMBER_23)
    assert fair.title == "Youth job fair — December 2026"
    assert fair.starts_at == local(2026, 12, 20, 0, 0)


@pytest.mark.django_db
def test_every_fairs_model_has_an_admin_page_and_fairs_are_read_only_there(client, cast):
    from tests.fairs.test_reminders import register, take_part

    fair = make_fair(status=Status.LIVE)
    take_part(fair, cast.employer_a)
    register(fair, cast.seeker_a)
    client.force_login(cast.admin)

    for model in (
        "fair",
        "fairtemplate",
        "participation",
        "fairvacancy",
        "registration",
        "fairapplication",
        "interviewslot",
        "slotbooking",
    ):
        assert client.get(f"/admin/fairs/{model}/").status_code == 200, model
    page = client.get(f"/admin/fairs/fair/{fair.pk}/change/").content.decode()
    assert f"/fairs/{fair.pk}/edit/" in page
    assert 'name="status"' not in page, "statuses move only by the periodic task"
    assert client.get("/admin/fairs/fair/add/").status_code == 403
