"""Matching benchmark: candidate selection with and without indexes, batched fan-out against one
Celery task per notification.

    python bench/matching.py --seekers 1000000 [--json FILE] [--database-url URL]

1. Creates (or reuses, when it already holds the same N from this generator) a dedicated
   database: ``exchange_bench_matching`` on ``DATABASE_URL``'s server, or on the embedded server
   when ``DATABASE_URL`` is unset; ``--database-url`` names another one. It is migrated and the
   catalogs are loaded.
2. Loads N synthetic job seekers with COPY (two processes, the tables' secondary indexes
   dropped during the load and rebuilt after it, then VACUUM ANALYZE): accounts, profiles
   spread over the regions like the population, 1-3 desired occupations from 40 common ISCO-08
   unit groups plus a long tail over the whole classifier, their occupations' skills plus a few
   general ones, work experience and education; 75 % consented, 80 % of those visible (60 %
   consenting and visible), 85 % active or open to offers, 2 % inactive accounts, 20 % willing
   to relocate, 15 % fine with remote work. The COPY runs with triggers disabled, so the
   seekers' matching rows (``vacancies_matching_seeker``, kept in step by triggers in normal
   operation) are then computed in one statement. Then 40 published vacancies of common
   occupations.
3. Measures, in the same run:
   * select: the suitable-candidates page query (select the candidates with the indexed
     pre-filters, score every one of them in SQL, rank, first page of 20) for ``--vacancies``
     vacancies, ``--runs`` times each: p50/p95;
   * noindex: the same statement in the same session (the selector's settings: no JIT, no
     parallel workers) with ``enable_indexscan``, ``enable_bitmapscan`` and
     ``enable_indexonlyscan`` off, ``--noindex-runs`` times each;
   * EXPLAIN (ANALYZE, BUFFERS) of both for the vacancy with the most candidates (``--explain``
     prints them; the JSON always holds them);
   * batched: ``vacancy_fanout`` of the sample vacancies into an emptied notifications table:
     notifications created per second (selection, scoring and bulk inserts, one transaction per
     vacancy, as the task runs it);
   * one task per notification: for ``--one-task-sample`` of the same notifications, one Celery
     task each, sent with ``apply_async`` to the real broker (``REDIS_URL``, or the filesystem
     transport of the embedded default) and run by a real worker (in a thread of this process,
     consuming a queue of its own) that inserts its one notification with
     ``notification_create``; the rate is notifications per second from the first send to the
     last row committed.
   Targets at 1M seekers: select p95 < 150 ms and >= 50x faster than noindex; batched >= 10x
   the one-task rate.
"""

# The CV texts below are Russian and Kazakh on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _common as common  # noqa: E402  (found through the path set just above)

# Bump when the generated data changes: a database loaded by another version is reloaded.
GENERATOR_VERSION = 2
BENCH_DATABASE = "exchange_bench_matching"
BENCH_QUEUE = "exchange-bench-matching"
META_TABLE = "bench_matching_meta"
# The seekers' matching rows (vacancies.migrations.0004_seeker_matching_rows).
MATCHING_TABLE = "vacancies_matching_seeker"
LOAD_WORKERS = 2
BATCH_SEEKERS = 10_000
SAMPLE_VACANCIES = 40

# ISCO-08 unit group, weight (share of seekers), typical salary (KZT), its skills.
OCCUPATIONS = [
    ("7212", 4, 350_000, ["welding"]),
    ("7223", 3, 320_000, ["turning", "machining_cnc"]),
    ("7411", 4, 330_000, ["electrical_installation"]),
    ("7211", 1, 310_000, ["foundry"]),
    ("7542", 1, 450_000, ["blasting", "mining"]),
    ("7126", 3, 280_000, ["plumbing", "hvac"]),
    ("7112", 3, 300_000, ["masonry"]),
    ("7115", 2, 280_000, ["carpentry"]),
    ("8332", 5, 380_000, ["driving_c", "driving_ce", "logistics"]),
    ("8322", 3, 250_000, ["driving_b"]),
    ("8344", 2, 260_000, ["forklift", "warehouse"]),
    ("4321", 3, 230_000, ["warehouse", "logistics", "1c"]),
    ("3221", 4, 220_000, ["nursing", "patient_care", "first_aid"]),
    ("2211", 2, 450_000, ["patient_care"]),
    ("2262", 1, 260_000, ["pharmacy", "cash_register"]),
    ("2341", 4, 250_000, ["teaching", "kazakh_language", "english_language"]),
    ("2342", 2, 200_000, ["early_childhood"]),
    ("2411", 4, 350_000, ["accounting", "tax_reporting", "1c", "excel"]),
    ("4110", 3, 220_000, ["office_software", "excel"]),
    ("5223", 6, 200_000, ["sales", "customer_service", "cash_register"]),
    ("5230", 3, 180_000, ["cash_register"]),
    ("5120", 5, 230_000, ["cooking", "baking"]),
    ("7512", 2, 200_000, ["baking"]),
    ("5131", 3, 170_000, ["customer_service"]),
    ("9112", 4, 150_000, ["cleaning"]),
    ("5414", 3, 190_000, ["security_guard"]),
    ("2512", 4, 700_000, ["python", "javascript", "sql", "java"]),
    ("3512", 2, 350_000, ["networking", "it_support"]),
    ("2511", 2, 550_000, ["data_analysis", "sql", "excel"]),
    ("7231", 3, 300_000, ["car_repair"]),
    ("6121", 2, 180_000, ["livestock"]),
    ("8341", 2, 260_000, ["tractor_driving", "agronomy"]),
    ("2132", 1, 300_000, ["agronomy"]),
    ("7533", 2, 170_000, ["sewing"]),
    ("5141", 1, 200_000, ["hairdressing"]),
    ("8111", 2, 480_000, ["mining"]),
    ("8113", 2, 600_000, ["oil_gas_operations"]),
    ("2643", 1, 300_000, ["translation", "english_language", "kazakh_language"]),
    ("1219", 2, 500_000, ["project_management", "negotiation"]),
    ("8343", 1, 380_000, ["crane_operation"]),
]
GENERAL_SKILLS = ["excel", "office_software", "customer_service", "teamwork", "negotiation", "first_aid",
                  "russian_language", "kazakh_language", "english_language", "driving_b"]  # fmt: skip
