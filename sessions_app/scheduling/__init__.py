"""The grid as pure data: `lost` and the hard rules of shared/scheduling.md, and the planner.

Imports nothing from Django or from the rest of sessions_app (tests/scheduling proves it):
plain data in, placements and `lost` out. The planner runs compiled by mypyc where it was
built (`compiled`, imported first)."""

from sessions_app.scheduling import compiled
from sessions_app.scheduling.greedy import greedy
from sessions_app.scheduling.measure import Conflict, Grid, Lost, Rule, can_take, conflicts, lost
from sessions_app.scheduling.model import Cell, Placement, Problem, Room, Session
from sessions_app.scheduling.planner import (
    DEFAULT_RESTARTS,
    Plan,
    Progress,
    Reason,
    Stability,
    Waiting,
    budget_for,
    plan,
)
from sessions_app.scheduling.replan import (
    SETTINGS,
    Change,
    Disruptions,
    Move,
    Replan,
    Setting,
    breaks,
    remaining,
    replan,
)

__all__ = [
    "DEFAULT_RESTARTS",
    "SETTINGS",
    "Cell",
    "Change",
    "Conflict",
    "Disruptions",
    "Grid",
    "Lost",
    "Move",
    "Placement",
    "Plan",
    "Problem",
    "Progress",
    "Reason",
    "Replan",
    "Room",
    "Rule",
    "Session",
    "Setting",
    "Stability",
    "Waiting",
    "breaks",
    "budget_for",
    "can_take",
    "compiled",
    "conflicts",
    "greedy",
    "lost",
    "plan",
    "remaining",
    "replan",
]
