"""The organisers' grid editor over HTTP: who may use it, full page versus the `#grid`
fragment, the answers to a change (200, redirect, 409 stale, 422 refused, 404 foreign ids),
lost figures, move effects, warnings, history, restore, the proposed grid, and a query count
that does not grow with the grid."""

from dataclasses import dataclass
from datetime import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.models import Event, GridChange, Participant, Placement, Room, Session, Slot
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_vote,
)
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


@dataclass
class Camp:
    event: Event
    organiser: Participant
    ann: Participant
    bob: Participant
    big: Room
    small: Room
    morning: Slot
    noon: Slot
    lunch: Slot
    data: Session  # Ann, 5 votes
    budget: Session  # Bob, 3 votes, all from voters of Open data
    access: Session  # Ann, 1 vote


@pytest.fixture
def camp() -> Camp:
    event = make_event(slug="grid-camp", language="en", phase=Event.Phase.VOTING)
    ann = make_participant(event, name="Ann Hosting")
    bob = make_participant(event, name="Bob Hosting")
    camp = Camp(
        event=event,
        organiser=make_participant(event, name="Olga", role=Participant.Role.ORGANISER),
        ann=ann,
        bob=bob,
        big=make_room(event, name="Big", capacity=50),
        small=make_room(event, name="Small", capacity=2),
        morning=make_slot(event, "10:00", "10:45"),
        noon=make_slot(event, "11:00", "11:45"),
        lunch=make_slot(event, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch"),
        data=make_session(event, [ann], title="Open data"),
        budget=make_session(event, [bob], title="Budgets"),
        access=make_session(event, [ann], title="Accessibility"),
    )
    voters = [make_participant(event, name=f"Voter {n}") for n in range(5)]
    for voter in voters:
        make_vote(voter, camp.data)
    for voter in voters[:3]:
        make_vote(voter, camp.budget)
    make_vote(voters[4], camp.access)
    return camp


@pytest.fixture
def organiser_client(camp: Camp) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(camp.organiser.user)
    return client


def url(name: str, event: Event) -> str:
    return reverse(f"organiser:{name}", args=[event.slug])


def htmx(client: Client, path: str, data: dict | None = None):
    if data is None:
        return client.get(path, headers={"hx-request": "true"})
    return client.post(path, data, headers={"hx-request": "true"})


def where(event: Event) -> dict[str, tuple[str, str]]:
    return {
        p.session.title: (p.room.name, f"{p.slot.local_start:%H:%M}")
        for p in Placement.objects.filter(session__event=event).select_related(
            "session", "room", "slot__event"
        )
    }


def move_data(
    camp: Camp, session: Session, room: Room | None, slot: Slot | None, extra: dict | None = None
) -> dict:
    camp.event.refresh_from_db(fields=["grid_version"])
    data = {"session": session.pk, "version": camp.event.grid_version}
    if room:
        data |= {"room": room.pk, "slot": slot.pk}
    return data | (extra or {})


def is_fragment(response) -> bool:
    text = response.text.strip()
    return text.startswith('<div id="grid"') and "<html" not in text and "<body" not in text


# ---- who may use it ------------------------------------------------------------------------


def test_organiser_gets_the_editor(organiser_client, camp):
    response = organiser_client.get(url("grid", camp.event))

    assert response.status_code == 200
    assert "<html" in response.text and 'id="grid"' in response.text
    assert response.text.count('draggable="true"') == 3  # all three in the tray
    assert '<script src="/static/js/grid-editor.js" defer></script>' in response.text


def test_participant_gets_403(camp):
    client = Client()
    client.force_login(camp.ann.user)

    assert client.get(url("grid", camp.event)).status_code == 403
    response = client.post(url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon))
    assert response.status_code == 403
    assert where(camp.event) == {}


def test_anonymous_visitor_is_sent_to_login(camp):
    response = Client().get(url("grid", camp.event))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_no_inline_script_style_or_hx_on(organiser_client, camp):
    make_placement(camp.data, camp.small, camp.morning)

    for path in [url("grid", camp.event), f"{url('grid', camp.event)}?select={camp.budget.pk}"]:
        text = organiser_client.get(path).text
        assert (
            "<script>" in text,
            " style=" in text,
            "hx-on" in text,
            " on" + "click" in text,
        ) == (
            False,
            False,
            False,
            False,
        )


