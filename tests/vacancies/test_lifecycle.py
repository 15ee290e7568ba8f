"""A vacancy's life: drafts, moderation, pausing, closing, prolonging, expiry and its reminder,
duplicate detection, and the employer's and staff's pages."""

from __future__ import annotations

import datetime
import json
import re
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Organization, User
from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule
from exchange.errors import BusinessError, ConflictError
from notifications.models import Kind, Notification
from notifications.services.delivery import notifications_deliver
from tests import factories
from vacancies.models import Vacancy
from vacancies.services import lifecycle as services

pytestmark = pytest.mark.django_db

Status = Vacancy.Status


# --- Local fixtures ---------------------------------------------------------------------------


def org_of(user: User) -> Organization:
    return Membership.objects.get(user=user).organization


def fields(**overrides) -> dict:
    """Valid service fields for a welder's vacancy in Astana, catalog references as objects."""
    values = {
        "title": "Welder",
        "occupation": Occupation.objects.get(code="7212"),
        "description": "Welding of steel structures.",
        "duties": "Weld seams.",
        "employment_type": EmploymentType.objects.get(code="full_time"),
        "schedule": WorkSchedule.objects.get(code="full_day"),
        "region": Region.objects.get(code="KZ-71"),
        "locality": "Astana",
        "salary_min": 300000,
        "salary_max": 450000,
        "positions": 2,
    }
    values.update(overrides)
    return values


def published(user: User, **overrides) -> Vacancy:
    return factories.VacancyFactory(organization=org_of(user), **overrides)


@pytest.fixture
def draft(cast) -> Vacancy:
    return services.vacancy_create(organization=org_of(cast.employer_a), by=cast.employer_a, **fields())


@pytest.fixture
def pending(cast, draft) -> Vacancy:
    return services.vacancy_submit(vacancy=draft, by=cast.employer_a)


@pytest.fixture
def live(cast, pending) -> Vacancy:
    return services.vacancy_approve(vacancy=pending, by=cast.staff_x)


# --- The life cycle -------------------------------------------------------------------------------


def test_a_vacancy_goes_from_draft_through_moderation_to_publication_and_closing(cast):
    employer = cast.employer_a
    vacancy = services.vacancy_create(organization=org_of(employer), by=employer, **fields())
    assert vacancy.status == Status.DRAFT and vacancy.created_by == employer

    vacancy = services.vacancy_submit(vacancy=vacancy, by=employer)
    assert vacancy.status == Status.PENDING

    vacancy = services.vacancy_approve(vacancy=vacancy, by=cast.staff_x)
    assert vacancy.status == Status.PUBLISHED
    assert vacancy.expires_at - vacancy.published_at == datetime.timedelta(days=30)

    vacancy = services.vacancy_pause(vacancy=vacancy, by=employer)
    assert vacancy.status == Status.PAUSED
    vacancy = services.vacancy_resume(vacancy=vacancy, by=employer)
    assert vacancy.status == Status.PUBLISHED

    vacancy = services.vacancy_close(vacancy=vacancy, by=employer)
    vacancy.refresh_from_db()
    assert vacancy.status == Status.CLOSED


def test_a_rejected_vacancy_shows_the_reason_and_can_be_corrected_and_submitted_again(cast, pending):
    vacancy = services.vacancy_reject(vacancy=pending, by=cast.staff_x, reason="Salary is not stated")
    assert vacancy.status == Status.REJECTED and vacancy.status_reason == "Salary is not stated"

    vacancy = services.vacancy_update(vacancy=vacancy, by=cast.employer_a, title="Senior welder")
    vacancy = services.vacancy_submit(vacancy=vacancy, by=cast.employer_a)

    assert vacancy.status == Status.PENDING and vacancy.status_reason == ""


def test_rejecting_needs_a_reason(cast, pending):
    with pytest.raises(BusinessError) as caught:
        services.vacancy_reject(vacancy=pending, by=cast.staff_x, reason="  ")

    assert caught.value.code == "invalid" and "reason" in caught.value.fields


