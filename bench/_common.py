"""Helpers shared by the benchmarks: a database of their own, bulk loading with COPY from several
processes behind one progress bar, dropping and rebuilding indexes around a load, and timing.

    from bench import _common as common   (or ``import _common`` when run as a script)

A benchmark works in a database of its own on ``DATABASE_URL``'s server (the embedded one when it
is unset), so a development database is never touched: ``bench_database_url(name)``,
``ensure_database(url)``, then ``setup_django(url)`` with production-like request handling.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Rows per COPY statement (and transaction) of a load worker.
BATCH_ROWS = 20000


# --- The benchmark's database -------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def bench_database_url(name: str, explicit: str | None = None) -> str:
    """``explicit`` if given, else database ``name`` on ``DATABASE_URL``'s server (or the
    embedded server's when ``DATABASE_URL`` is unset)."""
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        from exchange import embedded

        base = embedded.postgres_url()
    return with_database(base, name)


def ensure_database(url: str) -> None:
    """Create the database of ``url`` when it does not exist."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    maintenance = with_database(url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def setup_django(url: str) -> None:
    """Point Django at ``url`` with production-like request handling: DEBUG off (no query log),
    persistent connections, and throttles high enough never to refuse the benchmark."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_CONN_MAX_AGE"] = "60"
    os.environ["API_THROTTLE_ANON"] = "100000000/minute"
    os.environ["API_THROTTLE_USER"] = "100000000/minute"
    import django

    django.setup()


def migrate_and_load_catalog() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("loadcatalog", verbosity=0)


def conninfo() -> dict:
    """psycopg connection parameters of Django's default database (for load workers)."""
    from django.db import connection

    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "server_side_binding"):
        params.pop(key, None)
    return params


# --- What a database was loaded with --------------------------------------------------------------


def meta_read(table: str) -> dict | None:
    """The description of the last completed load recorded in ``table`` (None if none)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} (description jsonb, loaded_at timestamptz)")
        cursor.execute(f"SELECT description FROM {table} ORDER BY loaded_at DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def meta_write(table: str, description: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} (description jsonb, loaded_at timestamptz)")
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(f"INSERT INTO {table} VALUES (%s::jsonb, now())", [json.dumps(description)])


# --- Indexes around a load ------------------------------------------------------------------------


def secondary_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of ``tables`` that no constraint owns (primary keys and
    unique constraints stay: they are what keeps the loaded rows valid)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
            ORDER BY i.tablename, i.indexname
            """,
            [list(tables)],
        )
        return cursor.fetchall()


# Definitions of the indexes a load dropped, kept in the database itself until they are built
# again: a load that fails half-way leaves them there, and the next run builds them first.
PENDING_INDEXES = "bench_pending_indexes"


def drop_indexes(indexes: list[tuple[str, str]]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {PENDING_INDEXES} (name text PRIMARY KEY, definition text)")
        for name, definition in indexes:
            cursor.execute(
                f"INSERT INTO {PENDING_INDEXES} VALUES (%s, %s) ON CONFLICT (name) DO NOTHING", [name, definition]
            )
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def pending_indexes() -> list[tuple[str, str]]:
    """Indexes an earlier load dropped and did not build again (it failed or was stopped)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {PENDING_INDEXES} (name text PRIMARY KEY, definition text)")
        cursor.execute(f"SELECT name, definition FROM {PENDING_INDEXES} ORDER BY name")
        return cursor.fetchall()


def build_indexes(params: dict, indexes: list[tuple[str, str]], *, workers: int = 2) -> float:
    """Create the indexes again, ``workers`` connections at once (GIN indexes spread first, they
    are the long ones), and forget them as pending; returns the seconds taken."""
    import psycopg

    started = time.perf_counter()
    ordered = sorted(indexes, key=lambda item: "USING gin" not in item[1])
    groups = [ordered[i::workers] for i in range(workers)]
    failures = []

    def build(group):
        try:
            with psycopg.connect(**params, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '512MB'")
                for name, definition in group:
                    conn.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
                    conn.execute(f"DELETE FROM {PENDING_INDEXES} WHERE name = %s", [name])
        except Exception as exc:  # reported below, after the other thread finished
            failures.append(exc)

    threads = [threading.Thread(target=build, args=(group,)) for group in groups if group]
    print(f"building {len(indexes)} indexes…", flush=True)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return time.perf_counter() - started


def vacuum_analyze(params: dict, tables: Sequence[str]) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(**params, autocommit=True) as conn:
        for table in tables:
            conn.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


# --- COPY from several processes ------------------------------------------------------------------

# One load stream: given (worker index, worker count), yields (table, row) pairs for its share.
RowSource = Callable[[int, int], Iterator[tuple[str, tuple]]]


def _copy_worker(index: int, workers: int, source: RowSource, columns: dict, params: dict, progress, unit: str):
    import psycopg

    with psycopg.connect(**params) as conn:
        conn.execute("SET synchronous_commit = off")
        try:
            # The rows reference existing ids by construction: skipping the per-row foreign-key
            # triggers is the usual bulk-load shortcut (superuser only; without it, still correct).
            conn.execute("SET session_replication_role = replica")
        except psycopg.Error:
            conn.rollback()
        buffers: dict[str, list[tuple]] = {table: [] for table in columns}
        counted = 0

        def flush(table: str) -> None:
            rows = buffers[table]
            if not rows:
                return
            sql = f"COPY {table} ({', '.join(columns[table])}) FROM STDIN"
            with conn.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            conn.commit()
            rows.clear()

        for table, row in source(index, workers):
            buffers[table].append(row)
            if table == unit:
                counted += 1
                if counted % 1000 == 0:
                    with progress.get_lock():
                        progress.value += 1000
            if len(buffers[table]) >= BATCH_ROWS:
                # Parents before children: rows of earlier tables of ``columns`` go in first.
                for name in columns:
                    flush(name)
                    if name == table:
                        break
        for name in columns:
            flush(name)
        with progress.get_lock():
            progress.value += counted % 1000


def copy_parallel(
    *, source: RowSource, columns: dict[str, list[str]], total: int, unit: str, desc: str, workers: int = 2
) -> float:
    """Load rows with COPY from ``workers`` forked processes, behind one progress bar counting
    rows of table ``unit`` up to ``total``. ``columns`` maps each table to its COPY columns, in
    the order parents before children. Returns the seconds taken."""
    from django.db import connections
    from tqdm import tqdm

    params = conninfo()
    connections.close_all()  # no connection may cross the fork below
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    progress = context.Value("q", 0)
    processes = [
        context.Process(target=_copy_worker, args=(index, workers, source, columns, params, progress, unit))
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    with tqdm(total=total, desc=desc, unit="row", unit_scale=True, file=sys.stdout, mininterval=2) as bar:
        while any(process.is_alive() for process in processes):
            time.sleep(0.5)
            bar.update(progress.value - bar.n)
        bar.update(progress.value - bar.n)
    if any(process.exitcode for process in processes):
        raise SystemExit(f"a load worker failed ({desc})")
    return time.perf_counter() - started


def set_sequences(tables: Sequence[str]) -> None:
    """Move each table's id sequence past the ids the load wrote."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 1))"
            )


# --- Measuring ------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)