# ---- full page or fragment -----------------------------------------------------------------


def test_htmx_get_returns_the_grid_fragment_only(organiser_client, camp):
    response = htmx(organiser_client, url("grid", camp.event))

    assert response.status_code == 200
    assert is_fragment(response)
    assert response.headers["Vary"].count("HX-Request") == 1


def test_htmx_move_returns_the_grid_fragment(organiser_client, camp):
    response = htmx(
        organiser_client, url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon)
    )

    assert response.status_code == 200
    assert is_fragment(response)
    assert "“Open data” to Big, 11:00–11:45" in response.text
    assert response.headers["HX-Replace-Url"] == url("grid", camp.event)
    assert where(camp.event) == {"Open data": ("Big", "11:00")}


def test_plain_move_redirects_with_a_message(organiser_client, camp):
    response = organiser_client.post(
        url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon)
    )

    assert (response.status_code, response.url) == (302, url("grid", camp.event))
    assert messages_of(response) == ["“Open data” to Big, 11:00–11:45"]
    assert where(camp.event) == {"Open data": ("Big", "11:00")}


def test_move_back_to_the_tray(organiser_client, camp):
    make_placement(camp.data, camp.big, camp.noon)

    response = htmx(
        organiser_client, url("move", camp.event), move_data(camp, camp.data, None, None)
    )

    assert response.status_code == 200
    assert "“Open data” back to the tray" in response.text
    assert where(camp.event) == {}


def test_dropping_a_session_where_it_is_changes_nothing(organiser_client, camp):
    make_placement(camp.data, camp.big, camp.noon)

    response = organiser_client.post(
        url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon)
    )

    assert messages_of(response) == ["Nothing changed."]
    assert GridChange.objects.count() == 0


def test_swap_by_htmx(organiser_client, camp):
    make_placement(camp.data, camp.big, camp.morning)
    make_placement(camp.budget, camp.big, camp.noon)

    response = htmx(
        organiser_client, url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon)
    )

    assert response.status_code == 200
    assert where(camp.event) == {"Open data": ("Big", "11:00"), "Budgets": ("Big", "10:00")}


# ---- refusals ------------------------------------------------------------------------------


def test_stale_version_answers_409_with_the_message_and_the_fresh_grid(organiser_client, camp):
    stale = move_data(camp, camp.budget, camp.small, camp.noon)
    organiser_client.post(url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon))

    response = htmx(organiser_client, url("move", camp.event), stale)

    assert response.status_code == 409
    assert is_fragment(response)
    assert "Someone else changed the grid just now. Here is the fresh grid; try again." in (
        response.text
    )
    assert 'name="version" value="1"' in response.text  # the fresh grid's version
    assert f'data-session="{camp.data.pk}"' in response.text
    assert where(camp.event) == {"Open data": ("Big", "11:00")}


def test_a_dutch_organiser_on_a_stale_grid_reads_why_in_dutch(camp):
    organiser = Client()
    organiser.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"  # chose Dutch on an English event
    organiser.force_login(camp.organiser.user)
    stale = move_data(camp, camp.budget, camp.small, camp.noon)
    organiser.post(url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon))

    response = htmx(organiser, url("move", camp.event), stale)

    assert response.status_code == 409
    assert (
        "Iemand anders wijzigde net het rooster. Hier is het nieuwe rooster; probeer opnieuw."
        in response.text
    )
    assert where(camp.event) == {"Open data": ("Big", "11:00")}


def test_stale_version_without_javascript_redirects_to_the_fresh_grid(organiser_client, camp):
    stale = move_data(camp, camp.budget, camp.small, camp.noon)
    organiser_client.post(url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon))

    response = organiser_client.post(url("move", camp.event), stale)

    assert (response.status_code, response.url) == (302, url("grid", camp.event))
    assert messages_of(response)[-1] == (
        "Someone else changed the grid just now. Here is the fresh grid; try again."
    )


