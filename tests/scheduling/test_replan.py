"""Re-planning the rest of the day on plain data (no database): on random events with a
published grid, started slots, new sessions and disruptions, the frozen slots never change,
every proposal keeps the hard rules of shared/scheduling.md in the open slots (rule 6 included,
a closed room counting as no room), a very large move cost moves only what a disruption forces,
and a move cost of 0 is the plain re-plan of the open slots; then the cases one by one."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions_app.scheduling import (
    SETTINGS,
    Change,
    Conflict,
    Disruptions,
    Lost,
    Move,
    Placement,
    Problem,
    Room,
    Rule,
    Session,
    Setting,
    breaks,
    conflicts,
    greedy,
    lost,
    plan,
    remaining,
    replan,
)
from sessions_app.scheduling.replan import disrupted

PEOPLE = st.integers(1, 12)


@st.composite
def days(draw):
    """An event whose grid was published (a valid grid of its first sessions, pins included),
    then: some slots have started, sessions were proposed since, and rooms, hosts and sessions
    may have dropped out from some slot on."""
    rooms = tuple(Room(100 + n, draw(st.integers(1, 8))) for n in range(draw(st.integers(1, 4))))
    slots = tuple(range(10, 10 + draw(st.integers(1, 5))))
    sessions = tuple(
        Session(
            1000 + n,
            hosts=draw(st.frozensets(PEOPLE, min_size=1, max_size=2)),
            unavailable=draw(st.frozensets(st.sampled_from(slots), max_size=2)),
            withdrawn=draw(st.integers(0, 12)) == 0,
        )
        for n in range(draw(st.integers(0, 14)))
    )
    votes = {s.id: draw(st.frozensets(PEOPLE, max_size=10)) for s in sessions}
    published = draw(st.integers(0, len(sessions)))
    grid_problem = Problem(rooms, slots, sessions[:published], votes)
    current = greedy(grid_problem)
    pins = draw(st.lists(st.sampled_from(current), unique=True, max_size=2)) if current else []
    current = [Placement(p.session, p.room, p.slot, p in pins) for p in current]
    problem = Problem(rooms, slots, sessions, votes, tuple(p for p in current if p.pinned))
    frozen = slots[: draw(st.integers(0, len(slots)))]
    hosts = sorted({h for s in sessions for h in s.hosts})
    disruptions = Disruptions(
        closed_rooms=draw(
            st.dictionaries(
                st.sampled_from([r.id for r in rooms]), st.sampled_from(slots), max_size=2
            )
        ),
        absent_hosts=(
            draw(st.dictionaries(st.sampled_from(hosts), st.sampled_from(slots), max_size=2))
            if hosts
            else {}
        ),
        cancelled=(
            draw(st.frozensets(st.sampled_from([s.id for s in sessions]), max_size=2))
            if sessions
            else frozenset()
        ),
    )
    return problem, current, frozen, disruptions


def open_part(placements, frozen):
    return tuple(p for p in placements if p.slot not in frozen)


def check_hard_rules(problem, current, frozen, disruptions, result):
    """Rule 1-6 in the open slots, as a problem of their own; rules 1-5 on the whole grid."""
    rest = remaining(problem, current, frozen, disruptions)
    assert conflicts(rest, open_part(result.placements, frozen), complete=True) == []
    event = disrupted(problem, disruptions, [s for s in problem.slots if s not in frozen])
    unpinned = Problem(event.rooms, event.slots, event.sessions, event.votes, (), event.closed)
    assert conflicts(unpinned, result.placements) == []


SETTLE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTLE
@given(days(), st.sampled_from([0, 1, 8, 30, 10**9]), st.integers(0, 3))
def test_frozen_slots_never_change_and_every_proposal_keeps_the_hard_rules(day, cost, seed):
    problem, current, frozen, disruptions = day

    result = replan(
        problem, current, frozen=frozen, move_cost=cost, disruptions=disruptions, seed=seed
    )

    if result.refused:  # pins the disruptions leave in conflict: nothing moves
        assert (result.placements, result.moves) == (tuple(current), ())
        return
    cancelled = disruptions.cancelled | {s.id for s in problem.sessions if s.withdrawn}
    held = {p for p in current if p.slot in frozen and p.session not in cancelled}
    assert {p for p in result.placements if p.slot in frozen} == held
    check_hard_rules(problem, current, frozen, disruptions, result)
    assert result.after == lost(disrupted(problem, disruptions, ()), result.placements)
    assert result.before == lost(disrupted(problem, disruptions, ()), current)
    before = {p.session: p.cell for p in current}
    after = {p.session: p.cell for p in result.placements}
    assert {m.session for m in result.moves} == {
        s for s in before.keys() | after.keys() if before.get(s) != after.get(s)
    }


@SETTLE
@given(days(), st.integers(0, 3))
def test_a_huge_move_cost_moves_only_what_a_disruption_forces(day, seed):
    problem, current, frozen, disruptions = day

    result = replan(
        problem, current, frozen=frozen, move_cost=10**9, disruptions=disruptions, seed=seed
    )

    if result.refused:
        return
    assert [m for m in result.moves if m.source is not None and not m.forced] == []
    assert result.moved == sum(1 for m in result.moves if m.forced)


@SETTLE
@given(days(), st.integers(0, 3))
def test_a_move_cost_of_zero_is_the_plain_re_plan_of_the_open_slots(day, seed):
    problem, current, frozen, disruptions = day
    rest = remaining(problem, current, frozen, disruptions)

    result = replan(
        problem, current, frozen=frozen, move_cost=0, disruptions=disruptions, seed=seed
    )

    plain = plan(rest, seed=seed)
    if plain.refused:
        assert result.refused == plain.refused
        return
    assert open_part(result.placements, frozen) == plain.placements
    # lost splits exactly: the open slots' plan plus the clashes and overflow of the frozen ones
    whole = lost(disrupted(problem, disruptions, ()), result.placements)
    held = lost(
        disrupted(problem, disruptions, ()), [p for p in result.placements if p.slot in frozen]
    )
    assert result.after.total == plain.lost.total + held.clashes + held.overflow
    assert whole == result.after


# ---- the cases, one by one -------------------------------------------------------------------

ANN, BOB, CARL, DORA = 1, 2, 3, 4
BIG, SMALL, TINY = Room(1, 30), Room(2, 10), Room(3, 3)
MORNING, NOON, AFTERNOON, EVENING = 10, 20, 30, 40


def day_of(*sessions: Session, votes=None, rooms=(BIG, SMALL)) -> Problem:
    return Problem(
        rooms=rooms,
        slots=(MORNING, NOON, AFTERNOON, EVENING),
        sessions=sessions,
        votes=votes or {},
    )


def test_a_free_cell_in_a_started_slot_stays_free():
    """The morning slot has begun with a room empty: the new session goes after it."""
    problem = day_of(Session(100, frozenset({ANN})), Session(200, frozenset({BOB})))
    current = [Placement(100, BIG.id, MORNING)]

    result = replan(problem, current, frozen=[MORNING], move_cost=8)

    assert result.placements[0] == Placement(100, BIG.id, MORNING)
    assert [p.slot for p in result.placements if p.session == 200] == [NOON]
    assert result.moves == (Move(200, None, (BIG.id, NOON)),)
    assert result.moved == 0


def test_a_closed_room_sends_its_session_to_another_room_of_the_same_slot_when_one_is_free():
    problem = day_of(
        Session(100, frozenset({ANN})), Session(200, frozenset({BOB})), rooms=(BIG, SMALL, TINY)
    )
    current = [Placement(100, BIG.id, NOON), Placement(200, SMALL.id, AFTERNOON)]

    result = replan(
        problem,
        current,
        frozen=[MORNING],
        move_cost=SETTINGS[Setting.FEWEST_CHANGES],
        disruptions=Disruptions(closed_rooms={BIG.id: NOON}),
    )

    assert result.moves == (Move(100, (BIG.id, NOON), (SMALL.id, NOON), forced=True),)
    assert result.moves[0].change == Change.ROOM
    assert result.broken[0].rule == "cell_closed"
    assert breaks(
        problem, current, frozen=[MORNING], disruptions=Disruptions(closed_rooms={BIG.id: NOON})
    ) == (Conflict(Rule.CELL_CLOSED, (100,), NOON, BIG.id),)
    assert result.stability_cost == SETTINGS[Setting.FEWEST_CHANGES] / 2


def test_an_absent_host_s_session_moves_earlier_if_an_open_slot_is_earlier():
    """Carl leaves at the afternoon slot: his session goes to noon, which has not begun."""
    problem = day_of(Session(100, frozenset({ANN})), Session(300, frozenset({CARL})))
    current = [Placement(100, BIG.id, NOON), Placement(300, BIG.id, EVENING)]

    result = replan(
        problem,
        current,
        frozen=[MORNING],
        move_cost=10**6,
        disruptions=Disruptions(absent_hosts={CARL: AFTERNOON}),
    )

    (move,) = result.moves
    assert (move.session, move.source, move.target[1], move.forced) == (
        300,
        (BIG.id, EVENING),
        NOON,
        True,
    )
    assert move.change == Change.TIME


def test_an_absent_host_s_session_leaves_the_grid_when_no_open_slot_is_earlier():
    problem = day_of(Session(300, frozenset({CARL})), votes={300: frozenset({ANN, BOB})})
    current = [Placement(300, BIG.id, NOON)]

    result = replan(
        problem, current, frozen=[MORNING], disruptions=Disruptions(absent_hosts={CARL: NOON})
    )

    assert result.moves == (Move(300, (BIG.id, NOON), None, forced=True),)
    assert result.broken == (Conflict(Rule.UNAVAILABLE, (300,), NOON, BIG.id),)
    assert (result.before, result.after) == (Lost(0, 0, 0), Lost(2, 0, 0))
    assert result.waiting[0].session == 300


def test_a_cancelled_session_leaves_even_a_started_slot_and_its_votes_count_for_nothing():
    problem = day_of(Session(100, frozenset({ANN})), votes={100: frozenset({BOB, CARL})})
    current = [Placement(100, BIG.id, MORNING)]

    result = replan(
        problem, current, frozen=[MORNING], disruptions=Disruptions(cancelled=frozenset({100}))
    )

    assert result.placements == ()
    assert result.moves == (Move(100, (BIG.id, MORNING), None, forced=True),)
    assert result.broken == ()  # the morning has started: what it breaks there is history
    assert result.after == Lost(0, 0, 0)
    assert result.stability_cost == 0


def test_a_pin_a_disruption_makes_impossible_is_released():
    problem = Problem(
        rooms=(BIG, SMALL),
        slots=(MORNING, NOON),
        sessions=(Session(100, frozenset({ANN})),),
        votes={},
        pinned=(Placement(100, BIG.id, NOON, True),),
    )

    result = replan(
        problem,
        problem.pinned,
        move_cost=10**6,
        disruptions=Disruptions(closed_rooms={BIG.id: NOON}),
    )

    assert result.placements == (Placement(100, SMALL.id, NOON),)


def test_a_large_move_cost_keeps_the_grid_a_small_one_improves_it():
    """Ann and Bob both want A and B, which the published grid put at the same time. Moving B
    gains 2: a cost of 1 per move pays, one of 8 does not."""
    wants = frozenset({ANN, BOB})
    problem = day_of(Session(100), Session(200), votes={100: wants, 200: wants})
    current = [Placement(100, BIG.id, NOON), Placement(200, SMALL.id, NOON)]

    cheap = replan(problem, current, frozen=[MORNING], move_cost=SETTINGS[Setting.LEAST_LOST])
    dear = replan(problem, current, frozen=[MORNING], move_cost=SETTINGS[Setting.BALANCED])

    assert (cheap.before.clashes, cheap.after.clashes, cheap.moved) == (2, 0, 1)
    assert (dear.after.clashes, dear.moves) == (2, ())


def test_the_settings_go_from_fewest_changes_to_least_lost():
    costs = [SETTINGS[s] for s in (Setting.FEWEST_CHANGES, Setting.BALANCED, Setting.LEAST_LOST)]

    assert costs == sorted(costs, reverse=True)
    assert costs[-1] > 0  # 0 would reshuffle the whole afternoon for nothing


@pytest.mark.parametrize("cost", [-1, math.nan])
def test_a_negative_move_cost_is_refused(cost):
    with pytest.raises(ValueError, match="0 or more"):
        replan(day_of(), [], move_cost=cost)


def test_a_disruption_from_an_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="not a session slot"):
        replan(day_of(), [], disruptions=Disruptions(closed_rooms={BIG.id: 99}))
