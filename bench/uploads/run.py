"""Memory and disk of the slides upload view under oversized uploads, through a real server.

    .venv/bin/python bench/uploads/run.py [--gigabytes 2] [--limit-mb 50]

All on loopback, in a throwaway directory (SQLite database, MEDIA_ROOT, TMPDIR):

1. migrates a fresh database and makes an event, a host and a session; signs the host in
   (a database session, the cookie handed to the client below);
2. starts gunicorn (one sync worker, DEBUG off) serving the project;
3. sends, on a raw socket, multipart POSTs to the upload view whose file part is generated
   on the fly (zeros after a `%PDF-` header, never held in memory or written to disk by the
   client), and reads the answer as soon as the server gives one:
   - a 2 GB upload with its Content-Length (refused before the file part is read);
   - the same 2 GB upload chunked, without a Content-Length (WSGI sees an empty body);
   - a file 1 KB over the limit, whose Content-Length is within the slack the handler allows
     for the form fields (refused by counting the bytes as they stream in, after the limit's
     worth went to a temporary file, which is deleted);
   - an accepted file just under the limit (for comparison);
4. after each, prints the HTTP status, the time, how many bytes the client got to send, the
   worker's peak RSS (VmHWM from /proc, which only grows, so each figure covers everything
   before it), the most the temporary directory held (sampled every 10 ms) and whether a row
   or a file was left behind.

Exits 1 if the worker's peak RSS reaches 100 MB while refusing, a status is not the expected
one, or a refused upload leaves a row or a file behind.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
CHUNK = 256 * 1024
RSS_LIMIT_MB = 100


def environment(work: Path, limit: int) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "oocamp.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-uploads-" + "x" * 50,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "OOCAMP_VAR_DIR": str(work / "var"),
        "TMPDIR": str(work / "tmp"),
        "OOCAMP_MAX_ATTACHMENT_BYTES": str(limit),
        "PYTHONPATH": str(ROOT),
    }


def setup_data() -> None:
    """Run inside the bench environment (`--setup`): one event, host and session; prints the
    host's session cookie, a CSRF token and the upload URL as JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.urls import reverse

    from tests.factories import make_event, make_participant, make_session

    event = make_event(slug="bench-uploads", name="Upload bench", language="en")
    host = make_participant(event, name="Bench Host")
    session = make_session(event, [host], title="Big slides")
    client = Client()
    client.force_login(host.user)
    print(
        json.dumps(
            {
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
                "csrf": _get_new_csrf_string(),
                "url": reverse("participant:slides-upload", args=[event.slug, session.pk]),
            }
        )
    )


def count_rows(env: dict[str, str]) -> int:
    code = (
        "import django; django.setup(); from sessions_app.models import Attachment; "
        "print(Attachment.objects.count())"
    )
    out = subprocess.run([PYTHON, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    return int(out.stdout.strip())


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def worker_pid(master: int) -> int:
    for _ in range(200):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise RuntimeError("gunicorn started no worker")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def directory_bytes(path: Path) -> int:
    total = 0
    for item in path.rglob("*"):
        try:
            if item.is_file():
                total += item.stat().st_size
        except FileNotFoundError:
            pass
    return total


class DirectoryWatch:
    """The most bytes a directory held while the watch ran (sampled every 10 ms)."""

    def __init__(self, path: Path) -> None:
        self.path, self.peak, self._stop = path, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, directory_bytes(self.path))
            time.sleep(0.01)

    def __enter__(self) -> DirectoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, directory_bytes(self.path))


@dataclass
class Result:
    status: int
    seconds: float
    sent: int


def warm_up(port: int, info: dict) -> None:
    """GET the slides page (twice): imports, templates and the database connection are then
    in the worker, so what the uploads add shows on its own."""
    path = info["url"].removesuffix("upload/")
    for _ in range(2):
        with socket.create_connection((HOST, port)) as sock:
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n"
                f"Cookie: {info['cookie_name']}={info['cookie']}\r\n\r\n"
            )
            sock.sendall(request.encode())
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        if not answer.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"slides page: {answer[:200]!r}")


def upload_form_framing(csrf: str) -> tuple[str, bytes, bytes]:
    """The slides form as multipart (boundary, the bytes before the file's, the bytes after),
    so that a client can send a file of any size between them without holding it."""
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{csrf}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="title"\r\n\r\n'
        "Big deck\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return boundary, head, f"\r\n--{boundary}--\r\n".encode()


