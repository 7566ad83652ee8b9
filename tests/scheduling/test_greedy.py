"""The greedy grid (the baseline, and the editor's "Propose a grid" until the planner is wired
in): pinned sessions stay, the rest go by votes into cells they can take,
and the result never breaks a hard rule (no database, plain data)."""

import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from sessions_app.scheduling import Placement, Problem, Room, Session, conflicts, lost
from sessions_app.scheduling.greedy import greedy

ANN, BOB, CAS = 1, 2, 3


def test_most_votes_first_into_a_room_that_seats_them():
    problem = Problem(
        rooms=(Room(1, 100), Room(2, 10)),
        slots=(10,),
        sessions=(Session(100), Session(200)),
        votes={100: frozenset(range(50)), 200: frozenset(range(50, 55))},
    )

    assert greedy(problem) == [Placement(100, 1, 10), Placement(200, 2, 10)]


def test_pinned_stay_and_withdrawn_stay_out():
    problem = Problem(
        rooms=(Room(1, 10), Room(2, 10)),
        slots=(10, 20),
        sessions=(Session(100), Session(200), Session(300, withdrawn=True)),
        votes={300: frozenset(range(9))},
        pinned=(Placement(200, 2, 20, True),),
    )

    result = greedy(problem)

    assert result[0] == Placement(200, 2, 20, True)
    assert {p.session for p in result} == {100, 200}


def test_a_host_is_never_in_two_places_and_unavailable_slots_are_kept_free():
    problem = Problem(
        rooms=(Room(1, 10), Room(2, 10)),
        slots=(10, 20),
        sessions=(
            Session(100, hosts=frozenset({ANN})),
            Session(200, hosts=frozenset({ANN})),
            Session(300, hosts=frozenset({BOB}), unavailable=frozenset({10})),
        ),
        votes={},
    )

    result = {p.session: p.slot for p in greedy(problem)}

    assert result[100] != result[200]
    assert result[300] == 20


def test_people_who_want_both_get_them_in_different_slots():
    problem = Problem(
        rooms=(Room(1, 10), Room(2, 10)),
        slots=(10, 20),
        sessions=(Session(100), Session(200)),
        votes={100: frozenset({ANN, BOB}), 200: frozenset({ANN, CAS})},
    )

    result = greedy(problem)

    assert lost(problem, result).clashes == 0


def test_a_session_waits_only_when_no_free_cell_can_take_it():
    problem = Problem(
        rooms=(Room(1, 10),),
        slots=(10,),
        sessions=(Session(100, hosts=frozenset({ANN})), Session(200), Session(300)),
        votes={200: frozenset({BOB})},
    )

    assert greedy(problem) == [Placement(200, 1, 10)]


@st.composite
def problems(draw) -> Problem:
    n_rooms, n_slots = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rooms = tuple(Room(r, draw(st.integers(1, 20))) for r in range(1, n_rooms + 1))
    slots = tuple(range(10, 10 + n_slots))
    people = list(range(1, 9))
    sessions = tuple(
        Session(
            s,
            hosts=frozenset(draw(st.sets(st.sampled_from(people), min_size=1, max_size=2))),
            unavailable=frozenset(draw(st.sets(st.sampled_from(slots), max_size=n_slots))),
            withdrawn=draw(st.booleans()) and draw(st.booleans()),
        )
        for s in range(100, 100 + draw(st.integers(0, 14)))
    )
    votes = {s.id: frozenset(draw(st.sets(st.sampled_from(people)))) for s in sessions}
    return Problem(rooms=rooms, slots=slots, sessions=sessions, votes=votes)


@settings(max_examples=300, deadline=None)
@given(problems())
def test_never_breaks_a_hard_rule(problem):
    result = greedy(problem)

    assert conflicts(problem, result, complete=True) == []
    assert greedy(problem) == result  # deterministic


def test_a_large_event_is_placed_in_well_under_a_second():
    rng = random.Random(7)
    people = range(3000)
    sessions = tuple(Session(s, hosts=frozenset({rng.choice(people)})) for s in range(300))
    votes = {s.id: frozenset(rng.sample(people, 200)) for s in sessions}  # 60,000 votes
    problem = Problem(
        rooms=tuple(Room(r, rng.choice([20, 40, 80, 150])) for r in range(20)),
        slots=tuple(range(1000, 1016)),
        sessions=sessions,
        votes=votes,
    )

    started = time.perf_counter()
    result = greedy(problem)
    elapsed = time.perf_counter() - started

    assert len(result) == 300
    assert conflicts(problem, result, complete=True) == []
    assert elapsed < 1.0, elapsed
