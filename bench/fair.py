# The names and questions below are Russian and Kazakh on purpose.
# ruff: noqa: RUF001
"""Fair opening benchmark: thousands of registered seekers applying at once to a live fair
through the real API of a real server, then more hires than positions.

    python bench/fair.py [--seekers 10000] [--positions 350] [--employers 25] [--json FILE]
                         [--database-url URL] [--clients 24] [--rate R] [--workers 3] [--threads 4]

1. Works in a database of its own: ``exchange_bench_fair`` on ``DATABASE_URL``'s server, or on
   the embedded server when ``DATABASE_URL`` is unset; ``--database-url`` names another one. It
   is migrated, the catalogs are loaded, and the benchmark's own rows from an earlier run are
   emptied (users, organizations, vacancies, fairs and everything hanging off them).
2. Creates, through the fairs services as an administrator and the employers would, one
   national fair for young people (under 35), K employers with approved participations and 1-3
   fair vacancies each (some with screening questions) offering ``--positions`` positions in
   all; ``fairs_advance`` opens its registration as the periodic task would. Then N seekers with
   a CV, consent, a DRF token and a registration for the fair (bulk inserts, with a progress
   bar), and ``fairs_advance`` opens the fair (with its "the fair has started" reminders).
3. Starts gunicorn against that database with production settings (``DJANGO_ENV=production``,
   ``DEBUG`` off, persistent database connections, static files collected), on a free port of
   127.0.0.1, ``--workers`` processes of ``--threads`` threads as the Docker image runs it.
4. Opening: ``--clients`` client threads (keep-alive HTTP/1.1 connections) make every seeker
   apply through ``POST /api/v1/fairs/fair-vacancies/<id>/apply/`` with a token, answering the
   vacancy's screening questions; every request's latency is measured. By default each client
   sends its next application as soon as the last is answered: the server runs flat out and the
   latency includes the wait in its queue. ``--rate R`` sends R applications a second instead,
   each timed from the moment it was due. The web server's CPU time per application is
   measured too (it depends far less than the rates on whatever else the machine runs).
5. Hiring: the employers send ``--hire-attempts`` hires (default: positions + 3/7 of them, i.e.
   500 for 350) through ``POST /api/v1/fairs/applications/<id>/hire/`` from the same client
   pool (``--clients`` at a time), shuffled so hires of one vacancy race each other. Exactly
   ``--positions`` must succeed; the rest must be refused with 409.
6. Stops the server (also on Ctrl-C or SIGTERM), checks the counters in the database, prints
   applications, per second, p50/p95/p99 ms, errors (any non-2xx answer except the expected
   409s of hires beyond the cap; status codes are listed), hired and positions, and with
   ``--json FILE`` writes them as one JSON object. Exits 1 when there were errors or the hires
   do not match the positions.

Only 127.0.0.1 is ever contacted; the request count is bounded by the seekers and hire attempts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _common as common  # noqa: E402  (found through the path set just above)

BENCH_DATABASE = "exchange_bench_fair"
# The server's notification deliveries go to a queue no worker of `make run` consumes; it is
# emptied at the end.
BENCH_QUEUE = "exchange-bench-fair"
HOST = "127.0.0.1"
APPLY_URL = "/api/v1/fairs/fair-vacancies/{id}/apply/"
HIRE_URL = "/api/v1/fairs/applications/{id}/hire/"
WARM_UP_URL = "/api/v1/fairs/{id}/counters/"  # public: the live counters every fair page polls
BATCH = 2000
IDLE_RECONNECT_SECONDS = 1.0
YOUTH_AGE = 35

# --- Data -----------------------------------------------------------------------------------------

FIRST_NAMES = ["Айгерим", "Ерлан", "Динара", "Нурлан", "Асель", "Бауыржан", "Мария", "Алексей", "Жанна",
               "Ермек", "Гульнара", "Сергей", "Айдана", "Данияр", "Ольга", "Арман", "Мадина", "Тимур", "Сауле",
               "Руслан"]  # fmt: skip
LAST_NAMES = ["Сейткали", "Ахметов", "Иванова", "Нурпеисов", "Ким", "Жумабаев", "Петрова", "Оспанова", "Касымов",
              "Смагулова", "Абенов", "Ли", "Омарова", "Ткаченко", "Мусин", "Байжанова"]  # fmt: skip
HEADLINES = ["Молодой специалист, быстро учусь", "Выпускник колледжа, ищу первую работу",
             "Жас маман, жұмыс іздеймін", "Готов к обучению и сменному графику",
             "Young graduate looking for a full-time job"]  # fmt: skip
ABOUT = ["Ответственно отношусь к своим обязанностям, соблюдаю технику безопасности.",
         "Быстро обучаюсь новому, готов к переобучению за счёт работодателя.",
         "Владею казахским и русским языками, уверенный пользователь ПК.",
         "Жұмыс тәжірибем бар, ұжымда жұмыс істей аламын.",
         "Прошёл производственную практику, есть рекомендательное письмо."]  # fmt: skip
INSTITUTIONS = ["Алматинский колледж связи", "Высший колледж «Astana Polytechnic»",
                "Евразийский национальный университет имени Л. Н. Гумилёва",
                "Карагандинский технический университет", "Актюбинский медицинский колледж"]  # fmt: skip
# ISCO-08 unit group, vacancy title, a skill code it asks for.
JOBS = [("7212", "Сварщик", "welding"), ("7411", "Электромонтажник", "electrical_installation"),
        ("8332", "Водитель категории C", "driving_c"), ("4321", "Кладовщик", "warehouse"),
        ("3221", "Медицинская сестра", "nursing"), ("5223", "Продавец-консультант", "sales"),
        ("5120", "Повар", "cooking"), ("2411", "Бухгалтер", "accounting"),
        ("2512", "Python developer", "python"), ("7231", "Автослесарь", "car_repair"),
        ("5131", "Официант", "customer_service"), ("7126", "Сантехник", "plumbing")]  # fmt: skip
QUESTIONS = ["Есть ли у вас удостоверение или сертификат по специальности?",
             "Когда вы готовы приступить к работе?",
             "Сменалы кестемен жұмыс істеуге дайынсыз ба?",
             "Are you ready to work shifts?"]  # fmt: skip
ANSWERS = ["Да, есть", "Через неделю", "Иә, дайынмын", "Yes, any shift", "С понедельника"]
EMPLOYER_NAMES = ["Казстройсервис", "Магнум", "Астана Моторс", "Горводоканал", "Евразийская группа", "Шымкентмай",
                  "Казахтелеком", "Алматы Курылыс", "Qazaq Logistics", "Dala Foods"]  # fmt: skip


@dataclass
class FairVacancyPlan:
    id: int
    positions: int
    questions: int
    employer_token: str
    applicants: int = 0


@dataclass
class World:
    fair_id: int
    fair_vacancies: list[FairVacancyPlan]
    # (token, fair vacancy index) for every seeker, in the order they apply.
    seekers: list[tuple[str, int]]
    employers: int
    timings: dict = field(default_factory=dict)


def split_positions(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` positions over ``parts`` vacancies, each at least one, sizes uneven like real ones."""
    weights = [rng.uniform(0.3, 3.0) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    shares = [1 + int(w * scale) for w in weights]
    for index in range(total - sum(shares)):
        shares[index % parts] += 1
    return shares


def split_applicants(seekers: int, positions: list[int]) -> list[int]:
    """Seekers per vacancy in proportion to its positions (largest remainders), so every vacancy
    gets about the same number of applicants per position."""
    total = sum(positions)
    exact = [seekers * p / total for p in positions]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(positions)), key=lambda i: exact[i] - counts[i], reverse=True)
    for index in by_remainder[: seekers - sum(counts)]:
        counts[index] += 1
    return counts


