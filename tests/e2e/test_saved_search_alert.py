"""A seeker saves a search; a moderator publishes a vacancy that matches it; the real Celery
worker runs the fan-out, and the seeker finds the vacancy in the notification inbox."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from tests import factories
from tests.e2e.test_vacancy_flow import log_in, verified_address
from vacancies.models import SavedSearch

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

TITLE = "Электрогазосварщик на стройку"


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_a_saved_search_brings_a_newly_published_vacancy_to_the_inbox(
    browser, live_server, cast, celery_worker, screenshot
):
    for user in (cast.seeker_a, cast.staff_x):
        verified_address(user)
    organization = cast.employer_a.membership.organization
    vacancy = factories.VacancyFactory(
        organization=organization, title=TITLE, status="pending", published_at=None, expires_at=None
    )

    seeker = browser.new_context(base_url=live_server.url).new_page()
    log_in(seeker, cast.seeker_a.email)
    seeker.goto("/vacancies/?q=электрогазосварщик")
    seeker.get_by_role("button", name="Save this search").click()
    assert wait_for(lambda: SavedSearch.objects.filter(user=cast.seeker_a).exists(), timeout=10)
    screenshot(seeker, "saved-search-saved")

    moderator = browser.new_context(base_url=live_server.url).new_page()
    log_in(moderator, cast.staff_x.email)
    moderator.goto(vacancy.get_absolute_url())
    moderator.get_by_role("button", name="Approve and publish").click()
    expect(moderator.get_by_role("main")).to_contain_text("Published")

    # The fan-out runs on the worker after the approval commits.
    assert wait_for(
        lambda: Notification.objects.filter(recipient=cast.seeker_a, subject=f"vacancy:{vacancy.pk}").exists()
    )
    seeker.goto("/notifications/")
    expect(seeker.get_by_role("main")).to_contain_text(TITLE)
    screenshot(seeker, "saved-search-inbox")
    assert Notification.objects.filter(recipient=cast.seeker_a, subject=f"vacancy:{vacancy.pk}").count() == 1
