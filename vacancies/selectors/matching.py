"""Matching job seekers and vacancies: a 0-100 score with its reasons, computed in SQL.

The score (``WEIGHTS``; the parts add up to 100)::

    occupation   35  the seeker wants the vacancy's ISCO-08 unit group
                 20  ... a group of the same minor group (first 3 digits)
                 10  ... of the same major group (first digit)
    skills       20  share of the vacancy's required skills the seeker has (none required: 20)
                  5  share of its nice-to-have skills (none listed: 5)
    location     15  same region, or a remote vacancy and the seeker works remotely
                 10  another region, but the seeker is willing to relocate
    salary       10  no wish, or the top of the vacancy's range reaches the wish
                  5  no salary stated, or the top reaches 80 % of the wish
    experience   10  none required, or the seeker's years (sum of their jobs) reach it
                  5  at least half of it
    education     5  none required, or the seeker finished at least that level

Reasons are structured (``{"code", "params"}``, ``MatchReason``) and rendered in the active
language when shown, phrased for the side that reads them (``viewer`` "seeker" or "employer").

Hard filters, applied before any scoring: the profile has consent, is visible and its owner is
actively looking or open to offers (``search_status``), the account is active, and the vacancy
is published and not expired. Eligibility rules of the vacancy (e.g. youth-only places) belong
in ``_vacancy_eligibility_sql``; ``Vacancy`` has no such restriction today (``is_youth_friendly``
*welcomes* young people, it excludes nobody), so the hook adds nothing yet.

The candidate set is found with indexed pre-filters, never by reading every seeker
(``_pool_sql``): a seeker is a candidate for a vacancy when one of their desired occupations is
in the vacancy's minor group and the location fits (same region, willing to relocate, or remote
on both sides). Both are read from the seekers' *matching rows* (``MATCHING_TABLE``: one compact
row per seeker and minor group, with every hard filter folded into ``discoverable``, kept in step
with the CV by triggers; ``vacancies.migrations.0004_seeker_matching_rows`` explains it): two
index-only range scans of partial covering indexes, and the score computed from the index
tuples in the same pass. A page does not even score every candidate when it need not
(``candidates_for_vacancy_sql``). The ranking, the page and the threshold are applied by
PostgreSQL. The seeker's own view of one vacancy reads the CV's own tables by key
(``_one_seeker_sql``), and the other direction (vacancies for a seeker) is the mirror image over
the published vacancies.

Skills are scored, not used as a pre-filter: general skills are common (a driving licence B,
Excel, customer service are on a third of the CVs), so "has one of the required skills" made a
third of all seekers candidates for a driver's vacancy, and the candidate query had to score
them all. A seeker of another occupation group scores at most 65 anyway.

The "Vacancies for you" list of a seeker needs their consent (it profiles their CV) but not a
visible or looking profile: hiding the CV from employers or pausing the search should not stop
the seeker from browsing suggestions; it does stop employers' lists and the alerts.
"""

# The SQL here is assembled from table names (model ``_meta``) and integer constants only; every
# value is a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import Education, SeekerProfile, User, WorkExperience
from accounts.selectors.access import can_act_in_region, membership_of, require_role
from accounts.selectors.seekers import seeker_profile_get_own
from catalog.models import EducationLevel, Occupation, Skill
from vacancies.forms.matching import saved_search_filters
from vacancies.models import SavedSearch, Vacancy
from vacancies.selectors.search import vacancy_search_matches, vacancy_search_query

# --- Weights ----------------------------------------------------------------------------------

WEIGHTS = {
    "occupation_exact": 35,
    "occupation_minor": 20,
    "occupation_major": 10,
    "skills_required": 20,
    "skills_nice": 5,
    "location": 15,
    "relocation": 10,
    "salary": 10,
    "salary_near": 5,
    "experience": 10,
    "experience_half": 5,
    "education": 5,
}
MAX_SCORE = (
    WEIGHTS["occupation_exact"]
    + WEIGHTS["skills_required"]
    + WEIGHTS["skills_nice"]
    + WEIGHTS["location"]
    + WEIGHTS["salary"]
    + WEIGHTS["experience"]
    + WEIGHTS["education"]
)
assert MAX_SCORE == 100
# A profile match is notified from this score up: an exact occupation with the location right
# gets there on its own; a related one needs most of the skills too.
NOTIFY_THRESHOLD = 60
# Occupation levels in the SQL: 3 exact unit group, 2 same minor group, 1 same major group.
OCC_EXACT, OCC_MINOR, OCC_MAJOR = 3, 2, 1
# Location in the SQL: 3 same region, 2 remote on both sides, 1 willing to relocate.
LOC_REGION, LOC_REMOTE, LOC_RELOCATE = 3, 2, 1
DAYS_PER_YEAR = 365

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Lists rank at most this many rows: nobody reads page 26 of suggestions, and the cap keeps
# OFFSET cheap.
MAX_RESULTS = 500

SEEKER = "seeker"
EMPLOYER = "employer"

ELIGIBLE_STATUSES = (SeekerProfile.SearchStatus.ACTIVE, SeekerProfile.SearchStatus.OPEN)


def _tables() -> dict[str, str]:
    return {
        "profile": SeekerProfile._meta.db_table,
        "user": User._meta.db_table,
        "desired": SeekerProfile.desired_occupations.through._meta.db_table,
        "skills": SeekerProfile.skills.through._meta.db_table,
        "experience": WorkExperience._meta.db_table,
        "education": Education._meta.db_table,
        "level": EducationLevel._meta.db_table,
        "vacancy": Vacancy._meta.db_table,
        "required": Vacancy.required_skills.through._meta.db_table,
        "nice": Vacancy.nice_skills.through._meta.db_table,
    }