def _iins(rng: random.Random, count: int, starts: date):
    """``count`` distinct (iin, birth date, sex) of people aged 18 to 34 on ``starts``."""
    from accounts.validators import make_iin

    used = set()
    while len(used) < count:
        born = starts - timedelta(days=rng.randint(18 * 365 + 5, YOUTH_AGE * 365 - 5))
        sex = rng.choice(("male", "female"))
        iin = make_iin(born, sex, rng.randint(0, 9999))
        if iin is None or iin in used:
            continue
        used.add(iin)
        yield iin, born, sex


def generate(*, seekers: int, positions: int, employers: int, seed: int) -> World:
    """Empty the benchmark's rows and create the fair, its employers and its seekers.

    The fair, the participations and the fair vacancies go through the fairs services (as an
    administrator and the employers would make them), and the fair moves on with
    ``fairs_advance`` as the periodic task moves it: registration opens, the seekers register,
    the fair opens. Only the seekers, their CVs, tokens and registrations are bulk-inserted.
    """
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token
    from tqdm import tqdm

    from accounts.models import Consent, Education, Membership, Organization, SeekerProfile, User
    from accounts.validators import make_bin
    from catalog.models import EducationLevel, EmploymentType, Industry, Occupation, Region, Skill, WorkSchedule
    from fairs.models import Fair, Registration
    from fairs.services.fairs import fair_create, fairs_advance
    from fairs.services.participation import fair_vacancy_add, participation_apply, participation_decide
    from vacancies.models import Vacancy

    rng = random.Random(seed)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # CASCADE reaches every row that hangs off these: profiles, tokens, memberships,
        # vacancies, applications, fair rows, notifications. The catalogs stay.
        cursor.execute("TRUNCATE accounts_user, accounts_organization, fairs_fair RESTART IDENTITY CASCADE")

    now = timezone.now()
    regions = list(Region.objects.order_by("code"))
    industries = list(Industry.objects.order_by("code"))
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=[code for code, *_ in JOBS])}
    skills = {s.code: s for s in Skill.objects.all()}
    education_level = EducationLevel.objects.order_by("position").last()
    full_time = EmploymentType.objects.get(code="full_time")
    full_day = WorkSchedule.objects.get(code="full_day")
    password = make_password(secrets.token_urlsafe(16))  # nobody logs in with it: tokens only

    admin = User.objects.create(
        email="organizer@bench.kz", full_name="Fair organizer", role=User.Role.ADMIN, password=password
    )
    fair = fair_create(
        by=admin,
        title="Республиканская онлайн-ярмарка вакансий (benchmark)",
        description="Benchmark fair: the opening morning.",
        kind=Fair.Kind.NATIONAL,
        max_age=YOUTH_AGE,
        registration_opens_at=now - timedelta(days=7),
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=6),
        results_at=now + timedelta(days=13),
    )
    # Registration opens (the periodic task, a minute after its time).
    fairs_advance(now=fair.registration_opens_at + timedelta(minutes=1))

    plans: list[FairVacancyPlan] = []
    vacancies_per_employer = [rng.randint(1, 3) for _ in range(employers)]
    while sum(vacancies_per_employer) > positions:  # never more vacancies than positions
        vacancies_per_employer[vacancies_per_employer.index(max(vacancies_per_employer))] -= 1
    shares = iter(split_positions(positions, sum(vacancies_per_employer), rng))
    for index, count in enumerate(vacancies_per_employer):
        if count == 0:
            continue
        with transaction.atomic():
            serial = index * 10
            while (bin_ := make_bin(2012 + index % 12, 1 + index % 12, 4, serial)) is None:
                serial += 1
            organization = Organization.objects.create(
                bin=bin_,
                legal_name=f"ТОО «{EMPLOYER_NAMES[index % len(EMPLOYER_NAMES)]} {index + 1}»",
                region=rng.choice(regions),
                industry=rng.choice(industries),
                size=Organization.Size.MEDIUM,
                status=Organization.Status.VERIFIED,
            )
            owner = User.objects.create(
                email=f"employer{index + 1}@bench.kz", full_name="HR", role=User.Role.EMPLOYER, password=password
            )
            Membership.objects.create(organization=organization, user=owner, role=Membership.Role.OWNER)
            token = Token.objects.create(user=owner, key=secrets.token_hex(20)).key
        participation = participation_apply(fair=fair, organization=organization, by=owner)
        participation = participation_decide(participation=participation, by=admin, approve=True)
        for code, title, skill in rng.sample(JOBS, count):
            offered = next(shares)
            vacancy = Vacancy.objects.create(
                organization=organization,
                created_by=owner,
                title=title,
                occupation=occupations[code],
                description=f"{title}: работа в {organization.legal_name}, обучение на месте.",
                duties="Выполнение работ по специальности.",
                requirements="Желание работать и учиться.",
                salary_min=rng.randrange(150_000, 400_000, 10_000),
                employment_type=full_time,
                schedule=full_day,
                region=organization.region,
                positions=offered,
                is_youth_friendly=True,
                status=Vacancy.Status.PUBLISHED,
                published_at=now - timedelta(days=2),
                expires_at=now + timedelta(days=30),
            )
            if skill in skills:
                vacancy.required_skills.add(skills[skill])
            questions = rng.sample(QUESTIONS, rng.choice((0, 1, 1, 2)))
            fair_vacancy = fair_vacancy_add(
                participation=participation,
                vacancy=vacancy,
                positions_offered=offered,
                screening_questions=questions,
                by=owner,
            )
            plans.append(FairVacancyPlan(fair_vacancy.pk, offered, len(questions), token))
    employer_count = len({plan.employer_token for plan in plans})

    applicants = split_applicants(seekers, [plan.positions for plan in plans])
    choices = [index for index, count in enumerate(applicants) for _ in range(count)]
    rng.shuffle(choices)
    for index, count in enumerate(applicants):
        plans[index].applicants = count

    starts = fair.starts_at.date()
    iins = _iins(rng, seekers, starts)
    region_ids = [region.pk for region in regions]
    desired_through = SeekerProfile.desired_occupations.through
    skills_through = SeekerProfile.skills.through
    occupation_ids = [o.pk for o in occupations.values()]
    skill_ids = [s.pk for s in skills.values()]
    tokens: list[str] = []
    with tqdm(total=seekers, desc="seekers", unit="seeker") as bar:
        for first in range(0, seekers, BATCH):
            size = min(BATCH, seekers - first)
            with transaction.atomic():
                users = User.objects.bulk_create(
                    User(
                        email=f"seeker{first + i + 1}@bench.kz",
                        full_name=f"{rng.choice(LAST_NAMES)} {rng.choice(FIRST_NAMES)}",
                        role=User.Role.SEEKER,
                        language=rng.choice(("ru", "kk", "en")),
                        password=password,
                    )
                    for i in range(size)
                )
                people = [next(iins) for _ in users]
                profiles = SeekerProfile.objects.bulk_create(
                    SeekerProfile(
                        user=user,
                        iin=iin,
                        birth_date=born,
                        sex=sex,
                        phone=f"+7 70{rng.randint(0, 9)} {rng.randint(0, 9_999_999):07d}",
                        region_id=rng.choice(region_ids),
                        locality="",
                        headline=rng.choice(HEADLINES),
                        about=" ".join(rng.sample(ABOUT, 2)),
                        search_status=SeekerProfile.SearchStatus.ACTIVE,
                        visibility=SeekerProfile.Visibility.VISIBLE,
                        has_consent=True,
                    )
                    for user, (iin, born, sex) in zip(users, people, strict=True)
                )
                Consent.objects.bulk_create(
                    Consent(user=user, text_version="1", channel=Consent.Channel.WEB, given_at=now) for user in users
                )
                desired_through.objects.bulk_create(
                    desired_through(seekerprofile_id=p.pk, occupation_id=rng.choice(occupation_ids)) for p in profiles
                )
                skills_through.objects.bulk_create(
                    skills_through(seekerprofile_id=p.pk, skill_id=s)
                    for p in profiles
                    for s in rng.sample(skill_ids, 2)
                )
                graduated = [starts.year - rng.randint(0, 6) for _ in profiles]
                Education.objects.bulk_create(
                    Education(
                        profile=p,
                        level=education_level,
                        institution=rng.choice(INSTITUTIONS),
                        graduation_year=year,
                    )
                    for p, year in zip(profiles, graduated, strict=True)
                )
                batch_tokens = [secrets.token_hex(20) for _ in users]
                Token.objects.bulk_create(
                    Token(key=key, user=user) for key, user in zip(batch_tokens, users, strict=True)
                )
                Registration.objects.bulk_create(
                    Registration(
                        fair=fair,
                        seeker=user,
                        region_id=profile.region_id,
                        age_at_start=profile.age_on(starts),
                        is_youth=True,
                        # SeekerProfile.is_graduate: graduated within the last three years.
                        is_graduate=starts.year - year <= 3,
                    )
                    for user, profile, year in zip(users, profiles, graduated, strict=True)
                )
                tokens += batch_tokens
            bar.update(size)
    # The fair opens: the periodic task's step, with the "started" reminder to everyone.
    fairs_advance(now=timezone.now())
    fair.refresh_from_db()
    if fair.status != Fair.Status.LIVE:
        raise SystemExit(f"the fair did not open: its status is {fair.status}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return World(
        fair_id=fair.pk,
        fair_vacancies=plans,
        seekers=list(zip(tokens, choices, strict=True)),
        employers=employer_count,
        timings={"generate_seconds": time.perf_counter() - started},
    )


