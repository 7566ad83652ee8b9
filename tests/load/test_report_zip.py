"""Reliability plan row 14: the event ZIP of 100 slide decks of 5 MB each is streamed with a
peak RSS < 150 MB; its member names are safe (no `../`, no absolute paths, no duplicates);
`zipfile.testzip()` finds nothing wrong; it holds only the requested event's files.

A fresh Python process of its own (file-based SQLite and MEDIA_ROOT in a temporary directory,
whatever database the suite runs on) makes two events with bench/report/run.py's generator:
the requested one with 100 held sessions, each with a 5 MB slide deck, and another event with
decks of its own. Every deck is a PDF whose 5 MB are random bytes, so nothing compresses. The
process then does what the app does: the worker's builds (`report_builds.run_build`, PDF then ZIP)
and the public download through the view (streamed to a file). Its `ru_maxrss` is the peak of
all of that, not of the test runner.

Run with `pytest -m load tests/load/test_report_zip.py -s` (deselected otherwise)."""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from tests.processes import figures_of_a_fresh_process

pytestmark = pytest.mark.load

ROOT = Path(__file__).resolve().parents[2]
DECKS = 100
DECK_MB = 5
OTHER_DECKS = 5
MAX_RSS_MB = 150  # the plan says MB; ru_maxrss is read in KiB and compared in MiB (stricter)


def sha256(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


def test_row_14_event_zip_of_100_decks_streamed_small_safe_and_only_its_own(tmp_path) -> None:
    figures = figures_of_a_fresh_process(__file__, tmp_path, timeout=900)

    with zipfile.ZipFile(figures["zip"]) as archive:
        names = archive.namelist()
        started = time.perf_counter()
        assert archive.testzip() is None
        checked = time.perf_counter() - started
        decks = [n for n in names if n.startswith("sessions/")]
        found = {sha256(archive.open(n)) for n in decks}
    print(
        f"\nrow 14: {len(decks)} decks of {DECK_MB} MB, ZIP {figures['size'] / 2**20:.0f} MiB; "
        f"builds {figures['build_seconds']:.1f} s, download {figures['download_seconds']:.1f} s; "
        f"peak RSS of the process {figures['peak_mib']:.0f} MiB ({figures['before_mib']:.0f} "
        f"MiB before the builds); testzip {checked:.1f} s; {len(names)} names, all safe"
    )
    assert names[:2] == ["event.json", f"event-report-{figures['slug']}.pdf"]  # in English
    assert len(names) == len({n.lower() for n in names})  # no duplicates, ignoring case
    for name in names:
        path = PurePosixPath(name)
        assert not path.is_absolute() and ".." not in path.parts, name
        assert "\\" not in name and ":" not in name and not any(ord(c) < 32 for c in name), name
        assert name in names[:2] or (len(path.parts) == 3 and path.parts[0] == "sessions"), name
    assert len(decks) == DECKS
    assert found == set(figures["ours"])  # every deck of the event, byte for byte
    assert not found & set(figures["others"])  # and none of the other event's
    assert figures["peak_mib"] < MAX_RSS_MB


def child(workdir: Path) -> None:
    """In the fresh process: two events, the worker's builds, the download; figures as JSON."""
    sys.path.insert(0, str(ROOT))
    from bench.report import run as bench

    bench.setup_django(workdir)
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from sessions_app import actions
    from sessions_app.jobs import report_builds
    from sessions_app.models import Event, ReportBuild

    setup_test_environment()  # the test client's host is allowed
    other = bench.generated_event(OTHER_DECKS, DECK_MB, workdir, slug="other-camp")
    event = bench.generated_event(DECKS, DECK_MB, workdir, slug="zip-camp")
    Event.objects.filter(pk=event.pk).update(report_published=True)

    def hashes(of: Event) -> list[str]:
        found = []
        for session in of.sessions.prefetch_related("attachments"):
            for attachment in session.attachments.all():
                with attachment.file.open("rb") as stream:
                    found.append(sha256(stream))
        return found

    ours, others = hashes(event), hashes(other)
    before = bench.rss_kb() / 1024
    started = time.perf_counter()
    actions.request_report_builds(event=event)
    for kind in ("pdf", "zip"):  # as the worker runs them
        build = ReportBuild.objects.get(event=event, kind=kind)
        report_builds.run_build(build.pk, build.attempt)
        build.refresh_from_db()
        assert build.status == ReportBuild.Status.DONE, build.message
    built = time.perf_counter() - started

    started = time.perf_counter()
    response = Client().get(reverse("public:event-report-file", args=[event.slug, "zip"]))
    assert response.status_code == 200 and response.streaming
    target = workdir / "download.zip"
    with target.open("wb") as out:
        for chunk in response.streaming_content:
            out.write(chunk)
    response.close()
    downloaded = time.perf_counter() - started

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "zip": str(target),
                "size": target.stat().st_size,
                "slug": event.slug,
                "ours": ours,
                "others": others,
                "peak_mib": peak,
                "before_mib": before,
                "build_seconds": built,
                "download_seconds": downloaded,
            }
        )
    )


if __name__ == "__main__":
    child(Path(sys.argv[1]))
