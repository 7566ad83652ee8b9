"""Scale-out: nginx on 127.0.0.1 balancing two gunicorn instances, one `db_worker`, PostgreSQL
and Redis, as deploy/ describes them (deploy/gunicorn.conf.py and nginx's proxy settings are
used as they are). Loopback only; its own database, Redis key prefix, ports and temp files.

1. A participant's whole flow goes through nginx, which sends consecutive requests to the
   two instances in turn: join (signed in on one instance, known on the other), propose,
   vote, my page; an organiser's grid move made on one instance shows on the other within
   seconds (the live-grid version); a report queued by a web instance is built by the worker
   and downloaded from either.
2. The throughput of one instance against two, on the same page.
3. A vote load by many participants for a fixed time; one instance is SIGKILLed in the
   middle. No vote fails for the voter (nginx sends the votes the dead instance did not answer
   to the other one: deploy/nginx-oocamp_locations.conf; the clients, like the vote button,
   send a vote once more when its answer was cut off), none that got a success answer is lost,
   the survivor answers everything after the kill, and no hard rule of either grid is broken.

Run by .ci/run (`pytest -m scaleout`); deselected otherwise (conftest.py). Prints its figures.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
import redis

from tests.processes import free_port, manage
from tests.scaleout.scenario import LIVE, MARK, SHOWN

pytestmark = pytest.mark.scaleout

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("OOCAMP_SCALEOUT_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("OOCAMP_SCALEOUT_REDIS", "redis://127.0.0.1:6379/0")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORKERS_PER_INSTANCE = 4  # gunicorn sync workers, enough to keep 2 cores busy alone
LOAD_THREADS = 16
THROUGHPUT_SECONDS = 6
# The vote load is sized by time, not by count (a count finishes before the kill on a fast
# machine and long after it on a slow one): the clients vote until told to stop. Instance "a"
# is killed once the load has run KILL_AFTER_SECONDS with KILL_AFTER_VOTES answered; votes sent
# within SETTLE_SECONDS of the kill count as "during" it (nginx is finding out that "a" is
# gone); the load goes on until AFTER_SECONDS past that window with at least AFTER_VOTES sent
# in it, so every run has votes before, across and after the kill, on any machine.
KILL_AFTER_SECONDS = 2.0
KILL_AFTER_VOTES = 40
SETTLE_SECONDS = 0.5
AFTER_SECONDS = 2.5
AFTER_VOTES = 60
LOAD_BUDGET_SECONDS = 60
RETRACT_EVERY = 4  # every 4th vote is taken back right after: "unvote" also crosses the kill
# A ceiling for a run that hangs, not a speed check (each wait has its own limit): ~55 s in CI,
# 90-150 s on 2 cores shared with other test runs (set-up and start take most of it there).
BUDGET_SECONDS = 300


# ---- a small HTTP client: cookies, CSRF, no redirects followed ------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    served_by: str
    started: float
    ended: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One visitor: keeps its cookies; sends the CSRF token with every POST as htmx does."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self.served: list[str] = []

    def request(
        self, method: str, path: str, form: dict | None = None, *, htmx: bool = False
    ) -> Answer:
        headers = {"Host": "127.0.0.1", "User-Agent": "oocamp-scaleout"}
        if method == "POST":
            self.cookies.setdefault("csrftoken", secrets.token_hex(16))  # 32 characters
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        body = urlencode(form or {}, doseq=True) if method == "POST" else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        served = response.headers.get("X-Served-By", "?")
        self.served.append(served)
        return Answer(response.status, response.headers, data, served, started, time.monotonic())

    def get(self, path: str, **kw) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, form: dict | None = None, **kw) -> Answer:
        return self.request("POST", path, form, **kw)


# ---- the processes ---------------------------------------------------------------------------


class Cluster:
    """The processes of the test, each in its own process group (a kill takes the gunicorn
    master and its workers at once, as when a machine or container dies)."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp, self.env = tmp, env
        self.procs: dict[str, subprocess.Popen] = {}

    def spawn(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self.procs[name]

    def manage(self, *args: str, timeout: float = 90) -> str:
        return manage(self.env, *args, timeout=timeout)

    def scenario(self, function: str) -> dict:
        code = f"from tests.scaleout import scenario; scenario.{function}()"
        out = self.manage("shell", "--no-imports", "-c", code)
        line = next(line for line in out.splitlines() if line.startswith(MARK))
        return json.loads(line.removeprefix(MARK))

    def kill(self, name: str) -> None:
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait(timeout=10)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until `check()` held; fails after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if check():
                return time.monotonic() - start
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


def healthy(port: int) -> bool:
    return Browser(port).get("/healthz").status == 200


def nginx_config(tmp: Path, port: int, port_one: int, a: int, b: int) -> Path:
    """The deployment's nginx without TLS: `port` is the HTTPS server of
    deploy/nginx-oocamp.conf, its locations (deploy/nginx-oocamp_locations.conf, with its proxy
    settings, deploy/nginx-oocamp_proxy.conf) as they are, balancing both instances as the
    upstream `oocamp`; `port_one` sends everything to "a" (for the throughput of one). The access
    log names the instances each request went to ("a, b" when nginx tried "a" first)."""
    proxy = ROOT / "deploy" / "nginx-oocamp_proxy.conf"
    locations = tmp / "oocamp_locations.conf"
    deployed = (ROOT / "deploy" / "nginx-oocamp_locations.conf").read_text()
    assert "/etc/nginx/oocamp_proxy.conf" in deployed
    locations.write_text(deployed.replace("/etc/nginx/oocamp_proxy.conf", str(proxy)))
    config = tmp / "nginx.conf"
    config.write_text(f"""
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format upstreams '$msec $request_method $uri $status "$upstream_addr"';
    access_log {tmp}/nginx-access.log upstreams;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    client_max_body_size 51m;
    upstream oocamp {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=10s;
        keepalive 16;
    }}
    upstream one {{ server 127.0.0.1:{a}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        include {locations};
    }}
    server {{
        listen 127.0.0.1:{port_one};
        location / {{ proxy_pass http://one; include {proxy}; }}
    }}
}}
""")
    return config


def static_root(cluster: Cluster) -> tuple[Path, subprocess.Popen | None]:
    """Collected static files (compressed, hashed names: the production storage). Collecting
    takes half a minute here, so the result is kept in var/ for the same sources and versions;
    a new one is collected in the background while the database is set up."""
    versions = " ".join(metadata.version(name) for name in ("django", "django-htmx", "whitenoise"))
    digest = hashlib.sha256(versions.encode())
    sources = [ROOT / "static", *ROOT.glob("sessions_app/**/static")]
    for path in sorted(p for source in sources for p in source.rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(ROOT)} {path.stat().st_size}".encode())
            digest.update(path.read_bytes())
    cache = ROOT / "var" / "scaleout-static"
    target = cache / digest.hexdigest()[:16]
    if (target / "staticfiles.json").exists():
        return target, None
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"]
    return target, cluster.spawn("collectstatic", args, STATIC_ROOT=str(target))


def preconditions() -> None:
    if not Path(NGINX).exists():
        pytest.skip("nginx is missing: apt-get install -y nginx")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis does not answer at {REDIS_URL} ({error}): start redis-server")
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
    except psycopg.Error as error:
        pytest.skip(f"PostgreSQL does not answer at {POSTGRES} ({error})")


@pytest.fixture
def cluster():
    preconditions()
    tmp = Path(tempfile.mkdtemp(prefix="oocamp-scaleout-"))
    tmp.chmod(0o755)  # nginx's workers (nobody) write request bodies here
    database = f"oocamp_scaleout_{os.getpid()}"
    prefix = f"scaleout-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "scaleout-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "DB_POOL": "1",
        "DB_POOL_MAX": "2",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(tmp / "media"),
        "OOCAMP_VAR_DIR": str(tmp / "var"),
        "OOCAMP_TRUSTED_PROXIES": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_FORMAT": "json",
        "GUNICORN_WORKERS": str(WORKERS_PER_INSTANCE),
    }
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        admin.execute(f'CREATE DATABASE "{database}"')
    running = Cluster(tmp, env)
    try:
        yield running
    finally:
        running.stop()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        cache = redis.Redis.from_url(REDIS_URL)
        for key in cache.scan_iter(f"{prefix}:*"):
            cache.delete(key)
        shutil.rmtree(tmp, ignore_errors=True)


