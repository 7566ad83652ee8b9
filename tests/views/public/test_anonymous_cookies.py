"""A visitor who is not signed in gets no cookie from a page without a form, so a proxy or a
CDN may keep the page for every such visitor: no csrftoken, no sessionid. Pages with a form
(joining: tests/views/public/test_join.py; signing in) still set the CSRF cookie and their
forms work with the token from the page; the language switch works for them without a token (a GET that sets only the language
cookie), and for a signed-in participant still as a POST that needs it."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sessions_app.models import Event, Participant
from tests.factories import (
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)

pytestmark = pytest.mark.django_db

PAGES = {
    "home": ("public:home", False),
    "event": ("public:event", True),
    "sessions": ("participant:proposals", True),
    "grid": ("public:grid", True),
    "session": ("public:session", True),
    "now & next": ("public:now", True),
    "feeds": ("public:feeds", True),
}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def event(english_published_event: Event) -> Event:
    """A published grid with a session in it, hosted by someone."""
    event = english_published_event
    room, slot = make_room(event), make_slot(event)
    host = make_participant(event, name="Hanne Host")
    make_placement(make_session(event, hosts=[host], title="Open data"), room, slot)
    return event


def page_url(page: str, event: Event) -> str:
    name, per_event = PAGES[page]
    if not per_event:
        return reverse(name)
    args = [event.slug] + ([event.sessions.get().pk] if page == "session" else [])
    return reverse(name, args=args)


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_page_sets_no_cookie(event: Event, page: str) -> None:
    for _ in range(2):  # rendered, then (the grid) from the cache of the whole page
        client = Client(headers={"accept-language": "en"})
        response = client.get(page_url(page, event))

        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, response.cookies
        assert not client.cookies
        assert "csrfmiddlewaretoken" not in response.text and "X-CSRFToken" not in response.text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_language_switch_works_without_a_token(event: Event, language: str) -> None:
    client = Client(enforce_csrf_checks=True)
    grid = page_url("grid", event)
    client.get(grid)

    response = client.get(reverse("set_language"), {"language": language, "next": grid})

    assert response.status_code == 302 and response["Location"] == grid
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    switched = client.get(grid)
    assert switched.headers["Content-Language"] == language


def test_the_language_switch_goes_only_to_this_site(event: Event) -> None:
    client = Client()

    response = client.get(
        reverse("set_language"), {"language": "nl", "next": "https://evil.example/"}
    )

    assert response.status_code == 302 and response["Location"] == "/"


def test_a_signed_in_participant_switches_with_a_post_that_needs_the_token(event: Event) -> None:
    participant = make_participant(event, language="en")
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)
    grid = page_url("grid", event)
    page = client.get(grid)
    token = TOKEN.search(page.text)
    assert token and 'method="post" action="/i18n/setlang/"' in page.text

    # a GET sets no cookie for them and saves nothing; a POST without the token is refused
    client.get(reverse("set_language"), {"language": "nl", "next": grid})
    refused = client.post(reverse("set_language"), {"language": "nl", "next": grid})
    chosen = client.post(
        reverse("set_language"),
        {"language": "nl", "next": grid, "csrfmiddlewaretoken": token.group(1)},
    )

    assert refused.status_code == 403
    assert chosen.status_code == 302
    assert Participant.objects.get(pk=participant.pk).language == "nl"


def test_sign_in_form_sets_the_cookie_and_works_with_the_token_from_the_page(db) -> None:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    url = reverse("public:sign-in-request")

    page = client.get(url)
    token = TOKEN.search(page.text)
    assert settings.CSRF_COOKIE_NAME in page.cookies and token
    asked = client.post(url, {"email": "ann@example.org", "csrfmiddlewaretoken": token[1]})

    assert asked.status_code in {200, 302}
    assert client.post(url, {"email": "ann@example.org"}).status_code == 403
