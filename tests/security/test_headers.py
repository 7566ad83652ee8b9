"""Row 19: security headers and cookie flags on every response, with the production values of
oocamp/settings.py (read fresh with DEBUG unset, as in production), and `manage.py check
--deploy --fail-level WARNING` passing with production environment variables."""

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import make_sign_in_link
from tests.security.world import PUBLIC, build_world

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "camp.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://camp.example.org",
}
# what the tests' own environment sets and production does not
NOT_IN_PRODUCTION = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests; check --deploy rightly refuses it
]
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "CONTENT_SECURITY_POLICY",
]


def production_settings(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # DJANGO_ALLOW_ASYNC_UNSAFE stays: it is no setting, but what lets this process use the
    # database while Playwright's event loop runs in it (a browser test may have run before)
    for name in set(NOT_IN_PRODUCTION) - {"DJANGO_ALLOW_ASYNC_UNSAFE"}:
        monkeypatch.delenv(name, raising=False)
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("oocamp_prod_copy", ROOT / "oocamp/settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch):
    prod = production_settings(monkeypatch)
    values = {name: getattr(prod, name) for name in SECURITY_SETTINGS}
    with override_settings(**values):
        yield values


def test_production_values(production) -> None:
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SECURE_SSL_REDIRECT"]


@pytest.mark.django_db
def test_every_response_carries_the_headers_in_production(production) -> None:
    world = build_world(["Plain title", "Gent", "Zaal 1"])
    organiser, visitor = Client(), Client()
    organiser.force_login(world.organiser.user)
    responses = [(organiser, url) for url in world.pages().values()]
    responses += [(visitor, url) for name, url in world.pages().items() if name in PUBLIC]
    responses += [
        (visitor, "/accounts/login/"),
        (visitor, "/no-such-event/"),  # 404
        (visitor, reverse("organiser:dashboard", args=[world.event.slug])),  # redirect to login
        (visitor, reverse("public:schedule-ics", args=[world.event.slug])),  # not HTML
        (visitor, reverse("public:sessions-csv", args=[world.event.slug])),
    ]
    for client, url in responses:
        response = client.get(url, secure=True)
        assert response.status_code in {200, 302, 404}, (url, response.status_code)
        headers = response.headers
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", url
        if headers["Content-Type"].startswith("text/html"):
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
    # plain HTTP is sent to HTTPS
    response = visitor.get("/", secure=False)
    assert response.status_code == 301 and response["Location"].startswith("https://")
    print(
        f"\nheaders: {len(responses)} responses in production settings, all with HSTS, "
        "nosniff, Referrer-Policy, X-Frame-Options DENY, COOP; HTML with CSP frame-ancestors"
    )


@pytest.mark.django_db
def test_cookies_are_host_prefixed_secure_httponly_and_lax_in_production(production) -> None:
    world = build_world(["Plain title", "Gent", "Zaal 1"])
    make_sign_in_link(world.participant, "cookie-token")
    client = Client()
    page = client.get("/accounts/login/", secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    response = client.post(reverse("public:sign-in", args=["cookie-token"]), secure=True)
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"
    assert session["domain"] == ""  # __Host-: no Domain attribute
    assert (
        client.get(reverse("participant:my-page", args=[world.event.slug]), secure=True).status_code
        == 200
    )
    print(
        "\ncookies: session __Host-sessionid Secure HttpOnly SameSite=Lax Path=/ no Domain; csrftoken Secure Lax"
    )


def test_check_deploy_passes_with_production_environment(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    env |= PRODUCTION_ENV | {"STATIC_ROOT": str(tmp_path / "static")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    print(f"\ncheck --deploy: exit {result.returncode}: {result.stdout.strip()}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_debug_is_on(tmp_path) -> None:
    """The check can fail: DEBUG=1 in the same environment is a warning, hence exit 1."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    env |= PRODUCTION_ENV | {"STATIC_ROOT": str(tmp_path / "static"), "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout
