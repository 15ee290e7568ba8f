"""What can be tested of the Docker image without a Docker engine: its build steps and command.

The image runs ``collectstatic`` with production settings and then the gunicorn command of its
``CMD``; here both run outside Docker against the test database.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def dockerfile_cmd() -> list[str]:
    text = (BASE_DIR / "Dockerfile").read_text()
    return json.loads(re.search(r"^CMD (\[.*\])$", text, re.MULTILINE).group(1))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_dockerfile_runs_as_a_non_root_user_with_collected_static_files():
    text = (BASE_DIR / "Dockerfile").read_text()

    assert re.search(r"^USER (?!root)\w+", text, re.MULTILINE)
    assert "collectstatic --noinput" in text
    assert dockerfile_cmd()[:2] == ["gunicorn", "exchange.wsgi"]


@pytest.mark.django_db(transaction=True)
def test_image_command_serves_pages_and_static_files_with_production_settings(tmp_path):
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    if host.startswith("/"):  # the embedded server listens on a Unix socket only
        database_url = f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
    else:
        database_url = f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "EMAIL_URL": "consolemail://",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SECURE_SSL_REDIRECT": "false",
    }
    env.pop("DEBUG", None)
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert collect.returncode == 0, collect.stderr

    command = dockerfile_cmd()
    command[0] = str(BIN / command[0])
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "1"
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        home = None
        for _ in range(60):
            try:
                home = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.5)
        log.seek(0)
        assert home is not None and home.status == 200, log.read()
        html = home.read().decode()
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', html).group(1)
        # The manifest storage gives hashed names: proof that collected files are served.
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet)
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}", timeout=2).status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
