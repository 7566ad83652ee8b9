"""`lost` and the hard rules of shared/scheduling.md, on plain data (no database)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sessions_app.scheduling import (
    Conflict,
    Grid,
    Lost,
    Placement,
    Problem,
    Room,
    Rule,
    Session,
    conflicts,
    lost,
)

ANN, BOB, CARL = 1, 2, 3


def test_the_example_of_the_spec_loses_two():
    """Ann voted for A and B, Bob for A. A and B in one slot: 1 clash; A in a room of 1 seat:
    1 overflow."""
    problem = Problem(
        rooms=(Room(1, 1), Room(2, 10)),
        slots=(10,),
        sessions=(Session(100), Session(200)),
        votes={100: frozenset({ANN, BOB}), 200: frozenset({ANN})},
    )

    result = lost(problem, [Placement(100, 1, 10), Placement(200, 2, 10)])

    assert result == Lost(unplaced=0, clashes=1, overflow=1)
    assert result.total == 2


def test_unplaced_sessions_lose_their_votes():
    problem = Problem(
        rooms=(Room(1, 10),),
        slots=(10,),
        sessions=(Session(100), Session(200)),
        votes={100: frozenset({ANN}), 200: frozenset({ANN, BOB, CARL})},
    )

    assert lost(problem, [Placement(100, 1, 10)]) == Lost(unplaced=3, clashes=0, overflow=0)


def test_a_host_is_always_in_their_own_session_and_counts_once():
    problem = Problem(
        rooms=(Room(1, 10), Room(2, 10)),
        slots=(10,),
        sessions=(Session(100, hosts=frozenset({ANN})), Session(200)),
        votes={100: frozenset({ANN}), 200: frozenset({ANN})},
    )

    assert lost(problem, [Placement(100, 1, 10), Placement(200, 2, 10)]).clashes == 1


def test_withdrawn_sessions_count_for_nothing():
    problem = Problem(
        rooms=(Room(1, 1), Room(2, 1)),
        slots=(10,),
        sessions=(Session(100, withdrawn=True), Session(200)),
        votes={100: frozenset({ANN, BOB}), 200: frozenset({ANN})},
    )

    assert lost(problem, [Placement(200, 2, 10)]) == Lost(0, 0, 0)


def test_overflow_counts_votes_not_hosts():
    problem = Problem(
        rooms=(Room(1, 1),),
        slots=(10,),
        sessions=(Session(100, hosts=frozenset({CARL})),),
        votes={100: frozenset({ANN})},
    )

    assert lost(problem, [Placement(100, 1, 10)]).overflow == 0


FRAME = {"rooms": (Room(1, 10), Room(2, 10)), "slots": (10, 20)}


def test_a_valid_grid_has_no_conflicts():
    problem = Problem(**FRAME, sessions=(Session(100), Session(200)), votes={})

    assert conflicts(problem, [Placement(100, 1, 10), Placement(200, 1, 20)]) == []


def test_every_hard_rule_is_named():
    problem = Problem(
        **FRAME,
        sessions=(
            Session(100, hosts=frozenset({ANN})),
            Session(200, hosts=frozenset({ANN})),
            Session(300, unavailable=frozenset({20})),
            Session(400, withdrawn=True),
            Session(500),
        ),
        votes={},
        pinned=(Placement(500, 2, 20, True),),
    )
    grid = [
        Placement(100, 1, 10),
        Placement(200, 2, 10),  # Ann hosts 100 and 200 at 10
        Placement(300, 1, 20),  # 300 cannot do 20
        Placement(400, 1, 99),  # withdrawn, and slot 99 holds no sessions
        Placement(500, 1, 20),  # pinned elsewhere; and cell (1, 20) twice
    ]

    assert conflicts(problem, grid) == [
        Conflict(Rule.UNAVAILABLE, (300,), 20, 1),
        Conflict(Rule.NOT_A_SESSION_SLOT, (400,), 99, 1),
        Conflict(Rule.WITHDRAWN, (400,), 99, 1),
        Conflict(Rule.CELL_TAKEN, (300, 500), 20, 1),
        Conflict(Rule.HOST_BUSY, (100, 200), 10, hosts=(ANN,)),
        Conflict(Rule.PIN_MOVED, (500,), 20, 2),
    ]


def test_a_session_left_waiting_beside_a_free_cell_breaks_rule_six():
    problem = Problem(**FRAME, sessions=(Session(100), Session(200)), votes={})

    found = conflicts(problem, [Placement(100, 1, 10)], complete=True)

    assert found == [Conflict(Rule.LEFT_WAITING, (200,), 10, 2)]


def test_waiting_is_fine_when_every_free_cell_is_impossible():
    problem = Problem(
        rooms=(Room(1, 10), Room(2, 10)),
        slots=(10,),
        sessions=(Session(100, hosts=frozenset({ANN})), Session(200, hosts=frozenset({ANN}))),
        votes={},
    )

    assert conflicts(problem, [Placement(100, 1, 10)], complete=True) == []


# ---- the cost of a move, found from two slots, equals a full recount ------------------------

ROOMS = (Room(1, 2), Room(2, 4), Room(3, 8))
SLOTS = (10, 20, 30)
CELLS = [(room.id, slot) for slot in SLOTS for room in ROOMS]


@st.composite
def grids(draw):
    count = draw(st.integers(1, 8))
    people = st.frozensets(st.integers(1, 12), max_size=8)
    sessions = tuple(
        Session(
            i,
            hosts=draw(st.frozensets(st.integers(1, 12), min_size=1, max_size=2)),
            withdrawn=draw(st.booleans()) and draw(st.booleans()),
        )
        for i in range(count)
    )
    votes = {s.id: draw(people) for s in sessions}
    cells = draw(st.permutations(CELLS))
    placed = [Placement(s.id, *cells[i]) for i, s in enumerate(sessions) if draw(st.booleans())]
    problem = Problem(rooms=ROOMS, slots=SLOTS, sessions=sessions, votes=votes)
    moved = draw(st.sampled_from(sessions)).id
    target = draw(st.sampled_from([*CELLS, None]))
    return problem, placed, moved, target


def apply_move(placed, session, target):
    by_session = {p.session: p for p in placed}
    by_cell = {p.cell: p.session for p in placed}
    source = by_session.get(session)
    if source is not None and source.cell == target:
        return placed
    other = by_cell.get(target) if target else None
    after = [p for p in placed if p.session not in (session, other)]
    if target:
        after.append(Placement(session, *target))
    if other is not None and source is not None:
        after.append(Placement(other, *source.cell))
    return after


@settings(max_examples=400, deadline=None)
@given(grids())
def test_move_effect_equals_a_full_recount(case):
    problem, placed, moved, target = case
    if problem.session(moved).withdrawn:
        return  # withdrawn sessions are never moved by the editor

    effect = Grid(problem, placed).move_effect(moved, target)

    expected = lost(problem, apply_move(placed, moved, target)) - lost(problem, placed)
    assert effect == expected


def test_shared_voters_is_the_share_of_the_smaller_audience():
    problem = Problem(
        rooms=ROOMS,
        slots=SLOTS,
        sessions=(Session(1), Session(2)),
        votes={1: frozenset(range(10)), 2: frozenset(range(6, 11))},
    )

    assert Grid(problem, []).shared_voters(1, 2) == 0.8
