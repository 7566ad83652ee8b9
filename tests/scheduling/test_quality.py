"""The planner's default search on the OOcamp-sized benchmark event (bench/scheduler, "oocamp":
50 sessions, 6 rooms, 9 slots, 1,645 votes) finds a valid grid within 1 % of the best one known,
whatever the seed (issue 19). Not timed: its CPU time is in bench/scheduler/results.md."""

import pytest

from bench.scheduler.generate import SPECS, generate
from bench.scheduler.instance import problem_of
from sessions_app.scheduling import Problem, conflicts, lost, plan

BEST_KNOWN = 746  # the lowest lost of any planner run or the exact solver (results.md)


@pytest.fixture(scope="module")
def oocamp() -> Problem:
    return problem_of(generate(SPECS["oocamp"]))


@pytest.mark.parametrize("seed", [1, 5, 9])
def test_the_default_search_is_within_one_percent_of_the_best_grid_known(oocamp, seed):
    result = plan(oocamp, seed=seed)

    assert result.complete
    assert conflicts(oocamp, result.placements, complete=True) == []
    assert result.lost == lost(oocamp, result.placements)
    assert result.lost.total <= BEST_KNOWN * 1.01  # 753; seed 9 gave 756 before (two hot runs)
