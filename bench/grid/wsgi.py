"""The project's WSGI application, timed: every response says how long Django took in a
`Server-Timing: app;dur=<ms>` header (from the call until the response starts)."""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.grid.settings")

from django.core.wsgi import get_wsgi_application

django_application = get_wsgi_application()


def application(environ, start_response):
    started = time.perf_counter()

    def timed_start_response(status, headers, exc_info=None):
        elapsed = (time.perf_counter() - started) * 1000
        headers.append(("Server-Timing", f"app;dur={elapsed:.3f}"))
        return start_response(status, headers, exc_info)

    return django_application(environ, timed_start_response)
