"""Browser flow of a vacancy from both sides: a job seeker finds it with a word and a region
filter, applies with a cover letter and follows the application; a member of the employer opens
the candidates and shortlists them; the seeker sees the new state.

Everything is done through the pages (labels, button and link names); the database is used to
arrange the cast and the vacancies and to check what the pages saved.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts.models import User
from tests import factories
from vacancies.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Сварщик металлоконструкций"
OTHER_TITLE = "Сварщик арматурных каркасов"
COVER_LETTER = "Пять лет варю металлоконструкции, есть аттестат сварщика. Готов выйти через неделю."


def verified_address(user: User) -> None:
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def log_in(page, email: str, password: str = factories.TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Hello"))).to_be_visible()


def state_of(page):
    """The "State: …" line of an application page."""
    return page.get_by_role("main").locator("p", has_text="State:").first


def test_seeker_finds_applies_and_employer_shortlists(browser, live_server, page, screenshot, cast):
    seeker, employer = cast.seeker_a, cast.employer_a
    User.objects.filter(pk=seeker.pk).update(full_name="Askar Nurlanov")
    seeker.seeker_profile.headline = "Welder, 5 years on steel structures"
    seeker.seeker_profile.save(update_fields=["headline"])
    verified_address(seeker)
    verified_address(employer)
    vacancy = factories.VacancyFactory(
        organization=employer.membership.organization,
        title=TITLE,
        description="Сварка металлоконструкций на строительной площадке в Астане.",
        region=cast.region_x,
        locality="Astana",
    )
    factories.VacancyFactory(
        organization=cast.employer_b.membership.organization,
        title=OTHER_TITLE,
        description="Сварка арматурных каркасов на заводе ЖБИ.",
        region=cast.region_y,
        locality="Almaty",
    )

    # The seeker searches with a word: both welder vacancies match.
    log_in(page, seeker.email)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Vacancies").click()
    expect(page.get_by_role("heading", level=1, name="Vacancies")).to_be_visible()
    page.get_by_label("Search vacancies").fill("сварщик")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="2 vacancies")).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_role("link", name=OTHER_TITLE)).to_be_visible()
    screenshot(page, "vacancy-search-word")

    # The Astana filter leaves the Almaty one out.
    page.get_by_label("Astana", exact=True).check()
    page.get_by_role("button", name="Show vacancies").click()
    expect(page.get_by_role("heading", level=2, name="1 vacancy")).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_role("link", name=OTHER_TITLE)).to_have_count(0)
    expect(page.get_by_label("Search vacancies")).to_have_value("сварщик")
    expect(page.get_by_label("Astana", exact=True)).to_be_checked()
    screenshot(page, "vacancy-search-filtered")

    # The vacancy page, and the application with a cover letter.
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    page.get_by_label("Cover letter").fill(COVER_LETTER)
    screenshot(page, "vacancy-detail-apply")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", level=1, name="My application")).to_be_visible()
    expect(page.get_by_text("Your application was sent.")).to_be_visible()
    expect(state_of(page)).to_contain_text("Submitted")

    # The application in the seeker's list.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My applications").click()
    expect(page.get_by_role("heading", level=1, name="My applications")).to_be_visible()
    item = page.get_by_role("listitem").filter(has=page.get_by_role("heading", level=2, name=TITLE))
    expect(item).to_contain_text("Submitted")
    expect(page.get_by_role("link", name=OTHER_TITLE)).to_have_count(0)
    screenshot(page, "vacancy-my-applications-submitted")
    item.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name="My application")).to_be_visible()
    expect(page.get_by_text(COVER_LETTER)).to_be_visible()

    # The employer, in a browser of their own, finds the candidate and shortlists them.
    employer_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        employer_page = employer_context.new_page()
        log_in(employer_page, employer.email)
        navigation = employer_page.get_by_role("navigation", name="Main navigation")
        navigation.get_by_role("link", name="My vacancies").click()
        employer_page.get_by_role("link", name=TITLE).click()
        expect(employer_page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
        expect(employer_page.get_by_role("heading", name="Apply")).to_have_count(0)
        screenshot(employer_page, "vacancy-detail-employer")
        employer_page.get_by_role("link", name="Candidates", exact=True).click()
        expect(employer_page.get_by_role("heading", level=1, name="Candidates")).to_be_visible()
        row = employer_page.get_by_role("row").filter(has_text="Askar Nurlanov")
        expect(row).to_contain_text("Submitted")
        expect(row).to_contain_text("Welder, 5 years on steel structures")
        screenshot(employer_page, "vacancy-candidates")

        row.get_by_role("link", name="Askar Nurlanov").click()
        expect(employer_page.get_by_role("heading", level=1, name="Askar Nurlanov")).to_be_visible()
        expect(employer_page.get_by_text(COVER_LETTER)).to_be_visible()
        expect(state_of(employer_page)).to_contain_text("Viewed")  # opening the CV marks it viewed
        screenshot(employer_page, "vacancy-candidate-application")
        employer_page.get_by_role("button", name="Move to “Shortlisted”").click()
        expect(employer_page.get_by_text("The application is now “Shortlisted”.")).to_be_visible()
        expect(state_of(employer_page)).to_contain_text("Shortlisted")
        screenshot(employer_page, "vacancy-candidate-shortlisted")

        employer_page.get_by_role("link", name="All candidates of this vacancy").click()
        expect(employer_page.get_by_role("row").filter(has_text="Askar Nurlanov")).to_contain_text("Shortlisted")
    finally:
        employer_context.close()

    # The seeker reloads the application and sees the new state and its history.
    page.reload()
    expect(state_of(page)).to_contain_text("Shortlisted")
    expect(page.get_by_role("main")).to_contain_text("Viewed → Shortlisted")
    screenshot(page, "vacancy-application-shortlisted")

    application = Application.objects.get(vacancy=vacancy, seeker=seeker)
    assert application.status == Application.Status.SHORTLISTED
    assert application.cover_letter == COVER_LETTER
    assert application.source == Application.Source.DIRECT
    assert list(application.events.order_by("created_at", "pk").values_list("to_status", "by__email")) == [
        ("submitted", seeker.email),
        ("viewed", employer.email),
        ("shortlisted", employer.email),
    ]
    assert not Application.objects.exclude(pk=application.pk).exists()
