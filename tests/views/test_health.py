"""`/healthz`: 200 when the database and the cache answer, 503 naming what failed."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from sessions_app.views import health

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.mark.django_db
def test_healthy_answers_200_json_without_session_or_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production, over plain HTTP from the balancer

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie
    assert reverse("public:healthz") == "/healthz"


@pytest.mark.django_db
def test_health_costs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/healthz")


@pytest.mark.django_db
def test_a_dead_cache_answers_503_naming_the_cache(client, settings, caplog):
    settings.CACHES = UNREACHABLE_REDIS

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failed"}
    assert "the cache does not answer" in caplog.text


@pytest.mark.django_db
def test_a_dead_database_answers_503_naming_the_database(client, monkeypatch, caplog):
    class DeadConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", DeadConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "failed", "cache": "ok"}
    assert "connection refused" in caplog.text  # the reason is logged, not shown


def test_only_get_is_answered(client):
    assert client.post("/healthz").status_code == 405
