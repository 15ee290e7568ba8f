"""``make run``: prepare the database and start the whole exchange in one terminal.

Starts the embedded PostgreSQL when ``DATABASE_URL`` is unset (and holds it for the children),
migrates, loads the catalogs, the periodic schedule and the demo data, then runs the web server
(gunicorn), one Celery worker and Celery beat. Ctrl-C (or SIGTERM) stops every process it
started; if one of them dies, the others are stopped too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def say(message: str) -> None:
    print(f"[exchange] {message}", flush=True)


def prepare_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    if not env.get("DATABASE_URL"):
        from exchange import embedded

        say("DATABASE_URL is unset: starting the embedded PostgreSQL (data in var/pgdata)")
        # This process holds the server; it stops when the launcher exits.
        env["DATABASE_URL"] = embedded.postgres_url()
    if not env.get("REDIS_URL"):
        say("REDIS_URL is unset: Celery uses the filesystem broker in var/broker, the cache is var/cache")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, str(BASE_DIR / "manage.py"), *args], env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True
    )
    print(result.stdout, end="", flush=True)
    if result.returncode != 0:
        say(f"'manage.py {' '.join(args)}' failed (exit {result.returncode}); stopping.")
        sys.exit(result.returncode)
    return result.stdout


def start(env: dict[str, str], name: str, argv: list[str]) -> subprocess.Popen:
    say(f"starting {name}: {' '.join(argv)}")
    # Own process group, so Ctrl-C in the terminal reaches us first and we stop them in order.
    return subprocess.Popen(argv, env=env, cwd=BASE_DIR, start_new_session=True)


def wait_until_healthy(url: str, processes: dict[str, subprocess.Popen], timeout: float = 90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own http:// URL)
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    return False


def stop_all(processes: dict[str, subprocess.Popen]) -> None:
    for name, process in processes.items():
        if process.poll() is None:
            say(f"stopping {name}")
            # The main process only: it shuts its own children down cleanly (warm shutdown).
            process.terminate()
    deadline = time.monotonic() + 15
    for process in processes.values():
        remaining = max(0.1, deadline - time.monotonic())
        try:
            process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    if not port.isdigit():
        say(f"PORT={port!r} is not a port number")
        return 2
    env = prepare_environment()

    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "loadcatalog", "-v", "0")
    manage(env, "syncschedule")
    demo = manage(env, "seeddemo")
    # The hourly task would create it too; doing it now means a fresh exchange shows its next fair.
    manage(env, "createmonthlyfair")

    celery = [str(BIN / "celery"), "-A", "exchange"]
    worker = [*celery, "worker", "--loglevel", "INFO", "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2")]
    if not env.get("REDIS_URL"):
        # The filesystem transport has no broadcast: no gossip, mingle or remote control.
        worker += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    processes = {
        "web": start(
            env,
            "web",
            [
                str(BIN / "gunicorn"),
                "exchange.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
        ),
        "worker": start(env, "worker", worker),
        "beat": start(env, "beat", [*celery, "beat", "--loglevel", "INFO"]),
    }

    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    url = f"http://{host}:{port}/"
    if wait_until_healthy(url + "healthz", processes):
        say(f"the exchange is running at {url}  (API docs: {url}api/docs/, admin: {url}admin/)")
    else:
        say(f"{url}healthz does not answer 200 yet; see the logs above. Serving at {url}")
    say("demo logins (e-mail / password):")
    print(demo, end="", flush=True)
    say("press Ctrl-C to stop everything")
    exit_code = 0
    parent = os.getppid()
    try:
        while not stopping:
            if os.getppid() != parent:
                say("the parent process (make) went away; stopping")
                break
            for name, process in processes.items():
                if process.poll() is not None:
                    say(f"{name} exited with code {process.returncode}; stopping the others")
                    stopping, exit_code = True, 1
                    break
            time.sleep(0.5)
    finally:
        stop_all(processes)
        say("stopped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