def _score_parts() -> dict[str, str]:
    """The points of each part of the score, as SQL over the component columns of one (seeker,
    vacancy) row ``m`` (both directions produce the same columns). Integer arithmetic; salaries
    in bigint so no product overflows."""
    w = WEIGHTS
    return {
        "occupation": f"""CASE m.occ_level WHEN {OCC_EXACT} THEN {w["occupation_exact"]}
                          WHEN {OCC_MINOR} THEN {w["occupation_minor"]}
                          WHEN {OCC_MAJOR} THEN {w["occupation_major"]} ELSE 0 END""",
        "skills": f"""(CASE WHEN m.req_total = 0 THEN {w["skills_required"]}
                       ELSE ({w["skills_required"]} * m.req_covered) / m.req_total END)
                    + (CASE WHEN m.nice_total = 0 THEN {w["skills_nice"]}
                       ELSE ({w["skills_nice"]} * m.nice_covered) / m.nice_total END)""",
        "location": f"""CASE m.loc WHEN {LOC_REGION} THEN {w["location"]} WHEN {LOC_REMOTE} THEN {w["location"]}
                        WHEN {LOC_RELOCATE} THEN {w["relocation"]} ELSE 0 END""",
        "salary": f"""CASE WHEN m.desired_salary IS NULL THEN {w["salary"]}
                      WHEN m.salary_top IS NULL THEN {w["salary_near"]}
                      WHEN m.salary_top >= m.desired_salary THEN {w["salary"]}
                      WHEN m.salary_top::bigint * 5 >= m.desired_salary::bigint * 4 THEN {w["salary_near"]}
                      ELSE 0 END""",
        "experience": f"""CASE WHEN m.exp_need = 0 OR m.exp_days >= m.exp_need * {DAYS_PER_YEAR} THEN {w["experience"]}
                          WHEN m.exp_days * 2 >= m.exp_need * {DAYS_PER_YEAR} THEN {w["experience_half"]}
                          ELSE 0 END""",
        "education": f"CASE WHEN m.edu_need IS NULL OR m.edu_have >= m.edu_need THEN {w['education']} ELSE 0 END",
    }


def _score_sql() -> str:
    return "(" + " + ".join(f"({sql})" for sql in _score_parts().values()) + ")"


def _seeker_eligibility_sql(*, require_discoverable: bool = True) -> str:
    """Hard filters on the seeker's profile ``p`` (the account must also be an active seeker's)."""
    statuses = ", ".join(f"'{status}'" for status in ELIGIBLE_STATUSES)
    sql = "p.has_consent"
    if require_discoverable:
        sql += f" AND p.visibility = '{SeekerProfile.Visibility.VISIBLE}' AND p.search_status IN ({statuses})"
    return sql


def _vacancy_eligibility_sql() -> str:
    """Hard filters on the vacancy (``v``): published and not expired. Eligibility rules that
    restrict who may take a vacancy (a youth-only place, say) go here once a vacancy can carry
    them; none exists yet."""
    return f"v.status = '{Vacancy.Status.PUBLISHED}' AND v.expires_at > %(now)s AND v.published_at IS NOT NULL"


# --- Reasons ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchReason:
    code: str
    params: dict = field(default_factory=dict)
    # "good", "bad" or "info": how a page colours it.
    tone: str = "good"

    def as_data(self) -> dict:
        return {"code": self.code, "params": self.params, "tone": self.tone}

    def text(self, *, viewer: str = SEEKER, names: dict | None = None) -> str:
        """The reason in the active language. ``names`` maps skill and education-level ids to
        their display names (``reason_names``); without it codes are shown."""
        return _reason_text(self, viewer=viewer, names=names or {})


def _reason_text(reason: MatchReason, *, viewer: str, names: dict) -> str:
    p = reason.params
    seeker = viewer == SEEKER
    code = reason.code
    if code == "occupation_exact":
        return gettext("Same occupation")
    if code == "occupation_minor":
        return gettext("Same occupation group")
    if code == "occupation_major":
        return gettext("Related occupation (same major group)")
    if code == "skills_required":
        return ngettext(
            "%(covered)s of %(total)s required skill", "%(covered)s of %(total)s required skills", p["total"]
        ) % {"covered": p["covered"], "total": p["total"]}
    if code == "skills_missing":
        skills = ", ".join(names.get(("skill", skill_id), str(skill_id)) for skill_id in p["skills"])
        return gettext("Missing: %(skills)s") % {"skills": skills}
    if code == "skills_nice":
        return ngettext(
            "%(covered)s of %(total)s nice-to-have skill", "%(covered)s of %(total)s nice-to-have skills", p["total"]
        ) % {"covered": p["covered"], "total": p["total"]}
    if code == "same_region":
        return gettext("Same region")
    if code == "remote":
        return gettext("Remote work")
    if code == "relocate":
        return gettext("Willing to relocate")
    if code == "salary_above_wish":
        return gettext("Salary above your wish") if seeker else gettext("Salary above the candidate's wish")
    if code == "salary_meets_wish":
        return gettext("Salary reaches your wish") if seeker else gettext("Salary reaches the candidate's wish")
    if code == "salary_below_wish":
        return gettext("Salary below your wish") if seeker else gettext("Salary below the candidate's wish")
    if code == "salary_not_stated":
        return gettext("Salary not stated")
    if code == "experience_not_required":
        return gettext("No experience required")
    if code == "experience_ok":
        return gettext("Experience OK")
    if code == "experience_short":
        return gettext("Experience: %(years)s of %(need)s years") % {"years": p["years"], "need": p["need"]}
    if code == "education_ok":
        return gettext("Education OK")
    if code == "education_below":
        level = names.get(("level", p["level"]), str(p["level"]))
        return gettext("Missing: education “%(level)s”") % {"level": level}
    return code


def reason_names(reasons: Sequence[MatchReason]) -> dict:
    """Display names for the skills and education levels the reasons mention, in two queries
    at most for any number of reasons."""
    skill_ids = {skill_id for r in reasons if r.code == "skills_missing" for skill_id in r.params["skills"]}
    level_ids = {r.params["level"] for r in reasons if r.code == "education_below"}
    names: dict = {}
    if skill_ids:
        names.update({("skill", s.pk): s.name for s in Skill.objects.filter(pk__in=skill_ids)})
    if level_ids:
        names.update({("level", lv.pk): lv.name for lv in EducationLevel.objects.filter(pk__in=level_ids)})
    return names


