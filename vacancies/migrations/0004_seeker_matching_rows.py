"""The matching row of a job seeker: one compact row per seeker and minor occupation group they
want, kept in step with the CV by triggers, read by the suitable-candidates query and the fan-out
(vacancies.selectors.matching).

Why a table: a vacancy's candidates are the seekers of its minor group in the right place, and
their score needs the CV's skills, experience and education. Read from the CV's own tables that
is five joins over a few thousand candidates; from this table it is one index-only range scan
(the partial covering indexes below), the score computed from the index tuples.

Columns: ``minor_code`` (the first three digits of an ISCO-08 code of length >= 3) and, in
``occupation_ids``, the seeker's desired occupations in that minor group; ``discoverable``, every
hard filter on the seeker (consent, visible, actively looking or open to offers, an active job
seeker's account); the location, relocation, remote and salary wishes; ``skill_ids``; the
experience as the days of finished jobs plus, for current jobs, their number and the sum of their
start days (days since 2000-01-01), so that "years of experience today" is one expression; and
``edu_level_ids``, the levels of finished education.

Why triggers rather than the services: every write of a CV, whoever makes it (the profile and
consent services, erasure, the admin, a bulk import, a queryset ``update()`` or a cascade), goes
through the database, and the row must never lag behind a consent withdrawal. A table nobody but
matching reads has no model; its triggers are defined here, in the app that reads it (vacancies
depends on accounts and catalog, not the other way round). Each trigger recomputes the rows of the
seekers its statement touched (``vacancies_matching_seeker_refresh``), under a lock of their
profiles, so two concurrent edits of one CV cannot leave the older one's row.
``vacancies_matching_seeker_rebuild()`` recomputes every row (the fill below; the benchmark after
its bulk load, which runs with triggers disabled).
"""

# The SQL below is assembled from constant names only.
# ruff: noqa: S608

from django.db import migrations

TABLE = "vacancies_matching_seeker"

# Every hard filter on a seeker the employer-side matching applies
# (vacancies.selectors.matching._seeker_eligibility_sql and the account's state).
DISCOVERABLE = (
    "p.has_consent AND p.visibility = 'visible' AND p.search_status IN ('active', 'open') "
    "AND u.is_active AND u.role = 'seeker'"
)

COLUMNS = (
    "profile_id, user_id, region_id, desired_salary, exp_closed_days, exp_open_count, exp_open_start_sum, "
    "discoverable, willing_to_relocate, remote_ok, minor_code, occupation_ids, skill_ids, edu_level_ids"
)

# The rows of the profiles ``{where}`` selects, from the CV's tables.
COMPUTE = """
    SELECT p.id, p.user_id, p.region_id, p.desired_salary::integer,
        COALESCE(ex.closed_days, 0)::integer, COALESCE(ex.open_count, 0)::integer,
        COALESCE(ex.open_start_sum, 0)::integer,
        ({discoverable}), p.willing_to_relocate, p.remote_ok, g.minor_code, g.occupation_ids,
        COALESCE((SELECT array_agg(s.skill_id ORDER BY s.skill_id) FROM accounts_seekerprofile_skills s
                  WHERE s.seekerprofile_id = p.id), '{{}}'),
        COALESCE((SELECT array_agg(DISTINCT e.level_id ORDER BY e.level_id) FROM accounts_education e
                  WHERE e.profile_id = p.id AND NOT e.is_current), '{{}}')
    FROM accounts_seekerprofile p
    JOIN accounts_user u ON u.id = p.user_id
    JOIN LATERAL (
        SELECT left(o.code, 3)::varchar(3) AS minor_code, array_agg(o.id ORDER BY o.id) AS occupation_ids
        FROM accounts_seekerprofile_desired_occupations d JOIN catalog_occupation o ON o.id = d.occupation_id
        WHERE d.seekerprofile_id = p.id AND length(o.code) >= 3
        GROUP BY 1
    ) g ON true
    LEFT JOIN LATERAL (
        SELECT sum(e.end_date - e.start_date) FILTER (WHERE e.end_date IS NOT NULL) AS closed_days,
               count(*) FILTER (WHERE e.end_date IS NULL) AS open_count,
               sum(e.start_date - DATE '2000-01-01') FILTER (WHERE e.end_date IS NULL) AS open_start_sum
        FROM accounts_workexperience e WHERE e.profile_id = p.id
    ) ex ON true
    {where}
"""

