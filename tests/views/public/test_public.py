"""Public pages: anyone may see them; the event's language is the default; few queries."""

import pytest
from django.urls import reverse

from sessions_app.models import Event, Session
from tests.factories import make_event, make_participant, make_session


@pytest.mark.django_db
def test_home_lists_open_and_past_events(client):
    make_event(name="OOcamp 2026", slug="oocamp-2026", phase=Event.Phase.VOTING)
    make_event(name="OOcamp 2012", slug="oocamp-2012", phase=Event.Phase.ARCHIVED)

    response = client.get(reverse("public:home"))

    assert response.status_code == 200
    open_events = [e.name for e in response.context["events"]]
    past_events = [e.name for e in response.context["past_events"]]
    assert (open_events, past_events) == (["OOcamp 2026"], ["OOcamp 2012"])


@pytest.mark.django_db
def test_event_page_shows_counts_without_withdrawn_sessions(client, event):
    host = make_participant(event)
    make_participant(event)
    make_session(event, hosts=[host])
    make_session(event, hosts=[host], status=Session.Status.WITHDRAWN)

    response = client.get(reverse("public:event", args=[event.slug]))

    assert response.context["counts"] == {"participants": 2, "sessions": 1}


@pytest.mark.django_db
def test_unknown_event_is_a_404(client):
    response = client.get(reverse("public:event", args=["nope"]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_dutch_event_speaks_dutch_to_a_visitor_who_did_not_choose(client):
    event = make_event(language="nl")

    response = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.headers["Content-Language"] == "nl"
    assert '<html lang="nl">' in response.text
    assert "Deelnemers" in response.text


@pytest.mark.django_db
def test_the_visitors_choice_wins_over_the_events_language(client):
    event = make_event(language="nl")

    client.post(reverse("set_language"), {"language": "en", "next": event.get_absolute_url()})
    response = client.get(event.get_absolute_url())

    assert '<html lang="en">' in response.text
    assert "Participants" in response.text


@pytest.mark.django_db
def test_an_english_event_speaks_english(client):
    event = make_event(language="en")

    response = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")

    assert "Participants" in response.text


@pytest.mark.django_db
def test_event_description_is_rendered_markdown_without_script(client):
    event = make_event(description="**Welkom** <script>alert(1)</script> [x](javascript:alert(2))")

    response = client.get(event.get_absolute_url())

    assert "<strong>Welkom</strong>" in response.text
    assert "<script>alert" not in response.text
    assert "javascript:alert" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("sessions", [1, 3])
def test_event_page_needs_the_same_few_queries_however_many_sessions(
    client, event, sessions, django_assert_max_num_queries
):
    host = make_participant(event)
    for _ in range(sessions):
        make_session(event, hosts=[host])

    with django_assert_max_num_queries(2):
        response = client.get(event.get_absolute_url())

    assert response.status_code == 200