# --- The benchmark database ---------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")
    os.environ["DEBUG"] = "false"  # no query log while generating
    os.environ["CELERY_QUEUE"] = BENCH_QUEUE
    import django

    django.setup()


def purge_bench_queue() -> int:
    """Drop the delivery tasks the server enqueued for the benchmark's notifications."""
    from exchange.celery import app

    try:
        with app.connection_for_write() as connection:
            return connection.default_channel.queue_purge(BENCH_QUEUE) or 0
    except Exception as exc:  # the figures are taken; a broker hiccup here must not hide them
        print(f"could not empty the queue {BENCH_QUEUE}: {exc}")
        return 0


# --- The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn in a session of its own (Ctrl-C in the terminal reaches only us, and we stop it)."""

    def __init__(self, *, database_url: str, workers: int, threads: int, log_path: Path) -> None:
        self.port = free_port()
        self.database_url = database_url
        self.workers = workers
        self.threads = threads
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
        static_root = ROOT / "var" / "bench-fair-static"
        env.update(
            DJANGO_ENV="production",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS=f"{HOST},localhost",
            SECURE_SSL_REDIRECT="false",  # plain HTTP on the loopback, no TLS proxy in front
            DATABASE_URL=self.database_url,
            DATABASE_CONN_MAX_AGE="60",
            EMAIL_URL=os.environ.get("EMAIL_URL") or "consolemail://",
            STATIC_ROOT=str(static_root),
            CELERY_QUEUE=BENCH_QUEUE,
            # Each seeker sends one request; the employers send many hires within a second.
            # The throttle is still consulted on every request, as in production.
            API_THROTTLE_USER="100000000/minute",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    def collect_static(self, env: dict[str, str]) -> None:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )

    def start(self) -> None:
        env = self.environment()
        self.collect_static(env)
        argv = [sys.executable, "-m", "gunicorn", "exchange.wsgi", "--bind", f"{HOST}:{self.port}",
                "--workers", str(self.workers), "--threads", str(self.threads), "--graceful-timeout", "5",
                "--timeout", "120", "--log-level", "warning"]  # fmt: skip
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        print(
            f"started gunicorn (pid {self.process.pid}) on {HOST}:{self.port}: "
            f"{self.workers} workers x {self.threads} threads",
            flush=True,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()  # any answer (503 without a worker is fine): it serves
                conn.close()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the master and its workers have used so far; None where
        /proc cannot tell. Unlike the rates, it hardly depends on what else the machine runs."""
        try:
            tick = os.sysconf("SC_CLK_TCK")
            total = 0
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    # The command name may hold spaces: the fields after it are split safely.
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                pid, ppid = int(entry.name), int(fields[1])
                if self.process.pid in (pid, ppid):
                    total += int(fields[11]) + int(fields[12])  # utime, stime
            return total / tick
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        print("stopping gunicorn", flush=True)
        self.process.terminate()  # the master stops its workers (graceful timeout 5 s)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        finally:
            self.log.close()


# --- The clients ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    path: str
    body: bytes | None
    token: str
    kind: str  # "apply", "hire" or "warm-up"
    method: str = "POST"


@dataclass(frozen=True)
class Result:
    kind: str
    status: int  # 0: no HTTP answer (connection error)
    ms: float
    code: str  # the business error's code, or the exception's name


def _error_code(status: int, body: bytes) -> str:
    if 200 <= status < 300:
        return ""
    try:
        return json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return f"HTTP {status}, not the JSON error body"


def run_jobs(
    jobs: list[Job], *, port: int, clients: int, label: str, rate: float | None = None
) -> tuple[list[Result], float]:
    """Send ``jobs`` from ``clients`` threads, each on a keep-alive connection of its own; returns
    the results and the wall time in seconds.

    Without ``rate`` each client sends its next request as soon as the last one is answered
    (as fast as the server goes: the latency includes the wait in the server's queue). With
    ``rate`` the i-th request is due i / rate seconds after the start, and its latency counts
    from that moment, so a server that falls behind is charged for the wait.
    """
    from tqdm import tqdm

    results: list[Result] = []
    lock = threading.Lock()
    position = iter(range(len(jobs)))
    stop = threading.Event()
    begin = time.perf_counter()

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        last_used = time.perf_counter()
        while not stop.is_set():
            with lock:
                index = next(position, None)
            if index is None:
                break
            job = jobs[index]
            headers = {"Authorization": f"Token {job.token}", "Content-Type": "application/json"} if job.token else {}
            started = time.perf_counter()
            if rate:
                due = begin + index / rate
                if due > started:
                    stop.wait(due - started)
                started = due
            if time.perf_counter() - last_used > IDLE_RECONNECT_SECONDS:
                # gunicorn closes a keep-alive connection idle for 2 s; a POST sent into one being
                # closed fails without reaching the application, so open a fresh one first.
                conn.close()
            try:
                conn.request(job.method, job.path, body=job.body, headers=headers)
                response = conn.getresponse()
                body = response.read()
                ms = (time.perf_counter() - started) * 1000
                result = Result(job.kind, response.status, ms, _error_code(response.status, body))
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # reconnects on the next request
                result = Result(job.kind, 0, (time.perf_counter() - started) * 1000, type(exc).__name__)
            results.append(result)  # list.append is atomic
            last_used = time.perf_counter()
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(max(1, min(clients, len(jobs))))]
    for thread in threads:
        thread.start()
    try:
        with tqdm(total=len(jobs), desc=label, unit="req") as bar:
            while any(thread.is_alive() for thread in threads):
                time.sleep(0.2)
                bar.update(len(results) - bar.n)
            bar.update(len(results) - bar.n)
    finally:
        stop.set()
    return results, time.perf_counter() - begin


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def apply_jobs(world: World, rng: random.Random) -> list[Job]:
    jobs = []
    for token, index in world.seekers:
        plan = world.fair_vacancies[index]
        body = {
            "answers": [rng.choice(ANSWERS) for _ in range(plan.questions)],
            "cover_letter": "Хочу работать у вас." if rng.random() < 0.3 else "",
        }
        jobs.append(Job(APPLY_URL.format(id=plan.id), json.dumps(body).encode(), token, "apply"))
    return jobs


def hire_jobs(world: World, attempts: int, rng: random.Random) -> list[Job]:
    """``attempts`` hires over the fair vacancies: every position, plus the extra attempts spread
    in proportion to the positions, never more than a vacancy has applications."""
    from fairs.models import FairApplication

    extra = split_applicants(attempts - sum(p.positions for p in world.fair_vacancies), [
        p.positions for p in world.fair_vacancies
    ])  # fmt: skip
    jobs = []
    for plan, more in zip(world.fair_vacancies, extra, strict=True):
        wanted = plan.positions + more
        ids = list(
            FairApplication.objects.filter(fair_vacancy_id=plan.id).order_by("?").values_list("pk", flat=True)[:wanted]
        )
        jobs += [Job(HIRE_URL.format(id=pk), b"{}", plan.employer_token, "hire") for pk in ids]
    rng.shuffle(jobs)
    return jobs


def database_counts(world: World) -> dict:
    from django.db.models import Sum

    from fairs.models import FairApplication, FairVacancy
    from vacancies.models import Application

    vacancies = FairVacancy.objects.filter(fair_id=world.fair_id)
    return {
        "fair_applications": FairApplication.objects.filter(fair_id=world.fair_id).count(),
        "positions_filled": vacancies.aggregate(total=Sum("positions_filled"))["total"] or 0,
        "over_cap_vacancies": sum(1 for v in vacancies if v.positions_filled > v.positions_offered),
        "hired_applications": Application.objects.filter(
            fair_entry__fair_id=world.fair_id, status=Application.Status.HIRED
        ).count(),
    }


# --- Main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seekers", type=int, default=10_000, help="registered seekers who apply (default 10000)")
    parser.add_argument("--positions", type=int, default=350, help="positions offered at the fair (default 350)")
    parser.add_argument("--employers", type=int, default=25, help="participating employers (default 25)")
    parser.add_argument(
        "--hire-attempts", type=int, help="hires sent at once (default: positions + 3/7 of them, 500 for 350)"
    )
    parser.add_argument("--clients", type=int, default=24, help="concurrent client connections (default 24)")
    parser.add_argument(
        "--rate",
        type=float,
        help="applications sent per second (default: as fast as the server answers --clients at once)",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as one JSON object")
    parser.add_argument(
        "--database-url", help=f"benchmark database (default: {BENCH_DATABASE} on DATABASE_URL's server)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.positions < 1 or args.employers < 1 or args.clients < 1:
        parser.error("--positions, --employers and --clients must be at least 1")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be more than 0")
    attempts = args.hire_attempts
    if attempts is None:
        attempts = args.positions + math.ceil(args.positions * 3 / 7)
    if attempts <= args.positions:
        parser.error("--hire-attempts must be more than --positions, or the cap is never tested")
    if args.seekers < attempts:
        parser.error(f"--seekers must be at least the hire attempts ({attempts}): every hire needs an application")

    # SIGTERM stops the run like Ctrl-C does: through the finally blocks that stop the server.
    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)

    url = common.bench_database_url(BENCH_DATABASE, args.database_url)
    common.ensure_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection, connections

    print(f"preparing {connection.settings_dict['NAME']}: migrate, catalogs", flush=True)
    call_command("migrate", verbosity=0)
    call_command("loadcatalog", verbosity=0)
    world = generate(seekers=args.seekers, positions=args.positions, employers=args.employers, seed=args.seed)
    print(
        f"fair {world.fair_id}: {world.employers} employers, {len(world.fair_vacancies)} fair vacancies, "
        f"{args.positions} positions, {args.seekers:,} registered seekers "
        f"(generated in {world.timings['generate_seconds']:.0f} s)",
        flush=True,
    )
    rng = random.Random(args.seed + 1)
    applies = apply_jobs(world, rng)
    connections.close_all()

    log_path = ROOT / "var" / "bench-fair-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    server = Server(database_url=url, workers=args.workers, threads=args.threads, log_path=log_path)
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        server.start()
        server.wait_ready()
        # Each worker imports the URLconf and opens its database connections on its first
        # requests: that happens before the fair opens, not in the measured seconds.
        warm_up = [Job(WARM_UP_URL.format(id=world.fair_id), None, "", "warm-up", "GET")] * (args.clients * 4)
        run_jobs(warm_up, port=server.port, clients=args.clients, label="warm-up")
        cpu_before = server.cpu_seconds()
        apply_results, apply_seconds = run_jobs(
            applies, port=server.port, clients=args.clients, label="apply", rate=args.rate
        )
        cpu_after = server.cpu_seconds()
        hires = hire_jobs(world, attempts, rng)
        connections.close_all()
        hire_results, hire_seconds = run_jobs(hires, port=server.port, clients=args.clients, label="hire")
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the server", flush=True)
        return 130
    finally:
        server.stop()
        purge_bench_queue()

    counts = database_counts(world)
    latencies = [r.ms for r in apply_results]
    applied = sum(1 for r in apply_results if 200 <= r.status < 300)
    hired = sum(1 for r in hire_results if 200 <= r.status < 300)
    refused = sum(1 for r in hire_results if r.status == 409)
    apply_errors = [r for r in apply_results if not 200 <= r.status < 300]
    hire_errors = [r for r in hire_results if not 200 <= r.status < 300 and r.status != 409]
    errors = len(apply_errors) + len(hire_errors)
    cap_held = (
        hired == args.positions == counts["positions_filled"] == counts["hired_applications"]
        and counts["over_cap_vacancies"] == 0
    )
    server_cpu_ms = (
        round((cpu_after - cpu_before) * 1000 / len(apply_results), 1)
        if cpu_before is not None and cpu_after is not None and apply_results
        else None
    )
    figures = {
        "applications": applied,
        "apply_requests": len(apply_results),
        "apply_seconds": round(apply_seconds, 2),
        "per_s": round(applied / apply_seconds, 1) if apply_seconds else 0.0,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=float("nan")), 1),
        # gunicorn's own CPU per apply request (PostgreSQL's is not counted).
        "server_cpu_ms_per_apply": server_cpu_ms,
        "errors": errors,
        "apply_status": dict(sorted(Counter(str(r.status) for r in apply_results).items())),
        "apply_error_codes": dict(Counter(r.code for r in apply_errors).most_common(10)),
        "hire_requests": len(hire_results),
        "hire_seconds": round(hire_seconds, 2),
        "hire_p50_ms": round(percentile([r.ms for r in hire_results], 50), 1),
        "hire_p95_ms": round(percentile([r.ms for r in hire_results], 95), 1),
        "hire_status": dict(sorted(Counter(str(r.status) for r in hire_results).items())),
        "hire_refusal_codes": dict(Counter(r.code for r in hire_results if r.status == 409).most_common(10)),
        "hire_error_codes": dict(Counter(r.code for r in hire_errors).most_common(10)),
        "hired": hired,
        "refused_409": refused,
        "positions": args.positions,
        "cap_held": cap_held,
        "database": counts,
        "seekers": args.seekers,
        "employers": world.employers,
        "fair_vacancies": len(world.fair_vacancies),
        "clients": args.clients,
        "rate": args.rate,
        "server": {
            "workers": args.workers,
            "threads": args.threads,
            "cpus": os.cpu_count(),
            # Whatever else the machine ran meanwhile weighs on the figures: compare like with like.
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "pid": server.process.pid,
            "port": server.port,
        },
        **world.timings,
    }

    apply_line = (
        f"applications {applied:,} of {len(apply_results):,} in {apply_seconds:.1f} s: {figures['per_s']:.1f}/s; "
        f"latency p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms, "
        f"max {figures['max_ms']:.0f} ms; web server CPU {server_cpu_ms} ms per application"
    )
    hire_line = (
        f"hires: {len(hire_results)} sent, {args.clients} at a time, for {args.positions} positions, in "
        f"{hire_seconds:.1f} s: hired {hired}, refused with 409 {refused} {figures['hire_refusal_codes']}"
    )
    lines = [
        "",
        apply_line,
        f"  status codes {figures['apply_status']}"
        + (f", errors {figures['apply_error_codes']}" if apply_errors else ""),
        hire_line,
        f"  status codes {figures['hire_status']}" + (f", errors {figures['hire_error_codes']}" if hire_errors else ""),
        f"  database: {counts}",
        f"load average (1, 5, 15 min) before {load_before}, after {figures['server']['load_average_after']}",
        f"errors {errors}; hired {hired} / positions {args.positions}: "
        + ("the cap held" if cap_held else "THE CAP DID NOT HOLD"),
    ]
    print("\n".join(lines))
    if errors or not cap_held:
        print(f"server log: {log_path}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0 if cap_held and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
