"""A fair whose dates move after people were told them: everyone taking part hears of the new
dates once, and the reminders of a date (a day before the start, a day before the end) go out
again for the new date, once, however often the periodic task runs. The clock is moved with
time-machine and the periodic advance runs as the task runs it (``fairs_advance()`` reading the
clock)."""

from __future__ import annotations

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation
from django.utils.dateparse import parse_datetime

from accounts.models import User
from exchange.errors import ConflictError
from fairs.models import Fair, Participation
from fairs.services import fairs as services
from notifications.models import Kind, Notification
from notifications.rendering import render_notification
from notifications.services.delivery import notifications_deliver
from tests import factories
from tests.fairs.test_fairs import form_data, local_input, make_fair
from tests.fairs.test_reminders import register, sent, take_part

pytestmark = pytest.mark.django_db

Status = Fair.Status
ALMATY = ZoneInfo("Asia/Almaty")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
WEEK = datetime.timedelta(days=7)
# A fixed "now" so the dates in the words are known: 1 December 2031, noon in Astana.
NOW = datetime.datetime(2031, 12, 1, 12, 0, tzinfo=ALMATY)


def colleague_of(employer: User) -> User:
    """A second member of ``employer``'s organization: the reminders go to every member."""
    return factories.MembershipFactory(
        user=factories.EmployerFactory(email=f"colleague-{employer.pk}@example.kz"),
        organization=employer.membership.organization,
    ).user


def advance_at(time_machine, moment: datetime.datetime, *, runs: int = 2) -> None:
    """Run the periodic advance ``runs`` times with the clock at ``moment``."""
    time_machine.move_to(moment, tick=False)
    for _ in range(runs):
        services.fairs_advance()


def keys(fair: Fair, event: str) -> list[str]:
    rows = Notification.objects.filter(subject=f"fair:{fair.pk}", data__event=event).order_by("dedupe_key")
    return list(rows.values_list("dedupe_key", flat=True))


def postpone(fair: Fair, by: User, delta: datetime.timedelta, *fields: str) -> Fair:
    fair.refresh_from_db()
    return services.fair_update(fair=fair, by=by, **{name: getattr(fair, name) + delta for name in fields})


# --- The start moves after the day-before reminder -----------------------------------------------


def test_a_fair_postponed_after_the_day_before_reminder_is_told_once_and_reminded_again_for_its_new_start(
    cast, time_machine
):
    time_machine.move_to(NOW, tick=False)
    fair = make_fair(status=Status.REGISTRATION, now=NOW)
    take_part(fair, cast.employer_a)
    colleague = colleague_of(cast.employer_a)
    take_part(fair, cast.employer_b, status=Participation.Status.PENDING)
    employers = {cast.employer_a.pk: 1, colleague.pk: 1}
    old_start = fair.starts_at

    advance_at(time_machine, old_start - 12 * HOUR)
    assert sent(fair, "starts_soon") == employers

    # The administrator moves the whole fair a week later.
    moved = postpone(fair, cast.admin, WEEK, "starts_at", "ends_at", "results_at")
    assert moved.starts_at == old_start + WEEK
    assert sent(fair, "rescheduled") == employers, "one notice per person, none to a pending employer"
    notice = Notification.objects.get(recipient=cast.employer_a, data__event="rescheduled")
    assert notice.url == f"/fairs/{fair.pk}/"
    assert parse_datetime(notice.data["starts_at"]) == moved.starts_at
    assert parse_datetime(notice.data["previous_starts_at"]) == old_start

    # The old dates come and go: nothing more is sent, and the fair does not start.
    advance_at(time_machine, old_start - 11 * HOUR)
    advance_at(time_machine, old_start + HOUR)
    fair.refresh_from_db()
    assert fair.status == Status.REGISTRATION
    assert sent(fair, "starts_soon") == employers
    assert sent(fair, "started") == {}

    # A day before the new start the reminder goes out again, once, naming the new start.
    advance_at(time_machine, moved.starts_at - DAY - HOUR)
    assert sent(fair, "starts_soon") == employers, "not yet: more than a day before the new start"
    advance_at(time_machine, moved.starts_at - 12 * HOUR)
    advance_at(time_machine, moved.starts_at - 11 * HOUR)
    assert sent(fair, "starts_soon") == Counter({cast.employer_a.pk: 2, colleague.pk: 2})
    latest = Notification.objects.filter(recipient=cast.employer_a, data__event="starts_soon").order_by("-pk")[0]
    assert parse_datetime(latest.data["starts_at"]) == moved.starts_at

    # The fair starts on its new date, with the start told once.
    advance_at(time_machine, moved.starts_at + HOUR)
    fair.refresh_from_db()
    assert fair.status == Status.LIVE
    assert sent(fair, "started") == employers
    assert sent(fair, "rescheduled") == employers
    assert len(keys(fair, "starts_soon")) == len(set(keys(fair, "starts_soon"))) == 4