def reasons_from_row(row: dict) -> list[MatchReason]:
    """The reasons for one scored row (its component columns), strongest first."""
    reasons: list[MatchReason] = []
    level = row["occ_level"]
    if level == OCC_EXACT:
        reasons.append(MatchReason("occupation_exact"))
    elif level == OCC_MINOR:
        reasons.append(MatchReason("occupation_minor"))
    elif level == OCC_MAJOR:
        reasons.append(MatchReason("occupation_major", tone="info"))
    if row["req_total"]:
        covered, total = row["req_covered"], row["req_total"]
        tone = "good" if covered == total else ("info" if covered else "bad")
        reasons.append(MatchReason("skills_required", {"covered": covered, "total": total}, tone))
        missing = row.get("missing_skill_ids")
        if missing:
            reasons.append(MatchReason("skills_missing", {"skills": sorted(missing)}, "bad"))
    if row["nice_total"] and row["nice_covered"]:
        reasons.append(MatchReason("skills_nice", {"covered": row["nice_covered"], "total": row["nice_total"]}))
    loc = row["loc"]
    if loc == LOC_REGION:
        reasons.append(MatchReason("same_region"))
    elif loc == LOC_REMOTE:
        reasons.append(MatchReason("remote"))
    elif loc == LOC_RELOCATE:
        reasons.append(MatchReason("relocate", tone="info"))
    wish, top = row["desired_salary"], row["salary_top"]
    if wish is not None:
        if top is None:
            reasons.append(MatchReason("salary_not_stated", tone="info"))
        elif row["salary_min"] is not None and row["salary_min"] > wish:
            reasons.append(MatchReason("salary_above_wish"))
        elif top >= wish:
            reasons.append(MatchReason("salary_meets_wish"))
        else:
            reasons.append(MatchReason("salary_below_wish", {"salary": top, "wish": wish}, "bad"))
    need = row["exp_need"]
    if not need:
        reasons.append(MatchReason("experience_not_required", tone="info"))
    else:
        years = int(row["exp_days"] // DAYS_PER_YEAR)
        if row["exp_days"] >= need * DAYS_PER_YEAR:
            reasons.append(MatchReason("experience_ok", {"years": years, "need": need}))
        else:
            reasons.append(MatchReason("experience_short", {"years": years, "need": need}, "bad"))
    if row["edu_need"] is not None:
        if row["edu_have"] is not None and row["edu_have"] >= row["edu_need"]:
            reasons.append(MatchReason("education_ok"))
        else:
            reasons.append(MatchReason("education_below", {"level": row["edu_need_id"]}, "bad"))
    return reasons


@dataclass
class Match:
    score: int
    reasons: list[MatchReason]
    display: list[dict] = field(default_factory=list)

    def reasons_data(self, *, viewer: str, names: dict) -> list[dict]:
        return [{**r.as_data(), "text": r.text(viewer=viewer, names=names)} for r in self.reasons]


def _statement_settings(cursor) -> None:
    """For the matching statements only (``SET LOCAL``: needs the caller's transaction).

    Their cost is just high enough for PostgreSQL's JIT compiler to start, which spends more
    time compiling (50-100 ms) than it saves on a few thousand rows. And they run serially: a
    parallel plan has each worker build the same hash tables of the candidate pool, which on a
    busy server costs more than it saves (measured with bench/matching.py); an interactive
    list should not take a server's parallel workers anyway.
    """
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def _fetch_dicts(sql: str, params: dict) -> list[dict]:
    with transaction.atomic(), connection.cursor() as cursor:
        _statement_settings(cursor)
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# --- Seekers for a vacancy --------------------------------------------------------------------


@dataclass(frozen=True)
class VacancyTerms:
    """What matching needs to know about a vacancy, read once (two small queries)."""

    vacancy_id: int
    occupation_id: int
    minor_code: str  # the first three digits of its ISCO-08 code
    minor_ids: tuple[int, ...]  # every occupation group under the vacancy's minor group
    major_ids: tuple[int, ...]  # every occupation group under its major group
    required_ids: tuple[int, ...]
    nice_ids: tuple[int, ...]
    region_id: int
    is_remote: bool
    salary_min: int | None
    salary_top: int | None
    experience_years: int
    edu_need: int | None  # the position of the minimum education level
    edu_need_id: int | None
    edu_ok_ids: tuple[int, ...]  # education levels at or above the minimum

    def params(self) -> dict:
        return {
            "vacancy_id": self.vacancy_id,
            "occupation_id": self.occupation_id,
            "minor_code": self.minor_code,
            "minor_ids": list(self.minor_ids),
            "major_ids": list(self.major_ids),
            "required_ids": list(self.required_ids),
            "nice_ids": list(self.nice_ids),
            "skill_ids": [*self.required_ids, *self.nice_ids],
            "region_id": self.region_id,
            "is_remote": self.is_remote,
            "salary_min": self.salary_min,
            "salary_top": self.salary_top,
            "exp_need": self.experience_years,
            "edu_need": self.edu_need,
            "edu_need_id": self.edu_need_id,
            "edu_ok_ids": list(self.edu_ok_ids),
        }


def vacancy_terms(*, vacancy: Vacancy) -> VacancyTerms:
    code = vacancy.occupation.code
    groups = list(Occupation.objects.filter(code__startswith=code[:1]).values_list("pk", "code"))
    skills = Vacancy.required_skills.through.objects.filter(vacancy_id=vacancy.pk).values_list("skill_id", flat=True)
    nice = Vacancy.nice_skills.through.objects.filter(vacancy_id=vacancy.pk).values_list("skill_id", flat=True)
    edu_need = edu_ok = None
    if vacancy.education_level_id:
        levels = list(EducationLevel.objects.values_list("pk", "position"))
        edu_need = next(position for pk, position in levels if pk == vacancy.education_level_id)
        edu_ok = tuple(pk for pk, position in levels if position >= edu_need)
    return VacancyTerms(
        vacancy_id=vacancy.pk,
        occupation_id=vacancy.occupation_id,
        minor_code=code[:3],
        minor_ids=tuple(pk for pk, c in groups if c.startswith(code[:3]) and len(c) >= 3),
        major_ids=tuple(pk for pk, _ in groups),
        required_ids=tuple(sorted(skills)),
        nice_ids=tuple(sorted(set(nice) - set(skills))),
        region_id=vacancy.region_id,
        is_remote=vacancy.is_remote,
        salary_min=vacancy.salary_min,
        salary_top=vacancy.salary_max if vacancy.salary_max is not None else vacancy.salary_min,
        experience_years=vacancy.experience_years,
        edu_need=edu_need,
        edu_need_id=vacancy.education_level_id,
        edu_ok_ids=edu_ok or (),
    )


def _ranked(inner: str, *, key: str, threshold: int | None, paged: bool) -> str:
    """Score the rows of ``inner``; keep those at or above ``threshold``; with ``paged``, one page
    best first with ``total``."""
    where = "WHERE s.score >= %(threshold)s" if threshold is not None else ""
    sql = f"""
        SELECT s.* FROM (SELECT m.*, {_score_sql()} AS score FROM ({inner}) m) s
        {where}
    """
    if paged:
        sql = f"""
            SELECT r.* FROM (
                SELECT s.*, count(*) OVER () AS total FROM ({sql}) s
                ORDER BY s.score DESC, s.{key} DESC
                LIMIT %(limit)s OFFSET %(offset)s
            ) r ORDER BY r.score DESC, r.{key} DESC
        """
    return sql


def _one_seeker_sql(terms: VacancyTerms) -> str:
    """The component columns of one seeker (``%(profile_id)s``) for the vacancy, whatever their
    occupation (the seeker's own view: consent required, not a visible or looking profile), read
    from the CV's own tables by primary and foreign keys; no row when a hard filter or the
    location excludes the pair."""
    t = _tables()
    return f"""
        SELECT p.id AS profile_id, p.user_id,
            (SELECT COALESCE(max(CASE WHEN d.occupation_id = %(occupation_id)s THEN {OCC_EXACT}
                                      WHEN d.occupation_id = ANY(%(minor_ids)s::bigint[]) THEN {OCC_MINOR}
                                      WHEN d.occupation_id = ANY(%(major_ids)s::bigint[]) THEN {OCC_MAJOR}
                                      ELSE 0 END), 0)
             FROM {t["desired"]} d WHERE d.seekerprofile_id = p.id) AS occ_level,
            cardinality(%(required_ids)s::bigint[]) AS req_total,
            (SELECT count(*) FROM {t["skills"]} s
             WHERE s.seekerprofile_id = p.id AND s.skill_id = ANY(%(required_ids)s::bigint[])) AS req_covered,
            cardinality(%(nice_ids)s::bigint[]) AS nice_total,
            (SELECT count(*) FROM {t["skills"]} s
             WHERE s.seekerprofile_id = p.id AND s.skill_id = ANY(%(nice_ids)s::bigint[])) AS nice_covered,
            CASE WHEN p.region_id = %(region_id)s THEN {LOC_REGION}
                 WHEN %(is_remote)s AND p.remote_ok THEN {LOC_REMOTE}
                 WHEN p.willing_to_relocate THEN {LOC_RELOCATE} ELSE 0 END AS loc,
            %(salary_min)s::integer AS salary_min, %(salary_top)s::integer AS salary_top, p.desired_salary,
            %(exp_need)s::integer AS exp_need,
            CASE WHEN %(exp_need)s::integer = 0 THEN 0 ELSE
                (SELECT COALESCE(SUM(COALESCE(e.end_date, CURRENT_DATE) - e.start_date), 0)
                 FROM {t["experience"]} e WHERE e.profile_id = p.id) END AS exp_days,
            %(edu_need)s::integer AS edu_need, %(edu_need_id)s::bigint AS edu_need_id,
            CASE WHEN EXISTS (SELECT 1 FROM {t["education"]} ed WHERE ed.profile_id = p.id AND NOT ed.is_current
                              AND ed.level_id = ANY(%(edu_ok_ids)s::bigint[]))
                 THEN %(edu_need)s::integer END AS edu_have
        FROM {t["profile"]} p JOIN {t["user"]} u ON u.id = p.user_id
        WHERE p.id = %(profile_id)s AND {_seeker_eligibility_sql(require_discoverable=False)}
          AND u.is_active AND u.role = '{User.Role.SEEKER}'
          AND (p.region_id = %(region_id)s OR p.willing_to_relocate OR (%(is_remote)s AND p.remote_ok))
    """


# The matching row of a seeker (one per seeker and minor occupation group they want), kept in
# step with the CV by triggers (migration ``vacancies.0004_seeker_matching_rows``, which explains
# the columns): what the candidate query reads, and nothing else.
MATCHING_TABLE = "vacancies_matching_seeker"


def _pool_sql(terms: VacancyTerms) -> dict[str, str]:
    """The candidates of the vacancy with their component columns and score, from the matching
    rows: ``here`` and ``away``, and the SQL counting each (``here_count``, ``away_count``).

    Two index-only range scans of partial covering indexes over the discoverable rows (every hard
    filter is the index predicate) of the vacancy's minor group, each in ``profile_id`` order:
    the seekers of the vacancy's region, and those elsewhere who will relocate or (for a remote
    vacancy) work remotely. A seeker has one row per minor group, so no row repeats.
    """
    away = "c.willing_to_relocate OR c.remote_ok" if terms.is_remote else "c.willing_to_relocate"
    branches = {
        "here": "c.discoverable AND c.minor_code = %(minor_code)s AND c.region_id = %(region_id)s",
        "away": (
            "c.discoverable AND c.minor_code = %(minor_code)s AND (c.willing_to_relocate OR c.remote_ok) "
            f"AND c.region_id IS DISTINCT FROM %(region_id)s AND ({away})"
        ),
    }

    # Skills covered: one membership test per skill of the vacancy (ids are integers from the
    # database, written into the statement; a vacancy lists a handful).
    def covered(ids: tuple[int, ...]) -> str:
        return " + ".join(f"({int(pk)} = ANY(c.skill_ids))::integer" for pk in ids) or "0"

    if terms.experience_years:
        # Finished jobs are summed in the row; a current one counts up to today.
        exp_days = (
            "c.exp_closed_days + c.exp_open_count * (SELECT CURRENT_DATE - DATE '2000-01-01') - c.exp_open_start_sum"
        )
    else:
        exp_days = "0"
    if terms.edu_need is not None:
        # Reasons only need to know whether the level is reached.
        edu_have = "CASE WHEN c.edu_level_ids && %(edu_ok_ids)s::bigint[] THEN %(edu_need)s::integer END"
    else:
        edu_have = "NULL::integer"
    components = f"""
        SELECT c.profile_id, c.user_id,
            CASE WHEN %(occupation_id)s::bigint = ANY(c.occupation_ids) THEN {OCC_EXACT} ELSE {OCC_MINOR} END
                AS occ_level,
            {len(terms.required_ids)} AS req_total, {covered(terms.required_ids)} AS req_covered,
            {len(terms.nice_ids)} AS nice_total, {covered(terms.nice_ids)} AS nice_covered,
            CASE WHEN c.region_id = %(region_id)s THEN {LOC_REGION}
                 WHEN %(is_remote)s AND c.remote_ok THEN {LOC_REMOTE}
                 WHEN c.willing_to_relocate THEN {LOC_RELOCATE} ELSE 0 END AS loc,
            %(salary_min)s::integer AS salary_min, %(salary_top)s::integer AS salary_top, c.desired_salary,
            %(exp_need)s::integer AS exp_need, {exp_days} AS exp_days,
            %(edu_need)s::integer AS edu_need, %(edu_need_id)s::bigint AS edu_need_id, {edu_have} AS edu_have
        FROM {MATCHING_TABLE} c"""
    # ``chosen``: the rows of the profiles in ``chosen`` (a CTE of ``profile_id``), by primary key.
    branches_sql = {
        name: f"SELECT m.*, {_score_sql()} AS score FROM ({components} WHERE {where}) m"
        for name, where in {
            **branches,
            "chosen": "c.minor_code = %(minor_code)s AND c.profile_id = ANY(ARRAY(SELECT profile_id FROM chosen))",
        }.items()
    }
    counts = {
        f"{name}_count": f"SELECT count(*) FROM {MATCHING_TABLE} c WHERE {where}" for name, where in branches.items()
    }
    return branches_sql | counts


# How many rows of each branch the page's probe scores: enough to find the page among them when
# a tenth of the candidates or more have a full score.
PROBE_MIN = 500
PROBE_PER_ROW = 25
_PAGE_COLUMNS = (
    "profile_id, user_id, occ_level, req_total, req_covered, nice_total, nice_covered, loc, salary_min, "
    "salary_top, desired_salary, exp_need, exp_days, edu_need, edu_need_id, edu_have, score"
)


def candidates_for_vacancy_sql(
    *, terms: VacancyTerms, threshold: int | None = None, limit: int | None = DEFAULT_PAGE_SIZE, offset: int = 0
) -> tuple[str, dict]:
    """The SQL and parameters of the ranked candidates of a vacancy (also what the benchmark
    times and EXPLAINs). With ``limit`` None: every candidate at or above ``threshold``,
    unordered, with the recipient's ``language`` (the fan-out); otherwise one page, best first,
    each row with ``total``.

    A page needs the first ``offset + limit`` rows by (score, profile id) descending. When that
    many candidates score ``MAX_SCORE`` (usual for a common occupation: a thousand of the ten
    thousand candidates of a driver's vacancy), they are those rows: the full scores, highest
    profile id first, so a walk of the two index ranges in descending ``profile_id`` order
    (merged) stops after finding them, without scoring the rest. Otherwise every candidate is
    scored and the best kept (a top-N sort of ids and scores only; the page's rows are then read
    again by primary key). ``total`` counts the candidates with the same two index-only range
    scans, reading no score.
    """
    params = {
        **terms.params(),
        "now": timezone.now(),
        "threshold": threshold,
        "limit": limit,
        "offset": offset,
        "wanted": offset + limit if limit is not None else None,
        "probe": max(PROBE_MIN, PROBE_PER_ROW * (offset + limit)) if limit is not None else None,
    }
    pool = _pool_sql(terms)
    if limit is None:
        sql = f"""
            SELECT s.*, u.language FROM ({pool["here"]} UNION ALL {pool["away"]}) s
            JOIN {User._meta.db_table} u ON u.id = s.user_id
            WHERE s.score >= COALESCE(%(threshold)s::integer, 0)"""
        return sql, params
    # The probe: each branch's last ``probe`` rows by profile id (a backward walk of its index),
    # scored. Their full scores, highest id first, are the page when there are enough of them
    # and no branch stopped above the last one taken (every row of higher id was seen).
    probes = " UNION ALL ".join(
        f"(SELECT p.*, '{name}' AS branch FROM ({pool[name]} ORDER BY m.profile_id DESC LIMIT %(probe)s) p)"
        for name in ("here", "away")
    )
    sql = f"""
        WITH probed AS MATERIALIZED ({probes}),
        best AS MATERIALIZED (
            SELECT * FROM probed WHERE score >= {MAX_SCORE} ORDER BY profile_id DESC LIMIT %(wanted)s
        ),
        settled AS MATERIALIZED (
            SELECT (SELECT count(*) FROM best) = %(wanted)s AND NOT EXISTS (
                SELECT 1 FROM probed p GROUP BY p.branch
                HAVING count(*) = %(probe)s AND min(p.profile_id) > (SELECT min(b.profile_id) FROM best b)
            ) AS ok
        ),
        chosen AS MATERIALIZED (
            SELECT s.profile_id FROM ({pool["here"]} UNION ALL {pool["away"]}) s
            WHERE NOT (SELECT ok FROM settled)
            ORDER BY s.score DESC, s.profile_id DESC LIMIT %(wanted)s
        )
        SELECT r.*, ({pool["here_count"]}) + ({pool["away_count"]}) AS total FROM (
            SELECT {_PAGE_COLUMNS} FROM best WHERE (SELECT ok FROM settled)
            UNION ALL
            SELECT {_PAGE_COLUMNS} FROM ({pool["chosen"]}) ranked
        ) r
        ORDER BY r.score DESC, r.profile_id DESC
        LIMIT %(limit)s OFFSET %(offset)s"""
    return sql, params


@dataclass
class MatchPage:
    rows: list  # SeekerProfile or Vacancy objects, each with ``match`` (a Match)
    total: int
    page: int
    page_size: int
    names: dict = field(default_factory=dict)  # for rendering the reasons (``reason_names``)
    # False when the list is empty because matching does not apply (``notice`` says why).
    enabled: bool = True
    notice: str = ""

    def render_reasons(self, *, viewer: str) -> None:
        """Give each row's match a ``display`` list (the reasons with their text in the active
        language), for templates."""
        for row in self.rows:
            row.match.display = row.match.reasons_data(viewer=viewer, names=self.names)

    @property
    def num_pages(self) -> int:
        return max(1, -(-min(self.total, MAX_RESULTS) // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _page_bounds(page: int, page_size: int) -> tuple[int, int]:
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    last = max(1, -(-MAX_RESULTS // page_size))
    page = max(1, min(page, last))
    return page, page_size


def _attach(rows: list[dict], objects: dict[int, Any], key: str, missing) -> tuple[list, dict]:
    """Give each object its ``match``; ``missing(obj)`` lists the required skills the seeker
    lacks, from what the page prefetched (no query per row)."""
    matches = []
    all_reasons = []
    for row in rows:
        obj = objects.get(row[key])
        if obj is None:  # deleted between the two queries
            continue
        reasons = reasons_from_row({**row, "missing_skill_ids": missing(obj)})
        obj.match = Match(score=row["score"], reasons=reasons)
        all_reasons.extend(reasons)
        matches.append(obj)
    return matches, reason_names(all_reasons)


def vacancy_get_for_matching(*, user: User, vacancy_id: int) -> Vacancy:
    """A vacancy whose suitable candidates ``user`` may see: members of its organization, staff
    of its region and administrators; 404 for everyone else (other employers, seekers)."""
    vacancy = Vacancy.objects.select_related("occupation", "organization", "region").filter(pk=vacancy_id).first()
    if vacancy is None or not user.is_authenticated:
        raise Http404
    membership = membership_of(user)
    if membership is not None:
        if membership.organization_id != vacancy.organization_id:
            raise Http404
        return vacancy
    if user.is_seeker or user.is_employer or not can_act_in_region(user, vacancy.region_id):
        raise Http404
    return vacancy


def _candidate_profiles(profile_ids: Sequence[int]) -> dict[int, SeekerProfile]:
    profiles = (
        SeekerProfile.objects.filter(pk__in=profile_ids)
        .select_related("user", "region")
        .prefetch_related("desired_occupations", "skills")
    )
    return {profile.pk: profile for profile in profiles}


def suitable_candidates(*, vacancy: Vacancy, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> MatchPage:
    """One page of the seekers best matching ``vacancy`` (got through
    ``vacancy_get_for_matching``), best first. Visible, consenting, looking seekers only.

    Queries, whatever the page size: the vacancy's terms (3), the ranked page (1), the page's
    profiles with their occupations and skills (3), the names the reasons mention (0-2).
    """
    page, page_size = _page_bounds(page, page_size)
    if vacancy.status != Vacancy.Status.PUBLISHED:
        notice = gettext("Candidates are matched once the vacancy is published.")
        return MatchPage([], 0, 1, page_size, enabled=False, notice=notice)
    if not vacancy.organization.is_verified:
        # Job seekers' CVs go to verified employers only (vacancies.selectors.applications.cv_access_refusal).
        notice = gettext("Candidates are shown once the organization is verified.")
        return MatchPage([], 0, 1, page_size, enabled=False, notice=notice)
    terms = vacancy_terms(vacancy=vacancy)
    sql, params = candidates_for_vacancy_sql(terms=terms, limit=page_size, offset=(page - 1) * page_size)
    rows = _fetch_dicts(sql, params)
    total = rows[0]["total"] if rows else 0
    profiles = _candidate_profiles([row["profile_id"] for row in rows])

    def missing(profile: SeekerProfile) -> list[int]:
        has = {skill.pk for skill in profile.skills.all()}
        return [skill_id for skill_id in terms.required_ids if skill_id not in has]

    matched, names = _attach(rows, profiles, "profile_id", missing)
    return MatchPage(matched, total, page, page_size, names=names)


def vacancy_match_for_seeker(*, vacancy: Vacancy, profile: SeekerProfile) -> Match | None:
    """The match of one seeker and one vacancy, or None when a hard filter or the pre-filter
    excludes the pair (for the vacancy page: "how well do I fit?"). The seeker's own view, so a
    hidden or paused profile still gets its score; consent is required."""
    if not vacancy.is_live:
        return None
    terms = vacancy_terms(vacancy=vacancy)
    sql = _ranked(_one_seeker_sql(terms), key="profile_id", threshold=None, paged=False)
    params = {**terms.params(), "now": timezone.now(), "profile_id": profile.pk}
    rows = _fetch_dicts(sql, params)
    if not rows:
        return None
    has = set(profile.skills.values_list("pk", flat=True))
    missing = [skill_id for skill_id in terms.required_ids if skill_id not in has]
    match = Match(score=rows[0]["score"], reasons=reasons_from_row({**rows[0], "missing_skill_ids": missing}))
    match.display = match.reasons_data(viewer=SEEKER, names=reason_names(match.reasons))
    return match


def fanout_candidates(
    *, vacancy: Vacancy, threshold: int = NOTIFY_THRESHOLD, chunk_size: int = 5000
) -> Iterator[list[dict]]:
    """Every seeker whose match with ``vacancy`` reaches ``threshold``, in chunks of rows
    (``user_id``, ``language``, ``score`` and the component columns), streamed from a
    server-side cursor: a vacancy matching a million seekers never sits in memory at once."""
    terms = vacancy_terms(vacancy=vacancy)
    sql, params = candidates_for_vacancy_sql(terms=terms, threshold=threshold, limit=None)
    with transaction.atomic():
        with connection.cursor() as cursor:
            _statement_settings(cursor)
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            columns = [c.name for c in cursor.description]
            while rows := cursor.fetchmany(chunk_size):
                yield [dict(zip(columns, row, strict=True)) for row in rows]


# --- Vacancies for a seeker -------------------------------------------------------------------


@dataclass(frozen=True)
class SeekerTerms:
    """What matching needs to know about a seeker, read once."""

    profile_id: int
    exact_ids: tuple[int, ...]
    minor_ids: tuple[int, ...]
    major_ids: tuple[int, ...]
    skill_ids: tuple[int, ...]
    region_id: int | None
    willing_to_relocate: bool
    remote_ok: bool
    desired_salary: int | None
    exp_days: int
    edu_have: int | None

    def params(self) -> dict:
        return {
            "profile_id": self.profile_id,
            "exact_ids": list(self.exact_ids),
            "minor_ids": list(self.minor_ids),
            "major_ids": list(self.major_ids),
            "skill_ids": list(self.skill_ids),
            "region_id": self.region_id,
            "relocate": self.willing_to_relocate,
            "remote_ok": self.remote_ok,
            "desired_salary": self.desired_salary,
            "exp_days": self.exp_days,
            "edu_have": self.edu_have,
        }


def seeker_terms(*, profile: SeekerProfile) -> SeekerTerms:
    """Read from the profile's prefetched CV (``seeker_profiles()``) plus one query for the
    occupation groups around the desired ones."""
    codes = [(o.pk, o.code) for o in profile.desired_occupations.all()]
    minors = {code[:3] for _, code in codes if len(code) >= 3}
    majors = {code[:1] for _, code in codes}
    groups = []
    if majors:
        under = Q()
        for major in majors:
            under |= Q(code__startswith=major)
        groups = list(Occupation.objects.filter(under).values_list("pk", "code"))
    today = timezone.localdate()
    exp_days = sum(((e.end_date or today) - e.start_date).days for e in profile.experiences.all())
    finished = [e.level.position for e in profile.educations.all() if not e.is_current]
    edu_have = max(finished) if finished else None
    return SeekerTerms(
        profile_id=profile.pk,
        exact_ids=tuple(pk for pk, _ in codes),
        minor_ids=tuple(pk for pk, code in groups if len(code) >= 3 and code[:3] in minors),
        major_ids=tuple(pk for pk, code in groups if code[:1] in majors),
        skill_ids=tuple(sorted(skill.pk for skill in profile.skills.all())),
        region_id=profile.region_id,
        willing_to_relocate=profile.willing_to_relocate,
        remote_ok=profile.remote_ok,
        desired_salary=profile.desired_salary,
        exp_days=max(exp_days, 0),
        edu_have=edu_have,
    )


def _vacancies_sql(terms: SeekerTerms) -> str:
    """The mirror of ``_seekers_sql``: published vacancies of the seeker's minor groups (the
    ``(occupation, status)`` index), then per vacancy its skills and education level."""
    t = _tables()
    pool = (
        f"SELECT v.id FROM {t['vacancy']} v WHERE v.occupation_id = ANY(%(minor_ids)s::bigint[]) "
        f"AND v.status = '{Vacancy.Status.PUBLISHED}'"
    )
    return f"""
        SELECT v.id AS vacancy_id,
            CASE WHEN v.occupation_id = ANY(%(exact_ids)s::bigint[]) THEN {OCC_EXACT}
                 WHEN v.occupation_id = ANY(%(minor_ids)s::bigint[]) THEN {OCC_MINOR}
                 WHEN v.occupation_id = ANY(%(major_ids)s::bigint[]) THEN {OCC_MAJOR} ELSE 0 END AS occ_level,
            rs.total AS req_total, rs.covered AS req_covered, ns.total AS nice_total, ns.covered AS nice_covered,
            CASE WHEN v.region_id = %(region_id)s THEN {LOC_REGION}
                 WHEN v.is_remote AND %(remote_ok)s THEN {LOC_REMOTE}
                 WHEN %(relocate)s THEN {LOC_RELOCATE} ELSE 0 END AS loc,
            v.salary_min, COALESCE(v.salary_max, v.salary_min) AS salary_top,
            %(desired_salary)s::integer AS desired_salary,
            v.experience_years AS exp_need, %(exp_days)s::integer AS exp_days,
            l.position AS edu_need, v.education_level_id AS edu_need_id, %(edu_have)s::integer AS edu_have
        FROM ({pool}) pool
        JOIN {t["vacancy"]} v ON v.id = pool.id
        LEFT JOIN {t["level"]} l ON l.id = v.education_level_id
        CROSS JOIN LATERAL (
            SELECT count(*) AS total, count(*) FILTER (WHERE r.skill_id = ANY(%(skill_ids)s::bigint[])) AS covered
            FROM {t["required"]} r WHERE r.vacancy_id = v.id) rs
        CROSS JOIN LATERAL (
            SELECT count(*) AS total, count(*) FILTER (WHERE n.skill_id = ANY(%(skill_ids)s::bigint[])) AS covered
            FROM {t["nice"]} n WHERE n.vacancy_id = v.id
              AND NOT EXISTS (SELECT 1 FROM {t["required"]} r2 WHERE r2.vacancy_id = v.id AND r2.skill_id = n.skill_id)
        ) ns
        WHERE {_vacancy_eligibility_sql()}
          AND (v.region_id = %(region_id)s OR %(relocate)s OR (v.is_remote AND %(remote_ok)s))
    """


def _matching_vacancies(ids: Sequence[int]) -> dict[int, Vacancy]:
    vacancies = (
        Vacancy.objects.filter(pk__in=ids)
        .select_related("organization", "region", "occupation", "employment_type", "schedule")
        .prefetch_related("required_skills")
    )
    return {
        vacancy.pk: vacancy for vacancy in vacancies.defer("search_vector", "description", "duties", "requirements")
    }


def matching_vacancies_for_seeker(*, user: User, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> MatchPage:
    """ "Vacancies for you": one page of the published vacancies best matching the seeker's
    profile, best first. Job seekers only (PermissionDenied otherwise); without consent the
    list is empty with a ``notice`` (matching processes the CV)."""
    profile = seeker_profile_get_own(user=user)
    page, page_size = _page_bounds(page, page_size)
    if not profile.has_consent:
        notice = gettext("Give your consent to the processing of personal data to get vacancies matched to your CV.")
        return MatchPage([], 0, 1, page_size, enabled=False, notice=notice)
    terms = seeker_terms(profile=profile)
    if not terms.minor_ids:
        notice = gettext("Add the occupations you want to your CV to get vacancies matched to it.")
        return MatchPage([], 0, 1, page_size, enabled=False, notice=notice)
    sql = _ranked(_vacancies_sql(terms), key="vacancy_id", threshold=None, paged=True)
    params = {**terms.params(), "now": timezone.now(), "limit": page_size, "offset": (page - 1) * page_size}
    rows = _fetch_dicts(sql, params)
    total = rows[0]["total"] if rows else 0
    vacancies = _matching_vacancies([row["vacancy_id"] for row in rows])

    def missing(vacancy: Vacancy) -> list[int]:
        return sorted(skill.pk for skill in vacancy.required_skills.all() if skill.pk not in terms.skill_ids)

    matched, names = _attach(rows, vacancies, "vacancy_id", missing)
    result = MatchPage(matched, total, page, page_size, names=names)
    if profile.visibility != SeekerProfile.Visibility.VISIBLE or profile.search_status not in ELIGIBLE_STATUSES:
        result.notice = gettext(
            "Your CV is hidden or you are not looking for work: employers do not see you among suitable "
            "candidates and you get no alerts about new vacancies matching your profile."
        )
    return result


# --- Saved searches ---------------------------------------------------------------------------


def saved_searches_of_user(*, user: User) -> QuerySet[SavedSearch]:
    """The user's saved searches, newest first: job seekers only (PermissionDenied otherwise)."""
    require_role(user, User.Role.SEEKER)
    return SavedSearch.objects.filter(user=user).order_by("-created_at", "-id")


def saved_search_get_own(*, user: User, saved_search_id: int) -> SavedSearch:
    """One of the user's own saved searches; 404 for anyone else's."""
    saved = SavedSearch.objects.filter(pk=saved_search_id, user_id=user.pk if user.is_authenticated else None).first()
    if saved is None:
        raise Http404("No such saved search")
    return saved


def _absent_or(key: str, condition: Q | None) -> Q:
    """The saved search does not use filter ``key``, or (when given) ``condition`` holds."""
    absent = ~Q(filters__has_key=key)
    return absent if condition is None else absent | condition


def saved_searches_prefiltered(*, vacancy: Vacancy) -> QuerySet[SavedSearch]:
    """Notifying saved searches of active, consenting seekers whose structured filters cannot
    exclude ``vacancy`` (jsonb operators in SQL). A superset: the search's own query builder
    has the last word (``saved_searches_matching``), so the two can never disagree."""
    v = vacancy
    code = v.occupation.code
    top = v.salary_max if v.salary_max is not None else v.salary_min
    remote = v.is_remote or v.employment_type.code == "remote"
    conditions = [
        _absent_or("region", Q(filters__region__contains=[v.region.code])),
        _absent_or("occupation", Q(filters__occupation__in=[code[:1], code[:2], code[:3], code])),
        _absent_or("salary_min", Q(filters__salary_min__lte=top) if top is not None else None),
        _absent_or("employment_type", Q(filters__employment_type__contains=[v.employment_type.code])),
        _absent_or("schedule", Q(filters__schedule__contains=[v.schedule.code])),
        _absent_or("experience_max", Q(filters__experience_max__gte=v.experience_years)),
        _absent_or("youth", None if not v.is_youth_friendly else Q(filters__youth=True)),
        _absent_or("quota", None if not v.is_quota else Q(filters__quota=True)),
        _absent_or("remote", None if not remote else Q(filters__remote=True)),
        _absent_or(
            "national_project",
            Q(filters__national_project=v.national_project_id) if v.national_project_id is not None else None,
        ),
    ]
    queryset = SavedSearch.objects.exclude(frequency=SavedSearch.Frequency.NEVER).filter(
        user__is_active=True, user__role=User.Role.SEEKER, user__seeker_profile__has_consent=True
    )
    for condition in conditions:
        queryset = queryset.filter(condition)
    return queryset


# How many distinct searches one SQL statement checks against the vacancy.
SEARCH_CHECK_BATCH = 50


def saved_searches_matching(*, vacancy: Vacancy, now: datetime.datetime | None = None) -> list[dict]:
    """The saved searches ``vacancy`` matches: rows ``{id, user_id, name, frequency,
    language}``.

    The SQL pre-filter narrows the searches by their structured filters; the searches left are
    grouped by (words, filters), and each distinct search is decided by the search page's own
    ``vacancy_search_matches`` restricted to this vacancy, ``SEARCH_CHECK_BATCH`` of them per
    statement (one EXISTS each).
    """
    rows = list(
        saved_searches_prefiltered(vacancy=vacancy)
        .order_by("id")
        .values("id", "user_id", "name", "frequency", "query", "filters", "user__language")
    )
    if not rows:
        return []
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["query"], json.dumps(row["filters"], sort_keys=True)), []).append(row)
    keys = list(groups)
    matched: list[dict] = []
    for start in range(0, len(keys), SEARCH_CHECK_BATCH):
        batch = keys[start : start + SEARCH_CHECK_BATCH]
        checks = {}
        for index, (query, filters_json) in enumerate(batch):
            search = vacancy_search_matches(
                search_query=vacancy_search_query(text=query),
                filters=saved_search_filters(json.loads(filters_json)),
                now=now,
            )
            checks[f"s{index}"] = Exists(search.filter(pk=OuterRef("pk")))
        answers = Vacancy.objects.filter(pk=vacancy.pk).values(**checks).first() or {}
        for index, key in enumerate(batch):
            if answers.get(f"s{index}"):
                matched.extend(groups[key])
    return [
        {
            "id": row["id"],
            "user_id": row["user_id"],
            "name": row["name"],
            "frequency": row["frequency"],
            "language": row["user__language"],
        }
        for row in sorted(matched, key=lambda r: r["id"])
    ]