def test_forged_version_is_409(organiser_client, camp):
    response = htmx(
        organiser_client,
        url("move", camp.event),
        move_data(camp, camp.data, camp.big, camp.noon, {"version": 999}),
    )

    assert response.status_code == 409
    assert where(camp.event) == {}


def test_host_double_booked_is_refused_with_422_and_named(organiser_client, camp):
    make_placement(camp.data, camp.big, camp.noon)

    response = htmx(
        organiser_client,
        url("move", camp.event),
        move_data(camp, camp.access, camp.small, camp.noon),
    )

    assert response.status_code == 422
    assert is_fragment(response)
    assert "Ann Hosting would host two sessions at once: “Open data” / “Accessibility”." in (
        response.text
    )
    assert where(camp.event) == {"Open data": ("Big", "11:00")}


def test_break_slot_is_refused_with_a_message(organiser_client, camp):
    response = organiser_client.post(
        url("move", camp.event), move_data(camp, camp.data, camp.big, camp.lunch)
    )

    assert messages_of(response) == ["Sessions go in session slots, not in breaks or plenaries."]
    assert where(camp.event) == {}


@pytest.mark.parametrize("field", ["session", "room", "slot"])
def test_ids_of_another_event_are_404(organiser_client, camp, field):
    other = make_event()
    foreign = {
        "session": make_session(other).pk,
        "room": make_room(other).pk,
        "slot": make_slot(other).pk,
    }

    response = organiser_client.post(
        url("move", camp.event),
        move_data(camp, camp.data, camp.big, camp.noon, {field: foreign[field]}),
    )

    assert response.status_code == 404
    assert (where(camp.event), GridChange.objects.count()) == ({}, 0)


def test_room_without_slot_is_400(organiser_client, camp):
    response = organiser_client.post(
        url("move", camp.event), move_data(camp, camp.data, None, None, {"room": camp.big.pk})
    )

    assert response.status_code == 400
    assert where(camp.event) == {}


def test_missing_version_is_400(organiser_client, camp):
    data = move_data(camp, camp.data, camp.big, camp.noon)
    del data["version"]

    assert organiser_client.post(url("move", camp.event), data).status_code == 400


def test_withdrawn_session_cannot_be_moved(organiser_client, camp):
    camp.access.status = Session.Status.WITHDRAWN
    camp.access.save()

    response = organiser_client.post(
        url("move", camp.event), move_data(camp, camp.access, camp.big, camp.noon)
    )

    assert response.status_code == 404


# ---- a drag and drop answers with what it changed -----------------------------------------


def drop(client: Client, camp: Camp, session: Session, room: Room | None, slot: Slot | None, *,
         page: str = ""):  # fmt: skip
    """The post of #drop-form, as htmx sends it from the editor at `page` (its query)."""
    headers = {
        "hx-request": "true",
        "hx-trigger": "drop-form",
        "hx-current-url": f"http://testserver{url('grid', camp.event)}{page}",
    }
    return client.post(
        url("move", camp.event), move_data(camp, session, room, slot), headers=headers
    )


def cell_html(text: str, key: str) -> str:
    """The cell as the page shows it: out-of-band marks, CSRF tokens and spacing left out."""
    import re

    found = re.search(rf'<td id="cell-{key}".*?</td>', text, re.S)
    assert found, key
    html = found.group(0).replace(' hx-swap-oob="true"', "")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return " ".join(html.split())


def oob_cells(text: str) -> set[str]:
    import re

    return set(re.findall(r'<td id="cell-([\d-]+)" hx-swap-oob="true"', text))


