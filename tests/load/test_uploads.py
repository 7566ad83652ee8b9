"""Rows 8 and 10 of the reliability plan, against a real server: gunicorn with
deploy/gunicorn.conf.py (one sync worker, DEBUG off) on PostgreSQL (tests/load/server.py), a
host's session cookie, the slides upload URL, multipart bodies streamed by http.client from a
generator (nothing held in memory or written to disk by the client).

- Row 8: a 2 GB upload is refused at the 50 MB limit without filling memory or disk: 413 in
  < 1 s, worker RSS < 100 MB, 0 bytes in the upload temp directory, no Attachment row; the same
  upload chunked (no Content-Length) is rejected, with no row either.
- Row 10: the worker is SIGKILLed 2 s into a 40 MB upload sent at ~10 MB/s: no row, no media
  file; the orphaned temporary file is kept by `manage.py sweep_uploads --older-than 3600`
  while it is fresh (it could be an upload in progress) and removed once older (its clock set
  back two hours); `manage.py check_media` then finds 0 rows without a file and 0 files
  without a row.

The upload temp directory: settings leave FILE_UPLOAD_TEMP_DIR unset, so Django (and
sweep_uploads) use the system's, TMPDIR; the server gets an empty one of its own.
A small upload through the same path is accepted first in each test: the refusals are the
limit's, not a broken session or token. Run with `pytest -m load tests/load/test_uploads.py -s`."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import select
import signal
import string
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from bench.uploads.run import upload_form_framing
from tests.load.server import Server

pytestmark = pytest.mark.load

DATABASE = "oocamp_load_uploads"
MB = 1024 * 1024
CHUNK = 256 * 1024
ZEROS = bytes(CHUNK)
RSS_MAX_MB = 100
SETUP = """
import json
from django.conf import settings
from django.urls import reverse
from sessions_app import uploads
from tests.factories import make_event, make_participant, make_session, make_signed_in_session

