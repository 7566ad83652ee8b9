"""Benchmark of the edge: the live check beside a trivial page, and the cookies anonymous pages set.

    .venv/bin/python bench/edge/run.py [--requests 2000] [--workers 2]

It reuses the set-up of bench/serving.py and bench/grid/run.py (its own PostgreSQL database,
BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/oocamp_edge; the same seeded
events; gunicorn with `bench.grid.settings`, whose URLs add the trivial 2 KB page, and
`bench.grid.wsgi`, which reports the time Django took in `Server-Timing`). In one run, on
loopback:

1. Latency: the trivial page, the live check of the 20 × 16 grid answered 304 (what an open
   grid asks every 5 s), the same check without an ETag (200) and the pitch round's check
   (304), in turn, `--requests` times each: median and p95 of the client's round trip, median
   of the server time.
2. CPU: the same targets in blocks, the workers' CPU time from /proc before and after each
   block: CPU per request, and its ratio to the trivial page's.
3. Headers: how many Content-Security-Policy headers the live check and a grid page carry.
4. In this process, without gunicorn and the network: CPU per request (time.process_time) of
   the trivial page and the live check through Django's WSGI handler, with the middleware
   stack as it was before the fast path (django-csp's own middleware, no LiveCheckMiddleware)
   and as it is now, in the same run.
5. Cookies: an anonymous GET (no cookie sent) of home, event, sessions, grid, a session's page,
   now & next and the feeds page: the Set-Cookie headers each answers with, and its Vary.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.grid.run import (  # noqa: E402 - the repository root first, as a script
    BROWSER,
    Target,
    measure_cpu,
    measure_latency,
    seed,
    seed_pitch,
)
from bench.serving import (  # noqa: E402
    HOST,
    get,
    percentile,
    prepared,
    serving,
)


def raw_headers(port: int, path: str, headers: dict[str, str]) -> list[tuple[str, str]]:
    """Every header of the answer, repeated ones kept (Set-Cookie, Content-Security-Policy)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return [(name.lower(), value) for name, value in response.getheaders()]


def anonymous_pages(slug: str) -> dict[str, str]:
    from sessions_app.models import Session

    session = Session.objects.filter(event__slug=slug).order_by("pk").first()
    assert session is not None
    return {
        "home": "/",
        "event": f"/{slug}/",
        "sessions": f"/{slug}/proposals/",
        "grid": f"/{slug}/grid/",
        "session": f"/{slug}/sessions/{session.pk}/",
        "now & next": f"/{slug}/now/",
        "feeds": f"/{slug}/feeds/",
    }


def targets(port: int, slug: str, pitch: str) -> list[Target]:
    found = [Target("trivial 2 KB page", "/bench/trivial/", BROWSER, 200)]
    path = f"/{slug}/grid/version"
    token = get(port, path).headers["etag"]
    check = {"Accept-Language": "en", "If-None-Match": token}
    found.append(Target("live check (304)", path, check, 304))
    found.append(Target("live check, no ETag (200)", path, {"Accept-Language": "en"}, 200))
    pitch_path = f"/{pitch}/pitch/version"
    token = get(port, pitch_path).headers["etag"]
    check = {"Accept-Language": "en", "If-None-Match": token}
    found.append(Target("pitch check (304)", pitch_path, check, 304))
    return found


BEFORE_STACK = {"sessions_app.edge.CSPMiddleware": "csp.middleware.CSPMiddleware"}


def old_stack(middleware: list[str]) -> list[str]:
    """The middleware as before the fast path: django-csp's own CSP, no LiveCheckMiddleware."""
    return [
        BEFORE_STACK.get(m, m) for m in middleware if m != "sessions_app.edge.LiveCheckMiddleware"
    ]