# Big cities hold more people.
REGION_WEIGHTS = {"KZ-71": 12, "KZ-75": 16, "KZ-79": 10, "KZ-35": 7, "KZ-61": 8, "KZ-23": 4, "KZ-47": 4, "KZ-63": 5}
EDUCATION_WEIGHTS = {"general_secondary": 20, "technical_vocational": 35, "post_secondary": 5, "bachelor": 32,
                     "master": 7, "doctorate": 1}  # fmt: skip
LANGUAGE_WEIGHTS = {"ru": 55, "kk": 40, "en": 5}

USER_COLUMNS = ["id", "password", "is_superuser", "email", "full_name", "role", "language", "is_active", "is_staff",
                "date_joined", "created_at", "updated_at"]  # fmt: skip
PROFILE_COLUMNS = ["id", "user_id", "region_id", "locality", "headline", "about", "other_skills", "desired_salary",
                   "willing_to_relocate", "remote_ok", "search_status", "visibility", "has_consent", "sex", "phone",
                   "iin", "birth_date", "created_at", "updated_at"]  # fmt: skip
CONSENT_COLUMNS = ["user_id", "text_version", "channel", "given_at", "withdrawn_at", "created_at", "updated_at"]
DESIRED_COLUMNS = ["seekerprofile_id", "occupation_id"]
SKILL_COLUMNS = ["seekerprofile_id", "skill_id"]
EXPERIENCE_COLUMNS = ["profile_id", "employer_name", "position", "occupation_id", "start_date", "end_date",
                      "description", "created_at", "updated_at"]  # fmt: skip
EDUCATION_COLUMNS = ["profile_id", "level_id", "institution", "specialty", "graduation_year", "is_current",
                     "created_at", "updated_at"]  # fmt: skip
LOADED_TABLES = ["accounts_user", "accounts_seekerprofile", "accounts_seekerprofile_desired_occupations",
                 "accounts_seekerprofile_skills", "accounts_workexperience", "accounts_education",
                 "accounts_consent"]  # fmt: skip

