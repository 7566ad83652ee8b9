"""The grid as pure data: `lost` and the hard rules of shared/scheduling.md, and the planner.

Imports nothing from Django or from the rest of sessions_app (tests/scheduling proves it):
plain data in, placements and `lost` out."""

from sessions_app.scheduling.measure import Conflict, Grid, Lost, Rule, can_take, conflicts, lost
from sessions_app.scheduling.model import Cell, Placement, Problem, Room, Session

__all__ = [
    "Cell",
    "Conflict",
    "Grid",
    "Lost",
    "Placement",
    "Problem",
    "Room",
    "Rule",
    "Session",
    "can_take",
    "conflicts",
    "lost",
]
