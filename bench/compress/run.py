"""Benchmark of compressed answers: bytes and server CPU of the pages and feeds people fetch
most, plain, gzip and Brotli, beside the trivial 2 KB page.

    .venv/bin/python bench/compress/run.py [--requests 300] [--workers 2]

The set-up is bench/serving.py's and bench/grid's (imported): its own PostgreSQL database
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/oocamp_compress), the two
published bench events (6 rooms × 9 slots and 20 × 16), gunicorn with `bench.grid.settings`
(the project's settings and URLs plus the trivial page), once without the compression
middleware (bench.compress.plain_settings: the app before) and once as it is.

For each target and each Accept-Encoding (none, `gzip`, `br`, and what a browser sends):
- the body's bytes as the app sends them, and the Content-Encoding it chose; the body is
  decoded and must be the plain one, byte for byte;
- the workers' CPU per request (from /proc, in blocks of requests), and its ratio to the
  plain answer of the same target and to the trivial page.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.grid.run import seed  # importable thanks to the path above
from bench.serving import (
    HOST,
    ROOT,
    cpu_seconds,
    get,
    prepared,
    serving,
    worker_pids,
)

ENCODINGS = {
    "none": {},
    "gzip": {"Accept-Encoding": "gzip"},
    "br": {"Accept-Encoding": "br"},
    "browser": {"Accept-Encoding": "gzip, deflate, br, zstd"},
}
SERVERS = {  # before and after, in the same run
    "plain (without the compression middleware)": "bench.compress.plain_settings",
    "compressed (the app as it is)": "bench.grid.settings",
}
BASE = {"Accept-Language": "en", "Accept": "text/html"}
# the CSRF token is masked anew in every answer (64 letters and digits): left out of the comparison
MASKED_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")


def paths(slugs: dict[str, str]) -> list[tuple[str, str]]:
    big = slugs["20x16"]
    return [
        ("trivial 2 KB page", "/bench/trivial/"),
        ("grid page 6x9", f"/{slugs['6x9']}/grid/"),
        ("grid page 20x16", f"/{big}/grid/"),
        ("schedule.xml 20x16", f"/{big}/schedule.xml"),
        ("schedule.json 20x16", f"/{big}/schedule.json"),
        ("schedule.ics 20x16", f"/{big}/schedule.ics"),
        ("sessions.csv 20x16", f"/{big}/sessions.csv"),
    ]


def decoded(body: bytes, coding: str | None) -> bytes:
    if coding == "gzip":
        return gzip.decompress(body)
    if coding == "br":
        import brotli

        return brotli.decompress(body)
    return body


def measure_bytes(port: int, found: list[tuple[str, str]]) -> dict:
    sizes = {}
    for name, path in found:
        plain = get(port, path, BASE).body
        for encoding, headers in ENCODINGS.items():
            answer = get(port, path, BASE | headers)
            coding = answer.headers.get("content-encoding")
            body = decoded(answer.body, coding)
            if MASKED_TOKEN.sub(b"", body) != MASKED_TOKEN.sub(b"", plain):
                raise SystemExit(f"{name}: the {encoding} answer does not decode to the plain one")
            sizes[name, encoding] = (len(answer.body), coding or "-")
    return sizes


def measure_cpu(port: int, master: int, found: list[tuple[str, str]], rounds: int) -> dict:
    pids = worker_pids(master)
    for _name, path in found:  # warm up: every worker renders and caches the pages
        for headers in ENCODINGS.values():
            for _ in range(10):
                get(port, path, BASE | headers)
    blocks = 4
    spent = dict.fromkeys(((n, e) for n, _ in found for e in ENCODINGS), 0.0)
    for _ in range(blocks):
        for name, path in found:
            for encoding, headers in ENCODINGS.items():
                before = cpu_seconds(pids)
                for _ in range(rounds // blocks):
                    get(port, path, BASE | headers)
                spent[name, encoding] += cpu_seconds(pids) - before
    return {key: value / (blocks * (rounds // blocks)) * 1000 for key, value in spent.items()}


def report(found: list[tuple[str, str]], sizes: dict, cpu: dict) -> None:
    print("\nbytes of the body (Content-Encoding chosen by the app):")
    print(f"  {'target':24}" + "".join(f" {e:>16}" for e in ENCODINGS))
    for name, _ in found:
        cells = "".join(f" {sizes[name, e][0]:9d} {sizes[name, e][1]:>6}" for e in ENCODINGS)
        print(f"  {name:24}{cells}")
    trivial = cpu[found[0][0], "none"]
    print("\nserver CPU ms per request (× the same target plain; × the trivial page plain):")
    print(f"  {'target':24}" + "".join(f" {e:>22}" for e in ENCODINGS))
    for name, _ in found:
        plain = cpu[name, "none"]
        cells = "".join(
            f" {cpu[name, e]:7.3f} {cpu[name, e] / plain:5.2f}× {cpu[name, e] / trivial:6.2f}×"
            for e in ENCODINGS
        )
        print(f"  {name:24}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per target and encoding")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rounds = max(40, min(args.requests, 5000))
    with prepared("oocamp_compress") as env:
        slugs = seed()
        found = paths(slugs)
        for label, settings in SERVERS.items():
            served = env | {"DJANGO_SETTINGS_MODULE": settings}
            with serving(served, args.workers) as (port, server):
                print(
                    f"\n== {label}: gunicorn on {HOST}:{port}, {args.workers} sync workers, "
                    f"{rounds} requests per target and encoding ({ROOT})"
                )
                sizes = measure_bytes(port, found)
                cpu = measure_cpu(port, server.pid, found, rounds)
            report(found, sizes, cpu)


if __name__ == "__main__":
    main()