def test_a_drop_answers_with_the_two_cells_the_lost_figures_and_the_version(organiser_client, camp):
    make_placement(camp.data, camp.big, camp.morning)
    make_placement(camp.budget, camp.big, camp.noon)

    response = drop(organiser_client, camp, camp.data, camp.big, camp.noon)  # a swap

    assert response.status_code == 200
    assert not is_fragment(response) and 'id="grid"' not in response.text
    assert response.headers["HX-Retarget"] == "#grid-feedback"
    assert response.headers["HX-Reswap"] == "outerHTML"
    changed = {f"{camp.morning.pk}-{camp.big.pk}", f"{camp.noon.pk}-{camp.big.pk}"}
    assert oob_cells(response.text) == changed
    assert '<div id="grid-bar" class="grid-bar" data-version="1" hx-swap-oob="true">' in (
        response.text
    )
    assert "“Open data” to Big, 11:00–11:45 (swapped with “Budgets”)" in response.text
    assert where(camp.event) == {"Open data": ("Big", "11:00"), "Budgets": ("Big", "10:00")}
    # what the organiser sees now is what a reload shows
    reload = organiser_client.get(url("grid", camp.event)).text
    for key in changed:
        assert cell_html(response.text, key) == cell_html(reload, key)
    assert lost_figures(response.text) == lost_figures(reload)
    assert 'name="version" value="1"' in reload


def test_a_drop_also_sends_the_cells_whose_shared_voters_changed(organiser_client, camp):
    make_placement(camp.budget, camp.big, camp.morning)  # its voters all voted for Open data
    make_placement(camp.data, camp.small, camp.noon)

    response = drop(organiser_client, camp, camp.data, camp.small, camp.morning)

    changed = {
        f"{camp.noon.pk}-{camp.small.pk}",
        f"{camp.morning.pk}-{camp.small.pk}",
        f"{camp.morning.pk}-{camp.big.pk}",  # Budgets now shares its voters with Open data
    }
    assert oob_cells(response.text) == changed
    assert "Shares 100 % of its voters with “Open data”, at the same time" in response.text
    reload = organiser_client.get(url("grid", camp.event)).text
    for key in changed:
        assert cell_html(response.text, key) == cell_html(reload, key)
    assert lost_figures(response.text) == lost_figures(reload)
    assert lost_figures(reload)["Clashes"] == 3


def test_a_drop_from_or_to_the_tray_or_while_choosing_answers_with_the_whole_editor(
    organiser_client, camp
):
    placed = drop(organiser_client, camp, camp.data, camp.big, camp.morning)  # from the tray
    moved = drop(
        organiser_client, camp, camp.data, camp.big, camp.noon, page=f"?select={camp.data.pk}"
    )
    unplaced = drop(organiser_client, camp, camp.data, None, None)

    for response in (placed, moved, unplaced):
        assert response.status_code == 200
        assert is_fragment(response)
        assert "HX-Retarget" not in response.headers
    assert where(camp.event) == {}


def test_a_stale_drop_answers_409_with_the_whole_fresh_grid(organiser_client, camp):
    make_placement(camp.data, camp.big, camp.morning)
    camp.event.refresh_from_db()
    Event.objects.filter(pk=camp.event.pk).update(grid_version=5)  # someone else changed it
    stale = {"session": camp.data.pk, "version": 0, "room": camp.big.pk, "slot": camp.noon.pk}

    response = organiser_client.post(
        url("move", camp.event),
        stale,
        headers={"hx-request": "true", "hx-trigger": "drop-form"},
    )

    assert response.status_code == 409
    assert is_fragment(response)
    assert 'name="version" value="5"' in response.text


def test_a_stale_drop_answers_409_with_the_cells_changed_since_the_page_was_loaded(
    organiser_client, camp
):
    make_placement(camp.data, camp.big, camp.morning)
    make_placement(camp.budget, camp.small, camp.noon)
    other = Client(headers={"accept-language": "en"})
    other.force_login(make_participant(camp.event, role=Participant.Role.ORGANISER).user)
    # the other organiser moves Budgets to Big, 11:00, and pins it (versions 1 and 2)
    assert drop(other, camp, camp.budget, camp.big, camp.noon).status_code == 200
    pin = {"session": camp.budget.pk, "pinned": "1", "version": 1}
    assert htmx(other, url("pin", camp.event), pin).status_code == 200
    # on the page loaded at version 0: Open data to Small, 10:00
    stale = {"session": camp.data.pk, "version": 0, "room": camp.small.pk, "slot": camp.morning.pk}

    response = organiser_client.post(
        url("move", camp.event),
        stale,
        headers={
            "hx-request": "true",
            "hx-trigger": "drop-form",
            "hx-current-url": f"http://testserver{url('grid', camp.event)}",
        },
    )

    assert response.status_code == 409
    assert not is_fragment(response) and response.headers["HX-Retarget"] == "#grid-feedback"
    changed = {f"{camp.noon.pk}-{camp.small.pk}", f"{camp.noon.pk}-{camp.big.pk}"}
    assert oob_cells(response.text) == changed
    assert 'role="alert"' in response.text
    assert "Someone else changed the grid just now. Here is the fresh grid; try again." in (
        response.text
    )
    assert 'data-version="2" hx-swap-oob="true"' in response.text
    assert where(camp.event) == {"Open data": ("Big", "10:00"), "Budgets": ("Big", "11:00")}
    reload = organiser_client.get(url("grid", camp.event)).text
    for key in changed:
        assert cell_html(response.text, key) == cell_html(reload, key)
    assert "Unpin" in cell_html(response.text, f"{camp.noon.pk}-{camp.big.pk}")
    assert lost_figures(response.text) == lost_figures(reload)
    assert undo_what(response.text) == undo_what(reload) == "Last change: “Budgets” pinned"


