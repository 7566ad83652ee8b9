"""Row 7 of the reliability plan: the grid's invariants under random sequences of changes.

A Hypothesis state machine drives the real service layer (actions.move_session, to a cell or
back to the tray, on the current or on a stale version, and undo) against the database, and
keeps a model of where every session should be. After every step:

- no cell holds two sessions, no session is in two cells, no session is lost;
- the database agrees with the model (a move onto an occupied cell swaps the occupant to the
  moved session's old cell, or to the tray);
- a refused change (stale version, nothing to do) changes nothing, not even the version.

Every session has its own host and every room seats everyone, so only stale versions and
no-op moves are refused; the hard rules have their own tests (tests/test_grid_actions.py)."""

import itertools

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from sessions_app import actions
from sessions_app.models import Event, Participant, Placement
from tests.factories import make_event, make_participant, make_room, make_session, make_slot

SESSIONS, ROOMS, SLOTS = 6, 2, 3
_events = itertools.count()


class GridMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.event = make_event(
            slug=f"stateful-{next(_events)}", language="en", phase=Event.Phase.VOTING
        )
        self.organiser = make_participant(self.event, "Olga", role=Participant.Role.ORGANISER)
        self.rooms = [make_room(self.event, capacity=500) for _ in range(ROOMS)]
        self.slots = [make_slot(self.event, f"{10 + n}:00", f"{10 + n}:45") for n in range(SLOTS)]
        self.sessions = [
            make_session(self.event, [make_participant(self.event)]) for _ in range(SESSIONS)
        ]
        self.where: dict[int, tuple[int, int]] = {}  # the model: session -> (room, slot)
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
        before, version = self.in_database(), self.version()
        try:
            actions.move_session(
                event=self.event,
                session=session,
                cell=target,
                version=version - 1 if stale else version,
                by=self.organiser,
            )
        except actions.ActionRefused:
            assert self.in_database() == before
            assert self.version() == version
            assert stale or self.where.get(session.pk) == (
                None if target is None else (target[0].pk, target[1].pk)
            )
            return
        assert not stale, "a change on a stale version went through"
        assert self.version() == version + 1
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
        version = self.version()
        try:
            actions.undo_grid_change(event=self.event, version=version, by=self.organiser)
        except actions.ActionRefused:
            assert not self.history
            return
        self.where = self.history.pop()

    @invariant()
    def sound(self) -> None:
        placed = self.in_database()
        cells = list(placed.values())
        assert len(cells) == len(set(cells)), "a cell holds two sessions"
        assert placed == self.where


@pytest.mark.django_db
def test_grid_invariants_hold_under_random_changes() -> None:
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        GridMachine, settings=settings(max_examples=60, stateful_step_count=20, deadline=None)
    )
    print("grid state machine: 60 sequences x up to 20 changes, invariants held")
