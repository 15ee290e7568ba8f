"""The fair reminders the periodic advance sends: when registration opens, a day before the start,
at the start (with the invitation of matching seekers), a day before the end; each to the right
people, each once however often or on however many workers the task runs, and worded so the
reader knows what it is about."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import translation

from accounts.models import SeekerProfile, User
from catalog.models import Occupation
from fairs.models import Fair, FairVacancy, Participation, Registration
from fairs.services import fairs as services
from notifications.models import Kind, Notification
from notifications.rendering import render_notification
from tests import factories
from tests.fairs.test_fairs import make_fair
from tests.fairs.test_monthly_and_advance import in_threads

pytestmark = pytest.mark.django_db

Status = Fair.Status
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


# --- Set-up -----------------------------------------------------------------------------------


def take_part(fair: Fair, employer: User, *, status=Participation.Status.APPROVED, occupation="7212") -> Participation:
    organization = employer.membership.organization
    participation = Participation.objects.create(fair=fair, organization=organization, status=status)
    vacancy = factories.VacancyFactory(organization=organization, occupation=Occupation.objects.get(code=occupation))
    FairVacancy.objects.create(fair=fair, participation=participation, vacancy=vacancy, positions_offered=10)
    return participation


def register(fair: Fair, seeker: User) -> Registration:
    return Registration.objects.create(fair=fair, seeker=seeker)


def wants(seeker: User, *codes: str) -> User:
    seeker.seeker_profile.desired_occupations.set(Occupation.objects.filter(code__in=codes))
    return seeker


def consenting_seeker(name: str, **profile) -> User:
    user = factories.SeekerFactory(email=f"{name}@example.kz")
    factories.SeekerProfileFactory(user=user, **profile)
    SeekerProfile.objects.filter(user=user).update(has_consent=True)
    return user


def sent(fair: Fair, event: str) -> Counter:
    """How many notifications each user got for ``event`` of ``fair`` (read from the rows' data:
    the keys of the reminders of a date end with that date)."""
    rows = Notification.objects.filter(kind=Kind.FAIR, subject=f"fair:{fair.pk}", data__event=event)
    return Counter(rows.values_list("recipient_id", flat=True))


# --- Registration opens -----------------------------------------------------------------------


def test_registration_opening_tells_the_approved_employers_and_registered_seekers(cast):
    fair = make_fair(status=Status.SCHEDULED)
    take_part(fair, cast.employer_a)
    take_part(fair, cast.employer_b, status=Participation.Status.PENDING)
    register(fair, cast.seeker_a)

    services.fairs_advance(now=fair.registration_opens_at)

    assert sent(fair, "registration_open") == {cast.employer_a.pk: 1, cast.seeker_a.pk: 1}
    row = Notification.objects.get(recipient=cast.employer_a)
    assert row.url == f"/fairs/{fair.pk}/"
    assert row.data["role"] == "employer"
    assert row.dedupe_key == f"{cast.employer_a.pk}:fair:{fair.pk}:registration_open"


def test_the_reminder_of_a_step_is_not_sent_again_by_later_runs(cast):
    fair = make_fair(status=Status.SCHEDULED)
    take_part(fair, cast.employer_a)

    for minute in range(5):
        services.fairs_advance(now=fair.registration_opens_at + minute * datetime.timedelta(minutes=1))

    assert sent(fair, "registration_open") == {cast.employer_a.pk: 1}


def test_inactive_accounts_get_no_reminders(cast):
    fair = make_fair(status=Status.SCHEDULED)
    take_part(fair, cast.employer_a)
    register(fair, cast.seeker_a)
    User.objects.filter(pk__in=[cast.employer_a.pk, cast.seeker_a.pk]).update(is_active=False)

    services.fairs_advance(now=fair.registration_opens_at)

    assert sent(fair, "registration_open") == {}


# --- A day before the start and the end -------------------------------------------------------


def test_the_day_before_the_start_registered_seekers_and_employers_are_reminded_once(cast):
    fair = make_fair(status=Status.REGISTRATION)
    take_part(fair, cast.employer_a)
    register(fair, cast.seeker_a)

    services.fairs_advance(now=fair.starts_at - DAY - HOUR)
    assert sent(fair, "starts_soon") == {}, "not yet: more than a day before"

    for minutes in range(0, 60 * 23, 97):  # the task runs all day long
        services.fairs_advance(now=fair.starts_at - DAY + datetime.timedelta(minutes=minutes))

    assert sent(fair, "starts_soon") == {cast.seeker_a.pk: 1, cast.employer_a.pk: 1}


def test_a_seeker_who_registers_on_the_last_day_is_reminded_too_but_not_after_the_start(cast):
    fair = make_fair(status=Status.REGISTRATION)
    register(fair, cast.seeker_a)
    services.fairs_advance(now=fair.starts_at - 20 * HOUR)

    register(fair, cast.seeker_b)
    services.fairs_advance(now=fair.starts_at - 5 * HOUR)
    late = consenting_seeker("late")
    register(fair, late)
    services.fairs_advance(now=fair.starts_at + HOUR)

    assert sent(fair, "starts_soon") == {cast.seeker_a.pk: 1, cast.seeker_b.pk: 1}


def test_the_day_before_the_end_people_are_reminded_once(cast):
    fair = make_fair(status=Status.LIVE)
    take_part(fair, cast.employer_a)
    register(fair, cast.seeker_a)

    services.fairs_advance(now=fair.ends_at - 2 * DAY)
    assert sent(fair, "ends_soon") == {}
    services.fairs_advance(now=fair.ends_at - 12 * HOUR)
    services.fairs_advance(now=fair.ends_at - 11 * HOUR)
    services.fairs_advance(now=fair.ends_at + HOUR)

    assert sent(fair, "ends_soon") == {cast.seeker_a.pk: 1, cast.employer_a.pk: 1}


# --- The start and the matching seekers -------------------------------------------------------


def test_at_the_start_registered_people_are_told_and_matching_seekers_are_invited(cast):
    fair = make_fair(status=Status.REGISTRATION)
    take_part(fair, cast.employer_a, occupation="7212")
    take_part(fair, cast.employer_b, occupation="2512", status=Participation.Status.DECLINED)
    register(fair, wants(cast.seeker_a, "7212"))
    welder = wants(cast.seeker_b, "7212", "9112")
    programmer = wants(consenting_seeker("programmer"), "2512")
    hidden = wants(consenting_seeker("hidden", visibility=SeekerProfile.Visibility.HIDDEN), "7212")
    not_looking = wants(consenting_seeker("resting", search_status=SeekerProfile.SearchStatus.NOT_LOOKING), "7212")
    no_consent = wants(factories.SeekerProfileFactory().user, "7212")

    services.fairs_advance(now=fair.starts_at)

    assert sent(fair, "started") == {cast.seeker_a.pk: 1, cast.employer_a.pk: 1}
    assert sent(fair, "matching") == {welder.pk: 1}
    for bystander in (programmer, hidden, not_looking, no_consent):
        assert not Notification.objects.filter(recipient=bystander).exists()
    assert Notification.objects.get(recipient=welder).data["matching_occupations"] == 1


def test_matching_seekers_are_only_those_the_audience_rules_admit(cast):
    from tests.factories import valid_iin

    fair = make_fair(status=Status.REGISTRATION, max_age=30, audience_regions=[cast.region_x])
    take_part(fair, cast.employer_a)
    start_day = fair.starts_at.date()
    young = wants(consenting_seeker("young", iin=valid_iin(501, start_day.replace(year=start_day.year - 22))), "7212")
    too_old = wants(consenting_seeker("old", iin=valid_iin(502, start_day.replace(year=start_day.year - 40))), "7212")
    elsewhere = wants(
        consenting_seeker(
            "almaty", iin=valid_iin(503, start_day.replace(year=start_day.year - 22)), region=cast.region_y
        ),
        "7212",
    )

    services.fairs_advance(now=fair.starts_at)

    assert set(sent(fair, "matching")) == {young.pk}
    assert not Notification.objects.filter(recipient__in=[too_old, elsewhere]).exists()


def test_the_matching_invitations_are_capped(cast, monkeypatch):
    monkeypatch.setattr(services, "FAIR_MATCHING_MAX", 2)
    fair = make_fair(status=Status.REGISTRATION)
    take_part(fair, cast.employer_a)
    for n in range(4):
        wants(consenting_seeker(f"welder-{n}"), "7212")

    services.fairs_advance(now=fair.starts_at)

    assert sum(sent(fair, "matching").values()) == 2


@pytest.mark.django_db(transaction=True)
def test_workers_running_the_advance_at_once_send_every_reminder_once(cast):
    fair = make_fair(status=Status.SCHEDULED)
    take_part(fair, cast.employer_a)
    register(fair, cast.seeker_a)
    wants(cast.seeker_b, "7212")

    for moment in (
        fair.registration_opens_at,
        fair.starts_at - 12 * HOUR,
        fair.starts_at,
        fair.ends_at - 12 * HOUR,
        fair.ends_at,
    ):
        results = in_threads(4, lambda moment=moment: services.fairs_advance(now=moment))
        assert not [r for r in results if isinstance(r, Exception)], results

    everyone = {cast.employer_a.pk: 1, cast.seeker_a.pk: 1}
    for event in ("registration_open", "starts_soon", "started", "ends_soon"):
        assert sent(fair, event) == everyone, event
    assert sent(fair, "matching") == {cast.seeker_b.pk: 1}
    keys = Notification.objects.values_list("dedupe_key", flat=True)
    assert len(keys) == len(set(keys)) == 9


# --- What the reminders say -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "role", "subject", "body"),
    [
        ("registration_open", "seeker", "Registration is open: “Spring job fair”", "Registration for the online"),
        ("registration_open", "employer", "Registration is open", "interview slots are ready"),
        ("starts_soon", "seeker", "“Spring job fair” starts on", "you registered for starts on"),
        ("starts_soon", "employer", "starts on", "apply to your vacancies"),
        ("started", "seeker", "“Spring job fair” has started", "book an interview slot"),
        ("started", "employer", "has started", "Screen the applications"),
        ("matching", "seeker", "Vacancies for you at the job fair “Spring job fair”", "occupations you are looking"),
        ("ends_soon", "seeker", "“Spring job fair” ends on", "Apply and book your interviews before then"),
        ("ends_soon", "employer", "ends on", "a week to select and hire"),
    ],
)
def test_each_reminder_says_what_it_is_about(cast, event, role, subject, body):
    fair = make_fair(status=Status.SCHEDULED)
    items = services._reminders(fair, event, role, [cast.seeker_a.pk])
    Notification.objects.create(
        recipient=cast.seeker_a,
        kind=Kind.FAIR,
        subject=items[0].subject,
        dedupe_key=items[0].key(),
        data=items[0].data,
        url=items[0].url,
    )

    with translation.override("en"):
        rendered = render_notification(Notification.objects.get())

    assert subject in rendered.title
    assert body in rendered.text
    assert "{" not in rendered.title + rendered.text


def test_a_fair_notification_of_an_unknown_event_falls_back_to_the_fair_title(cast):
    notification = Notification.objects.create(
        recipient=cast.seeker_a,
        kind=Kind.FAIR,
        subject="fair:1",
        dedupe_key="x",
        data={"event": "something_new", "fair_title": "Spring job fair"},
    )

    with translation.override("en"):
        rendered = render_notification(notification)

    assert rendered.title == "News about the job fair “Spring job fair”"
    assert rendered.text == "There is news about the online job fair “Spring job fair”."


@pytest.mark.parametrize(
    ("event", "subject", "body"),
    [
        ("participation_requested", "Steel LLP wants to take part in “Spring job fair”", "Approve or decline"),
        ("participation_approved", "You take part in the job fair “Spring job fair”", "Add your vacancies"),
        ("participation_declined", "was declined", "Reason: No vacancies for young people."),
    ],
)
def test_the_participation_news_of_a_fair_say_what_happened(cast, event, subject, body):
    notification = Notification.objects.create(
        recipient=cast.employer_a,
        kind=Kind.FAIR,
        subject="fair:1",
        dedupe_key=event,
        data={
            "event": event,
            "fair_id": 1,
            "fair_title": "Spring job fair",
            "organization_name": "Steel LLP",
            "reason": "No vacancies for young people.",
        },
    )

    with translation.override("en"):
        rendered = render_notification(notification)

    assert subject in rendered.title
    assert body in rendered.text
