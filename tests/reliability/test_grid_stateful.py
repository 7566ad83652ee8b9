"""Row 7 of the reliability plan: the grid's invariants under random sequences of changes.

A Hypothesis state machine drives the real service layer (actions.move_session, to a cell or
back to the tray, on the current or on a stale version, and undo) against the database, and
keeps a model of where every session should be. After every step:

- no cell holds two sessions, no session is in two cells, no session is lost;
- the database agrees with the model (a move onto an occupied cell swaps the occupant to the
  moved session's old cell, or to the tray);
- a refused change (stale version, nothing to do) changes nothing, not even the version; a
  change made raises the version by exactly one.

Every session has its own host and every room seats everyone, so only stale versions and
no-op moves are refused; the hard rules have their own tests (tests/actions/test_grid.py).

The counter-check: the same machine against deliberately broken actions (a move that does not
look at the target cell, a change that records no usable undo) must fail, and Hypothesis must
shrink the failure to a counterexample of a few steps."""

import os
import time
from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from sessions_app import actions, grid
from sessions_app.models import Event, GridChange, Participant, Placement, Room, Session, Slot
from tests.factories import make_event, make_participant, make_room, make_session, make_slot

SESSIONS, ROOMS, SLOTS = 6, 2, 3


@dataclass(frozen=True)
class World:
    """The event every sequence starts from: made once per test, not once per sequence."""

    event: int
    organiser: int
    rooms: list[int]
    slots: list[int]
    sessions: list[int]


@pytest.fixture
def world() -> World:
    event = make_event(slug="stateful", language="en", phase=Event.Phase.VOTING)
    organiser = make_participant(event, "Olga", role=Participant.Role.ORGANISER)
    rooms = [make_room(event, capacity=500) for _ in range(ROOMS)]
    slots = [make_slot(event, f"{10 + n}:00", f"{10 + n}:45") for n in range(SLOTS)]
    sessions = [make_session(event, [make_participant(event)]) for _ in range(SESSIONS)]
    GridMachine.world = World(
        event.pk,
        organiser.pk,
        [r.pk for r in rooms],
        [s.pk for s in slots],
        [s.pk for s in sessions],
    )
    return GridMachine.world


class GridMachine(RuleBasedStateMachine):
    world: World  # set by the `world` fixture

    def __init__(self) -> None:
        super().__init__()
        # Each sequence in a savepoint, rolled back at teardown: every one starts from the same
        # empty grid, and the test's transaction does not grow with every sequence (hundreds
        # when shrinking). The objects are read afresh: an action may change those it is given.
        self.example = transaction.atomic()
        self.example.__enter__()
        world = self.world
        self.event = Event.objects.get(pk=world.event)
        self.organiser = Participant.objects.get(pk=world.organiser)
        rooms, slots = Room.objects.in_bulk(world.rooms), Slot.objects.in_bulk(world.slots)
        sessions = Session.objects.in_bulk(world.sessions)
        self.rooms = [rooms[pk] for pk in world.rooms]
        self.slots = [slots[pk] for pk in world.slots]
        self.sessions = [sessions[pk] for pk in world.sessions]
        # the model: session -> (room, slot), the grid's version, the changes to undo
        self.where: dict[int, tuple[int, int]] = {}
        self.expected_version = self.version()
        self.history: list[dict[int, tuple[int, int]]] = []

    def version(self) -> int:
        return Event.objects.values_list("grid_version", flat=True).get(pk=self.event.pk)

    def in_database(self) -> dict[int, tuple[int, int]]:
        rows = Placement.objects.filter(session__event=self.event)
        return {s: (r, t) for s, r, t in rows.values_list("session_id", "room_id", "slot_id")}

    @rule(
        s=st.integers(0, SESSIONS - 1),
        cell=st.none() | st.tuples(st.integers(0, ROOMS - 1), st.integers(0, SLOTS - 1)),
        stale=st.booleans(),
    )
    def move(self, s: int, cell: tuple[int, int] | None, stale: bool) -> None:
        session = self.sessions[s]
        target = None if cell is None else (self.rooms[cell[0]], self.slots[cell[1]])
        version = self.expected_version  # the invariant checked it against the database
        try:
            actions.move_session(
                event=self.event,
                session=session,
                cell=target,
                version=version - 1 if stale else version,
                by=self.organiser,
            )
        except actions.ActionRefused:
            # the model stays as it is: the invariant checks that the database did, too
            assert stale or self.where.get(session.pk) == (
                None if target is None else (target[0].pk, target[1].pk)
            )
            return
        assert not stale, "a change on a stale version went through"
        self.expected_version += 1
        self.history.append(dict(self.where))
        old = self.where.pop(session.pk, None)
        if target is not None:
            new = (target[0].pk, target[1].pk)
            occupant = next((o for o, c in self.where.items() if c == new), None)
            if occupant is not None:
                del self.where[occupant]
                if old is not None:
                    self.where[occupant] = old
            self.where[session.pk] = new

    @rule()
    def undo(self) -> None:
        try:
            actions.undo_grid_change(
                event=self.event, version=self.expected_version, by=self.organiser
            )
        except actions.ActionRefused:
            assert not self.history
            return
        self.expected_version += 1
        self.where = self.history.pop()

    @invariant()
    def sound(self) -> None:
        placed = self.in_database()
        cells = list(placed.values())
        assert len(cells) == len(set(cells)), "a cell holds two sessions"
        assert placed == self.where
        # a change goes up by one, a refused one not at all
        assert self.version() == self.expected_version

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.example.__exit__(None, None, None)


