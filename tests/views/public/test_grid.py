"""The public grid and the beamer page: who sees them, what a cell shows, the version check
that open grids poll, the cache of the rendered grid, and a fixed number of queries however
large the grid is."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app import actions, live
from sessions_app.models import Event, Host, Participant, Placement, Room, Session, Slot, Vote
from tests.factories import event_time, make_event, make_participant, make_user

pytestmark = pytest.mark.django_db

CELL = re.compile(r"<td><span class=\"timetable-room\">")


@pytest.fixture
def client() -> Client:
    """A visitor whose browser asks for English."""
    return Client(headers={"accept-language": "en"})


@dataclass
class Built:
    rooms: list[Room]
    slots: list[Slot]
    sessions: list[Session]  # in cell order: slot by slot, room by room
    hosts: list[Participant]


@contextmanager
def voting_open(event: Event) -> Iterator[None]:
    """The database takes votes only while voting is open: open it for a moment."""
    phase = Event.objects.get(pk=event.pk).phase
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.VOTING)
    yield
    Event.objects.filter(pk=event.pk).update(phase=phase)


def vote(participant: Participant, session: Session) -> None:
    with voting_open(participant.event):
        Vote.objects.create(participant=participant, session=session)


def build_grid(
    event: Event,
    rooms: int = 6,
    slots: int = 9,
    *,
    start: datetime | None = None,
    minutes: int = 45,
    title: str = "Session",
) -> Built:
    """A full grid of `rooms` × `slots`: the third slot is a break and the last a plenary;
    every other cell holds a session with (cell number % 5) votes and two hosts, who host
    the sessions of one room only (so no move makes anyone host two sessions at once)."""
    start = start or event_time(event, "09:00")
    room_rows = Room.objects.bulk_create(
        Room(event=event, name=f"Room {r + 1}", capacity=40, order=r) for r in range(rooms)
    )
    slot_rows = []
    for s in range(slots):
        kind = Slot.Kind.SESSIONS
        if s == 2:
            kind = Slot.Kind.BREAK
        elif s == slots - 1:
            kind = Slot.Kind.PLENARY
        begin = start + timedelta(minutes=(minutes + 5) * s)
        label = {Slot.Kind.BREAK: "Coffee", Slot.Kind.PLENARY: "Closing"}.get(kind, "")
        slot_rows.append(
            Slot(
                event=event,
                start=begin,
                end=begin + timedelta(minutes=minutes),
                kind=kind,
                label=label,
            )
        )
    slot_rows = Slot.objects.bulk_create(slot_rows)
    people = [make_participant(event, name=f"Host {n}") for n in range(2 * rooms)]
    voters = [make_participant(event, name=f"Voter {n}") for n in range(4)]
    cells = [
        (room, slot) for slot in slot_rows if slot.kind == Slot.Kind.SESSIONS for room in room_rows
    ]
    sessions = Session.objects.bulk_create(
        Session(
            event=event,
            title=f"{title} {n}",
            kind=list(Session.Kind)[n % 3],
            status=Session.Status.SCHEDULED,
        )
        for n in range(len(cells))
    )
    Host.objects.bulk_create(
        Host(session=session, participant=people[n % rooms + k * rooms], order=k)
        for n, session in enumerate(sessions)
        for k in range(2)
    )
    with voting_open(event):
        Vote.objects.bulk_create(
            Vote(session=session, participant=voters[k])
            for n, session in enumerate(sessions)
            for k in range(min(n % 5, len(voters)))
        )
    Placement.objects.bulk_create(
        Placement(session=session, room=room, slot=slot)
        for session, (room, slot) in zip(sessions, cells, strict=True)
    )
    Event.objects.filter(pk=event.pk).update(grid_version=1)
    event.refresh_from_db()
    return Built(room_rows, slot_rows, sessions, people)


def published(**kw) -> Event:
    return make_event(language="en", phase=Event.Phase.PUBLISHED, **kw)


def grid_url(event: Event, query: str = "") -> str:
    return reverse("public:grid", args=[event.slug]) + query


def version_url(event: Event) -> str:
    return reverse("public:grid-version", args=[event.slug])


def cell_titles(html: str) -> list[str]:
    return re.findall(r'<a href="/[^"]+/sessions/\d+/">([^<]+)</a>', html)


# ---- who sees the grid ------------------------------------------------------------------------


def test_grid_published_is_visible_to_anonymous_visitors(client):
    event = published()
    build_grid(event, rooms=2, slots=4)

    response = client.get(grid_url(event))

    assert response.status_code == 200
    assert cell_titles(response.text) == ["Session 0", "Session 1", "Session 2", "Session 3"]
    assert "Not published yet" not in response.text


@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_grid_unpublished_shows_others_a_notice_and_no_sessions(client, who):
    event = make_event(language="en", phase=Event.Phase.VOTING)
    build_grid(event, rooms=2, slots=4)
    if who == "participant":
        client.force_login(make_participant(event).user)

    response = client.get(grid_url(event))

    assert response.status_code == 200
    assert "The organisers have not published the grid yet." in response.text
    assert cell_titles(response.text) == []
    assert 'id="grid-waiting" data-version="1-voting"' in response.text


def test_grid_unpublished_is_visible_to_organisers_with_a_note(client):
    event = make_event(language="en", phase=Event.Phase.VOTING)
    build_grid(event, rooms=2, slots=4)
    client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)

    response = client.get(grid_url(event))

    assert len(cell_titles(response.text)) == 4
    assert "Not published yet: only organisers see this grid." in response.text
    assert reverse("organiser:grid", args=[event.slug]) in response.text


def test_grid_unpublished_fragment_request_reloads_the_page(client):
    event = make_event(language="en", phase=Event.Phase.VOTING)

    response = client.get(grid_url(event), headers={"hx-request": "true"})

    assert (response.status_code, response.headers["HX-Refresh"]) == (200, "true")


def test_grid_unknown_event_is_a_404(client):
    assert client.get(reverse("public:grid", args=["nope"])).status_code == 404


def test_grid_works_with_an_empty_frame(client):
    event = published()

    response = client.get(grid_url(event))

    assert response.status_code == 200
    assert cell_titles(response.text) == []


# ---- what the grid shows ----------------------------------------------------------------------


def test_grid_cell_shows_title_kind_hosts_votes_and_links_to_the_session(client):
    event = published()
    built = build_grid(event, rooms=2, slots=4)
    session = built.sessions[3]  # two hosts, 3 votes, a demo

    response = client.get(grid_url(event))

    cells = re.findall(r"<td><span class=\"timetable-room\">Room 2</span>.*?</td>", response.text)
    link = reverse("public:session", args=[event.slug, session.pk])
    assert cells[1] == (
        f'<td><span class="timetable-room">Room 2</span><a href="{link}">Session 3</a> '
        '<span class="hosts">Host 1, Host 3</span> '
        '<span class="kind kind-discussion">Discussion</span> <span class="votes">3 votes</span></td>'
    )


def test_grid_rooms_are_columns_and_slots_rows(client):
    event = published()
    build_grid(event, rooms=3, slots=5)

    response = client.get(grid_url(event))

    headers = re.findall(r'<th scope="col">([^<]+)</th>', response.text)
    times = re.findall(r'<th scope="row"><time datetime="[^"]+">(\d\d:\d\d)</time>', response.text)
    assert headers == ["Time", "Room 1", "Room 2", "Room 3"]
    assert times == ["09:00", "09:50", "10:40", "11:30", "12:20"]


def test_grid_times_are_the_events_wall_clock(client):
    event = published(timezone="America/New_York")
    build_grid(event, rooms=1, slots=4)

    response = client.get(grid_url(event))

    assert '<time datetime="2026-06-13T09:00:00-04:00">09:00</time>' in response.text


def test_grid_plenary_and_break_rows_span_all_rooms(client):
    event = published()
    build_grid(event, rooms=4, slots=4)

    response = client.get(grid_url(event))

    spans = re.findall(
        r'<tr class="slot-(\w+)"><th[^\n]*\n<td colspan="(\d+)"><span>([^<]+)</span></td>',
        response.text,
    )
    assert spans == [("break", "4", "Coffee"), ("plenary", "4", "Closing")]


def test_grid_row_without_label_names_its_kind(client):
    event = published()
    Slot.objects.create(
        event=event,
        start=event_time(event, "12:00"),
        end=event_time(event, "13:00"),
        kind=Slot.Kind.BREAK,
    )
    Room.objects.create(event=event, name="Aula", capacity=10)

    response = client.get(grid_url(event))

    assert '<td colspan="1"><span>Break</span></td>' in response.text


def test_grid_titles_and_names_are_escaped(client):
    event = published()
    built = build_grid(event, rooms=1, slots=4, title="<script>alert(1)</script>")
    Participant.objects.filter(pk=built.hosts[0].pk).update(name="<b>Bold</b>")
    Room.objects.filter(pk=built.rooms[0].pk).update(name="<i>Aula</i>")

    grid_page = client.get(grid_url(event)).text
    fragment = client.get(grid_url(event), headers={"hx-request": "true"}).text

    for html in (grid_page, fragment):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; 0" in html
        assert "<b>Bold" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html
        assert "<i>Aula" not in html and "&lt;i&gt;Aula&lt;/i&gt;" in html


def test_grid_leaves_out_hidden_and_withdrawn_sessions(client):
    event = published()
    built = build_grid(event, rooms=2, slots=4)
    Session.objects.filter(pk=built.sessions[0].pk).update(hidden=True)

    response = client.get(grid_url(event))

    assert cell_titles(response.text) == ["Session 1", "Session 2", "Session 3"]


def test_grid_page_links_to_now_and_carries_the_live_check(client):
    event = published()
    build_grid(event, rooms=1, slots=4)

    response = client.get(grid_url(event))

    assert f'data-live-url="{version_url(event)}"' in response.text
    assert 'id="grid" class="timetable-scroll" data-version="1-published"' in response.text
    assert reverse("public:now", args=[event.slug]) in response.text
    assert "/static/js/live.js" in response.text


def test_grid_htmx_request_gets_the_fragment_only(client):
    event = published()
    build_grid(event, rooms=2, slots=4)

    response = client.get(grid_url(event), headers={"hx-request": "true"})

    assert response.text.startswith(
        '<div id="grid" class="timetable-scroll" data-version="1-published"'
    )
    assert "<html" not in response.text
    assert len(cell_titles(response.text)) == 4
    assert "HX-Request" in response.headers["Vary"]


# ---- my day -----------------------------------------------------------------------------------


def test_grid_my_day_keeps_hosted_and_followed_sessions_and_common_rows(client):
    event = published()
    built = build_grid(event, rooms=2, slots=4)
    me = built.hosts[0]  # hosts the sessions in room 1: 0 and 2
    vote(me, built.sessions[1])
    actions.follow_session(participant=me, session=built.sessions[1])  # as publication does
    client.force_login(me.user)

    response = client.get(grid_url(event, "?mine=1"))

    assert cell_titles(response.text) == ["Session 0", "Session 1", "Session 2"]
    assert response.text.count('<td class="empty"></td>') == 1
    assert "Coffee" in response.text and "Closing" in response.text
    assert f'href="/{event.slug}/grid/?mine=1" aria-current="page"' in response.text


def test_grid_my_day_of_someone_without_sessions_is_empty(client):
    event = published()
    build_grid(event, rooms=2, slots=4)
    client.force_login(make_participant(event).user)

    response = client.get(grid_url(event, "?mine=1"))

    assert cell_titles(response.text) == []


def test_grid_my_day_is_not_offered_to_anonymous_visitors(client):
    event = published()
    build_grid(event, rooms=2, slots=4)

    response = client.get(grid_url(event, "?mine=1"))

    assert len(cell_titles(response.text)) == 4
    assert "My day" not in response.text


def test_grid_my_day_is_not_served_from_or_into_the_shared_cache(client):
    event = published()
    built = build_grid(event, rooms=2, slots=4)
    client.force_login(built.hosts[0].user)
    client.get(grid_url(event, "?mine=1"))

    everyone = Client(headers={"accept-language": "en"}).get(grid_url(event))

    assert len(cell_titles(everyone.text)) == 4


# ---- the version check ------------------------------------------------------------------------


def test_grid_version_answers_200_then_304_then_200_after_a_change(client, settings):
    settings.OOCAMP_GRID_STATE_SECONDS = 0  # no brief caching: see the change at once
    event = published()
    built = build_grid(event, rooms=2, slots=4)

    first = client.get(version_url(event))
    same = client.get(version_url(event), headers={"if-none-match": first.headers["ETag"]})
    actions.move_session(
        event=event,
        session=built.sessions[0],
        cell=(built.rooms[1], built.slots[0]),
        version=event.grid_version,
        by=None,
    )
    changed = client.get(version_url(event), headers={"if-none-match": first.headers["ETag"]})

    assert (first.status_code, first.text, first.headers["ETag"]) == (
        200,
        "1-published",
        '"1-published"',
    )
    assert first.headers["Cache-Control"] == "no-cache"
    assert (same.status_code, same.content, same.headers["ETag"]) == (304, b"", '"1-published"')
    assert (changed.status_code, changed.text, changed.headers["ETag"]) == (
        200,
        "2-published",
        '"2-published"',
    )


def test_grid_version_changes_when_the_grid_is_published(client, settings):
    settings.OOCAMP_GRID_STATE_SECONDS = 0
    event = make_event(language="en", phase=Event.Phase.VOTING)
    before = client.get(version_url(event))
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED)

    after = client.get(version_url(event), headers={"if-none-match": before.headers["ETag"]})

    assert (before.text, after.status_code, after.text) == ("0-voting", 200, "0-published")


def test_grid_version_accepts_a_weak_etag_from_a_compressing_proxy(client):
    event = published()

    response = client.get(version_url(event), headers={"if-none-match": 'W/"0-published"'})

    assert response.status_code == 304


def test_grid_event_is_read_again_after_a_moment(client, settings):
    settings.OOCAMP_GRID_STATE_SECONDS = 60
    event = published()
    client.get(version_url(event))
    Event.objects.filter(pk=event.pk).update(grid_version=7)

    cached = client.get(version_url(event)).text
    cache.delete(f"oocamp:grid-state:{event.slug}")  # what the 2 s expiry does
    fresh = client.get(version_url(event)).text

    assert (cached, fresh) == ("0-published", "7-published")


def test_grid_version_needs_one_query_then_none_while_cached(client, django_assert_num_queries):
    event = published()

    with django_assert_num_queries(1):
        client.get(version_url(event))
    with django_assert_num_queries(0):
        response = client.get(version_url(event), headers={"if-none-match": '"0-published"'})

    assert response.status_code == 304
    assert response.cookies == {}  # live.js asks without cookies: no session, no user


def test_grid_version_of_an_unknown_event_is_a_404(client):
    assert client.get(reverse("public:grid-version", args=["nope"])).status_code == 404


def test_grid_version_refuses_post(client):
    event = published()

    assert client.post(version_url(event)).status_code == 405


# ---- the cache of the rendered grid -----------------------------------------------------------


def test_grid_second_visitor_is_served_from_the_cache(client, django_assert_num_queries):
    event = published()
    build_grid(event, rooms=2, slots=4)
    client.get(grid_url(event))

    with django_assert_num_queries(0):  # the event is cached for 2 s, the grid per version
        response = client.get(grid_url(event))

    assert len(cell_titles(response.text)) == 4


def csrf_tokens(html: str) -> set[str]:
    form = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    htmx = re.findall(r'"X-CSRFToken": "([^"]+)"', html)
    return set(form) | set(htmx)


def test_grid_page_is_shared_by_visitors_and_carries_no_csrf_token(django_assert_num_queries):
    """No form on it needs one (the language switch is a GET for them): no token, no cookie,
    the same bytes for every visitor, so a proxy may keep it too."""
    event = published()
    build_grid(event, rooms=2, slots=4)
    first, second = (Client(headers={"accept-language": "en"}) for _ in "12")
    first_page = first.get(grid_url(event))

    with django_assert_num_queries(0):
        second_page = second.get(grid_url(event))

    assert first_page.content == second_page.content
    assert csrf_tokens(first_page.text) == set() and "\x00" not in first_page.text
    assert "Set-Cookie" not in first_page.headers and "Set-Cookie" not in second_page.headers


def test_grid_page_shows_a_renamed_event(client, settings):
    settings.OOCAMP_GRID_STATE_SECONDS = 0
    event = published(name="Camp")
    build_grid(event, rooms=1, slots=4)
    client.get(grid_url(event))
    event.name = "Renamed Camp"
    event.save()

    response = client.get(grid_url(event))

    assert "<title>Grid · Renamed Camp</title>" in response.text


def test_grid_page_with_a_query_is_rendered_for_the_visitor(client):
    event = published()
    build_grid(event, rooms=1, slots=4)
    client.get(grid_url(event))

    response = client.get(grid_url(event, "?utm_source=poster"))

    assert "?utm_source=poster" in response.text  # the language switch comes back here
    assert len(cell_titles(response.text)) == 2


def test_grid_cache_follows_a_move(client, settings):
    settings.OOCAMP_GRID_STATE_SECONDS = 0  # the event is read again at once
    event = published()
    built = build_grid(event, rooms=2, slots=4)
    client.get(grid_url(event))

    actions.move_session(
        event=event,
        session=built.sessions[0],
        cell=(built.rooms[1], built.slots[0]),  # swaps with session 1
        version=event.grid_version,
        by=None,
    )
    response = client.get(grid_url(event))

    assert cell_titles(response.text) == ["Session 1", "Session 0", "Session 2", "Session 3"]
    assert 'data-version="2-published"' in response.text


def test_grid_page_after_a_move_renders_the_grid_alone(client, settings):
    """The page around the grid (title, navigation, feeds) does not change with the grid: after
    a move only the grid is rendered again, into the shell kept from the first visit."""
    settings.OOCAMP_GRID_STATE_SECONDS = 0
    event = published(name="Camp")
    built = build_grid(event, rooms=2, slots=4)
    assert "base.html" in [t.name for t in client.get(grid_url(event)).templates]

    actions.move_session(
        event=event,
        session=built.sessions[0],
        cell=(built.rooms[1], built.slots[0]),
        version=event.grid_version,
        by=None,
    )
    response = client.get(grid_url(event))

    assert "base.html" not in [t.name for t in response.templates]
    assert cell_titles(response.text) == ["Session 1", "Session 0", "Session 2", "Session 3"]
    assert "<title>Grid · Camp</title>" in response.text and "\x00" not in response.text


def test_grid_cache_follows_a_title_change(client, settings):
    settings.OOCAMP_GRID_STATE_SECONDS = 0  # the event is read again at once
    event = published()
    built = build_grid(event, rooms=2, slots=4)
    client.get(grid_url(event))
    session = built.sessions[0]

    actions.update_session(
        session=session,
        proposal=actions.Proposal(
            title="Renamed",
            kind=session.kind,
            description="",
            themes=[],
            unavailable_slots=[],
            cohosts=[built.hosts[2]],
            invited_names=[],
        ),
        by=built.hosts[0],
    )
    response = client.get(grid_url(event))

    assert cell_titles(response.text)[0] == "Renamed"


def test_grid_cache_keeps_one_grid_per_language(client):
    event = published()
    build_grid(event, rooms=1, slots=4)
    client.get(grid_url(event))

    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    dutch = client.get(grid_url(event))

    assert "Discussie" in dutch.text
    assert "Discussion" not in dutch.text


def test_grid_before_publication_is_never_cached(client):
    """While voting is open the counts change without a new version."""
    event = make_event(language="en", phase=Event.Phase.VOTING)
    built = build_grid(event, rooms=1, slots=4)
    client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)
    client.get(grid_url(event))
    Vote.objects.create(participant=make_participant(event), session=built.sessions[0])

    response = client.get(grid_url(event))

    assert '<span class="votes">1 vote</span>' in response.text


# ---- a fixed number of queries -----------------------------------------------------------------


def _queries(client: Client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries)


def two_grids() -> tuple[Event, Event, Participant, Participant]:
    user = make_user()
    small, large = published(), published()
    build_grid(small, rooms=6, slots=9)
    build_grid(large, rooms=20, slots=16)
    return small, large, make_participant(small, user=user), make_participant(large, user=user)


@pytest.mark.parametrize(
    ("who", "query", "cold", "warm"),
    [
        ("anonymous", "", 5, 0),  # event + 4 for the grid; then nothing
        # + session, user, participation, and what they follow or host (their "I'll go" buttons)
        ("participant", "", 9, 4),
        ("participant", "?mine=1", 9, 8),  # my day is never cached
    ],
)
def test_grid_needs_the_same_queries_for_6x9_and_20x16(client, settings, who, query, cold, warm):
    # The second load comes within the event's cache period (2 s by default): on a busy
    # machine rendering 20x16 for a signed-in visitor can take longer, and the event would be
    # read again (one more query). The period is not what this test measures: hold it.
    settings.OOCAMP_GRID_STATE_SECONDS = 60
    small, large, me_small, _me_large = two_grids()
    if who == "participant":
        client.force_login(me_small.user)
        _queries(client, "/")  # the session is stored

    counts = []
    for event in (small, large):
        cache.clear()
        counts.append(
            (_queries(client, grid_url(event, query)), _queries(client, grid_url(event, query)))
        )

    assert counts == [(cold, warm), (cold, warm)]


def test_grid_fragment_needs_the_same_queries_for_6x9_and_20x16(client):
    small, large, _me, _me_too = two_grids()

    counts = [_queries(client, grid_url(event), hx_request="true") for event in (small, large)]

    assert counts == [5, 5]


def test_grid_20x16_shows_every_cell(client):
    _small, large, _me, _me_too = two_grids()

    response = client.get(grid_url(large))

    assert len(CELL.findall(response.text)) == 20 * 14
    assert response.text.count('<th scope="col">') == 21


# ---- now & next --------------------------------------------------------------------------------


def now_url(event: Event) -> str:
    return reverse("public:now", args=[event.slug])


def test_now_page_shows_what_runs_now_and_next_in_every_room(client):
    event = published()
    moment = timezone.now()
    build_grid(event, rooms=2, slots=5, start=moment - timedelta(minutes=50 + 5))

    response = client.get(now_url(event))

    html = response.text
    rooms = re.findall(r"<h2>([^<]+)</h2>", html)
    now = re.findall(r'<span class="now-label">Now</span> ([^<\n]+)', html)
    upcoming = re.findall(
        r'now-session-next"><span class="now-label now-label-next">Next</span> ([^<\n]+)',
        html,
    )
    assert (rooms, now, upcoming) == (["Room 1", "Room 2"], ["Session 2", "Session 3"], [])
    assert re.search(
        r'<p class="now-all"><span class="now-label now-label-next">Next</span> .*</time> Coffee</p>',
        html,
    )


def test_now_page_before_the_day_shows_the_first_sessions_as_next(client):
    event = published()
    build_grid(event, rooms=2, slots=4, start=timezone.now() + timedelta(hours=2))

    response = client.get(now_url(event))

    upcoming = re.findall(
        r'now-session-next"><span class="now-label now-label-next">Next</span> ([^<\n]+)',
        response.text,
    )
    assert upcoming == ["Session 0", "Session 1"]
    assert ">Now</span>" not in response.text


def test_now_page_during_a_break_shows_it_across_the_screen(client):
    event = published()
    build_grid(event, rooms=2, slots=5, start=timezone.now() - timedelta(minutes=100 + 5))

    response = client.get(now_url(event))

    assert re.search(
        r'<p class="now-all"><span class="now-label">Now</span> .*</time> Coffee</p>', response.text
    )
    upcoming = re.findall(
        r'now-session-next"><span class="now-label now-label-next">Next</span> ([^<\n]+)',
        response.text,
    )
    assert upcoming == ["Session 4", "Session 5"]


def test_now_page_after_the_day_says_thank_you(client):
    event = published()
    build_grid(event, rooms=2, slots=4, start=timezone.now() - timedelta(hours=5))

    response = client.get(now_url(event))

    assert "That was the programme. Thank you for coming!" in response.text


def test_now_page_refreshes_itself_at_the_next_boundary(client):
    event = published()
    moment = timezone.now()
    built = build_grid(event, rooms=1, slots=4, start=moment - timedelta(minutes=10))

    response = client.get(now_url(event))

    boundary = int(built.slots[0].end.timestamp() * 1000)
    assert f'data-refresh-at="{boundary}"' in response.text
    assert 'data-live-every="30"' in response.text
    assert '<meta http-equiv="refresh" content="60">' in response.text  # without JavaScript


def test_now_page_htmx_request_gets_the_fragment_only(client):
    event = published()
    build_grid(event, rooms=1, slots=4, start=timezone.now() - timedelta(minutes=10))

    response = client.get(now_url(event), headers={"hx-request": "true"})

    assert response.text.strip().startswith('<div id="now" data-version="1-published"')
    assert "<html" not in response.text


def test_now_page_unpublished_shows_others_a_notice(client):
    event = make_event(language="en", phase=Event.Phase.VOTING)
    build_grid(event, rooms=1, slots=4, start=timezone.now() - timedelta(minutes=10))

    response = client.get(now_url(event))

    assert "The organisers have not published the grid yet." in response.text
    assert "Session 0" not in response.text


def test_now_page_escapes_titles(client):
    event = published()
    build_grid(
        event,
        rooms=1,
        slots=4,
        start=timezone.now() - timedelta(minutes=10),
        title="<script>x</script>",
    )

    response = client.get(now_url(event))

    assert "<script>x" not in response.text
    assert "&lt;script&gt;x&lt;/script&gt; 0" in response.text


def test_now_page_needs_the_same_queries_for_6x9_and_20x16(client):
    moment = timezone.now()
    counts = []
    for rooms, slots in [(6, 9), (20, 16)]:
        event = published()
        build_grid(event, rooms, slots, start=moment - timedelta(minutes=10))
        counts.append(_queries(client, now_url(event)))

    assert counts == [6, 6]


# ---- links to the grid -------------------------------------------------------------------------


def test_event_page_links_to_the_published_grid(client):
    event = published()

    response = client.get(event.get_absolute_url())

    assert f'href="{grid_url(event)}"' in response.text


def test_event_page_hides_the_grid_link_before_publication(client):
    event = make_event(language="en", phase=Event.Phase.VOTING)

    response = client.get(event.get_absolute_url())

    # the page follows publication live through /grid/version, which is no link to the grid
    links = re.findall(r'<a\b[^>]*\bhref="([^"]*)"', response.text)
    assert links, "the page has links at all"
    assert [link for link in links if urlsplit(link).path.startswith(grid_url(event))] == []


def test_event_page_links_organisers_to_the_unpublished_grid(client):
    event = make_event(language="en", phase=Event.Phase.VOTING)
    client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)

    response = client.get(event.get_absolute_url())

    assert f'href="{grid_url(event)}"' in response.text


def test_live_settings_have_safe_defaults():
    assert (live.poll_seconds(), live.state_seconds()) == (5, 2)