# Text for the CVs, in the languages seekers write them in.
FIRST_NAMES = [
    "Айгерим",
    "Ерлан",
    "Динара",
    "Нурлан",
    "Асель",
    "Бауыржан",
    "Мария",
    "Алексей",
    "Жанна",
    "Ермек",
    "Гульнара",
    "Сергей",
    "Айдана",
    "Данияр",
    "Ольга",
    "Арман",
    "Мадина",
    "Тимур",
    "Сауле",
    "Руслан",
]
LAST_NAMES = [
    "Сейткали",
    "Ахметов",
    "Иванова",
    "Нурпеисов",
    "Ким",
    "Жумабаев",
    "Петрова",
    "Оспанова",
    "Касымов",
    "Смагулова",
    "Абенов",
    "Ли",
    "Омарова",
    "Ткаченко",
    "Мусин",
    "Байжанова",
]
LOCALITIES = [
    "Астана",
    "Алматы",
    "Шымкент",
    "Караганда",
    "Актобе",
    "Павлодар",
    "Усть-Каменогорск",
    "Атырау",
    "Костанай",
    "Кызылорда",
    "Тараз",
    "Туркестан",
    "Семей",
    "Актау",
    "Темиртау",
    "Экибастуз",
]
HEADLINES = [
    "Ответственный специалист с опытом работы",
    "Ищу стабильную работу с официальным оформлением",
    "Тәжірибелі маман, жұмыс іздеймін",
    "Готов к командировкам и вахте",
    "Молодой специалист, быстро учусь",
    "Experienced worker looking for a full-time job",
    "Опыт работы на крупных предприятиях",
    "Жауапты, ұқыпты, командада жұмыс істей аламын",
]
ABOUT = [
    "Имею опыт работы на производстве и в сфере услуг, умею работать в команде и самостоятельно.",
    "Ответственно отношусь к своим обязанностям, соблюдаю технику безопасности и трудовую дисциплину.",
    "Быстро обучаюсь новому, готов к переобучению и повышению квалификации за счёт работодателя.",
    "Есть действующие сертификаты и удостоверения, медицинская книжка, справка о несудимости.",
    "Рассматриваю полную занятость, сменный график или вахтовый метод, возможен переезд в другой город.",
    "Владею казахским и русским языками, английский на базовом уровне, уверенный пользователь ПК.",
    "На прошлом месте работы отвечал за качество продукции и выполнение плана смены.",
    "Ищу работу с официальным трудоустройством, социальным пакетом и возможностью профессионального роста.",
    "Жұмыс тәжірибем бар, ұжымда жұмыс істей аламын, тапсырмаларды уақытында орындаймын.",
    "Қауіпсіздік техникасын сақтаймын, жаңа нәрсені тез үйренемін, іссапарларға дайынмын.",
    "Қазақ және орыс тілдерін еркін меңгергенмін, компьютерді сенімді пайдаланамын.",
    "Ресми жұмысқа орналасуды және кәсіби өсу мүмкіндігін қарастырамын.",
    "I am a reliable and hard-working person with experience in several companies in Kazakhstan.",
    "Прошёл стажировку на предприятии, имею рекомендательные письма от предыдущих работодателей.",
    "Имею водительское удостоверение и личный автомобиль, готов к разъездному характеру работы.",
    "Участвовал в запуске новой производственной линии и обучении новых сотрудников.",
]
EMPLOYERS = [
    "ТОО «Казстройсервис»",
    "АО «КазМунайГаз»",
    "ТОО «Магнум Кэш энд Керри»",
    "ИП Ахметов",
    "ГКП «Горводоканал»",
    "ТОО «Астана Моторс»",
    "АО «Казахтелеком»",
    "ТОО «Алматы Курылыс»",
    "КГУ «Средняя школа № 12»",
    "ТОО «Евразийская группа»",
    "ТОО «Шымкентмай»",
    "ГКП на ПХВ «Городская поликлиника № 5»",
]
POSITIONS = [
    "Рабочий",
    "Специалист",
    "Старший специалист",
    "Оператор",
    "Мастер участка",
    "Помощник",
    "Продавец-кассир",
    "Водитель",
    "Менеджер",
    "Бухгалтер",
    "Учитель",
    "Медицинская сестра",
    "Слесарь",
    "Инженер",
]
DUTIES = [
    "Выполнение работ согласно должностной инструкции и плану смены, ведение отчётности.",
    "Обслуживание оборудования, устранение неисправностей, контроль качества выполненных работ.",
    "Работа с клиентами, консультирование, оформление документов и приём оплаты.",
    "Приёмка и отгрузка товара, учёт материальных ценностей, участие в инвентаризации.",
    "Жұмыс орнын ретке келтіру, құрал-жабдықтарға қызмет көрсету, есеп жүргізу.",
    "Обучение новых сотрудников, контроль соблюдения техники безопасности на участке.",
]
INSTITUTIONS = [
    "Карагандинский технический университет имени Абылкаса Сагинова",
    "Евразийский национальный университет имени Л. Н. Гумилёва",
    "Алматинский колледж связи",
    "Высший колледж «Astana Polytechnic»",
    "Южно-Казахстанский университет имени М. Ауэзова",
    "Павлодарский педагогический университет",
    "Актюбинский медицинский колледж",
    "Атырауский политехнический высший колледж",
]
SPECIALTIES = ["Сварочное дело", "Электроснабжение", "Учёт и аудит", "Сестринское дело",
               "Строительство и эксплуатация зданий", "Информационные системы", "Педагогика и психология",
               "Техническое обслуживание автомобилей", "Повар", "Организация перевозок"]  # fmt: skip


@dataclass
class Catalog:
    """Ids the generator needs, read once in the parent and handed to the load workers."""

    occupations: dict[str, int]  # code -> id, unit groups
    skills: dict[str, int]
    regions: list[tuple[str, int]]
    education_levels: dict[str, int]
    now: datetime
    password: str  # one real password hash, as wide as everyone's


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _text(rng: random.Random, sentences: list[str], low: int, high: int) -> str:
    return " ".join(rng.sample(sentences, min(len(sentences), rng.randint(low, high))))