UPDATED = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS.split(", ")[1:] if c != "minor_code")

CREATE = f"""
CREATE TABLE {TABLE} (
    profile_id bigint NOT NULL,
    user_id bigint NOT NULL,
    region_id bigint,
    desired_salary integer,
    exp_closed_days integer NOT NULL,
    exp_open_count integer NOT NULL,
    exp_open_start_sum integer NOT NULL,
    discoverable boolean NOT NULL,
    willing_to_relocate boolean NOT NULL,
    remote_ok boolean NOT NULL,
    minor_code varchar(3) NOT NULL,
    occupation_ids bigint[] NOT NULL,
    skill_ids bigint[] NOT NULL,
    edu_level_ids bigint[] NOT NULL,
    PRIMARY KEY (profile_id, minor_code)
);

-- The candidates of a vacancy in its region, and elsewhere when they relocate or work remotely:
-- index-only range scans in profile_id order over the discoverable rows of one minor group.
CREATE INDEX matching_seeker_region_idx ON {TABLE} (minor_code, region_id, profile_id)
    INCLUDE (user_id, desired_salary, exp_closed_days, exp_open_count, exp_open_start_sum,
             willing_to_relocate, remote_ok, occupation_ids, skill_ids, edu_level_ids)
    WHERE discoverable;
CREATE INDEX matching_seeker_away_idx ON {TABLE} (minor_code, profile_id)
    INCLUDE (user_id, region_id, desired_salary, exp_closed_days, exp_open_count, exp_open_start_sum,
             willing_to_relocate, remote_ok, occupation_ids, skill_ids, edu_level_ids)
    WHERE discoverable AND (willing_to_relocate OR remote_ok);

CREATE FUNCTION vacancies_matching_seeker_rows(ids bigint[]) RETURNS SETOF {TABLE}
LANGUAGE sql STABLE AS $$
{COMPUTE.format(discoverable=DISCOVERABLE, where="WHERE p.id = ANY(ids)")}
$$;

-- Recompute the rows of the given profiles; a profile that is gone, or wants no occupation, has
-- none. Unchanged rows are left alone (no dead tuples: the index-only scans stay index-only).
CREATE FUNCTION vacancies_matching_seeker_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    -- Serialize with other refreshes of the same profiles, and read their committed state after.
    PERFORM 1 FROM accounts_seekerprofile p WHERE p.id = ANY(ids) ORDER BY p.id FOR NO KEY UPDATE;
    WITH fresh AS (SELECT * FROM vacancies_matching_seeker_rows(ids)),
    gone AS (
        DELETE FROM {TABLE} t WHERE t.profile_id = ANY(ids)
          AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.profile_id = t.profile_id AND f.minor_code = t.minor_code)
    )
    INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM fresh
    ON CONFLICT (profile_id, minor_code) DO UPDATE SET {UPDATED}
    WHERE ({TABLE}.*) IS DISTINCT FROM (EXCLUDED.*);
END $$;

CREATE FUNCTION vacancies_matching_seeker_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
BEGIN
    TRUNCATE {TABLE};
    INSERT INTO {TABLE} ({COLUMNS})
{COMPUTE.format(discoverable=DISCOVERABLE, where="")};
    GET DIAGNOSTICS total = ROW_COUNT;
    RETURN total;
END $$;

-- Statement triggers on the CV's tables: the profiles named in the changed rows (TG_ARGV[0] is
-- the column), each refreshed once per statement.
CREATE FUNCTION vacancies_matching_seeker_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('SELECT array_agg(DISTINCT %I) FROM new_rows', TG_ARGV[0]) INTO ids;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('SELECT array_agg(DISTINCT %I) FROM old_rows', TG_ARGV[0]) INTO ids;
    ELSE
        EXECUTE format('SELECT array_agg(DISTINCT x) FROM (SELECT %1$I AS x FROM new_rows
                        UNION SELECT %1$I FROM old_rows) changed', TG_ARGV[0]) INTO ids;
    END IF;
    PERFORM vacancies_matching_seeker_refresh(ids);
    RETURN NULL;
END $$;

-- An account activated, deactivated or given another role.
CREATE FUNCTION vacancies_matching_seeker_account_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vacancies_matching_seeker_refresh(ARRAY(
        SELECT p.id FROM accounts_seekerprofile p WHERE p.user_id = NEW.id));
    RETURN NULL;
END $$;

-- An occupation moved to another group (a catalogue correction).
CREATE FUNCTION vacancies_matching_seeker_occupation_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vacancies_matching_seeker_refresh(ARRAY(
        SELECT d.seekerprofile_id FROM accounts_seekerprofile_desired_occupations d WHERE d.occupation_id = NEW.id));
    RETURN NULL;
END $$;

CREATE FUNCTION vacancies_matching_seeker_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {TABLE};
    RETURN NULL;
END $$;

CREATE TRIGGER matching_seeker_account AFTER UPDATE OF is_active, role ON accounts_user
    FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active OR OLD.role IS DISTINCT FROM NEW.role)
    EXECUTE FUNCTION vacancies_matching_seeker_account_changed();
CREATE TRIGGER matching_seeker_occupation AFTER UPDATE OF code ON catalog_occupation
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION vacancies_matching_seeker_occupation_changed();
CREATE TRIGGER matching_seeker_truncate AFTER TRUNCATE ON accounts_seekerprofile
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_matching_seeker_truncated();
"""