def test_an_unverified_organization_cannot_submit_a_vacancy(cast):
    organization = factories.OrganizationFactory(status=Organization.Status.PENDING)
    member = factories.MembershipFactory(organization=organization).user
    vacancy = services.vacancy_create(organization=organization, by=member, **fields())

    with pytest.raises(BusinessError) as caught:
        services.vacancy_submit(vacancy=vacancy, by=member)

    assert caught.value.code == "organization_not_verified" and caught.value.status_code == 403
    vacancy.refresh_from_db()
    assert vacancy.status == Status.DRAFT


def test_a_vacancy_of_an_organization_that_lost_its_verification_cannot_be_approved(cast, pending):
    Organization.objects.filter(pk=pending.organization_id).update(status=Organization.Status.REJECTED)

    with pytest.raises(BusinessError) as caught:
        services.vacancy_approve(vacancy=pending, by=cast.staff_x)

    assert caught.value.code == "organization_not_verified"


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", Status.DRAFT), ("pause", Status.DRAFT), ("resume", Status.PUBLISHED), ("submit", Status.CLOSED)],
)
def test_an_illegal_transition_is_a_conflict(cast, action, status):
    vacancy = published(cast.employer_a, status=status)
    by = cast.staff_x if action == "approve" else cast.employer_a

    with pytest.raises(ConflictError) as caught:
        getattr(services, f"vacancy_{action}")(vacancy=vacancy, by=by)

    assert caught.value.code == "invalid_transition" and caught.value.status_code == 409
    vacancy.refresh_from_db()
    assert vacancy.status == status


def test_an_employer_cannot_approve_their_own_vacancy(cast, pending):
    with pytest.raises(PermissionDenied):
        services.vacancy_approve(vacancy=pending, by=cast.employer_a)


@pytest.mark.parametrize("who", ["staff_y", "employer_b", "seeker_a"])
def test_only_staff_of_the_vacancys_region_moderate_it(cast, pending, who):
    with pytest.raises(PermissionDenied):
        services.vacancy_approve(vacancy=pending, by=getattr(cast, who))


def test_another_employer_cannot_act_on_a_vacancy(cast, live):
    with pytest.raises(PermissionDenied):
        services.vacancy_pause(vacancy=live, by=cast.employer_b)


def test_a_pending_vacancy_cannot_be_edited(cast, pending):
    with pytest.raises(ConflictError) as caught:
        services.vacancy_update(vacancy=pending, by=cast.employer_a, title="Changed")

    assert caught.value.code == "not_editable"


def test_a_published_vacancy_stays_live_when_edited(cast, live):
    vacancy = services.vacancy_update(vacancy=live, by=cast.employer_a, salary_max=500000)

    vacancy.refresh_from_db()
    assert vacancy.status == Status.PUBLISHED and vacancy.salary_max == 500000


