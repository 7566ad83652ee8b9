"""The scale-out test runs only when asked for (`pytest -m scaleout`, a step of .ci/run): it
starts nginx, two gunicorn instances and a worker, which the whole suite should not do twice."""

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "scaleout" in (config.getoption("markexpr") or ""):
        return
    deselected = [item for item in items if item.get_closest_marker("scaleout")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("scaleout")]