def test_the_day_before_reminder_of_a_date_names_that_date_in_its_key(cast):
    fair = make_fair(status=Status.REGISTRATION)
    take_part(fair, cast.employer_a)

    services.fairs_advance(now=fair.starts_at - 12 * HOUR)

    start = fair.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert keys(fair, "starts_soon") == [f"{cast.employer_a.pk}:fair:{fair.pk}:starts_soon:{start}"]


# --- The end moves while the fair is live ---------------------------------------------------------


def test_a_live_fair_extended_after_the_day_before_the_end_tells_everyone_and_reminds_again_before_the_new_end(
    cast, time_machine
):
    time_machine.move_to(NOW, tick=False)
    fair = make_fair(status=Status.LIVE, now=NOW)
    take_part(fair, cast.employer_a)
    register(fair, cast.seeker_a)
    register(fair, cast.seeker_b)
    everyone = {cast.employer_a.pk: 1, cast.seeker_a.pk: 1, cast.seeker_b.pk: 1}
    old_end = fair.ends_at

    advance_at(time_machine, old_end - 12 * HOUR)
    assert sent(fair, "ends_soon") == everyone

    extended = postpone(fair, cast.admin, 2 * DAY, "ends_at")

    assert sent(fair, "rescheduled") == everyone
    roles = dict(Notification.objects.filter(data__event="rescheduled").values_list("recipient_id", "data__role"))
    assert roles == {cast.employer_a.pk: "employer", cast.seeker_a.pk: "seeker", cast.seeker_b.pk: "seeker"}

    # The old end passes: the fair stays live and nobody is reminded again yet.
    advance_at(time_machine, old_end + HOUR)
    fair.refresh_from_db()
    assert fair.status == Status.LIVE
    assert sent(fair, "ends_soon") == everyone

    # A day before the new end: once more each, whatever the number of runs; then it closes.
    for hours in (12, 6, 1):
        advance_at(time_machine, extended.ends_at - hours * HOUR)
    advance_at(time_machine, extended.ends_at + HOUR)
    fair.refresh_from_db()
    assert fair.status == Status.CLOSED
    assert sent(fair, "ends_soon") == Counter(dict.fromkeys(everyone, 2))
    assert sent(fair, "rescheduled") == everyone


# --- What is news and what is not ---------------------------------------------------------------


def test_an_edit_that_keeps_the_start_and_the_end_tells_nobody(cast):
    fair = make_fair(status=Status.REGISTRATION)
    take_part(fair, cast.employer_a)

    services.fair_update(fair=fair, by=cast.admin, title="Autumn job fair", results_at=fair.results_at + DAY)
    services.fair_update(fair=fair, by=cast.admin, starts_at=fair.starts_at, ends_at=fair.ends_at)

    assert not Notification.objects.exists()


def test_the_same_change_sent_again_tells_nobody_twice(cast):
    fair = make_fair(status=Status.LIVE)
    take_part(fair, cast.employer_a)
    register(fair, cast.seeker_a)
    new_end = fair.ends_at + DAY

    for _ in range(3):  # a form posted again, an API client retrying
        services.fair_update(fair=fair, by=cast.admin, ends_at=new_end)

    assert sent(fair, "rescheduled") == {cast.employer_a.pk: 1, cast.seeker_a.pk: 1}


def test_every_move_of_the_dates_is_news_even_back_to_the_old_ones(cast):
    fair = make_fair(status=Status.LIVE)
    register(fair, cast.seeker_a)
    old_end = fair.ends_at

    services.fair_update(fair=fair, by=cast.admin, ends_at=old_end + DAY)
    services.fair_update(fair=fair, by=cast.admin, ends_at=old_end)
    services.fair_update(fair=fair, by=cast.admin, ends_at=old_end + DAY)

    told = Notification.objects.filter(data__event="rescheduled").order_by("pk")
    assert [parse_datetime(n.data["ends_at"]) for n in told] == [old_end + DAY, old_end, old_end + DAY]


def test_inactive_accounts_and_people_not_taking_part_hear_nothing_of_new_dates(cast):
    fair = make_fair(status=Status.LIVE)
    take_part(fair, cast.employer_a)
    take_part(fair, cast.employer_b, status=Participation.Status.DECLINED)
    register(fair, cast.seeker_a)
    User.objects.filter(pk=cast.employer_a.pk).update(is_active=False)

    services.fair_update(fair=fair, by=cast.admin, ends_at=fair.ends_at + DAY)

    assert sent(fair, "rescheduled") == {cast.seeker_a.pk: 1}


def test_a_refused_change_of_dates_tells_nobody(cast):
    fair = make_fair(status=Status.LIVE)
    register(fair, cast.seeker_a)

    with pytest.raises(ConflictError) as refused:  # the start of a live fair is frozen
        services.fair_update(fair=fair, by=cast.admin, starts_at=fair.starts_at + DAY, ends_at=fair.ends_at + DAY)

    assert refused.value.code == "fair_field_frozen"

    assert not Notification.objects.exists()