def test_prolonging_runs_thirty_days_from_now_and_rearms_the_reminder(cast, live):
    Vacancy.objects.filter(pk=live.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=1), expiry_reminder_sent_at=timezone.now()
    )

    vacancy = services.vacancy_prolong(vacancy=live, by=cast.employer_a)

    assert abs(vacancy.expires_at - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    assert vacancy.expiry_reminder_sent_at is None


@pytest.mark.parametrize("days", [0, 31, -5])
def test_prolonging_accepts_one_to_thirty_days(cast, live, days):
    with pytest.raises(BusinessError) as caught:
        services.vacancy_prolong(vacancy=live, by=cast.employer_a, days=days)

    assert "days" in caught.value.fields


def test_an_expired_vacancy_cannot_be_prolonged_but_can_be_closed(cast):
    vacancy = published(cast.employer_a, status=Status.EXPIRED)

    with pytest.raises(ConflictError):
        services.vacancy_prolong(vacancy=vacancy, by=cast.employer_a)
    assert services.vacancy_close(vacancy=vacancy, by=cast.employer_a).status == Status.CLOSED


def test_the_last_hire_fills_a_live_vacancy_but_not_a_closed_one(cast, live):
    assert services.vacancy_fill(vacancy=live).status == Status.FILLED

    closed = published(cast.employer_a, status=Status.CLOSED)
    with pytest.raises(ConflictError):
        services.vacancy_fill(vacancy=closed)


# --- Field rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"salary_min": 500000, "salary_max": 400000}, "salary_max"),
        ({"salary_min": -1}, "salary_min"),
        ({"occupation_code": "72"}, "occupation"),
        ({"occupation_code": "721"}, "occupation"),
        ({"positions": 0}, "positions"),
        ({"title": "   "}, "title"),
        ({"languages": ["russian"]}, "languages"),
    ],
)
def test_invalid_fields_are_refused_with_a_message_on_the_field_and_nothing_is_written(cast, overrides, field):
    if "occupation_code" in overrides:
        overrides = {"occupation": Occupation.objects.get(code=overrides.pop("occupation_code"))}

    with pytest.raises(BusinessError) as caught:
        services.vacancy_create(organization=org_of(cast.employer_a), by=cast.employer_a, **fields(**overrides))

    assert caught.value.status_code == 400 and field in caught.value.fields
    assert not Vacancy.objects.exists()


def test_every_invalid_field_is_reported_at_once(cast):
    with pytest.raises(BusinessError) as caught:
        services.vacancy_create(
            organization=org_of(cast.employer_a),
            by=cast.employer_a,
            **fields(salary_min=-5, salary_max=-10, positions=0, description=""),
        )

    assert {"salary_min", "salary_max", "positions", "description"} <= set(caught.value.fields)


def test_positions_cannot_drop_below_the_positions_already_filled(cast):
    vacancy = published(cast.employer_a, positions=3, positions_filled=2)

    with pytest.raises(BusinessError) as caught:
        services.vacancy_update(vacancy=vacancy, by=cast.employer_a, positions=1)

    assert "positions" in caught.value.fields


def test_skills_text_holds_every_skills_name_in_every_language_and_follows_changes(cast):
    welding, turning = Skill.objects.get(code="welding"), Skill.objects.get(code="turning")
    vacancy = services.vacancy_create(
        organization=org_of(cast.employer_a), by=cast.employer_a, **fields(required_skills=[welding])
    )
    assert all(name in vacancy.skills_text for name in ("Welding", "Сварка", "Дәнекерлеу"))
    assert Vacancy.objects.filter(search_vector="сварка").exists()

    vacancy = services.vacancy_update(vacancy=vacancy, by=cast.employer_a, nice_skills=[turning])
    vacancy.refresh_from_db()
    assert "Сварка" in vacancy.skills_text and "Токарные работы" in vacancy.skills_text

    services.vacancy_update(vacancy=vacancy, by=cast.employer_a, required_skills=[])
    vacancy.refresh_from_db()
    assert "Сварка" not in vacancy.skills_text and list(vacancy.nice_skills.all()) == [turning]


def test_staff_of_the_region_may_create_a_vacancy_for_an_employer(cast):
    vacancy = services.vacancy_create(organization=org_of(cast.employer_a), by=cast.staff_x, **fields())

    assert vacancy.status == Status.DRAFT


def test_a_seeker_cannot_create_a_vacancy(cast):
    with pytest.raises(PermissionDenied):
        services.vacancy_create(organization=org_of(cast.employer_a), by=cast.seeker_a, **fields())


# --- Duplicates -------------------------------------------------------------------------------


