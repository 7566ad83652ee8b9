"""Benchmark of the event report's builds: the PDF and the ZIP, their time and peak memory.

    .venv/bin/python bench/report/run.py [--sessions 300] [--deck-mb 3] [--keep]

It works in a temporary directory (a file-based SQLite database and MEDIA_ROOT, both removed
at the end unless --keep), on two events:

1. the demo event (demo/oocamp-2012.zip, imported), and
2. a generated event: `--sessions` sessions, all held, in a grid of 20 rooms, three in four
   with a Markdown report of about 1,500 characters and the others with only a description
   (printed instead), three themes with a synthesis, votes, and one slide deck per session: a
   real PDF of `--deck-mb` MB (a page of text plus an incompressible stream, so the ZIP cannot
   shrink it), all different, each with its first page as a thumbnail (as the upload's job
   leaves it), which the PDF shows beside the link.

For each event and each kind it runs the build the worker runs (`report_builds.run_build`, with its
heartbeats and the rename at the end) and prints:

- the wall-clock time,
- the peak resident memory of the process during that build, above what it held before
  (sampled every 10 ms from /proc/self/status), and
- in a second run of the same step, the peak of Python's own allocations (tracemalloc), which
  shows whether memory grows with the size of the slides.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo" / "oocamp-2012.zip"


def setup_django(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DEBUG", "1")  # a throwaway secret key; nothing is served
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oocamp.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class PeakRSS:
    """The highest resident memory seen while the block runs, sampled every 10 ms."""

    def __enter__(self) -> PeakRSS:
        self.before = rss_kb()
        self.peak = self.before
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_kb())
            time.sleep(0.01)

    def __exit__(self, *exc_info: object) -> None:
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss_kb())


def deck_pdf(path: Path, title: str, megabytes: float) -> None:
    """A valid one-page PDF with `title` on it and an unused stream of random bytes."""
    filler = os.urandom(int(megabytes * 1024 * 1024))
    text = f"BT /F1 24 Tf 72 720 Td ({title}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream",
    ]
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
        out.write(b"startxref\n%d\n%%%%EOF\n" % xref)


REPORT = """## Summary

About {n} people discussed *{title}*. The group agreed that the question matters to every
organisation in the room, and that nobody can answer it alone.

## Key points

- Parents find us when we are where they already are: schools, sports clubs, the GP.
- Fathers need an invitation of their own, not a footnote in one for mothers.
- Volunteers carry much of the work and need training and recognition.

## Next steps

1. Share the contact list of the participants (with their consent).
2. Meet again in autumn to compare what was tried.

| what | who | when |
|---|---|---|
| Write a short guide | the hosts | September |
"""

# The same report in Dutch, for a Dutch event (the load test checks ë, ï and € survive).
REPORT_NL = """## Samenvatting

Ongeveer {n} mensen bespraken *{title}*. De groep was het erover eens dat de vraag elke
organisatie in de zaal aanbelangt, en dat niemand ze alleen kan beantwoorden.

## Kernpunten

- Ouders vinden ons waar ze al zijn: scholen, sportclubs, de huisarts.
- Vaders hebben een eigen uitnodiging nodig, geen voetnoot bij die voor moeders.
- Geïnteresseerde vrijwilligers dragen veel van het werk; hun ideeën verdienen erkenning.

## Volgende stappen

1. Deel de contactlijst van de deelnemers (met hun toestemming).
2. Kom in het najaar opnieuw samen om te vergelijken wat geprobeerd is.