def seeker_rows(first_id: int, count: int, catalog: Catalog, seed: int):
    """Yield, per seeker, ``(user, profile, desired, skills, experiences, educations, consents)``
    rows. The text columns are filled as real CVs fill them (a name, a password hash, an IIN, a
    phone, a headline, a few paragraphs about oneself, jobs with their duties, schools), so the
    tables have the width of real ones: what a scan without the indexes has to read."""
    rng = random.Random(seed)
    occupations = [o for o in OCCUPATIONS if o[0] in catalog.occupations]
    weights = [o[1] for o in occupations]
    units = list(catalog.occupations.values())
    by_minor: dict[str, list[int]] = {}
    for code, pk in catalog.occupations.items():
        by_minor.setdefault(code[:3], []).append(pk)
    region_ids = [pk for _, pk in catalog.regions]
    region_weights = [REGION_WEIGHTS.get(code, 2) for code, _ in catalog.regions]
    general = [catalog.skills[code] for code in GENERAL_SKILLS if code in catalog.skills]
    now = catalog.now
    today = now.date()
    for seeker_id in range(first_id, first_id + count):
        code, _, salary, own_skills = rng.choices(occupations, weights=weights)[0]
        desired = {catalog.occupations[code]}
        if rng.random() < 0.25:  # a neighbour in the same minor group
            desired.add(rng.choice(by_minor[code[:3]]))
        if rng.random() < 0.3:  # the long tail: anything in the classifier
            desired.add(rng.choice(units))
        skills = {catalog.skills[s] for s in rng.sample(own_skills, rng.randint(1, len(own_skills)))}
        skills.update(rng.sample(general, rng.randint(0, 3)))
        consent = rng.random() < 0.75
        visible = consent and rng.random() < 0.8
        status = _weighted(rng, {"active": 60, "open": 25, "not_looking": 15})
        joined = now - timedelta(days=rng.randint(1, 1500))
        language = _weighted(rng, LANGUAGE_WEIGHTS)
        sex = rng.choice(("male", "female"))
        born = today - timedelta(days=rng.randint(18 * 365, 62 * 365))
        # Unique by construction up to a million seekers; beyond, some have none (as some do).
        iin = f"{born:%y%m%d}{seeker_id % 1_000_000:06d}" if seeker_id < 1_000_000 else None
        name = f"{rng.choice(LAST_NAMES)} {rng.choice(FIRST_NAMES)}"
        user = (seeker_id, catalog.password, False, f"seeker{seeker_id}@bench.kz", name, "seeker", language,
                rng.random() > 0.02, False, joined, joined, joined)  # fmt: skip
        profile = (
            seeker_id, seeker_id, rng.choices(region_ids, weights=region_weights)[0], rng.choice(LOCALITIES),
            rng.choice(HEADLINES), _text(rng, ABOUT, 2, 8), "",
            int(salary * rng.uniform(0.8, 1.3) / 10_000) * 10_000 if rng.random() < 0.8 else None,
            rng.random() < 0.2, rng.random() < 0.15, status, "visible" if visible else "hidden", consent,
            sex, f"+7 7{rng.randint(0, 99):02d} {rng.randint(0, 9999999):07d}", iin, born, joined, joined,
        )  # fmt: skip
        experiences = []
        end = today - timedelta(days=rng.randint(0, 400))
        for job in range(rng.choices((0, 1, 2, 3), weights=(25, 35, 25, 15))[0]):
            start = end - timedelta(days=rng.randint(120, 2200))
            experiences.append(
                (seeker_id, rng.choice(EMPLOYERS), rng.choice(POSITIONS), catalog.occupations[code], start,
                 None if job == 0 and rng.random() < 0.3 else end, _text(rng, DUTIES, 1, 4), joined, joined)
            )  # fmt: skip
            end = start - timedelta(days=rng.randint(0, 300))
        level = _weighted(rng, EDUCATION_WEIGHTS)
        current = rng.random() < 0.1
        educations = [
            (seeker_id, catalog.education_levels[level], rng.choice(INSTITUTIONS), rng.choice(SPECIALTIES),
             None if current else rng.randint(1990, 2025), current, joined, joined)
        ]  # fmt: skip
        consents = [(seeker_id, "1", "web", joined, None, joined, joined)] if consent else []
        yield (
            user,
            profile,
            [(seeker_id, o) for o in desired],
            [(seeker_id, s) for s in skills],
            experiences,
            educations,
            consents,
        )


def _load_worker(first_id: int, count: int, catalog: Catalog, seed: int, conninfo: dict, progress) -> None:
    """One COPY stream per table, batch after batch of seekers."""
    import psycopg

    tables = [
        ("accounts_user", USER_COLUMNS),
        ("accounts_seekerprofile", PROFILE_COLUMNS),
        ("accounts_seekerprofile_desired_occupations", DESIRED_COLUMNS),
        ("accounts_seekerprofile_skills", SKILL_COLUMNS),
        ("accounts_workexperience", EXPERIENCE_COLUMNS),
        ("accounts_education", EDUCATION_COLUMNS),
        ("accounts_consent", CONSENT_COLUMNS),
    ]
    rows = seeker_rows(first_id, count, catalog, seed)
    with psycopg.connect(**conninfo) as conn:
        conn.execute("SET synchronous_commit = off")
        try:
            # Rows reference ids that exist by construction: skip the per-row foreign-key
            # triggers (superuser only; without it the load is just slower).
            conn.execute("SET session_replication_role = replica")
        except psycopg.Error:
            conn.rollback()
        sent = 0
        while sent < count:
            batch = [next(rows) for _ in range(min(BATCH_SEEKERS, count - sent))]
            for index, (table, columns) in enumerate(tables):
                with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for seeker in batch:
                        part = seeker[index]
                        for row in part if isinstance(part, list) else [part]:
                            copy.write_row(row)
            conn.commit()
            sent += len(batch)
            with progress.get_lock():
                progress.value += len(batch)


