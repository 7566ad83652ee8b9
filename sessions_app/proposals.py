"""Proposed grids: the scheduler (sessions_app.scheduling.plan) run for an event, in the request
when the search is short and by the background worker when it is not.

A proposal is a GridProposal row. Starting one reuses an unfinished proposal of the same grid
version (a second click, or a second organiser, waits for the same search). The worker writes
its progress, the best `lost` so far and a heartbeat to the row about twice a second; the page
polls the row. A running proposal whose heartbeat stops (the worker was killed or restarted)
is queued again when the page is next looked at (`revive`). Discarding a proposal stops its
search at the next heartbeat. Nothing here touches the grid: accepting a proposal is
actions.accept_grid, checked against the version like any other change."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from sessions_app import grid, scheduling
from sessions_app.models import Event, GridProposal, Participant

HEARTBEAT_EVERY = 0.5  # seconds between progress writes
SILENT_AFTER = timedelta(seconds=30)  # a running proposal without a heartbeat this long is lost
MAX_ATTEMPTS = 3  # a proposal that kills its worker this often is given up

Status = GridProposal.Status


class _Discarded(Exception):
    """The proposal was discarded while its search ran."""


def inline_budget() -> int:
    """Searches of at most this many iterations, restarts included, run in the request (about
    a second: an OOcamp-sized event); longer ones go to the worker."""
    return int(getattr(settings, "OOCAMP_INLINE_PLAN_ITERATIONS", 400_000))


def _grid_version(event: Event) -> int:
    return Event.objects.values_list("grid_version", flat=True).get(pk=event.pk)


def _problem(event: Event) -> tuple[scheduling.Problem, int]:
    """The event as the scheduler sees it, and the grid version it was read at: read again if
    the grid changed while it was being read (its queries are not one snapshot)."""
    for _attempt in range(3):
        version = _grid_version(event)
        problem = grid.problem_for(event)
        if _grid_version(event) == version:
            break
    return problem, version


def start(*, event: Event, by: Participant | None, seed: int = 0) -> GridProposal:
    """A proposal for the grid as it is now: the unfinished one of this version if there is
    one, else a new one, planned at once when the search is short or queued for the worker."""
    # the tasks ↔ proposals cycle: tasks import this module, so it imports them when used
    from sessions_app import tasks

    waiting = event.grid_proposals.unfinished().filter(
        based_on_version=_grid_version(event), seed=seed
    )
    if existing := waiting.first():  # read before the problem: a second click costs 2 queries
        return existing
    problem, version = _problem(event)
    proposal = GridProposal.objects.create(
        event=event, requested_by=by, based_on_version=version, seed=seed
    )
    if scheduling.budget_for(problem) * scheduling.DEFAULT_RESTARTS <= inline_budget():
        _claim(proposal.pk)
        proposal.refresh_from_db()
        _plan(proposal, problem, version)
    else:
        tasks.plan_grid.enqueue(proposal.pk)
    return proposal


def run(proposal_id: int) -> None:
    """The worker's part: claim the proposal (unless it was discarded or finished meanwhile),
    read the event and plan."""
    if not _claim(proposal_id):
        return
    proposal = GridProposal.objects.select_related("event").get(pk=proposal_id)
    if proposal.attempts > MAX_ATTEMPTS:
        _finish(proposal, status=Status.FAILED, message="gave up after repeated interruptions")
        return
    problem, version = _problem(proposal.event)
    _plan(proposal, problem, version)


def _claim(proposal_id: int) -> bool:
    now = timezone.now()
    return bool(
        GridProposal.objects.filter(pk=proposal_id)
        .unfinished()
        .update(status=Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1)
    )


def _plan(proposal: GridProposal, problem: scheduling.Problem, version: int) -> None:
    last = time.monotonic()

    def progress(share: float, best: scheduling.Lost) -> None:
        nonlocal last
        if time.monotonic() - last < HEARTBEAT_EVERY:
            return
        last = time.monotonic()
        still_running = GridProposal.objects.filter(pk=proposal.pk, status=Status.RUNNING).update(
            progress=min(max(share, 0.0), 0.99), best_lost=best.total, heartbeat_at=timezone.now()
        )
        if not still_running:
            raise _Discarded

    try:
        result = scheduling.plan(problem, seed=proposal.seed, progress=progress)
    except _Discarded:
        return
    proposal.based_on_version = version
    proposal.placements = sorted([p.session, p.room, p.slot, p.pinned] for p in result.placements)
    proposal.lost = {
        "unplaced": result.lost.unplaced,
        "clashes": result.lost.clashes,
        "overflow": result.lost.overflow,
    }
    proposal.refused = [
        {
            "rule": str(c.rule),
            "sessions": list(c.sessions),
            "slot": c.slot,
            "room": c.room,
            "hosts": list(c.hosts),
        }
        for c in result.refused
    ]
    proposal.best_lost = result.lost.total
    proposal.elapsed = result.elapsed
    _finish(proposal, status=Status.REFUSED if result.refused else Status.DONE)


def _finish(proposal: GridProposal, *, status: str, message: str = "") -> None:
    """Write the result, unless the proposal was discarded meanwhile."""
    proposal.status = status
    proposal.message = message
    proposal.progress = 1.0
    proposal.finished_at = timezone.now()
    GridProposal.objects.filter(pk=proposal.pk, status=Status.RUNNING).update(
        status=status,
        message=message,
        progress=1.0,
        finished_at=proposal.finished_at,
        based_on_version=proposal.based_on_version,
        placements=proposal.placements,
        lost=proposal.lost,
        refused=proposal.refused,
        best_lost=proposal.best_lost,
        elapsed=proposal.elapsed,
    )


def revive(proposal: GridProposal) -> GridProposal:
    """A running proposal whose worker went silent is queued again (once the heartbeat is older
    than SILENT_AFTER); the page calls this when it polls."""
    # the tasks ↔ proposals cycle: tasks import this module, so it imports them when used
    from sessions_app import tasks

    if proposal.status != Status.RUNNING or proposal.heartbeat_at is None:
        return proposal
    silent_since = timezone.now() - SILENT_AFTER
    if proposal.heartbeat_at >= silent_since:
        return proposal
    requeued = GridProposal.objects.filter(
        pk=proposal.pk, status=Status.RUNNING, heartbeat_at__lt=silent_since
    ).update(status=Status.QUEUED, progress=0.0)
    if requeued:
        tasks.plan_grid.enqueue(proposal.pk)
    proposal.refresh_from_db()
    return proposal


def discard(proposal: GridProposal) -> None:
    """Throw the proposal away; a search still running stops at its next heartbeat."""
    GridProposal.objects.filter(pk=proposal.pk).exclude(status=Status.DISCARDED).update(
        status=Status.DISCARDED, finished_at=timezone.now()
    )


def conflicts_of(proposal: GridProposal) -> list[scheduling.Conflict]:
    """The stored refusals as the scheduler's Conflicts (for actions.describe_conflict)."""
    return [
        scheduling.Conflict(
            rule=scheduling.Rule(c["rule"]),
            sessions=tuple(c["sessions"]),
            slot=c["slot"],
            room=c["room"],
            hosts=tuple(c["hosts"]),
        )
        for c in proposal.refused
    ]


def lost_of(proposal: GridProposal) -> scheduling.Lost:
    return scheduling.Lost(**proposal.lost)