def test_submitting_a_copy_of_an_open_vacancy_is_refused_with_a_link_to_it(cast, live):
    copy = services.vacancy_create(
        organization=org_of(cast.employer_a), by=cast.employer_a, **fields(title="  WELDER ")
    )

    with pytest.raises(ConflictError) as caught:
        services.vacancy_submit(vacancy=copy, by=cast.employer_a)

    assert caught.value.code == "duplicate_vacancy"
    assert f"/vacancies/{live.pk}/" in caught.value.message
    assert caught.value.fields["url"] == [f"/vacancies/{live.pk}/"]
    assert caught.value.fields["duplicate_of"] == [str(live.pk)]
    copy.refresh_from_db()
    assert copy.status == Status.DRAFT


def test_a_copy_differing_in_occupation_region_or_employer_is_no_duplicate(cast, live):
    organization = org_of(cast.employer_a)
    for overrides in (
        {"occupation": Occupation.objects.get(code="7211")},
        {"region": Region.objects.get(code="KZ-75")},
    ):
        other = services.vacancy_create(organization=organization, by=cast.employer_a, **fields(**overrides))
        assert services.vacancy_submit(vacancy=other, by=cast.employer_a).status == Status.PENDING
    other = services.vacancy_create(organization=org_of(cast.employer_b), by=cast.employer_b, **fields())
    assert services.vacancy_submit(vacancy=other, by=cast.employer_b).status == Status.PENDING


def test_a_closed_vacancy_does_not_block_an_identical_new_one(cast, live):
    services.vacancy_close(vacancy=live, by=cast.employer_a)
    again = services.vacancy_create(organization=org_of(cast.employer_a), by=cast.employer_a, **fields())

    assert services.vacancy_submit(vacancy=again, by=cast.employer_a).status == Status.PENDING


def test_renaming_a_live_vacancy_into_a_copy_of_another_is_refused(cast, live):
    other = published(cast.employer_a, title="Plumber")

    with pytest.raises(ConflictError) as caught:
        services.vacancy_update(vacancy=other, by=cast.employer_a, title="welder")

    assert caught.value.code == "duplicate_vacancy"
    other.refresh_from_db()
    assert other.title == "Plumber"


def test_the_database_constraint_catches_a_duplicate_the_check_missed(cast, live, monkeypatch):
    # As if another transaction had published the first one after our check ran.
    monkeypatch.setattr(services, "_refuse_duplicate", lambda vacancy: None)
    copy = services.vacancy_create(organization=org_of(cast.employer_a), by=cast.employer_a, **fields())

    with pytest.raises(ConflictError) as caught:
        services.vacancy_submit(vacancy=copy, by=cast.employer_a)

    assert caught.value.code == "duplicate_vacancy" and caught.value.fields["duplicate_of"] == [str(live.pk)]
    assert isinstance(caught.value.__cause__, IntegrityError)
    copy.refresh_from_db()
    assert copy.status == Status.DRAFT


def test_other_integrity_errors_are_not_taken_for_duplicates(cast, draft):
    draft.salary_min, draft.salary_max = 10, 5  # the CHECK constraint, not the duplicate one

    with pytest.raises(IntegrityError):
        services._save(draft)


@pytest.mark.django_db(transaction=True)
def test_two_identical_vacancies_submitted_at_the_same_moment_give_one_pending_and_one_409(cast, monkeypatch):
    organization = org_of(cast.employer_a)
    first, second = (
        services.vacancy_create(organization=organization, by=cast.employer_a, **fields()) for _ in range(2)
    )
    # Both threads pass the duplicate check before either writes, as two real requests can.
    both_checked = threading.Barrier(2, timeout=10)
    check = services._refuse_duplicate

    def check_then_wait(vacancy):
        check(vacancy)
        both_checked.wait()

    monkeypatch.setattr(services, "_refuse_duplicate", check_then_wait)
    outcomes = {}

    def submit(vacancy):
        try:
            outcomes[vacancy.pk] = services.vacancy_submit(vacancy=vacancy, by=cast.employer_a).status
        except ConflictError as error:
            outcomes[vacancy.pk] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(v,)) for v in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes.values()) == ["duplicate_vacancy", "pending"]
    assert Vacancy.objects.filter(status=Status.PENDING).count() == 1