def in_process(found: list[Target], rounds: int) -> dict[str, dict[str, float]]:
    """CPU ms per request through Django's WSGI handler in this process: {stack: {target: ms}}."""
    import time

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory
    from django.test.utils import override_settings

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        pass

    results: dict[str, dict[str, float]] = {}
    stacks = {"before (whole stack)": old_stack(settings.MIDDLEWARE), "now": settings.MIDDLEWARE}
    for _ in range(2):  # twice, alternating, to see the spread
        for name, middleware in stacks.items():
            with override_settings(MIDDLEWARE=middleware):
                handler = WSGIHandler()
                for target in found:
                    headers = {
                        "HTTP_" + k.upper().replace("-", "_"): v for k, v in target.headers.items()
                    }
                    environ = RequestFactory()._base_environ(
                        PATH_INFO=target.path, SERVER_NAME=HOST, HTTP_HOST=HOST, **headers
                    )
                    for _ in range(50):  # warm up: caches filled
                        b"".join(handler(dict(environ), start_response))
                    started = time.process_time()
                    for _ in range(rounds):
                        b"".join(handler(dict(environ), start_response))
                    spent = (time.process_time() - started) / rounds * 1000
                    best = results.setdefault(name, {}).get(target.name, spent)
                    results[name][target.name] = min(best, spent)
    return results


def report_in_process(results: dict[str, dict[str, float]]) -> None:
    print("\nin this process (no gunicorn, no network), CPU ms per request, best of 2:")
    for stack, spent in results.items():
        trivial = spent["trivial 2 KB page"]
        print(f"  middleware {stack}:")
        for name, ms in spent.items():
            print(f"    {name:28} {ms:7.3f}  ({ms / trivial:.2f} × the trivial page)")


def report(found: list[Target], headers: dict[str, list], cookies: dict[str, list]) -> None:
    trivial = found[0]
    base = statistics.median(trivial.client_ms)
    base_server = statistics.median(trivial.server_ms)
    print(
        f"\n{'target':28} {'client median':>13} {'×':>5} {'p95':>7} {'×':>5} "
        f"{'server ms':>9} {'×':>5} {'CPU ms/req':>10} {'×':>5}"
    )
    for target in found:
        median = statistics.median(target.client_ms)
        p95 = percentile(target.client_ms, 0.95)
        server = statistics.median(target.server_ms)
        print(
            f"{target.name:28} {median:13.3f} {median / base:5.2f} {p95:7.3f} "
            f"{p95 / percentile(trivial.client_ms, 0.95):5.2f} {server:9.3f} "
            f"{server / base_server:5.2f} {target.cpu_ms:10.3f} "
            f"{target.cpu_ms / trivial.cpu_ms:5.2f}"
        )
    print("\nContent-Security-Policy headers per response:")
    for name, answer in headers.items():
        csp = [v for k, v in answer if k == "content-security-policy"]
        print(f"  {name:28} {len(csp)}")
    print("\nanonymous GET, no cookie sent: Set-Cookie headers (names) and Vary")
    total = 0
    for name, answer in cookies.items():
        set_cookies = [v.split("=", 1)[0] for k, v in answer if k == "set-cookie"]
        vary = ", ".join(v for k, v in answer if k == "vary")
        total += len(set_cookies)
        print(f"  {name:12} {len(set_cookies)} {' '.join(set_cookies) or '-':28} Vary: {vary}")
    print(f"  {'total':12} {total}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per target (max 10000)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rounds = max(40, min(args.requests, 10000))
    with prepared("oocamp_edge") as env:
        slugs = seed()
        pitch = seed_pitch()
        pages = anonymous_pages(slugs["6x9"])
        with serving(env, args.workers) as (port, server):
            print(
                f"gunicorn on {HOST}:{port}, {args.workers} sync workers, "
                f"{rounds} requests per target; load average {os.getloadavg()[0]:.2f}"
            )
            found = targets(port, slugs["20x16"], pitch)
            measure_latency(port, found, rounds)
            measure_cpu(port, server.pid, found, rounds)
            headers = {
                "live check (304)": raw_headers(port, found[1].path, found[1].headers),
                "live check, no ETag (200)": raw_headers(port, found[2].path, found[2].headers),
                "grid page 6x9": raw_headers(port, pages["grid"], BROWSER),
            }
            cookies = {name: raw_headers(port, path, BROWSER) for name, path in pages.items()}
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        report(found, headers, cookies)
        report_in_process(in_process(found, rounds))


if __name__ == "__main__":
    main()
