"""The grid editor once the grid is published, over HTTP: before a move the organiser reads how
many followers it tells (both sessions' followers, each person once, when it swaps), in the
htmx fragment and on the plain page alike; each placed session shows its followers against its
room's seats, flagged when they outgrow it; a room swap is suggested only when it helps both
sessions, is made in one click through the move, and can be undone. Its queries do not grow
with the number of sessions or follows."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.models import Event, Follow, Participant, Placement, Room, Session, Slot
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)

pytestmark = pytest.mark.django_db


@dataclass
class Day:
    event: Event
    organiser: Participant
    big: Room  # 10 seats
    small: Room  # 4 seats
    ten: Slot
    eleven: Slot
    data: Session  # Small at 10:00, 6 followers: more than its 4 seats
    budget: Session  # Big at 10:00, 3 followers: they would fit in Small
    access: Session  # Small at 11:00, 2 followers, one of whom also follows Open data


def follow(session: Session, people: list[Participant]) -> None:
    for person in people:
        Follow.objects.create(participant=person, session=session)


@pytest.fixture
def day() -> Day:
    event = make_event(slug="grid-day", language="en", phase=Event.Phase.PUBLISHED)
    host = make_participant(event, name="Hanne Host")
    day = Day(
        event=event,
        organiser=make_participant(event, name="Olga", role=Participant.Role.ORGANISER),
        big=make_room(event, name="Big", capacity=10),
        small=make_room(event, name="Small", capacity=4),
        ten=make_slot(event, "10:00", "10:45"),
        eleven=make_slot(event, "11:00", "11:45"),
        data=make_session(event, [host], title="Open data"),
        budget=make_session(event, title="Budgets"),
        access=make_session(event, title="Accessibility"),
    )
    make_placement(day.data, day.small, day.ten)
    make_placement(day.budget, day.big, day.ten)
    make_placement(day.access, day.small, day.eleven)
    people = [make_participant(event, name=f"Follower {n}") for n in range(9)]
    follow(day.data, people[:6])
    follow(day.budget, people[6:9])
    follow(day.access, [people[0], people[8]])
    return day


@pytest.fixture
def organiser_client(day: Day) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(day.organiser.user)
    return client


def editor(day: Day, select: Session | None = None) -> str:
    path = reverse("organiser:grid", args=[day.event.slug])
    return f"{path}?select={select.pk}" if select else path


def cell_html(html: str, room: Room, slot: Slot) -> str:
    start = html.index(f'id="cell-{slot.pk}-{room.pk}"')
    return html[start : html.index("</td>", start)]


def where(event: Event) -> dict[str, str]:
    return {
        p.session.title: f"{p.room.name} {p.slot.local_start:%H:%M}"
        for p in Placement.objects.filter(session__event=event).select_related(
            "session", "room", "slot__event"
        )
    }


def move_data(day: Day, session: Session, room: Room, slot: Slot) -> dict:
    day.event.refresh_from_db(fields=["grid_version"])
    return {
        "session": session.pk,
        "room": room.pk,
        "slot": slot.pk,
        "version": day.event.grid_version,
    }


# ---- before a move: who is told ------------------------------------------------------------


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_choosing_a_session_says_how_many_followers_the_move_tells(
    organiser_client, day, htmx
) -> None:
    headers = {"hx-request": "true"} if htmx else {}
    response = organiser_client.get(editor(day, day.data), headers=headers)

    html = response.text
    assert response.status_code == 200
    assert ("<html" in html) is not htmx
    assert "6 followers will be told of this change." in html
    # an empty cell: only Open data moves
    assert "6 followers told" in cell_html(html, day.big, day.eleven)
    # a swap with Accessibility: its 2 followers too, the one following both counted once
    assert "7 followers told" in cell_html(html, day.small, day.eleven)
    # a swap with Budgets: 6 + 3, nobody follows both
    assert "9 followers told" in cell_html(html, day.big, day.ten)


def test_back_to_the_tray_tells_the_sessions_own_followers(organiser_client, day) -> None:
    html = organiser_client.get(editor(day, day.access)).text

    tray_button = html[html.index('id="to-tray-button"') :]
    assert "2 followers told" in tray_button[: tray_button.index("</button>")]
    assert "2 followers will be told of this change." in html


def test_a_session_nobody_follows_tells_nobody(organiser_client, day) -> None:
    quiet = make_session(day.event, title="Quiet corner")

    html = organiser_client.get(editor(day, quiet)).text

    assert "0 followers will be told of this change." in html
    assert "3 followers told" in cell_html(html, day.big, day.ten)  # Budgets goes to the tray


def test_before_publication_the_editor_counts_no_followers(organiser_client, day) -> None:
    Event.objects.filter(pk=day.event.pk).update(phase=Event.Phase.VOTING)

    html = organiser_client.get(editor(day, day.data)).text

    assert "will be told" not in html
    assert "followers told" not in html
    assert "6/4" not in html
    assert "Suggested room swaps" not in html


# ---- live interest against the room's seats -------------------------------------------------


def test_each_placed_session_shows_its_followers_against_the_rooms_seats(
    organiser_client, day
) -> None:
    html = organiser_client.get(editor(day)).text

    crowded = cell_html(html, day.small, day.ten)
    assert "warned" in crowded[: crowded.index(">")]
    assert 'class="follows crowded"' in crowded
    assert "⚠ 6/4" in crowded
    assert "More followers than seats: 6 followers, 4 seats" in crowded
    fits = cell_html(html, day.big, day.ten)
    assert 'class="follows"' in fits
    assert "3/10" in fits
    assert "3 followers, 10 seats" in fits
    assert "warned" not in fits[: fits.index(">")]
    assert "2/4" in cell_html(html, day.small, day.eleven)


# ---- the suggested room swap ----------------------------------------------------------------

SUGGESTION = "Swap rooms: Open data (6 followers, room for 4) ↔ Budgets (3 followers, room for 10)"


def test_a_room_swap_is_suggested_when_it_helps_both_sessions(organiser_client, day) -> None:
    html = organiser_client.get(editor(day)).text

    assert "Suggested room swaps" in html
    assert SUGGESTION in html
    assert "9 followers told" in html


def test_no_suggestion_when_the_other_sessions_followers_would_not_fit(
    organiser_client, day
) -> None:
    follow(day.budget, [make_participant(day.event) for _ in range(2)])  # 5: more than 4 seats

    html = organiser_client.get(editor(day)).text

    assert "Suggested room swaps" not in html
    assert "⚠ 6/4" in html  # still crowded, but swapping would crowd Budgets


def test_no_suggestion_while_a_session_is_chosen(organiser_client, day) -> None:
    assert "Suggested room swaps" not in organiser_client.get(editor(day, day.access)).text


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_the_one_click_swap_swaps_the_rooms_and_can_be_undone(organiser_client, day, htmx) -> None:
    headers = {"hx-request": "true"} if htmx else {}
    move = reverse("organiser:move", args=[day.event.slug])
    undo = reverse("organiser:undo", args=[day.event.slug])

    response = organiser_client.post(
        move, move_data(day, day.data, day.big, day.ten), headers=headers
    )

    assert response.status_code == (200 if htmx else 302)
    assert where(day.event) == {
        "Open data": "Big 10:00",
        "Budgets": "Small 10:00",
        "Accessibility": "Small 11:00",
    }
    after = organiser_client.get(editor(day)).text
    assert "Suggested room swaps" not in after
    assert "6/10" in after and "3/4" in after

    day.event.refresh_from_db(fields=["grid_version"])
    organiser_client.post(undo, {"version": day.event.grid_version}, headers=headers)

    assert where(day.event)["Open data"] == "Small 10:00"
    assert SUGGESTION in organiser_client.get(editor(day)).text


def test_the_suggestions_button_posts_the_move_that_swaps(organiser_client, day) -> None:
    html = organiser_client.get(editor(day)).text

    form = html[html.index('class="room-swap"') :]
    form = form[: form.index("</form>")]
    for name, value in move_data(day, day.data, day.big, day.ten).items():
        assert f'name="{name}" value="{value}"' in form
    assert reverse("organiser:move", args=[day.event.slug]) in form


# ---- queries --------------------------------------------------------------------------------


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_follower_counts_cost_one_query_whatever_the_number_of_sessions(
    organiser_client, day
) -> None:
    small_counts = {count_queries(organiser_client, editor(day, s)) for s in (None, day.data)}
    Event.objects.filter(pk=day.event.pk).update(phase=Event.Phase.VOTING)
    unpublished = count_queries(organiser_client, editor(day))
    Event.objects.filter(pk=day.event.pk).update(phase=Event.Phase.PUBLISHED)
    rooms = [make_room(day.event, capacity=5) for _ in range(4)]
    slots = [make_slot(day.event, f"{h}:00", f"{h}:45") for h in range(13, 17)]
    people = [make_participant(day.event) for _ in range(12)]
    for n, (room, slot) in enumerate((r, s) for r in rooms for s in slots):
        session = make_session(day.event, title=f"Session {n}")
        make_placement(session, room, slot)
        follow(session, people[: n % 12])
    large_counts = {count_queries(organiser_client, editor(day, s)) for s in (None, day.data)}

    assert small_counts == large_counts
    assert len(small_counts) == 1
    assert small_counts == {unpublished + 1}  # the followers, read once
