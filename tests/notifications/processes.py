"""Real processes for the delivery tests: a Celery worker, a private Redis, the events script.

Every process is started by the test and stopped (or killed) by it in a ``finally`` block.
Their output goes to files under the test's tmp_path, shown when something goes wrong.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def wait_until(predicate, *, timeout: float, interval: float = 0.2, every=None, every_seconds: float = 5.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes; call ``every`` now and then."""
    deadline = time.monotonic() + timeout
    next_every = time.monotonic() + every_seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        if every is not None and time.monotonic() >= next_every:
            every()
            next_every = time.monotonic() + every_seconds
        time.sleep(interval)
    return predicate()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def subprocess_database_url() -> str:
    """A DATABASE_URL for the test database this process uses, for its subprocesses."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    # django-environ puts a socket directory given as ?host=... (the embedded server) in OPTIONS.
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    if host.startswith("/"):  # a Unix socket (the embedded PostgreSQL)
        return f"postgres://{user}{password}@/{db['NAME']}?host={quote(host, safe='/')}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def subprocess_env(**extra: str | None) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": subprocess_database_url(), "PYTHONUNBUFFERED": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "tests.notifications.worker_settings"
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


class Worker:
    """``celery -A exchange worker --pool solo`` consuming one private queue."""

    def __init__(self, *, queue: str, log: Path, env: dict[str, str]):
        self.queue, self.log, self.env = queue, log, {**env, "CELERY_QUEUE": queue}
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 60) -> Worker:
        command = [
            sys.executable, "-m", "celery", "-A", "exchange", "worker",
            "--pool", "solo", "--concurrency", "1", "-Q", self.queue,
            "-n", f"{self.queue}-{time.monotonic_ns()}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
        ]  # fmt: skip
        self.offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        if not wait_until(lambda: " ready." in self.output() or self.process.poll() is not None, timeout=timeout):
            raise AssertionError(f"the worker did not start in {timeout} s:\n{self.output()}")
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.output()}")
        return self

    def output(self) -> str:
        if not self.log.exists():
            return ""
        return self.log.read_bytes()[self.offset :].decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, an open transaction left to PostgreSQL."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class RedisServer:
    """A private ``redis-server`` on its own port, without persistence, stopped and started at will."""

    def __init__(self, *, port: int, log: Path):
        self.port, self.log = port, log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> RedisServer:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        if not wait_until(self.ping, timeout=10):
            raise AssertionError(f"redis-server did not start:\n{self.log.read_text(errors='replace')}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        assert not self.ping()


def run_events(*args: str, env: dict[str, str], timeout: float = 120) -> tuple[dict, str]:
    """Run ``events_script`` with ``args``; returns its summary and its log (stderr)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.notifications.events_script", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"events_script {args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr
