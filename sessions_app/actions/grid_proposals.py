"""Proposed grids: asking the scheduler for one, discarding it, and starting again a search
whose worker was killed. The search itself is a background job (jobs/grid_proposals.py);
accepting a proposal changes the grid and is actions.accept_grid."""

from __future__ import annotations

from sessions_app.jobs import grid_proposals
from sessions_app.models import Event, GridProposal, Participant


def propose_grid(*, event: Event, by: Participant | None, seed: int = 0) -> GridProposal:
    """A proposal for the grid as it is now: the unfinished one of this grid version if there
    is one (a second click waits for the same search), else a new search."""
    return grid_proposals.start(event=event, by=by, seed=seed)


def discard_grid_proposals(*, event: Event) -> None:
    """Throw the event's proposals away (a search still running stops); the grid stays."""
    for proposal in event.grid_proposals.exclude(status=GridProposal.Status.DISCARDED):
        grid_proposals.discard(proposal)


def recover_grid_proposal(proposal: GridProposal) -> GridProposal:
    """Queue again a proposal whose worker went silent; the proposal page calls this when it
    polls."""
    return grid_proposals.recover(proposal)