def post_upload(port: int, info: dict, size: int, *, chunked: bool = False) -> Result:
    """POST a multipart form (CSRF token, title, then a `size`-byte file made on the fly) and
    return as soon as the server answers, whether or not the whole body went out."""
    boundary, head, tail = upload_form_framing(info["csrf"])
    length = len(head) + size + len(tail)
    headers = [
        f"POST {info['url']} HTTP/1.1",
        f"Host: {HOST}:{port}",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        f"Cookie: {info['cookie_name']}={info['cookie']}; "
        f"{info['csrf_cookie_name']}={info['csrf']}",
        f"X-CSRFToken: {info['csrf']}",
        f"Referer: http://{HOST}:{port}/",
        "Connection: close",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}",
    ]
    zeros = bytes(CHUNK)
    started = time.perf_counter()
    sent = 0
    with socket.create_connection((HOST, port)) as sock:
        sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())

        def send(data: bytes) -> bool:
            """False once the server has answered (or closed): stop sending then."""
            nonlocal sent
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                return False
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            except (BrokenPipeError, ConnectionResetError):
                return False
            sent += len(data)
            return True

        pieces = [head, b"%PDF-1.4\n" + zeros[: CHUNK - 9]]
        remaining = size - (CHUNK)
        going = all(send(piece) for piece in pieces)
        while going and remaining > 0:
            piece = zeros if remaining >= CHUNK else zeros[:remaining]
            going = send(piece)
            remaining -= len(piece)
        if going:
            going = send(tail)
            if going and chunked:
                sock.sendall(b"0\r\n\r\n")
        answer = b""
        sock.settimeout(120)
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    seconds = time.perf_counter() - started
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return Result(status, seconds, sent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--limit-mb", type=int, default=50)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup_data()
        return 0

    limit = args.limit_mb * 1024 * 1024
    big = int(args.gigabytes * 1024**3)
    work = Path(tempfile.mkdtemp(prefix="oocamp-upload-bench-"))
    env = environment(work, limit)
    (work / "tmp").mkdir()
    failures: list[str] = []
    server = None
    try:
        for command in (["migrate"], ["collectstatic"]):
            subprocess.run(
                [PYTHON, "manage.py", *command, "--noinput", "-v0"], env=env, cwd=ROOT, check=True
            )
        setup = subprocess.run(
            [PYTHON, __file__, "--setup"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        info = json.loads(setup.stdout.strip().splitlines()[-1])
        port = free_port()
        server = subprocess.Popen(
            [
                GUNICORN,
                "oocamp.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "1",
                "--worker-class",
                "sync",
                "--timeout",
                "300",
                "--access-logfile",
                "/dev/null",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        for _ in range(200):
            try:
                socket.create_connection((HOST, port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        pid = worker_pid(server.pid)
        print(f"gunicorn worker {pid} (1 sync worker), upload limit {args.limit_mb} MB")
        print(f"worker peak RSS before any request: {peak_rss_mb(pid):.1f} MB")
        warm_up(port, info)
        baseline = peak_rss_mb(pid)
        print(f"worker peak RSS after GETting the slides page twice: {baseline:.1f} MB")
        cases = [
            (f"{args.gigabytes:g} GB with Content-Length", big, False, 413),
            (f"{args.gigabytes:g} GB chunked, no Content-Length", big, True, 400),
            ("limit + 1 KB (counted while streaming)", limit + 1024, False, 413),
            ("limit - 1 MB (accepted)", limit - 1024 * 1024, False, 302),
        ]
        print(
            f"{'upload':44} {'status':>6} {'seconds':>8} {'client sent':>12} "
            f"{'peak RSS':>9} {'peak tmp':>9} {'rows':>5} {'media':>9}"
        )
        expected_rows = 0
        refused_peak = baseline
        for name, size, chunked, expected in cases:
            with DirectoryWatch(work / "tmp") as tmp:
                result = post_upload(port, info, size, chunked=chunked)
            time.sleep(0.2)
            rss = peak_rss_mb(pid)
            rows = count_rows(env)
            media = directory_bytes(work / "media")
            print(
                f"{name:44} {result.status:>6} {result.seconds:>8.2f} "
                f"{result.sent / 2**20:>9.1f} MB {rss:>6.1f} MB {tmp.peak / 2**20:>6.1f} MB "
                f"{rows:>5} {media / 2**20:>6.1f} MB"
            )
            if expected != 302:
                refused_peak = rss
            if result.status != expected:
                failures.append(f"{name}: status {result.status}, expected {expected}")
            if expected == 302:
                expected_rows += 1
            if rows != expected_rows:
                failures.append(f"{name}: {rows} rows, expected {expected_rows}")
            if expected != 302 and rows == expected_rows and media > expected_rows * limit:
                failures.append(f"{name}: files left in MEDIA_ROOT")
        peak = peak_rss_mb(pid)
        print(
            f"peak RSS of the worker through the refused uploads: {refused_peak:.1f} MB "
            f"(must stay < {RSS_LIMIT_MB}), {refused_peak - baseline:+.1f} MB over the warmed-up "
            f"worker; after the accepted one too: {peak:.1f} MB ({peak - baseline:+.1f} MB)"
        )
        if refused_peak >= RSS_LIMIT_MB:
            failures.append(f"peak RSS {refused_peak:.1f} MB while refusing")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
