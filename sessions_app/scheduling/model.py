"""Plain data for the grid: ids in, ids out. No Django, no model instances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def session(self, session_id: int) -> Session:
        if "sessions" not in self._index:
            self._index["sessions"] = {s.id: s for s in self.sessions}
        return self._index["sessions"][session_id]

    def room(self, room_id: int) -> Room:
        if "rooms" not in self._index:
            self._index["rooms"] = {r.id: r for r in self.rooms}
        return self._index["rooms"][room_id]

    def voters(self, session_id: int) -> frozenset[int]:
        return self.votes.get(session_id, frozenset())

    def wanted_by(self, session_id: int) -> frozenset[int]:
        """Who wants to be in the session: its voters and its hosts (once each)."""
        return self.voters(session_id) | self.session(session_id).hosts
