"""A whole job fair in the browser, one person per browser context: an administrator creates the
fair, an employer takes part with a vacancy, a screening question and an interview slot, the
administrator approves the employer, a young job seeker registers, applies (answering the
question) and books the slot, the employer hires, and the published results show the hire.

Time moves as the periodic task moves it: the test calls ``fairs_advance`` with the moment each
step is due (registration opens, the fair starts, ends, results are due); everything else is
done through the pages (labels, button and link names). The database arranges the cast and the
employer's vacancy, and checks what the pages saved.
"""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from fairs.models import Fair, FairApplication, FairVacancy, InterviewSlot, Participation, Registration, SlotBooking
from fairs.services.fairs import fairs_advance
from tests import factories
from vacancies.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAIR_TITLE = "Онлайн-ярмарка вакансий для молодёжи"
VACANCY_TITLE = "Сварщик металлоконструкций"
QUESTION = "Do you hold a welder's certificate?"
ANSWER = "Yes, level 3, issued in Karaganda in 2023."
MEETING_LINK = "https://meet.example.kz/fair-welder"
SEEKER_NAME = "Askar Nurlanov"
STEP = datetime.timedelta(minutes=1)  # how late the periodic task runs after a step is due


def verified_address(user: User) -> None:
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def log_in(page, email: str, password: str = factories.TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Hello"))).to_be_visible()


def local_input(moment: datetime.datetime) -> str:
    """A moment as a datetime-local field takes it, in Astana time (the site's time zone)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def advance_to(moment: datetime.datetime) -> None:
    """The periodic task's run at ``moment``."""
    fairs_advance(now=moment)


def test_a_fair_from_creation_to_published_results(browser, live_server, page, screenshot, cast):
    admin, employer, seeker = cast.admin, cast.employer_a, cast.seeker_a
    User.objects.filter(pk=seeker.pk).update(full_name=SEEKER_NAME)
    for user in (admin, employer, seeker):
        verified_address(user)
    organization = employer.membership.organization
    factories.VacancyFactory(organization=organization, title=VACANCY_TITLE, positions=3, region=cast.region_x)
    assert seeker.seeker_profile.age_on(timezone.localdate()) < 35  # a young person

    now = timezone.now()
    opens = now + datetime.timedelta(hours=1)
    starts = now + datetime.timedelta(days=1)
    ends = now + datetime.timedelta(days=6)
    contexts = []

    def person(user: User):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        tab = context.new_page()
        log_in(tab, user.email)
        return tab

    try:
        # The administrator creates the fair: for people under 35, from the whole country.
        admin_page = page
        log_in(admin_page, admin.email)
        admin_page.goto("/fairs/")
        admin_page.get_by_role("link", name="New fair").click()
        expect(admin_page.get_by_role("heading", level=1, name="New fair")).to_be_visible()
        admin_page.get_by_label("Title").fill(FAIR_TITLE)
        admin_page.get_by_label("Description").fill("Employers from the whole country meet young people online.")
        admin_page.get_by_label("National monthly fair").check()
        admin_page.get_by_label("Registration opens").fill(local_input(opens))
        admin_page.get_by_label("Starts", exact=True).fill(local_input(starts))
        admin_page.get_by_label("Ends", exact=True).fill(local_input(ends))
        admin_page.get_by_label("Maximum age").fill("35")
        screenshot(admin_page, "fair-create-form")
        admin_page.get_by_role("button", name="Create the fair").click()
        expect(admin_page.get_by_role("heading", level=1, name=FAIR_TITLE)).to_be_visible()
        expect(admin_page.get_by_text("The fair is scheduled.")).to_be_visible()
        expect(admin_page.get_by_text("For people under 35")).to_be_visible()
        fair = Fair.objects.get(title=FAIR_TITLE)
        assert fair.status == Fair.Status.SCHEDULED
        assert (fair.kind, fair.max_age, fair.organizer_id) == (Fair.Kind.NATIONAL, 35, admin.pk)
        screenshot(admin_page, "fair-created")

        # Registration opens on time.
        advance_to(fair.registration_opens_at + STEP)
        fair.refresh_from_db()
        assert fair.status == Fair.Status.REGISTRATION

        # The employer applies to take part.
        employer_page = person(employer)
        employer_page.goto(fair.get_absolute_url())
        expect(employer_page.get_by_role("heading", level=1, name=FAIR_TITLE)).to_be_visible()
        employer_page.get_by_role("link", name="Take part in the fair").click()
        expect(employer_page.get_by_role("heading", level=1, name="Take part in the fair")).to_be_visible()
        employer_page.get_by_label("Message to the organizers").fill("We hire three welders after the fair.")
        employer_page.get_by_role("button", name="Apply to take part").click()
        expect(employer_page.get_by_text("Your application to take part was sent to the organizers.")).to_be_visible()
        expect(employer_page.get_by_role("heading", level=1, name=organization.legal_name)).to_be_visible()
        screenshot(employer_page, "fair-participation-pending")

        # The administrator approves it from the fair's page.
        admin_page.reload()
        manage = admin_page.locator("#fair-participants")
        expect(manage.get_by_role("link", name=organization.legal_name)).to_be_visible()
        screenshot(admin_page, "fair-manage-pending")
        manage.get_by_role("button", name="Approve").click()
        expect(admin_page.get_by_text(f"{organization.legal_name} takes part in the fair.")).to_be_visible()
        assert Participation.objects.get(fair=fair, organization=organization).status == Participation.Status.APPROVED
        screenshot(admin_page, "fair-participants-approved")

        # The employer offers the vacancy with a screening question, then a one-to-one slot.
        employer_page.reload()
        employer_page.get_by_role("link", name="Offer a vacancy").click()
        expect(employer_page.get_by_role("heading", level=1, name="Offer a vacancy at the fair")).to_be_visible()
        vacancy_choice = f"{VACANCY_TITLE} (3 of 3 positions open)"
        employer_page.get_by_label("Vacancy", exact=True).select_option(label=vacancy_choice)
        employer_page.get_by_label("Positions offered at the fair").fill("2")
        employer_page.get_by_label("Screening questions").fill(QUESTION)
        screenshot(employer_page, "fair-vacancy-form")
        employer_page.get_by_role("button", name="Offer at the fair").click()
        expect(employer_page.get_by_text("The vacancy is offered at the fair.")).to_be_visible()
        vacancies_table = employer_page.get_by_role("table", name="Vacancies at the fair")
        expect(vacancies_table.get_by_role("row").filter(has_text=VACANCY_TITLE)).to_contain_text(QUESTION)

        slot_time = fair.starts_at + datetime.timedelta(hours=2)
        employer_page.get_by_role("link", name="Publish an interview slot").click()
        expect(employer_page.get_by_role("heading", level=1, name="Publish an interview slot")).to_be_visible()
        employer_page.get_by_label("Starts", exact=True).fill(local_input(slot_time))
        employer_page.get_by_label("Length in minutes").fill("30")
        employer_page.get_by_label("Online meeting link").fill(MEETING_LINK)
        employer_page.get_by_label("Capacity").fill("1")
        employer_page.get_by_label("For the vacancy").select_option(label=VACANCY_TITLE)
        employer_page.get_by_role("button", name="Publish the slot").click()
        expect(employer_page.get_by_text("The interview slot is published.")).to_be_visible()
        expect(employer_page.get_by_role("table", name="Interview slots")).to_contain_text("0 / 1")
        screenshot(employer_page, "fair-participation-approved")
        fair_vacancy = FairVacancy.objects.get(fair=fair)
        assert (fair_vacancy.positions_offered, fair_vacancy.screening_questions) == (2, [QUESTION])

        # The young seeker registers while registration is open.
        seeker_page = person(seeker)
        seeker_page.goto(fair.get_absolute_url())
        expect(seeker_page.get_by_text("Registration is open.")).to_be_visible()
        seeker_page.get_by_role("button", name="Register for the fair").click()
        expect(seeker_page.get_by_text("You are registered for the fair.")).to_be_visible()
        screenshot(seeker_page, "fair-seeker-registered")
        registration = Registration.objects.get(fair=fair, seeker=seeker)
        assert registration.is_youth

        # The fair starts: the seeker applies, answering the question, and books the slot.
        advance_to(fair.starts_at + STEP)
        fair.refresh_from_db()
        assert fair.status == Fair.Status.LIVE
        seeker_page.goto(fair.get_absolute_url())
        expect(seeker_page.get_by_text("The fair is live.")).to_be_visible()
        catalogue = seeker_page.locator("#fair-catalogue")
        expect(catalogue).to_contain_text(organization.legal_name)
        screenshot(seeker_page, "fair-live-catalogue")
        catalogue.get_by_role("link", name=VACANCY_TITLE).click()
        expect(seeker_page.get_by_role("heading", level=1, name=VACANCY_TITLE)).to_be_visible()
        seeker_page.get_by_label(QUESTION).fill(ANSWER)
        screenshot(seeker_page, "fair-apply-form")
        seeker_page.get_by_role("button", name="Send my application").click()
        expect(seeker_page.get_by_text("Your application was sent.")).to_be_visible()
        expect(seeker_page.get_by_role("heading", name="Your application")).to_be_visible()

        seeker_page.locator("#apply").get_by_role("link", name="Book an interview").click()
        expect(seeker_page.get_by_role("heading", level=1, name="Interview slots")).to_be_visible()
        slot_item = seeker_page.get_by_role("listitem").filter(has_text=VACANCY_TITLE)
        expect(slot_item).to_contain_text("one-to-one")
        screenshot(seeker_page, "fair-slots")
        slot_item.get_by_role("button", name="Book this interview").click()
        expect(seeker_page.get_by_role("heading", level=1, name="My fairs")).to_be_visible()
        expect(seeker_page.get_by_text("Your interview is booked.")).to_be_visible()
        expect(seeker_page.get_by_role("link", name=MEETING_LINK)).to_be_visible()
        screenshot(seeker_page, "fair-my-fairs-booked")

        # The employer reads the answer and hires.
        employer_page.goto(fair.get_absolute_url())
        employer_page.get_by_role("link", name="Screen applications").click()
        expect(employer_page.get_by_role("heading", level=1, name="Fair applications")).to_be_visible()
        candidate = employer_page.get_by_role("listitem").filter(
            has=employer_page.get_by_role("heading", level=2, name=SEEKER_NAME)
        )
        expect(candidate).to_contain_text(QUESTION)
        expect(candidate).to_contain_text(ANSWER)
        expect(candidate).to_contain_text("Interview:")
        screenshot(employer_page, "fair-screening")
        candidate.get_by_role("button", name="Hire").click()
        expect(employer_page.get_by_text(f"{SEEKER_NAME} is hired.")).to_be_visible()
        expect(employer_page.get_by_text("1 hired of 2 positions offered")).to_be_visible()
        screenshot(employer_page, "fair-hired")

        # The fair ends, the hiring week passes, and the results are published.
        advance_to(fair.ends_at + STEP)
        fair.refresh_from_db()
        assert fair.status == Fair.Status.CLOSED
        advance_to(fair.results_at + STEP)
        fair.refresh_from_db()
        assert fair.status == Fair.Status.RESULTS

        seeker_page.goto(fair.get_absolute_url())
        expect(seeker_page.get_by_text("The fair is over and its results are published.")).to_be_visible()
        seeker_page.get_by_role("link", name="See the results").click()
        expect(seeker_page.get_by_role("heading", level=1, name=f"Results: {FAIR_TITLE}")).to_be_visible()
        expect(seeker_page.get_by_text("Published results: these figures no longer change.")).to_be_visible()
        totals = seeker_page.locator("section", has=seeker_page.get_by_role("heading", level=2, name="Totals"))
        expect(totals.locator(".counter", has_text=re.compile(r"^\s*1\s*hired\s*$"))).to_be_visible()
        by_employer = seeker_page.get_by_role("region", name="By employer")
        employer_row = by_employer.get_by_role("row").filter(has_text=organization.legal_name)
        expect(employer_row.get_by_role("cell")).to_have_text(["2", "1", "1"])
        screenshot(seeker_page, "fair-results")
    finally:
        for context in contexts:
            context.close()

    application = FairApplication.objects.select_related("application").get(fair=fair)
    assert application.answers == [{"question": QUESTION, "answer": ANSWER}]
    assert application.application.status == Application.Status.HIRED
    assert application.application.seeker_id == seeker.pk
    booking = SlotBooking.objects.get(seeker=seeker)
    assert (booking.status, booking.fair_application_id) == (SlotBooking.Status.BOOKED, application.pk)
    assert InterviewSlot.objects.get(pk=booking.slot_id).booked == 1
    assert FairVacancy.objects.get(pk=fair_vacancy.pk).positions_filled == 1
    assert fair.results["totals"]["hired"] == 1
