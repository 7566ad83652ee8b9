"""manage.py autoschedule: the demo event gets a valid grid better than the greedy one, written
as one undoable change (or only printed), and impossible pins are refused by name."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sessions_app import actions, grid, scheduling
from sessions_app.models import Event, GridChange
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_vote,
)

pytestmark = pytest.mark.django_db


def autoschedule(*args: str) -> str:
    out = StringIO()
    call_command("autoschedule", *args, stdout=out)
    return out.getvalue()


def pins(event: Event) -> list[list]:
    return [row for row in grid.snapshot(event) if row[3]]


def test_autoschedule_writes_a_valid_grid_better_than_greedy(demo):
    problem = grid.problem_for(demo)
    pinned_before = pins(demo)
    greedy_lost = scheduling.lost(problem, scheduling.greedy(problem))

    output = autoschedule(demo.slug, "--seed", "1")

    placements = grid.placements_of(grid.snapshot(demo))
    assert scheduling.conflicts(problem, placements, complete=True) == []
    found = scheduling.lost(problem, placements)
    assert found.total < greedy_lost.total
    assert pins(demo) == pinned_before
    assert len(pinned_before) == 2
    assert f"After:  lost {found.total} = unplaced {found.unplaced} + clashes" in output
    assert "Before: lost " in output
    change = demo.grid_changes.get()
    assert (change.kind, change.summary, change.by) == (
        GridChange.Kind.PROPOSAL,
        "Automatic grid (seed 1)",
        None,
    )


def test_autoschedule_is_undoable(demo):
    before = grid.snapshot(demo)
    autoschedule(demo.slug)
    demo.refresh_from_db()

    actions.undo_grid_change(event=demo, version=demo.grid_version, by=None)

    assert grid.snapshot(demo) == before


def test_dry_run_writes_nothing_and_prints_the_grid(demo):
    before, version = grid.snapshot(demo), demo.grid_version

    output = autoschedule(demo.slug, "--dry-run", "--seed", "3")

    demo.refresh_from_db()
    assert (grid.snapshot(demo), demo.grid_version) == (before, version)
    assert output.splitlines()[-1] == "Dry run: nothing was written."
    assert "Grote Zaal: “" in output


def test_the_same_seed_prints_the_same_grid(demo):
    first = autoschedule(demo.slug, "--dry-run", "--seed", "7")

    second = autoschedule(demo.slug, "--dry-run", "--seed", "7")

    def grid_part(output: str) -> list[str]:
        """Without the time taken and the progress lines (shown after a second)."""
        return [
            line
            for line in output.splitlines()
            if not line.startswith("Time:") and " % after " not in line
        ]

    assert grid_part(first) == grid_part(second)


def test_an_unknown_event_is_named():
    with pytest.raises(CommandError) as error:
        autoschedule("no-such-camp")

    assert str(error.value) == "There is no event “no-such-camp”."


@pytest.fixture
def small_camp():
    event = make_event(slug="small-camp", language="en", phase=Event.Phase.VOTING)
    ann = make_participant(event, name="Ann Hosting")
    bob = make_participant(event, name="Bob Hosting")
    rooms = [make_room(event, name="Big", capacity=50), make_room(event, name="Small", capacity=5)]
    slots = [make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")]
    return event, ann, bob, rooms, slots


def test_a_host_pinned_twice_in_one_slot_is_refused_by_name(small_camp):
    event, ann, _bob, (big, small), (morning, _noon) = small_camp
    data = make_session(event, [ann], title="Open data")
    access = make_session(event, [ann], title="Accessibility")
    make_placement(data, big, morning, pinned=True)
    make_placement(access, small, morning, pinned=True)
    before = grid.snapshot(event)

    with pytest.raises(CommandError) as error:
        autoschedule(event.slug)

    assert str(error.value) == (
        "The pinned sessions cannot all stay where they are; nothing was changed:\n"
        f"  Ann Hosting would host two pinned sessions at {morning}: “Open data” / “Accessibility”."
    )
    assert grid.snapshot(event) == before


def test_a_session_no_slot_suits_is_left_out_with_its_reason(small_camp):
    event, ann, bob, _rooms, slots = small_camp
    nowhere = make_session(event, [ann], title="Never free")
    nowhere.unavailable_slots.set(slots)
    budgets = make_session(event, [bob], title="Budgets")

    output = autoschedule(event.slug)

    assert "“Never free” is left out: its hosts cannot do any session slot." in output
    assert [row[0] for row in grid.snapshot(event)] == [budgets.pk]


def test_more_sessions_than_cells_leaves_the_least_voted_out(small_camp):
    event, ann, bob, _rooms, _slots = small_camp
    voters = [make_participant(event) for _ in range(3)]
    sessions = [
        make_session(event, [host], title=f"Talk {n}")
        for n, host in enumerate([ann, bob, ann, bob, voters[0]])
    ]
    for n, session in enumerate(sessions[:4]):
        for voter in voters[: 1 + n % 3]:
            make_vote(voter, session)

    output = autoschedule(event.slug)

    assert "“Talk 4” is left out: every slot it could have is full." in output
    placed = {row[0] for row in grid.snapshot(event)}
    assert placed == {s.pk for s in sessions[:4]}
    problem = grid.problem_for(event)
    placements = grid.placements_of(grid.snapshot(event))
    assert scheduling.conflicts(problem, placements, complete=True) == []


# ---- re-planning the rest of the day (--now, --move-cost) -----------------------------------


def afternoon(event: Event) -> str:
    """--now at 13:00 on the event's day: the morning slots have started."""
    return f"{event.date:%Y-%m-%d}T13:00"


