"""The planner on plain data (no database): on random problems it never breaks a hard rule of
shared/scheduling.md (rule 6 included), never moves a pin, gives the same grid for the same
seed, reports the `lost` of the grid it returns, and is never worse than the greedy baseline;
and the edge cases, one by one."""

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions_app.scheduling import (
    Conflict,
    Lost,
    Placement,
    Problem,
    Reason,
    Room,
    Rule,
    Session,
    Waiting,
    conflicts,
    greedy,
    lost,
    plan,
)

ANN, BOB, CARL = 1, 2, 3

PEOPLE = st.integers(1, 12)


@st.composite
def problems(draw, max_sessions: int = 12) -> Problem:
    """Small events with every kind of trouble: few or no rooms and slots, tiny rooms, shared
    hosts, unavailable slots (sometimes all of them), withdrawn sessions, sessions nobody
    votes for, more sessions than cells, and pins (valid or not)."""
    rooms = tuple(Room(100 + n, draw(st.integers(1, 8))) for n in range(draw(st.integers(0, 4))))
    slots = tuple(range(10, 10 + draw(st.integers(0, 4))))
    sessions = tuple(
        Session(
            1000 + n,
            hosts=draw(st.frozensets(PEOPLE, min_size=1, max_size=2)),
            unavailable=draw(st.frozensets(st.sampled_from(slots))) if slots else frozenset(),
            withdrawn=draw(st.integers(0, 9)) == 0,
        )
        for n in range(draw(st.integers(0, max_sessions)))
    )
    votes = {s.id: draw(st.frozensets(PEOPLE, max_size=10)) for s in sessions}
    pinned: list[Placement] = []
    if sessions and rooms and slots:
        cells = [(r.id, t) for t in slots for r in rooms]
        for session in draw(st.lists(st.sampled_from(sessions), unique=True, max_size=3)):
            room, slot = draw(st.sampled_from(cells))
            pinned.append(Placement(session.id, room, slot, True))
    return Problem(rooms, slots, sessions, votes, tuple(pinned))


def refusal_of(problem: Problem) -> list[Conflict]:
    return conflicts(problem, problem.pinned)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 3))
def test_a_plan_keeps_every_hard_rule_and_every_pin(problem, seed):
    result = plan(problem, seed=seed)

    if refusal_of(problem):
        assert (result.placements, list(result.refused)) == ((), refusal_of(problem))
        return
    assert result.refused == ()
    assert conflicts(problem, result.placements, complete=True) == []
    kept = {p for p in result.placements if p.pinned}
    assert kept == {p for p in problem.pinned if not problem.session(p.session).withdrawn}
    assert result.lost == lost(problem, result.placements)
    placed = {p.session for p in result.placements}
    waiting = {s.id for s in problem.sessions if not s.withdrawn and s.id not in placed}
    assert {w.session for w in result.waiting} == waiting


@settings(max_examples=100, deadline=None)
@given(problems(), st.integers(0, 1000))
def test_the_same_problem_and_seed_give_the_same_grid(problem, seed):
    first = plan(problem, seed=seed)

    second = plan(problem, seed=seed)

    assert (first.placements, first.lost, first.waiting) == (
        second.placements,
        second.lost,
        second.waiting,
    )
    assert first.complete


@settings(max_examples=200, deadline=None)
@given(problems(max_sessions=16))
def test_a_plan_places_as_many_sessions_as_greedy_and_loses_no_more(problem):
    if refusal_of(problem):
        return
    baseline = greedy(problem)

    result = plan(problem, seed=1)

    assert len(result.placements) >= len(baseline)
    if len(result.placements) == len(baseline):
        assert result.lost.total <= lost(problem, baseline).total


@settings(max_examples=200, deadline=None)
@given(problems(max_sessions=16))
def test_the_greedy_baseline_keeps_the_hard_rules_too(problem):
    if refusal_of(problem):
        return

    assert conflicts(problem, greedy(problem), complete=True) == []


# ---- edge cases ---------------------------------------------------------------------------

FRAME = {"rooms": (Room(1, 10), Room(2, 2)), "slots": (10, 20)}


def test_nothing_to_plan_loses_nothing():
    result = plan(Problem(**FRAME, sessions=(), votes={}))

    assert (result.placements, result.lost, result.waiting) == ((), Lost(0, 0, 0), ())


def test_the_spec_example_is_solved():
    """Ann voted for A and B, Bob for A: in two slots they clash no more, and A gets the big
    room."""
    problem = Problem(
        rooms=(Room(1, 1), Room(2, 10)),
        slots=(10, 20),
        sessions=(Session(100), Session(200)),
        votes={100: frozenset({ANN, BOB}), 200: frozenset({ANN})},
    )

    result = plan(problem)

    assert result.lost == Lost(0, 0, 0)
    assert {p.session: p.room for p in result.placements} == {100: 2, 200: 2}


def test_the_most_wanted_session_gets_the_biggest_room():
    problem = Problem(
        rooms=(Room(1, 2), Room(2, 30)),
        slots=(10,),
        sessions=(Session(100), Session(200)),
        votes={100: frozenset(range(1, 4)), 200: frozenset(range(4, 30))},
    )

    result = plan(problem)

    assert sorted(result.placements, key=lambda p: p.session) == [
        Placement(100, 1, 10),
        Placement(200, 2, 10),
    ]
    assert result.lost == Lost(0, 0, 1)


def test_a_host_pinned_twice_in_one_slot_is_refused():
    problem = Problem(
        **FRAME,
        sessions=(Session(100, hosts=frozenset({ANN})), Session(200, hosts=frozenset({ANN}))),
        votes={},
        pinned=(Placement(100, 1, 10, True), Placement(200, 2, 10, True)),
    )

    result = plan(problem)

    assert result.refused == (Conflict(Rule.HOST_BUSY, (100, 200), 10, hosts=(ANN,)),)
    assert result.placements == ()


