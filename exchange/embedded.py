"""The embedded default: PostgreSQL from ``pgserver`` and Celery's filesystem broker.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset, so that a fresh clone runs with
nothing installed system-wide. Everything lives under ``var/`` (``EXCHANGE_VAR_DIR``).
This module imports no app and no Django settings: ``settings.py`` calls it.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    path = Path(os.environ.get("EXCHANGE_VAR_DIR", BASE_DIR / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


DATABASE_NAME = "exchange"


def postgres_url() -> str:
    """Start (or join) the embedded PostgreSQL server and return a URL for its database.

    pgserver keeps a list of the processes using the server and stops it when the last one
    exits, so the launcher, web server, worker, beat and tests can all call this safely.
    The server listens on a Unix socket only, so it never clashes with a system PostgreSQL.
    """
    # Imported here: pgserver and psycopg are only needed on the embedded path.
    import pgserver
    import psycopg

    server = pgserver.get_server(var_dir() / "pgdata", cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return f"postgres://postgres@/{DATABASE_NAME}?host={socket_dir}"


def broker_folders() -> dict[str, str]:
    """Folders for kombu's ``filesystem://`` transport (one folder serves both directions)."""
    queue = var_dir() / "broker" / "queue"
    processed = var_dir() / "broker" / "processed"
    control = var_dir() / "broker" / "control"
    for path in (queue, processed, control):
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(processed),
        "control_folder": str(control),
        "store_processed": False,
    }