# --- Expiry and the reminder --------------------------------------------------------------------


def test_the_expiry_task_expires_due_vacancies_once_and_leaves_the_others(cast):
    past = timezone.now() - datetime.timedelta(minutes=1)
    due = published(cast.employer_a, expires_at=past)
    paused_due = published(cast.employer_a, status=Status.PAUSED, expires_at=past)
    running = published(cast.employer_a)
    closed = published(cast.employer_a, status=Status.CLOSED, expires_at=past)
    from vacancies.tasks.lifecycle import expire_due

    assert expire_due() == 2
    assert expire_due() == 0

    statuses = dict(Vacancy.objects.values_list("pk", "status"))
    assert statuses[due.pk] == statuses[paused_due.pk] == Status.EXPIRED
    assert statuses[running.pk] == Status.PUBLISHED and statuses[closed.pk] == Status.CLOSED


@pytest.fixture
def two_members(cast) -> list[User]:
    organization = org_of(cast.employer_a)
    User.objects.filter(pk=cast.employer_a.pk).update(language="kk")
    recruiter = factories.MembershipFactory(
        organization=organization,
        user=factories.EmployerFactory(email="recruiter-a@example.kz", language="ru"),
        role=Membership.Role.RECRUITER,
    ).user
    return [cast.employer_a, recruiter]


def reminders():
    return Notification.objects.filter(kind=Kind.VACANCY_EXPIRING).select_related("recipient").order_by("id")


def test_the_reminder_task_notifies_each_member_once_even_when_run_twice(cast, two_members):
    expiring = published(cast.employer_a, expires_at=timezone.now() + datetime.timedelta(days=2))
    published(cast.employer_a, expires_at=timezone.now() + datetime.timedelta(days=10))
    from vacancies.tasks.lifecycle import remind_expiring

    assert remind_expiring() == 1
    assert remind_expiring() == 0

    assert sorted(n.recipient.email for n in reminders()) == ["employer-a@example.kz", "recruiter-a@example.kz"]
    assert {n.url for n in reminders()} == {f"/vacancies/{expiring.pk}/"}
    expiring.refresh_from_db()
    assert expiring.expiry_reminder_sent_at is not None


def test_the_reminder_e_mail_is_written_in_each_members_language(cast, two_members):
    expiring = published(cast.employer_a, expires_at=timezone.now() + datetime.timedelta(days=2))
    services.vacancies_remind_expiring()

    # The outbox delivers after the commit (a worker's job); here the delivery runs directly.
    notifications_deliver()

    assert {m.to[0]: m.extra_headers["Content-Language"] for m in mail.outbox} == {
        "employer-a@example.kz": "kk",
        "recruiter-a@example.kz": "ru",
    }
    for message in mail.outbox:
        assert expiring.title in message.subject
        assert f"/vacancies/{expiring.pk}/" in message.body
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert "Электрондық еңбек биржасы" in by_address["employer-a@example.kz"]
    assert "Электронная биржа труда" in by_address["recruiter-a@example.kz"]


def test_a_failed_notification_leaves_the_reminder_for_the_next_run(cast, monkeypatch):
    vacancy = published(cast.employer_a, expires_at=timezone.now() + datetime.timedelta(days=1))

    def broken(vacancy):
        raise OSError("database hiccup")

    monkeypatch.setattr(services, "_notify_expiring", broken)
    with pytest.raises(OSError):
        services.vacancies_remind_expiring()
    vacancy.refresh_from_db()
    assert vacancy.expiry_reminder_sent_at is None
    assert not reminders().exists()

    monkeypatch.undo()
    assert services.vacancies_remind_expiring() == 1
    assert reminders().count() == 1


