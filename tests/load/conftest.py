"""The load and restart suite runs only when asked for (`pytest -m load`, a step of .ci/run):
it starts gunicorn and locust on PostgreSQL, which the whole suite should not do every time."""

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "load" in (config.getoption("markexpr") or ""):
        return
    deselected = [item for item in items if item.get_closest_marker("load")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("load")]