# --- What the notice says, in the inbox and by e-mail --------------------------------------------


def test_the_notice_gives_the_new_and_the_old_dates_in_each_readers_language_and_is_mailed_once(cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    fair = make_fair(
        status=Status.LIVE,
        title="Spring job fair",
        registration_opens_at=datetime.datetime(2031, 11, 20, 9, 0, tzinfo=ALMATY),
        starts_at=datetime.datetime(2031, 11, 27, 9, 0, tzinfo=ALMATY),
        ends_at=datetime.datetime(2031, 12, 3, 18, 0, tzinfo=ALMATY),
        results_at=datetime.datetime(2031, 12, 20, 18, 0, tzinfo=ALMATY),
    )
    take_part(fair, cast.employer_a)
    register(fair, cast.seeker_a)
    register(fair, cast.seeker_b)
    User.objects.filter(pk__in=[cast.employer_a.pk, cast.seeker_a.pk]).update(language="en")
    User.objects.filter(pk=cast.seeker_b.pk).update(language="ru")

    services.fair_update(fair=fair, by=cast.admin, ends_at=datetime.datetime(2031, 12, 10, 18, 0, tzinfo=ALMATY))

    def words(user: User, language: str = "en"):
        with translation.override(language):
            return render_notification(Notification.objects.get(recipient=user, data__event="rescheduled"))

    seeker = words(cast.seeker_a)
    assert seeker.title == "The job fair “Spring job fair” has new dates"
    assert seeker.text == (
        "The online job fair “Spring job fair” has new dates: it runs from 27 November 2031, 09:00 to "
        "10 December 2031, 18:00 (before: from 27 November 2031, 09:00 to 3 December 2031, 18:00). "
        "Your registration stays valid."
    )
    assert "Check that your interview slots still fit the new dates." in words(cast.employer_a).text
    assert "декабря" in words(cast.seeker_b, "ru").text, "worded in the reader's language"

    notifications_deliver()
    notifications_deliver()

    mailed = Counter(message.to[0] for message in mail.outbox)
    assert mailed == {cast.seeker_a.email: 1, cast.seeker_b.email: 1, cast.employer_a.email: 1}
    english = next(message for message in mail.outbox if message.to == [cast.seeker_a.email])
    assert english.subject == "The job fair “Spring job fair” has new dates"
    assert "10 December 2031, 18:00" in english.body
    russian = next(message for message in mail.outbox if message.to == [cast.seeker_b.email])
    assert russian.subject == "У ярмарки вакансий «Spring job fair» новые даты"  # noqa: RUF001 - Russian on purpose
    assert "Ваша регистрация остаётся в силе." in russian.body
    assert Notification.objects.filter(kind=Kind.FAIR, email_status=Notification.EmailStatus.SENT).count() == 3


def test_telling_the_same_change_again_writes_no_second_notice(cast):
    fair = make_fair(status=Status.LIVE)
    register(fair, cast.seeker_a)
    previous = {"starts_at": fair.starts_at, "ends_at": fair.ends_at}
    fair.ends_at += DAY

    written = [services._tell_rescheduled(fair, previous=previous, version=fair.updated_at) for _ in range(2)]

    assert written == [1, 0]
    assert sent(fair, "rescheduled") == {cast.seeker_a.pk: 1}


# --- From the edit page and the API -------------------------------------------------------------


def test_new_dates_saved_on_the_edit_page_are_told_and_the_page_says_so(client, cast):
    fair = make_fair(status=Status.LIVE, max_age=35)
    register(fair, cast.seeker_a)
    client.force_login(cast.admin)

    page = client.get(f"/fairs/{fair.pk}/edit/").content.decode()
    assert "registered job seekers and the employers taking part are told the new dates" in page

    data = form_data(title=fair.title, max_age="35", starts_at=local_input(fair.starts_at))
    data["ends_at"] = local_input(fair.ends_at + DAY)
    data["results_at"] = local_input(fair.results_at)
    response = client.post(f"/fairs/{fair.pk}/edit/", data)

    assert response.status_code == 302
    assert sent(fair, "rescheduled") == {cast.seeker_a.pk: 1}


def test_new_dates_patched_through_the_api_are_told(api_client, cast):
    fair = make_fair(status=Status.LIVE)
    take_part(fair, cast.employer_a)
    api_client.force_authenticate(cast.admin)

    response = api_client.patch(
        f"/api/v1/fairs/{fair.pk}/", {"ends_at": (fair.ends_at + DAY).isoformat()}, format="json"
    )

    assert response.status_code == 200
    assert sent(fair, "rescheduled") == {cast.employer_a.pk: 1}