def test_a_prolonged_vacancy_is_reminded_again_before_its_new_date(cast, live):
    Vacancy.objects.filter(pk=live.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    assert services.vacancies_remind_expiring() == 1

    services.vacancy_prolong(vacancy=live, by=cast.employer_a, days=2)

    assert services.vacancies_remind_expiring() == 1
    assert reminders().count() == 2


def test_both_periodic_tasks_are_registered_under_their_names():
    from exchange.celery import app

    assert {"vacancies.expire_due", "vacancies.remind_expiring"} <= set(app.tasks)


# --- The public page ----------------------------------------------------------------------------


def json_ld(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_the_public_page_carries_a_complete_job_posting_for_search_engines(client, cast):
    organization = org_of(cast.employer_a)
    Organization.objects.filter(pk=organization.pk).update(website="https://employer-a.kz")
    vacancy = published(
        cast.employer_a,
        title="Welder </script><script>alert(1)</script>",
        address="Kabanbay Batyr 1",
        is_remote=True,
        education_level=EducationLevel.objects.get(code="technical_vocational"),
    )

    response = client.get(f"/vacancies/{vacancy.pk}/")

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    data = json_ld(response)
    assert data["@type"] == "JobPosting" and data["title"] == vacancy.title
    assert data["description"].startswith("<p>Welding of steel structures")
    assert data["datePosted"] and data["validThrough"]
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": organization.legal_name,
        "sameAs": "https://employer-a.kz",
    }
    assert data["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Kabanbay Batyr 1",
        "addressLocality": "Astana",
        "addressRegion": "Astana",
        "addressCountry": "KZ",
    }
    assert data["employmentType"] == "FULL_TIME"
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "KZT",
        "value": {"@type": "QuantitativeValue", "minValue": 300000, "maxValue": 450000, "unitText": "MONTH"},
    }
    assert data["identifier"]["value"] == str(vacancy.pk)
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["directApply"] is True


@pytest.mark.parametrize(
    ("code", "google"),
    [("part_time", "PART_TIME"), ("temporary", "TEMPORARY"), ("internship", "INTERN"), ("platform", "CONTRACTOR")],
)
def test_employment_types_map_to_googles_values(client, cast, code, google):
    vacancy = published(cast.employer_a, employment_type=EmploymentType.objects.get(code=code))

    assert json_ld(client.get(f"/vacancies/{vacancy.pk}/"))["employmentType"] == google


def test_the_page_shows_the_salary_formatted_in_tenge_and_the_languages_by_name(client, cast):
    vacancy = published(
        cast.employer_a, salary_min=300000, salary_max=None, salary_is_gross=False, languages=["kk", "ru"]
    )

    html = client.get(f"/vacancies/{vacancy.pk}/").content.decode()

    assert "from 300,000 ₸" in html and "after tax" in html
    assert "<dd>Kazakh, Russian</dd>" in html
    assert f'href="/employers/{vacancy.organization_id}/"' in html
    assert 'id="apply"' in html


@pytest.mark.parametrize("status", [Status.EXPIRED, Status.CLOSED, Status.FILLED])
def test_an_ended_vacancy_says_so_plainly_and_is_not_offered_to_search_engines(client, cast, status):
    vacancy = published(cast.employer_a, status=status)
    client.force_login(cast.employer_a)

    response = client.get(f"/vacancies/{vacancy.pk}/")

    html = response.content.decode()
    assert "vacancy-notice-ended" in html and "no longer" in html
    assert "application/ld+json" not in html and 'name="robots" content="noindex"' in html


