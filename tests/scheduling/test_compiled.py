"""The planner compiled by mypyc (sessions_app/scheduling/compiled.py) is the planner: CI runs
it, it finds the very grids its source finds (mypyc's ints, floats and loops differ from
Python's in corners, and a difference there would change grids silently), and an edit of the
source is never hidden by an older build."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions_app import scheduling
from sessions_app.scheduling import Stability, compiled, greedy
from tests.scheduling.test_planner import problems

SOURCE = Path(compiled.__file__).with_name("planner.py")


def source_planner():
    """planner.py run as Python, beside the compiled one (under a name of its own)."""
    spec = importlib.util.spec_from_file_location("oocamp_planner_as_python", SOURCE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


AS_PYTHON = source_planner()
needs_build = pytest.mark.skipif(
    not compiled.is_compiled(scheduling.planner),
    reason="the planner is not compiled here: python3 dev.py test (or python "
    "sessions_app/scheduling/compiled.py) builds it",
)


def answer(result):
    """What a plan says (its `Waiting` and `Reason` are each module's own classes)."""
    waiting = [(w.session, w.reason.value) for w in result.waiting]
    return (result.placements, result.lost, waiting, result.iterations, result.budget)


@needs_build
def test_ci_runs_the_compiled_planner():
    assert scheduling.planner.__file__.endswith(".so")
    assert scheduling.plan is scheduling.planner.plan


@needs_build
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(max_sessions=14), seed=st.integers(0, 1000), stable=st.booleans())
def test_the_compiled_planner_finds_the_grids_of_its_source(problem, seed, stable):
    stability = None
    if stable:  # a re-plan: moving what the greedy grid placed costs
        stability = Stability(current=tuple(greedy(problem)), time_cost=4.0, room_cost=1.5)
    kwargs = {"seed": seed, "time_limit": 60.0, "stability": stability}

    fast = scheduling.plan(problem, **kwargs)
    slow = AS_PYTHON.plan(problem, **kwargs)

    assert answer(fast) == answer(slow)


@needs_build
def test_the_compiled_planner_finds_the_grids_of_its_source_at_oocamp_size():
    from bench.scheduler.generate import SPECS, generate
    from bench.scheduler.instance import instance_of

    for name in ("oocamp", "adversarial"):
        problem = instance_of(name, generate(SPECS[name])).problem
        for seed in (1, 2):
            fast = scheduling.plan(problem, seed=seed, time_limit=600.0)
            slow = AS_PYTHON.plan(problem, seed=seed, time_limit=600.0)
            assert answer(fast) == answer(slow), (name, seed)


@needs_build
def test_an_edit_of_the_source_runs_the_source_until_it_is_built_again(tmp_path):
    package = tmp_path / "sessions_app" / "scheduling"
    shutil.copytree(Path(compiled.__file__).parent, package)
    (tmp_path / "sessions_app" / "__init__.py").write_text("")
    which = (
        "import sessions_app.scheduling as s; "
        "print(s.planner.__file__.rsplit('/', 1)[-1], s.plan is s.planner.plan)"
    )

    def planner_file() -> str:
        env = {**os.environ, "PYTHONPATH": str(tmp_path)}
        done = subprocess.run(
            [sys.executable, "-c", which], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert planner_file() == [Path(scheduling.planner.__file__).name, "True"]

    source = package / "planner.py"
    source.write_text(source.read_text() + "\n# an edit after the build\n")

    assert planner_file() == ["planner.py", "True"]

    for built in package.glob("planner*.so"):
        built.unlink()

    assert planner_file() == ["planner.py", "True"]
