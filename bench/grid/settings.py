"""Settings for the benchmark only: the project's settings, with URLs that add the trivial
view the grid is measured against (it must never be in the shipped URLs)."""

from oocamp.settings import *  # noqa: F403 - a bench-only variant of the one settings module

ROOT_URLCONF = "bench.grid.urls"
