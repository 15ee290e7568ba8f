"""Browser flows of the accounts pages: signing up (with the e-mail confirmation), the job seeker's
profile wizard, an employer registering an organization that staff verify, and the same key pages
on a phone screen.

Everything is done through the pages, as a person would: labels, button and link names. The
database is read only to arrange users a flow does not create and to check what the pages saved.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Consent, Organization, SeekerProfile, User
from catalog.models import Region
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")


# --- Steps shared by the flows ---------------------------------------------------------------


def sign_up(page, *, role_label: str, full_name: str, email: str, password: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1, name="Create an account")).to_be_visible()
    page.get_by_label(role_label).check()
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", level=1, name="Check your e-mail")).to_be_visible()


def confirm_email(page, email: str) -> None:
    """Open the link of the confirmation e-mail sent to ``email`` and confirm (a POST form)."""
    sent = [message for message in mail.outbox if email in message.to]
    assert sent, f"no e-mail was sent to {email}"
    link = CONFIRM_LINK.search(sent[-1].body)
    assert link, sent[-1].body
    # The link names the live server's host; the browser context already has it as base URL.
    page.goto(urlsplit(link.group(0)).path)
    expect(page.get_by_text(email)).to_be_visible()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_in(page, email: str, password: str = factories.TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Hello"))).to_be_visible()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    navigation = page.get_by_role("navigation", name="Main navigation")
    expect(navigation.get_by_role("link", name="Log in", exact=True)).to_be_visible()


def new_address(name: str) -> str:
    """A fresh address for each run: allauth sends one confirmation per address every three
    minutes and keeps that count in the cache, which outlives the test database."""
    return f"{name}.{uuid.uuid4().hex[:8]}@example.kz"


def verified_address(user: User) -> None:
    """The row allauth looks for before letting a user with mandatory verification log in."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a phone: {width}px wide"


# --- a) A job seeker signs up and fills in the profile ------------------------------------------