def test_two_pins_in_one_cell_are_refused():
    problem = Problem(
        **FRAME,
        sessions=(Session(100), Session(200)),
        votes={},
        pinned=(Placement(100, 1, 10, True), Placement(200, 1, 10, True)),
    )

    assert plan(problem).refused == (Conflict(Rule.CELL_TAKEN, (100, 200), 10, 1),)


def test_a_pin_in_an_unavailable_slot_is_refused():
    problem = Problem(
        **FRAME,
        sessions=(Session(100, unavailable=frozenset({10})),),
        votes={},
        pinned=(Placement(100, 1, 10, True),),
    )

    assert plan(problem).refused == (Conflict(Rule.UNAVAILABLE, (100,), 10, 1),)


def test_a_session_every_slot_is_unavailable_to_waits():
    problem = Problem(
        **FRAME,
        sessions=(Session(100, unavailable=frozenset({10, 20})), Session(200)),
        votes={100: frozenset({ANN})},
    )

    result = plan(problem)

    assert result.waiting == (Waiting(100, Reason.UNAVAILABLE),)
    assert [p.session for p in result.placements] == [200]
    assert result.lost == Lost(1, 0, 0)


def test_more_sessions_than_cells_leaves_the_least_wanted_out():
    problem = Problem(
        rooms=(Room(1, 10),),
        slots=(10, 20),
        sessions=(Session(100), Session(200), Session(300)),
        votes={100: frozenset({ANN, BOB}), 200: frozenset({CARL}), 300: frozenset({ANN, CARL})},
    )

    result = plan(problem)

    assert result.waiting == (Waiting(200, Reason.GRID_FULL),)
    assert result.lost == Lost(1, 0, 0)


def test_a_host_with_more_sessions_than_slots_leaves_one_out_though_cells_are_free():
    problem = Problem(
        **FRAME,
        sessions=tuple(Session(n, hosts=frozenset({ANN})) for n in (100, 200, 300)),
        votes={100: frozenset({BOB}), 200: frozenset({BOB, CARL}), 300: frozenset()},
    )

    result = plan(problem)

    assert result.waiting == (Waiting(300, Reason.HOSTS_BUSY),)
    assert conflicts(problem, result.placements, complete=True) == []


def test_no_rooms_means_everyone_waits_for_a_cell():
    problem = Problem(rooms=(), slots=(10,), sessions=(Session(100),), votes={})

    assert plan(problem).waiting == (Waiting(100, Reason.GRID_FULL),)


def test_withdrawn_sessions_are_not_placed_and_count_for_nothing():
    problem = Problem(
        **FRAME,
        sessions=(Session(100, withdrawn=True), Session(200)),
        votes={100: frozenset({ANN}), 200: frozenset({ANN})},
    )

    result = plan(problem)

    assert [p.session for p in result.placements] == [200]
    assert (result.lost, result.waiting) == (Lost(0, 0, 0), ())


def clustered(sessions: int = 24, rooms: int = 3, slots: int = 6) -> Problem:
    """A problem with themes: people want most of the sessions of their theme, which should
    therefore not run at the same time."""
    people = range(1, 61)
    return Problem(
        rooms=tuple(Room(r, 8 + 6 * r) for r in range(1, rooms + 1)),
        slots=tuple(range(10, 10 + slots)),
        sessions=tuple(Session(s, hosts=frozenset({s % 50 + 1})) for s in range(sessions)),
        votes={
            s: frozenset(p for p in people if (p + s) % 4 == 0 or (p * s) % 7 == 1)
            for s in range(sessions)
        },
    )


def test_the_planner_beats_greedy_on_clustered_votes():
    problem = clustered()

    result = plan(problem, seed=1)

    assert conflicts(problem, result.placements, complete=True) == []
    assert result.lost.total < lost(problem, greedy(problem)).total


def test_progress_is_reported_from_start_to_end():
    reports: list[tuple[float, Lost]] = []

    result = plan(clustered(), progress=lambda done, best: reports.append((done, best)))

    fractions = [done for done, _best in reports]
    assert fractions == sorted(fractions)
    assert reports[-1] == (1.0, result.lost)
    totals = [best.total for _done, best in reports]
    assert totals == sorted(totals, reverse=True)
    assert len(reports) > 10


def test_the_time_limit_stops_a_run_early_with_a_valid_grid():
    problem = clustered(sessions=40, rooms=4, slots=8)

    result = plan(problem, time_limit=0.0)

    assert not result.complete
    assert result.iterations < result.budget
    assert conflicts(problem, result.placements, complete=True) == []
    assert result.lost == lost(problem, result.placements)


def test_an_explicit_iteration_budget_is_kept_by_every_run():
    result = plan(clustered(), iterations=1234, restarts=3)

    assert (result.iterations, result.budget, result.complete) == (3 * 1234, 1234, True)


def test_more_runs_never_find_a_worse_grid():
    problem = clustered()
    one = plan(problem, seed=4, iterations=3000, restarts=1)
    three = plan(problem, seed=4, iterations=3000, restarts=3)

    assert three.lost.total <= one.lost.total  # the first of the three is that one run


def test_progress_reports_the_best_of_all_runs_so_far():
    seen = []
    plan(
        clustered(),
        iterations=20_000,
        restarts=2,
        progress=lambda s, best: seen.append((s, best.total)),
    )

    shares = [share for share, _ in seen]
    assert shares == sorted(shares) and shares[-1] == 1.0
    second_half = [best for share, best in seen if share > 0.5]
    assert all(a >= b for a, b in pairwise(second_half))  # never worse again
