"""``bench/fair.py`` at a tiny size: the whole benchmark runs (its own database, a real gunicorn,
seekers applying over HTTP, more hires than positions) and stops the server it started, also
when it is interrupted.

The benchmark runs as a subprocess against a database of its own on the test server, created
here and dropped afterwards, so the test database is never touched.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "fair.py"

SEEKERS = 60
POSITIONS = 12
HIRE_ATTEMPTS = 18


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or ""
    if host.startswith("/"):  # the embedded server listens on a Unix socket only
        return f"postgres://{user}{password}@/{name}?host={host}"
    return f"postgres://{user}{password}@{host or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@pytest.fixture(scope="module")
def bench_database():
    """A database for the benchmark beside the test database; dropped when the module ends."""
    name = f"{settings.DATABASES['default']['NAME']}_fairbench"
    yield _url(name)
    maintenance = _url("postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _bench(database_url: str, *extra: str, **popen) -> subprocess.Popen:
    argv = [sys.executable, str(BENCH), "--database-url", database_url, "--seekers", str(SEEKERS),
            "--positions", str(POSITIONS), "--employers", "3", "--hire-attempts", str(HIRE_ATTEMPTS),
            "--clients", "6", "--workers", "2", "--threads", "2", *extra]  # fmt: skip
    return subprocess.Popen(argv, cwd=ROOT, text=True, **popen)


def _serving(port: int) -> list[int]:
    """Pids of processes whose command line binds 127.0.0.1:``port`` (the master and its workers
    carry the master's argv)."""
    needle = f"127.0.0.1:{port}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def test_every_seeker_applies_and_hires_stop_at_the_positions_offered(bench_database, tmp_path):
    figures_file = tmp_path / "fair.json"
    process = _bench(bench_database, "--json", str(figures_file), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = process.communicate(timeout=600)

    assert process.returncode == 0, output
    figures = json.loads(figures_file.read_text())
    assert figures["applications"] == SEEKERS
    assert figures["errors"] == 0
    assert figures["apply_status"] == {"201": SEEKERS}
    assert figures["hired"] == POSITIONS
    assert figures["positions"] == POSITIONS
    assert figures["refused_409"] == HIRE_ATTEMPTS - POSITIONS
    assert set(figures["hire_refusal_codes"]) == {"fair_positions_filled"}
    assert figures["database"]["positions_filled"] == POSITIONS
    assert figures["database"]["hired_applications"] == POSITIONS
    assert figures["cap_held"] is True
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert figures["per_s"] > 0
    assert figures["server_cpu_ms_per_apply"] > 0
    assert "the cap held" in output
    assert _serving(figures["server"]["port"]) == []


def test_an_interrupted_run_stops_the_server_it_started(bench_database):
    process = _bench(bench_database, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        port = None
        for line in process.stdout:
            if line.startswith("started gunicorn"):
                port = int(line.split("127.0.0.1:")[1].split(":")[0])
                break
        assert port is not None, "the benchmark never started its server"
        deadline = time.monotonic() + 60
        while not _serving(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _serving(port), "the server was not running"

        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode != 0
    assert "stopping gunicorn" in rest
    assert _serving(port) == []
