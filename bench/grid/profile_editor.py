"""Where the organisers' grid editor spends its CPU, in this process (no server).

    .venv/bin/python bench/grid/profile_editor.py [--times 20] [--profile] [--select]

Seeds the two bench grids of bench/grid (6 rooms × 9 slots and 20 × 16, published) in its own
PostgreSQL database (BENCH_DATABASE_URL, default oocamp_editor_profile), signs an organiser in
and loads the editor through Django's test client `--times` times per grid: the median CPU
(`time.process_time`, not wall time: the machine is shared) and the queries of one load; with
`--select`, also the editor while a session is chosen (every cell shows its cost); with
`--profile`, the top of a cProfile of the 20 × 16 editor by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.grid.run import organiser_cookie, seed  # noqa: E402
from bench.serving import prepared  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--times", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--select", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="the profile's order")
    parser.add_argument("--size", default="20x16", help="the grid to profile: 6x9 or 20x16")
    args = parser.parse_args()
    with prepared("oocamp_editor_profile"):
        measure(seed(), args)


def measure(slugs: dict[str, str], args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.serving import HOST, signed_in_client
    from sessions_app.models import Event

    for size, slug in slugs.items():
        client = signed_in_client(organiser_cookie(slug).split("=", 1)[1], {})
        paths = {"editor": f"/{slug}/organise/grid/"}
        if args.select:
            event = Event.objects.get(slug=slug)
            session = event.sessions.filter(placement__isnull=False).order_by("id").first()
            paths["editor, a session chosen"] = f"/{slug}/organise/grid/?select={session.pk}"
        for name, path in paths.items():
            answer = client.get(path, SERVER_NAME=HOST)
            assert answer.status_code == 200, (answer.status_code, answer.get("location"))
            cpu = []
            for _ in range(args.times):
                start = time.process_time()
                client.get(path, SERVER_NAME=HOST)
                cpu.append((time.process_time() - start) * 1000)
            with CaptureQueriesContext(connection) as queries:
                answer = client.get(path, SERVER_NAME=HOST)
            print(
                f"{name} {size}: CPU median {statistics.median(cpu):.1f} ms "
                f"(min {min(cpu):.1f}), {len(queries)} queries, {len(answer.content) // 1024} KiB"
            )
            if args.profile and size == args.size:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(5):
                    client.get(path, SERVER_NAME=HOST)
                profile.disable()
                pstats.Stats(profile).sort_stats(args.sort).print_stats(45)


if __name__ == "__main__":
    main()