def undo_what(text: str) -> str:
    import re

    return re.search(r'<span class="small undo-what">([^<]*)</span>', text)[1]


@pytest.mark.parametrize("how", ["drop", "place here"])
def test_a_move_reads_the_problem_once_in_a_fixed_number_of_queries(
    organiser_client, camp, monkeypatch, how
):
    from sessions_app import grid

    make_placement(camp.data, camp.big, camp.morning)
    make_placement(camp.budget, camp.big, camp.noon)
    builds = []
    read = grid.problem_for
    monkeypatch.setattr(grid, "problem_for", lambda *a, **k: builds.append(a) or read(*a, **k))

    data = move_data(camp, camp.data, camp.big, camp.noon)
    headers = {"hx-request": "true"}
    if how == "drop":
        headers |= {"hx-trigger": "drop-form"}
    with CaptureQueriesContext(connection) as queries:
        response = organiser_client.post(url("move", camp.event), data, headers=headers)

    assert response.status_code == 200
    assert len(builds) == 1
    # signed in 2, the event and who asks 2, the form 3, the move 16 (savepoint, lock, grid,
    # names, problem 6, sequences, delete, insert, version, its read, the change, release), the
    # cells 5 (rooms, slots, sessions, hosts, placements); the whole editor also the last change
    assert len(queries) == {"drop": 29, "place here": 30}[how], "\n".join(
        q["sql"][:90] for q in queries.captured_queries
    )


# ---- what the editor shows -----------------------------------------------------------------


def test_lost_figures_are_shown(organiser_client, camp):
    make_placement(camp.data, camp.small, camp.morning)  # 5 votes, 2 seats: 3 overflow
    make_placement(camp.budget, camp.big, camp.morning)  # 3 shared voters: 3 clashes

    response = organiser_client.get(url("grid", camp.event))

    # Accessibility (1 vote) unplaced; Ann and Bob host, and are voters of nothing
    assert lost_figures(response.text) == {"Lost": 7, "Unplaced": 1, "Clashes": 3, "Overflow": 3}


def lost_figures(text: str) -> dict[str, int]:
    import re

    block = text[
        text.index('<dl class="lost"') : text.index("</dl>", text.index('<dl class="lost"'))
    ]
    return {dt: int(dd) for dt, dd in re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", block)}


def test_lost_figures_are_recomputed_after_a_move(organiser_client, camp):
    response = htmx(
        organiser_client, url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon)
    )

    assert lost_figures(response.text) == {"Lost": 4, "Unplaced": 4, "Clashes": 0, "Overflow": 0}


def test_choosing_a_session_shows_every_cell_with_the_effect_of_the_move(organiser_client, camp):
    make_placement(camp.budget, camp.big, camp.morning)

    response = organiser_client.get(f"{url('grid', camp.event)}?select={camp.data.pk}")

    text = response.text
    assert "Choose a cell for “Open data”." in text
    assert text.count('class="place-form"') == 4
    assert effects(text) == {
        f"{camp.morning.pk}-{camp.big.pk}": "−2 unplaced",  # Budgets (3 votes) to the tray
        f"{camp.morning.pk}-{camp.small.pk}": "−5 unplaced, +3 clashes, +3 overflow",
        f"{camp.noon.pk}-{camp.big.pk}": "−5 unplaced",
        f"{camp.noon.pk}-{camp.small.pk}": "−5 unplaced, +3 overflow",
    }