def test_seeker_signs_up_confirms_and_fills_in_the_profile(page, screenshot, catalog):
    email = new_address("aigerim.seitkali")
    password = "Steppe-horizon-2024"
    iin = factories.valid_iin(4321)

    sign_up(page, role_label="I am looking for work", full_name="Aigerim Seitkali", email=email, password=password)
    screenshot(page, "accounts-seeker-check-email")
    confirm_email(page, email)

    # The dashboard sends a new job seeker to the CV; the overview starts the wizard.
    page.goto("/dashboard/")
    page.get_by_role("link", name="Go to my profile").click()
    expect(page.get_by_text("Employers cannot see your profile yet.")).to_be_visible()
    page.get_by_role("link", name="Fill in step by step").click()

    # Step 1: personal details.
    expect(page.get_by_role("heading", level=1, name="Personal details")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Aigerim Seitkali")
    page.get_by_label("IIN").fill(iin)
    page.get_by_label("Phone").fill("+7 701 555 12 34")
    page.get_by_label("Region").select_option(label="Astana")
    page.get_by_label("City, town or village").fill("Astana")
    screenshot(page, "accounts-seeker-wizard-personal")
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: one education entry.
    expect(page.get_by_role("heading", level=1, name="Education")).to_be_visible()
    page.get_by_label("Level").select_option(label="Technical and vocational")
    page.get_by_label("School, college or university").fill("Astana Polytechnic College")
    page.get_by_label("Specialty").fill("Welding production")
    page.get_by_label("Graduation year").fill("2019")
    page.get_by_role("button", name="Add education").click()
    expect(page.get_by_text("The education entry was added.")).to_be_visible()
    expect(page.get_by_text("Astana Polytechnic College", exact=True)).to_be_visible()
    screenshot(page, "accounts-seeker-wizard-education")
    page.get_by_role("link", name="Continue").click()

    # Step 3: one work experience entry (current job: no end date).
    expect(page.get_by_role("heading", level=1, name="Work experience")).to_be_visible()
    page.get_by_label("Employer", exact=True).fill("Astana Steel Works LLP")
    page.get_by_label("Position", exact=True).fill("Welder, 4th grade")
    page.get_by_label("Occupation (ISCO-08)").fill("7212 Welders and flame cutters")
    page.get_by_label("From", exact=True).fill("2019-09-02")
    page.get_by_label("What you did").fill("Welding of steel frames, seam inspection.")
    page.get_by_role("button", name="Add work experience").click()
    expect(page.get_by_text("The work experience entry was added.")).to_be_visible()
    expect(page.get_by_text("Welder, 4th grade · Astana Steel Works LLP", exact=True)).to_be_visible()
    screenshot(page, "accounts-seeker-wizard-experience")
    page.get_by_role("link", name="Continue").click()

    # Step 4: a language, then skills and the headline.
    expect(page.get_by_role("heading", level=1, name="Skills and languages")).to_be_visible()
    page.get_by_label("Language", exact=True).select_option(label="Kazakh")
    page.get_by_label("Level").select_option(label="Native")
    page.get_by_role("button", name="Add language").click()
    expect(page.get_by_text("The language was added.")).to_be_visible()
    page.get_by_label("Headline").fill("Welder with 5 years of experience")
    page.get_by_label("About me").fill("Certified for MIG/MAG and TIG welding.")
    page.get_by_label("Welding", exact=True).check()
    page.get_by_label("First aid", exact=True).check()
    page.get_by_label("Other skills").fill("Reading drawings")
    save = page.get_by_role("button", name="Save and continue")
    save.scroll_into_view_if_needed()  # a full-page capture of this long page can miss its end otherwise
    screenshot(page, "accounts-seeker-wizard-skills")
    save.click()

    # Step 5: job preferences.
    expect(page.get_by_role("heading", level=1, name="Job preferences")).to_be_visible()
    page.get_by_label("Desired occupation 1").fill("7212 Welders and flame cutters")
    page.get_by_label("Desired salary, KZT per month").fill("400000")
    page.get_by_label("Full-time", exact=True).check()
    page.get_by_label("Full day", exact=True).check()
    page.get_by_label("I am willing to move to another city").check()
    page.get_by_label("Actively looking").check()
    screenshot(page, "accounts-seeker-wizard-preferences")
    page.get_by_role("button", name="Save and continue").click()

    # Step 6: consent and visibility.
    expect(page.get_by_role("heading", level=1, name="Consent and visibility")).to_be_visible()
    page.get_by_label("I have read the text above and agree to the processing of my personal data").check()
    page.get_by_label("Visible to employers").check()
    screenshot(page, "accounts-seeker-wizard-consent")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("heading", level=1, name="My profile")).to_be_visible()
    expect(page.get_by_text("Your profile is visible to employers.")).to_be_visible()

    # Log out, log back in with the password, and find the profile as it was left.
    log_out(page)
    log_in(page, email, password)
    page.get_by_role("link", name="Go to my profile").click()
    main = page.get_by_role("main")
    expect(page.get_by_text("Your profile is visible to employers.")).to_be_visible()
    for text in (
        "Aigerim Seitkali",
        iin,
        "Astana Polytechnic College",
        "Welder, 4th grade · Astana Steel Works LLP",
        "Welder with 5 years of experience",
        "Welding",
        "Kazakh (Native)",
        "7212 Welders and flame cutters",
        "400,000 KZT per month",
    ):
        expect(main).to_contain_text(text)
    screenshot(page, "accounts-seeker-profile-overview")

    user = User.objects.get(email=email)
    assert user.role == User.Role.SEEKER
    assert user.full_name == "Aigerim Seitkali"
    assert EmailAddress.objects.get(user=user, email=email).verified
    profile = SeekerProfile.objects.get(user=user)
    assert profile.iin == iin
    assert profile.birth_date is not None and profile.sex
    assert profile.phone == "+77015551234"
    assert profile.region.code == "KZ-71"
    assert profile.locality == "Astana"
    assert [(e.level.code, e.institution, e.graduation_year) for e in profile.educations.all()] == [
        ("technical_vocational", "Astana Polytechnic College", 2019)
    ]
    experience = profile.experiences.get()
    assert (experience.employer_name, experience.occupation.code, experience.end_date) == (
        "Astana Steel Works LLP",
        "7212",
        None,
    )
    assert experience.start_date.isoformat() == "2019-09-02"
    assert sorted(profile.skills.values_list("code", flat=True)) == ["first_aid", "welding"]
    assert profile.other_skills == "Reading drawings"
    assert list(profile.languages.values_list("language", "level")) == [("kk", "native")]
    assert list(profile.desired_occupations.values_list("code", flat=True)) == ["7212"]
    assert profile.desired_salary == 400000
    assert list(profile.employment_types.values_list("code", flat=True)) == ["full_time"]
    assert list(profile.schedules.values_list("code", flat=True)) == ["full_day"]
    assert profile.willing_to_relocate is True
    assert profile.search_status == SeekerProfile.SearchStatus.ACTIVE
    assert profile.has_consent is True
    assert profile.visibility == SeekerProfile.Visibility.VISIBLE
    consent = Consent.objects.get(user=user)
    assert consent.withdrawn_at is None
    assert consent.channel == Consent.Channel.WEB


# --- b) An employer registers an organization; staff of its region verify it ------------------


