"""bench.grid's settings without the compression middleware: the app as it was before it
compressed its answers, measured in the same run."""

from bench.grid.settings import *  # noqa: F403 - a bench-only variant of the one settings module

MIDDLEWARE = [m for m in MIDDLEWARE if m != "oocamp.compression.CompressionMiddleware"]  # noqa: F405