def effects(text: str) -> dict[str, str]:
    import re

    found = {}
    for key, cell in re.findall(r'<td id="cell-(\d+-\d+)"(.*?)</td>', text, re.S):
        effect = re.search(r'<span class="effect">([^<]*)</span>', cell)
        if effect:
            found[key] = effect.group(1)
    return found


def test_choosing_a_placed_session_offers_the_tray_and_marks_refused_cells(organiser_client, camp):
    make_placement(camp.data, camp.big, camp.morning)

    response = organiser_client.get(f"{url('grid', camp.event)}?select={camp.access.pk}")

    text = response.text
    assert "Back to tray" not in text  # Accessibility is in the tray already
    cell = text[text.index(f'id="cell-{camp.morning.pk}-{camp.small.pk}"') :]
    cell = cell[: cell.index("</td>")]
    assert "Not possible" in cell and "a host is busy then" in cell

    response = organiser_client.get(f"{url('grid', camp.event)}?select={camp.data.pk}")
    assert 'id="to-tray-button"' in response.text
    assert "+5 unplaced" in response.text


def test_warnings_for_a_small_room_and_shared_voters(organiser_client, camp):
    make_placement(camp.data, camp.small, camp.morning)
    make_placement(camp.budget, camp.big, camp.morning)

    text = organiser_client.get(url("grid", camp.event)).text

    assert "Room too small: 3 votes more than seats" in text
    assert "Shares 100 % of its voters with “Budgets”, at the same time" in text
    assert "Shares 100 % of its voters with “Open data”, at the same time" in text


def test_pin_and_unpin_by_htmx(organiser_client, camp):
    make_placement(camp.data, camp.big, camp.morning)

    response = htmx(
        organiser_client,
        url("pin", camp.event),
        {"session": camp.data.pk, "pinned": "1", "version": 0},
    )

    assert response.status_code == 200
    assert "“Open data” pinned" in response.text
    assert Placement.objects.get().pinned is True
    assert 'name="pinned" value="0"' in response.text  # now offers Unpin


def test_undo_twice_by_plain_posts(organiser_client, camp):
    organiser_client.post(url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon))
    organiser_client.post(
        url("move", camp.event), move_data(camp, camp.budget, camp.small, camp.noon)
    )

    first = organiser_client.post(url("undo", camp.event), {"version": 2})
    second = organiser_client.post(url("undo", camp.event), {"version": 3})
    third = organiser_client.post(url("undo", camp.event), {"version": 4})

    assert messages_of(first)[-1] == "Undone: “Budgets” to Small, 11:00–11:45"
    assert messages_of(second)[-1] == "Undone: “Open data” to Big, 11:00–11:45"
    assert messages_of(third)[-1] == "There is nothing to undo."
    assert where(camp.event) == {}


def test_history_lists_changes_in_event_time_with_who(organiser_client, camp):
    organiser_client.post(url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon))
    organiser_client.post(
        url("move", camp.event), move_data(camp, camp.budget, camp.small, camp.noon)
    )
    first = GridChange.objects.get(version=1)

    response = organiser_client.get(url("history", camp.event))

    text = response.text[response.text.index("<table") :]
    assert response.status_code == 200
    assert text.index("“Budgets” to Small") < text.index("“Open data” to Big")
    assert text.count("<td>Olga</td>") == 2
    assert f"{camp.event.local(first.created_at):%H:%M:%S}</time>" in text
    assert text.count('name="change"') == 1  # the newest is the grid now


def test_restore_by_plain_post(organiser_client, camp):
    organiser_client.post(url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon))
    organiser_client.post(
        url("move", camp.event), move_data(camp, camp.budget, camp.small, camp.noon)
    )
    first = GridChange.objects.get(version=1)

    response = organiser_client.post(url("restore", camp.event), {"change": first.pk, "version": 2})

    assert response.status_code == 302
    assert messages_of(response)[-1].startswith("Back to the grid of ")
    assert where(camp.event) == {"Open data": ("Big", "11:00")}