def started(event: Event) -> set[int]:
    return {
        slot.pk
        for slot in event.slots.for_sessions()
        if slot.local_start.strftime("%H:%M") < "13:00"
    }


def test_re_planning_from_now_keeps_the_started_slots_and_prints_the_moves(demo):
    before = grid.snapshot(demo)
    frozen = started(demo)
    assert 0 < len(frozen) < demo.slots.for_sessions().count()

    output = autoschedule(demo.slug, "--now", afternoon(demo), "--move-cost", "1")

    after = grid.snapshot(demo)
    assert [row for row in after if row[2] in frozen] == [row for row in before if row[2] in frozen]
    problem = grid.problem_for(demo)
    rest = scheduling.remaining(problem, grid.placements_of(before), frozen)
    open_part = [p for p in grid.placements_of(after) if p.slot not in frozen]
    assert scheduling.conflicts(rest, open_part, complete=True) == []
    found = scheduling.lost(problem, grid.placements_of(after))
    assert f"After:  lost {found.total} = unplaced {found.unplaced} + clashes" in output
    moved = sum(1 for row in before if row[:3] != next(r for r in after if r[0] == row[0])[:3])
    assert f"Moved sessions: {moved} (" in output
    assert moved > 0  # a cost of 1 lets the afternoon improve on the published grid
    assert f"{len(frozen)} started slots stay as they are" in output
    change = demo.grid_changes.get()
    assert change.summary == "Re-planned from 13:00 (move cost 1, seed 1)"


def test_a_huge_move_cost_moves_nothing_when_nothing_forces_it(demo):
    before = grid.snapshot(demo)

    output = autoschedule(demo.slug, "--now", afternoon(demo), "--move-cost", "1000000")

    assert "Moved sessions: 0 (" in output
    assert "newly placed: 0." in output  # the demo's grid holds every session
    assert [row for row in grid.snapshot(demo) if row[0] in {r[0] for r in before}] == before


def test_re_planning_with_a_dry_run_writes_nothing_and_lists_the_grid(demo):
    before, version = grid.snapshot(demo), demo.grid_version

    output = autoschedule(demo.slug, "--now", afternoon(demo), "--move-cost", "0", "--dry-run")

    demo.refresh_from_db()
    assert (grid.snapshot(demo), demo.grid_version) == (before, version)
    assert output.splitlines()[-1] == "Dry run: nothing was written."
    assert " → " in output  # a move cost of 0 re-plans the afternoon freely
    assert "Grote Zaal: “" in output


def test_re_planning_a_cancelled_session_takes_it_out_as_forced(small_camp):
    event, ann, bob, (big, _small), (morning, noon) = small_camp
    data = make_session(event, [ann], title="Open data")
    budgets = make_session(event, [bob], title="Budgets")
    make_placement(data, big, noon)
    make_placement(budgets, big, morning)
    data.status = "withdrawn"
    data.save()

    output = autoschedule(event.slug, "--now", "2026-06-13T10:30", "--move-cost", "8", "--dry-run")

    assert f"“Open data”: {noon} Big → out of the grid (forced)" in output
    assert (
        "Moved sessions: 1 (0 to another room, 0 to another time, 1 out of the grid, 1 of them forced)"
        in output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--now", "13:00"],
            "--now must be a date and time like 2026-06-13T13:00, not “13:00”.",
        ),
        (
            ["--now", "2026-13-40T25:00"],
            "--now must be a date and time like 2026-06-13T13:00, not “2026-13-40T25:00”.",
        ),
        (
            ["--now", "2026-03-29T02:30"],
            "02:30 does not exist on March 29, 2026 in Europe/Brussels: the clocks go forward "
            "from 02:00 to 03:00. Choose a time outside 02:00–03:00.",
        ),
        *(
            (
                ["--move-cost", value],
                "--move-cost must be a number of 0 or more (lost units per moved session), "
                f"not “{value}”.",
            )
            for value in ["-1", "many", "nan", "inf", ""]
        ),
    ],
)
def test_bad_now_or_move_cost_is_refused_by_name_and_changes_nothing(small_camp, args, message):
    event, ann, _bob, (big, _small), (morning, _noon) = small_camp
    make_placement(make_session(event, [ann]), big, morning)
    before = grid.snapshot(event)

    with pytest.raises(CommandError) as error:
        autoschedule(event.slug, *args)

    assert str(error.value) == message
    assert grid.snapshot(event) == before


def test_re_planning_after_the_last_slot_changes_nothing(demo):
    before = grid.snapshot(demo)

    output = autoschedule(demo.slug, "--now", f"{demo.date:%Y-%m-%d}T23:59", "--move-cost", "8")

    assert grid.snapshot(demo) == before
    assert "Moved sessions: 0 (" in output
    assert f"{demo.slots.for_sessions().count()} started slots stay as they are" in output
    assert output.splitlines()[-1] == "Nothing moves: the grid stays as it is."
    assert not demo.grid_changes.exists()  # no empty change to undo
