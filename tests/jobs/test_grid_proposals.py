"""Proposing a grid from the editor: planned in the request when the search is short, by the
background worker when it is not (its progress shown and polled), compared with the live grid,
accepted or discarded; a second click, a killed worker, a discarded search, pinned sessions that
break a rule, and who may do it."""

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sessions_app import grid, scheduling
from sessions_app.jobs import grid_proposals as proposals
from sessions_app.models import GridChange, GridProposal, Placement
from tests.factories import make_participant, make_placement, make_session
from tests.helpers import messages_of
from tests.views.organiser import test_grid_editor as editor
from tests.views.organiser.test_grid_editor import htmx, move_data, url, where

camp = editor.camp  # the same small event as the editor's tests
organiser_client = editor.organiser_client

pytestmark = pytest.mark.django_db

Status = GridProposal.Status


@pytest.fixture
def in_background(settings):
    """Every search goes to the worker, however short."""
    settings.OOCAMP_INLINE_PLAN_ITERATIONS = 0


def accept_data(page) -> dict:
    form = page.context["form"]
    return {"rows": form["rows"].value(), "version": form["version"].value()}


def test_the_page_without_a_proposal_offers_to_make_one(organiser_client, camp):
    response = organiser_client.get(url("propose-grid", camp.event))

    assert response.status_code == 200
    assert "No proposal yet." in response.text
    assert url("start-proposal", camp.event) in response.text


def test_a_short_search_is_planned_at_once_and_shown_next_to_the_grid(organiser_client, camp):
    make_placement(camp.access, camp.small, camp.morning, pinned=True)

    response = organiser_client.post(url("start-proposal", camp.event), follow=True)

    text = response.text
    assert text.count('<dl class="lost"') == 2  # the grid now and the proposal, each explained
    assert text.count('<details class="lost-explained">') == 2
    assert "Accept this grid" in text and "Discard" in text
    assert "hx-trigger" not in text  # finished: nothing to poll
    proposal = GridProposal.objects.get()
    assert proposal.status == Status.DONE and proposal.requested_by == camp.organiser
    assert where(camp.event) == {"Accessibility": ("Small", "10:00")}  # nothing written
    assert GridChange.objects.count() == 0


def test_the_proposal_is_the_planners_grid_with_its_lost(organiser_client, camp):
    organiser_client.post(url("start-proposal", camp.event))

    proposal = GridProposal.objects.get()
    problem = grid.problem_for(camp.event)
    planned = scheduling.plan(problem, seed=0)
    assert proposal.placements == sorted(
        [p.session, p.room, p.slot, p.pinned] for p in planned.placements
    )
    assert scheduling.Lost(**proposal.lost) == scheduling.lost(problem, planned.placements)
    assert not scheduling.conflicts(problem, planned.placements, complete=True)


def test_accepting_the_proposal_makes_it_the_grid(organiser_client, camp):
    make_placement(camp.access, camp.small, camp.morning, pinned=True)
    page = organiser_client.post(url("start-proposal", camp.event), follow=True)

    response = organiser_client.post(url("accept-grid", camp.event), accept_data(page))

    assert messages_of(response) == ["Proposed grid accepted"]
    # Open data and Budgets share voters: different slots; Ann hosts Accessibility at 10:00
    assert where(camp.event) == {
        "Accessibility": ("Small", "10:00"),
        "Open data": ("Big", "11:00"),
        "Budgets": ("Big", "10:00"),
    }
    assert Placement.objects.get(session=camp.access).pinned is True


def test_a_proposal_of_a_grid_that_changed_since_cannot_be_accepted(organiser_client, camp):
    page = organiser_client.post(url("start-proposal", camp.event), follow=True)
    organiser_client.post(url("move", camp.event), move_data(camp, camp.data, camp.big, camp.noon))

    refused = htmx(organiser_client, url("accept-grid", camp.event), accept_data(page))
    again = organiser_client.get(url("propose-grid", camp.event))

    assert refused.status_code == 409
    assert where(camp.event) == {"Open data": ("Big", "11:00")}
    assert "The grid has changed since this proposal was made" in again.text
    assert "Accept this grid" not in again.text


def test_discarding_changes_nothing_and_says_so(organiser_client, camp):
    make_placement(camp.data, camp.big, camp.noon)
    organiser_client.post(url("start-proposal", camp.event))

    response = organiser_client.post(url("discard-proposal", camp.event))

    assert messages_of(response) == ["The proposal was discarded; the grid is unchanged."]
    assert GridProposal.objects.get().status == Status.DISCARDED
    assert where(camp.event) == {"Open data": ("Big", "11:00")}
    assert "No proposal yet." in organiser_client.get(url("propose-grid", camp.event)).text


# ---- in the background ---------------------------------------------------------------------


