"""Public statistics benchmark: one refresh of the aggregates, then every statistics page.

    python bench/stats.py --vacancies 1000000 --seekers 1000000 [--json FILE] [--database-url URL]

1. Works in a database of its own: ``exchange_bench_stats`` on ``DATABASE_URL``'s server (or the
   embedded one), or the one ``--database-url`` names; migrated, catalogs loaded.
2. Loads N vacancies and M job seekers with their applications, application events and
   referrals, unless the database already holds the same N and M from this generator
   (``--reload`` forces it). Rows go in with COPY from two processes behind a progress bar, the
   tables' secondary indexes dropped during the load and rebuilt after it, then VACUUM ANALYZE.
   Vacancies: 1,000 employers, every region (big cities weighted), every ISCO-08 unit group,
   7 in 10 published, the rest closed, filled, expired, drafts...; 85 % state a salary; 3 % belong
   to one of 60 national projects. Seekers: ages 18-60, about 1.4 applications each over the
   last 24 months, each with its events (submitted, interview, offer, hired / rejected...), 3 %
   of them referrals by an employment centre; a referral limit per region for the year.
3. Times one refresh (``stats_refresh``: every aggregate, from the big tables), then measures
   p50/p95 of every statistics page, CSV, API endpoint and the administrators' workbook through
   Django's test client (DEBUG off, persistent connections), languages in turn.
4. Prints a table; ``--json FILE`` writes one object with ``vacancies``, ``seekers``,
   ``applications``, ``refresh_s``, ``pages_p95_ms`` (the slowest of them all), ``html_p95_ms``,
   ``api_p95_ms``, ``csv_p95_ms`` and one row per URL.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _common as common

BENCH_DATABASE = "exchange_bench_stats"
META_TABLE = "bench_stats_meta"
# Bump when the generated data changes: a database loaded by another version is reloaded.
GENERATOR_VERSION = 1
ORGANIZATIONS = 1000
PROJECTS = 60
# Sparse id blocks, so each load worker writes its own ids without asking the database.
MAX_APPLICATIONS = 4
EVENTS_PER_APPLICATION = 4
LANGUAGES = ("en", "ru", "kk")

REGION_WEIGHTS = {"KZ-71": 14, "KZ-75": 18, "KZ-79": 8, "KZ-35": 7, "KZ-23": 5, "KZ-47": 4, "KZ-63": 5, "KZ-55": 4}
EMPLOYMENT_WEIGHTS = {
    "full_time": 65, "part_time": 10, "shift": 10, "temporary": 5, "internship": 4, "remote": 3, "platform": 3,
}  # fmt: skip
VACANCY_STATUS_WEIGHTS = {
    "published": 70, "closed": 10, "filled": 5, "expired": 8, "draft": 3, "pending": 2, "paused": 2,
}  # fmt: skip
APPLICATION_STATUS_WEIGHTS = {
    "submitted": 38, "viewed": 18, "shortlisted": 8, "interview": 8, "offer": 2, "hired": 7, "rejected": 15,
    "withdrawn": 4,
}  # fmt: skip
APPLICATIONS_PER_SEEKER = (0, 1, 1, 1, 1, 2, 2, 3)
# Typical monthly salary by ISCO-08 major group, KZT.
GROUP_SALARY = {"0": 300_000, "1": 700_000, "2": 450_000, "3": 350_000, "4": 230_000, "5": 200_000,
                "6": 180_000, "7": 320_000, "8": 330_000, "9": 150_000}  # fmt: skip
TITLES = {"ru": "Вакансия", "kk": "Бос орын", "en": "Vacancy"}

VACANCY_COLUMNS = [
    "id", "organization_id", "external_id", "title", "occupation_id", "description", "duties", "requirements",
    "education_level_id", "experience_years", "skills_text", "languages", "salary_min", "salary_max", "salary_is_gross",
    "employment_type_id", "schedule_id", "region_id", "locality", "address", "is_remote", "positions",
    "positions_filled", "is_youth_friendly", "is_quota", "has_social_package", "national_project_id", "contact_name",
    "contact_phone", "contact_email", "status", "status_reason", "published_at", "expires_at", "created_at",
    "updated_at",
]  # fmt: skip
SEEKER_COLUMNS = {
    "accounts_user": [
        "id", "password", "is_superuser", "email", "full_name", "role", "language", "is_active", "is_staff",
        "date_joined", "created_at", "updated_at",
    ],
    "accounts_seekerprofile": [
        "id", "user_id", "birth_date", "sex", "phone", "region_id", "locality", "headline", "about", "other_skills",
        "desired_salary", "willing_to_relocate", "remote_ok", "search_status", "visibility", "has_consent",
        "created_at", "updated_at",
    ],
    "vacancies_application": [
        "id", "vacancy_id", "seeker_id", "source", "cover_letter", "cv_snapshot", "status", "status_reason",
        "seeker_region_id", "seeker_was_youth", "created_at", "updated_at",
    ],
    "vacancies_applicationevent": [
        "id", "application_id", "from_status", "to_status", "note", "created_at", "updated_at",
    ],
    "vacancies_referral": [
        "id", "application_id", "centre_id", "region_id", "reply_deadline", "outcome", "created_at", "updated_at",
    ],
}  # fmt: skip
LOADED_TABLES = [
    "vacancies_vacancy", "accounts_user", "accounts_seekerprofile", "vacancies_application",
    "vacancies_applicationevent", "vacancies_referral",
]  # fmt: skip


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- Generating rows ------------------------------------------------------------------------------


class Plan:
    """Ids and catalog rows the generators need, read once in the parent before the fork."""

    def __init__(self, *, vacancies: int, seekers: int, seed: int):
        from accounts.models import EmploymentCentre, Organization
        from catalog.models import EmploymentType, Occupation, Region, WorkSchedule
        from vacancies.models import NationalProject

        self.vacancies, self.seekers, self.seed = vacancies, seekers, seed
        self.now = datetime.datetime.now(datetime.UTC)
        self.regions = list(Region.objects.order_by("code").values_list("code", "pk"))
        self.region_weights = [REGION_WEIGHTS.get(code, 2) for code, _pk in self.regions]
        self.occupations = list(Occupation.objects.filter(level=4).values_list("pk", "code"))
        self.employment_types = dict(EmploymentType.objects.values_list("code", "pk"))
        self.schedules = list(WorkSchedule.objects.values_list("pk", flat=True))
        self.organizations = list(Organization.objects.values_list("pk", flat=True))
        self.projects = list(NationalProject.objects.values_list("pk", flat=True))
        self.centres = dict(EmploymentCentre.objects.values_list("region_id", "pk"))
        self.vacancy_base = 1
        from django.db.models import Max

        from accounts.models import User

        self.user_base = (User.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.vacancy_regions: list[int] | None = None

    def region(self, rng: random.Random) -> tuple[str, int]:
        return rng.choices(self.regions, weights=self.region_weights)[0]


def vacancy_rows(plan: Plan, index: int, workers: int):
    rng = random.Random(plan.seed * 1000 + index)
    now = plan.now
    for j in range(index, plan.vacancies, workers):
        occupation_id, isco = rng.choice(plan.occupations)
        _code, region_id = plan.region(rng)
        status = _weighted(rng, VACANCY_STATUS_WEIGHTS)
        if status in ("published", "paused"):
            published = now - datetime.timedelta(seconds=rng.randint(60, 60 * 86400))
        elif status in ("closed", "filled", "expired"):
            published = now - datetime.timedelta(seconds=rng.randint(31 * 86400, 730 * 86400))
        else:
            published = None
        expires = published + datetime.timedelta(days=30) if published else None
        created = (published or now) - datetime.timedelta(seconds=rng.randint(600, 3 * 86400))
        salary_min = salary_max = None
        shape = rng.random()
        if shape < 0.85:
            base = int(GROUP_SALARY[isco[0]] * rng.uniform(0.6, 1.6) / 10_000) * 10_000
            if shape < 0.70:
                salary_min, salary_max = base, int(base * rng.uniform(1.1, 1.6) / 10_000) * 10_000
            elif shape < 0.80:
                salary_min = base
            else:
                salary_max = base
        positions = rng.choice((1, 1, 1, 2, 3, 5, 10))
        filled = positions if status == "filled" else (rng.randint(0, positions - 1) if positions > 1 else 0)
        language = rng.choice(("ru", "ru", "kk", "en"))
        yield (
            "vacancies_vacancy",
            (
                plan.vacancy_base + j, rng.choice(plan.organizations), "", f"{TITLES[language]} {isco} №{j}",
                occupation_id, "Описание вакансии.", "", "", None, rng.choice((0, 0, 1, 2, 3, 5)), "", [language],
                salary_min, salary_max, True, plan.employment_types[_weighted(rng, EMPLOYMENT_WEIGHTS)],
                rng.choice(plan.schedules), region_id, "", "", False, positions, filled, rng.random() < 0.2,
                rng.random() < 0.05, rng.random() < 0.4,
                rng.choice(plan.projects) if plan.projects and rng.random() < 0.03 else None, "", "", "", status, "",
                published, expires, created, max(created, published or created),
            ),
        )  # fmt: skip


def seeker_rows(plan: Plan, index: int, workers: int):
    """One seeker after another: the user, the profile, the applications with their events and
    referrals (ids in blocks per seeker, so workers never collide)."""
    rng = random.Random(plan.seed * 1000 + 500 + index)
    now = plan.now
    today = now.date()
    statuses = list(APPLICATION_STATUS_WEIGHTS)
    status_weights = list(APPLICATION_STATUS_WEIGHTS.values())
    for j in range(index, plan.seekers, workers):
        user_id = plan.user_base + j
        joined = now - datetime.timedelta(seconds=rng.randint(86400, 900 * 86400))
        yield (
            "accounts_user",
            (
                user_id,
                "!",
                False,
                f"seeker{j}@bench.kz",
                f"Seeker {j}",
                "seeker",
                "ru",
                True,
                False,
                joined,
                joined,
                joined,
            ),
        )
        age_days = rng.randint(18 * 365, 60 * 365)
        birth = today - datetime.timedelta(days=age_days)
        _code, region_id = plan.region(rng)
        yield (
            "accounts_seekerprofile",
            (
                j + 1, user_id, birth, rng.choice(("male", "female")), "", region_id, "", "", "", "",
                rng.choice((None, 200_000, 300_000, 450_000)), False, False, "active",
                "visible" if rng.random() < 0.6 else "hidden", rng.random() < 0.9, joined, joined,
            ),
        )  # fmt: skip
        chosen = set()
        for k in range(rng.choice(APPLICATIONS_PER_SEEKER)):
            vacancy_id = plan.vacancy_base + rng.randrange(plan.vacancies)
            if vacancy_id in chosen:
                continue
            chosen.add(vacancy_id)
            application_id = j * MAX_APPLICATIONS + k + 1
            created = now - datetime.timedelta(seconds=rng.randint(600, 730 * 86400))
            status = rng.choices(statuses, weights=status_weights)[0]
            source = "referral" if rng.random() < 0.03 else rng.choice(("direct",) * 12 + ("invitation", "fair"))
            youth = (created.date() - birth).days < 35 * 365
            yield (
                "vacancies_application",
                (application_id, vacancy_id, user_id, source, "", "{}", status, "", region_id, youth, created, created),
            )
            steps = ["submitted"]
            if status in ("interview", "offer", "hired") or (status == "rejected" and rng.random() < 0.3):
                steps.append("interview")
            if status in ("offer", "hired"):
                steps.append("offer")
            if status in ("hired", "rejected", "withdrawn", "viewed", "shortlisted"):
                steps.append(status)
            at, previous = created, ""
            for number, step in enumerate(steps):
                if number:
                    at = min(now, at + datetime.timedelta(seconds=rng.randint(3600, 20 * 86400)))
                yield (
                    "vacancies_applicationevent",
                    (application_id * EVENTS_PER_APPLICATION + number, application_id, previous, step, "", at, at),
                )
                previous = step
            if source == "referral":
                outcome = {"hired": "hired", "rejected": "not_hired", "withdrawn": "not_hired"}.get(status, "pending")
                yield (
                    "vacancies_referral",
                    (
                        application_id, application_id, plan.centres[region_id], region_id,
                        (created + datetime.timedelta(days=10)).date(), outcome, created, created,
                    ),
                )  # fmt: skip


# --- Loading ----------------------------------------------------------------------------------------


def seed_small_tables(plan_seed: int) -> None:
    """Employers, programmes and projects, employment centres, referral limits and an administrator."""
    from accounts.models import EmploymentCentre, Organization, User
    from accounts.validators import make_bin
    from catalog.models import Industry, Region
    from vacancies.models import NationalProgramme, NationalProject, ReferralQuota

    rng = random.Random(plan_seed)
    regions = list(Region.objects.all())
    industries = list(Industry.objects.all())
    organizations, serial = [], 0
    for index in range(ORGANIZATIONS):
        while (bin_ := make_bin(2010 + index % 14, 1 + index % 12, 4, serial)) is None:
            serial += 1
        serial += 1
        organizations.append(
            Organization(
                bin=bin_,
                legal_name=f"Employer {index} LLP",
                region=rng.choice(regions),
                industry=rng.choice(industries),
                size=Organization.Size.SMALL,
                status=Organization.Status.VERIFIED if rng.random() < 0.9 else Organization.Status.PENDING,
            )
        )
    Organization.objects.bulk_create(organizations)
    year = datetime.date.today().year
    programme = NationalProgramme.objects.create(code="bench", name_en="Benchmark programme")
    NationalProject.objects.bulk_create(
        NationalProject(
            programme=programme,
            name=f"Project {i}",
            region=rng.choice(regions),
            planned_permanent_jobs=rng.randint(50, 2000),
            planned_temporary_jobs=rng.randint(0, 1000),
            start_year=year - rng.randint(0, 2),
            end_year=year + rng.randint(0, 3),
        )
        for i in range(PROJECTS)
    )
    EmploymentCentre.objects.bulk_create(EmploymentCentre(name=f"Centre of {r.code}", region=r) for r in regions)
    ReferralQuota.objects.bulk_create(
        ReferralQuota(region=r, year=year, limit=rng.randint(2000, 20000)) for r in regions
    )
    User.objects.create_user(
        email="admin@bench.kz", password="bench-admin-password", role=User.Role.ADMIN, is_staff=True
    )


def load(*, vacancies: int, seekers: int, seed: int) -> dict:
    from django.db import connection

    timings = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE vacancies_vacancy, vacancies_nationalproject, vacancies_nationalprogramme, "
            "vacancies_referralquota, accounts_organization, accounts_employmentcentre, accounts_user, "
            "stats_statsnapshot, stats_statrefresh RESTART IDENTITY CASCADE"
        )
    seed_small_tables(seed)
    plan = Plan(vacancies=vacancies, seekers=seekers, seed=seed)
    indexes = sorted(dict(common.secondary_indexes(LOADED_TABLES) + common.pending_indexes()).items())
    common.drop_indexes(indexes)
    timings["vacancies_copy_s"] = common.copy_parallel(
        source=lambda index, workers: vacancy_rows(plan, index, workers),
        columns={"vacancies_vacancy": VACANCY_COLUMNS},
        total=vacancies,
        unit="vacancies_vacancy",
        desc="vacancies (COPY)",
    )
    timings["seekers_copy_s"] = common.copy_parallel(
        source=lambda index, workers: seeker_rows(plan, index, workers),
        columns=SEEKER_COLUMNS,
        total=seekers,
        unit="accounts_user",
        desc="seekers, applications, events (COPY)",
    )
    params = common.conninfo()
    timings["index_s"] = common.build_indexes(params, indexes)
    common.set_sequences(LOADED_TABLES)
    timings["analyze_s"] = common.vacuum_analyze(params, LOADED_TABLES)
    timings["load_s"] = time.perf_counter() - started
    common.meta_write(
        META_TABLE,
        {"vacancies": vacancies, "seekers": seekers, "generator": GENERATOR_VERSION, "seed": seed},
    )
    return timings


def loaded_matches(*, vacancies: int, seekers: int, seed: int) -> bool:
    meta = common.meta_read(META_TABLE)
    return bool(
        meta
        and meta.get("vacancies") == vacancies
        and meta.get("seekers") == seekers
        and meta.get("generator") == GENERATOR_VERSION
        and meta.get("seed") == seed
    )


# --- Measuring --------------------------------------------------------------------------------------


def urls() -> list[tuple[str, str, bool]]:
    """(kind, url, as administrator) of every statistics URL that answers a GET."""
    from django.urls import reverse

    from stats.definitions import CHARTS, SECTIONS

    result = [("html", reverse("stats:overview"), False)]
    result += [("html", reverse("stats:section", args=[section.slug]), False) for section in SECTIONS]
    result.append(("html", reverse("stats:section", args=["projects"]) + "?metric=hires", False))
    result.append(("html", reverse("stats:overview"), True))  # with the administrator's refresh panel
    result.append(("csv", reverse("stats:headline-csv"), False))
    result += [("csv", reverse("stats:chart-csv", args=[chart.slug]), False) for chart in CHARTS]
    result.append(("xlsx", reverse("stats:export"), True))
    result += [("api", reverse("api-stats"), False), ("api", reverse("api-stats-headline"), False)]
    result += [("api", reverse(f"api-stats-{chart.slug}"), False) for chart in CHARTS]
    result.append(("api", reverse("api-stats-refresh"), True))
    return result


def measure(*, runs: int, warmup: int) -> list[dict]:
    """p50/p95 per URL. Pages and the workbook draw their charts once per refresh and language and
    keep the drawing in the cache: they are measured warm (as readers get them) and, in
    ``cold_p95_ms``, with the cache emptied before every request (the first reader after a
    refresh)."""
    from django.core.cache import cache
    from django.test import Client

    from accounts.models import User

    anonymous = Client()
    admin = Client()
    admin.force_login(User.objects.get(email="admin@bench.kz"))
    rows = []
    sizes = {}

    def timed(client, url: str, runs: int, *, cold: bool) -> list[float]:
        timings = []
        for run in range(runs):
            if cold:
                cache.clear()
            language = LANGUAGES[run % len(LANGUAGES)]
            started = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            sizes[url] = len(response.content)
        return timings

    for kind, url, as_admin in urls():
        client = admin if as_admin else anonymous
        timed(client, url, warmup, cold=False)
        warm = timed(client, url, runs, cold=False)
        row = {
            "kind": kind,
            "url": url + (" (admin)" if as_admin else ""),
            "p50_ms": round(common.percentile(warm, 50), 2),
            "p95_ms": round(common.percentile(warm, 95), 2),
            "cold_p95_ms": None,
            "bytes": sizes[url],
        }
        if kind in ("html", "xlsx"):
            row["cold_p95_ms"] = round(common.percentile(timed(client, url, runs, cold=True), 95), 2)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vacancies", type=int, default=20000)
    parser.add_argument("--seekers", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="another database to work in (it is emptied and loaded)")
    parser.add_argument("--reload", action="store_true", help="load even when the database holds the same data")
    parser.add_argument("--json", metavar="FILE", help="write the results as one JSON object")
    args = parser.parse_args(argv)

    url = common.bench_database_url(BENCH_DATABASE, args.database_url)
    common.ensure_database(url)
    common.setup_django(url)
    common.migrate_and_load_catalog()
    logging.getLogger("axes").setLevel(logging.WARNING)
    leftover = common.pending_indexes()
    if leftover:
        print("an earlier load stopped before building its indexes again", flush=True)
        common.build_indexes(common.conninfo(), leftover)

    timings = {}
    if args.reload or not loaded_matches(vacancies=args.vacancies, seekers=args.seekers, seed=args.seed):
        print(f"loading {args.vacancies:,} vacancies and {args.seekers:,} seekers…", flush=True)
        timings = load(vacancies=args.vacancies, seekers=args.seekers, seed=args.seed)
        print(
            "loaded in {load_s:.0f} s: vacancies {vacancies_copy_s:.0f} s, seekers {seekers_copy_s:.0f} s, "
            "indexes {index_s:.0f} s, analyze {analyze_s:.0f} s".format(**timings),
            flush=True,
        )
    else:
        print(f"reusing the {args.vacancies:,} vacancies and {args.seekers:,} seekers already loaded", flush=True)

    from django.db import connection

    from stats.services import stats_refresh
    from vacancies.models import Application

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'vacancies_application'")
        applications = cursor.fetchone()[0]

    started = time.perf_counter()
    stats_refresh()
    refresh_s = time.perf_counter() - started
    started = time.perf_counter()
    stats_refresh()
    second_refresh_s = time.perf_counter() - started
    print(f"refresh: {refresh_s:.2f} s (again: {second_refresh_s:.2f} s)", flush=True)

    rows = measure(runs=args.runs, warmup=args.warmup)
    width = max(len(row["url"]) for row in rows)
    print(f"\n{'kind':5} {'url':{width}} {'p50 ms':>8} {'p95 ms':>8} {'cold p95':>9} {'bytes':>9}")
    for row in rows:
        cold = f"{row['cold_p95_ms']:9.1f}" if row["cold_p95_ms"] is not None else f"{'':9}"
        print(
            f"{row['kind']:5} {row['url']:{width}} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {cold} {row['bytes']:9,}"
        )

    def slowest(kinds):
        return max((row["p95_ms"] for row in rows if row["kind"] in kinds), default=None)

    result = {
        "vacancies": args.vacancies,
        "seekers": args.seekers,
        "applications": applications or Application.objects.count(),
        "refresh_s": round(refresh_s, 3),
        "second_refresh_s": round(second_refresh_s, 3),
        "pages_p95_ms": slowest({"html", "csv", "api", "xlsx"}),
        "html_p95_ms": slowest({"html"}),
        "csv_p95_ms": slowest({"csv"}),
        "api_p95_ms": slowest({"api"}),
        "xlsx_p95_ms": slowest({"xlsx"}),
        "pages_cold_p95_ms": max(row["cold_p95_ms"] for row in rows if row["cold_p95_ms"] is not None),
        "runs_per_url": args.runs,
        "load": {key: round(value, 1) for key, value in timings.items()},
        "urls": rows,
    }
    verdict = "under" if result["pages_p95_ms"] < 200 else "OVER"
    print(
        f"\nslowest p95: {result['pages_p95_ms']:.1f} ms ({verdict} the 200 ms target); one refresh: {refresh_s:.2f} s",
        flush=True,
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