# ---- the test --------------------------------------------------------------------------------


def describe(answer: Answer | None) -> str:
    if answer is None:
        return "no answer (connection error)"
    return f"{answer.status} from {answer.served_by}: {answer.text[:300]!r}"


def vote_ok(answer: Answer, vote: bool = True) -> bool:
    """A success answer: the button came back as "Voted" (as "Vote" after taking a vote back)
    and without an error."""
    return (
        answer.status == 200
        and ("vote-button voted" in answer.text) == vote
        and "vote-error" not in answer.text
    )


@dataclass
class Cast:
    """One vote (or taking one back) as a client sent it, and what it got."""

    voter: int
    session: int
    vote: bool
    answer: Answer | None  # None: no answer at all (cut off)
    started: float
    ended: float
    lost_first: str | None = None  # how the first answer was lost, when the page sent it again

    @property
    def ok(self) -> bool:
        return self.answer is not None and vote_ok(self.answer, self.vote)


def upstreams_of_votes(access_log: str) -> list[tuple[float, str]]:
    """(time, instances tried) of each vote POST in the test's nginx access log, e.g.
    (…, "127.0.0.1:4001, 127.0.0.1:4002") for a vote nginx sent to a second instance."""
    found = []
    for line in access_log.splitlines():
        msec, method, uri, _status, upstream = line.split(" ", 4)
        if method == "POST" and uri.endswith("/vote/"):
            found.append((float(msec), upstream.strip('"')))
    return found


