"""The back office loads for a superuser: every changelist with a search and a filter, the
Session change page with its inlines, and the Session changelist without N+1 queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.models import (
    Attachment,
    Event,
    Host,
    Participant,
    Placement,
    Room,
    Session,
    Slot,
    Theme,
    Vote,
)
from tests.factories import (
    make_attachment,
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
    make_vote,
)

pytestmark = pytest.mark.django_db

# One Session changelist page takes 7 queries on SQLite and PostgreSQL alike: the request's
# session and user, the event and theme filter choices, two counts and the page of sessions.
# One query of headroom; a query per row would already break the bound at 3 rows.
SESSION_CHANGELIST_MAX_QUERIES = 8


def changelist(client, model, **params):
    url = reverse(f"admin:sessions_app_{model._meta.model_name}_changelist")
    return client.get(url, params)


def shown(response) -> list[str]:
    """The objects on the changelist page, as their `__str__`."""
    return [str(obj) for obj in response.context["cl"].result_list]


def test_event_changelist_search_and_filter(admin_client, event):
    make_event(name="Decoy Camp", phase=Event.Phase.VOTING)

    response = changelist(admin_client, Event, q="Overheid", phase=Event.Phase.PROPOSALS)

    assert response.status_code == 200
    assert shown(response) == ["Open Overheid Camp"]
    assert "Open Overheid Camp" in response.text
    assert "Decoy Camp" not in response.text


def test_room_changelist_search_and_filter(admin_client, event):
    make_room(event, name="Aula", capacity=120)
    make_room(event, name="Kelder")
    make_room(make_event(), name="Aula")

    response = changelist(admin_client, Room, q="Aula", event__id__exact=event.pk)

    assert response.status_code == 200
    assert shown(response) == ["Aula (120)"]
    assert "Aula" in response.text
    assert "Kelder" not in response.text
    assert Room.objects.count() == 3


def test_slot_changelist_search_and_filter(admin_client, event):
    make_slot(event, "10:00", "10:45", label="Opening")
    make_slot(event, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch")

    response = changelist(admin_client, Slot, q="Opening", kind=Slot.Kind.SESSIONS)

    assert response.status_code == 200
    assert shown(response) == ["10:00–10:45 Opening"]
    assert "10:00–10:45 Opening" in response.text
    assert "Lunch" not in response.text


def test_participant_changelist_search_and_filter(admin_client, event, organiser, participant):
    response = changelist(admin_client, Participant, q="Piet", role=Participant.Role.PARTICIPANT)

    assert response.status_code == 200
    assert shown(response) == ["Piet Participant"]
    assert "Piet Participant" in response.text
    assert "Olga Organiser" not in response.text


def test_theme_changelist_search_and_filter(admin_client, event):
    make_theme(event, name="Open data")
    make_theme(event, name="Mobility")

    response = changelist(admin_client, Theme, q="open data", event__id__exact=event.pk)

    assert response.status_code == 200
    assert shown(response) == ["Open data"]
    assert "Open data" in response.text
    assert "Mobility" not in response.text


def test_session_changelist_search_and_filter(admin_client, event, organiser):
    make_session(event, title="Open by default", hosts=[organiser])
    make_session(event, title="Decoy talk")
    make_session(event, title="Open and withdrawn", status=Session.Status.WITHDRAWN)

    response = changelist(admin_client, Session, q="Open", status=Session.Status.PROPOSED)

    assert response.status_code == 200
    assert shown(response) == ["Open by default"]
    assert "Open by default" in response.text
    assert "Decoy talk" not in response.text
    assert "Open and withdrawn" not in response.text


def test_session_changelist_search_by_host_name(admin_client, event, organiser, participant):
    make_session(event, title="Open by default", hosts=[organiser])
    make_session(event, title="Decoy talk", hosts=[participant])

    response = changelist(admin_client, Session, q="Olga", event__id__exact=event.pk)

    assert response.status_code == 200
    assert shown(response) == ["Open by default"]


def test_vote_changelist_search_and_filter(admin_client, event, organiser, participant):
    session = make_session(event, title="Open by default")
    make_vote(participant, session)
    make_vote(organiser, session)

    response = changelist(admin_client, Vote, q="Piet", session__event__id__exact=event.pk)

    assert response.status_code == 200
    assert shown(response) == ["Piet Participant ♥ Open by default"]
    assert "Piet Participant" in response.text
    assert "Olga Organiser" not in response.text


def test_placement_changelist_search_and_filter(admin_client, event):
    room = make_room(event, name="Aula")
    make_placement(
        make_session(event, title="Open by default"), room, make_slot(event), pinned=True
    )
    make_placement(
        make_session(event, title="Decoy talk"), room, make_slot(event, "11:00", "11:45")
    )

    response = changelist(admin_client, Placement, q="default", pinned__exact=1)

    assert response.status_code == 200
    assert shown(response) == ["Open by default @ Aula, 10:00–10:45"]
    assert "Open by default" in response.text
    assert "Decoy talk" not in response.text


def test_attachment_changelist_search_and_filter(admin_client, event):
    session = make_session(event)
    make_attachment(session, title="Slides on open data", kind=Attachment.Kind.SLIDES)
    make_attachment(session, title="Recording", kind=Attachment.Kind.VIDEO)

    response = changelist(admin_client, Attachment, q="open data", kind=Attachment.Kind.SLIDES)

    assert response.status_code == 200
    assert shown(response) == ["Slides on open data"]
    assert "Slides on open data" in response.text
    assert "Recording" not in response.text


def test_host_changelist_search_and_filter(admin_client, event, organiser, participant):
    make_session(event, title="Open by default", hosts=[organiser, participant])

    response = changelist(admin_client, Host, q="Olga", session__event__id__exact=event.pk)

    assert response.status_code == 200
    assert shown(response) == ["Olga Organiser → Open by default"]
    assert "Olga Organiser" in response.text
    assert "Piet Participant" not in response.text


def test_session_change_page_shows_inlines(admin_client, event, organiser):
    session = make_session(event, title="Open by default", hosts=[organiser])
    make_placement(session, make_room(event, name="Aula"), make_slot(event))
    make_attachment(session, title="Slides on open data")
    url = reverse("admin:sessions_app_session_change", args=[session.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert sorted(formsets) == ["attachments", "hostings", "placement"]
    assert [f.instance.participant for f in formsets["hostings"].initial_forms] == [organiser]
    assert len(formsets["placement"].initial_forms) == 1
    assert len(formsets["attachments"].initial_forms) == 1
    assert "Open by default" in response.text
    assert "Slides on open data" in response.text


def test_attachment_admin_forms_assume_https(admin_client, event):
    attachment = make_attachment(make_session(event), title="Slides on open data")

    session_page = admin_client.get(
        reverse("admin:sessions_app_session_change", args=[attachment.session_id])
    )
    attachment_page = admin_client.get(
        reverse("admin:sessions_app_attachment_change", args=[attachment.pk])
    )

    assert (session_page.status_code, attachment_page.status_code) == (200, 200)
    assert attachment_page.context["adminform"].form.fields["url"].assume_scheme == "https"


def test_event_change_page_shows_room_and_slot_inlines(admin_client, event):
    make_room(event, name="Aula")
    make_slot(event, label="Opening")
    url = reverse("admin:sessions_app_event_change", args=[event.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert sorted(formsets) == ["rooms", "slots"]
    assert len(formsets["rooms"].initial_forms) == 1
    assert len(formsets["slots"].initial_forms) == 1


def make_busy_sessions(event: Event, count: int) -> None:
    """`count` sessions, each with two hosts, votes, a theme and a placement."""
    room = make_room(event)
    voters = [make_participant(event) for _ in range(2)]
    for n in range(count):
        session = make_session(event, hosts=[make_participant(event), make_participant(event)])
        session.themes.add(make_theme(event))
        for voter in voters:
            make_vote(voter, session)
        make_placement(session, room, make_slot(event, f"{10 + n}:00", f"{10 + n}:45"))


def session_changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = changelist(client, Session)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [1, 3])
def test_session_changelist_query_bound(admin_client, event, count, django_assert_max_num_queries):
    make_busy_sessions(event, count)

    with django_assert_max_num_queries(SESSION_CHANGELIST_MAX_QUERIES):
        response = changelist(admin_client, Session)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count


def test_session_changelist_queries_do_not_grow_with_rows(admin_client, event):
    make_busy_sessions(event, 1)
    changelist(admin_client, Session)  # warm caches (content types, session) before counting
    one = session_changelist_queries(admin_client)
    make_busy_sessions(make_event(), 2)

    three = session_changelist_queries(admin_client)

    assert Session.objects.count() == 3
    assert three == one


def test_session_change_page_queries_do_not_grow_with_slots(admin_client, event, organiser):
    """Each slot's label needs its event's time zone; the lists load the event once."""
    session = make_session(event, hosts=[organiser])
    url = reverse("admin:sessions_app_session_change", args=[session.pk])
    admin_client.get(url)  # warm-up: content types and permissions are cached on first use
    counts = []
    for hour in (9, 10, 11):
        make_slot(event, start=f"{hour:02}:00", end=f"{hour:02}:45")
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(url)
        counts.append(len(queries))

    assert counts[0] == counts[1] == counts[2]


def test_session_change_page_offers_only_its_own_events_slots(admin_client, event, organiser):
    other = make_event(name="Other camp")
    make_slot(other, start="09:00", end="09:45", label="Elsewhere")
    make_slot(event, start="09:00", end="09:45", label="Here")
    session = make_session(event, hosts=[organiser])

    response = admin_client.get(reverse("admin:sessions_app_session_change", args=[session.pk]))

    choices = response.context["adminform"].form.fields["unavailable_slots"].queryset
    assert [slot.label for slot in choices] == ["Here"]