# --- The benchmark database -----------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_CONN_MAX_AGE"] = "60"
    # The worker of the one-task baseline consumes a queue of its own, so no other worker on
    # the same broker takes its messages (nor it theirs).
    os.environ["CELERY_QUEUE"] = BENCH_QUEUE
    import django

    django.setup()


def _conninfo() -> dict:
    from django.db import connection

    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "server_side_binding"):
        params.pop(key, None)
    return params


def loaded_state() -> tuple[int, int | None, datetime | None]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (seekers bigint, generator int, loaded_at timestamptz)"
        )
        cursor.execute(f"SELECT seekers, generator, loaded_at FROM {META_TABLE}")
        row = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM accounts_seekerprofile")
        count = cursor.fetchone()[0]
    if row is None or row[0] != count:
        return count, None, None
    return count, row[1], row[2]


def _secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """Indexes of ``tables`` that no constraint owns (primary keys and unique constraints stay)."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
        ORDER BY i.indexname
        """,
        [tables],
    )
    return cursor.fetchall()


def load(count: int, *, seed: int) -> dict:
    """Empty the seeker tables and load ``count`` seekers; returns the timings."""
    import threading

    import psycopg
    from django.contrib.auth.hashers import make_password
    from django.db import connection, connections
    from tqdm import tqdm

    from catalog.models import EducationLevel, Occupation, Region, Skill

    timings = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE accounts_user, {META_TABLE} RESTART IDENTITY CASCADE")
    catalog = Catalog(
        occupations=dict(Occupation.objects.filter(level=4).values_list("code", "pk")),
        skills=dict(Skill.objects.values_list("code", "pk")),
        regions=list(Region.objects.order_by("code").values_list("code", "pk")),
        education_levels=dict(EducationLevel.objects.values_list("code", "pk")),
        now=datetime.now(UTC),
        password=make_password("bench-password"),
    )
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor, LOADED_TABLES)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    conninfo = _conninfo()
    connections.close_all()  # no connection may cross the fork below

    context = multiprocessing.get_context("fork")
    progress = context.Value("q", 0)
    workers, first = [], 1
    for index in range(LOAD_WORKERS):
        share = count // LOAD_WORKERS + (1 if index < count % LOAD_WORKERS else 0)
        worker = context.Process(
            target=_load_worker, args=(first, share, catalog, seed * 100 + index, conninfo, progress)
        )
        worker.start()
        workers.append(worker)
        first += share
    with tqdm(total=count, desc="seekers (COPY)", unit="seeker", unit_scale=True) as bar:
        while any(worker.is_alive() for worker in workers):
            time.sleep(0.5)
            bar.update(progress.value - bar.n)
        bar.update(progress.value - bar.n)
    if any(worker.exitcode for worker in workers):
        raise SystemExit("a load worker failed")
    timings["copy_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    print(f"building {len(indexes)} indexes…", flush=True)

    def build(definitions: list[str]) -> None:
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            for definition in definitions:
                conn.execute(definition)

    halves = [[d for i, (_, d) in enumerate(indexes) if i % 2 == part] for part in (0, 1)]
    threads = [threading.Thread(target=build, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings["index_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        for table in LOADED_TABLES:
            sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table]).fetchone()[0]
            conn.execute(f"SELECT setval('{sequence}', (SELECT COALESCE(max(id), 1) FROM {table}))")
        # VACUUM sets the visibility map, which index-only scans need, as autovacuum would.
        for table in LOADED_TABLES:
            conn.execute(f"VACUUM (ANALYZE) {table}")
    timings["analyze_seconds"] = time.perf_counter() - started
    # The COPY ran with triggers disabled: the matching rows are computed once, from all of it.
    timings["matching_rows_seconds"] = rebuild_matching_rows(conninfo)
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(
            f"INSERT INTO {META_TABLE} (seekers, generator, loaded_at) VALUES (%s, %s, now())",
            [count, GENERATOR_VERSION],
        )
    return timings


def rebuild_matching_rows(conninfo: dict) -> float:
    """Recompute every seeker's matching row (``vacancies_matching_seeker_rebuild``, the
    function the triggers' migration defines) with the table's secondary indexes dropped and
    rebuilt after, then VACUUM ANALYZE it (index-only scans need the visibility map, as
    autovacuum would set it). Returns the seconds it took."""
    import psycopg

    started = time.perf_counter()
    print("computing the matching rows…", flush=True)
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        with conn.cursor() as cursor:
            indexes = _secondary_indexes(cursor, [MATCHING_TABLE])
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        rows = conn.execute("SELECT vacancies_matching_seeker_rebuild()").fetchone()[0]
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute(f"VACUUM (ANALYZE) {MATCHING_TABLE}")
    seconds = time.perf_counter() - started
    print(f"{rows:,} matching rows in {seconds:.0f} s", flush=True)
    return seconds


def create_vacancies(*, seed: int) -> list[int]:
    """``SAMPLE_VACANCIES`` published vacancies of common occupations, one employer (replaced on
    every run)."""
    from django.utils import timezone

    from accounts.models import Organization
    from accounts.validators import make_bin
    from catalog.models import EducationLevel, EmploymentType, Industry, Occupation, Region, Skill, WorkSchedule
    from vacancies.models import Vacancy

    rng = random.Random(seed)
    Organization.objects.filter(bin__startswith="0901").delete()
    serial = 0
    while (bin_ := make_bin(2009, 1, 4, serial)) is None:
        serial += 1
    organization = Organization.objects.create(
        bin=bin_,
        legal_name="Benchmark LLP",
        region=Region.objects.get(code="KZ-71"),
        industry=Industry.objects.first(),
        size=Organization.Size.MEDIUM,
        status=Organization.Status.VERIFIED,
    )
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=[c for c, *_ in OCCUPATIONS])}
    skills = {s.code: s for s in Skill.objects.all()}
    regions = list(Region.objects.order_by("code"))
    region_weights = [REGION_WEIGHTS.get(r.code, 2) for r in regions]
    levels = list(EducationLevel.objects.order_by("position"))
    now = timezone.now()
    ids = []
    choices = [o for o in OCCUPATIONS if o[0] in occupations]
    for index in range(SAMPLE_VACANCIES):
        code, _, salary, own = rng.choices(choices, weights=[o[1] for o in choices])[0]
        low = int(salary * rng.uniform(0.8, 1.2) / 10_000) * 10_000
        vacancy = Vacancy.objects.create(
            organization=organization,
            title=f"Vacancy {index} ({code})",
            occupation=occupations[code],
            description="Benchmark vacancy.",
            experience_years=rng.choice((0, 0, 1, 1, 2, 3, 5)),
            education_level=rng.choice(levels[2:6]) if rng.random() < 0.5 else None,
            salary_min=low,
            salary_max=int(low * 1.4),
            employment_type=EmploymentType.objects.get(code="full_time"),
            schedule=WorkSchedule.objects.get(code="full_day"),
            region=rng.choices(regions, weights=region_weights)[0],
            is_remote=rng.random() < 0.1,
            status=Vacancy.Status.PUBLISHED,
            published_at=now,
            expires_at=now + timedelta(days=30),
            fanout_done_at=now,  # the benchmark fans out itself
        )
        required = rng.sample(own, min(len(own), rng.randint(1, 2)))
        if rng.random() < 0.3:
            required.append(rng.choice(GENERAL_SKILLS))
        vacancy.required_skills.set([skills[c] for c in dict.fromkeys(required) if c in skills])
        nice = [c for c in rng.sample(GENERAL_SKILLS, rng.randint(0, 2)) if c not in required]
        vacancy.nice_skills.set([skills[c] for c in nice if c in skills])
        ids.append(vacancy.pk)
    return ids


