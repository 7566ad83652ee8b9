"""The public grid's cells, written in Python (sessions_app/grid_html.py), are the HTML the
template wrote: every row, cell and text of a small grid, byte for byte, in English and Dutch,
for a visitor and for "My day". Names and titles are escaped wherever they appear."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sessions_app.models import Event, Slot
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_vote,
)


@pytest.fixture
def camp(db):
    """Two rooms, a session row, a break without a label and a labelled plenary; a visible
    session with two hosts and one vote, one with two votes, and a hidden one placed."""
    event = make_event(language="en", phase=Event.Phase.VOTING)
    big = make_room(event, name='Zaal <"Zenne"> & co')
    small = make_room(event, name="Dijle")
    row = make_slot(event, "10:00", "10:45")
    make_slot(event, "11:00", "11:15", kind=Slot.Kind.BREAK)
    make_slot(event, "16:00", "16:30", kind=Slot.Kind.PLENARY, label="Slot & <drink>")
    ann = make_participant(event, name="Ann <b>")
    bob = make_participant(event, name="Bob O'Brien")
    first = make_session(event, [bob, ann], title="<script>alert(1)</script> & 'more'")
    second = make_session(event, [ann], title="Tea", kind="demo")
    hidden = make_session(event, [bob], title="Spam", hidden=True)
    make_vote(ann, first)
    make_vote(ann, second)
    make_vote(bob, second)
    make_placement(first, big, row)
    make_placement(second, small, row)
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED, grid_version=1)
    event.refresh_from_db()
    return event, first, second, hidden, ann


def tbody(html: str) -> str:
    return html[html.index("<thead>") : html.index("</tbody>")]


def cell(event: Event, session, room: str, hosts: str, kind: str, votes: str) -> str:
    link = reverse("public:session", args=[event.slug, session.pk])
    return (
        f'<td><span class="timetable-room">{room}</span><a href="{link}">{session.title_html}'
        f'</a> <span class="hosts">{hosts}</span> <span class="kind kind-{session.kind}">'
        f'{kind}</span> <span class="votes">{votes}</span></td>\n'
    )


def expected(event: Event, first, second, *, dutch: bool = False, only=None) -> str:
    first.title_html = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;more&#x27;"
    second.title_html = "Tea"
    zenne = "Zaal &lt;&quot;Zenne&quot;&gt; &amp; co"
    talk, demo, one, two, pause, time = (
        ("Discussie", "Demo", "1 stem", "2 stemmen", "Pauze", "Tijd")
        if dutch
        else ("Discussion", "Demo", "1 vote", "2 votes", "Break", "Time")
    )
    cells = [
        cell(event, first, zenne, "Bob O&#x27;Brien, Ann &lt;b&gt;", talk, one),
        cell(event, second, "Dijle", "Ann &lt;b&gt;", demo, two),
    ]
    if only is not None:
        empty = '<td class="empty"></td>\n'
        cells = [c if s in only else empty for c, s in zip(cells, [first, second], strict=True)]
    return (
        f'<thead><tr><th scope="col">{time}</th><th scope="col">{zenne}</th>'
        '<th scope="col">Dijle</th></tr></thead>\n<tbody>\n'
        '<tr class="slot-sessions"><th scope="row"><time datetime="2026-06-13T10:00:00+02:00">'
        '10:00</time>–<time datetime="2026-06-13T10:45:00+02:00">10:45</time></th>\n'
        + "".join(cells)
        + "</tr>\n"
        '<tr class="slot-break"><th scope="row"><time datetime="2026-06-13T11:00:00+02:00">'
        '11:00</time>–<time datetime="2026-06-13T11:15:00+02:00">11:15</time></th>\n'
        f'<td colspan="2"><span>{pause}</span></td>\n</tr>\n'
        '<tr class="slot-plenary"><th scope="row"><time datetime="2026-06-13T16:00:00+02:00">'
        '16:00</time>–<time datetime="2026-06-13T16:30:00+02:00">16:30</time></th>\n'
        '<td colspan="2"><span>Slot &amp; &lt;drink&gt;</span></td>\n</tr>\n'
    )


def test_a_visitor_sees_every_cell_as_the_template_wrote_it(camp):
    event, first, second, _hidden, _ann = camp

    page = Client(headers={"accept-language": "en"}).get(reverse("public:grid", args=[event.slug]))

    assert tbody(page.text) == expected(event, first, second)


def test_the_grid_in_dutch_says_its_kinds_plurals_and_breaks_in_dutch(camp):
    event, first, second, _hidden, _ann = camp
    Event.objects.filter(pk=event.pk).update(language="nl")

    fragment = Client().get(
        reverse("public:grid", args=[event.slug]), headers={"hx-request": "true"}
    )

    assert tbody(fragment.text) == expected(event, first, second, dutch=True)


def test_my_day_leaves_the_other_cells_empty(camp):
    event, first, second, _hidden, _ann = camp
    me = make_participant(event, name="Me")
    first.hostings.create(participant=me, order=5)
    client = Client(headers={"accept-language": "en"})
    client.force_login(me.user)

    page = client.get(reverse("public:grid", args=[event.slug]) + "?mine=1")

    mine = expected(event, first, second, only=[first])
    # the host added last is named last
    mine = mine.replace("Bob O&#x27;Brien, Ann &lt;b&gt;", "Bob O&#x27;Brien, Ann &lt;b&gt;, Me")
    # their "I'll go" button sits after the title (sessions_app/follows.py)
    button = re.compile(r'<span class="follow" id="follow-(\d+)">.*?</button></span>')
    assert button.findall(tbody(page.text)) == [str(first.pk)]
    assert button.sub("", tbody(page.text)) == mine
