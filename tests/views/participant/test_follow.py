"""Following sessions once the grid is out: the "I'll go" button on the grid, a session's page
and now & next (with and without JavaScript), My day with its slots to choose in, and the
changes a follower is told about. The shared grid never carries anyone's own state."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app import actions
from sessions_app.models import Event, Follow, Participant
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)
from tests.views.public.test_grid import build_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> Event:
    return make_event(slug="buurtcamp", language="en", phase=Event.Phase.PUBLISHED)


@pytest.fixture
def world(event):
    zenne, dijle = make_room(event, name="Zaal Zenne"), make_room(event, name="Zaal Dijle")
    ten, two = make_slot(event, "10:00", "10:45"), make_slot(event, "14:05", "14:50")
    host = make_participant(event, "Hanne")
    a = make_session(event, title="Buurtwerk", hosts=[host])
    b = make_session(event, title="Open data", hosts=[host])
    make_placement(a, zenne, ten)
    make_placement(b, dijle, ten)
    event.refresh_from_db()
    return {"a": a, "b": b, "zenne": zenne, "dijle": dijle, "ten": ten, "two": two}


@pytest.fixture
def me(event) -> Participant:
    return make_participant(event, "Fien")


def signed_in(participant: Participant) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(participant.user)
    return client


def follow_url(event, session) -> str:
    return reverse("participant:follow", args=[event.slug, session.pk])


def my_page(event) -> str:
    return reverse("participant:my-page", args=[event.slug])


def grid(event) -> str:
    return reverse("public:grid", args=[event.slug])


# ---- the button ------------------------------------------------------------------------------


def test_following_is_one_write_and_one_count(event, world, me):
    client = signed_in(me)
    client.get(grid(event))  # the session is stored before counting

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            follow_url(event, world["a"]), {"follow": "1"}, headers={"HX-Request": "true"}
        )

    sql = [q["sql"].upper() for q in queries]
    writes = [s for s in sql if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and '"SESSIONS_APP_FOLLOW"' in writes[0].split("(")[0]
    assert len([s for s in sql if "COUNT(" in s]) == 1
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.text
    assert "1 goes" in response.text


def test_following_takes_a_fixed_number_of_queries(event, world, me, django_assert_num_queries):
    client = signed_in(me)
    client.get(grid(event))

    # session, user, participation with its event, the session, the write, the count
    with django_assert_num_queries(6):
        client.post(follow_url(event, world["a"]), {"follow": "1"}, headers={"HX-Request": "true"})


def test_the_grid_shape_answers_with_a_button_of_the_grids_form(event, world, me):
    response = signed_in(me).post(
        follow_url(event, world["a"]),
        {"follow": "1", "shape": "grid"},
        headers={"HX-Request": "true"},
    )

    assert 'form="follow-form"' in response.text
    assert 'value="0"' in response.text  # pressed again, it stops following


def test_without_javascript_the_post_goes_back_to_the_page(event, world, me):
    client = signed_in(me)

    response = client.post(follow_url(event, world["a"]), {"follow": "1", "next": grid(event)})

    assert response.status_code == 302 and response["Location"] == grid(event)
    assert Follow.objects.filter(participant=me, session=world["a"]).exists()
    page = client.get(grid(event)).text
    pressed = re.findall(r'formaction="[^"]*/(\d+)/follow/"[^>]*aria-pressed="true"', page)
    assert pressed == [str(world["a"].pk)]


def test_a_next_elsewhere_goes_to_the_session_instead(event, world, me):
    response = signed_in(me).post(
        follow_url(event, world["a"]), {"follow": "0", "next": "https://evil.example/"}
    )

    assert response["Location"] == world["a"].get_absolute_url()


def test_following_before_publication_is_refused_with_a_message(me, world, event):
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.VOTING)

    response = signed_in(me).post(follow_url(event, world["a"]), {"follow": "1"}, follow=True)

    assert not Follow.objects.exists()
    assert "once the grid is published" in response.text


def test_a_visitor_who_has_not_joined_is_sent_to_join(event, world):
    response = Client().post(follow_url(event, world["a"]), {"follow": "1"})

    assert response["Location"].startswith(reverse("public:join", args=[event.slug]))


def test_a_visitor_sees_a_link_to_join_instead_of_buttons(event, world):
    visitor = Client(headers={"accept-language": "en"})

    page = visitor.get(grid(event)).text
    session_page = visitor.get(world["a"].get_absolute_url()).text

    assert "follow-button" not in page and "Join to follow sessions" in page
    assert "follow-button" not in session_page and "Join to follow sessions" in session_page
    assert "\x00" not in page


def test_the_shared_grid_carries_nobodys_own_state(event, world, me):
    other = make_participant(event, "Jan")
    actions.follow_session(participant=me, session=world["a"])

    mine = signed_in(me).get(grid(event)).text
    theirs = signed_in(other).get(grid(event)).text
    anonymous = Client().get(grid(event)).text
    fragment = signed_in(other).get(grid(event), headers={"HX-Request": "true"}).text

    assert mine.count('aria-pressed="true"') == 1
    assert theirs.count('aria-pressed="true"') == 0 and theirs.count("follow-button") == 2
    assert "follow-button" not in anonymous
    assert fragment.count('aria-pressed="true"') == 0 and "\x00" not in fragment
    assert len({_cells(mine), _cells(theirs)}) == 1  # the same grid around the buttons


def _cells(html: str) -> str:
    """The grid without its buttons."""
    grid_part = html[html.index('<div id="grid"') : html.index("</table>")]
    return re.sub(r'<span class="follow".*?</span>', "", grid_part)


def test_the_session_page_and_now_and_next_carry_the_button(event, world, me):
    actions.follow_session(participant=me, session=world["a"])
    client = signed_in(me)

    session_page = client.get(world["a"].get_absolute_url()).text

    assert 'aria-pressed="true"' in session_page and "1 goes" in session_page


# ---- My day ----------------------------------------------------------------------------------


def test_my_day_flags_a_slot_with_two_followed_and_keeping_one_resolves_it(event, world, me):
    for session in (world["a"], world["b"]):
        actions.follow_session(participant=me, session=session)
    client = signed_in(me)

    before = client.get(my_page(event))
    keep = reverse("participant:keep", args=[event.slug, world["b"].pk])
    after = client.post(keep, follow=True)

    assert [slot["choose"] for slot in before.context["day_slots"]] == [True]
    assert "Choose one" in before.text and before.text.count("Keep this one") == 2
    assert "Choose one" not in after.text
    assert [s.title for s in after.context["day"]] == ["Open data"]


def test_keeping_one_with_htmx_answers_with_my_day(event, world, me):
    for session in (world["a"], world["b"]):
        actions.follow_session(participant=me, session=session)

    response = signed_in(me).post(
        reverse("participant:keep", args=[event.slug, world["a"].pk]),
        headers={"HX-Request": "true"},
    )

    assert response.text.lstrip().startswith('<div id="my-live"')
    assert "Choose one" not in response.text


@pytest.mark.parametrize("many", [False, True])
def test_my_days_queries_do_not_grow_with_the_follows(
    event, world, me, many, django_assert_num_queries
):
    rooms = [make_room(event) for _ in range(4)]
    slots = [make_slot(event, f"{11 + k:02}:00", f"{11 + k:02}:45") for k in range(3)]
    sessions = [world["a"]]
    if many:
        for k, room in enumerate(rooms * 3):
            session = make_session(event, hosts=[make_participant(event)])
            make_placement(session, room, slots[k // 4])
            sessions.append(session)
    for session in sessions:
        Follow.objects.create(participant=me, session=session)
    client = signed_in(me)
    client.get(my_page(event))

    with django_assert_num_queries(6):
        response = client.get(my_page(event))

    assert len(response.context["day"]) == len(sessions)


# ---- being told ------------------------------------------------------------------------------


def moved(event, world) -> None:
    event.refresh_from_db()
    actions.move_session(
        event=event,
        session=world["a"],
        cell=(world["dijle"], world["two"]),
        version=event.grid_version,
        by=None,
    )


def test_a_move_shows_on_my_day_and_on_the_grid_until_seen(event, world, me):
    actions.follow_session(participant=me, session=world["a"])
    client = signed_in(me)
    moved(event, world)

    day = client.get(my_page(event))
    live = client.get(my_page(event), headers={"HX-Request": "true", "HX-Target": "my-live"})
    on_grid = client.get(grid(event)).text

    assert "moved to Zaal Dijle, 14:05" in day.text
    assert "moved to Zaal Dijle, 14:05" in live.text and "data-announce" in live.text
    assert on_grid.count("moved to Zaal Dijle, 14:05") == 2  # in the list and in the cell

    event.refresh_from_db()
    seen = reverse("participant:changes-seen", args=[event.slug])
    client.post(seen, {"version": event.grid_version})

    assert "moved to" not in client.get(my_page(event)).text
    assert "moved to" not in client.get(grid(event)).text


def test_a_cancelled_session_stays_on_my_day_as_cancelled(event, world, me):
    actions.follow_session(participant=me, session=world["a"])
    actions.withdraw_session(session=world["a"])

    response = signed_in(me).get(my_page(event))

    assert [s.change for s in response.context["changed"]] == ["cancelled"]
    assert response.context["day"] == [] or world["a"] not in response.context["day"]


def test_changes_to_sessions_one_neither_follows_nor_hosts_are_not_shown(event, world, me):
    moved(event, world)

    assert signed_in(me).get(my_page(event)).context["changed"] == []


def test_seen_cannot_run_ahead_of_the_grid(event, world, me):
    actions.follow_session(participant=me, session=world["a"])
    seen = reverse("participant:changes-seen", args=[event.slug])

    signed_in(me).post(seen, {"version": 10**6})
    moved(event, world)

    assert "moved to" in signed_in(me).get(my_page(event)).text


def test_now_and_next_carries_the_button_for_participants_only(event, me):
    built = build_grid(event, rooms=2, slots=4, start=timezone.now() + timedelta(hours=2))
    actions.follow_session(participant=me, session=built.sessions[0])
    now = reverse("public:now", args=[event.slug])

    mine = signed_in(me).get(now).text
    beamer = Client().get(now).text

    assert mine.count("follow-button") == 2 and mine.count('aria-pressed="true"') == 1
    assert "follow-button" not in beamer and "Join to follow" not in beamer