def test_a_published_vacancy_past_its_date_looks_expired_before_the_task_has_run(client, cast):
    vacancy = published(cast.employer_a, expires_at=timezone.now() - datetime.timedelta(minutes=5))

    html = client.get(f"/vacancies/{vacancy.pk}/").content.decode()

    assert "This vacancy has expired." in html and "application/ld+json" not in html


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING, Status.REJECTED, Status.EXPIRED, Status.PAUSED])
@pytest.mark.parametrize(
    ("who", "visible"),
    [
        (None, False),
        ("seeker_a", False),
        ("employer_b", False),
        ("staff_y", False),
        ("employer_a", True),
        ("staff_x", True),
        ("admin", True),
    ],
)
def test_an_unpublished_vacancy_is_shown_only_to_its_employer_its_regions_staff_and_admins(
    client, cast, status, who, visible
):
    vacancy = published(cast.employer_a, status=status)
    if who:
        client.force_login(getattr(cast, who))

    response = client.get(f"/vacancies/{vacancy.pk}/")

    assert response.status_code == (200 if visible else 404)


def test_a_seeker_who_applied_still_sees_the_vacancy_after_it_closed(client, cast):
    vacancy = published(cast.employer_a, status=Status.CLOSED)
    factories.ApplicationFactory(vacancy=vacancy, seeker=cast.seeker_a)
    client.force_login(cast.seeker_a)

    assert client.get(f"/vacancies/{vacancy.pk}/").status_code == 200


# --- The employer's pages -----------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "title": "Electric welder",
        "occupation": Occupation.objects.get(code="7212").pk,
        "description": "Welding.",
        "experience_years": "1",
        "salary_min": "300000",
        "salary_max": "450000",
        "salary_is_gross": "1",
        "employment_type": EmploymentType.objects.get(code="full_time").pk,
        "schedule": WorkSchedule.objects.get(code="full_day").pk,
        "region": Region.objects.get(code="KZ-71").pk,
        "positions": "1",
        "required_skills": [Skill.objects.get(code="welding").pk],
        "languages": ["kk", "ru"],
    }
    data.update(overrides)
    return data


def test_an_employer_creates_a_draft_through_the_form(client, cast):
    client.force_login(cast.employer_a)
    assert client.get("/vacancies/new/").status_code == 200

    response = client.post("/vacancies/new/", form_data())

    vacancy = Vacancy.objects.get()
    assert response.status_code == 302 and response.url == f"/vacancies/{vacancy.pk}/"
    assert vacancy.status == Status.DRAFT and vacancy.languages == ["kk", "ru"]
    assert "Сварка" in vacancy.skills_text


def test_the_form_shows_the_services_messages_next_to_the_fields_and_saves_nothing(client, cast):
    client.force_login(cast.employer_a)

    response = client.post("/vacancies/new/", form_data(salary_min="500000", salary_max="100000", positions="0"))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "The upper salary must not be lower than the lower one." in errors["salary_max"]
    assert "positions" in errors
    assert not Vacancy.objects.exists()


def test_the_form_offers_only_unit_groups_of_the_classifier(client, cast):
    client.force_login(cast.employer_a)

    response = client.post("/vacancies/new/", form_data(occupation=Occupation.objects.get(code="72").pk))

    assert response.status_code == 400 and "occupation" in response.context["form"].errors