# --- Measuring ------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


NOINDEX = ("SET enable_indexscan = off", "SET enable_bitmapscan = off", "SET enable_indexonlyscan = off")
INDEX = ("RESET enable_indexscan", "RESET enable_bitmapscan", "RESET enable_indexonlyscan")


def _page_statement(vacancy_id: int) -> tuple[str, dict]:
    from vacancies.models import Vacancy
    from vacancies.selectors.matching import candidates_for_vacancy_sql, vacancy_terms

    vacancy = Vacancy.objects.select_related("occupation").get(pk=vacancy_id)
    return candidates_for_vacancy_sql(terms=vacancy_terms(vacancy=vacancy), limit=20, offset=0)


def _timed(cursor, sql: str, params: dict) -> tuple[float, list]:
    started = time.perf_counter()
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    return (time.perf_counter() - started) * 1000, rows


def _explain(cursor, sql: str, params: dict) -> str:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    return "\n".join(row[0] for row in cursor.fetchall())


def measure_selection(vacancy_ids: list[int], *, runs: int, noindex_runs: int, explain: bool) -> dict:
    from django.db import connection

    per_vacancy, select_all, noindex_all = [], [], []
    with connection.cursor() as cursor:
        # The session settings the selector gives its statements (``_statement_settings``): no
        # JIT compilation, no parallel workers. The no-index run uses them too: it is the same
        # statement in the same session, only without index scans.
        cursor.execute("SET jit = off")
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    print(f"\n{'vacancy':>8} {'occup.':>6} {'cands':>7} {'select p50':>10} {'p95':>7} {'noindex p50':>11} {'ratio':>6}")
    with connection.cursor() as cursor:
        for vacancy_id in vacancy_ids:
            sql, params = _page_statement(vacancy_id)
            _, rows = _timed(cursor, sql, params)  # warm-up
            total = rows[0][[c.name for c in cursor.description].index("total")] if rows else 0
            times = [_timed(cursor, sql, params)[0] for _ in range(runs)]
            for statement in NOINDEX:
                cursor.execute(statement)
            try:
                slow = [_timed(cursor, sql, params)[0] for _ in range(noindex_runs)]
            finally:
                for statement in INDEX:
                    cursor.execute(statement)
            select_all += times
            noindex_all += slow
            per_vacancy.append(
                {
                    "vacancy_id": vacancy_id,
                    "occupation": params["occupation_id"],
                    "candidates": total,
                    "select_p50_ms": percentile(times, 50),
                    "select_p95_ms": percentile(times, 95),
                    "noindex_p50_ms": percentile(slow, 50),
                }
            )
            row = per_vacancy[-1]
            print(
                f"{vacancy_id:>8} {row['occupation']:>6} {total:>7} {row['select_p50_ms']:10.1f} "
                f"{row['select_p95_ms']:7.1f} {row['noindex_p50_ms']:11.1f} "
                f"{row['noindex_p50_ms'] / row['select_p50_ms']:6.0f}",
                flush=True,
            )
        biggest = max(per_vacancy, key=lambda r: r["candidates"])
        sql, params = _page_statement(biggest["vacancy_id"])
        plan = _explain(cursor, sql, params)
        for statement in NOINDEX:
            cursor.execute(statement)
        try:
            plan_noindex = _explain(cursor, sql, params)
        finally:
            for statement in INDEX:
                cursor.execute(statement)
    if explain:
        print(f"\n--- EXPLAIN ANALYZE, vacancy {biggest['vacancy_id']} ({biggest['candidates']} candidates)\n{plan}")
        print(f"\n--- the same, index scans off\n{plan_noindex}")
    return {
        "select_p50_ms": percentile(select_all, 50),
        "select_p95_ms": percentile(select_all, 95),
        "select_mean_ms": statistics.fmean(select_all),
        "select_noindex_p50_ms": percentile(noindex_all, 50),
        "select_noindex_p95_ms": percentile(noindex_all, 95),
        "candidates_p50": percentile([r["candidates"] for r in per_vacancy], 50),
        "candidates_max": max(r["candidates"] for r in per_vacancy),
        "explain_vacancy_id": biggest["vacancy_id"],
        "explain": plan,
        "explain_noindex": plan_noindex,
        "vacancies": per_vacancy,
    }