# (table, the column holding the profile id)
SOURCES = [
    ("accounts_seekerprofile", "id"),
    ("accounts_seekerprofile_desired_occupations", "seekerprofile_id"),
    ("accounts_seekerprofile_skills", "seekerprofile_id"),
    ("accounts_workexperience", "profile_id"),
    ("accounts_education", "profile_id"),
]
EVENTS = ("insert", "update", "delete")
for source, column in SOURCES:
    for event, tables in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        CREATE += (
            f"CREATE TRIGGER matching_seeker_{event.lower()} AFTER {event} ON {source} REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION vacancies_matching_seeker_changed('{column}');\n"
        )

DROP = f"""
DROP TRIGGER IF EXISTS matching_seeker_account ON accounts_user;
DROP TRIGGER IF EXISTS matching_seeker_occupation ON catalog_occupation;
DROP TRIGGER IF EXISTS matching_seeker_truncate ON accounts_seekerprofile;
{"".join(f"DROP TRIGGER IF EXISTS matching_seeker_{e} ON {s};" for s, _ in SOURCES for e in EVENTS)}
DROP FUNCTION IF EXISTS vacancies_matching_seeker_changed();
DROP FUNCTION IF EXISTS vacancies_matching_seeker_account_changed();
DROP FUNCTION IF EXISTS vacancies_matching_seeker_occupation_changed();
DROP FUNCTION IF EXISTS vacancies_matching_seeker_truncated();
DROP FUNCTION IF EXISTS vacancies_matching_seeker_rebuild();
DROP FUNCTION IF EXISTS vacancies_matching_seeker_refresh(bigint[]);
DROP FUNCTION IF EXISTS vacancies_matching_seeker_rows(bigint[]);
DROP TABLE IF EXISTS {TABLE};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_seekers_employers_centres"),
        ("catalog", "0002_industry"),
        ("vacancies", "0003_search_partial_gin_and_open_data_indexes"),
    ]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=DROP)]