def test_an_employer_edits_their_vacancy_through_the_form(client, cast, draft):
    client.force_login(cast.employer_a)
    assert client.get(f"/vacancies/{draft.pk}/edit/").status_code == 200

    response = client.post(f"/vacancies/{draft.pk}/edit/", form_data(title="Welder, night shift"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Welder, night shift"


@pytest.mark.parametrize("who", ["employer_b", "staff_x", "seeker_a", "admin"])
def test_nobody_outside_the_organization_opens_its_edit_page(client, cast, draft, who):
    client.force_login(getattr(cast, who))

    assert client.get(f"/vacancies/{draft.pk}/edit/").status_code == 404
    assert client.post(f"/vacancies/{draft.pk}/submit/").status_code == 404


def test_the_employer_submits_and_gets_the_refusal_as_a_message(client, cast, live):
    copy = services.vacancy_create(organization=org_of(cast.employer_a), by=cast.employer_a, **fields())
    client.force_login(cast.employer_a)

    response = client.post(f"/vacancies/{copy.pk}/submit/", {"next": "/vacancies/my/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/vacancies/my/"
    (message,) = [str(m) for m in response.context["messages"]]
    assert f"/vacancies/{live.pk}/" in message
    copy.refresh_from_db()
    assert copy.status == Status.DRAFT


def test_the_employer_pauses_resumes_prolongs_and_closes_with_buttons(client, cast, live):
    client.force_login(cast.employer_a)
    for action, status in (("pause", "paused"), ("resume", "published"), ("prolong", "published"), ("close", "closed")):
        response = client.post(f"/vacancies/{live.pk}/{action}/")
        assert response.status_code == 302
        live.refresh_from_db()
        assert live.status == status


def test_an_offsite_next_address_is_ignored(client, cast, live):
    client.force_login(cast.employer_a)

    response = client.post(f"/vacancies/{live.pk}/pause/", {"next": "https://evil.example/"})

    assert response.url == f"/vacancies/{live.pk}/"


def test_my_vacancies_lists_the_organizations_vacancies_with_counts_by_status(client, cast):
    published(cast.employer_a, title="Live one")
    published(cast.employer_a, title="Draft one", status=Status.DRAFT)
    published(cast.employer_b, title="Someone else's")
    client.force_login(cast.employer_a)

    response = client.get("/vacancies/my/?status=draft")

    html = response.content.decode()
    assert "Draft one" in html and "Live one" not in html and "Someone else" not in html
    counts = {tab["status"]: tab["count"] for tab in response.context["tabs"]}
    assert counts[""] == 2 and counts["draft"] == 1 and counts["published"] == 1


def test_my_vacancies_runs_the_same_number_of_queries_for_3_or_12_vacancies(client, cast):
    client.force_login(cast.employer_a)

    def queries_for(n):
        Vacancy.objects.all().delete()
        for _ in range(n):
            published(cast.employer_a).required_skills.set([Skill.objects.get(code="welding")])
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/vacancies/my/").status_code == 200
        return len(captured)

    assert queries_for(3) == queries_for(12)


@pytest.mark.parametrize("who", ["seeker_a", "staff_x"])
def test_only_employers_have_a_my_vacancies_page(client, cast, who):
    client.force_login(getattr(cast, who))

    assert client.get("/vacancies/my/").status_code == 403
    assert client.get("/vacancies/new/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    response = client.get("/vacancies/my/")

    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- The staff's pages --------------------------------------------------------------------------


def test_the_moderation_queue_shows_pending_vacancies_of_the_staffs_region_only(client, cast, pending):
    factories.VacancyFactory(
        organization=org_of(cast.employer_b), title="Almaty baker", status=Status.PENDING, region=cast.region_y
    )
    client.force_login(cast.staff_x)

    html = client.get("/vacancies/staff/moderation/").content.decode()

    assert pending.title in html and "Almaty baker" not in html


def test_staff_approve_and_reject_from_the_vacancy_page(client, cast, pending):
    client.force_login(cast.staff_x)
    page = client.get(f"/vacancies/{pending.pk}/").content.decode()
    assert f"/vacancies/{pending.pk}/approve/" in page

    client.post(f"/vacancies/{pending.pk}/approve/")
    pending.refresh_from_db()
    assert pending.status == Status.PUBLISHED

    client.post(f"/vacancies/{pending.pk}/reject/", {"reason": "Fake"})
    pending.refresh_from_db()
    assert pending.status == Status.REJECTED and pending.status_reason == "Fake"


@pytest.mark.parametrize("who", ["staff_y", "employer_a", "seeker_a"])
def test_nobody_but_the_regions_staff_approves_on_the_web(client, cast, pending, who):
    client.force_login(getattr(cast, who))

    assert client.post(f"/vacancies/{pending.pk}/approve/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_the_staff_queues_are_closed_to_others(client, cast, who):
    client.force_login(getattr(cast, who))

    assert client.get("/vacancies/staff/moderation/").status_code == 403
    assert client.get("/vacancies/staff/reports/").status_code == 403
