"""Demo data of the fairs app: the demo employer takes part in the next national fair with two of
its vacancies and a few interview slots. A seeder of ``settings.DEMO_SEEDERS``, run by
``seeddemo`` after the vacancies seeder.

``seeddemo`` runs before the launcher's ``createmonthlyfair``, so the monthly fair is created
here first (``fair_create_monthly`` is idempotent). Everything goes through the services: the
employer applies, the demo administrator approves. Idempotent: the participation is unique per
fair and organization; fair vacancies and slots are added only while the participation has none.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from accounts.services.demo import DEMO_ADMIN_EMAIL, DEMO_EMPLOYER_EMAIL, DEMO_SEEKER_EMAIL
from fairs.models import Fair, FairVacancy, InterviewSlot, Participation, Registration
from fairs.selectors.participation import fair_is_open_for_employers, fair_takes_slots
from fairs.selectors.seekers import REGISTRATION_STATUSES, fair_eligibility, seeker_profile_for_fairs
from fairs.services.fairs import fair_create_monthly
from fairs.services.participation import fair_vacancy_add, participation_apply, participation_decide, slot_create
from fairs.services.seekers import fair_register
from vacancies.models import Vacancy

# The demo employer's youth-friendly vacancies offered at the fair (vacancies.services.demo).
FAIR_VACANCY_IDS = ("demo-01", "demo-08")
SCREENING_QUESTIONS = ("Когда вы можете приступить к работе?", "Which languages do you speak?")
# (day of the fair, local time, minutes, capacity): two one-to-one interviews and a group one.
SLOTS = ((0, datetime.time(10, 0), 30, 1), (0, datetime.time(10, 30), 30, 1), (1, datetime.time(15, 0), 60, 10))
MEETING_LINK = "https://meet.jit.si/astana-digital-demo"


def demo_fair_next() -> Fair | None:
    """The next national fair employers can still join (the earliest that has not closed)."""
    fair_create_monthly()
    now = timezone.now()
    candidates = Fair.objects.filter(kind=Fair.Kind.NATIONAL, ends_at__gt=now).order_by("starts_at")
    return next((fair for fair in candidates if fair_is_open_for_employers(fair, now=now)), None)


def _slot_times(fair: Fair) -> list[tuple[datetime.datetime, int, int]]:
    """The slots' start times: on the fair's first days, or from tomorrow when it is already live;
    only those inside the fair's window and in the future."""
    now = timezone.now()
    first_day = max(timezone.localtime(fair.starts_at).date(), timezone.localdate() + datetime.timedelta(days=1))
    times = []
    for day, at, minutes, capacity in SLOTS:
        starts_at = timezone.make_aware(
            datetime.datetime.combine(first_day + datetime.timedelta(days=day), at), timezone.get_default_timezone()
        )
        if fair.starts_at <= starts_at < fair.results_at and starts_at > now:
            times.append((starts_at, minutes, capacity))
    return times


def demo_fairs_seed() -> list[str]:
    """The demo employer's approved participation in the next national fair, its two fair
    vacancies and interview slots; the demo seeker is registered when registration is open.
    Returns the lines ``seeddemo`` prints."""
    fair = demo_fair_next()
    if fair is None:
        return ["demo fair: no national fair open to employers (monthly fairs switched off?)"]
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    membership = Membership.objects.select_related("organization", "user").get(user__email=DEMO_EMPLOYER_EMAIL)
    organization, employer = membership.organization, membership.user
    with transaction.atomic():
        participation = Participation.objects.filter(fair=fair, organization=organization).first()
        if participation is None:
            participation = participation_apply(
                fair=fair,
                organization=organization,
                by=employer,
                note="Ищем молодых специалистов в IT и контакт-центр.",
            )
        if participation.status == Participation.Status.PENDING:
            participation = participation_decide(participation=participation, by=admin, approve=True)
        participation.fair = fair
        if participation.status != Participation.Status.APPROVED:
            # Declined or withdrawn by hand: the demo respects it.
            return [f"demo fair: {fair.title}: the demo employer's participation is {participation.status}"]

        if not FairVacancy.objects.filter(participation=participation).exists():
            vacancies = Vacancy.objects.filter(
                organization=organization, external_id__in=FAIR_VACANCY_IDS, status=Vacancy.Status.PUBLISHED
            ).order_by("external_id")
            for vacancy in vacancies:
                fair_vacancy_add(
                    participation=participation,
                    vacancy=vacancy,
                    positions_offered=min(2, vacancy.positions - vacancy.positions_filled),
                    screening_questions=list(SCREENING_QUESTIONS),
                    by=employer,
                )
        fair_vacancies = list(FairVacancy.objects.filter(participation=participation).order_by("pk"))

        if not InterviewSlot.objects.filter(participation=participation).exists() and fair_takes_slots(fair):
            for index, (starts_at, minutes, capacity) in enumerate(_slot_times(fair)):
                slot_create(
                    participation=participation,
                    starts_at=starts_at,
                    duration_minutes=minutes,
                    meeting_link=f"{MEETING_LINK}-{index + 1}",
                    capacity=capacity,
                    fair_vacancy=fair_vacancies[index % len(fair_vacancies)] if fair_vacancies else None,
                    by=employer,
                )

        seeker = User.objects.get(email=DEMO_SEEKER_EMAIL)
        registered = Registration.objects.filter(fair=fair, seeker=seeker).exists()
        if (
            not registered
            and fair.status in REGISTRATION_STATUSES
            and fair_eligibility(fair=fair, profile=seeker_profile_for_fairs(user=seeker)) is None
        ):
            fair_register(fair=fair, seeker=seeker)
            registered = True
    slots = InterviewSlot.objects.filter(participation=participation).count()
    return [
        f"demo fair: {fair.title} ({timezone.localtime(fair.starts_at):%Y-%m-%d}): employer@demo.kz takes part "
        f"with {len(fair_vacancies)} vacancies and {slots} interview slots"
        + ("; seeker@demo.kz is registered" if registered else "")
    ]