| wat | wie | budget |
|---|---|---|
| Een korte gids schrijven | de hosts | € 250 |
"""


DESCRIPTION = """We compare notes on topic {n}: what worked, what did not, and what we would
try next. Bring an example of your own; **everyone** talks, nobody lectures."""
DESCRIPTION_NL = """We vergelijken wat we weten over thema {n}: wat werkte, wat niet, en wat we
nu zouden proberen. Breng een voorbeeld mee; **iedereen** praat, niemand geeft les."""


def generated_event(
    sessions: int, deck_mb: float, workdir: Path, *, slug: str = "bench-300", language: str = "en"
):
    """The generated event of the module docstring (`language` "nl" gives Dutch reports); its
    slide decks go to attachments/<event id>/ under MEDIA_ROOT."""
    from datetime import date, datetime, timedelta
    from datetime import time as clock

    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage

    from sessions_app.models import (
        Attachment,
        Event,
        Host,
        Participant,
        Placement,
        Room,
        Session,
        Slot,
        Theme,
        Vote,
    )

    dutch = language == "nl"
    event = Event.objects.create(
        slug=slug, name="Bench camp", date=date(2026, 6, 13), language=language,
        phase=Event.Phase.VOTING, introduction="An *introduction*.", conclusion="The end.",
    )  # fmt: skip
    rooms = Room.objects.bulk_create(
        Room(event=event, name=f"Room {n:02d}", capacity=30 + n, order=n) for n in range(20)
    )
    slot_count = -(-sessions // len(rooms))
    start = datetime.combine(event.date, clock(9)).replace(tzinfo=event.tz)
    slots = [
        Slot.objects.create(
            event=event,
            start=start + timedelta(minutes=50 * n),
            end=start + timedelta(minutes=50 * n + 45),
        )
        for n in range(slot_count)
    ]
    User = get_user_model()
    users = User.objects.bulk_create(User(username=f"{slug}-{n}") for n in range(sessions))
    people = Participant.objects.bulk_create(
        Participant(event=event, user=u, name=f"Person {n}", organisation=f"Org {n % 40}")
        for n, u in enumerate(users)
    )
    themes = Theme.objects.bulk_create(
        Theme(event=event, name=f"Theme {n}", synthesis=f"Synthesis **{n}**.\n\n- one\n- two")
        for n in range(3)
    )
    made = Session.objects.bulk_create(
        Session(
            event=event,
            title=(
                f"Sessie {n}: wat we leerden over thema {n}"
                if dutch
                else f"Session {n}: what we learnt about topic {n}"
            ),
            kind=Session.Kind.values[n % 3],
            status=Session.Status.SCHEDULED,
            report=(REPORT_NL if dutch else REPORT).format(
                n=10 + n % 30, title=f"{'onderwerp' if dutch else 'topic'} {n}"
            )
            if n % 4 != 3
            else "",
            description=(DESCRIPTION_NL if dutch else DESCRIPTION).format(n=n),
        )
        for n in range(sessions)
    )
    Host.objects.bulk_create(Host(session=s, participant=people[n]) for n, s in enumerate(made))
    Session.themes.through.objects.bulk_create(
        Session.themes.through(session=s, theme=themes[n % 3]) for n, s in enumerate(made)
    )
    Vote.objects.bulk_create(
        Vote(participant=people[(n + k) % sessions], session=s)
        for n, s in enumerate(made)
        for k in range(1, 1 + n % 15)
    )
    Placement.objects.bulk_create(
        Placement(session=s, room=rooms[n % len(rooms)], slot=slots[n // len(rooms)])
        for n, s in enumerate(made)
    )
    folder = Path(default_storage.path(f"attachments/{event.pk}"))
    folder.mkdir(parents=True, exist_ok=True)
    attachments = []
    for n, s in enumerate(made):
        name = f"attachments/{event.pk}/deck-{n:03d}.pdf"
        deck_pdf(Path(default_storage.path(name)), s.title, deck_mb)
        attachments.append(
            Attachment(
                session=s,
                kind=Attachment.Kind.SLIDES,
                title="Slides",
                file=name,
                content_type="application/pdf",
                size=Path(default_storage.path(name)).stat().st_size,
            )
        )
    from sessions_app import uploads

    for n, attachment in enumerate(attachments):  # as the thumbnail job leaves them
        with open(default_storage.path(attachment.file.name), "rb") as deck:
            png = uploads.render_pdf_thumbnail(deck)
        name = f"attachments/{event.pk}/thumbs/deck-{n:03d}.png"
        Path(default_storage.path(name)).parent.mkdir(exist_ok=True)
        Path(default_storage.path(name)).write_bytes(png or b"")
        attachment.thumbnail = name
    Attachment.objects.bulk_create(attachments)
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.ARCHIVED)
    event.refresh_from_db()
    return event


def measure(event, label: str, *, trace_pdf: bool) -> list[tuple]:
    from sessions_app import actions
    from sessions_app.exports import event_report as report
    from sessions_app.jobs import report_builds
    from sessions_app.models import ReportBuild

    rows = []
    actions.request_report_builds(event=event)
    builds = {b.kind: b for b in ReportBuild.objects.filter(event=event)}
    for kind in ("pdf", "zip"):
        build = builds[kind]
        started, cpu = time.perf_counter(), time.process_time()
        with PeakRSS() as peak:
            report_builds.run_build(build.pk, build.attempt)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        build.refresh_from_db()
        assert build.status == "done", build.message
        rss = (peak.peak - peak.before) / 1024
        rows.append([label, kind, seconds, cpu, rss, peak.peak / 1024, build.size / 2**20])

    # the ZIP again under tracemalloc (slower, so timed apart): Python's own peak allocations,
    # which must not grow with the slides; the PDF too with --trace-pdf (minutes for 300)
    pdf_path = report_builds.output_path(builds["pdf"])
    scratch = Path(tempfile.mkdtemp(prefix="report-bench-"))
    steps = {
        "pdf": lambda: report.write_pdf(event, scratch / "r.pdf"),
        "zip": lambda: report.write_zip(event, scratch / "r.zip", pdf_path),
    }
    try:
        for row in rows:
            if row[1] == "pdf" and not trace_pdf:
                row.append(float("nan"))
                continue
            tracemalloc.start()
            steps[row[1]]()
            _current, top = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            row.append(top / 2**20)
    finally:
        shutil.rmtree(scratch)
    return [tuple(r) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--deck-mb", type=float, default=3.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--trace-pdf", action="store_true", help="also trace the PDF's allocations (slow)"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="oocamp-report-bench-"))
    try:
        setup_django(workdir)
        from django.core.management import call_command

        from sessions_app.models import Event

        call_command("import_event", str(DEMO), verbosity=0)
        demo = Event.objects.get()
        t0 = time.perf_counter()
        big = generated_event(args.sessions, args.deck_mb, workdir)
        generated = time.perf_counter() - t0
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; work dir {workdir}")
        print(
            f"generated: {args.sessions} sessions with {args.sessions} decks of "
            f"{args.deck_mb:g} MB in {generated:.1f} s"
        )
        print()
        print(
            f"{'event':<28} {'file':<4} {'wall s':>7} {'CPU s':>7} {'RSS +MB':>8} "
            f"{'RSS MB':>7} {'size MB':>8} {'tracemalloc MB':>15}",
            flush=True,
        )
        for event, label in [
            (demo, f"demo ({demo.sessions.count()} sessions)"),
            (big, f"generated ({args.sessions} sessions)"),
        ]:
            for row in measure(event, label, trace_pdf=args.trace_pdf):
                name, kind, seconds, cpu, rss, peak, size, traced = row
                print(
                    f"{name:<28} {kind:<4} {seconds:>7.2f} {cpu:>7.2f} {rss:>8.1f} "
                    f"{peak:>7.1f} {size:>8.1f} {traced:>15.1f}",
                    flush=True,
                )
        print(
            "\nwall s: the build as the worker runs it (rename and heartbeats included); CPU s:"
            " this process's CPU time (other load on the machine does not count);\nRSS +MB:"
            " the highest resident memory during the build above the level before it; RSS MB:"
            " that peak itself;\ntracemalloc MB: the peak of Python allocations in a second"
            " run of the same step."
        )
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
