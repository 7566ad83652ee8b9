"""Re-planning the rest of the day from the grid editor (issue 19), over HTTP: a room closed from
13:00 shows what it breaks in the live grid, the proposal lists its moves with the followers
each one tells beside lost now and after, and nothing is written until the organiser accepts;
accepting is one grid change (one undo) that leaves the started slots alone and records each
moved session for its followers' phones; a grid changed since the proposal is refused with 409
and a fresh proposal; bad input gets a message and changes nothing. Its queries do not grow
with the number of sessions or follows."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sessions_app import actions
from sessions_app.models import (
    Event,
    Follow,
    GridChange,
    Participant,
    Placement,
    Room,
    Session,
    SessionChange,
    Slot,
)
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

NOON = datetime(2026, 6, 13, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))


@dataclass
class Day:
    event: Event
    organiser: Participant
    zenne: Room
    boven: Room
    ten: Slot
    two: Slot
    three: Slot
    morning: Session  # Zenne at 10:00: started, stays
    fathers: Session  # Bovenzaal at 14:05, 3 followers
    bikes: Session  # Zenne at 14:05


@pytest.fixture(autouse=True)
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def grid_of(event: Event) -> list[tuple]:
    return sorted(
        Placement.objects.filter(session__event=event).values_list(
            "session_id", "room_id", "slot_id", "pinned"
        )
    )


def build_day(sessions: int = 0, followers: int = 3) -> Day:
    event = make_event(slug="replan-day", language="en", phase=Event.Phase.PUBLISHED)
    host = make_participant(event, name="Hanne Host")
    day = Day(
        event=event,
        organiser=make_participant(event, name="Olga", role=Participant.Role.ORGANISER),
        zenne=make_room(event, name="Zaal Zenne", capacity=40),
        boven=make_room(event, name="Bovenzaal", capacity=40),
        ten=make_slot(event, "10:00", "10:45"),
        two=make_slot(event, "14:05", "14:50"),
        three=make_slot(event, "15:00", "15:45"),
        morning=make_session(event, title="Ochtendyoga"),
        fathers=make_session(event, [host], title="Vaders bereiken"),
        bikes=make_session(event, title="Fietsen in de stad"),
    )
    make_placement(day.morning, day.zenne, day.ten)
    make_placement(day.fathers, day.boven, day.two)
    make_placement(day.bikes, day.zenne, day.two)
    people = [make_participant(event, name=f"Volger {n}") for n in range(max(followers, 3))]
    for person in people[:followers]:
        Follow.objects.create(participant=person, session=day.fathers)
        make_vote(person, day.fathers)
    for n in range(sessions):
        extra = make_session(event, title=f"Extra {n}")
        Follow.objects.create(participant=people[n % len(people)], session=extra)
    event.refresh_from_db()
    return day


@pytest.fixture
def day() -> Day:
    return build_day()


def signed_in(day: Day) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(day.organiser.user)
    return client


def url(day: Day, name: str = "replan") -> str:
    return reverse(f"organiser:{name}", args=[day.event.slug])


def closed_at_one(day: Day, **more) -> dict:
    return {"closed": f"{day.boven.pk}@2026-06-13T13:00", **more}


def test_closing_a_room_shows_what_it_breaks_and_writes_nothing(day: Day) -> None:
    before, version = grid_of(day.event), day.event.grid_version
    response = signed_in(day).get(
        url(day), {"close_room": day.boven.pk, "close_from": "2026-06-13T13:00"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Bovenzaal closed from 13:00" in text
    assert "“Vaders bereiken” is in 14:05 Bovenzaal, which is closed then." in text
    assert "1 slot has started and stays as it is." in text
    # the three ways to re-plan, each one click, carrying the disruption along
    assert f'name="closed" value="{day.boven.pk}@2026-06-13T13:00"' in text
    assert 'name="setting" value="fewest_changes"' in text
    assert grid_of(day.event) == before
    day.event.refresh_from_db()
    assert day.event.grid_version == version


def test_the_proposal_lists_the_moves_with_their_followers_beside_both_lost_figures(
    day: Day,
) -> None:
    before = grid_of(day.event)
    response = signed_in(day).get(url(day), closed_at_one(day, setting="fewest_changes"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<strong>Vaders bereiken</strong>:\n" in text
    assert "14:05 Bovenzaal → 15:00 " in text
    assert "3 followers" in text
    assert "(forced)" in text
    assert "1 session of the grid moves." in text
    assert text.count('class="lost-figures"') == 2  # now and after
    assert "Ochtendyoga" not in text.split('class="replan-moves"')[1].split("</ul>")[0]
    assert grid_of(day.event) == before  # nothing written before the organiser accepts


def test_accepting_is_one_grid_change_the_followers_are_told_and_one_undo_takes_it_back(
    day: Day,
) -> None:
    client = signed_in(day)
    before = grid_of(day.event)
    page = client.get(url(day), closed_at_one(day, setting="fewest_changes"))
    form = page.context["form"]
    query = page.context["accept_query"]
    response = client.post(
        f"{url(day, 'replan-accept')}?{query}",
        {"rows": form["rows"].value(), "version": form["version"].value()},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organiser:grid", args=[day.event.slug])
    change = GridChange.objects.get(event=day.event, kind=GridChange.Kind.PROPOSAL)
    assert change.summary.startswith("Re-planned from 12:00 (Fewest changes): Bovenzaal closed")
    fathers = Placement.objects.get(session=day.fathers)
    assert fathers.slot_id == day.three.pk  # out of the closed room, to the free afternoon
    assert Placement.objects.get(session=day.morning).slot_id == day.ten.pk  # started: stays
    told = SessionChange.objects.get(session=day.fathers)
    assert (told.kind, told.from_room, told.to_room) == (
        SessionChange.Kind.MOVED,
        "Bovenzaal",
        fathers.room.name,
    )
    assert SessionChange.objects.count() == 1  # only what moved
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "1 session moved; its followers see the change on their phones." in messages[0]

    day.event.refresh_from_db()
    actions.undo_grid_change(event=day.event, version=day.event.grid_version, by=None)
    assert grid_of(day.event) == before  # one undo takes all of it back


def test_a_grid_changed_since_the_proposal_is_refused_with_409_and_nothing_changes(
    day: Day,
) -> None:
    client = signed_in(day)
    page = client.get(url(day), closed_at_one(day, setting="fewest_changes"))
    form = page.context["form"]
    actions.set_pinned(
        event=day.event, session=day.bikes, pinned=True, version=day.event.grid_version, by=None
    )
    before = grid_of(day.event)
    changes = GridChange.objects.count()
    response = client.post(
        f"{url(day, 'replan-accept')}?{page.context['accept_query']}",
        {"rows": form["rows"].value(), "version": form["version"].value()},
    )
    assert response.status_code == 409
    assert "Someone else changed the grid just now." in response.content.decode()
    fresh = Event.objects.get(pk=day.event.pk).grid_version
    assert form["version"].value() == fresh - 1
    assert response.context["form"]["version"].value() == fresh  # a fresh proposal to accept
    assert grid_of(day.event) == before
    assert GridChange.objects.count() == changes
    assert not SessionChange.objects.filter(session=day.fathers).exists()


def test_cancelling_a_session_withdraws_it_and_its_followers_read_cancelled(day: Day) -> None:
    client = signed_in(day)
    page = client.get(url(day), {"cancel": day.fathers.pk, "setting": "fewest_changes"})
    text = page.content.decode()
    assert "“Vaders bereiken” cancelled" in text
    assert "“Vaders bereiken” is cancelled but still in the grid at 14:05." in text
    form = page.context["form"]
    response = client.post(
        f"{url(day, 'replan-accept')}?{page.context['accept_query']}",
        {"rows": form["rows"].value(), "version": form["version"].value()},
    )
    assert response.status_code == 302
    day.fathers.refresh_from_db()
    assert day.fathers.status == Session.Status.WITHDRAWN
    assert not Placement.objects.filter(session=day.fathers).exists()
    assert SessionChange.objects.get(session=day.fathers).kind == SessionChange.Kind.CANCELLED


@pytest.mark.parametrize(
    "query",
    [
        {"close_room": "abc", "close_from": "2026-06-13T13:00"},
        {"close_room": "999999", "close_from": "2026-06-13T13:00"},
        {"close_room": "1", "close_from": "13 uur"},
        {"closed": "²@2026-06-13T13:00"},
        {"absent_host": "10" * 30, "absent_from": "2026-06-13T13:00"},
        {"absent": "1@2026-03-29T02:30"},  # the clocks skip it (Brussels)
        {"cancel": "-1"},
        {"setting": "everything"},
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(day: Day, query: dict) -> None:
    before = grid_of(day.event)
    response = signed_in(day).get(url(day), query)
    assert response.status_code == 400
    assert 'class="form-errors" role="alert"' in response.content.decode()
    accepted = signed_in(day).post(
        f"{url(day, 'replan-accept')}?setting=fewest_changes&"
        + "&".join(f"{k}={v}" for k, v in query.items()),
        {"rows": "[]", "version": day.event.grid_version},
    )
    assert accepted.status_code == 400
    assert grid_of(day.event) == before


def test_a_grid_not_yet_published_is_not_re_planned(day: Day) -> None:
    Event.objects.filter(pk=day.event.pk).update(phase=Event.Phase.VOTING)
    response = signed_in(day).get(url(day), {"setting": "balanced"})
    assert response.status_code == 200
    assert "publish the grid first" in response.content.decode()
    assert "form" not in response.context


def test_the_editor_offers_the_re_plan_once_the_grid_is_published(day: Day) -> None:
    page = signed_in(day).get(reverse("organiser:grid", args=[day.event.slug]))
    assert url(day) in page.content.decode()
    Event.objects.filter(pk=day.event.pk).update(phase=Event.Phase.VOTING)
    page = signed_in(day).get(reverse("organiser:grid", args=[day.event.slug]))
    assert url(day) not in page.content.decode()


@pytest.mark.parametrize("size", [0, 30])
def test_the_proposal_page_costs_the_same_queries_whatever_the_size(
    size: int, django_assert_num_queries
) -> None:
    day = build_day(sessions=size, followers=3 + size // 3)
    client = signed_in(day)
    client.get(url(day))  # the session, the language: warmed up
    with django_assert_num_queries(QUERIES):
        response = client.get(url(day), closed_at_one(day, setting="balanced"))
    assert response.status_code == 200


QUERIES = 17
