"""In a browser: the counters on a live fair's page refresh themselves from the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect

from fairs.models import FairVacancy
from fairs.templatetags import fair_results as tags
from tests.fairs.test_results import REGION_Z, build_fair, register


@pytest.mark.django_db(transaction=True)
def test_counters_on_the_live_fair_page_refresh_from_the_api(cast, phone_page, settings, monkeypatch):
    monkeypatch.setattr(tags, "REFRESH_SECONDS", 1)  # the page polls every second instead of 15
    settings.FAIR_COUNTERS_CACHE_SECONDS = 0
    cache.clear()
    try:
        built = build_fair(cast)
        errors = []
        phone_page.on("pageerror", lambda error: errors.append(str(error)))

        phone_page.goto(reverse("fairs:detail", args=[built.fair.pk]))
        hired = phone_page.locator('[data-counter="hired"]')
        expect(hired).to_have_text("4")

        FairVacancy.objects.filter(pk=built.sales.pk).update(positions_filled=3)
        register(built.fair, name="Browser Late", region_code=REGION_Z, youth=True)

        expect(hired).to_have_text("5", timeout=10_000)
        expect(phone_page.locator('[data-counter="registered"]')).to_have_text("7")
        assert errors == []
    finally:
        phone_page.goto("about:blank")  # stop polling before the live server goes away
        # The ORM calls ran beside Playwright's event loop: closed here, or the test database
        # could not be dropped at the end.
        connections.close_all()
