"""Who a signed-in request is: sessions_app/auth.py reads the user with a query compiled once.

What a person sees: signed in through a link, they stay signed in on every page, also when
their session was made before this backend existed (it names Django's own); a deactivated or
deleted account is signed out at its next request; a wrong password is refused once, checked
once. The user read answers what Django's ORM answers, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model, user_login_failed
from django.contrib.auth.models import User
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app import auth
from tests.factories import (
    make_event,
    make_participant,
    make_sign_in_link,
    make_signed_in_session,
    make_user,
)
from tests.helpers import english, user_id

DJANGOS_OWN = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def event(db):
    return make_event(slug="auth-camp", name="Auth camp", language="en")


@pytest.fixture
def lien(event):
    return make_participant(event, name="Lien Peeters", email="lien@example.org")


def with_session(key: str) -> Client:
    client = english()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def my_page(client: Client, event) -> str:
    response = client.get(reverse("participant:my-page", args=[event.slug]))
    assert response.status_code == 200, response  # not sent to the join page
    return response.content.decode()


def test_a_sign_in_link_signs_in_through_the_prepared_read(event, lien) -> None:
    make_sign_in_link(lien, "auth-token-for-lien")
    client = english()
    assert client.post(reverse("public:sign-in", args=["auth-token-for-lien"])).status_code == 302
    assert user_id(client) == str(lien.user.pk)
    assert client.session["_auth_user_backend"] == auth.PATH
    assert "Lien Peeters" in my_page(client, event)


def test_a_session_made_before_the_prepared_read_stays_signed_in(event, lien) -> None:
    client = with_session(make_signed_in_session(lien.user, backend=DJANGOS_OWN))
    assert "Lien Peeters" in my_page(client, event)
    assert client.session["_auth_user_backend"] == DJANGOS_OWN


@pytest.mark.parametrize("backend", [auth.PATH, DJANGOS_OWN])
def test_a_deactivated_account_is_signed_out_at_its_next_request(event, lien, backend) -> None:
    client = with_session(make_signed_in_session(lien.user, backend=backend))
    assert "Lien Peeters" in my_page(client, event)
    get_user_model().objects.filter(pk=lien.user.pk).update(is_active=False)
    response = client.get(reverse("participant:my-page", args=[event.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:join", args=[event.slug]))


def test_a_deleted_account_is_signed_out(event, lien) -> None:
    client = with_session(make_signed_in_session(lien.user))
    assert "Lien Peeters" in my_page(client, event)
    lien.delete()
    get_user_model().objects.filter(pk=lien.user.pk).delete()
    response = client.get(reverse("participant:my-page", args=[event.slug]))
    assert response.status_code == 302


def test_a_changed_password_signs_out_the_other_sessions(event, lien) -> None:
    """The session's hash of the password is still checked against the row read."""
    client = with_session(make_signed_in_session(lien.user))
    assert "Lien Peeters" in my_page(client, event)
    lien.user.set_password("a new and long password")
    lien.user.save()
    response = client.get(reverse("participant:my-page", args=[event.slug]))
    assert response.status_code == 302


def test_a_wrong_password_is_checked_once_and_refused_once(db, monkeypatch) -> None:
    make_user(username="olga-auth", password="the right password 42")
    checked, failed = [], []
    original = User.check_password
    monkeypatch.setattr(
        User, "check_password", lambda self, raw: checked.append(raw) or original(self, raw)
    )

    def on_failure(**kwargs) -> None:
        failed.append(kwargs["credentials"]["username"])

    user_login_failed.connect(on_failure)
    try:
        client = english()
        response = client.post(
            reverse("login"), {"username": "olga-auth", "password": "wrong password"}
        )
    finally:
        user_login_failed.disconnect(on_failure)
    assert response.status_code == 200
    assert user_id(client) is None
    assert checked == ["wrong password"]  # Django's own backend, listed second, did not
    assert failed == ["olga-auth"]


def test_the_right_password_signs_in_through_the_prepared_read(db) -> None:
    olga = make_user(username="olga-auth2", password="the right password 42")
    client = english()
    client.post(reverse("login"), {"username": "olga-auth2", "password": "the right password 42"})
    assert user_id(client) == str(olga.pk)
    assert client.session["_auth_user_backend"] == auth.PATH


def test_the_user_read_is_the_orms_row_in_one_query(db) -> None:
    olga = make_user(username="olga-auth3", email="olga@example.org", first_name="Olga")
    other = make_user(username="someone-else")
    backend = auth.ModelBackend()
    backend.get_user(other.pk)  # compiled for another id first
    with CaptureQueriesContext(connection) as queries:
        read = backend.get_user(olga.pk)
    assert len(queries) == 1
    fresh = get_user_model().objects.get(pk=olga.pk)
    assert model_to_dict(read) == model_to_dict(fresh)
    assert read.last_login == fresh.last_login and read.date_joined == fresh.date_joined
    assert read.is_active is True and read.is_staff is False  # booleans, also on SQLite
    assert read.pk == olga.pk and read._state.adding is False
    assert backend.get_user(10**9) is None
