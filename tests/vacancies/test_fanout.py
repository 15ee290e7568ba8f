"""Fan-out: a newly published vacancy notifies the seekers it matches, once each, saved searches
included; the safety net does what a lost task did not."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from accounts.models import SeekerProfile
from notifications.models import Notification
from tests import factories
from tests.vacancies.test_matching_helpers import make_seeker, make_vacancy
from vacancies.models import SavedSearch, Vacancy
from vacancies.selectors.matching import NOTIFY_THRESHOLD
from vacancies.services.lifecycle import vacancy_approve
from vacancies.services.matching import (
    _enqueue_fanout,
    fanout_dedupe_key,
    saved_search_create,
    vacancies_fanout_pending,
    vacancy_fanout,
)

pytestmark = pytest.mark.django_db


def notified(vacancy) -> dict[int, str]:
    """recipient id -> kind of the notifications about ``vacancy``."""
    rows = Notification.objects.filter(subject=f"vacancy:{vacancy.pk}").values_list("recipient_id", "kind")
    return dict(rows)


def fresh_vacancy(**fields) -> Vacancy:
    return make_vacancy(**{"experience_years": 0, "salary_min": 300_000, "salary_max": 450_000, **fields})


def test_a_published_vacancy_notifies_exactly_the_matching_seekers_once_each(catalog):
    vacancy = fresh_vacancy(title="Welder of steel structures")
    strong = make_seeker(salary=350_000)
    both = make_seeker(salary=350_000)
    saved_search_create(user=both, name="welders", query="welder", filters={"region": ["KZ-71"]})
    saved_search_create(user=both, name="steel", query="steel")
    searching_electrician = make_seeker(occupations=("7411",), skills=("electrical_installation",))
    saved_search_create(user=searching_electrician, name="anything in Astana", filters={"region": ["KZ-71"]})
    # 20 minor group + 0 skills + 5 nice (none listed) + 10 relocation + 0 salary (far above the
    # vacancy's) + 10 experience + 5 education = 50: below the threshold.
    weak = make_seeker(occupations=("7213",), skills=(), region="KZ-75", relocate=True, salary=900_000)
    excluded = [
        make_seeker(visibility=SeekerProfile.Visibility.HIDDEN),
        make_seeker(consent=False),
        make_seeker(status=SeekerProfile.SearchStatus.NOT_LOOKING),
        make_seeker(active=False),
        make_seeker(region="KZ-75"),
    ]
    unconsenting_searcher = make_seeker(consent=False, occupations=("7411",))
    saved_search_create(user=unconsenting_searcher, name="all", query="")

    created = vacancy_fanout(vacancy_id=vacancy.pk)

    assert notified(vacancy) == {
        strong.pk: "vacancy_match",
        both.pk: "saved_search",
        searching_electrician.pk: "saved_search",
    }
    assert created == 3
    assert weak.pk not in notified(vacancy)
    assert not set(notified(vacancy)) & {user.pk for user in excluded}
    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert keys == {
        fanout_dedupe_key(user_id=user.pk, vacancy_id=vacancy.pk) for user in (strong, both, searching_electrician)
    }
    vacancy.refresh_from_db()
    assert vacancy.fanout_done_at is not None


def test_a_profile_match_carries_its_score_and_reasons_in_the_recipients_language(catalog):
    vacancy = fresh_vacancy()
    seeker = make_seeker(language="en")

    vacancy_fanout(vacancy_id=vacancy.pk)

    notification = Notification.objects.get(recipient=seeker)
    assert notification.kind == "vacancy_match"
    assert notification.url == vacancy.get_absolute_url()
    data = notification.data
    assert data["vacancy_id"] == vacancy.pk and data["vacancy_title"] == vacancy.title
    assert data["score"] >= NOTIFY_THRESHOLD
    assert [r["code"] for r in data["reasons"]][:2] == ["occupation_exact", "skills_required"]
    assert data["reasons_text"][:3] == ["Same occupation", "1 of 1 required skill", "Same region"]


def test_a_seekers_two_matching_saved_searches_give_one_notification_naming_both(catalog):
    vacancy = fresh_vacancy(title="Welder")
    seeker = make_seeker(occupations=("7411",))
    saved_search_create(user=seeker, name="first", query="welder")
    saved_search_create(user=seeker, name="second", filters={"occupation": "72"})

    vacancy_fanout(vacancy_id=vacancy.pk)

    notification = Notification.objects.get(recipient=seeker)
    assert notification.kind == "saved_search"
    assert notification.data["saved_search_name"] == "first"
    assert notification.data["saved_search_names"] == ["first", "second"]
    assert set(SavedSearch.objects.values_list("last_run_at", flat=True)) != {None}


def test_saved_searches_notify_only_when_words_and_filters_match_and_they_are_on(catalog):
    vacancy = fresh_vacancy(title="Welder", salary_min=300_000, salary_max=450_000)
    seekers = {}
    for name, query, filters, frequency in [
        ("words", "welder", {}, "instant"),
        ("occupation prefix", "", {"occupation": "721"}, "daily"),
        ("salary reachable", "", {"salary_min": 400_000}, "weekly"),
        ("off", "welder", {}, "never"),
        ("other words", "электрик", {}, "instant"),
        ("other region", "welder", {"region": ["KZ-75"]}, "instant"),
        ("salary too high", "", {"salary_min": 500_000}, "instant"),
        ("remote only", "", {"remote": True}, "instant"),
        ("youth only", "", {"youth": True}, "instant"),
        ("negated word", "welder -welder", {}, "instant"),
    ]:
        user = make_seeker(occupations=("2411",), skills=())
        saved_search_create(user=user, name=name, query=query, filters=filters, frequency=frequency)
        seekers[name] = user.pk

    vacancy_fanout(vacancy_id=vacancy.pk)

    matched = {name for name, user_id in seekers.items() if user_id in notified(vacancy)}
    assert matched == {"words", "occupation prefix", "salary reachable"}
    assert not SavedSearch.objects.filter(name="off").exclude(last_run_at=None).exists()


def test_running_the_fanout_twice_creates_nothing_more(catalog):
    vacancy = fresh_vacancy()
    make_seeker()
    searcher = make_seeker(occupations=("7411",))
    saved_search_create(user=searcher, name="s", query="")

    first = vacancy_fanout(vacancy_id=vacancy.pk)
    second = vacancy_fanout(vacancy_id=vacancy.pk)
    # Even with the claim undone, the dedupe keys let nothing through twice.
    Vacancy.objects.filter(pk=vacancy.pk).update(fanout_done_at=None)
    third = vacancy_fanout(vacancy_id=vacancy.pk)

    assert (first, second, third) == (2, 0, 0)
    assert Notification.objects.count() == 2


def test_an_unpublished_vacancy_is_not_fanned_out(catalog):
    vacancy = make_vacancy(status="pending", published_at=None, expires_at=None)
    make_seeker()

    assert vacancy_fanout(vacancy_id=vacancy.pk) == 0
    vacancy.refresh_from_db()
    assert vacancy.fanout_done_at is None
    assert not Notification.objects.exists()


def test_approving_a_vacancy_enqueues_its_fanout_when_the_transaction_commits(cast, django_capture_on_commit_callbacks):
    vacancy = make_vacancy(
        organization=factories.OrganizationFactory(region=cast.region_x),
        status="pending",
        published_at=None,
        expires_at=None,
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        vacancy_approve(vacancy=vacancy, by=cast.staff_x)

    fanouts = [cb for cb in callbacks if getattr(cb, "func", None) is _enqueue_fanout]
    assert [cb.args for cb in fanouts] == [(vacancy.pk,)]


# --- The safety net -------------------------------------------------------------------------


def test_the_periodic_task_fans_out_vacancies_whose_task_was_lost(catalog):
    now = timezone.now()
    lost = fresh_vacancy(published_at=now - datetime.timedelta(minutes=10))
    just_published = fresh_vacancy(title="Welder 2", published_at=now - datetime.timedelta(seconds=30))
    stale = fresh_vacancy(title="Welder 3", published_at=now - datetime.timedelta(days=2))
    seeker = make_seeker()

    created = vacancies_fanout_pending(now=now)

    assert created == 1
    assert notified(lost) == {seeker.pk: "vacancy_match"}
    assert notified(just_published) == {} and notified(stale) == {}
    states = dict(Vacancy.objects.values_list("pk", "fanout_done_at"))
    assert states[lost.pk] is not None
    assert states[just_published.pk] is None  # its own task still has time
    assert states[stale.pk] is not None  # too old to be news: marked done, nobody told
    assert vacancies_fanout_pending(now=now) == 0


# --- With the real worker -------------------------------------------------------------------


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.celery_worker
def test_a_vacancy_approved_by_a_moderator_reaches_the_matching_seekers_through_the_worker(cast, celery_worker):
    vacancy = fresh_vacancy(
        organization=factories.OrganizationFactory(region=cast.region_x),
        status="pending",
        published_at=None,
        expires_at=None,
    )
    seeker = make_seeker()
    searcher = make_seeker(occupations=("7411",))
    saved_search_create(user=searcher, name="all", query="")
    bystander = make_seeker(region="KZ-75")

    vacancy_approve(vacancy=vacancy, by=cast.staff_x)

    assert wait_for(lambda: Vacancy.objects.get(pk=vacancy.pk).fanout_done_at is not None), "the fan-out never ran"
    assert notified(vacancy) == {seeker.pk: "vacancy_match", searcher.pk: "saved_search"}
    assert bystander.pk not in notified(vacancy)


@pytest.mark.celery_worker
def test_the_fanout_task_sent_twice_notifies_once(cast, celery_worker):
    from vacancies.tasks.matching import fanout_vacancy

    vacancy = fresh_vacancy()
    seeker = make_seeker()

    fanout_vacancy.delay(vacancy.pk)
    fanout_vacancy.delay(vacancy.pk)

    assert wait_for(lambda: Notification.objects.filter(recipient=seeker).exists())
    time.sleep(1)  # let the second task run too
    assert Notification.objects.filter(recipient=seeker).count() == 1