def sequences() -> tuple[int, int]:
    """How many sequences of how many changes: the plan's 300 x 40 where OOCAMP_STATEFUL says
    so (.ci/run, in its SQLite step), 60 x 20 in an everyday run."""
    examples, steps = os.environ.get("OOCAMP_STATEFUL", "60x20").split("x")
    return int(examples), int(steps)


SHARDS = 2  # independent searches, one per xdist worker: the run's slowest test, halved


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("shard", range(1, SHARDS + 1))
def test_grid_invariants_hold_under_random_changes(shard: int) -> None:
    examples, steps = sequences()
    started = time.monotonic()
    run_state_machine_as_test(
        GridMachine,
        settings=settings(
            max_examples=examples // SHARDS, stateful_step_count=steps, deadline=None
        ),
    )
    print(
        f"grid state machine, search {shard} of {SHARDS}: {examples // SHARDS} sequences x up "
        f"to {steps} changes ({examples} in all), invariants held, "
        f"{time.monotonic() - started:.1f} s"
    )


# ---- the counter-check: injected bugs are caught, with a small counterexample -----------------


@transaction.atomic
def move_ignoring_the_target_cell(*, event, session, cell, version, by) -> GridChange:
    """actions.move_session without its look at the target cell: the occupant stays put."""
    actions._locked_event(event, version)
    rows = {row[0]: row for row in grid.snapshot(event)}
    source = rows.pop(session.pk, None)
    target = None if cell is None else [cell[0].pk, cell[1].pk]
    if (source[1:3] if source else None) == target:
        raise actions.NothingToDo("there already")
    if cell is not None:
        rows[session.pk] = [session.pk, cell[0].pk, cell[1].pk, False]
    return actions._write_grid(
        event, list(rows.values()), kind=GridChange.Kind.MOVE, summary="moved", by=by
    )


def write_grid_without_undo(real):
    """actions._write_grid that records the grid after the change as the one before it: the
    change is made, but undoing it restores nothing."""

    def write(event, rows, **kwargs) -> GridChange:
        change = real(event, rows, **kwargs)
        GridChange.objects.filter(pk=change.pk).update(before=change.after)
        return change

    return write


BUGS = {
    "move ignores the target cell": (
        actions,
        "move_session",
        lambda real: move_ignoring_the_target_cell,
    ),
    "change records no undo": (actions.grid, "_write_grid", write_grid_without_undo),
}


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("bug", BUGS)
def test_an_injected_bug_is_caught_with_a_small_counterexample(bug, monkeypatch) -> None:
    where, name, broken = BUGS[bug]  # patched where its callers look it up
    monkeypatch.setattr(where, name, broken(getattr(where, name)))
    started = time.monotonic()

    with pytest.raises(Exception) as failure:  # whatever the bug trips: an invariant, the DB
        run_state_machine_as_test(
            GridMachine,
            settings=settings(
                max_examples=200,  # an upper bound: the search stops at the first failure
                stateful_step_count=10,  # short failing runs shrink quickly
                deadline=None,
                database=None,  # always search afresh, never replay a saved failure
                derandomize=True,  # the same search every run: reproducible, bounded time
                phases=[Phase.generate, Phase.shrink],  # no "explain" phase: time
            ),
        )

    seconds = time.monotonic() - started
    notes = getattr(failure.value, "__notes__", [])
    # the rules run, without the invariant checks between them and the teardown
    steps = [
        n
        for n in notes
        if n.startswith("state.") and not n.startswith(("state.sound(", "state.teardown("))
    ]
    print(
        f"row 7, injected bug ({bug}): caught in {seconds:.1f} s with "
        f"{type(failure.value).__name__}; shrunk to {len(steps)} steps: {'; '.join(steps)}"
    )
    assert "state = GridMachine()" in notes, notes  # Hypothesis's shrunk example, not a crash
    assert 1 <= len(steps) <= 5  # the time is printed, not asserted: max_examples bounds it