def test_two_instances_behind_nginx_share_everything_and_survive_a_kill(cluster, capsys):
    began = time.monotonic()
    marks: list[tuple[str, float]] = [("", began)]

    def figure(line: str, phase: str | None = None) -> None:
        """Print a figure at once (also when a later check fails), with the phase's time."""
        if phase:
            marks.append((phase, time.monotonic()))
            line += f" [{phase}: {marks[-1][1] - marks[-2][1]:.1f} s]"
        with capsys.disabled():
            print(f"\n  scale-out: {line}", end="", flush=True)

    static, collecting = static_root(cluster)
    cluster.env["STATIC_ROOT"] = str(static)
    cluster.manage("migrate", "--no-input", "-v", "0")
    data = cluster.scenario("setup")
    if collecting is not None:
        assert collecting.wait(timeout=90) == 0, cluster.log("collectstatic")
    figure("PostgreSQL database migrated, events made, static files collected", "set-up")

    # -- start: two instances, the worker, nginx
    port_a, port_b, port, port_one = free_port(), free_port(), free_port(), free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "oocamp.wsgi"]
    cluster.spawn("a", gunicorn, GUNICORN_BIND=f"127.0.0.1:{port_a}", OOCAMP_SERVED_BY="a")
    cluster.spawn("b", gunicorn, GUNICORN_BIND=f"127.0.0.1:{port_b}", OOCAMP_SERVED_BY="b")
    worker = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"]
    cluster.spawn("worker", worker)
    config = nginx_config(cluster.tmp, port, port_one, port_a, port_b)
    nginx = [
        NGINX,
        "-p",
        str(cluster.tmp),
        "-c",
        str(config),
        "-e",
        str(cluster.tmp / "nginx-error.log"),
    ]
    cluster.spawn("nginx", [*nginx, "-g", "daemon off;"])
    wait_until(lambda: healthy(port_a) and healthy(port_b), 60, "both instances healthy")
    wait_until(lambda: healthy(port), 10, "nginx")
    figure(f"nginx on :{port} before gunicorn a :{port_a} and b :{port_b}, worker", "start")

    # -- 1. a participant's whole flow, alternating between the instances
    code = data["join_code"]
    nora = Browser(port)
    assert nora.get(f"/{LIVE}/join/?code={code}").status == 200
    joined = nora.post(f"/{LIVE}/join/", {"name": "Nora Newcomer", "code": code})
    assert joined.status == 302, joined.text[-2000:]
    assert "sessionid" in nora.cookies
    propose_page = nora.get(f"/{LIVE}/propose/")
    assert propose_page.status == 200  # signed in on the other instance: not sent to join
    assert joined.served_by != propose_page.served_by
    proposal = {"title": "Scaling a barcamp", "kind": "discussion", "description": "Two servers."}
    proposed = nora.post(f"/{LIVE}/propose/", proposal)
    assert proposed.status == 302, proposed.text[-3000:]
    own = int(proposed.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert nora.get(f"/{LIVE}/sessions/{own}/").status == 200
    other = data["sessions"][0]
    voted = nora.post(f"/{LIVE}/sessions/{other}/vote/", {"vote": "1"}, htmx=True)
    assert vote_ok(voted), voted.text
    assert "Scaling a barcamp" in nora.get(f"/{LIVE}/me/").text
    assert "Scaling a barcamp" in nora.get(f"/{LIVE}/proposals/").text
    assert nora.get(f"/{SHOWN}/grid/").status == 200
    flow = Counter(nora.served)
    assert set(flow) == {"a", "b"} and min(flow.values()) >= len(nora.served) // 3, nora.served
    switches = sum(x != y for x, y in zip(nora.served, nora.served[1:], strict=False))
    figure(
        f"flow through nginx: {len(nora.served)} requests, served a={flow['a']} b={flow['b']}, "
        f"{switches} switches between instances, signed in throughout",
        "flow",
    )

    # -- a rate limit counts the requests of all instances (sign-in links: 3 per address)
    asker = Browser(port)
    asked = [asker.post("/signin/", {"email": "nora@example.org"}) for _ in range(4)]
    assert [a.status for a in asked] == [302, 302, 302, 429], [a.status for a in asked]
    assert {a.served_by for a in asked[:3]} == {"a", "b"}
    figure(
        "rate limit: sign-in links for one address, asked 4 times through nginx "
        f"({', '.join(a.served_by for a in asked)}): 3 sent, the 4th refused (429)"
    )

    # -- the live grid: a move made on one instance is seen by both
    organiser = Browser(port, {"sessionid": data["organiser"]})
    direct = {"a": Browser(port_a), "b": Browser(port_b)}
    shown = data["shown"]
    before = {name: b.get(f"/{SHOWN}/grid/version").text for name, b in direct.items()}
    assert before["a"] == before["b"] == f"{shown['version']}-published"
    room, slot = shown["free_cell"]
    move = {
        "session": shown["sessions"][0],
        "room": room,
        "slot": slot,
        "version": shown["version"],
    }
    moved = organiser.post(f"/{SHOWN}/organise/grid/move/", move, htmx=True)
    assert moved.status == 200, moved.text[-2000:]
    after = f"{shown['version'] + 1}-published"
    seen = wait_until(
        lambda: all(b.get(f"/{SHOWN}/grid/version").text == after for b in direct.values()),
        10,
        "the new grid version on both instances",
    )
    anonymous = [Browser(port).get(f"/{SHOWN}/grid/") for _ in range(2)]
    assert [a.status for a in anonymous] == [200, 200]
    assert {a.served_by for a in anonymous} == {"a", "b"}
    figure(
        f"live grid: a move made through nginx was seen by both instances after {seen:.1f} s",
        "grid",
    )

    # -- the job queue: a web instance queues, the worker builds, either instance serves
    queued = organiser.post(f"/{LIVE}/organise/report/build/")
    assert queued.status == 302

    def builds_done() -> bool:
        with psycopg.connect(cluster.env["DATABASE_URL"]) as db:
            states = [row[0] for row in db.execute("SELECT status FROM sessions_app_reportbuild")]
        assert "failed" not in states, states
        return bool(states) and set(states) == {"done"}

    built = wait_until(builds_done, 60, "the report built by the worker")
    pdf = organiser.get(f"/{LIVE}/report/download/pdf/")
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    figure(f"worker: the report (PDF + ZIP) queued over HTTP was built in {built:.1f} s", "job")

    # -- 2. throughput: one instance against two, the same page, 8 clients
    voters = [Browser(port, {"sessionid": key}) for key in data["voters"]]

    def throughput(target: int, seconds: float) -> float:
        """Requests per second of 8 clients asking for the page for `seconds`."""
        clients = [Browser(target, voter.cookies) for voter in voters[:8]]
        end = time.monotonic() + seconds

        def run(client: Browser) -> list[int]:
            statuses = []
            while time.monotonic() < end:
                statuses.append(client.get(f"/{LIVE}/proposals/").status)
            return statuses

        start = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            statuses = [s for result in pool.map(run, clients) for s in result]
        elapsed = time.monotonic() - start
        assert statuses == [200] * len(statuses)
        return len(statuses) / elapsed

    throughput(port, THROUGHPUT_SECONDS / 2)  # warm both instances up
    one, two = throughput(port_one, THROUGHPUT_SECONDS), throughput(port, THROUGHPUT_SECONDS)
    figure(
        f"throughput, participant's proposals page, 8 clients: one instance {one:.0f} req/s, "
        f"two instances {two:.0f} req/s ({two / one:.2f}x; near 1x expected: both instances, "
        "nginx, PostgreSQL, Redis and the clients share the same 2 cores)",
        "throughput",
    )

    # -- 3. a vote load for a fixed time; instance "a" is SIGKILLed in the middle
    sessions = data["sessions"]
    ids = data["voter_ids"]
    # every (participant, session) pair once, each owned by one client, which walks its pairs
    # (and starts again at the end): votes for one pair never overtake each other
    pairs = [
        (v, sessions[(v * 7 + k * 11) % len(sessions)])
        for k in range(len(sessions))
        for v in range(len(voters))
    ]
    casts: list[Cast] = []
    lock = threading.Lock()
    stop = threading.Event()

    def cast(client: dict[int, Browser], voter: int, session: int, vote: bool) -> None:
        """What the vote button does: send the form; when its answer is lost (no answer, or
        502/503/504), send the same form once more (static/js/app.js; tests/browser/
        test_vote_retry.py shows the page doing it)."""
        browser = client.setdefault(voter, Browser(port, voters[voter].cookies))
        form = {"vote": "1" if vote else "0"}
        start = time.monotonic()
        lost = None
        for _try in range(2):
            try:
                answer = browser.post(f"/{LIVE}/sessions/{session}/vote/", form, htmx=True)
            except (OSError, http.client.HTTPException) as error:  # no answer at all
                answer, lost = None, f"cut off ({type(error).__name__})"
            else:
                lost = f"{answer.status} from nginx" if answer.status in (502, 503, 504) else None
            if lost is None:
                break
        with lock:
            casts.append(Cast(voter, session, vote, answer, start, time.monotonic(), lost))

    def client_thread(index: int) -> None:
        client: dict[int, Browser] = {}  # its own cookie jars: one per participant
        own = pairs[index::LOAD_THREADS]
        step = 0
        while not stop.is_set():
            voter, session = own[step % len(own)]
            cast(client, voter, session, True)
            if step % RETRACT_EVERY == RETRACT_EVERY - 1 and not stop.is_set():
                cast(client, voter, session, False)
            step += 1

    def answered() -> int:
        with lock:
            return sum(c.ok for c in casts)

    def sent_since(moment: float) -> int:
        with lock:
            return sum(c.started >= moment for c in casts)

    def wait_for(check: Callable[[], bool], what: str) -> None:
        while not check():
            assert time.monotonic() - load_start < LOAD_BUDGET_SECONDS, f"vote load: {what}"
            time.sleep(0.02)

    load_start = time.monotonic()
    with ThreadPoolExecutor(LOAD_THREADS) as pool:
        running = [pool.submit(client_thread, index) for index in range(LOAD_THREADS)]
        try:
            wait_for(
                lambda: (
                    time.monotonic() - load_start >= KILL_AFTER_SECONDS
                    and answered() >= KILL_AFTER_VOTES
                ),
                f"not {KILL_AFTER_VOTES} votes answered before the kill",
            )
            kill_at = time.monotonic()
            cluster.kill("a")  # master and workers at once
            killed = time.monotonic()
            settled = killed + SETTLE_SECONDS
            wait_for(
                lambda: (
                    time.monotonic() >= settled + AFTER_SECONDS
                    and sent_since(settled) >= AFTER_VOTES
                ),
                f"not {AFTER_VOTES} votes sent after the kill",
            )
        finally:
            stop.set()
            for thread in running:
                thread.result()
    load_seconds = time.monotonic() - load_start

    failed = [c for c in casts if not c.ok]
    again = [c for c in casts if c.lost_first]
    before = [c for c in casts if c.ended < kill_at]
    across = [c for c in casts if c.started < kill_at <= c.ended]
    during = [c for c in casts if kill_at <= c.started < settled]
    after = [c for c in casts if c.started >= settled]
    by_instance = Counter(c.answer.served_by for c in casts if c.ok)
    tried = upstreams_of_votes((cluster.tmp / "nginx-access.log").read_text())
    retried = [upstream for _at, upstream in tried if "," in upstream]

    def counted(items: list[str]) -> str:
        return ", ".join(f"{n} x {kind}" for kind, n in Counter(items).most_common()) or "none"

    figure(
        f"vote load for {load_seconds:.1f} s: {len(casts)} votes sent "
        f"({sum(not c.vote for c in casts)} of them taking a vote back) by {len(voters)} "
        f"participants from {LOAD_THREADS} clients ({len(casts) / load_seconds:.0f}/s); "
        f"instance a SIGKILLed (master and workers) after {kill_at - load_start:.1f} s: "
        f"{len(before)} answered before the kill, {len(across)} in flight at it, "
        f"{len(during)} sent in the {SETTLE_SECONDS} s after it, {len(after)} after that; "
        f"answered by a={by_instance['a']}, b={by_instance['b']}; sent to the other instance "
        f"by nginx: {len(retried)}; sent again by the page: {len(again)} "
        f"({counted([c.lost_first for c in again])}); failed for the voter: {len(failed)} "
        f"({counted([describe(c.answer)[:40] for c in failed])})",
        "load",
    )
    nginx_errors = re.findall(
        r"\[error\] \d+#\d+: \*\d+ (.+?), client:",
        (cluster.tmp / "nginx-error.log").read_text(),
    )
    figure(f"nginx's errors: {counted(nginx_errors)}")
    assert failed == [], [
        (round(c.started - kill_at, 3), round(c.ended - kill_at, 3), describe(c.answer)[:80])
        for c in failed[:10]
    ]
    # The page sends a vote again only when its answer was cut off by the kill (an instance
    # that dies after it sent the answer's first bytes: nginx cannot send it elsewhere then).
    assert all(c.started < settled for c in again), [c.started - kill_at for c in again]
    assert len(again) <= LOAD_THREADS  # at most the one in flight of each client
    assert before and across and during, "the kill did not fall in the middle of the load"
    assert len(after) >= AFTER_VOTES
    assert all(c.answer.served_by == "b" for c in after)
    # The kill hit votes on their way: nginx sent them to "b" after "a" failed, and the voter
    # saw a success. Without the vote location's `non_idempotent` these are the 502s.
    assert retried, "no vote was in flight on instance a when it was killed"
    assert all(upstream.endswith(f":{port_b}") for upstream in retried), retried

    # -- nothing lost: the database holds the last answered word of every pair
    last: dict[tuple[int, int], bool] = {}
    for c in sorted(casts, key=lambda c: c.started):  # one client per pair: in its order
        last[(ids[c.voter], c.session)] = c.vote
    database = cluster.scenario("check")
    counted = {tuple(pair) for pair in database["votes"]} & {(ids[v], s) for v, s in pairs}
    wanted = {pair for pair, vote in last.items() if vote}
    lost = wanted - counted
    unwanted = counted - wanted
    assert database[LIVE]["conflicts"] == [] and database[SHOWN]["conflicts"] == []
    figure(
        f"votes in the database: {len(counted)}, for {len(wanted)} pairs whose last answered "
        f"word was a vote ({len(last) - len(wanted)} taken back); lost: {len(lost)}; "
        f"stored though taken back: {len(unwanted)}; no hard rule broken on either grid"
    )
    assert lost == set(), "a vote that got a success answer is lost"
    assert unwanted == set(), "a vote taken back (with a success answer) is still counted"

    carry_on = Browser(port, voters[0].cookies)
    after_kill = [carry_on.get(f"/{LIVE}/proposals/") for _ in range(10)]
    assert [a.status for a in after_kill] == [200] * 10
    assert {a.served_by for a in after_kill} == {"b"}
    assert healthy(port)

    access = {name: cluster.log(name).count('"gunicorn.access"') for name in ("a", "b")}
    figure(f"requests served per instance (gunicorn access logs): a={access['a']}, b={access['b']}")
    lines = [line for name in ("a", "b") for line in cluster.log(name).splitlines() if line]
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert {r["logger"] for r in records} >= {"gunicorn.access", "gunicorn.error"}
    errors = [r for r in records if r.get("status", 0) >= 500 or r["level"] == "ERROR"]
    assert errors == [], errors[:3]  # no instance answered a request with an error
    figure(
        f"logs: {len(lines)} lines on the instances' stdout, {len(records)} of them JSON "
        f"({len(lines) - len(records)} other lines)"
    )
    total = time.monotonic() - began
    figure(f"{total:.1f} s in all", "checks")
    assert total < BUDGET_SECONDS, f"the scale-out test took {total:.0f} s"


def test_the_nginx_example_in_deploy_is_valid(tmp_path):
    """deploy/nginx-oocamp.conf as the README says to install it, with a throwaway certificate,
    passes `nginx -t` (the scale-out test runs only its proxy settings)."""
    preconditions()
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(certificate), "-subj", "/CN=camp.example.org"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    proxy = ROOT / "deploy" / "nginx-oocamp_proxy.conf"
    locations = (ROOT / "deploy" / "nginx-oocamp_locations.conf").read_text()
    assert "/etc/nginx/oocamp_proxy.conf" in locations
    locations = locations.replace("/etc/nginx/oocamp_proxy.conf", str(proxy))
    (tmp_path / "locations.conf").write_text(locations)
    site = (ROOT / "deploy" / "nginx-oocamp.conf").read_text()
    for old, new in {
        "/etc/letsencrypt/live/camp.example.org/fullchain.pem": str(certificate),
        "/etc/letsencrypt/live/camp.example.org/privkey.pem": str(key),
        "/etc/nginx/oocamp_proxy.conf": str(proxy),
        "/etc/nginx/oocamp_locations.conf": str(tmp_path / "locations.conf"),
    }.items():
        assert old in site
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(
        f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "modules").symlink_to("/usr/lib/nginx/modules")
    (tmp_path / "nginx.conf").write_text(
        # the modules Debian's packages enable, as the real nginx.conf loads them (Brotli);
        # their paths are relative to the prefix, which -p moves here
        f"include /etc/nginx/modules-enabled/*.conf;\n"
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; {temp}\n"
        f"include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
        + ["-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def test_nginx_sends_only_votes_twice():
    """The one location of deploy/nginx-oocamp_locations.conf whose POSTs nginx may send to a
    second instance (`non_idempotent`) matches the vote URL and no other URL of the app: a
    proposal, an upload or a grid move is never sent twice."""
    from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
    from django.urls import get_resolver, reverse

    from sessions_app.views import participant

    locations = (ROOT / "deploy" / "nginx-oocamp_locations.conf").read_text()
    blocks = re.findall(r"^location (.+?) \{\n(.*?)^\}", locations, re.M | re.S)
    twice = [where for where, body in blocks if "non_idempotent" in body]
    assert len(twice) == 1 and twice[0].startswith("~ "), blocks
    pattern = re.compile(twice[0].removeprefix("~ "))
    samples = {"int": "12", "slug": "scale-camp", "path": "a/b.pdf", "uuid": str(uuid.uuid4())}

    def example(route: str) -> str:
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples.get(m[1] or "", "x1"), route)

    views = extract_views_from_urlpatterns(get_resolver().url_patterns)
    matched = {
        example(simplify_regex(route)): view
        for view, route, _namespace, _name in views
        if pattern.search(example(simplify_regex(route)))
    }
    assert list(matched.values()) == [participant.vote], matched
    assert pattern.search(reverse("participant:vote", args=["a-camp", 3]))
    assert len(views) > 100  # the app's URL patterns were all looked at