def test_employer_registers_an_organization_and_staff_verify_it(browser, live_server, page, screenshot, catalog):
    email = new_address("daniyar.ospanov")
    password = "Caspian-breeze-2024"
    bin_ = factories.valid_bin(777)

    sign_up(page, role_label="I am hiring", full_name="Daniyar Ospanov", email=email, password=password)
    confirm_email(page, email)

    page.goto("/dashboard/")
    page.get_by_role("link", name="Set up my organization").click()
    expect(page.get_by_role("heading", level=1, name="Set up your organization")).to_be_visible()
    page.get_by_label("BIN").fill(bin_)
    page.get_by_label("Legal name").fill("Steppe Build LLP")
    page.get_by_label("Region").select_option(label="Astana")
    page.get_by_label("Industry").select_option(label="Construction")
    page.get_by_label("Number of employees").select_option(label="16-100 employees")
    page.get_by_label("About the organization").fill("Residential construction in Astana.")
    screenshot(page, "accounts-employer-organization-form")
    page.get_by_role("button", name="Register the organization").click()

    expect(page.get_by_role("heading", level=1, name="Steppe Build LLP")).to_be_visible()
    expect(page.get_by_text("Waiting for verification")).to_be_visible()
    expect(page.get_by_text("Employment-centre staff are checking your organization.")).to_be_visible()
    screenshot(page, "accounts-employer-organization-pending")
    organization = Organization.objects.get(bin=bin_)
    assert organization.status == Organization.Status.PENDING
    assert organization.memberships.get().user.email == email

    # Staff of the Astana employment centre, in a browser of their own.
    staff = factories.StaffAssignmentFactory(
        user=factories.CentreStaffFactory(email="staff.astana@example.kz", full_name="Gulnara Abenova"),
        centre=factories.EmploymentCentreFactory(region=Region.objects.get(code="KZ-71"), name="Astana centre"),
    ).user
    verified_address(staff)
    staff_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        staff_page = staff_context.new_page()
        log_in(staff_page, staff.email)
        staff_page.get_by_role("link", name="Open the verification queue").click()
        expect(staff_page.get_by_role("heading", level=1, name="Employer verification")).to_be_visible()
        screenshot(staff_page, "accounts-staff-verification-queue")
        staff_page.get_by_role("link", name="Steppe Build LLP").click()
        expect(staff_page.get_by_text(bin_)).to_be_visible()
        expect(staff_page.get_by_text(email)).to_be_visible()
        screenshot(staff_page, "accounts-staff-organization-review")
        staff_page.get_by_role("button", name="Verify the organization").click()
        expect(staff_page.get_by_text("Steppe Build LLP is verified.")).to_be_visible()
        expect(staff_page.get_by_text("No organizations with this status in your region.")).to_be_visible()
    finally:
        staff_context.close()

    # The employer's page, reloaded, shows the organization verified.
    page.reload()
    expect(page.get_by_text("Verified", exact=True)).to_be_visible()
    expect(page.get_by_text("Employment-centre staff are checking your organization.")).to_have_count(0)
    expect(page.get_by_role("link", name="Public page")).to_be_visible()
    screenshot(page, "accounts-employer-organization-verified")

    organization.refresh_from_db()
    assert organization.status == Organization.Status.VERIFIED
    assert organization.verified_by == staff
    assert organization.region.code == "KZ-71"
    assert organization.industry.code == "F"
    assert organization.size == Organization.Size.SMALL


# --- c) The key pages on a phone ----------------------------------------------------------------


def test_signup_login_and_profile_fit_a_phone(phone_page, screenshot, catalog):
    phone_page.goto("/accounts/signup/")
    expect(phone_page.get_by_role("heading", level=1, name="Create an account")).to_be_visible()
    fits_the_phone(phone_page)
    screenshot(phone_page, "accounts-phone-signup")

    phone_page.goto("/accounts/login/")
    expect(phone_page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    fits_the_phone(phone_page)
    screenshot(phone_page, "accounts-phone-login")

    profile = factories.SeekerProfileFactory(
        user=factories.SeekerFactory(email="phone.seeker@example.kz", full_name="Yerlan Mukhamedzhanov"),
        headline="Electrician with a licence for installations up to 1000 V",
    )
    factories.ConsentFactory(user=profile.user)
    SeekerProfile.objects.filter(pk=profile.pk).update(has_consent=True)
    verified_address(profile.user)

    log_in(phone_page, profile.user.email)
    phone_page.goto("/profile/")
    expect(phone_page.get_by_role("heading", level=1, name="My profile")).to_be_visible()
    expect(phone_page.get_by_text("Your profile is visible to employers.")).to_be_visible()
    fits_the_phone(phone_page)
    screenshot(phone_page, "accounts-phone-profile")
