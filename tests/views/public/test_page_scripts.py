"""Each page loads the scripts that have work on it, and no others: on a phone on a slow
connection every request before the first paint makes the page later (issue 20's LCP). An
anonymous visitor of the grid gets app.js, offline.js and live.js; "I'll go" (follow.js) and the
outbox (outbox.js) come with a participant, the people picker (picker.js) with a form that has
one (forms.PeoplePicker's media)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sessions_app.models import Event
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script src="/static/js/([a-z-]+)\.js"[^>]*\bdefer\b')


def scripts(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return set(SCRIPT.findall(response.content.decode()))


@pytest.fixture
def event() -> Event:
    event = make_event(slug="buurtcamp", language="en", phase=Event.Phase.PUBLISHED)
    host = make_participant(event, "Hanne")
    make_placement(
        make_session(event, hosts=[host], title="Buurtwerk"), make_room(event), make_slot(event)
    )
    return event


def signed_in(event: Event, name: str = "Fien") -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(make_participant(event, name).user)
    return client


@pytest.mark.parametrize("page", ["public:grid", "public:now"])
def test_an_anonymous_visitor_loads_no_follow_outbox_or_picker_script(event, page):
    loaded = scripts(Client(headers={"accept-language": "en"}), reverse(page, args=[event.slug]))

    assert {"app", "offline", "live"} <= loaded
    assert not loaded & {"follow", "outbox", "picker"}


@pytest.mark.parametrize("page", ["public:grid", "public:now"])
def test_a_participant_gets_the_follow_buttons_and_the_outbox_scripts(event, page):
    loaded = scripts(signed_in(event), reverse(page, args=[event.slug]))

    assert {"app", "offline", "live", "follow", "outbox"} <= loaded
    assert "picker" not in loaded


def test_the_proposal_form_brings_its_people_picker_once():
    event = make_event(slug="buurtcamp", language="en", phase=Event.Phase.PROPOSALS)
    page = signed_in(event).get(reverse("participant:propose", args=[event.slug]))

    assert page.content.decode().count("/static/js/picker.") == 1
    assert 'data-picker=""' in page.content.decode()


def test_the_report_page_brings_the_picker_for_its_note_takers(event):
    host = event.sessions.get().hostings.get().participant
    client = Client(headers={"accept-language": "en"})
    client.force_login(host.user)
    session = event.sessions.get()

    loaded = scripts(client, reverse("participant:report", args=[event.slug, session.pk]))

    assert "picker" in loaded


@pytest.mark.parametrize("page", ["public:home", "public:event", "public:grid", "public:now"])
def test_pages_without_htmx_markup_load_no_htmx(event, page):
    """Home, the event's page, the grid and now & next have no hx- attributes (live.js fetches
    what changes); htmx is the largest script, so they go without it."""
    for client in (Client(headers={"accept-language": "en"}), signed_in(event, "Gert")):
        args = [] if page == "public:home" else [event.slug]
        html = client.get(reverse(page, args=args)).content.decode()

        assert "htmx" not in " ".join(re.findall(r"<script [^>]*>", html))
        assert not re.search(r"\shx-(get|post|target|swap|trigger)=", html)


def test_the_sessions_page_keeps_htmx_for_its_filters(event):
    html = Client().get(reverse("participant:proposals", args=[event.slug])).content.decode()

    assert "django_htmx/htmx" in html
    assert "hx-get=" in html
