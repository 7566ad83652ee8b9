"""Settings come from the environment, with safe production defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with only the given settings variables set."""
    ours = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SECRET_KEY": "k8Jq2-production-like-secret-key-that-is-long-and-random-3vX9pLm0ZrT",
    "ALLOWED_HOSTS": "oocamp.example.org",
    "DATABASE_URL": "sqlite:////tmp/oocamp-check-deploy.sqlite3",
}


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "Set SECRET_KEY (or DEBUG=1 for a development key)." in result.stderr


def test_database_url_selects_the_database():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])"

    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DEBUG="1",
        DATABASE_URL="postgres://someone@db.example:5432/camp",
    )

    assert result.stdout.split() == ["django.db.backends.postgresql", "camp"]


def test_without_database_url_sqlite_is_embedded_in_the_project():
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"

    result = manage("shell", "--no-imports", "-c", code, DEBUG="1")

    assert result.stdout.strip() == str(ROOT / "db.sqlite3")


@pytest.mark.skipif(
    not os.environ.get("OOCAMP_EXPECT_DB"), reason="CI names the database to expect"
)
@pytest.mark.django_db
def test_the_suite_runs_on_the_database_ci_asked_for():
    assert connection.vendor == os.environ["OOCAMP_EXPECT_DB"]


def test_models_and_migrations_agree():
    result = manage("makemigrations", "--check", "--dry-run", DEBUG="1")

    assert result.returncode == 0, result.stdout + result.stderr
