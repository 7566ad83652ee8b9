"""Plain data for the grid: ids in, ids out. No Django, no model instances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True, slots=True)
class Room:
    id: int
    capacity: int


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    hosts: frozenset[int] = frozenset()
    unavailable: frozenset[int] = frozenset()  # slot ids
    withdrawn: bool = False


Cell = tuple[int, int]  # (room id, slot id)


@dataclass(frozen=True, slots=True)
class Placement:
    session: int
    room: int
    slot: int
    pinned: bool = False

    @property
    def cell(self) -> Cell:
        return (self.room, self.slot)


@dataclass(frozen=True)
class Problem:
    """An event as the scheduler sees it: rooms, the slots that hold sessions (in time order),
    sessions, who voted for what, the placements that must stay, and the cells no session may
    have (`closed`: a room closed from some time on; a re-plan closes them, see replan.py)."""

    rooms: tuple[Room, ...]
    slots: tuple[int, ...]
    sessions: tuple[Session, ...]
    votes: Mapping[int, frozenset[int]]  # session id -> participant ids
    pinned: tuple[Placement, ...] = ()
    closed: frozenset[Cell] = frozenset()

    # looked up often by the planner: built once per problem (a frozen dataclass without slots
    # keeps them in its __dict__; they are not fields, so equality ignores them)
    @cached_property
    def _sessions_by_id(self) -> dict[int, Session]:
        return {s.id: s for s in self.sessions}

    @cached_property
    def _rooms_by_id(self) -> dict[int, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def session_ids(self) -> frozenset[int]:
        return frozenset(self._sessions_by_id)

    def session(self, session_id: int) -> Session:
        return self._sessions_by_id[session_id]

    def room(self, room_id: int) -> Room:
        return self._rooms_by_id[room_id]

    def voters(self, session_id: int) -> frozenset[int]:
        return self.votes.get(session_id, frozenset())

    def wanted_by(self, session_id: int) -> frozenset[int]:
        """Who wants to be in the session: its voters and its hosts (once each)."""
        return self.voters(session_id) | self.session(session_id).hosts
