"""The grid's writes (actions/grid.py): moves, swaps, the tray, pins, the hard rules,
stale versions, undo, going back to an earlier grid, and what the history records."""

from dataclasses import dataclass

import pytest

from sessions_app import actions, grid
from sessions_app.models import Event, GridChange, Participant, Placement, Room, Session, Slot
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
class World:
    event: Event
    organiser: Participant
    ann: Participant
    bob: Participant
    big: Room
    small: Room
    morning: Slot
    noon: Slot
    lunch: Slot
    data: Session  # hosted by Ann
    budget: Session  # hosted by Bob
    access: Session  # hosted by Ann too


@pytest.fixture
def world() -> World:
    event = make_event(slug="grid-camp", language="en", phase=Event.Phase.VOTING)
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    ann = make_participant(event, name="Ann Hosting")
    bob = make_participant(event, name="Bob Hosting")
    return World(
        event=event,
        organiser=organiser,
        ann=ann,
        bob=bob,
        big=make_room(event, name="Big", capacity=50),
        small=make_room(event, name="Small", capacity=10),
        morning=make_slot(event, "10:00", "10:45"),
        noon=make_slot(event, "11:00", "11:45"),
        lunch=make_slot(event, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch"),
        data=make_session(event, [ann], title="Open data"),
        budget=make_session(event, [bob], title="Budgets"),
        access=make_session(event, [ann], title="Accessibility"),
    )


def version(event: Event) -> int:
    event.refresh_from_db(fields=["grid_version"])
    return event.grid_version


def cells(event: Event) -> dict[str, tuple[str, str, bool]]:
    """Where each placed session is, by title: (room, slot start, pinned)."""
    return {
        p.session.title: (p.room.name, f"{p.slot.local_start:%H:%M}", p.pinned)
        for p in Placement.objects.filter(session__event=event).select_related(
            "session", "room", "slot__event"
        )
    }


def move(w: World, session: Session, room: Room | None, slot: Slot | None) -> GridChange:
    return actions.move_session(
        event=w.event,
        session=session,
        cell=(room, slot) if room else None,
        version=version(w.event),
        by=w.organiser,
    ).change


# ---- moves ---------------------------------------------------------------------------------


def test_move_from_tray_to_an_empty_cell(world):
    change = move(world, world.data, world.big, world.morning)

    assert cells(world.event) == {"Open data": ("Big", "10:00", False)}
    assert (change.kind, change.version, version(world.event)) == ("move", 1, 1)
    assert change.summary == "“Open data” to Big, 10:00–10:45"


def test_moving_onto_a_placed_session_swaps_the_two(world):
    make_placement(world.data, world.big, world.morning)
    make_placement(world.budget, world.small, world.noon)

    change = move(world, world.data, world.small, world.noon)

    assert cells(world.event) == {
        "Open data": ("Small", "11:00", False),
        "Budgets": ("Big", "10:00", False),
    }
    assert change.summary == "“Open data” to Small, 11:00–11:45 (swapped with “Budgets”)"


def test_moving_from_the_tray_onto_a_placed_session_sends_it_to_the_tray(world):
    make_placement(world.budget, world.big, world.morning)

    move(world, world.data, world.big, world.morning)

    assert cells(world.event) == {"Open data": ("Big", "10:00", False)}


def test_back_to_the_tray_unplaces(world):
    make_placement(world.data, world.big, world.morning)

    change = move(world, world.data, None, None)

    assert cells(world.event) == {}
    assert (change.kind, change.summary) == ("unplace", "“Open data” back to the tray")


def test_status_follows_the_placement(world):
    move(world, world.data, world.big, world.morning)
    world.data.refresh_from_db()
    placed = world.data.status

    move(world, world.data, None, None)
    world.data.refresh_from_db()

    assert (placed, world.data.status) == (Session.Status.SCHEDULED, Session.Status.PROPOSED)


# ---- pins ----------------------------------------------------------------------------------


def test_pin_and_unpin(world):
    make_placement(world.data, world.big, world.morning)

    pinned = actions.set_pinned(
        event=world.event, session=world.data, pinned=True, version=0, by=world.organiser
    )
    after_pin = cells(world.event)
    unpinned = actions.set_pinned(
        event=world.event, session=world.data, pinned=False, version=1, by=world.organiser
    )

    assert after_pin == {"Open data": ("Big", "10:00", True)}
    assert cells(world.event) == {"Open data": ("Big", "10:00", False)}
    assert (pinned.summary, unpinned.summary) == ("“Open data” pinned", "“Open data” unpinned")


def test_a_pinned_session_moved_by_hand_keeps_its_pin(world):
    make_placement(world.data, world.big, world.morning, pinned=True)

    move(world, world.data, world.small, world.noon)

    assert cells(world.event) == {"Open data": ("Small", "11:00", True)}


def test_pinning_a_session_in_the_tray_is_refused(world):
    with pytest.raises(actions.ActionRefused) as refusal:
        actions.set_pinned(
            event=world.event, session=world.data, pinned=True, version=0, by=world.organiser
        )

    assert str(refusal.value) == "Only a session in the grid can be pinned."
    assert version(world.event) == 0


# ---- the hard rules ------------------------------------------------------------------------


def test_host_in_two_places_at_once_is_refused_by_name(world):
    make_placement(world.data, world.big, world.morning)

    with pytest.raises(actions.ActionRefused) as refusal:
        move(world, world.access, world.small, world.morning)

    assert str(refusal.value) == (
        "Ann Hosting would host two sessions at once: “Open data” / “Accessibility”."
    )
    assert cells(world.event) == {"Open data": ("Big", "10:00", False)}
    assert version(world.event) == 0
    assert GridChange.objects.count() == 0


def test_a_swap_that_double_books_the_other_host_is_refused(world):
    make_placement(world.data, world.big, world.morning)
    make_placement(world.budget, world.small, world.noon)
    make_placement(world.access, world.big, world.noon)

    with pytest.raises(actions.ActionRefused) as refusal:
        # Budgets would go to 10:00 fine, but Open data lands next to Accessibility (Ann twice)
        move(world, world.data, world.small, world.noon)

    assert "Ann Hosting would host two sessions at once" in str(refusal.value)
    assert version(world.event) == 0


def test_a_slot_the_hosts_cannot_do_is_refused_with_the_slot(world):
    world.data.unavailable_slots.add(world.noon)

    with pytest.raises(actions.ActionRefused) as refusal:
        move(world, world.data, world.big, world.noon)

    assert str(refusal.value) == "The hosts of “Open data” cannot do 11:00–11:45."
    assert cells(world.event) == {}
    assert version(world.event) == 0


def test_a_break_is_not_a_session_slot(world):
    with pytest.raises(actions.ActionRefused) as refusal:
        move(world, world.data, world.big, world.lunch)

    assert str(refusal.value) == "Sessions go in session slots, not in breaks or plenaries."
    assert cells(world.event) == {}


def test_a_cell_of_another_event_is_refused(world):
    other = make_event()

    with pytest.raises(actions.ActionRefused):
        move(world, world.data, make_room(other), make_slot(other))

    assert cells(world.event) == {}


def test_a_room_too_small_is_allowed(world):
    for _ in range(12):
        make_participant(world.event).votes.create(session=world.data)

    move(world, world.data, world.small, world.morning)

    view = grid.grid_view(world.event, warnings=True)
    cell = next(c for c in view.rows[0].cells if c.session)
    assert (cell.room.name, cell.overflow) == ("Small", 2)


# ---- versions ------------------------------------------------------------------------------


def test_a_change_on_a_stale_grid_is_refused(world):
    move(world, world.data, world.big, world.morning)

    with pytest.raises(actions.StaleGrid) as refusal:
        actions.move_session(
            event=world.event,
            session=world.budget,
            cell=(world.small, world.morning),
            version=0,
            by=world.organiser,
        )

    assert str(refusal.value) == (
        "Someone else changed the grid just now. Here is the fresh grid; try again."
    )
    assert cells(world.event) == {"Open data": ("Big", "10:00", False)}
    assert version(world.event) == 1


def test_every_kind_of_change_checks_the_version(world):
    make_placement(world.data, world.big, world.morning)
    move(world, world.budget, world.small, world.morning)
    change = GridChange.objects.get()
    stale = {"event": world.event, "version": 0, "by": world.organiser}

    calls = [
        lambda: actions.set_pinned(session=world.data, pinned=True, **stale),
        lambda: actions.undo_grid_change(**stale),
        lambda: actions.restore_grid(change=change, **stale),
        lambda: actions.accept_grid(rows=[], summary="x", **stale),
    ]

    for call in calls:
        with pytest.raises(actions.StaleGrid):
            call()
    assert version(world.event) == 1


# ---- history, undo, restore ----------------------------------------------------------------


def test_changes_record_who_what_and_the_grids_before_and_after(world):
    move(world, world.data, world.big, world.morning)
    move(world, world.budget, world.small, world.morning)

    changes = list(GridChange.objects.order_by("version"))

    assert [(c.version, c.kind, c.by, c.summary) for c in changes] == [
        (1, "move", world.organiser, "“Open data” to Big, 10:00–10:45"),
        (2, "move", world.organiser, "“Budgets” to Small, 10:00–10:45"),
    ]
    big, small, morning = world.big.pk, world.small.pk, world.morning.pk
    assert changes[1].before == [[world.data.pk, big, morning, False]]
    assert changes[1].after == sorted(
        [[world.data.pk, big, morning, False], [world.budget.pk, small, morning, False]]
    )


def test_undo_twice_goes_back_two_steps(world):
    move(world, world.data, world.big, world.morning)
    move(world, world.budget, world.small, world.morning)
    move(world, world.data, world.small, world.noon)  # third change, stays

    first = actions.undo_grid_change(event=world.event, version=3, by=world.organiser)
    after_one = cells(world.event)
    second = actions.undo_grid_change(event=world.event, version=4, by=world.organiser)

    assert after_one == {
        "Open data": ("Big", "10:00", False),
        "Budgets": ("Small", "10:00", False),
    }
    assert cells(world.event) == {"Open data": ("Big", "10:00", False)}
    assert (first.kind, first.summary) == ("undo", "Undone: “Open data” to Small, 11:00–11:45")
    assert second.summary == "Undone: “Budgets” to Small, 10:00–10:45"
    assert list(GridChange.objects.filter(undone=True).values_list("version", flat=True)) == [3, 2]


def test_undo_with_nothing_to_undo_is_refused(world):
    with pytest.raises(actions.ActionRefused) as refusal:
        actions.undo_grid_change(event=world.event, version=0, by=world.organiser)

    assert str(refusal.value) == "There is nothing to undo."
    assert version(world.event) == 0


def test_undo_brings_back_the_status(world):
    move(world, world.data, world.big, world.morning)

    actions.undo_grid_change(event=world.event, version=1, by=world.organiser)

    world.data.refresh_from_db()
    assert world.data.status == Session.Status.PROPOSED


def test_restore_goes_back_to_the_grid_right_after_a_change(world):
    move(world, world.data, world.big, world.morning)
    move(world, world.budget, world.small, world.morning)
    kept = GridChange.objects.get(version=2)
    move(world, world.data, None, None)
    move(world, world.access, world.big, world.noon)

    change = actions.restore_grid(event=world.event, change=kept, version=4, by=world.organiser)

    assert cells(world.event) == {
        "Open data": ("Big", "10:00", False),
        "Budgets": ("Small", "10:00", False),
    }
    moment = world.event.local(kept.created_at)
    assert (change.kind, change.summary) == (
        "restore",
        f"Back to the grid of {moment:%H:%M:%S}",
    )


def test_restore_leaves_out_sessions_withdrawn_since(world):
    move(world, world.data, world.big, world.morning)
    kept = GridChange.objects.get()
    actions.withdraw_session(session=world.data)

    actions.restore_grid(
        event=world.event, change=kept, version=version(world.event), by=world.organiser
    )

    assert cells(world.event) == {}


def test_withdrawing_a_session_frees_its_cell_as_a_recorded_change(world):
    move(world, world.data, world.big, world.morning)

    actions.withdraw_session(session=world.data, by=world.ann)

    world.data.refresh_from_db()
    assert cells(world.event) == {}
    assert world.data.status == Session.Status.WITHDRAWN
    last = GridChange.objects.order_by("-version").first()
    assert (last.kind, last.by, last.summary) == ("unplace", world.ann, "“Open data” withdrawn")
    assert version(world.event) == 2


# ---- accepting a proposed grid -------------------------------------------------------------


def test_accepting_a_grid_makes_it_live(world):
    make_placement(world.data, world.big, world.morning)
    rows = [
        [world.data.pk, world.small.pk, world.noon.pk, False],
        [world.budget.pk, world.big.pk, world.morning.pk, False],
    ]

    change = actions.accept_grid(
        event=world.event, rows=rows, version=0, by=world.organiser, summary="Proposal"
    )

    assert cells(world.event) == {
        "Open data": ("Small", "11:00", False),
        "Budgets": ("Big", "10:00", False),
    }
    assert (change.kind, change.summary) == ("proposal", "Proposal")


def test_accepting_a_grid_that_breaks_a_rule_changes_nothing(world):
    rows = [
        [world.data.pk, world.small.pk, world.noon.pk, False],
        [world.access.pk, world.big.pk, world.noon.pk, False],
    ]

    with pytest.raises(actions.ActionRefused) as refusal:
        actions.accept_grid(
            event=world.event, rows=rows, version=0, by=world.organiser, summary="Proposal"
        )

    assert "Ann Hosting would host two sessions at once" in str(refusal.value)
    assert cells(world.event) == {}
    assert version(world.event) == 0


def test_moving_a_session_where_it_already_is_records_nothing(world):
    w = world
    actions.move_session(
        event=w.event, session=w.data, cell=(w.big, w.morning), version=version(w.event), by=None
    )
    before = version(w.event)

    with pytest.raises(actions.NothingToDo):
        actions.move_session(
            event=w.event, session=w.data, cell=(w.big, w.morning), version=before, by=None
        )
    with pytest.raises(actions.NothingToDo):
        actions.move_session(event=w.event, session=w.budget, cell=None, version=before, by=None)

    assert version(w.event) == before
    assert GridChange.objects.filter(event=w.event).count() == 1


def test_a_merged_session_hands_its_cell_to_the_kept_one_as_a_recorded_change(world):
    w = world
    make_placement(w.budget, w.big, w.morning)

    actions.merge_sessions(keep=w.access, merge=w.budget)

    assert grid.snapshot(w.event) == [[w.access.pk, w.big.pk, w.morning.pk, False]]
    change = GridChange.objects.get(event=w.event)
    assert change.summary == "“Budgets” merged into “Accessibility”, which takes its place"
    assert change.before == [[w.budget.pk, w.big.pk, w.morning.pk, False]]


def test_a_merged_cell_is_freed_when_the_kept_session_cannot_take_it(world):
    """`access` would take the morning cell, but its host Ann runs `data` in the morning."""
    w = world
    make_placement(w.budget, w.big, w.morning)
    make_placement(w.data, w.small, w.morning)  # Ann is busy in the morning with `data`

    actions.merge_sessions(keep=w.access, merge=w.budget)  # `access` is Ann's too

    assert grid.snapshot(w.event) == [[w.data.pk, w.small.pk, w.morning.pk, False]]
    assert GridChange.objects.get(event=w.event).summary == "“Budgets” merged"
