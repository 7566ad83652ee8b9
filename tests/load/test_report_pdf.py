"""Reliability plan row 13: the event report PDF of a 300-session event is rendered in < 5 s
with < 200 MiB peak RSS, its Dutch text (ë, ï, €) can be extracted, and its page count does
not change from one render to the next.

The event is bench/report/run.py's generated one (300 held sessions in a grid of 20 rooms,
three themes with a synthesis, votes, a Markdown report of ~1,000 characters with headings,
lists and a table for three sessions in four and a description for the others, a slide deck
per session whose first page the PDF shows as a picture), in Dutch. It is built and rendered twice in a fresh
Python process of its own, on a file-based SQLite database in a temporary directory, whatever
database the suite runs on: that process's peak resident memory (`ru_maxrss`) is then the
render's and not the test runner's. The time is the wall-clock time of `report.write_pdf` as
the worker calls it (reading the event, laying out, writing the file); the limit holds for the
faster of the two renders, as benchmarks take the best of their runs: on this shared 2-core
machine the same render varies by +-20 % (2.6-4.6 s measured at rest), and a neighbour's burst
in one render should not fail the row. Both are printed.

Run with `pytest -m load tests/load/test_report_pdf.py -s` (deselected otherwise)."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import pypdfium2
import pytest

from tests.machine import slowness, yardstick_seconds
from tests.processes import figures_of_a_fresh_process

pytestmark = pytest.mark.load

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = 300
DECK_MB = 0.05  # the slide decks only show as a size in the PDF; the ZIP test has big ones
MAX_SECONDS = 5.0  # on the reference machine of tests/machine.py
MAX_MIB = 200


def pdf_text(path: str) -> tuple[int, str]:
    document = pypdfium2.PdfDocument(path)
    try:
        pages = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    return len(pages), " ".join(" ".join(pages).split())


def test_row_13_report_pdf_of_300_sessions_fast_small_dutch_and_stable(tmp_path) -> None:
    figures = figures_of_a_fresh_process(__file__, tmp_path, timeout=600)

    (pages, text), (pages_again, _text) = (pdf_text(run["file"]) for run in figures["runs"])
    first, second = figures["runs"]
    print(
        f"\nrow 13: {SESSIONS} sessions, {pages} pages, {first['size'] / 2**20:.1f} MiB PDF; "
        f"render 1 {first['seconds']:.2f} s wall ({first['cpu']:.2f} s CPU, machine "
        f"{slowness(first['yardstick']):.2f}x the reference), render 2 {second['seconds']:.2f} s "
        f"({second['cpu']:.2f} s CPU, {slowness(second['yardstick']):.2f}x); peak RSS of the process "
        f"{figures['peak_mib']:.0f} MiB ({figures['before_mib']:.0f} MiB before the first "
        f"render); load average {figures['load']:.1f} on {os.cpu_count()} CPUs"
    )
    assert pages == pages_again
    assert pages > SESSIONS // 3  # every session is there: see the titles below
    for n in range(SESSIONS):
        assert f"Sessie {n}: wat we leerden over thema {n}" in text, n
    for word in ("EVENEMENTVERSLAG", "Geïnteresseerde", "ideeën", "€ 250", "Gehouden sessies",
                 "Uit de beschrijving van de sessie", "Sessies in dit thema"):  # fmt: skip
        assert word in text, word
    assert {"ë", "ï", "€"} <= set(text)
    # the faster render, against the plan's limit on the machine it ran on (see the docstring)
    assert min(run["seconds"] / slowness(run["yardstick"]) for run in (first, second)) < MAX_SECONDS
    assert figures["peak_mib"] < MAX_MIB


def child(workdir: Path) -> None:
    """In the fresh process: the generated Dutch event, rendered twice; figures as JSON."""
    sys.path.insert(0, str(ROOT))
    from bench.report import run as bench

    bench.setup_django(workdir)
    from sessions_app.exports import event_report as report

    event = bench.generated_event(SESSIONS, DECK_MB, workdir, language="nl")
    before = bench.rss_kb() / 1024
    runs = []
    for n in (1, 2):
        target = workdir / f"report-{n}.pdf"
        yardstick = yardstick_seconds()
        started, cpu = time.perf_counter(), time.process_time()
        report.write_pdf(event, target)
        runs.append(
            {
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "yardstick": yardstick,
                "file": str(target),
                "size": target.stat().st_size,
            }
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {"runs": runs, "peak_mib": peak, "before_mib": before, "load": os.getloadavg()[0]}
        )
    )


if __name__ == "__main__":
    child(Path(sys.argv[1]))
