"""CSV exports: sessions, votes per session, and participants for organisers only. UTF-8 with a
byte order mark and the separator Excel expects in the event's language, so that Excel and
LibreOffice open them with the accents intact; no formula gets in through a title."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sessions_app.models import Event, Participant, Session
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
    make_vote,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_live_state")]


def rows(body: bytes, delimiter: str = ";") -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.fixture
def camp() -> Event:
    """A Dutch event with two placed sessions, one unplaced, one hidden and one withdrawn."""
    event = make_event(slug="oocamp-2026", phase=Event.Phase.PUBLISHED, language="nl")
    zaal = make_room(event, name="Zaal Één", capacity=40)
    early, late = make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")
    els = make_participant(event, name="Els Peeters; De Smet", email="els@example.org")
    emine = make_participant(event, name="Emine Doğan", organisation="Huis van het Kind")
    theme = make_theme(event, name="Kwetsbare gezinnen")
    first = make_session(event, title="Vaders bereiken: één loket?", hosts=[els, emine])
    first.themes.set([theme])
    second = make_session(event, title='=HYPERLINK("http://evil")', hosts=[emine])
    waiting = make_session(event, title="Nog niet ingepland", hosts=[els], kind="demo")
    make_session(event, title="Spam", hidden=True)
    make_session(event, title="Ingetrokken", status=Session.Status.WITHDRAWN)
    make_placement(second, zaal, late)
    make_placement(first, zaal, early)
    voters = [make_participant(event) for _ in range(3)]
    for voter in voters:
        make_vote(voter, waiting)
    make_vote(voters[0], second)
    return event


def get(client: Client, name: str, event: Event):
    return client.get(reverse(name, args=[event.slug]))


def test_sessions_csv_lists_placed_sessions_by_time_then_the_rest_by_votes(client, camp):
    response = get(client, "public:sessions-csv", camp)

    table = rows(response.content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="oocamp-2026-sessions.csv"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert len(table[0]) == 11
    body = [row[1:10] for row in table[1:]]
    assert body == [
        [
            "Vaders bereiken: één loket?",
            "Discussie",
            "Els Peeters; De Smet, Emine Doğan",
            "Kwetsbare gezinnen",
            "0",
            "Zaal Één",
            "2026-06-13",
            "10:00",
            "10:45",
        ],
        [
            '\'=HYPERLINK("http://evil")',
            "Discussie",
            "Emine Doğan",
            "",
            "1",
            "Zaal Één",
            "2026-06-13",
            "11:00",
            "11:45",
        ],
        ["Nog niet ingepland", "Demo", "Els Peeters; De Smet", "", "3", "", "", "", ""],
    ]
    assert (
        table[1][10]
        == "http://testserver" + Session.objects.get(title__startswith="Vaders").get_absolute_url()
    )


def test_a_separator_inside_a_value_is_quoted(client, camp):
    response = get(client, "public:sessions-csv", camp)

    assert '"Els Peeters; De Smet, Emine Doğan"'.encode() in response.content


def test_an_english_event_uses_commas(client):
    event = make_event(phase=Event.Phase.PUBLISHED, language="en")
    make_session(event, title="One, two", hosts=[make_participant(event, name="Zoë")])

    response = get(client, "public:sessions-csv", event)

    table = rows(response.content, delimiter=",")
    assert table[0][:3] == ["id", "title", "kind"]
    assert table[1][1:4] == ["One, two", "Discussion", "Zoë"]


def test_votes_csv_ranks_sessions_by_votes(client, camp):
    table = rows(get(client, "public:votes-csv", camp).content)

    assert [(row[0], row[2], row[4], row[5], row[6]) for row in table[1:]] == [
        ("1", "Nog niet ingepland", "3", "", ""),
        ("2", '\'=HYPERLINK("http://evil")', "1", "Zaal Één", "40"),
        ("3", "Vaders bereiken: één loket?", "0", "Zaal Één", "40"),
    ]


def test_control_characters_and_line_breaks_stay_out_of_the_cells(client):
    event = make_event(phase=Event.Phase.PUBLISHED)
    title = "Eén\x00\x07 twee\r\ndrie\tvier"
    if connection.vendor != "sqlite":
        title = title.replace("\x00", "")  # PostgreSQL refuses NUL in text
    make_session(event, title=title, hosts=[make_participant(event)])

    table = rows(get(client, "public:sessions-csv", event).content)

    assert table[1][1] == "Eén twee drie vier"


@pytest.mark.parametrize("name", ["public:sessions-csv", "public:votes-csv"])
def test_public_csv_waits_for_the_published_grid(client, name):
    event = make_event(phase=Event.Phase.VOTING)
    make_session(event)

    response = get(client, name, event)

    assert response.status_code == 404


def test_unknown_event_is_404(client):
    response = client.get(reverse("public:sessions-csv", args=["nope"]))

    assert response.status_code == 404


# ---- participants: organisers only ------------------------------------------------------------


def test_organisers_get_the_participants_with_their_addresses(client, camp):
    organiser = make_participant(camp, name="Olga", role=Participant.Role.ORGANISER)
    client.force_login(organiser.user)

    response = get(client, "organiser:participants-csv", camp)

    table = rows(response.content)
    assert response["Cache-Control"] == "private, no-store"
    by_name = {row[1]: row for row in table[1:]}
    assert by_name["Els Peeters; De Smet"][3] == "els@example.org"
    assert by_name["Els Peeters; De Smet"][6:] == [
        "2",
        "0",
        "Vaders bereiken: één loket? | Nog niet ingepland",
    ]
    assert by_name["Emine Doğan"][2] == "Huis van het Kind"
    assert by_name["Olga"][4] == "Organisator"


def test_participants_csv_is_refused_to_participants_and_visitors(client, camp):
    participant = make_participant(camp)
    anonymous = get(client, "organiser:participants-csv", camp)
    client.force_login(participant.user)

    refused = get(client, "organiser:participants-csv", camp)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert refused.status_code == 403
    assert b"example.org" not in refused.content


def test_csv_needs_a_fixed_number_of_queries(client, camp, django_assert_max_num_queries):
    room = make_room(camp)
    for hour in range(12, 24):
        session = make_session(camp, hosts=[make_participant(camp), make_participant(camp)])
        make_placement(session, room, make_slot(camp, f"{hour:02}:00", f"{hour:02}:30"))

    with django_assert_max_num_queries(8):
        response = get(client, "public:sessions-csv", camp)

    assert len(rows(response.content)) == 1 + 3 + 12
