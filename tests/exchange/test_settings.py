"""Configuration comes from the environment and fails loudly, in one line, when it is wrong."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 30 + "-production-secret-for-the-deploy-check"


def run_manage(*args, **env_overrides):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests; the deploy check rightly warns about it.
    dropped = {"DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "nonsense", "DATABASE_URL"),
        ("DATABASE_URL", "mysql://root@localhost/db", "PostgreSQL"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL"),
        ("DEBUG", "maybe", "DEBUG"),
        ("DJANGO_ENV", "staging", "DJANGO_ENV"),
        ("DATABASE_CONN_MAX_AGE", "forever", "DATABASE_CONN_MAX_AGE"),
    ],
)
def test_bad_configuration_fails_at_start_with_one_clear_line(variable, value, expected):
    result = run_manage("check", **{variable: value})

    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert expected in lines[0]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="exchange.example.kz")

    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="exchange.example.kz",
        EMAIL_URL="smtp+tls://mailer:secret@mail.example.kz:587",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
