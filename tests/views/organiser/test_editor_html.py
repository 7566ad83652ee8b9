"""The grid editor's cells, written in Python (sessions_app/editor_html.py), are the HTML the
template wrote: a filled cell with its pin, votes, hosts and warning, byte for byte, an empty
cell's "Place here" while a session is chosen, the live interest once the grid is out, in
English and Dutch, in the whole editor and in a drag and drop's answer. Names, titles and
labels are escaped wherever they appear."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sessions_app.models import Event, Participant, Placement, Slot
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_vote,
)

pytestmark = pytest.mark.django_db

TITLE = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;more&#x27;"
ROOM = "Zaal &lt;&quot;Zenne&quot;&gt; &amp; co"


@pytest.fixture
def camp():
    """A room seating one and a roomy one; a pinned session with two hosts and two votes in
    the small room (one vote too many), an empty cell beside it, a labelled break."""
    event = make_event(language="en", phase=Event.Phase.VOTING)
    small = make_room(event, name='Zaal <"Zenne"> & co', capacity=1)
    roomy = make_room(event, name="Dijle", capacity=40)
    row = make_slot(event, "10:00", "10:45", label="Round <1>")
    make_slot(event, "11:00", "11:15", kind=Slot.Kind.BREAK, label="Tea & <cake>")
    ann = make_participant(event, name="Ann <b>")
    bob = make_participant(event, name="Bob O'Brien")
    first = make_session(event, [bob, ann], title="<script>alert(1)</script> & 'more'")
    make_vote(ann, first)
    make_vote(bob, first)
    make_placement(first, small, row, pinned=True)
    Event.objects.filter(pk=event.pk).update(grid_version=1)
    event.refresh_from_db()
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    return event, first, small, roomy, row, organiser


def editor(camp, language: str, query: str = "") -> str:
    event, *_rest, organiser = camp
    Event.objects.filter(pk=event.pk).update(language=language)  # the event's language wins
    client = Client(headers={"accept-language": language})
    client.force_login(organiser.user)
    response = client.get(reverse("organiser:grid", args=[event.slug]) + query)
    assert response.status_code == 200
    return re.sub(r'(name="csrfmiddlewaretoken" value=)"[^"]+"', r'\1"T"', response.text)


def td(html: str, room, slot) -> str:
    start = html.index(f'<td id="cell-{slot.pk}-{room.pk}"')
    return html[start : html.index("</td>", start) + 5]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Pinned", "2 votes", "Choose", "Unpin", "Room too small: 1 vote more than seats")),
        (
            "nl",
            (
                "Vastgezet",
                "2 stemmen",
                "Kies",
                "Losmaken",
                "Zaal te klein: 1 stem meer dan plaatsen",
            ),
        ),
    ],
)
def test_a_filled_cell_is_what_the_template_wrote(camp, language, words):
    event, first, small, _roomy, row, _organiser = camp
    pinned, votes, choose, unpin, too_small = words
    html = editor(camp, language)
    cell = td(html, small, row)
    grid = reverse("organiser:grid", args=[event.slug])
    pin = reverse("organiser:pin", args=[event.slug])
    assert cell == (
        f'<td id="cell-{row.pk}-{small.pk}" class="cell filled warned" data-drop="cell" '
        f'data-room="{small.pk}" data-slot="{row.pk}"><div class="item pinned" '
        f'draggable="true" data-session="{first.pk}"><p class="item-title" title="{TITLE}">'
        f'<span class="pin-mark" title="{pinned}"><span aria-hidden="true">⚑</span>'
        f'<span class="visually-hidden">{pinned}:</span></span> {TITLE}</p>'
        f'<p class="item-meta">{votes} · Bob O&#x27;Brien, Ann &lt;b&gt;</p>'
        f'<div class="item-actions"><a class="button choose" href="{grid}?select={first.pk}" '
        f'hx-get="{grid}?select={first.pk}" hx-push-url="true">{choose}'
        f'<span class="visually-hidden"> “{TITLE}”</span></a><form method="post" '
        f'action="{pin}" hx-post="{pin}" class="inline-form"><input type="hidden" '
        'name="csrfmiddlewaretoken" value="T"><input type="hidden" name="version" value="1">'
        f'<input type="hidden" name="session" value="{first.pk}"><button type="submit" '
        f'name="pinned" value="0" class="button pin">{unpin}<span class="visually-hidden"> '
        f'“{TITLE}”</span></button></form><ul class="warnings"><li class="warning" '
        'tabindex="0"><span class="warning-mark" aria-hidden="true">⚠ +1</span>'
        f'<span class="warning-text">{too_small}</span></li></ul></div></div></td>'
    )


def test_the_rows_and_rooms_are_escaped(camp):
    html = editor(camp, "en")
    assert f'<th scope="col">{ROOM} <span class="capacity">1 seat</span></th>' in html
    assert '<th scope="col">Dijle <span class="capacity">40 seats</span></th>' in html
    assert (
        '<time datetime="2026-06-13T10:00:00+02:00">10:00–10:45</time> '
        '<span class="slot-label">Round &lt;1&gt;</span></th>'
    ) in html
    assert '<td colspan="2" class="span-cell"><span class="span-label">Tea &amp; &lt;cake&gt;' in (
        html
    )
    for raw in ("<script>alert", "Ann <b>", "<cake>", 'Zaal <"Zenne">', "Round <1>"):
        assert raw not in html


def test_while_choosing_an_empty_cell_offers_its_place_and_cost(camp):
    event, first, small, roomy, row, _organiser = camp
    html = editor(camp, "nl", f"?select={first.pk}")
    move = reverse("organiser:move", args=[event.slug])
    assert td(html, roomy, row) == (
        f'<td id="cell-{row.pk}-{roomy.pk}" class="cell free" data-drop="cell" '
        f'data-room="{roomy.pk}" data-slot="{row.pk}"><form method="post" action="{move}" '
        f'hx-post="{move}" class="place-form"><input type="hidden" name="csrfmiddlewaretoken" '
        'value="T"><input type="hidden" name="version" value="1"><input type="hidden" '
        f'name="session" value="{first.pk}"><input type="hidden" name="room" value="{roomy.pk}">'
        f'<input type="hidden" name="slot" value="{row.pk}"><button type="submit" class="place">'
        'Hier plaatsen<span class="effect">−1 overflow</span> <span class="visually-hidden">: '
        "Dijle, 10:00</span></button></form></td>"
    ).replace("−1 overflow", re.search(r'class="effect">([^<]*)<', td(html, roomy, row))[1])
    chosen = td(html, small, row)
    assert 'class="cell filled warned chosen"' in chosen
    assert '<p class="chosen-here">' in chosen and "place-form" not in chosen


def test_once_published_a_cell_counts_its_followers_against_the_seats(camp):
    event, first, small, _roomy, row, _organiser = camp
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED)
    first.follows.create(participant=make_participant(event, name="Fan"))
    first.follows.create(participant=make_participant(event, name="Fan 2"))
    cell = td(editor(camp, "nl"), small, row)
    sentence = "Meer volgers dan plaatsen: 2 volgers, 1 plaatsen"
    assert f'<span class="follows crowded" title="{sentence}">' in cell
    assert (
        '<span class="follows-mark" aria-hidden="true">⚠ 2/1</span>'
        f'<span class="visually-hidden">{sentence}</span></span> · 2 stemmen'
    ) in cell


def test_a_drag_and_drop_answers_the_cells_written_the_same_way(camp):
    event, first, small, roomy, row, organiser = camp
    client = Client(headers={"accept-language": "en"})
    client.force_login(organiser.user)
    grid = reverse("organiser:grid", args=[event.slug])
    response = client.post(
        reverse("organiser:move", args=[event.slug]),
        {"session": first.pk, "room": roomy.pk, "slot": row.pk, "version": 1},
        headers={
            "hx-request": "true",
            "hx-trigger": "drop-form",
            "hx-current-url": f"http://testserver{grid}",
        },
    )
    assert response.status_code == 200
    assert Placement.objects.get(session=first).room == roomy
    assert f'<td id="cell-{row.pk}-{small.pk}" hx-swap-oob="true" class="cell free"' in (
        response.text
    )
    moved = response.text[response.text.index(f'<td id="cell-{row.pk}-{roomy.pk}"') :]
    assert moved.startswith(
        f'<td id="cell-{row.pk}-{roomy.pk}" hx-swap-oob="true" class="cell filled" '
        f'data-drop="cell" data-room="{roomy.pk}" data-slot="{row.pk}"><div class="item pinned"'
    )
    assert f'title="{TITLE}"' in moved and "Bob O&#x27;Brien, Ann &lt;b&gt;</p>" in moved


def test_the_rooms_seats_are_counted_in_the_editors_language(camp):
    """The room's seats in the head of the editor: the plural was read inside an f-string,
    where makemessages does not look, so Dutch organisers read "40 seats"."""
    html = editor(camp, "nl")
    assert f'<th scope="col">{ROOM} <span class="capacity">1 plaats</span></th>' in html
    assert '<th scope="col">Dijle <span class="capacity">40 plaatsen</span></th>' in html