def _reset_fanout(vacancy_ids: list[int]) -> None:
    from django.db import connection

    from notifications.models import Notification
    from vacancies.models import Vacancy

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Notification._meta.db_table} RESTART IDENTITY CASCADE")
    Vacancy.objects.filter(pk__in=vacancy_ids).update(fanout_done_at=None)


def measure_batched(vacancy_ids: list[int]) -> dict:
    from vacancies.services.matching import vacancy_fanout

    _reset_fanout(vacancy_ids)
    created, started = 0, time.perf_counter()
    for vacancy_id in vacancy_ids:
        created += vacancy_fanout(vacancy_id=vacancy_id)
    seconds = time.perf_counter() - started
    return {"batched_created": created, "batched_seconds": seconds, "batched_per_s": created / seconds}


def _one_task():
    """The task of the baseline: one notification, built and inserted as the fan-out would."""
    from exchange.celery import app

    @app.task(name="bench.matching.notify_one", ignore_result=True)
    def notify_one(vacancy_id: int, row: dict) -> None:
        from accounts.models import User
        from notifications.services import notification_create
        from vacancies.models import Vacancy
        from vacancies.services.matching import _match_items, _vacancy_data

        vacancy = Vacancy.objects.select_related("organization", "region").get(pk=vacancy_id)
        (item,) = _match_items(vacancy, [row], _vacancy_data(vacancy), vacancy.get_absolute_url())
        notification_create(
            recipient=User.objects.get(pk=item.recipient_id),
            kind=item.kind,
            subject=item.subject,
            data=item.data,
            url=item.url,
            dedupe_key=item.dedupe_key,
        )

    return notify_one