def test_a_long_search_goes_to_the_worker_and_the_page_shows_its_progress(
    organiser_client, camp, in_background, run_tasks
):
    response = organiser_client.post(url("start-proposal", camp.event), follow=True)

    assert GridProposal.objects.get().status == Status.QUEUED
    assert "Waiting for the background worker" in response.text
    assert 'hx-trigger="every 1s"' in response.text  # htmx polls
    assert '<meta http-equiv="refresh"' in response.text  # without JavaScript, it reloads

    run_tasks()

    polled = htmx(organiser_client, url("propose-grid", camp.event))
    assert polled.text.lstrip().startswith('<div id="proposal"')  # the fragment only
    assert "Accept this grid" in polled.text and "hx-trigger" not in polled.text
    assert GridProposal.objects.get().status == Status.DONE


def test_a_running_search_shows_how_far_it_is_and_the_best_so_far(organiser_client, camp):
    GridProposal.objects.create(
        event=camp.event,
        based_on_version=0,
        status=Status.RUNNING,
        progress=0.4,
        best_lost=12,
        heartbeat_at=timezone.now(),
    )

    response = htmx(organiser_client, url("propose-grid", camp.event))

    assert "Looking for the best grid: 40 % done." in response.text
    assert "Best so far: 12 lost." in response.text
    assert '<progress max="100" value="40"' in response.text


def test_a_second_click_waits_for_the_same_search(organiser_client, camp, in_background):
    organiser_client.post(url("start-proposal", camp.event))
    organiser_client.post(url("start-proposal", camp.event))

    assert GridProposal.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_a_search_whose_worker_died_is_started_again(organiser_client, camp, run_tasks):
    silent = timezone.now() - proposals.JOB.silent_after * 2
    proposal = GridProposal.objects.create(
        event=camp.event,
        based_on_version=0,
        status=Status.RUNNING,
        progress=0.3,
        attempt=1,
        heartbeat_at=silent,
        started_at=silent,
    )

    organiser_client.get(url("propose-grid", camp.event))
    proposal.refresh_from_db()
    assert proposal.status == Status.QUEUED

    run_tasks()
    proposal.refresh_from_db()
    assert proposal.status == Status.DONE and proposal.attempt == 2
    assert proposal.placements


def test_a_search_that_keeps_killing_its_worker_is_given_up(camp, run_tasks):
    proposal = GridProposal.objects.create(
        event=camp.event, based_on_version=0, status=Status.QUEUED, attempt=4
    )

    proposals.run(proposal.pk, proposal.attempt)

    proposal.refresh_from_db()
    assert proposal.status == Status.FAILED and proposal.placements == []


def test_a_search_discarded_while_it_runs_stops_and_writes_nothing(camp, monkeypatch):
    proposal = GridProposal.objects.create(event=camp.event, based_on_version=0)
    real_plan = scheduling.plan

    def plan_discarded_meanwhile(problem, **kwargs):
        proposals.discard(proposal)  # an organiser clicks Discard while the search runs
        return real_plan(problem, iterations=50_000, **kwargs)

    monkeypatch.setattr(settings, "OOCAMP_GRID_PROPOSAL_HEARTBEAT_SECONDS", 0)
    monkeypatch.setattr(scheduling, "plan", plan_discarded_meanwhile)

    proposals.run(proposal.pk, proposal.attempt)

    proposal.refresh_from_db()
    assert proposal.status == Status.DISCARDED and proposal.placements == []


# ---- refused, and who may ------------------------------------------------------------------


def test_pinned_sessions_that_break_a_rule_are_named_and_nothing_is_proposed(
    organiser_client, camp
):
    make_placement(camp.data, camp.big, camp.morning, pinned=True)
    make_placement(camp.access, camp.small, camp.morning, pinned=True)  # Ann twice at 10:00

    response = organiser_client.post(url("start-proposal", camp.event), follow=True)

    assert GridProposal.objects.get().status == Status.REFUSED
    assert "Ann Hosting would host two sessions at once" in response.text
    assert "Accept this grid" not in response.text


@pytest.mark.parametrize("who", ["participant", "visitor"])
def test_only_organisers_propose(client, camp, who):
    if who == "participant":
        client.force_login(make_participant(camp.event, name="Pia").user)

    start = client.post(url("start-proposal", camp.event))
    page = client.get(url("propose-grid", camp.event))

    assert start.status_code in {302, 403, 404} and page.status_code in {302, 403, 404}
    assert GridProposal.objects.count() == 0


def test_a_withdrawn_session_is_never_proposed(organiser_client, camp):
    gone = make_session(camp.event, [camp.bob], title="Gone")
    gone.status = gone.Status.WITHDRAWN
    gone.save()

    organiser_client.post(url("start-proposal", camp.event))

    assert gone.pk not in {row[0] for row in GridProposal.objects.get().placements}
