"""The grid proposal job: the scheduler (sessions_app.scheduling.plan) run for an event, in the
request when the search is short and by the background worker when it is not.

A proposal is a GridProposal row (a BackgroundJob: see jobs/base.py for queuing, attempts,
heartbeat and recovery). Starting one reuses an unfinished proposal of the same grid version
(a second click, or a second organiser, waits for the same search). The worker writes its
progress, the best `lost` so far and a heartbeat to the row about twice a second; the page
polls the row and recovers it when its worker went silent. Discarding a proposal stops its
search at the next heartbeat. Nothing here touches the grid: accepting a proposal is
actions.accept_grid, checked against the version like any other change."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from sessions_app import grid, scheduling
from sessions_app.jobs.base import Job, Superseded
from sessions_app.models import Event, GridProposal, Participant

Status = GridProposal.Status
JOB = Job(GridProposal, "GRID_PROPOSAL")


@task()
def plan_grid(proposal_id: int, attempt: int) -> None:
    """The worker's part: plan one attempt at a proposed grid (too long a search for a
    request)."""
    run(proposal_id, attempt)


def _enqueue(pk: int, attempt: int) -> None:
    plan_grid.enqueue(pk, attempt)


def inline_budget() -> int:
    """Searches of at most this many iterations, restarts included, run in the request (about
    a second: an OOcamp-sized event); longer ones go to the worker."""
    return int(settings.OOCAMP_INLINE_PLAN_ITERATIONS)


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
        JOB.claim_now(proposal)
        _plan(proposal, problem, version)
    else:
        JOB.queue(proposal, _enqueue)
    return proposal


def run(proposal_id: int, attempt: int) -> None:
    """Claim this attempt (unless it was discarded, finished or queued again meanwhile), read
    the event and plan."""
    if not JOB.claim(proposal_id, attempt):
        return
    proposal = GridProposal.objects.select_related("event").get(pk=proposal_id)
    if JOB.gave_up(proposal.attempt):
        JOB.finish(
            proposal.pk,
            proposal.attempt,
            status=Status.FAILED,
            message="gave up after repeated interruptions",
            progress=1.0,
        )
        return
    problem, version = _problem(proposal.event)
    _plan(proposal, problem, version)


def _plan(proposal: GridProposal, problem: scheduling.Problem, version: int) -> None:
    beat = JOB.heartbeat(proposal.pk, proposal.attempt)

    def progress(share: float, best: scheduling.Lost) -> None:
        beat(progress=min(max(share, 0.0), 0.99), best_lost=best.total)

    try:
        result = scheduling.plan(problem, seed=proposal.seed, progress=progress)
    except Superseded:
        return
    JOB.finish(
        proposal.pk,
        proposal.attempt,
        status=Status.REFUSED if result.refused else Status.DONE,
        progress=1.0,
        based_on_version=version,
        placements=sorted([p.session, p.room, p.slot, p.pinned] for p in result.placements),
        lost={
            "unplaced": result.lost.unplaced,
            "clashes": result.lost.clashes,
            "overflow": result.lost.overflow,
        },
        refused=[
            {
                "rule": str(c.rule),
                "sessions": list(c.sessions),
                "slot": c.slot,
                "room": c.room,
                "hosts": list(c.hosts),
            }
            for c in result.refused
        ],
        best_lost=result.lost.total,
        elapsed=result.elapsed,
    )


def recover(proposal: GridProposal) -> GridProposal:
    """A running proposal whose worker went silent is queued again; the page calls this when
    it polls."""
    JOB.recover(proposal, _enqueue)
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