def measure_one_task(vacancy_ids: list[int], *, sample: int) -> dict:
    """``sample`` notifications of the sample vacancies, one Celery task each, through the real
    broker to a real worker; notifications per second from the first send to the last commit."""
    from celery.contrib.testing.worker import start_worker
    from django.db import connection

    from exchange.celery import app
    from notifications.models import Notification
    from vacancies.models import Vacancy
    from vacancies.selectors.matching import fanout_candidates

    task = _one_task()
    _reset_fanout(vacancy_ids)
    work = []
    for vacancy_id in vacancy_ids:
        vacancy = Vacancy.objects.select_related("occupation", "employment_type", "region").get(pk=vacancy_id)
        with closing(fanout_candidates(vacancy=vacancy)) as chunks:
            for rows in chunks:
                work += [(vacancy_id, row) for row in rows[: sample - len(work)]]
                if len(work) >= sample:
                    break
        if len(work) >= sample:
            break
    connection.close()
    broker = app.conf.broker_url.split("://")[0]
    # The batched fan-out scheduled its deliveries on this queue: they are not part of the
    # baseline, so they are dropped before its worker starts (and whatever is left, after).
    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
        started = time.perf_counter()
        for vacancy_id, row in work:
            task.apply_async(args=[vacancy_id, row], queue=BENCH_QUEUE)
        sent = time.perf_counter() - started
        deadline = time.monotonic() + max(600, len(work))
        while (done := Notification.objects.count()) < len(work):
            if time.monotonic() > deadline:
                raise SystemExit(f"one-task baseline: only {done} of {len(work)} notifications after the deadline")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    app.control.purge()
    return {
        "one_task_sample": len(work),
        "one_task_seconds": seconds,
        "one_task_send_seconds": sent,
        "one_task_per_s": len(work) / seconds,
        "broker": broker,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seekers", type=int, required=True, help="how many job seekers the database should hold")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as one JSON object")
    parser.add_argument(
        "--database-url", help=f"benchmark database (default: {BENCH_DATABASE} on DATABASE_URL's server)"
    )
    parser.add_argument("--vacancies", type=int, default=20, help="vacancies whose selection is timed (default 20)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per vacancy (default 5)")
    parser.add_argument("--noindex-runs", type=int, default=1, help="timed runs per vacancy without indexes (1)")
    parser.add_argument(
        "--one-task-sample", type=int, default=2000, help="notifications of the one-task baseline (2000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reload", action="store_true", help="reload even if the database already holds N seekers")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the biggest selection")
    args = parser.parse_args(argv)
    if args.seekers < 1:
        parser.error("--seekers must be at least 1")
    if not 1 <= args.vacancies <= SAMPLE_VACANCIES:
        parser.error(f"--vacancies must be between 1 and {SAMPLE_VACANCIES}")

    url = common.bench_database_url(BENCH_DATABASE, args.database_url)
    common.ensure_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("loadcatalog", verbosity=0)
    count, generator, loaded_at = loaded_state()
    timings = {}
    if args.reload or count != args.seekers or generator != GENERATOR_VERSION:
        print(f"loading {args.seekers:,} seekers into {connection.settings_dict['NAME']} (held {count:,})")
        started = time.perf_counter()
        timings = load(args.seekers, seed=args.seed)
        timings["load_seconds"] = time.perf_counter() - started
        print(
            "loaded in {load_seconds:.0f} s: COPY {copy_seconds:.0f} s, indexes {index_seconds:.0f} s, "
            "VACUUM ANALYZE {analyze_seconds:.0f} s, matching rows {matching_rows_seconds:.0f} s".format(**timings)
        )
    else:
        print(f"reusing {count:,} seekers in {connection.settings_dict['NAME']} (loaded {loaded_at:%Y-%m-%d %H:%M})")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {MATCHING_TABLE})")
            filled = cursor.fetchone()[0]
        if not filled and count:
            timings["matching_rows_seconds"] = rebuild_matching_rows(_conninfo())
    vacancy_ids = create_vacancies(seed=args.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE vacancies_vacancy")
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FILTER (WHERE has_consent AND visibility = 'visible' AND search_status <> 'not_looking'), "
            "count(*) FROM accounts_seekerprofile"
        )
        matchable, total = cursor.fetchone()
    print(f"{matchable:,} of {total:,} seekers can be matched; {server.split(',')[0]}")

    figures = measure_selection(
        vacancy_ids[: args.vacancies], runs=args.runs, noindex_runs=args.noindex_runs, explain=args.explain
    )
    figures["noindex_over_select_p95"] = figures["select_noindex_p95_ms"] / figures["select_p95_ms"]
    figures["noindex_over_select_p50"] = figures["select_noindex_p50_ms"] / figures["select_p50_ms"]
    print("\nbatched fan-out of the sample vacancies…", flush=True)
    figures.update(measure_batched(vacancy_ids))
    print(f"one task per notification ({args.one_task_sample} through the broker)…", flush=True)
    figures.update(measure_one_task(vacancy_ids, sample=args.one_task_sample))
    figures["batched_over_one_task"] = figures["batched_per_s"] / figures["one_task_per_s"]

    verdict = {True: "ok", False: "MISSED"}
    at_scale = " (targets are for 1M seekers)" if args.seekers < 1_000_000 else ""
    print(
        f"\n{'measure':<44} {'value':>12}   target{at_scale}\n"
        f"{'select + score, p50 (ms)':<44} {figures['select_p50_ms']:12.1f}\n"
        f"{'select + score, p95 (ms)':<44} {figures['select_p95_ms']:12.1f}   < 150: "
        f"{verdict[figures['select_p95_ms'] < 150]}\n"
        f"{'same without index scans, p95 (ms)':<44} {figures['select_noindex_p95_ms']:12.1f}\n"
        f"{'noindex p95 / select p95':<44} {figures['noindex_over_select_p95']:12.1f}   >= 50: "
        f"{verdict[figures['noindex_over_select_p95'] >= 50]}\n"
        f"{'noindex p50 / select p50':<44} {figures['noindex_over_select_p50']:12.1f}\n"
        f"{'batched fan-out (notifications/s)':<44} {figures['batched_per_s']:12.0f}   "
        f"({figures['batched_created']:,} in {figures['batched_seconds']:.1f} s)\n"
        f"{'one task per notification (notifications/s)':<44} {figures['one_task_per_s']:12.1f}   "
        f"({figures['one_task_sample']:,} in {figures['one_task_seconds']:.1f} s, {figures['broker']} broker)\n"
        f"{'batched / one task':<44} {figures['batched_over_one_task']:12.1f}   >= 10: "
        f"{verdict[figures['batched_over_one_task'] >= 10]}"
    )
    if args.json:
        document = {
            "seekers": args.seekers,
            "matchable_seekers": matchable,
            "server": server,
            "runs": args.runs,
            "noindex_runs": args.noindex_runs,
            **timings,
            **figures,
        }
        Path(args.json).write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
