"""Production settings for several app processes (issue 9): nothing that must be shared lives
in one process's memory; the cache, the database pool, media and logs follow the environment."""

import importlib.util
import json
import logging
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from oocamp.jsonlog import JsonFormatter
from sessions_app.requests import client_ip

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "oocamp" / "settings.py"
OURS = [
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "DB_POOL",
    "DB_POOL_MAX",
    "DB_POOL_MIN",
    "CONN_MAX_AGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "LOG_FORMAT",
    "OOCAMP_SERVED_BY",
    "OOCAMP_ORGANISER_TOTP",
]


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    """A fresh copy of oocamp/settings.py read with exactly these variables (and a key); the
    settings of the running tests are left alone."""
    for name in OURS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-production-like-key-" + "z" * 40)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("oocamp_settings_copy", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_redis_url_makes_the_cache_redis_shared_by_every_process(monkeypatch):
    settings = load_settings(monkeypatch, REDIS_URL="redis://cache.internal:6379/2")

    cache = settings.CACHES["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"
    assert cache["OPTIONS"]["socket_timeout"] <= 5  # a dead Redis fails a request, not hangs it


def test_without_redis_each_process_keeps_its_own_memory_cache(monkeypatch):
    settings = load_settings(monkeypatch)

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    ("redis", "engine"),
    [("", "db"), ("redis://127.0.0.1:6379/0", "cached_db")],
)
def test_sessions_live_in_the_database_read_through_redis_when_shared(monkeypatch, redis, engine):
    settings = load_settings(monkeypatch, REDIS_URL=redis)

    assert settings.SESSION_ENGINE.removeprefix("django.contrib.sessions.backends.") == engine


def test_postgresql_gets_a_connection_pool_sized_from_the_environment(monkeypatch):
    settings = load_settings(
        monkeypatch, DATABASE_URL="postgres://camp@db.internal:5432/camp", DB_POOL_MAX="7"
    )

    database = settings.DATABASES["default"]
    assert database["OPTIONS"]["pool"]["max_size"] == 7
    assert database["OPTIONS"]["pool"]["min_size"] == 1
    assert database["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool


def test_the_pool_can_be_turned_off_for_an_external_pooler(monkeypatch):
    settings = load_settings(
        monkeypatch, DATABASE_URL="postgres://camp@pgbouncer:6432/camp", DB_POOL="0"
    )

    database = settings.DATABASES["default"]
    assert "pool" not in database.get("OPTIONS", {})
    assert database["CONN_MAX_AGE"] == 60


def test_sqlite_has_no_pool(monkeypatch):
    settings = load_settings(monkeypatch, DATABASE_URL="sqlite:////tmp/x.sqlite3")

    assert "pool" not in settings.DATABASES["default"]["OPTIONS"]


def test_media_go_to_s3_compatible_storage_when_a_bucket_is_named(monkeypatch):
    settings = load_settings(
        monkeypatch,
        AWS_STORAGE_BUCKET_NAME="oocamp-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")

    default = settings.STORAGES["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    from storages.backends.s3 import S3Storage

    url = S3Storage(**default["OPTIONS"]).url("slides/talk.pdf")  # signed offline, no request
    assert url.startswith("https://s3.example.org/oocamp-media/slides/talk.pdf?")
    assert "Signature=" in url or "X-Amz-Signature=" in url


def test_media_stay_on_the_file_system_without_a_bucket(monkeypatch):
    settings = load_settings(monkeypatch)

    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_production_serves_compressed_cache_busted_static_files_and_logs_json(monkeypatch):
    settings = load_settings(monkeypatch, DEBUG="0")

    assert (
        settings.STORAGES["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert settings.LOGGING["handlers"]["console"]["stream"] == "ext://sys.stdout"
    assert settings.SECURE_SSL_REDIRECT is True
    assert settings.SECURE_REDIRECT_EXEMPT == [r"^healthz$"]


def test_production_requires_organisers_to_use_an_authenticator_app(monkeypatch):
    production = load_settings(monkeypatch, DEBUG="0")
    development = load_settings(monkeypatch, DEBUG="1")
    chosen = load_settings(monkeypatch, DEBUG="0", OOCAMP_ORGANISER_TOTP="optional")

    assert production.OOCAMP_ORGANISER_TOTP == "required"
    assert development.OOCAMP_ORGANISER_TOTP == "optional"  # dev.py and the demo
    assert chosen.OOCAMP_ORGANISER_TOTP == "optional"
    assert "django_otp.middleware.OTPMiddleware" in production.MIDDLEWARE


def test_a_misspelt_authenticator_setting_stops_the_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="OOCAMP_ORGANISER_TOTP"):
        load_settings(monkeypatch, OOCAMP_ORGANISER_TOTP="requried")


def test_the_served_by_header_is_off_unless_asked_for(monkeypatch):
    plain = load_settings(monkeypatch)
    named = load_settings(monkeypatch, OOCAMP_SERVED_BY="web-1")

    assert "oocamp.middleware.ServedByMiddleware" not in plain.MIDDLEWARE
    assert named.MIDDLEWARE[0] == "oocamp.middleware.ServedByMiddleware"


def test_json_log_lines_carry_level_logger_message_extras_and_the_exception():
    logger = logging.getLogger("oocamp.test")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logger.makeRecord(
            "oocamp.test", logging.ERROR, __file__, 1, "vote for %s failed", ("x",),
            sys.exc_info(), extra={"status_code": 500},
        )  # fmt: skip

    line = json.loads(JsonFormatter().format(record))

    assert line["level"] == "ERROR"
    assert line["logger"] == "oocamp.test"
    assert line["message"] == "vote for x failed"
    assert line["status_code"] == 500
    assert "ValueError: boom" in line["exception"]


def test_the_client_address_comes_from_the_trusted_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )

    settings.OOCAMP_TRUSTED_PROXIES = 0
    assert client_ip(request) == "127.0.0.1"  # no proxy trusted: the header is ignored
    settings.OOCAMP_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw, not what the client wrote


def test_served_by_names_the_process_in_a_header(client, settings, db):
    settings.OOCAMP_SERVED_BY = "web-2"
    settings.MIDDLEWARE = ["oocamp.middleware.ServedByMiddleware", *settings.MIDDLEWARE]

    response = client.get("/healthz")

    assert response["X-Served-By"] == "web-2"