event = make_event(slug="load-uploads", name="Load uploads", language="en")
host = make_participant(event, "Hanne Host")
session = make_session(event, [host], title="Big slides")
print(json.dumps({
    "url": reverse("participant:slides-upload", args=[event.slug, session.pk]),
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "session": make_signed_in_session(host.user),
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
    "limit": uploads.max_upload_bytes(),
}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("uploads")
    server = Server(tmp, database=DATABASE, workers=1)
    for name in ("REDIS_URL", "CACHE_KEY_PREFIX"):  # uploads need no shared cache
        server.env.pop(name, None)
    server.uploads_tmp = tmp / "upload-tmp"
    server.uploads_tmp.mkdir()
    server.env["TMPDIR"] = str(server.uploads_tmp)
    server.media = tmp / "media"
    # the refusal is a full page: its {% static %} links need the manifest, as in production
    server.env["STATIC_ROOT"] = str(tmp / "static")
    started = time.monotonic()
    server.manage("collectstatic", "--no-input", "-v", "0")
    server.create_database(seed=False)
    server.info = json.loads(server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    server.info["csrf"] = "".join(
        secrets.choice(string.ascii_letters + string.digits) for _ in range(32)
    )
    server.start()
    print(f"\nupload server: gunicorn 1 worker on {server.url}, limit "
          f"{server.info['limit'] / MB:.0f} MB, set up in {time.monotonic() - started:.1f} s")  # fmt: skip
    try:
        yield server
    finally:
        server.stop()


# ---- the client ------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no answer, the connection dropped
    seconds: float  # from connecting to the answer's status line (or the drop)
    sent: int  # bytes of the file the client got to send


def post_upload(
    server: Server,
    size: int,
    *,
    chunked: bool = False,
    rate: float | None = None,
    started: threading.Event | None = None,
) -> Answer:
    """POST the upload form (CSRF token, title, then a `size`-byte PDF made on the fly) and
    stop sending as soon as the server answers or drops the connection. `rate`: bytes per
    second at most. Chunked: no Content-Length, http.client frames the body."""
    info = server.info
    boundary, head, tail = upload_form_framing(info["csrf"])
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Cookie": f"{info['session_cookie']}={info['session']}; "
        f"{info['csrf_cookie']}={info['csrf']}",
        "X-CSRFToken": info["csrf"],
    }
    if not chunked:
        headers["Content-Length"] = str(len(head) + size + len(tail))
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    sent = 0
    begun = time.perf_counter()

    def answered() -> bool:
        return bool(select.select([connection.sock], [], [], 0)[0])

    def body():
        nonlocal sent
        if started:
            started.set()
        yield head
        while sent < size:
            if answered():
                return
            piece = ZEROS[: min(CHUNK, size - sent)]
            yield b"%PDF-1.4\n" + piece[9:] if sent == 0 else piece
            sent += len(piece)
            if rate and (ahead := begun + sent / rate - time.perf_counter()) > 0:
                time.sleep(ahead)  # pacing the client, not waiting for the server
        if not answered():
            yield tail

    try:
        # the server may stop reading before the end; its answer is then waiting
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request("POST", info["url"], body=body(), headers=headers)
        try:
            status = connection.getresponse().status
        except (OSError, http.client.HTTPException):
            status = 0
    finally:
        seconds = time.perf_counter() - begun
        connection.close()
    return Answer(status, seconds, sent)


# ---- what the server holds -------------------------------------------------------------------


def attachment_rows(server: Server) -> int:
    with psycopg.connect(server.dsn) as c:
        return c.execute("SELECT count(*) FROM sessions_app_attachment").fetchone()[0]


def files(directory: Path) -> dict[Path, int]:
    found = {}
    for path in directory.rglob("*"):
        try:
            if path.is_file():
                found[path] = path.stat().st_size
        except FileNotFoundError:  # deleted meanwhile
            continue
    return found


def workers(server: Server) -> list[int]:
    master = server.process.pid
    return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def memory_mb(pid: int, field: str) -> float:
    """VmRSS (now) or VmHWM (the peak since the process started) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


class Watch:
    """Samples, every 10 ms while it runs, the RSS of the server's workers and the bytes in
    the upload temp directory in files that were not there at the start."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.before = set(files(server.uploads_tmp))
        self.rss_mb = 0.0
        self.tmp_bytes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def sample(self) -> None:
        for pid in workers(self.server):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # just killed
                self.rss_mb = max(self.rss_mb, memory_mb(pid, "VmRSS"))
        new = {p: n for p, n in files(self.server.uploads_tmp).items() if p not in self.before}
        self.tmp_bytes = max(self.tmp_bytes, sum(new.values()))
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.01)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def a_small_upload_is_accepted(server: Server) -> None:
    rows, stored = attachment_rows(server), len(files(server.media))
    answer = post_upload(server, MB)
    assert answer.status == 302, answer  # the form's redirect: stored
    assert attachment_rows(server) == rows + 1
    assert len(files(server.media)) == stored + 1


# ---- the tests -------------------------------------------------------------------------------


def test_row_8_a_2_gb_upload_is_refused_early_and_chunked_is_rejected(server):
    started = time.monotonic()
    a_small_upload_is_accepted(server)
    rows, media = attachment_rows(server), files(server.media)

    with Watch(server) as big:
        refused = post_upload(server, 2 * 1024 * MB)
    with Watch(server) as chunk:
        rejected = post_upload(server, 2 * 1024 * MB, chunked=True)
    (worker,) = workers(server)
    peak = memory_mb(worker, "VmHWM")

    print(
        f"row 8: 2 GB with Content-Length: {refused.status} in {refused.seconds:.3f} s after "
        f"{refused.sent / MB:.1f} MB sent; worker RSS peak {big.rss_mb:.1f} MB sampled "
        f"({big.samples} samples), {peak:.1f} MB VmHWM since it started; temp dir peak "
        f"{big.tmp_bytes} bytes; 2 GB chunked: {rejected.status} in {rejected.seconds:.3f} s "
        f"after {rejected.sent / MB:.1f} MB sent, RSS peak {chunk.rss_mb:.1f} MB, temp dir "
        f"peak {chunk.tmp_bytes} bytes; rows {attachment_rows(server) - rows:+d}, media files "
        f"{len(files(server.media)) - len(media):+d}; {time.monotonic() - started:.1f} s"
    )
    assert refused.status == 413
    assert refused.seconds < 1
    assert big.rss_mb < RSS_MAX_MB and peak < RSS_MAX_MB
    assert big.tmp_bytes == 0
    # WSGI has no body without a Content-Length: the form finds no file (not a CSRF failure)
    assert rejected.status == 400
    assert chunk.rss_mb < RSS_MAX_MB
    assert chunk.tmp_bytes == 0
    assert attachment_rows(server) == rows
    assert files(server.media) == media
    assert time.monotonic() - started < 60


def test_row_10_a_worker_killed_mid_upload_leaves_nothing_referenced(server):
    started = time.monotonic()
    size, rate = 40 * MB, 10 * MB
    assert size < server.info["limit"]  # refused for its size would prove nothing here
    a_small_upload_is_accepted(server)
    rows, media = attachment_rows(server), files(server.media)
    before = set(files(server.uploads_tmp))
    sending = threading.Event()
    answers: list[Answer] = []
    upload = threading.Thread(
        target=lambda: answers.append(post_upload(server, size, rate=rate, started=sending))
    )

    upload.start()
    assert sending.wait(10)
    upload_began = time.monotonic()
    while time.monotonic() - upload_began < 2:  # the plan's moment: 2 s into the upload
        time.sleep(0.01)
    holding = [
        pid
        for pid in workers(server)
        for fd in Path(f"/proc/{pid}/fd").iterdir()
        if os.readlink(fd).startswith(str(server.uploads_tmp))
    ]
    assert len(holding) == 1, holding  # the worker writing the upload's temporary file
    os.kill(holding[0], signal.SIGKILL)
    killed_at = time.monotonic() - upload_began
    upload.join(timeout=30)
    server.wait_ready(timeout=30)  # gunicorn's master starts a new worker
    (answer,) = answers
    orphans = {p: n for p, n in files(server.uploads_tmp).items() if p not in before}

    swept_fresh = server.manage("sweep_uploads", "--older-than", "3600")
    kept = all(p.exists() for p in orphans)
    two_hours_ago = time.time() - 7200
    for path in orphans:
        os.utime(path, (two_hours_ago, two_hours_ago))
    swept_old = server.manage("sweep_uploads", "--older-than", "3600")
    checked = server.manage("check_media")

    print(
        f"row 10: worker {holding[0]} SIGKILLed {killed_at:.2f} s into a {size // MB} MB upload "
        f"at {rate // MB} MB/s, after {answer.sent / MB:.1f} MB sent; client got "
        f"{answer.status or 'no answer'}; rows {attachment_rows(server) - rows:+d}, media files "
        f"{len(files(server.media)) - len(media):+d}; orphaned temp files "
        f"{[f'{p.name} {n / MB:.1f} MB' for p, n in orphans.items()]}; sweep_uploads "
        f"--older-than 3600: fresh: {swept_fresh.strip().splitlines()[-1]!r} (kept: {kept}), "
        f"2 h old: {swept_old.strip().splitlines()[-1]!r}; check_media: "
        f"{checked.strip().splitlines()[-1]!r}; {time.monotonic() - started:.1f} s"
    )
    assert answer.status == 0  # the connection dropped: no answer, certainly no success
    assert attachment_rows(server) == rows
    assert files(server.media) == media
    assert len(orphans) == 1
    ((orphan, orphan_bytes),) = orphans.items()
    assert orphan.name.startswith("tmp") and ".upload" in orphan.name
    assert 5 * MB < orphan_bytes < size  # part of the file, as far as it got
    assert "0 temporary upload file(s) removed" in swept_fresh and kept
    assert "1 temporary upload file(s) removed" in swept_old
    assert not orphan.exists()
    assert "0 row(s) without a file, 0 file(s) without a row" in checked
    assert time.monotonic() - started < 60
