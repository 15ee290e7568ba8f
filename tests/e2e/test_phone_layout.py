"""The vacancies pages on a 390 px phone: nothing widens the page, even long unbroken words.

Employers write titles like "Продавец-консультант/кассир/администратор/мерчендайзер" and paste
links into descriptions; a page that grows wider than the phone scrolls sideways and cuts its
text off. Each page is filled with such text and must keep ``scrollWidth`` within the viewport.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from accounts.models import Membership
from tests import factories
from vacancies.models import ImportJob, ReferralQuota, VacancyReport
from vacancies.services.referrals import referral_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WIDTH = 390
LONG_LINK = "https://example.kz/" + "averyveryverylongunbrokenword" * 6
SLASHED_TITLE = "Продавец-консультант/кассир/администратор/мерчендайзер"


def _context(browser, live_server, user=None):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def test_vacancies_pages_fit_a_phone_with_long_unbroken_text(cast, browser, live_server, screenshot):
    organization = Membership.objects.get(user=cast.employer_a).organization
    vacancy = factories.VacancyFactory(
        organization=organization,
        title=SLASHED_TITLE,
        description=LONG_LINK,
        address=LONG_LINK[:290],
        locality="Нур-Султан",  # noqa: RUF001 - a Kazakh place name, Cyrillic on purpose
    )
    factories.VacancyFactory(organization=organization, status="pending", title="Pending " + "x" * 150)
    VacancyReport.objects.create(vacancy=vacancy, reason="spam", comment=LONG_LINK)
    ReferralQuota.objects.create(region=cast.region_x, year=datetime.date.today().year, limit=10)
    referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_a)
    job = ImportJob.objects.create(
        organization=organization,
        uploaded_by=cast.employer_a,
        file="imports/x.csv",
        original_name="vacancies-" + "long" * 30 + ".csv",
        status="done",
        errors=[{"row": 5, "column": "occupation", "message": "Unknown ISCO-08 code “" + "9" * 80 + "”."}],
    )
    application = vacancy.applications.get()
    pages = {
        None: [
            f"/vacancies/{vacancy.pk}/",
            "/vacancies/?q=кассир",
            "/vacancies/national-projects/",
            "/vacancies/job-creation-map/",
        ],
        cast.employer_a: [
            "/vacancies/my/",
            f"/vacancies/{vacancy.pk}/edit/",
            f"/vacancies/{vacancy.pk}/candidates/",
            f"/vacancies/applications/{application.pk}/",
            "/vacancies/imports/",
            f"/vacancies/imports/{job.pk}/",
        ],
        cast.staff_x: ["/vacancies/staff/moderation/", "/vacancies/staff/reports/", "/vacancies/referrals/"],
        cast.seeker_a: [
            "/vacancies/applications/",
            f"/vacancies/applications/{application.pk}/",
            f"/vacancies/{vacancy.pk}/apply/",
        ],
    }
    too_wide = {}
    for user, urls in pages.items():
        context = _context(browser, live_server, user)
        page = context.new_page()
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                too_wide[url] = width
                screenshot(page, "phone-too-wide-" + url.strip("/").replace("/", "-").replace("?", "-"))
        context.close()
    assert too_wide == {}, f"pages wider than a {WIDTH} px phone: {too_wide}"