def test_restore_of_another_events_change_is_404(organiser_client, camp):
    other = make_event()
    change = GridChange.objects.create(event=other, version=1, kind="move", summary="x")

    response = organiser_client.post(
        url("restore", camp.event), {"change": change.pk, "version": 0}
    )

    assert response.status_code == 404


# ---- accepting a proposed grid (proposing it: tests/jobs/test_grid_proposals.py) -------------


def test_accepting_a_grid_with_foreign_ids_is_404(organiser_client, camp):
    other = make_event()
    rows = f"[[{camp.data.pk}, {make_room(other).pk}, {camp.noon.pk}, false]]"

    response = organiser_client.post(url("accept-grid", camp.event), {"rows": rows, "version": 0})

    assert response.status_code == 404
    assert where(camp.event) == {}


def test_accepting_garbage_is_400(organiser_client, camp):
    response = organiser_client.post(
        url("accept-grid", camp.event), {"rows": '{"a": 1}', "version": 0}
    )

    assert response.status_code == 400


# ---- queries -------------------------------------------------------------------------------


def build_event(rooms: int, slots: int) -> Event:
    """`rooms` × `slots` cells, a session for every cell and 10 more, two thirds placed, each
    session with a host and a few votes."""
    event = make_event(phase=Event.Phase.VOTING, language="en")
    room_rows = [make_room(event, capacity=10 + n) for n in range(rooms)]
    slot_rows = [
        make_slot(event, time(8 + n // 2, 30 * (n % 2)), time(8 + n // 2, 29 + 30 * (n % 2)))
        for n in range(slots)
    ]
    people = [make_participant(event) for _ in range(12)]
    cells = [(r, s) for s in slot_rows for r in room_rows]
    for n in range(rooms * slots + 10):
        session = make_session(event, [people[n % 12]])
        for voter in people[n % 5 : n % 5 + 3]:
            make_vote(voter, session)
        if n % 3 and n < len(cells):
            room, slot = cells[n]
            if not Placement.objects.filter(
                slot=slot, session__hostings__participant=people[n % 12]
            ).exists():
                make_placement(session, room, slot)
    return event


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_editor_makes_as_many_queries_for_a_large_grid_as_for_a_small_one(
    django_assert_max_num_queries,
):
    small, large = build_event(6, 9), build_event(20, 16)
    organiser = make_participant(small, role=Participant.Role.ORGANISER)
    client = Client()
    client.force_login(organiser.user)
    make_participant(large, user=organiser.user, role=Participant.Role.ORGANISER)
    first_session = small.sessions.first().pk

    counts = {
        (event.slug, select): count_queries(
            client, f"{reverse('organiser:grid', args=[event.slug])}{select}"
        )
        for event in (small, large)
        for select in [
            "",
            f"?select={first_session if event == small else large.sessions.first().pk}",
        ]
    }

    assert len(set(counts.values())) == 1, counts
    with django_assert_max_num_queries(20):
        client.get(reverse("organiser:grid", args=[large.slug]))


def test_accepting_a_forged_grid_with_two_sessions_in_one_cell_changes_nothing(
    organiser_client, camp
):
    big, noon = camp.big.pk, camp.noon.pk
    rows = f"[[{camp.data.pk}, {big}, {noon}, false], [{camp.budget.pk}, {big}, {noon}, false]]"

    response = htmx(organiser_client, url("accept-grid", camp.event), {"rows": rows, "version": 0})

    assert response.status_code == 422
    assert (where(camp.event), GridChange.objects.count()) == ({}, 0)


def test_history_makes_as_many_queries_for_many_changes_as_for_one(organiser_client, camp):
    organiser_client.post(url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon))
    one = count_queries(organiser_client, url("history", camp.event))
    for room, slot in [(camp.small, camp.noon), (camp.big, camp.morning), (camp.small, camp.noon)]:
        organiser_client.post(url("move", camp.event), move_data(camp, camp.budget, room, slot))

    many = count_queries(organiser_client, url("history", camp.event))

    assert one == many
